//! Polls on discussions: results, local votes, and the votes and counts that arrive from other
//! servers. The server of the poll's author holds the authoritative count: local polls count
//! their vote rows; polls from elsewhere show the counts their server last sent (plus our own
//! members' votes until its next `Update`).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use guildhall_domain::poll::{self as rules, Poll, PollKind, RemoteVote};
use guildhall_domain::{Access, CommunityRole, Denied, Invalid};
use guildhall_store::communities as store_communities;
use guildhall_store::entities::{account, discussion};
use guildhall_store::polls::{self as store, Loaded, NewPoll};
use serde::Serialize;
use utoipa::ToSchema;

use crate::communities::remote_access;
use crate::outbox::{self, Outgoing};
use crate::receipt::Arrival;
use crate::{AppContext, Error, Result, Viewer};

/// A poll to attach to a new discussion.
#[derive(Debug, Clone)]
pub struct PollInput {
    /// Single or multiple choice.
    pub kind: PollKind,
    /// The options (2–20).
    pub options: Vec<String>,
    /// When voting ends.
    pub closes_at: Option<DateTime<Utc>>,
    /// Hide the counts until the poll closes.
    pub hide_results: bool,
}

/// Validates a new poll.
pub(crate) fn checked(input: PollInput, now: DateTime<Utc>) -> Result<NewPoll> {
    let options = rules::options(&input.options)?;
    let closes_at = rules::closes_at(input.closes_at, now)?;
    Ok(NewPoll {
        multiple: input.kind == PollKind::Multiple,
        closes_at,
        hide_results: input.hide_results,
        options: options.into_iter().map(|o| (o, 0)).collect(),
        voters_count: 0,
    })
}

/// One option with its count.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PollOptionView {
    /// 0-based position: what a vote chooses.
    pub position: usize,
    /// The option's text.
    pub name: String,
    /// Votes for it (null while results are hidden).
    pub votes: Option<i64>,
}

/// A discussion's poll as a viewer sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PollView {
    /// `single` or `multiple`.
    pub kind: PollKind,
    /// The options in order.
    pub options: Vec<PollOptionView>,
    /// When voting ends (null: open-ended).
    pub closes_at: Option<DateTime<Utc>>,
    /// Whether voting has ended.
    pub closed: bool,
    /// Counts hidden until the poll closes?
    pub hide_results: bool,
    /// Whether counts are shown now.
    pub results_visible: bool,
    /// How many people voted (null while results are hidden).
    pub voters_count: Option<i64>,
    /// The viewer's choices (positions); empty if none or anonymous.
    pub my_choices: Vec<usize>,
}

/// The domain's view of a stored poll.
pub fn rules_of(l: &Loaded) -> Poll {
    Poll {
        kind: if l.poll.multiple { PollKind::Multiple } else { PollKind::Single },
        option_count: l.options.len(),
        closes_at: l.poll.closes_at,
        hide_results: l.poll.hide_results,
    }
}

/// Counts per position and voters: from vote rows for local polls, from what the origin last
/// sent for remote ones.
pub async fn tally(ctx: &AppContext, d: &discussion::Model, l: &Loaded) -> Result<(Vec<i64>, i64)> {
    if d.ap_id.is_some() {
        let counts: Vec<i64> = l.options.iter().map(|o| o.remote_count).collect();
        let voters = if l.poll.multiple { l.poll.voters_count } else { l.poll.voters_count.max(counts.iter().sum()) };
        return Ok((counts, voters));
    }
    let votes = store::votes(ctx.db(), l.poll.id).await?;
    let mut counts = vec![0i64; l.options.len()];
    for v in &votes {
        if let Some(c) = counts.get_mut(v.position as usize) {
            *c += 1;
        }
    }
    let voters = votes.iter().map(|v| v.account_id).collect::<BTreeSet<_>>().len() as i64;
    Ok((counts, voters))
}

/// The poll of a discussion as `viewer` sees it, if it has one.
pub async fn view_of(ctx: &AppContext, d: &discussion::Model, viewer: Option<&Viewer>) -> Result<Option<PollView>> {
    let Some(l) = store::find_for_discussion(ctx.db(), d.id).await? else { return Ok(None) };
    Ok(Some(build(ctx, d, &l, viewer).await?))
}

