//! What should federate, recorded as typed intents in the same transaction as the change
//! that caused it, so an accepted action is never lost. The federation crate turns intents
//! into activities and deliveries.

use chrono::Utc;
use guildhall_store::{ConnectionTrait, Set, entities::outbox};
use serde::{Deserialize, Serialize};

use crate::{AppContext, Error, Result};

/// One thing to tell other servers about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Outgoing {
    /// A local account asked to join a remote community: send `Follow`.
    Follow {
        /// The pending membership (local account, remote community).
        membership_id: i64,
    },
    /// A local account left a remote community: send `Undo{Follow}`.
    Unfollow {
        /// The local account.
        account_id: i64,
        /// The remote community.
        community_id: i64,
        /// The Follow being undone.
        follow_ap_id: String,
    },
    /// A local community admitted a remote follower: send `Accept{Follow}`.
    AcceptFollow {
        /// The now active membership (remote account, local community).
        membership_id: i64,
    },
    /// A local community refused a remote follower: send `Reject{Follow}`.
    RejectFollow {
        /// The local community.
        community_id: i64,
        /// The remote account.
        account_id: i64,
        /// The Follow being refused.
        follow_ap_id: String,
    },
    /// A local member started a discussion (in a local or remote community).
    DiscussionCreated {
        /// The discussion.
        discussion_id: i64,
    },
    /// A local member replied (in a local or remote community).
    ReplyCreated {
        /// The reply.
        reply_id: i64,
    },
    /// A local member voted: send `Like`/`Dislike`.
    VoteCast {
        /// The vote.
        vote_id: i64,
    },
    /// A local member withdrew a vote: send `Undo{Like|Dislike}`.
    VoteUndone {
        /// The voter.
        account_id: i64,
        /// The discussion voted on (if a discussion).
        discussion_id: Option<i64>,
        /// The reply voted on (if a reply).
        reply_id: Option<i64>,
        /// The event voted on (if an event; absent in intents recorded before event votes).
        #[serde(default)]
        event_id: Option<i64>,
        /// The vote's activity id.
        vote_ap_id: String,
        /// +1 or -1.
        value: i16,
    },
    /// A local author edited a discussion: send `Update{Page}`.
    DiscussionUpdated {
        /// The discussion.
        discussion_id: i64,
    },
    /// A local author edited a reply: send `Update{Note}`.
    ReplyUpdated {
        /// The reply.
        reply_id: i64,
    },
    /// A discussion was deleted (by its author or a moderator here): send `Delete`.
    DiscussionDeleted {
        /// The discussion.
        discussion_id: i64,
        /// Who deleted it.
        by_account_id: i64,
    },
    /// A reply was deleted: send `Delete`.
    ReplyDeleted {
        /// The reply.
        reply_id: i64,
        /// Who deleted it.
        by_account_id: i64,
    },
    /// A moderator pinned/unpinned or locked/unlocked a discussion of a local community: the
    /// community sends `Update{Page}` with `stickied` and `commentsEnabled`, and announces the
    /// moderator's Lemmy-style `Lock`/`Undo{Lock}` or `Add`/`Remove` (featured).
    DiscussionModerated {
        /// The discussion.
        discussion_id: i64,
        /// The moderator.
        #[serde(default)]
        by_account_id: i64,
        /// New pinned state, if that changed.
        #[serde(default)]
        pinned: Option<bool>,
        /// New locked state, if that changed.
        #[serde(default)]
        locked: Option<bool>,
    },
    /// A moderator banned someone from a local community: `Block` (Lemmy's shape), announced.
    Banned {
        /// The banned membership.
        membership_id: i64,
        /// The moderator.
        by_account_id: i64,
    },
    /// A ban was lifted: `Undo{Block}`, announced.
    Unbanned {
        /// The local community.
        community_id: i64,
        /// Who was unbanned.
        account_id: i64,
        /// The moderator.
        by_account_id: i64,
    },
    /// A local member voted in another server's poll: send each choice as Mastodon's vote
    /// (`Create{Note}` with `name` = the option) to the poll's author.
    PollVoted {
        /// The discussion carrying the poll.
        discussion_id: i64,
        /// The voter.
        account_id: i64,
    },
    /// A page of a local community's wiki was created or edited: the community sends the
    /// `Article` (`Create` for the first revision, `Update` after) to its followers.
    WikiRevised {
        /// The page.
        page_id: i64,
    },
    /// A local member edited a page of another server's community wiki: send the edit
    /// (`Update{Article}` by the member, with the base revision) to that community.
    WikiEditProposed {
        /// Our copy of the page.
        page_id: i64,
        /// The editor.
        account_id: i64,
        /// The revision the edit started from.
        base_revision: i32,
        /// New title.
        title: String,
        /// New body (Markdown).
        body: String,
        /// Edit summary.
        summary: String,
    },
    /// A local community relays an activity a remote member sent it (FEP-1b12 `Announce`).
    Relay {
        /// The local community.
        community_id: i64,
        /// The stored received activity.
        activity_id: i64,
    },
    /// A local event was created: the community announces `Create{Event}`.
    EventCreated {
        /// The event.
        event_id: i64,
    },
    /// A local event was edited or cancelled: `Update{Event}`, announced.
    EventUpdated {
        /// The event.
        event_id: i64,
    },
    /// A local event was deleted: `Delete`, announced.
    EventDeleted {
        /// The event.
        event_id: i64,
        /// Who deleted it.
        by_account_id: i64,
    },
    /// A local member RSVPed to a remote event: send `Join`.
    EventJoin {
        /// The RSVP.
        participant_id: i64,
    },
    /// A local member withdrew from a remote event: send `Leave`.
    EventLeave {
        /// The remote event.
        event_id: i64,
        /// The local member.
        account_id: i64,
        /// The Join being withdrawn.
        join_ap_id: String,
    },
    /// A remote person's RSVP to a local event was answered: `Accept{Join}` (going) or
    /// `Reject{Join}` (refused).
    EventRsvpAnswered {
        /// The RSVP.
        participant_id: i64,
    },
    /// A remote person's `Join` of a local event was refused by the policy (nothing stored):
    /// `Reject{Join}`; or came when the event takes no RSVPs (cancelled, over, external):
    /// `Ignore{Join}`.
    EventJoinRefused {
        /// The local event.
        event_id: i64,
        /// The remote person.
        account_id: i64,
        /// The refused Join.
        join_ap_id: String,
        /// RSVPs were closed: `Ignore` instead of `Reject`.
        #[serde(default)]
        ignored: bool,
    },
    /// A local community asked a remote guild to take it in: `Offer` (object: the community,
    /// target: the guild).
    GuildOffer {
        /// The link (state `requested`).
        link_id: i64,
    },
    /// A local guild invited a remote community: `Invite` (object: the guild, target: the
    /// community).
    GuildInvite {
        /// The link (state `invited`).
        link_id: i64,
    },
    /// A local side accepted the remote side's ask: `Accept{Offer}` by the guild, or
    /// `Accept{Invite}` by the community.
    GuildAccept {
        /// The now active link.
        link_id: i64,
        /// The guild accepted (else the community did).
        by_guild: bool,
    },
    /// A local side declined the remote side's ask: `Reject{Offer}` or `Reject{Invite}`.
    GuildReject {
        /// The guild.
        guild_id: i64,
        /// The community.
        community_id: i64,
        /// The guild declined (else the community did).
        by_guild: bool,
        /// The declined Offer/Invite.
        offer_ap_id: Option<String>,
    },
    /// A link ended (left, removed or withdrawn): `Remove` (object: the community, target: the
    /// guild) to the remote side and/or the guild's followers.
    GuildRemove {
        /// The guild.
        guild_id: i64,
        /// The community.
        community_id: i64,
        /// The guild ended it (else the community did).
        by_guild: bool,
        /// Tell the other side (it is remote).
        tell_other_side: bool,
        /// Tell a local guild's followers (the link was active).
        tell_followers: bool,
    },
    /// A community joined a local guild: the guild sends `Add` to its followers.
    GuildAdd {
        /// The local guild.
        guild_id: i64,
        /// The community.
        community_id: i64,
    },
    /// A local guild relays a member community's public discussion to its followers
    /// (`Announce` of the post by id).
    GuildRelay {
        /// The local guild.
        guild_id: i64,
        /// The discussion.
        discussion_id: i64,
    },
    /// A remote member's edit of a local community's wiki page was refused by its rules: the
    /// community sends `Reject` (of the edit's `Update`) with the reason, to the editor only.
    WikiEditRefused {
        /// The local page.
        page_id: i64,
        /// The remote editor.
        account_id: i64,
        /// The refused `Update{Article}`.
        edit_ap_id: String,
        /// Why, in a few words.
        reason: String,
    },
}

