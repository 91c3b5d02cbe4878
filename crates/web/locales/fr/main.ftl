# Pages web de Guildhall : français. Chaque message a son jumeau anglais dans ../en/main.ftl.

## Mise en page
skip-link = Passer au contenu principal
nav-main = Principal
nav-home = Accueil
nav-communities = Communautés
nav-admin = Administration
nav-account = Votre compte
sign-in = Se connecter
sign-out = Se déconnecter
sign-up = Créer un compte
signed-in-as = Connecté en tant que { $name }
footer-text = Guildhall : des communautés de pratique pour la fonction publique, fédérées avec ActivityPub.
go-home = Aller à la page d'accueil
pages = Pages
page-previous = Page précédente
page-next = Page suivante
save = Enregistrer
cancel = Annuler
edit = Modifier
delete = Supprimer
never = Jamais
no-expiry = Sans échéance

## Avis après un changement
notice-joined = Vous avez rejoint la communauté.
notice-requested = Votre demande d'adhésion a été envoyée aux modérateurs.
notice-left = Vous avez quitté la communauté.
notice-created = Votre communauté a été créée. Vous en êtes le modérateur.
notice-posted = Votre discussion a été publiée.
notice-replied = Votre réponse a été publiée.
notice-edited = Vos modifications ont été enregistrées.
notice-deleted = La publication a été supprimée.
notice-saved = Vos modifications ont été enregistrées.
notice-pinned = La discussion a été épinglée.
notice-unpinned = La discussion n'est plus épinglée.
notice-locked = La discussion a été verrouillée.
notice-unlocked = La discussion a été déverrouillée.
notice-voted = Votre vote a été enregistré.
notice-accepted = La demande a été acceptée.
notice-rejected = La demande a été refusée.
notice-banned = La personne a été bannie.
notice-unbanned = Le bannissement a été levé.
notice-moderator-added = Le membre est maintenant modérateur.
notice-moderator-removed = Le membre n'est plus modérateur.
notice-registered = Votre compte a été créé. Bienvenue dans Guildhall.
notice-pending = Votre compte a été créé. Un administrateur doit l'approuver avant que vous puissiez vous connecter.
notice-password = Votre mot de passe a été changé. Connectez-vous de nouveau avec le nouveau.
notice-approved = Le compte a été approuvé.
notice-invite = Un nouveau code d'invitation a été créé.
notice-found = Voici la communauté. Rejoignez-la pour y participer.

## Erreurs
error-summary-title = Il y a un problème
error-title-prefix = Erreur :
error-prefix = Erreur :
error-empty = Entrez une valeur
error-too-long = Entrez au plus { $max } caractères
error-length = Entrez de { $min } à { $max } caractères
error-email = Entrez une adresse courriel au bon format, comme nom@ministere.gc.ca
error-reserved = Ce nom est réservé. Choisissez-en un autre
error-name-chars = Utilisez seulement des lettres minuscules de a à z, des chiffres, des traits d'union (-) et des traits de soulignement (_)
error-name-dash = Le nom ne doit pas commencer ni finir par un trait d'union
error-single-line = Entrez une seule ligne de texte
error-current-password = Ce n'est pas votre mot de passe actuel
error-host = Vérifiez cette entrée : { $value }
error-tags = Entrez au plus 20 sujets faits de lettres, de chiffres, de traits d'union ou de soulignement, séparés par des virgules
error-taken = Ce nom ou cette adresse courriel est déjà utilisé. Choisissez-en un autre
error-invalid = Vérifiez cette entrée : { $detail }
error-days = Entrez un nombre entier de jours, ou laissez vide
error-number = Entrez un nombre entier
error-no-such-person = Personne n'a ce nom d'utilisateur
error-inactive = Ce compte ne peut pas faire cela.
error-401-title = Vous devez vous connecter
error-401-message = Connectez-vous pour continuer.
error-403-title = Vous ne pouvez pas faire cela
error-404-title = Page introuvable
error-404-message = Si vous avez tapé l'adresse, vérifiez qu'elle est exacte. La page peut aussi être réservée aux membres d'une communauté.
error-500-title = Désolé, le service a un problème
error-500-message = Réessayez plus tard.
csrf-title = Votre formulaire a expiré
csrf-message = Le formulaire était périmé ou ne venait pas de ce site. Revenez en arrière, rechargez la page et réessayez.

