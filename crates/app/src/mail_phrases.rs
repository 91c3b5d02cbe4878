//! What notification emails say, in English and French, for every notification kind: the same
//! phrasing as the web pages' `notification-*` strings (the app cannot read the web crate's
//! Fluent files), plus the subjects, digest and unsubscribe lines only email has.

use crate::notifications::Kind;

/// The words a sentence needs: who, what, where.
#[derive(Debug, Clone)]
pub struct Parts<'a> {
    /// Who did it (already "Someone" when unknown).
    pub actor: &'a str,
    /// The title of what it is about.
    pub title: &'a str,
    /// The community's title.
    pub community: &'a str,
    /// The server the community lives on.
    pub host: &'a str,
    /// The stored language-neutral detail (`reply`/`discussion`, `day`/`hour`, `accepted`/`refused`).
    pub body: &'a str,
}

fn fr(lang: &str) -> bool {
    lang.starts_with("fr")
}

/// "Someone", for a notification whose actor is gone or unknown.
pub fn someone(lang: &str) -> &'static str {
    if fr(lang) { "Quelqu’un" } else { "Someone" }
}

/// One notification as a sentence in `lang`.
pub fn sentence(lang: &str, kind: Kind, p: &Parts<'_>) -> String {
    let Parts { actor: a, title: t, community: c, host: h, body } = p;
    let on_reply = *body == "reply";
    if fr(lang) {
        match kind {
            Kind::EventUpdated => format!("L’événement « {t} » dans {c} ({h}) a été modifié."),
            Kind::EventCancelled => format!("L’événement « {t} » dans {c} ({h}) a été annulé."),
            Kind::EventDeleted => format!("L’événement « {t} » dans {c} ({h}) a été supprimé."),
            Kind::Reply if on_reply => format!("{a} a répondu à votre réponse dans « {t} » dans {c} ({h})."),
            Kind::Reply => format!("{a} a répondu à votre discussion « {t} » dans {c} ({h})."),
            Kind::Mention if body.is_empty() => {
                format!("{a} vous a mentionné dans la discussion « {t} » dans {c} ({h}).")
            }
            Kind::Mention => format!("{a} vous a mentionné dans une réponse dans « {t} » dans {c} ({h})."),
            Kind::Favourite => format!("{a} a voté pour votre publication dans « {t} » dans {c} ({h})."),
            Kind::JoinRequest => format!("{a} demande à rejoindre {c} ({h})."),
            Kind::JoinAccepted => format!("Votre demande pour rejoindre {c} ({h}) a été acceptée."),
            Kind::JoinRefused => format!("Votre demande pour rejoindre {c} ({h}) a été refusée."),
            Kind::PollClosed => format!("Le sondage de « {t} » dans {c} ({h}) est clos : voyez les résultats."),
            Kind::NewDiscussion => {
                format!("{a} a lancé la discussion « {t} » dans {c} ({h}), que vous suivez de près.")
            }
            Kind::NewEvent => format!("{a} a annoncé l'événement « {t} » dans {c} ({h}), que vous suivez de près."),
            Kind::EventReminder if *body == "hour" => {
                format!("Rappel : « {t} » dans {c} ({h}) commence dans moins d’une heure.")
            }
            Kind::EventReminder => format!("Rappel : « {t} » dans {c} ({h}) commence dans moins de 24 heures."),
            Kind::GuildLinkRequested => format!("Un lien de guilde attend une réponse : « {t} », pour {c} ({h})."),
            Kind::GuildLinkAnswered if *body == "refused" => {
                format!("Le lien de guilde « {t} » pour {c} ({h}) a été refusé.")
            }
            Kind::GuildLinkAnswered => format!("Le lien de guilde « {t} » pour {c} ({h}) a été accepté."),
            Kind::ModeratorLeft => format!("{a} a quitté la modération : {c} ({h}) n'a plus de modérateur actif."),
            Kind::Report => format!("{a} a signalé une publication dans {c} ({h}) : « {t} »."),
        }
    } else {
        match kind {
            Kind::EventUpdated => format!("The event “{t}” in {c} ({h}) was changed."),
            Kind::EventCancelled => format!("The event “{t}” in {c} ({h}) was cancelled."),
            Kind::EventDeleted => format!("The event “{t}” in {c} ({h}) was deleted."),
            Kind::Reply if on_reply => format!("{a} replied to your reply in “{t}” in {c} ({h})."),
            Kind::Reply => format!("{a} replied to your discussion “{t}” in {c} ({h})."),
            Kind::Mention if body.is_empty() => format!("{a} mentioned you in the discussion “{t}” in {c} ({h})."),
            Kind::Mention => format!("{a} mentioned you in a reply in “{t}” in {c} ({h})."),
            Kind::Favourite => format!("{a} upvoted your post in “{t}” in {c} ({h})."),
            Kind::JoinRequest => format!("{a} asks to join {c} ({h})."),
            Kind::JoinAccepted => format!("Your request to join {c} ({h}) was accepted."),
            Kind::JoinRefused => format!("Your request to join {c} ({h}) was refused."),
            Kind::PollClosed => format!("The poll in “{t}” in {c} ({h}) has closed: see the results."),
            Kind::NewDiscussion => format!("{a} started the discussion “{t}” in {c} ({h}), which you watch."),
            Kind::NewEvent => format!("{a} announced the event “{t}” in {c} ({h}), which you watch."),
            Kind::EventReminder if *body == "hour" => format!("Reminder: “{t}” in {c} ({h}) starts within the hour."),
            Kind::EventReminder => format!("Reminder: “{t}” in {c} ({h}) starts within 24 hours."),
            Kind::GuildLinkRequested => format!("A guild link waits for an answer: “{t}”, for {c} ({h})."),
            Kind::GuildLinkAnswered if *body == "refused" => {
                format!("The guild link “{t}” for {c} ({h}) was refused.")
            }
            Kind::GuildLinkAnswered => format!("The guild link “{t}” for {c} ({h}) was accepted."),
            Kind::ModeratorLeft => format!("{a} stepped down: {c} ({h}) has no active moderator left."),
            Kind::Report => format!("{a} reported a post in {c} ({h}): “{t}”."),
        }
    }
}