async fn build(ctx: &AppContext, d: &discussion::Model, l: &Loaded, viewer: Option<&Viewer>) -> Result<PollView> {
    let rules = rules_of(l);
    let now = Utc::now();
    // Another server's poll shows counts once that server sends them.
    let visible = if d.ap_id.is_some() { !l.poll.hide_results } else { rules.results_visible(now) };
    let (counts, voters) = tally(ctx, d, l).await?;
    let my_choices = match viewer {
        Some(v) => {
            store::choices_of(ctx.db(), l.poll.id, v.account_id).await?.into_iter().map(|p| p as usize).collect()
        }
        None => vec![],
    };
    Ok(PollView {
        kind: rules.kind,
        options: l
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| PollOptionView { position: i, name: o.name.clone(), votes: visible.then(|| counts[i]) })
            .collect(),
        closes_at: l.poll.closes_at,
        closed: rules.is_closed(now),
        hide_results: l.poll.hide_results,
        results_visible: visible,
        voters_count: visible.then_some(voters),
        my_choices,
    })
}

/// Votes in a discussion's poll. On a local poll a new vote replaces the member's earlier one;
/// on another server's poll a vote is final (that server keeps the count) and is sent there.
pub async fn vote(ctx: &AppContext, viewer: &Viewer, discussion_id: i64, choices: &[usize]) -> Result<PollView> {
    let (d, l) = crate::discussions::load_discussion(ctx, Some(viewer), discussion_id).await?;
    let poll = store::find_for_discussion(ctx.db(), d.id).await?.ok_or(Error::NotFound("poll"))?;
    let rules = rules_of(&poll);
    let now = Utc::now();
    rules.may_vote(&l.access, d.locked, d.deleted_at.is_some(), now)?;
    let chosen = rules.choices(choices)?;
    let txn = crate::receipt::begin_write(ctx).await?;
    let previous = store::choices_of(&txn, poll.poll.id, viewer.account_id).await?;
    if d.ap_id.is_some() {
        if !previous.is_empty() {
            return Err(Error::Conflict("you already voted in this poll; its server keeps the first vote".into()));
        }
        for p in &chosen {
            let ap_id = Some(ctx.instance().new_activity_id());
            store::add_vote(&txn, poll.poll.id, viewer.account_id, *p as i32, ap_id, now).await?;
        }
        // Show our vote at once; the origin's next Update brings the authoritative count.
        let mut counts: Vec<i64> = poll.options.iter().map(|o| o.remote_count).collect();
        for p in &chosen {
            counts[*p] += 1;
        }
        store::set_remote_counts(&txn, &poll, &counts, poll.poll.voters_count + 1, poll.poll.closes_at).await?;
        outbox::record(&txn, &Outgoing::PollVoted { discussion_id: d.id, account_id: viewer.account_id }).await?;
    } else {
        let same: Vec<usize> = previous.iter().map(|p| *p as usize).collect();
        if same != chosen {
            store::clear_votes(&txn, poll.poll.id, viewer.account_id).await?;
            for p in &chosen {
                store::add_vote(&txn, poll.poll.id, viewer.account_id, *p as i32, None, now).await?;
            }
            results_changed(&txn, &d, &rules, now).await?;
        }
    }
    txn.commit().await?;
    ctx.wake_delivery();
    tracing::info!(account = %viewer.username, discussion = d.id, ?chosen, "poll vote");
    let poll = store::find_for_discussion(ctx.db(), d.id).await?.ok_or(Error::NotFound("poll"))?;
    build(ctx, &d, &poll, Some(viewer)).await
}

/// Tells other servers the new counts of a local poll (`Update{Question}`), unless they are
/// hidden for now.
async fn results_changed<C: guildhall_store::ConnectionTrait>(
    db: &C,
    d: &discussion::Model,
    rules: &Poll,
    now: DateTime<Utc>,
) -> Result<()> {
    if d.ap_id.is_none() && rules.results_visible(now) {
        outbox::record(db, &Outgoing::DiscussionUpdated { discussion_id: d.id }).await?;
    }
    Ok(())
}