## Refus (codes des politiques)
denied-sign-in-required = Vous devez d'abord vous connecter.
denied-members-only = Seuls les membres de cette communauté peuvent faire cela.
denied-banned = Vous êtes banni de cette communauté.
denied-already-member = Vous êtes déjà membre de cette communauté.
denied-already-pending = Votre demande d'adhésion attend déjà un modérateur.
denied-charter-not-accepted = Acceptez la charte de la communauté pour la rejoindre
denied-not-member = Vous n'êtes pas membre de cette communauté.
denied-last-moderator = Vous êtes le dernier modérateur. Nommez un autre modérateur avant de partir ou de vous retirer.
denied-locked = Cette discussion est verrouillée : seuls les modérateurs peuvent répondre.
denied-deleted = Cette publication a été supprimée.
denied-moderators-only = Seuls les modérateurs de cette communauté peuvent faire cela.
denied-author-only = Seul l'auteur peut faire cela.
denied-admins-only = Seuls les administrateurs de cette instance peuvent faire cela.
denied-instance-not-allowed = Cette communauté n'admet que des membres de certaines instances.

## Connexion et inscription
label-username = Nom d'utilisateur
label-password = Mot de passe
label-email = Adresse courriel
label-display-name = Nom affiché
label-invite-code = Code d'invitation
label-reason = Motif
login-no-account = Pas encore de compte?
login-error-username = Entrez votre nom d'utilisateur
login-error-password = Entrez votre mot de passe
login-error-wrong = Entrez un nom d'utilisateur et un mot de passe exacts
login-error-pending = Votre compte attend l'approbation d'un administrateur
login-error-suspended = Votre compte est suspendu
login-error-active = Ce compte ne peut pas se connecter
hint-name = De 3 à 30 lettres minuscules, chiffres, traits d'union ou de soulignement. Il fait partie de votre adresse et ne peut pas être changé.
hint-display-name = Le nom que les gens voient. Vous pourrez le changer.
hint-password = Au moins 8 caractères.
hint-reason = Dites aux administrateurs pourquoi vous aimeriez vous joindre.
signup-rules = Qui peut s'inscrire
signup-email-domains = Seules les adresses courriel de ces domaines sont acceptées : { $domains }
signup-closed = Les inscriptions sont fermées. Demandez un compte à un administrateur.
signup-submit = Créer le compte
registration-mode-open = Tout le monde peut créer un compte.
registration-mode-approval = Les nouveaux comptes attendent l'approbation d'un administrateur.
registration-mode-invite = Il faut un code d'invitation pour créer un compte.
registration-mode-closed = Seuls les administrateurs créent des comptes.
registration-refused-closed = Les inscriptions sont fermées sur cette instance
registration-refused-invite = Entrez un code d'invitation valide
registration-refused-domain = Utilisez une adresse courriel de l'un de ces domaines : { $domains }

## Accueil et répertoire
home-title = Vos communautés et leur activité
home-my-communities = Vos communautés
home-no-communities = Vous n'avez encore rejoint aucune communauté.
home-find-communities = Trouver des communautés à rejoindre
home-latest = Dernières discussions
home-no-latest = Il n'y a encore aucune discussion dans vos communautés.
home-no-communities-yet = Il n'y a pas encore de communauté.
home-all-communities = Voir toutes les communautés
latest-in = Dans { $community }
welcome-title = Des communautés de pratique pour la fonction publique
welcome-text = Rejoignez des réseaux de pairs autour d'un rôle ou d'un domaine, sur cette instance ou sur toute autre qui fédère avec elle.
directory-search = Chercher des communautés
directory-topic = Sujet
directory-any-topic = Tous les sujets
directory-search-button = Chercher
directory-empty = Aucune communauté ne correspond.
remote-community = sur un autre serveur
you-are-member = Vous êtes membre
label-topics = Sujets
member-count = { $count ->
    [one] { $count } membre
   *[other] { $count } membres
}
follow-title = Suivre une communauté d'un autre serveur
follow-submit = Trouver la communauté
follow-sign-in = Connectez-vous pour suivre des communautés d'autres serveurs
follow-error-empty = Entrez l'adresse de la communauté, comme @nom@exemple.gc.ca, ou son adresse web
follow-error-format = Entrez une adresse comme @nom@exemple.gc.ca, ou une adresse web commençant par https://
follow-error-not-found = Aucune communauté n'a été trouvée à cette adresse
follow-error-unreachable = L'autre serveur n'a pas pu être joint ou n'a pas répondu correctement. Réessayez plus tard
label-follow = Adresse de la communauté
hint-follow = Par exemple @intendants-donnees@exemple.gc.ca ou https://exemple.gc.ca/c/intendants-donnees

