//! Who is told about what: the notifications that replies, mentions, upvotes, join requests,
//! their answers, closed polls, event reminders, guild links, reports and a community left
//! without an active moderator cause. Each writer runs inside the transaction of the change
//! that causes it and returns the accounts notified, to announce to their streams once it
//! commits (`live::notified`). People are told only when they are on this server, did not do
//! it themselves, and may still read what it is about (the same access rule as reading it).

use chrono::Utc;
use guildhall_domain::extras::{Tag, TagKind};
use guildhall_store::ConnectionTrait;
use guildhall_store::entities::{community, discussion, event, reply};
use guildhall_store::notifications::{self as store, NewNotification};
use guildhall_store::votes::Target;

use crate::notifications::Kind;
use crate::{AppContext, Result};

/// What a notification is about, besides its kind.
struct About<'a> {
    actor_id: Option<i64>,
    community: &'a community::Model,
    discussion: Option<&'a discussion::Model>,
    /// The event it is about (read by the same rule as a discussion).
    event: Option<&'a event::Model>,
    reply_id: Option<i64>,
    title: String,
    /// Language-neutral detail: for a reply, what it answers (`discussion` or `reply`).
    body: &'static str,
    link: String,
}

/// A community's handle in local paths (`ops`, `ops@beta.example`).
fn handle(c: &community::Model) -> String {
    if c.domain.is_empty() { c.name.clone() } else { format!("{}@{}", c.name, c.domain) }
}

fn post_link(d: &discussion::Model, reply_id: Option<i64>) -> String {
    match reply_id {
        Some(r) => format!("/discussions/{}#reply-{r}", d.id),
        None => format!("/discussions/{}", d.id),
    }
}

/// Whether a local account may read `d` now (a banned or former member of a private
/// community may not), by the rule every read goes through.
async fn may_read<C: ConnectionTrait>(
    txn: &C,
    c: &community::Model,
    d: &discussion::Model,
    account_id: i64,
) -> Result<bool> {
    if d.deleted_at.is_some() {
        return Ok(false);
    }
    let m = guildhall_store::communities::find_membership(txn, c.id, account_id).await?;
    let is_admin = guildhall_store::accounts::find_by_id(txn, account_id).await?.is_some_and(|a| a.is_admin);
    let access = crate::communities::access_of(c, m.as_ref(), true, is_admin)?;
    Ok(access.for_discussion(d.members_only).can_read_content())
}

/// Writes `kind` to those of `recipients` who are local, are not `except`, and may read the
/// discussion it is about; returns them.
async fn write<C: ConnectionTrait>(
    txn: &C,
    kind: Kind,
    recipients: &[i64],
    except: Option<i64>,
    about: &About<'_>,
) -> Result<Vec<i64>> {
    let candidates: Vec<i64> = recipients.iter().copied().filter(|r| Some(*r) != except).collect();
    let mut told = Vec::new();
    for account_id in store::local_only(txn, &candidates).await? {
        let readable = match (about.discussion, about.event) {
            (Some(d), _) => may_read(txn, about.community, d, account_id).await?,
            (None, Some(e)) => {
                e.deleted_at.is_none()
                    && crate::notifications::may_read_event(txn, about.community, e, account_id).await?
            }
            (None, None) => true,
        };
        if readable {
            told.push(account_id);
        }
    }
    // What each reader chose to hear from this community and thread (one query each).
    let told =
        crate::notify_prefs::keep_reached(txn, kind, about.community.id, about.discussion.map(|d| d.id), told).await?;
    let new = told
        .iter()
        .map(|account_id| NewNotification {
            account_id: *account_id,
            kind: kind.as_str().to_owned(),
            title: about.title.clone(),
            body: about.body.to_owned(),
            link: about.link.clone(),
            actor_id: about.actor_id,
            community_id: Some(about.community.id),
            discussion_id: about.discussion.map(|d| d.id),
            reply_id: about.reply_id,
        })
        .collect();
    store::insert_many(txn, new, Utc::now()).await?;
    Ok(told)
}

