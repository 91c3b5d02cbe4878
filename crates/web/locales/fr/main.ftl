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
error-storage-title = Le stockage du serveur est plein
error-storage-message = Rien n'a été enregistré. L'administrateur en est informé dans le journal du serveur ; réessayez plus tard.
error-unavailable-title = Le service est momentanément indisponible
error-unavailable-message = Le serveur ne peut pas joindre sa base de données. Rien n'a été enregistré ; réessayez dans quelques secondes.
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
login-error-throttled = Trop de mots de passe erronés pour ce compte ou depuis ce réseau. Réessayez dans { $minutes } min, ou depuis un appareil avec lequel vous vous êtes déjà connecté.
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
follow-error-remote = L'autre serveur n'a pas pu être utilisé : { $detail }. Vérifiez l'adresse ou réessayez plus tard
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
vote-on-event = l’événement
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
community-reports = Signalements
reports-intro = Les signalements que des personnes et des serveurs d'ailleurs ont envoyés au sujet des discussions, réponses ou membres de cette communauté. Seuls les modérateurs les voient.
reports-empty = Aucun signalement.
label-received = Reçu
label-reporter = Signalé par
label-reported = Au sujet de
label-comment = Commentaire
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
outbox-failures = Modifications qui n'ont pas pu être envoyées
outbox-failures-intro = Modifications faites ici qui n'ont pas pu être transformées en messages pour d'autres serveurs. Une panne passagère est réessayée au tour suivant ; toute autre est conservée ici avec sa raison.
outbox-failures-empty = Toutes les modifications ont été transformées en messages pour d'autres serveurs.
outbox-given-up = Abandonnée
outbox-retrying = Nouvel essai
label-change = Modification
label-made = Faite
label-attempts = Essais
label-instance = Serveur
label-state = État
label-pending = En attente
label-delivered = Livrées
label-failed = Abandonnées
label-refused = Refusées par eux
label-failures = Tentatives échouées
label-last-success = Dernier succès
instance-ok = Fonctionne
instance-failing = En échec
instance-unreachable = Injoignable
instance-failing-since = depuis le { $date }
instance-gone-inboxes = { $count ->
    [one] { $count } boîte disparue (410)
   *[other] { $count } boîtes disparues (410)
}
instance-next-retry = prochain essai le { $date }
label-incoming-ignored = Ignorées venant d'eux
label-incoming-refused = Refusées venant d'eux
instances-by-type = Par type d'activité
instances-by-type-intro = Ce qui a été envoyé à chaque serveur et ce qu'il a répondu, et ce qu'il a envoyé ici que cette instance a ignoré (réponse 202 sans suite, comme documenté) ou refusé (réponse 4xx), par type d'activité.
instances-sent-by-type = Envoyées vers eux
instances-received-by-type = Reçues d'eux, ignorées ou refusées
instances-gone-intro = Ces boîtes de réception ont répondu 410 Gone : plus rien ne leur est envoyé.
label-activity-type = Activité
label-retrying = En nouvel essai
label-outcome = Issue
label-count = Nombre
label-last-seen = Dernière fois
outcome-ignored = Ignorée
outcome-refused = Refusée

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
event-replies = Réponses du fédivers
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