## Communautés
community-create = Créer une communauté
community-nav = Communauté
community-discussions = Discussions
community-members = Membres
community-requests = Demandes d'adhésion
community-bans = Bannissements
community-settings = Paramètres
community-about = À propos
community-charter = Charte
community-welcome = Bienvenue
community-no-description = Pas encore de description.
community-since = Créée le { $date }
community-join = Rejoindre cette communauté
community-ask-to-join = Demander à rejoindre
community-sign-in-to-join = Se connecter pour rejoindre
community-pending = Votre demande d'adhésion attend un modérateur.
community-withdraw = Retirer la demande
community-banned = Vous êtes banni de cette communauté.
community-you-moderate = Vous modérez cette communauté.
community-you-are-member = Vous êtes membre de cette communauté.
community-leave = Quitter la communauté
community-members-only = Seuls les membres peuvent lire les discussions de cette communauté.
community-no-discussions = Pas encore de discussion. Lancez la première.
visibility-public = Publique
visibility-approval = Sur approbation
visibility-private = Privée
visibility-public-hint = Tout le monde peut lire; toute personne connectée peut rejoindre aussitôt.
visibility-approval-hint = Tout le monde peut lire; un modérateur approuve chaque nouveau membre.
visibility-private-hint = Seuls les membres peuvent lire; un modérateur approuve chaque nouveau membre.
role-anonymous = Visiteur
role-non_member = Non-membre
role-pending = Demande en attente
role-member = Membre
role-moderator = Modérateur
role-banned = Banni
join-title = Rejoindre { $community }
join-no-charter = Cette communauté n'a pas de charte.
join-charter-legend = La charte
join-accept-charter = J'ai lu la charte et j'accepte de la respecter
join-approval-explained = Un modérateur examinera votre demande.
label-join-message = Message aux modérateurs (facultatif)
hint-join-message = Dites qui vous êtes et pourquoi vous aimeriez vous joindre.
hint-join-question = Les modérateurs posent cette question à toute personne qui demande à rejoindre.
back-to-community = Retour à la communauté
label-community-name = Nom de la communauté
label-title = Titre
label-description = Description
label-charter = Charte
label-welcome = Message de bienvenue pour les nouveaux membres
label-tags = Sujets
label-visibility = Qui peut lire et rejoindre
label-join-question = Question pour les personnes qui demandent à rejoindre (facultatif)
label-member-domains = N'admettre que des membres de ces instances (facultatif)
hint-markdown = Vous pouvez utiliser Markdown.
hint-charter = Les règles que les membres acceptent en rejoignant. Vous pouvez utiliser Markdown.
hint-welcome = Montré aux nouveaux membres. Vous pouvez utiliser Markdown.
hint-tags = Séparez les sujets par des virgules, comme accessibilite, conception
hint-join-question-setting = Pour les communautés sur approbation, par exemple « Dans quelle équipe travaillez-vous? »
hint-member-domains = Une par ligne, comme gc.ca (sous-domaines compris). Laissez vide pour admettre tout le monde.

## Discussions
discussion-start = Lancer une discussion
discussion-post = Publier la discussion
label-body = Message
badge-pinned = Épinglée
badge-locked = Verrouillée
badge-members-only = Réservée aux membres
by = Par
by-author = Par { $name }
edited = modifiée
edited-at = modifiée le { $date }
reply-count = { $count ->
    [one] { $count } réponse
   *[other] { $count } réponses
}
score = { $score ->
    [one] { $score } point
   *[other] { $score } points
}
sort-label = Trier par :
sort-active = activité récente
sort-new = plus récentes
post-deleted = [supprimée]
post-deleted-text = Cette publication a été supprimée.
post-edit-title = Modifier votre publication
vote-up = Voter pour
vote-down = Voter contre
vote-on-discussion = la discussion
reply = Répondre
reply-by = Réponse de { $name }
reply-to = Répondre à { $name }
reply-to-discussion = Répondre à la discussion
reply-post = Publier la réponse
reply-cancel-nested = Répondre plutôt à la discussion
reply-sign-in = Connectez-vous pour répondre
label-reply = Votre réponse
delete-title = Supprimer cette publication?
delete-warning = Les réponses restent dans la discussion. Cette action est irréversible.
delete-confirm = Oui, la supprimer
pin = Épingler
unpin = Désépingler
lock = Verrouiller
unlock = Déverrouiller

