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