## Guildes
nav-guilds = Guildes
guilds-title = Guildes
guilds-intro = Une guilde rassemble des communautés autour d'un rôle ou d'un domaine de travail, sur ce serveur et sur d'autres. Elle montre leurs discussions et leurs événements publics au même endroit.
guilds-empty = Aucune guilde pour l'instant.
guild-create = Créer une guilde
guild-create-intro = Vous serez le premier intendant ou la première intendante de la guilde. Une communauté rejoint une guilde quand ses modérateurs et les intendants de la guilde sont d'accord.
guild-caption = Guilde
guild-remote = Sur un autre serveur
guild-focus-role = Rôle
guild-focus-focus_area = Domaine
guild-focus-hint-role = Des personnes qui occupent le même rôle, comme les designers UX ou les scientifiques des données.
guild-focus-hint-focus_area = Un domaine de travail, comme l'identité numérique ou l'accessibilité.
guild-community-count = { $count ->
    [one] { $count } communauté
   *[other] { $count } communautés
}
guild-this-server = Ce serveur
guild-on-server = Sur { $server }
label-guild-name = Nom de la guilde
label-guild-focus = Ce qui rassemble la guilde
hint-guild-charter = Ce que les communautés membres acceptent. Vous pouvez utiliser Markdown.
guild-error-focus = Indiquez si la guilde porte sur un rôle ou sur un domaine
guild-error-address = Entrez un nom comme data-stewards, ou une adresse comme data-stewards@example.gc.ca
guild-sections = Sections de la page de la guilde
guild-about = À propos de cette guilde
guild-stewards = Intendants
guild-members = Communautés membres
guild-no-members = Aucune communauté ne s'est encore jointe.
guild-private-member = Privée : nom seulement
guild-feed = Dernières discussions
guild-feed-empty = Aucune discussion publique pour l'instant.
guild-calendar = Événements à venir
guild-calendar-feed = S'abonner au calendrier de la guilde (.ics)
guild-contacts = Responsables à contacter
guild-contacts-empty = Aucun responsable à afficher.
guild-contacts-unknown = Pas encore connus
guild-pending = Demandes et invitations
guild-pending-none = Rien n'attend de réponse.
guild-state-requested = Demande à se joindre
guild-state-invited = Invitée
guild-state-active = Membre
guild-accept = Accepter
guild-decline = Refuser
guild-withdraw = Retirer
guild-remove = Retirer de la guilde
guild-leave = Quitter
guild-invite-title = Inviter une communauté
guild-invite-submit = Inviter
label-community-address = Nom ou adresse de la communauté
hint-community-address = Par exemple ux-design, ou ux-design@example.gc.ca pour une communauté d'un autre serveur
guild-section = Guildes
guild-section-none = Cette communauté ne fait partie d'aucune guilde.
guild-join-title = Rejoindre une guilde
guild-join-submit = Demander à se joindre
label-guild-address = Nom ou adresse de la guilde
hint-guild-address = Par exemple data-stewards, ou data-stewards@example.gc.ca pour une guilde d'un autre serveur
guild-back-to = Retour à { $title }
related-title = Communautés semblables
related-kind-community = Communauté
related-kind-guild = Guilde
related-shared-tags = Sujets communs : { $tags }
guild-error-not-a-guild = Ce n'est pas une guilde. Entrez le nom ou l'adresse d'une guilde
guild-error-guild-in-guild = Une guilde ne peut pas se joindre à une guilde : les guildes sont formées de communautés