/// The local people a local post's Markdown mentions (`@name`, `@name@this-host`).
pub(crate) async fn mentioned_in_markdown<C: ConnectionTrait>(
    txn: &C,
    ctx: &AppContext,
    markdown: &str,
) -> Result<Vec<i64>> {
    let names = guildhall_domain::mentions::local_mentions(markdown, &ctx.instance().domain);
    Ok(store::local_by_usernames(txn, &names).await?)
}

/// The local people a received post's `Mention` tags name by their actor URL.
pub(crate) async fn mentioned_in_tags<C: ConnectionTrait>(txn: &C, ctx: &AppContext, tags: &[Tag]) -> Result<Vec<i64>> {
    let prefix = format!("{}/u/", ctx.instance().base_url());
    let names: Vec<String> = tags
        .iter()
        .filter(|t| t.kind == TagKind::Mention)
        .filter_map(|t| t.href.strip_prefix(&prefix))
        .filter(|rest| !rest.is_empty() && !rest.contains('/'))
        .map(str::to_owned)
        .collect();
    Ok(store::local_by_usernames(txn, &names).await?)
}

/// A new post by `author_id` (a discussion, or `r` in it answering `parent` or the
/// discussion): its parent's author hears `reply`, the people it mentions `mention` (once
/// per post per person: a reply that mentions its parent's author is only a reply).
pub(crate) async fn new_post<C: ConnectionTrait>(
    txn: &C,
    c: &community::Model,
    d: &discussion::Model,
    r: Option<&reply::Model>,
    parent: Option<&reply::Model>,
    mentioned: &[i64],
) -> Result<Vec<i64>> {
    let author_id = r.map_or(d.author_id, |r| r.author_id);
    let reply_id = r.map(|r| r.id);
    let about = About {
        actor_id: Some(author_id),
        community: c,
        discussion: Some(d),
        event: None,
        reply_id,
        title: d.title.clone(),
        body: match (r, parent) {
            (None, _) => "",
            (Some(_), Some(_)) => "reply",
            (Some(_), None) => "discussion",
        },
        link: post_link(d, reply_id),
    };
    let mut told = Vec::new();
    if r.is_some() {
        let answered = parent.map_or(d.author_id, |p| p.author_id);
        told = write(txn, Kind::Reply, &[answered], Some(author_id), &about).await?;
    }
    let rest: Vec<i64> = mentioned.iter().copied().filter(|m| !told.contains(m)).collect();
    told.extend(write(txn, Kind::Mention, &rest, Some(author_id), &about).await?);
    Ok(told)
}

/// An upvote by `voter` on a discussion or reply: its author hears `favourite`, once per
/// voter and post however often the vote is withdrawn and given again. Events: nothing.
pub(crate) async fn upvoted<C: ConnectionTrait>(txn: &C, voter: i64, target: Target) -> Result<Vec<i64>> {
    let (d, r) = match target {
        Target::Discussion(id) => (guildhall_store::discussions::find_by_id(txn, id).await?, None),
        Target::Reply(id) => match guildhall_store::discussions::find_reply(txn, id).await? {
            Some(r) => (guildhall_store::discussions::find_by_id(txn, r.discussion_id).await?, Some(r)),
            None => return Ok(Vec::new()),
        },
        Target::Event(_) => return Ok(Vec::new()),
    };
    let Some(d) = d else { return Ok(Vec::new()) };
    let Some(c) = guildhall_store::communities::find_by_id(txn, d.community_id).await? else { return Ok(Vec::new()) };
    let author = r.as_ref().map_or(d.author_id, |r| r.author_id);
    let reply_id = r.as_ref().map(|r| r.id);
    let kind = Kind::Favourite.as_str();
    if store::exists_about(txn, author, kind, voter, Some(d.id), reply_id).await? {
        return Ok(Vec::new());
    }
    let about = About {
        actor_id: Some(voter),
        community: &c,
        discussion: Some(&d),
        event: None,
        reply_id,
        title: d.title.clone(),
        body: "",
        link: post_link(&d, reply_id),
    };
    write(txn, Kind::Favourite, &[author], Some(voter), &about).await
}