/// Announces the final counts of local polls that have closed (`Update{Question}`, which
/// now carries `closed` and, for hidden-results polls, the counts for the first time). Each
/// close is marked and its intent recorded in one transaction, and the mark is taken only if
/// it was not already, so restarts and several workers never send it twice. Returns how many
/// were announced.
pub async fn announce_closed(ctx: &AppContext) -> Result<usize> {
    let now = Utc::now();
    let mut announced = 0;
    for p in store::closed_unannounced(ctx.db(), now, 100).await? {
        let d = guildhall_store::discussions::find_by_id(ctx.db(), p.discussion_id).await?;
        let txn = crate::receipt::begin_write(ctx).await?;
        if !store::mark_close_announced(&txn, p.id, now).await? {
            // Another worker announced it; dropping the transaction rolls it back.
            continue;
        }
        // A deleted post's poll is only marked: its Delete already went out.
        let live = d.as_ref().filter(|d| d.deleted_at.is_none());
        let mut told = Vec::new();
        if let Some(d) = live {
            outbox::record(&txn, &Outgoing::DiscussionUpdated { discussion_id: d.id }).await?;
            // Voters hear of the close when it is announced: once, by the worker that marks it.
            told = crate::notifying::poll_closed(&txn, d, p.id).await?;
        }
        txn.commit().await?;
        crate::live::notified(ctx, &told);
        if live.is_some() {
            announced += 1;
            tracing::info!(discussion = p.discussion_id, poll = p.id, "poll closed; final counts announced");
        }
    }
    if announced > 0 {
        ctx.wake_delivery();
    }
    Ok(announced)
}

/// When the next local poll closes whose close is still to be announced (the delivery worker
/// wakes up then).
pub async fn next_close(ctx: &AppContext) -> Result<Option<DateTime<Utc>>> {
    Ok(store::next_close_to_announce(ctx.db()).await?)
}

/// Our members' votes on another server's poll (for federation): the option names and the
/// vote ids, in position order.
pub async fn our_votes(ctx: &AppContext, discussion_id: i64, account_id: i64) -> Result<Vec<(String, String)>> {
    let Some(l) = store::find_for_discussion(ctx.db(), discussion_id).await? else { return Ok(vec![]) };
    let votes = store::votes(ctx.db(), l.poll.id).await?;
    Ok(votes
        .into_iter()
        .filter(|v| v.account_id == account_id)
        .filter_map(|v| {
            let name = l.options.get(v.position as usize)?.name.clone();
            Some((name, v.ap_id?))
        })
        .collect())
}

/// A vote from another server (Mastodon's shape: a `Note` whose `name` is the option). Counted
/// once per actor (per option for multiple choice); repeats are ignored; after the poll
/// closes, or from someone who may not reply here, it is refused. Votes on polls that are not
/// ours are ignored: their server counts them.
pub async fn receive_vote(
    ctx: &AppContext,
    d: &discussion::Model,
    voter: &account::Model,
    option: &str,
    ap_id: &str,
) -> Result<()> {
    if d.ap_id.is_some() {
        return Ok(());
    }
    let Some(poll) = store::find_for_discussion(ctx.db(), d.id).await? else {
        return Err(Error::NotFound("poll"));
    };
    let position = poll
        .options
        .iter()
        .position(|o| o.name == option)
        .or_else(|| poll.options.iter().position(|o| o.name.trim().eq_ignore_ascii_case(option.trim())))
        .ok_or_else(|| Invalid::new("name", "is not an option of this poll"))?;
    let c = store_communities::find_by_id(ctx.db(), d.community_id).await?.ok_or(Error::NotFound("community"))?;
    let access = if c.domain.is_empty() {
        let m = store_communities::find_membership(ctx.db(), c.id, voter.id).await?;
        remote_access(&c, m.as_ref())?
    } else {
        // Our member's poll in another server's community: that server knows its members (as
        // for replies there); the poll's own rules still apply.
        Access { visibility: c.visibility, role: CommunityRole::Member, instance_admin: false }
    };
    let rules = rules_of(&poll);
    let now = Utc::now();
    rules.may_vote(&access, d.locked, d.deleted_at.is_some(), now)?;
    let txn = crate::receipt::begin_write(ctx).await?;
    let already: Vec<usize> =
        store::choices_of(&txn, poll.poll.id, voter.id).await?.into_iter().map(|p| p as usize).collect();
    if rules.remote_vote(&already, position) == RemoteVote::Duplicate {
        tracing::info!(discussion = d.id, voter = %voter.username, "repeated poll vote ignored");
        return Ok(());
    }
    match store::add_vote(&txn, poll.poll.id, voter.id, position as i32, Some(ap_id.to_owned()), now).await {
        Ok(_) => {}
        Err(guildhall_store::Error::Conflict(_)) => return Ok(()),
        Err(e) => return Err(e.into()),
    }
    results_changed(&txn, d, &rules, now).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    tracing::info!(discussion = d.id, voter = %voter.username, position, "remote poll vote counted");
    Ok(())
}