/// Unprocessed intents with an id above `after`, oldest first, for the delivery worker.
pub async fn pending_after(ctx: &AppContext, after: i64, limit: u64) -> Result<Vec<outbox::Model>> {
    Ok(guildhall_store::federation::pending_outbox_after(ctx.db(), after, limit).await?)
}

/// Records that intent `id` could not be turned into activities: a permanent failure is not
/// retried (admins see it); a transient one waits for the next round.
pub async fn record_failure(ctx: &AppContext, id: i64, reason: &str, permanent: bool) -> Result<()> {
    guildhall_store::federation::record_outbox_failure(ctx.db(), id, reason, permanent, Utc::now()).await?;
    Ok(())
}

/// Who signs a delivery: an account, a community or the instance actor.
pub use guildhall_store::federation::Sender;

/// One activity an intent became: stored once, delivered to each of its inboxes.
#[derive(Debug, Clone)]
pub struct PlannedActivity {
    /// Its ActivityPub id.
    pub ap_id: String,
    /// Its type, as recorded.
    pub kind: &'static str,
    /// Its actor.
    pub actor: String,
    /// The activity as sent.
    pub json: String,
    /// Who signs it.
    pub sender: Sender,
    /// (inbox, domain) to deliver to; empty: stored only (served at its id).
    pub inboxes: Vec<(String, String)>,
}