## Modération
members-caption = Membres de { $community }
members-empty = Pas encore de membres.
label-name = Nom
label-department = Ministère ou organisme
label-role = Rôle
label-joined = Arrivée
label-actions = Actions
moderator-add = Nommer modérateur
moderator-remove = Retirer comme modérateur
ban = Bannir
requests-empty = Personne n'attend pour rejoindre.
request-accept = Accepter
request-reject = Refuser
bans-empty = Personne n'est banni.
label-until = Jusqu'au
ban-permanent = Permanent
ban-lift = Lever le bannissement
ban-title = Bannir une personne
label-ban-username = Nom d'utilisateur
hint-ban-username = nom pour les personnes de cette instance, nom@domaine pour celles d'autres serveurs
hint-ban-reason = Communiqué aux modérateurs et envoyé avec le bannissement.
label-ban-days = Durée du bannissement en jours (facultatif)
hint-ban-days = De 1 à 3650. Laissez vide pour un bannissement permanent.

## Profils et compte
profile-since = Membre depuis le { $date }
profile-edit = Modifier votre profil
label-skills = Rôles et compétences
label-bio = À propos de vous
hint-department = Par exemple Agence du revenu du Canada
label-language = Langue des pages
language-browser = Utiliser la langue de mon navigateur
label-time-zone = Votre fuseau horaire
hint-time-zone = Les heures des événements sont aussi affichées dans ce fuseau. Son nom IANA, par exemple America/Toronto ou Europe/Paris ; laissez vide pour aucun.
account-signed-in-as = Connecté en tant que { $name }
account-profile = Profil
account-password = Changer votre mot de passe
account-password-hint = Vous serez déconnecté partout et vous vous reconnecterez avec le nouveau mot de passe.
label-current-password = Mot de passe actuel
label-new-password = Nouveau mot de passe
account-password-submit = Changer le mot de passe

## Administration
admin-nav = Administration
admin-registration = Inscription
admin-federation = Fédération
admin-instances = État des livraisons
label-registration-mode = Qui peut créer un compte
label-email-domains = Domaines courriel autorisés à s'inscrire (facultatif)
hint-email-domains = Un par ligne, comme gc.ca ou *.gc.ca. Laissez vide pour tout accepter.
label-community-creation = Qui peut créer des communautés
community-creation-members = Tout membre
community-creation-admins = Les administrateurs seulement
admin-pending = Comptes en attente d'approbation
admin-pending-empty = Aucun compte n'attend.
account-approve = Approuver
account-reject = Refuser
admin-invites = Codes d'invitation
label-max-uses = Nombre d'utilisations
hint-max-uses = De 1 à 1000.
label-invite-days = Valide pendant (jours, facultatif)
hint-invite-days = De 1 à 365. Laissez vide pour aucune échéance.
invite-create = Créer un code d'invitation
label-code = Code
label-uses = Utilisations
label-federation-mode = Avec quels serveurs cette instance fédère
federation-mode-open = Tous les serveurs
federation-mode-blocklist = Tous sauf les serveurs bloqués
federation-mode-allowlist = Seulement les serveurs autorisés
federation-mode-open-hint = Tout serveur du fédivers peut suivre et répondre.
federation-mode-blocklist-hint = Les serveurs de la liste ci-dessous sont refusés.
federation-mode-allowlist-hint = Seuls les serveurs de la liste ci-dessous sont acceptés, par exemple un réseau de la fonction publique.
label-federation-domains = Serveurs de la liste de blocage ou d'autorisation
hint-federation-domains = Un par ligne, comme ministere.gc.ca ou hote:port. Les sous-domaines sont compris.
label-limited-domains = Serveurs limités (facultatif)
hint-limited-domains = Toujours fédérés, mais leurs communautés et leurs auteurs sont exclus des listes publiques. Un par ligne.
instances-intro = Les livraisons vers chaque serveur auquel cette instance envoie. Les livraisons échouées sont réessayées pendant 3 jours.
instances-empty = Rien n'a encore été envoyé à d'autres serveurs.
label-instance = Serveur
label-state = État
label-pending = En attente
label-delivered = Livrées
label-failed = Abandonnées
label-failures = Tentatives échouées
label-last-success = Dernier succès
instance-ok = Fonctionne
instance-failing = En échec
instance-unreachable = Injoignable
instance-failing-since = depuis le { $date }

