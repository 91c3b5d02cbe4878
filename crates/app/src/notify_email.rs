//! Notifications by email: the scheduled jobs that send immediate messages (grouped, after a
//! short window, outside quiet hours), daily and weekly digests, and the moderators' daily
//! digest of waiting join requests. Each re-checks, when composing, that the reader may still
//! read what an item is about (the same access rule as reading it), and records what it did
//! in the transaction that queues the message, conditionally, so a restart or a second
//! process sends nothing twice. Work is done in bulk: a few queries per batch of members.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use guildhall_domain::email_delivery::{self as rule, Decision, Mode};
use guildhall_store::email_notify::{self as store, Subjects};
use guildhall_store::entities::{account, email_setting, notification};
use ring::hmac;

use crate::email::{self, OutgoingEmail};
use crate::email_settings::{Settings, unsubscribe_url_with};
use crate::mail::{self, escape};
use crate::mail_phrases::{self as say, Parts};
use crate::notifications::Kind;
use crate::{AppContext, Result};

/// How old a notification must be before it is emailed, so a burst becomes one message.
pub const GROUPING_WINDOW: Duration = Duration::minutes(2);
/// Notifications older than this are never emailed immediately (for example those made while
/// email was off): the in-app list has them.
pub const MAX_AGE: Duration = Duration::days(2);
/// Notifications looked at per immediate run.
const IMMEDIATE_ROWS: u64 = 5000;
/// Members composed per digest transaction.
const DIGEST_BATCH: usize = 500;
/// Items listed per group or community in one message (the rest are counted).
const MAX_ITEMS: usize = 10;