/// A join request by `requester` waits in `c`: its local moderators hear `join_request`.
pub(crate) async fn join_requested<C: ConnectionTrait>(
    txn: &C,
    c: &community::Model,
    requester: i64,
) -> Result<Vec<i64>> {
    let moderators = store::moderators(txn, c.id).await?;
    let about = About {
        actor_id: Some(requester),
        community: c,
        discussion: None,
        event: None,
        reply_id: None,
        title: c.title.clone(),
        body: "",
        link: format!("/communities/{}/requests", handle(c)),
    };
    write(txn, Kind::JoinRequest, &moderators, Some(requester), &about).await
}

/// `account_id`'s request to join `c` was answered (by a local moderator `by`, or by the
/// remote community itself).
pub(crate) async fn join_answered<C: ConnectionTrait>(
    txn: &C,
    c: &community::Model,
    account_id: i64,
    accepted: bool,
    by: Option<i64>,
) -> Result<Vec<i64>> {
    let about = About {
        actor_id: by,
        community: c,
        discussion: None,
        event: None,
        reply_id: None,
        title: c.title.clone(),
        body: "",
        link: format!("/communities/{}", handle(c)),
    };
    let kind = if accepted { Kind::JoinAccepted } else { Kind::JoinRefused };
    write(txn, kind, &[account_id], None, &about).await
}

/// A local poll in `d` closed: everyone on this server who voted in it hears `poll_closed`
/// (its author too if they voted: no one closed it, time did).
pub(crate) async fn poll_closed<C: ConnectionTrait>(txn: &C, d: &discussion::Model, poll_id: i64) -> Result<Vec<i64>> {
    let Some(c) = guildhall_store::communities::find_by_id(txn, d.community_id).await? else { return Ok(Vec::new()) };
    let voters = store::poll_voters(txn, poll_id).await?;
    let about = About {
        actor_id: Some(d.author_id),
        community: &c,
        discussion: Some(d),
        event: None,
        reply_id: None,
        title: d.title.clone(),
        body: "",
        link: post_link(d, None),
    };
    write(txn, Kind::PollClosed, &voters, None, &about).await
}

/// The people going to `e` (already filtered to those not reminded yet) hear `event_reminder`
/// (`body`: `day` or `hour`), if they may still read it.
pub(crate) async fn event_reminder<C: ConnectionTrait>(
    txn: &C,
    c: &community::Model,
    e: &event::Model,
    which: guildhall_domain::reminder::Reminder,
    going: &[i64],
) -> Result<Vec<i64>> {
    let about = About {
        actor_id: None,
        community: c,
        discussion: None,
        event: Some(e),
        reply_id: None,
        title: e.title.clone(),
        body: which.as_str(),
        link: format!("/events/{}", e.id),
    };
    write(txn, Kind::EventReminder, going, None, &about).await
}

/// Where a community's moderators manage its guild links: a guild's page, or the community's.
fn guild_link_page(c: &community::Model) -> String {
    if crate::guilds::is_guild(c) { format!("/guilds/{}", handle(c)) } else { format!("/communities/{}", handle(c)) }
}

/// `other` asked `answering` for a guild link (a community asking to join a guild, or a
/// guild inviting a community): `answering`'s local moderators hear `guild_link_requested`,
/// titled with `other` (the asker `by`, when local, is not told).
pub(crate) async fn guild_link_requested<C: ConnectionTrait>(
    txn: &C,
    answering: &community::Model,
    other: &community::Model,
    by: Option<i64>,
) -> Result<Vec<i64>> {
    let moderators = store::moderators(txn, answering.id).await?;
    let about = About {
        actor_id: by,
        community: answering,
        discussion: None,
        event: None,
        reply_id: None,
        title: other.title.clone(),
        body: "",
        link: guild_link_page(answering),
    };
    write(txn, Kind::GuildLinkRequested, &moderators, by, &about).await
}