## Événements
community-events = Événements
events-title = Événements
events-upcoming = Événements à venir
events-past = Événements passés
events-none = Aucun événement à venir.
events-none-past = Aucun événement passé.
events-feed = S'abonner au calendrier de cette communauté (.ics)
event-create = Créer un événement
event-edit = Modifier l'événement
event-cancel = Annuler l'événement
event-online = En ligne
event-going-count = { $count ->
    [one] { $count } personne y va
   *[other] { $count } personnes y vont
}
event-waitlist-count = { $count ->
    [one] { $count } en liste d'attente
   *[other] { $count } en liste d'attente
}
event-capacity = { $count ->
    [one] { $count } place
   *[other] { $count } places
}
event-remaining = { $count ->
    [0] plus aucune place
    [one] { $count } place restante
   *[other] { $count } places restantes
}
event-no-limit = Nombre de places illimité
event-status-confirmed = Confirmé
event-status-tentative = Provisoire
event-status-cancelled = Annulé
event-organised-by = Organisé par
event-cancelled-notice = Cet événement est annulé.
event-when = Quand
event-zone = fuseau horaire { $zone }
event-your-zone = votre fuseau horaire, { $zone }
event-where = Où
event-where-unknown = Non précisé
event-places = Places
event-add-to-calendar = Ajouter à mon calendrier (.ics)
event-rsvp = Serez-vous présent?
event-external = L'inscription se fait ailleurs :
event-sign-in = Connectez-vous pour indiquer si vous serez présent
event-you-none = Vous n'avez pas encore répondu.
event-you-going = Vous y allez.
event-you-waitlisted = Vous êtes en liste d'attente. Vous aurez une place si une se libère.
event-you-pending = Votre demande de participation attend un organisateur.
event-you-rejected = Un organisateur a refusé votre demande de participation.
event-rsvp-closed = Cet événement n'accepte plus de réponses.
event-going = J'y vais
event-ask-to-go = Demander à participer
event-join-waitlist = M'inscrire en liste d'attente
event-not-going = Je n'y vais pas
event-attendees = Participants
event-no-attendees = Personne n'a encore répondu.
attendee-going = Y va
attendee-waitlisted = En liste d'attente
attendee-pending = Attend un organisateur
attendee-rejected = Refusé
label-since = Depuis
label-starts-at = Début
label-ends-at = Fin
hint-event-time = Date et heure dans le fuseau horaire de l'événement, par exemple 2026-12-01T18:30.
label-timezone = Fuseau horaire
hint-timezone = Son nom IANA, par exemple America/Toronto, America/Montreal ou Europe/Paris.
label-place-name = Lieu
label-place-address = Adresse
hint-optional = Facultatif.
label-online-url = Lien pour participer en ligne
hint-online-url = Facultatif. Une adresse commençant par https://.
label-capacity = Nombre de places
hint-capacity = Facultatif. Laissez vide pour ne pas limiter.
label-join-mode = Comment participer
join-mode-free = Tout membre de la communauté peut indiquer qu'il y va
join-mode-approval = Un organisateur accepte chaque demande
join-mode-external = L'inscription se fait ailleurs
label-external-url = Où s'inscrire
hint-external-url = Nécessaire quand l'inscription se fait ailleurs.
label-event-status = État
error-timezone = Indiquez un fuseau horaire comme America/Toronto ou Europe/Paris
error-datetime = Indiquez une date et une heure comme 2026-12-01T18:30
error-time-skipped = Cette heure n'existe pas dans ce fuseau horaire (changement d'heure)
error-ends-before-start = La fin doit être après le début
error-too-long-event = Un événement dure au plus un an
error-year-range = Le début doit être entre les années 1970 et 2200
error-capacity = Indiquez un nombre entier de places de 0 à 1 000 000, ou laissez vide
error-url = Indiquez une adresse commençant par http:// ou https://
error-external-required = Indiquez où s'inscrire
error-required = Indiquez une valeur
notice-event-created = Votre événement a été créé.
notice-event-cancelled = L'événement a été annulé.
notice-event-deleted = L'événement a été supprimé.
notice-rsvp-going = Vous y allez.
notice-rsvp-waitlisted = L'événement est complet : vous êtes en liste d'attente.
notice-rsvp-pending = Votre demande de participation a été envoyée aux organisateurs.
notice-rsvp-removed = Vous n'y allez plus.
home-my-events = Mes événements à venir
home-no-events = Aucun événement à venir dans vos communautés.
account-feed = Calendrier de mes événements
account-feed-hint = Une adresse privée pour une application de calendrier (Outlook, Google Agenda) avec les événements de toutes vos communautés. Créer une nouvelle adresse désactive l'ancienne.
account-feed-url = Votre adresse de calendrier privée
account-feed-once = Copiez-la maintenant : elle n'est affichée qu'une fois.
account-feed-open = Télécharger le calendrier
account-feed-new = Créer une nouvelle adresse privée
events-all = Tous les événements, passés et à venir

