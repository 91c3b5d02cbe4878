//! Who an outgoing intent's activities are addressed to. Content of a private community, and
//! members-only discussions, is addressed to the community's followers collection, never to
//! the public: every stored activity passes through `addressing::narrow` in one place (the
//! outbox expansion), so no code path can send private content addressed to `as:Public`.

use guildhall_app::AppContext;
use guildhall_app::entities::discussion;
use guildhall_app::lookup;
use guildhall_app::outbox::Outgoing;
use guildhall_app::votes::Target;
use url::Url;

use crate::Error;
use crate::addressing::{followers_of, is_private};
use crate::urls::Urls;

/// The followers collection to narrow an intent's activities to, when its content is private.
pub async fn private_audience(ctx: &AppContext, urls: &Urls, intent: &Outgoing) -> Result<Option<Url>, Error> {
    let discussion_of_reply = |id: i64| async move {
        match lookup::reply(ctx, id).await? {
            Some(r) => Ok::<_, Error>(lookup::discussion(ctx, r.discussion_id).await?),
            None => Ok(None),
        }
    };
    let d: Option<discussion::Model> = match intent {
        Outgoing::DiscussionCreated { discussion_id }
        | Outgoing::DiscussionUpdated { discussion_id }
        | Outgoing::DiscussionDeleted { discussion_id, .. }
        | Outgoing::DiscussionModerated { discussion_id, .. }
        | Outgoing::PollVoted { discussion_id, .. } => lookup::discussion(ctx, *discussion_id).await?,
        Outgoing::ReplyCreated { reply_id }
        | Outgoing::ReplyUpdated { reply_id }
        | Outgoing::ReplyDeleted { reply_id, .. } => discussion_of_reply(*reply_id).await?,
        Outgoing::VoteCast { vote_id } => {
            let v = guildhall_app::votes::find(ctx, *vote_id).await?;
            match Target::of(&v) {
                Some(Target::Discussion(id)) => lookup::discussion(ctx, id).await?,
                Some(Target::Reply(id)) => discussion_of_reply(id).await?,
                Some(Target::Event(id)) => return crate::events::event_audience(ctx, urls, id).await,
                None => None,
            }
        }
        Outgoing::VoteUndone { discussion_id, reply_id, event_id, .. } => {
            match Target::from_columns(*discussion_id, *reply_id, *event_id) {
                Some(Target::Discussion(id)) => lookup::discussion(ctx, id).await?,
                Some(Target::Reply(id)) => discussion_of_reply(id).await?,
                Some(Target::Event(id)) => return crate::events::event_audience(ctx, urls, id).await,
                None => None,
            }
        }
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
        (None, Outgoing::Banned { membership_id, .. }) => match lookup::membership(ctx, *membership_id).await? {
            Some(m) => (m.community_id, false),
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    let c = crate::plan::community(ctx, community_id).await?;
    Ok(is_private(&c, members_only).then(|| followers_of(&c, urls)))
}

#[cfg(test)]
mod tests {
    use guildhall_app::communities::NewCommunity;
    use guildhall_app::events::EventInput;
    use guildhall_app::outbox::Outgoing;
    use guildhall_app::votes::On;
    use guildhall_app::{AppContext, InstanceInfo, Viewer};
    use guildhall_domain::Visibility;
    use guildhall_store::testing::fresh_database;

    use super::private_audience;
    use crate::urls::Urls;

    /// A vote on an event of a private community goes to its followers, never to the public;
    /// on a public community's event it is not narrowed. Its `object` is the event.
    #[tokio::test]
    async fn votes_on_a_private_communitys_event_are_narrowed_to_its_followers() {
        let t = fresh_database().await;
        let ctx = AppContext::new(t.db.clone(), InstanceInfo { domain: "a.test".into(), https: false });
        let urls = Urls::new(&ctx);
        let a = guildhall_app::auth::create_account(&ctx, "ada", None, "correct horse battery", false).await.unwrap();
        let ada = Viewer { account_id: a.id, username: a.username, is_admin: false };
        let mut events = vec![];
        for (name, visibility) in [("vault", Visibility::Private), ("lounge", Visibility::Public)] {
            let new = NewCommunity {
                name: name.into(),
                title: name.into(),
                visibility: Some(visibility),
                ..Default::default()
            };
            guildhall_app::communities::create(&ctx, &ada, new).await.unwrap();
            let input = EventInput {
                title: Some(format!("{name} night")),
                starts_at: Some("2030-01-10T10:00".into()),
                ends_at: Some("2030-01-10T11:00".into()),
                timezone: Some("UTC".into()),
                ..Default::default()
            };
            events.push(guildhall_app::events::create(&ctx, &ada, name, &input).await.unwrap().id);
        }
        for (event_id, private) in [(events[0], true), (events[1], false)] {
            let view = guildhall_app::votes::vote(&ctx, &ada, On::Event(event_id), 1).await.unwrap();
            assert_eq!(view.score, 1);
            // The vote's id, from the intent the vote recorded (as the delivery worker reads it).
            let intents = guildhall_app::outbox::pending_after(&ctx, 0, 100).await.unwrap();
            let vote_id = intents
                .iter()
                .rev()
                .find_map(|m| match serde_json::from_str::<Outgoing>(&m.intent) {
                    Ok(Outgoing::VoteCast { vote_id }) => Some(vote_id),
                    _ => None,
                })
                .expect("the vote's intent");
            let v = guildhall_app::votes::find(&ctx, vote_id).await.unwrap();
            assert_eq!(v.event_id, Some(event_id));
            let cast = private_audience(&ctx, &urls, &Outgoing::VoteCast { vote_id: v.id }).await.unwrap();
            let undone = Outgoing::VoteUndone {
                account_id: ada.account_id,
                discussion_id: None,
                reply_id: None,
                event_id: Some(event_id),
                vote_ap_id: v.ap_id.clone().unwrap_or_default(),
                value: 1,
            };
            let withdrawn = private_audience(&ctx, &urls, &undone).await.unwrap();
            let followers = private.then(|| "http://a.test/c/vault/followers".to_owned());
            assert_eq!(cast.map(|u| u.to_string()), followers, "Like on event {event_id}");
            assert_eq!(withdrawn.map(|u| u.to_string()), followers, "Undo on event {event_id}");
            let planned = crate::activities::vote::plan_cast(&ctx, &urls, v.id, chrono::Utc::now()).await.unwrap();
            assert_eq!(planned[0].json["object"], format!("http://a.test/e/{event_id}"));
            assert_eq!(planned[0].json["type"], "Like");
        }
    }
}