/// What makes notifications one group: kind, community, discussion and title.
type GroupKey = (&'static str, Option<i64>, Option<i64>, String);

/// One notification, checked and phrased for its reader.
struct Item {
    kind: Kind,
    community: Option<i64>,
    group: GroupKey,
    title: String,
    sentence: String,
    url: String,
}

/// The event a notification's link names (`/events/7`).
fn event_of(n: &notification::Model) -> Option<i64> {
    n.link.strip_prefix("/events/").and_then(|rest| rest.split(['#', '?', '/']).next()).and_then(|id| id.parse().ok())
}

/// Whether `reader` may still read what `n` is about, by the access rule every read uses.
fn readable(s: &Subjects, n: &notification::Model, reader: &account::Model) -> Result<bool> {
    let Some(kind) = Kind::parse(&n.kind) else { return Ok(false) };
    let Some(cid) = n.community_id else { return Ok(true) };
    let Some(c) = s.communities.get(&cid) else { return Ok(false) };
    let m = s.memberships.get(&(cid, reader.id));
    let access = crate::communities::access_of(c, m, true, reader.is_admin)?;
    Ok(match kind {
        Kind::Reply | Kind::Mention | Kind::Favourite | Kind::PollClosed | Kind::NewDiscussion => {
            match n.discussion_id.and_then(|id| s.discussions.get(&id)) {
                Some(d) => d.deleted_at.is_none() && access.for_discussion(d.members_only).can_read_content(),
                None => false,
            }
        }
        Kind::EventUpdated | Kind::EventCancelled | Kind::EventReminder | Kind::NewEvent => {
            match event_of(n).and_then(|id| s.events.get(&id)) {
                Some(e) => access.for_discussion(e.members_only).can_read_content(),
                None => false,
            }
        }
        Kind::Report => access.for_discussion(true).can_read_content(),
        // A refused requester is not a member, and hears only about their own request.
        Kind::JoinRefused => true,
        Kind::EventDeleted
        | Kind::JoinRequest
        | Kind::JoinAccepted
        | Kind::GuildLinkRequested
        | Kind::GuildLinkAnswered
        | Kind::ModeratorLeft => access.for_discussion(false).can_read_content(),
    })
}

/// Phrases `n` for `reader` in `lang`.
fn item(ctx: &AppContext, s: &Subjects, n: &notification::Model, lang: &str) -> Option<Item> {
    let kind = Kind::parse(&n.kind)?;
    let c = n.community_id.and_then(|id| s.communities.get(&id));
    let domain = &ctx.instance().domain;
    let (community, host) = match c {
        Some(c) => (c.title.as_str(), if c.domain.is_empty() { domain.as_str() } else { c.domain.as_str() }),
        None => ("", domain.as_str()),
    };
    let actor = n
        .actor_id
        .and_then(|id| s.accounts.get(&id))
        .map(|a| {
            let name = if a.display_name.trim().is_empty() { a.username.clone() } else { a.display_name.clone() };
            let handle = crate::accounts::handle_of(a);
            if name == handle { name } else { format!("{name} ({handle})") }
        })
        .unwrap_or_else(|| say::someone(lang).to_owned());
    let sentence = say::sentence(lang, kind, &Parts { actor: &actor, title: &n.title, community, host, body: &n.body });
    Some(Item {
        kind,
        community: n.community_id,
        group: (kind.as_str(), n.community_id, n.discussion_id, n.title.clone()),
        title: if kind == Kind::JoinRequest { community.to_owned() } else { n.title.clone() },
        sentence,
        url: format!("{}{}", ctx.instance().base_url(), n.link),
    })
}

/// Items grouped by kind and subject ("5 new replies in …"), in first-seen order:
/// (heading, url, sentences listed).
fn grouped(lang: &str, items: &[Item]) -> Vec<(String, String, Vec<String>)> {
    let mut order: Vec<&GroupKey> = Vec::new();
    let mut groups: HashMap<&GroupKey, Vec<&Item>> = HashMap::new();
    for i in items {
        let g = groups.entry(&i.group).or_default();
        if g.is_empty() {
            order.push(&i.group);
        }
        g.push(i);
    }
    order
        .into_iter()
        .map(|key| {
            let g = &groups[key];
            let first = g[0];
            if g.len() == 1 {
                (first.sentence.clone(), first.url.clone(), Vec::new())
            } else {
                let url = first.url.split('#').next().unwrap_or(&first.url).to_owned();
                let listed = g.iter().take(MAX_ITEMS).map(|i| i.sentence.clone()).collect();
                (say::group(lang, first.kind, g.len(), &first.title), url, listed)
            }
        })
        .collect()
}

/// The parts of a message body: sections of (optional heading, groups).
type Sections = Vec<(Option<String>, Vec<(String, String, Vec<String>)>)>;

/// Text and HTML of a message: greeting, sections, and the footer's links.
fn compose(
    ctx: &AppContext,
    lang: &str,
    name: &str,
    subject: &str,
    sections: &Sections,
    unsubscribe: &str,
) -> (String, String) {
    let base = ctx.instance().base_url();
    let (all, settings, stop) = say::footer(lang);
    let hello = say::greeting(lang, name);
    let mut text = format!("{hello}\n\n");
    let mut html = format!("<p>{}</p>\n", escape(&hello));
    for (heading, groups) in sections {
        if let Some(h) = heading {
            text.push_str(&format!("{h}\n\n"));
            html.push_str(&format!("<h2>{}</h2>\n", escape(h)));
        }
        html.push_str("<ul>\n");
        for (line, url, listed) in groups {
            text.push_str(&format!("- {line}\n  {url}\n"));
            html.push_str(&format!("<li><a href=\"{}\">{}</a>", escape(url), escape(line)));
            if !listed.is_empty() {
                html.push_str("<ul>");
                for l in listed {
                    text.push_str(&format!("    · {l}\n"));
                    html.push_str(&format!("<li>{}</li>", escape(l)));
                }
                html.push_str("</ul>");
            }
            html.push_str("</li>\n");
        }
        html.push_str("</ul>\n");
        text.push('\n');
    }
    let footer = [
        (all, format!("{base}/notifications")),
        (settings, format!("{base}/account/email")),
        (stop, unsubscribe.to_owned()),
    ];
    html.push_str("<hr>\n<ul>\n");
    for (label, url) in &footer {
        text.push_str(&format!("{label}: {url}\n"));
        html.push_str(&format!("<li><a href=\"{}\">{}</a></li>\n", escape(url), escape(label)));
    }
    html.push_str("</ul>\n");
    (text, mail::html_document(lang, subject, &html))
}

fn display_name(a: &account::Model) -> &str {
    if a.display_name.trim().is_empty() { &a.username } else { &a.display_name }
}

fn lang_of(a: &account::Model) -> &str {
    a.language.as_deref().unwrap_or("en")
}

/// Sends immediate messages for notifications at least [`GROUPING_WINDOW`] old, as of `now`:
/// one message per member; returns how many were queued. Does nothing when email is off.
pub async fn send_immediate(ctx: &AppContext, now: DateTime<Utc>) -> Result<usize> {
    if !ctx.email_enabled() {
        return Ok(0);
    }
    let rows = store::unemailed(ctx.db(), now - MAX_AGE, now - GROUPING_WINDOW, IMMEDIATE_ROWS).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let event_ids: Vec<i64> = rows.iter().filter_map(event_of).collect();
    let subjects = store::subjects(ctx.db(), &rows, &event_ids).await?;
    let ids: Vec<i64> = subjects.accounts.keys().copied().collect();
    let settings = store::settings_of(ctx.db(), &ids).await?;
    let key = crate::email_settings::key_for_jobs(ctx).await?;
    let mut by_member: BTreeMap<i64, Vec<&notification::Model>> = BTreeMap::new();
    for n in &rows {
        by_member.entry(n.account_id).or_default().push(n);
    }
    let mut queued = 0;
    for (account_id, notes) in by_member {
        let Some(reader) = subjects.accounts.get(&account_id) else { continue };
        let Some(address) = reader.email.clone() else { continue };
        let s = Settings::of(settings.get(&account_id));
        let tz = rule::time_zone(reader.time_zone.as_deref());
        let lang = lang_of(reader);
        let (mut handled, mut items) = (Vec::new(), Vec::new());
        for n in notes {
            match rule::decide(s.mode, s.kind_on(&n.kind), s.quiet, tz, now) {
                Decision::Hold { .. } | Decision::Digest => continue,
                Decision::Never => handled.push(n.id),
                Decision::Now => {
                    handled.push(n.id);
                    if readable(&subjects, n, reader)?
                        && let Some(i) = item(ctx, &subjects, n, lang)
                    {
                        items.push(i);
                    }
                }
            }
        }
        if handled.is_empty() {
            continue;
        }
        let txn = crate::receipt::begin_write(ctx).await?;
        // Conditional: another process that marked any of them first sends them instead.
        if store::mark_emailed(&txn, &handled, now).await? != handled.len() as u64 {
            txn.rollback().await?;
            continue;
        }
        if !items.is_empty() {
            let groups = grouped(lang, &items);
            let subject = say::immediate_subject(lang, groups.len(), &groups[0].0, &ctx.instance().domain);
            let unsubscribe = unsubscribe_url_with(&key, &ctx.instance().base_url(), account_id);
            let (text, html) = compose(ctx, lang, display_name(reader), &subject, &vec![(None, groups)], &unsubscribe);
            email::enqueue(
                &txn,
                OutgoingEmail { to: address, subject, text, html, unsubscribe_url: Some(unsubscribe) },
            )
            .await?;
            queued += 1;
        }
        txn.commit().await?;
    }
    if queued > 0 {
        email::wake(ctx);
    }
    Ok(queued)
}

/// Sends the daily and weekly digests due as of `now` (07:00 member-local; weekly on
/// Monday): each member's unread notifications since their last digest, by community, with
/// counts and links; nothing when there is nothing. Returns how many were queued.
pub async fn send_digests(ctx: &AppContext, now: DateTime<Utc>) -> Result<usize> {
    if !ctx.email_enabled() {
        return Ok(0);
    }
    let due: Vec<(email_setting::Model, account::Model)> = store::digest_members(ctx.db())
        .await?
        .into_iter()
        .filter(|(s, a)| {
            let mode = Mode::parse("mode", &s.mode).unwrap_or(Mode::Off);
            rule::digest_due(mode, rule::time_zone(a.time_zone.as_deref()), s.last_digest_at, now)
        })
        .collect();
    if due.is_empty() {
        return Ok(0);
    }
    let key = crate::email_settings::key_for_jobs(ctx).await?;
    let mut queued = 0;
    for batch in due.chunks(DIGEST_BATCH) {
        let ids: Vec<i64> = batch.iter().map(|(s, _)| s.account_id).collect();
        let oldest = batch.iter().map(|(s, _)| s.last_digest_at).min().flatten();
        let rows = store::unread_of(ctx.db(), &ids, oldest).await?;
        let event_ids: Vec<i64> = rows.iter().filter_map(event_of).collect();
        let subjects = store::subjects(ctx.db(), &rows, &event_ids).await?;
        let mut by_member: HashMap<i64, Vec<&notification::Model>> = HashMap::new();
        for n in &rows {
            by_member.entry(n.account_id).or_default().push(n);
        }
        let txn = crate::receipt::begin_write(ctx).await?;
        let mut messages = Vec::new();
        for (row, reader) in batch {
            if !store::claim_digest(&txn, reader.id, row.last_digest_at, now, false).await? {
                continue;
            }
            let s = Settings::of(Some(row));
            let lang = lang_of(reader);
            let mut items = Vec::new();
            for n in by_member.get(&reader.id).map(Vec::as_slice).unwrap_or_default() {
                if row.last_digest_at.is_some_and(|l| n.created_at <= l) || !s.kind_on(&n.kind) {
                    continue;
                }
                if readable(&subjects, n, reader)?
                    && let Some(i) = item(ctx, &subjects, n, lang)
                {
                    items.push(i);
                }
            }
            if let Some(m) = digest_message(ctx, &key, &subjects, reader, &s, &items) {
                messages.push(m);
            }
        }
        for m in messages {
            email::enqueue(&txn, m).await?;
            queued += 1;
        }
        txn.commit().await?;
    }
    if queued > 0 {
        email::wake(ctx);
    }
    Ok(queued)
}

/// A member's digest of `items`, by community; none when there is nothing to say.
fn digest_message(
    ctx: &AppContext,
    key: &hmac::Key,
    subjects: &Subjects,
    reader: &account::Model,
    s: &Settings,
    items: &[Item],
) -> Option<OutgoingEmail> {
    let address = reader.email.clone()?;
    if items.is_empty() {
        return None;
    }
    let lang = lang_of(reader);
    let mut communities: Vec<Option<i64>> = Vec::new();
    for i in items {
        if !communities.contains(&i.community) {
            communities.push(i.community);
        }
    }
    let domain = &ctx.instance().domain;
    let sections: Sections = communities
        .into_iter()
        .map(|cid| {
            let these: Vec<Item> = items
                .iter()
                .filter(|i| i.community == cid)
                .map(|i| Item {
                    kind: i.kind,
                    community: i.community,
                    group: i.group.clone(),
                    title: i.title.clone(),
                    sentence: i.sentence.clone(),
                    url: i.url.clone(),
                })
                .collect();
            let heading = match cid.and_then(|id| subjects.communities.get(&id)) {
                Some(c) => {
                    let host = if c.domain.is_empty() { domain.as_str() } else { c.domain.as_str() };
                    say::digest_section(lang, &c.title, host, these.len())
                }
                None => say::digest_section(lang, say::elsewhere(lang), domain, these.len()),
            };
            let mut groups = grouped(lang, &these);
            groups.truncate(MAX_ITEMS);
            (Some(heading), groups)
        })
        .collect();
    let subject = say::digest_subject(lang, s.mode == Mode::Weekly, items.len(), domain);
    let unsubscribe = unsubscribe_url_with(key, &ctx.instance().base_url(), reader.id);
    let (text, html) = compose(ctx, lang, display_name(reader), &subject, &sections, &unsubscribe);
    Some(OutgoingEmail { to: address, subject, text, html, unsubscribe_url: Some(unsubscribe) })
}

/// Sends each local moderator with join requests waiting now (in communities they moderate)
/// one message a day listing them, at about 07:00 their time, unless their email is off.
/// Returns how many were queued.
pub async fn send_moderator_digests(ctx: &AppContext, now: DateTime<Utc>) -> Result<usize> {
    if !ctx.email_enabled() {
        return Ok(0);
    }
    let waiting = store::waiting_requests(ctx.db()).await?;
    if waiting.is_empty() {
        return Ok(0);
    }
    let mut by_mod: BTreeMap<i64, Vec<(i64, i64)>> = BTreeMap::new();
    for (m, c, n) in &waiting {
        by_mod.entry(*m).or_default().push((*c, *n));
    }
    let mods: Vec<i64> = by_mod.keys().copied().collect();
    let mut community_ids: Vec<i64> = waiting.iter().map(|(_, c, _)| *c).collect();
    community_ids.sort_unstable();
    community_ids.dedup();
    store::ensure_rows(ctx.db(), &mods, &crate::email_settings::default_kinds_off_stored(), now).await?;
    let settings = store::settings_of(ctx.db(), &mods).await?;
    let accounts = store::accounts_of(ctx.db(), &mods).await?;
    let communities = store::communities_of(ctx.db(), &community_ids).await?;
    let key = crate::email_settings::key_for_jobs(ctx).await?;
    let base = ctx.instance().base_url();
    let domain = &ctx.instance().domain;
    let mut queued = 0;
    for (mod_id, list) in by_mod {
        let (Some(row), Some(a)) = (settings.get(&mod_id), accounts.get(&mod_id)) else { continue };
        let Some(address) = a.email.clone() else { continue };
        let s = Settings::of(Some(row));
        let tz = rule::time_zone(a.time_zone.as_deref());
        if s.mode == Mode::Off || !rule::digest_due(Mode::Daily, tz, row.last_moderator_digest_at, now) {
            continue;
        }
        let txn = crate::receipt::begin_write(ctx).await?;
        if !store::claim_digest(&txn, mod_id, row.last_moderator_digest_at, now, true).await? {
            txn.rollback().await?;
            continue;
        }
        let lang = lang_of(a);
        let mut total = 0;
        let mut groups = Vec::new();
        for (cid, n) in list {
            let Some(c) = communities.get(&cid) else { continue };
            let host = if c.domain.is_empty() { domain.as_str() } else { c.domain.as_str() };
            let handle = if c.domain.is_empty() { c.name.clone() } else { format!("{}@{}", c.name, c.domain) };
            groups.push((
                say::moderator_line(lang, &c.title, host, n),
                format!("{base}/communities/{handle}/requests"),
                Vec::new(),
            ));
            total += n;
        }
        if !groups.is_empty() {
            let subject = say::moderator_subject(lang, total, domain);
            let unsubscribe = unsubscribe_url_with(&key, &base, mod_id);
            let (text, html) = compose(ctx, lang, display_name(a), &subject, &vec![(None, groups)], &unsubscribe);
            email::enqueue(
                &txn,
                OutgoingEmail { to: address, subject, text, html, unsubscribe_url: Some(unsubscribe) },
            )
            .await?;
            queued += 1;
        }
        txn.commit().await?;
    }
    if queued > 0 {
        email::wake(ctx);
    }
    Ok(queued)
}

/// Every notification email job, as of `now` (the one line `schedule::tick` runs): immediate
/// messages, digests, moderators' digests; returns how many messages were queued.
pub async fn send_all(ctx: &AppContext, now: DateTime<Utc>) -> Result<usize> {
    let immediate = send_immediate(ctx, now).await;
    let digests = send_digests(ctx, now).await;
    let moderators = send_moderator_digests(ctx, now).await;
    Ok(immediate? + digests? + moderators?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_links_name_their_event() {
        let mut n = notification::Model {
            id: 1,
            account_id: 1,
            kind: "event_updated".into(),
            title: "t".into(),
            body: String::new(),
            link: "/events/42".into(),
            created_at: Utc::now(),
            read_at: None,
            actor_id: None,
            community_id: None,
            discussion_id: None,
            reply_id: None,
            emailed_at: None,
        };
        assert_eq!(event_of(&n), Some(42));
        n.link = "/communities/ops".into();
        assert_eq!(event_of(&n), None);
    }
}
