//! Who an outgoing activity is addressed to. Content of a private community, and members-only
//! discussions, is addressed to the community's followers collection, never to the public;
//! every stored activity passes through [`narrow`] in one place (the outbox expansion), so no
//! code path can send private content addressed to `as:Public`.

use guildhall_app::AppContext;
use guildhall_app::outbox::Outgoing;
use guildhall_store::discussions;
use guildhall_store::entities::{community, discussion};
use serde_json::Value;
use url::Url;

use crate::Error;
use crate::actors::actor_id_of_community;
use crate::objects::PUBLIC;
use crate::urls::Urls;

/// Spellings of the public collection (ActivityStreams allows the compact forms).
pub(crate) const PUBLIC_FORMS: [&str; 3] = [PUBLIC, "as:Public", "Public"];

/// Whether content in `c` (in a members-only discussion or not) must stay among members.
pub fn is_private(c: &community::Model, members_only: bool) -> bool {
    guildhall_domain::visibility::members_only_content(c.visibility, members_only)
}

/// The followers collection of a community (local or remote).
pub fn followers_of(c: &community::Model, urls: &Urls) -> Url {
    c.followers_url
        .as_deref()
        .filter(|_| !c.domain.is_empty())
        .and_then(|f| Url::parse(f).ok())
        .unwrap_or_else(|| urls.sub(&actor_id_of_community(c, urls), "followers"))
}

/// Whether `v` is addressed to the public (`to`, `cc` or `audience`).
pub fn addressed_to_public(v: &Value) -> bool {
    ["to", "cc"].iter().any(|f| match v.get(*f) {
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str().is_some_and(|s| PUBLIC_FORMS.contains(&s))),
        Some(Value::String(s)) => PUBLIC_FORMS.contains(&s.as_str()),
        _ => false,
    })
}

/// Replaces the public collection with `followers` in `to`/`cc`, in the activity and in the
/// activities and objects it embeds.
pub fn narrow(v: &mut Value, followers: &Url) {
    fn walk(v: &mut Value, followers: &str, depth: usize) {
        let Some(map) = v.as_object_mut() else { return };
        for field in ["to", "cc", "bto", "bcc"] {
            let Some(entry) = map.get_mut(field) else { continue };
            let mut list: Vec<Value> = match entry.take() {
                Value::Array(a) => a,
                Value::Null => vec![],
                other => vec![other],
            };
            let had_public = list.iter().any(|x| x.as_str().is_some_and(|s| PUBLIC_FORMS.contains(&s)));
            list.retain(|x| !x.as_str().is_some_and(|s| PUBLIC_FORMS.contains(&s)));
            if had_public && !list.iter().any(|x| x.as_str() == Some(followers)) {
                list.push(Value::String(followers.to_owned()));
            }
            *entry = Value::Array(list);
        }
        if depth < 4
            && let Some(object) = map.get_mut("object")
        {
            walk(object, followers, depth + 1);
        }
    }
    walk(v, followers.as_str(), 0);
}