/// `other` answered the guild link `asking` asked for: `asking`'s local moderators hear
/// `guild_link_answered` (`body`: `accepted` or `refused`), titled with `other`.
pub(crate) async fn guild_link_answered<C: ConnectionTrait>(
    txn: &C,
    asking: &community::Model,
    other: &community::Model,
    accepted: bool,
    by: Option<i64>,
) -> Result<Vec<i64>> {
    let moderators = store::moderators(txn, asking.id).await?;
    let about = About {
        actor_id: by,
        community: asking,
        discussion: None,
        event: None,
        reply_id: None,
        title: other.title.clone(),
        body: if accepted { "accepted" } else { "refused" },
        link: guild_link_page(asking),
    };
    write(txn, Kind::GuildLinkAnswered, &moderators, by, &about).await
}

/// `left` stopped moderating `c` (stepped down, or left it): if no active moderator remains,
/// the instance's admins and the remaining (inactive) moderators hear `moderator_left`.
pub(crate) async fn moderator_left<C: ConnectionTrait>(txn: &C, c: &community::Model, left: i64) -> Result<Vec<i64>> {
    if !c.domain.is_empty() {
        // Another server's community: its own server looks after its moderators.
        return Ok(Vec::new());
    }
    let remaining = store::moderators_with_status(txn, c.id).await?;
    if !guildhall_domain::reminder::no_active_moderator(remaining.iter().map(|(_, s)| *s)) {
        return Ok(Vec::new());
    }
    let mut recipients = store::local_admins(txn).await?;
    recipients.extend(remaining.iter().map(|(id, _)| *id));
    let about = About {
        actor_id: Some(left),
        community: c,
        discussion: None,
        event: None,
        reply_id: None,
        title: c.title.clone(),
        body: "",
        link: format!("/communities/{}/members", handle(c)),
    };
    write(txn, Kind::ModeratorLeft, &recipients, Some(left), &about).await
}

/// A report about `c` (titled with the reported post's title, or the community's): its local
/// moderators hear `report`, and the instance's admins when it has none here.
pub(crate) async fn reported<C: ConnectionTrait>(
    txn: &C,
    c: &community::Model,
    title: String,
    reporter: Option<i64>,
) -> Result<Vec<i64>> {
    let mut recipients = store::local_only(txn, &store::moderators(txn, c.id).await?).await?;
    if recipients.is_empty() {
        recipients = store::local_admins(txn).await?;
    }
    let about = About {
        actor_id: reporter,
        community: c,
        discussion: None,
        event: None,
        reply_id: None,
        title,
        body: "",
        link: format!("/communities/{}/reports", handle(c)),
    };
    write(txn, Kind::Report, &recipients, reporter, &about).await
}

/// A new discussion `d` in `c`: the local members watching `c` who may read it hear
/// `new_discussion`, except its author and those already told (`told`: mentioned).
/// Not for history fetched when following (backfill): only for what is new.
pub(crate) async fn new_discussion_watched<C: ConnectionTrait>(
    txn: &C,
    c: &community::Model,
    d: &discussion::Model,
    told: &[i64],
) -> Result<Vec<i64>> {
    let watchers: Vec<i64> =
        guildhall_store::notify_prefs::watchers(txn, c.id).await?.into_iter().filter(|w| !told.contains(w)).collect();
    let about = About {
        actor_id: Some(d.author_id),
        community: c,
        discussion: Some(d),
        event: None,
        reply_id: None,
        title: d.title.clone(),
        body: "",
        link: post_link(d, None),
    };
    write(txn, Kind::NewDiscussion, &watchers, Some(d.author_id), &about).await
}

/// A new event `e` in `c`: the local members watching `c` who may read it hear `new_event`,
/// except its organiser.
pub(crate) async fn new_event_watched<C: ConnectionTrait>(
    txn: &C,
    c: &community::Model,
    e: &event::Model,
) -> Result<Vec<i64>> {
    // `write` keeps those who may read the event (the same rule as reading it).
    let watchers = guildhall_store::notify_prefs::watchers(txn, c.id).await?;
    let about = About {
        actor_id: Some(e.organiser_id),
        community: c,
        discussion: None,
        event: Some(e),
        reply_id: None,
        title: e.title.clone(),
        body: "",
        link: format!("/events/{}", e.id),
    };
    write(txn, Kind::NewEvent, &watchers, Some(e.organiser_id), &about).await
}