## Sondages
denied-poll-closed = Ce sondage est clos.
denied-event-cancelled = Cet événement a été annulé.
denied-rsvp-closed = Cet événement ne prend pas de réponses ici.
poll-title = Sondage
poll-single = Un seul choix
poll-multiple = Plusieurs choix possibles
poll-closed = Clos
poll-closes = Se termine le
poll-open = Sans date de clôture
poll-voters = { $count ->
    [one] { $count } personne a voté
   *[other] { $count } personnes ont voté
}
poll-votes = { $count ->
    [one] { $count } vote
   *[other] { $count } votes
}
poll-choose-one = Choisissez une option
poll-choose-many = Choisissez une ou plusieurs options
poll-vote = Voter
poll-change-vote = Modifier mon vote
poll-your-choice = Votre choix
poll-results-hidden = Les résultats seront affichés à la clôture du sondage.
poll-add = Ajouter un sondage (facultatif)
poll-add-hint = Laissez les options vides pour une discussion sans sondage.
label-poll-options = Options
hint-poll-options = Une par ligne, de 2 à 20.
label-poll-kind = Choix
label-poll-closes-at = Clôture (facultatif)
hint-poll-closes-at = Date et heure en UTC, par exemple 2026-12-01T18:30. Laissez vide pour ne pas le clore.
label-poll-hide-results = Masquer les résultats jusqu'à la clôture
error-poll-choose = Choisissez une option
error-poll-options = Indiquez de 2 à 20 options, une par ligne, de 200 caractères au plus
error-poll-duplicate = Chaque option ne peut figurer qu'une fois
error-poll-future = La clôture doit être dans le futur
error-poll-within-year = La clôture doit être dans moins d'un an

## Wiki
community-wiki = Wiki
wiki-title = Wiki
wiki-pages = Pages du wiki
wiki-new = Nouvelle page du wiki
wiki-empty = Aucune page pour l'instant.
wiki-revision = Révision { $number }
wiki-of = Wiki de { $community }
wiki-edit = Modifier cette page
wiki-history = Historique
wiki-history-of = Historique de { $title }
wiki-lock = Verrouiller la page
wiki-unlock = Déverrouiller la page
wiki-editing = Modification de { $title }
wiki-preview = Aperçu
wiki-save = Enregistrer la page
wiki-changes = Modifications
wiki-restore = Rétablir
wiki-diff-title = Modifications de { $title }
wiki-added = Ajouté :
wiki-removed = Retiré :
wiki-conflict = Quelqu'un d'autre a enregistré cette page pendant que vous la modifiiez. Votre texte est conservé ci-dessous : comparez-le avec l'historique de la page, puis enregistrez de nouveau.
wiki-title-taken = Une page porte déjà ce titre
label-page-text = Texte
hint-wiki-body = Vous pouvez utiliser Markdown. Pour lier une autre page de ce wiki : [[Nom de la page]].
label-edit-summary = Ce qui a changé
label-revision = Révision
label-author = Auteur
label-when = Quand
poll-percent = { $n } %