/// A poll as another server describes it (`Question`).
#[derive(Debug, Clone)]
pub struct RemotePoll {
    /// `anyOf` rather than `oneOf`.
    pub multiple: bool,
    /// Option names with their counts (`replies.totalItems`).
    pub options: Vec<(String, i64)>,
    /// `endTime` (or `closed`).
    pub closes_at: Option<DateTime<Utc>>,
    /// `votersCount`.
    pub voters_count: i64,
    /// No counts were sent (hidden until the poll closes).
    pub hide_results: bool,
}

/// Stores or refreshes the poll of a discussion from another server, as its author's server
/// sent it (with the discussion, or in an `Update`). `arrival`: a local community relays
/// the Update to its followers.
pub async fn receive_remote_poll(
    ctx: &AppContext,
    d: &discussion::Model,
    from: &account::Model,
    remote: RemotePoll,
    arrival: Arrival,
) -> Result<()> {
    if d.ap_id.is_none() {
        return Ok(());
    }
    if d.author_id != from.id {
        return Err(Denied::AuthorOnly.into());
    }
    if remote.options.len() > rules::MAX_OPTIONS * 2 || remote.options.len() < rules::MIN_OPTIONS {
        return Err(Invalid::new("oneOf", "a poll needs 2 to 20 options").into());
    }
    let options: Vec<(String, i64)> = remote
        .options
        .into_iter()
        .map(|(n, c)| (n.trim().chars().take(rules::OPTION_LEN).collect::<String>(), c.max(0)))
        .collect();
    let c = store_communities::find_by_id(ctx.db(), d.community_id).await?.ok_or(Error::NotFound("community"))?;
    let txn = crate::receipt::begin_write(ctx).await?;
    let mut told = Vec::new();
    match store::find_for_discussion(&txn, d.id).await? {
        Some(l) => {
            let same = l.options.len() == options.len() && l.options.iter().zip(&options).all(|(a, b)| a.name == b.0);
            if same {
                let counts: Vec<i64> = options.iter().map(|o| o.1).collect();
                store::set_remote_counts(&txn, &l, &counts, remote.voters_count.max(0), remote.closes_at).await?;
                store::set_hidden(&txn, &l.poll, remote.hide_results).await?;
                let now = Utc::now();
                if remote.closes_at.is_some_and(|at| at <= now) {
                    told = tell_remote_closed(&txn, l.poll.id, d.id, now).await?;
                }
            } else {
                tracing::info!(discussion = d.id, "remote poll changed its options; kept the first ones");
            }
        }
        None => {
            let new = NewPoll {
                multiple: remote.multiple,
                closes_at: remote.closes_at,
                hide_results: remote.hide_results,
                options,
                voters_count: remote.voters_count.max(0),
            };
            store::insert(&txn, d.id, new, Utc::now()).await?;
        }
    }
    crate::inbound::record_relay(&txn, &c, arrival).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    crate::live::notified(ctx, &told);
    Ok(())
}

/// Tells the local voters of other servers' polls that closed by `now` (their `closes_at`
/// passed without an Update saying so) that they closed; returns how many people were told.
pub async fn remote_closes_due(ctx: &AppContext, now: DateTime<Utc>) -> Result<usize> {
    let mut told = 0;
    for p in store::remote_closed_untold(ctx.db(), now, 100).await? {
        let txn = crate::receipt::begin_write(ctx).await?;
        let notified = tell_remote_closed(&txn, p.id, p.discussion_id, now).await?;
        txn.commit().await?;
        crate::live::notified(ctx, &notified);
        told += notified.len();
    }
    Ok(told)
}

/// Marks a remote poll's close as told and tells its local voters (`poll_closed`), once: the
/// mark is taken only if it was not already (a re-delivered Update, the job, a second process).
async fn tell_remote_closed<C: guildhall_store::ConnectionTrait>(
    txn: &C,
    poll_id: i64,
    discussion_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    if !store::mark_close_announced(txn, poll_id, now).await? {
        return Ok(Vec::new());
    }
    match guildhall_store::discussions::find_by_id(txn, discussion_id).await? {
        Some(d) if d.deleted_at.is_none() => crate::notifying::poll_closed(txn, &d, poll_id).await,
        _ => Ok(Vec::new()),
    }
}

/// Whether a discussion's stored title and body already match an edit (a counts-only Update).
pub fn same_content(d: &discussion::Model, title: Option<&str>, source: Option<&str>, html: &str) -> bool {
    let body_same = match source {
        Some(src) => src.trim_end() == d.body_source,
        None => crate::markdown::sanitize(html) == d.body_html,
    };
    title.is_none_or(|t| t.trim() == d.title) && body_same
}