## La carte du réseau et le répertoire publié
nav-map = Carte
notice-proposed = Merci. Un administrateur examinera votre proposition.
map-title = Carte du réseau
map-intro = Les communautés de pratique, les guildes et les instances qui les hébergent, d'un ministère et d'un gouvernement à l'autre. La carte montre le répertoire de cette instance et ce qu'elle a appris des autres instances.
map-filter = Filtrer la carte
map-filter-topic = Sujet
map-filter-focus = Orientation de la guilde
map-filter-government = Pays ou gouvernement
map-filter-kind = Type
map-filter-active = Seulement celles actives au cours des 30 derniers jours
map-filter-submit = Appliquer les filtres
map-any = Tous
map-focus-role = Rôle
map-focus-focus_area = Domaine d'intérêt
map-kind-instance = Instance
map-kind-community = Communauté
map-kind-guild = Guilde
map-kind-external = Hors de Guildhall
map-picture = Image du réseau
map-picture-hint = Les grands cercles bleus sont les instances; autour de chacune se trouvent ses communautés (vert), ses guildes (violet) et les communautés hors de Guildhall (orange). Les lignes grises relient une entrée à son instance; les lignes violettes en pointillé relient une communauté à une guilde. Le tableau ci-dessous donne les mêmes renseignements.
map-empty = Rien sur la carte ne correspond pour l'instant.
map-legend-instance = Cercles bleus : instances (ministères)
map-legend-community = Cercles verts : communautés
map-legend-guild = Cercles violets : guildes
map-legend-external = Cercles orange : communautés de pratique hors de Guildhall
map-legend-lines = Lignes violettes en pointillé : une communauté fait partie d'une guilde
map-table = Le réseau sous forme de tableau
map-instances-count = Instances sur la carte : { $count }
map-col-instance = Instance
map-col-kind = Type
map-col-name = Nom
map-col-topics = Sujets
map-col-members = Membres
map-col-activity = Messages en 30 jours
map-col-guilds = Guildes ou membres
map-downloads = Télécharger les données
map-download-json = Carte en JSON
map-download-nodes-csv = Nœuds en CSV
map-download-edges-csv = Liens en CSV
map-download-graphml = Carte en GraphML
map-propose = Proposer une communauté de pratique
map-propose-intro = Vous connaissez une communauté de pratique qui n'est pas sur Guildhall, comme un groupe Slack ou Teams ou une liste de diffusion? Proposez-la. Une fois approuvée par un administrateur, elle est publiée avec le répertoire de cette instance.
map-propose-sign-in = Connectez-vous pour proposer une communauté de pratique
map-propose-submit = Envoyer la proposition
map-label-cop-name = Nom
map-label-cop-url = Adresse Web
map-hint-cop-url = Une adresse commençant par https:// ou http://
map-label-cop-summary = De quoi il s'agit
map-label-cop-topics = Sujets
map-label-cop-contact = Personne-ressource
map-hint-cop-contact = Facultatif. Un nom ou une adresse où écrire.
map-label-government = Pays ou gouvernement
map-label-organisation = Ministère ou organisation
map-label-listed = Répertoire du réseau
map-listed-default = Par défaut : répertoriée sauf si elle est privée
map-listed-listed = Répertoriée (nom, description, sujets et guildes seulement pour une communauté privée)
map-listed-unlisted = Non répertoriée
map-label-lifecycle = Étape
map-lifecycle-forming = En formation
map-lifecycle-active = Active
map-lifecycle-dormant = En veille
map-lifecycle-archived = Archivée
map-admin-title = Répertoire et carte
map-label-directory-listed = Publier le répertoire de cette instance pour les cartes du réseau
map-directory-listed-yes = Oui, publier les communautés répertoriées
map-directory-listed-no = Non, cette instance n'est répertoriée nulle part
map-hint-organisation = Affiché sur les cartes du réseau, par exemple Service numérique canadien
map-hint-government = Par exemple Gouvernement du Canada
map-label-seeds = Instances d'où part le robot de la carte
map-hint-seeds = Un nom d'hôte par ligne, en plus des instances avec lesquelles celle-ci est déjà fédérée
map-label-refresh = Actualiser les entrées de la carte plus anciennes que (heures)
map-hint-refresh = Entre 1 et 2160
map-admin-proposals = Communautés de pratique proposées
map-admin-proposals-empty = Aucune proposition en attente.
map-proposed-by = proposée par { $name }
nav-notifications = Notifications ({ $count })
notice-notifications-read = Toutes vos notifications sont marquées comme lues.
notifications-title = Notifications
notifications-unread = { $count ->
    [0] Vous n’avez aucune notification non lue.
    [one] Vous avez 1 notification non lue.
   *[other] Vous avez { $count } notifications non lues.
}
notifications-mark-all = Tout marquer comme lu
notifications-empty = Rien pour l’instant. Quand un événement auquel vous participez change, vous le verrez ici.
notifications-unread-marker = Non lue :
notification-event_updated = L’événement « { $title } » a été modifié.
notification-event_cancelled = L’événement « { $title } » a été annulé.
notification-event_deleted = L’événement « { $title } » a été supprimé.
notification-other = Un changement : { $title }

# A post's content warning, attachments, hashtags and mentions (posts from other servers)
content-warning = Avertissement de contenu
content-warning-sensitive = Contenu sensible
attachments = Pièces jointes
attachment-open-image = Ouvrir l’image
attachment-no-description = Sans description.
attachment-kind-image = image
attachment-kind-video = vidéo
attachment-kind-audio = audio
attachment-kind-document = fichier
attachment-kind-link = lien
post-tags = Hashtags et mentions
extras-omitted = { $count ->
    [one] { $count } pièce jointe ou étiquette de plus n’a pas été gardée.
   *[other] { $count } pièces jointes ou étiquettes de plus n’ont pas été gardées.
}