/// Claims intent `id` and stores what it became, with one delivery per inbox, in one
/// transaction. `None` when another worker claimed it first; else the deliveries queued.
pub async fn commit_plan(ctx: &AppContext, id: i64, plans: Vec<PlannedActivity>) -> Result<Option<usize>> {
    use guildhall_store::federation as fed;
    let now = Utc::now();
    let txn = guildhall_store::begin_write(ctx.db()).await?;
    if !fed::claim_outbox(&txn, id, now).await? {
        return Ok(None);
    }
    let mut queued = 0;
    for p in plans {
        let Some(stored) = fed::insert_activity(&txn, &p.ap_id, p.kind, &p.actor, true, p.json, now).await? else {
            continue;
        };
        queued += p.inboxes.len();
        let rows = p
            .inboxes
            .into_iter()
            .map(|(inbox, domain)| fed::NewDelivery { activity_id: stored.id, sender: p.sender, inbox, domain })
            .collect();
        fed::insert_deliveries(&txn, rows, now).await?;
    }
    txn.commit().await?;
    Ok(Some(queued))
}

/// Records an intent; call inside the transaction of the change it describes.
pub async fn record<C: ConnectionTrait>(db: &C, intent: &Outgoing) -> Result<()> {
    let json = serde_json::to_string(intent).map_err(|e| Error::Internal(e.to_string()))?;
    let row = outbox::ActiveModel {
        intent: Set(json),
        created_at: Set(Utc::now()),
        processed_at: Set(None),
        error: Set(None),
        attempts: Set(0),
        ..Default::default()
    };
    guildhall_store::federation::insert_outbox(db, row).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intents_round_trip_as_tagged_json() {
        let i = Outgoing::Relay { community_id: 3, activity_id: 9 };
        let json = serde_json::to_string(&i).unwrap();
        assert_eq!(json, r#"{"type":"relay","community_id":3,"activity_id":9}"#);
        assert_eq!(serde_json::from_str::<Outgoing>(&json).unwrap(), i);
    }
}