/// The followers collection to narrow an intent's activities to, when its content is private.
pub async fn private_audience(ctx: &AppContext, urls: &Urls, intent: &Outgoing) -> Result<Option<Url>, Error> {
    let db = ctx.db();
    let discussion_of_reply = |id: i64| async move {
        match discussions::find_reply(db, id).await? {
            Some(r) => Ok::<_, Error>(discussions::find_by_id(db, r.discussion_id).await?),
            None => Ok(None),
        }
    };
    let d: Option<discussion::Model> = match intent {
        Outgoing::DiscussionCreated { discussion_id }
        | Outgoing::DiscussionUpdated { discussion_id }
        | Outgoing::DiscussionDeleted { discussion_id, .. }
        | Outgoing::DiscussionModerated { discussion_id, .. }
        | Outgoing::PollVoted { discussion_id, .. } => discussions::find_by_id(db, *discussion_id).await?,
        Outgoing::ReplyCreated { reply_id }
        | Outgoing::ReplyUpdated { reply_id }
        | Outgoing::ReplyDeleted { reply_id, .. } => discussion_of_reply(*reply_id).await?,
        Outgoing::VoteCast { vote_id } => {
            let v = guildhall_app::votes::find(ctx, *vote_id).await?;
            match (v.discussion_id, v.reply_id) {
                (Some(id), _) => discussions::find_by_id(db, id).await?,
                (_, Some(id)) => discussion_of_reply(id).await?,
                _ => None,
            }
        }
        Outgoing::VoteUndone { discussion_id, reply_id, .. } => match (discussion_id, reply_id) {
            (Some(id), _) => discussions::find_by_id(db, *id).await?,
            (_, Some(id)) => discussion_of_reply(*id).await?,
            _ => None,
        },
        Outgoing::Banned { .. } | Outgoing::Unbanned { .. } | Outgoing::Relay { .. } => None,
        Outgoing::EventCreated { .. }
        | Outgoing::EventUpdated { .. }
        | Outgoing::EventDeleted { .. }
        | Outgoing::EventJoin { .. }
        | Outgoing::EventLeave { .. }
        | Outgoing::EventRsvpAnswered { .. }
        | Outgoing::EventJoinRefused { .. } => return crate::events::private_audience(ctx, urls, intent).await,
        Outgoing::WikiRevised { page_id } => return crate::wiki::private_audience(ctx, urls, *page_id).await,
        // Addressed to the community only, never to the public.
        Outgoing::WikiEditProposed { .. } => return Ok(None),
        Outgoing::Follow { .. }
        | Outgoing::Unfollow { .. }
        | Outgoing::AcceptFollow { .. }
        | Outgoing::RejectFollow { .. } => return Ok(None),
        // Guild links name communities only; a relay is planned only for public discussions
        // of communities that are not private (`guilds::plan`), never narrowed.
        Outgoing::GuildOffer { .. }
        | Outgoing::GuildInvite { .. }
        | Outgoing::GuildAccept { .. }
        | Outgoing::GuildReject { .. }
        | Outgoing::GuildRemove { .. }
        | Outgoing::GuildAdd { .. }
        | Outgoing::GuildRelay { .. } => return Ok(None),
        // Addressed to the editor only (the page by id, no content), never to the public.
        Outgoing::WikiEditRefused { .. } => return Ok(None),
    };
    let (community_id, members_only) = match (&d, intent) {
        (Some(d), _) => (d.community_id, d.members_only),
        (None, Outgoing::Unbanned { community_id, .. } | Outgoing::Relay { community_id, .. }) => {
            (*community_id, false)
        }
        (None, Outgoing::Banned { membership_id, .. }) => {
            match guildhall_store::federation::find_membership_by_id(db, *membership_id).await? {
                Some(m) => (m.community_id, false),
                None => return Ok(None),
            }
        }
        _ => return Ok(None),
    };
    let c = crate::outgoing::community(ctx, community_id).await?;
    Ok(is_private(&c, members_only).then(|| followers_of(&c, urls)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn narrowing_removes_every_public_address() {
        let f = Url::parse("https://a.example/c/x/followers").unwrap();
        let mut v = json!({
            "type": "Announce", "to": [PUBLIC], "cc": ["https://a.example/c/x/followers"],
            "object": {"type": "Create", "to": ["https://a.example/c/x", "as:Public"], "cc": [],
                       "object": {"type": "Page", "to": "Public", "cc": ["https://a.example/c/x"]}}
        });
        narrow(&mut v, &f);
        assert!(!v.to_string().contains("Public"), "{v}");
        assert_eq!(v["cc"], json!(["https://a.example/c/x/followers"]), "not added twice");
        assert_eq!(v["to"], json!(["https://a.example/c/x/followers"]));
        assert_eq!(v["object"]["object"]["to"], json!(["https://a.example/c/x/followers"]));
        assert!(!addressed_to_public(&v) && !addressed_to_public(&v["object"]));
        assert!(addressed_to_public(&json!({"cc": PUBLIC})));
    }

    #[test]
    fn non_public_lists_are_left_alone() {
        let f = Url::parse("https://a.example/c/x/followers").unwrap();
        let mut v = json!({"type": "Follow", "to": ["https://b.example/c/y"]});
        narrow(&mut v, &f);
        assert_eq!(v["to"], json!(["https://b.example/c/y"]));
    }
}