/// The heading of `n` (more than one) notifications of `kind` about the same `title`.
pub fn group(lang: &str, kind: Kind, n: usize, title: &str) -> String {
    if fr(lang) {
        match kind {
            Kind::Reply => format!("{n} nouvelles réponses dans « {title} »"),
            Kind::Mention => format!("{n} mentions de vous dans « {title} »"),
            Kind::Favourite => format!("{n} votes pour vos publications dans « {title} »"),
            Kind::JoinRequest => format!("{n} demandes pour rejoindre {title}"),
            _ => format!("{n} notifications au sujet de « {title} »"),
        }
    } else {
        match kind {
            Kind::Reply => format!("{n} new replies in “{title}”"),
            Kind::Mention => format!("{n} mentions of you in “{title}”"),
            Kind::Favourite => format!("{n} upvotes of your posts in “{title}”"),
            Kind::JoinRequest => format!("{n} requests to join {title}"),
            _ => format!("{n} notifications about “{title}”"),
        }
    }
}

/// The subject of an immediate message holding `n` notifications (`first` when one group).
pub fn immediate_subject(lang: &str, n: usize, first: &str, instance: &str) -> String {
    match (fr(lang), n) {
        (_, 1) => first.to_owned(),
        (true, n) => format!("{n} nouvelles notifications sur {instance}"),
        (false, n) => format!("{n} new notifications on {instance}"),
    }
}

/// The subject of a digest with `unread` notifications.
pub fn digest_subject(lang: &str, weekly: bool, unread: usize, instance: &str) -> String {
    match (fr(lang), weekly) {
        (true, false) => format!("Votre résumé du jour sur {instance} : {unread} non lues"),
        (true, true) => format!("Votre résumé de la semaine sur {instance} : {unread} non lues"),
        (false, false) => format!("Your daily digest from {instance}: {unread} unread"),
        (false, true) => format!("Your weekly digest from {instance}: {unread} unread"),
    }
}

/// A digest section heading: a community (or "elsewhere") with its unread count.
pub fn digest_section(lang: &str, community: &str, host: &str, unread: usize) -> String {
    if fr(lang) {
        format!("{community} ({host}) : {unread} non lues")
    } else {
        format!("{community} ({host}): {unread} unread")
    }
}

/// The heading of notifications not tied to a community.
pub fn elsewhere(lang: &str) -> &'static str {
    if fr(lang) { "Ailleurs" } else { "Elsewhere" }
}

/// The subject of the moderators' digest.
pub fn moderator_subject(lang: &str, waiting: i64, instance: &str) -> String {
    if fr(lang) {
        format!("{waiting} demandes d'adhésion en attente sur {instance}")
    } else {
        format!("{waiting} join requests waiting on {instance}")
    }
}

/// One community's line in the moderators' digest.
pub fn moderator_line(lang: &str, community: &str, host: &str, waiting: i64) -> String {
    if fr(lang) {
        format!("{community} ({host}) : {waiting} demandes attendent votre réponse.")
    } else {
        format!("{community} ({host}): {waiting} requests wait for your answer.")
    }
}

/// "Hello name," and the closing lines (where to change settings, how to unsubscribe).
pub fn greeting(lang: &str, name: &str) -> String {
    if fr(lang) { format!("Bonjour {name},") } else { format!("Hello {name},") }
}

/// The footer's three labels: see all, change settings, unsubscribe.
pub fn footer(lang: &str) -> (&'static str, &'static str, &'static str) {
    if fr(lang) {
        ("Toutes vos notifications", "Choisir ce que vous recevez par courriel", "Ne plus recevoir ces courriels")
    } else {
        ("All your notifications", "Choose what you get by email", "Stop these emails")
    }
}

/// The label of a link to one item.
pub fn open(lang: &str) -> &'static str {
    if fr(lang) { "Ouvrir" } else { "Open" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_phrased_in_both_languages_with_who_what_where() {
        let p = Parts { actor: "ana", title: "Pumps", community: "Ops", host: "alpha.test", body: "" };
        for k in Kind::ALL {
            for lang in ["en", "fr"] {
                let s = sentence(lang, *k, &p);
                assert!(s.contains("Ops") && s.contains("alpha.test"), "{lang} {k:?}: {s}");
            }
            assert_ne!(sentence("en", *k, &p), sentence("fr", *k, &p), "{k:?}");
        }
        assert_eq!(group("en", Kind::Reply, 5, "Pumps"), "5 new replies in “Pumps”");
        assert_eq!(group("fr", Kind::Reply, 5, "Pumps"), "5 nouvelles réponses dans « Pumps »");
    }
}
