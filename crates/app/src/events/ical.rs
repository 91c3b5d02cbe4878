//! iCalendar (RFC 5545) feeds: one `.ics` per event, one per community, and each member's
//! "my events" feed at a private token URL. Times carry their TZID with a VTIMEZONE built
//! from chrono-tz; UIDs stay stable across edits and SEQUENCE counts the edits.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, Utc};
use chrono_tz::Tz;
use guildhall_domain::event::EventStatus;
use guildhall_store::entities::event;
use guildhall_store::events::{self as store, When};
use icalendar::{Calendar, CalendarDateTime, Class, Component, EventLike};
use sha2::{Digest, Sha256};

use super::{CalendarTokenView, load_event};
use crate::communities::load;
use crate::{AppContext, Error, Page, Result, Viewer};

/// Most events in one feed.
const FEED_LIMIT: u64 = 500;

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Text as an iCalendar TEXT value may hold it (RFC 5545 section 3.3.11): line breaks as
/// `\n` only (a bare CR ends the line for some readers, which lets a title inject
/// properties) and no other control characters. Found by `ical::fuzz`.
fn ical_text(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

/// [`ical_text`], escaped: for properties the `icalendar` crate writes as they are (`NAME`).
fn escaped_text(s: &str) -> String {
    ical_text(s).replace('\\', "\\\\").replace(',', "\\,").replace(';', "\\;").replace('\n', "\\n")
}

/// The stable UID of an event: its ActivityPub id for remote ones.
pub fn uid(ctx: &AppContext, e: &event::Model) -> String {
    e.ap_id.clone().unwrap_or_else(|| format!("event-{}@{}", e.id, ctx.instance().domain))
}

fn vevent(ctx: &AppContext, e: &event::Model) -> icalendar::Event {
    let tz = e.timezone.parse::<Tz>().unwrap_or(Tz::UTC);
    let at = |t: chrono::DateTime<Utc>| CalendarDateTime::WithTimezone {
        date_time: t.with_timezone(&tz).naive_local(),
        tzid: tz.name().to_owned(),
    };
    let mut v = icalendar::Event::new();
    v.uid(&uid(ctx, e))
        .sequence(u32::try_from(e.sequence).unwrap_or(0))
        .timestamp(e.updated_at)
        .created(e.created_at)
        .last_modified(e.updated_at)
        .summary(&ical_text(&e.title))
        .starts(at(e.starts_at))
        .ends(at(e.ends_at))
        .status(match e.status {
            EventStatus::Cancelled => icalendar::EventStatus::Cancelled,
            EventStatus::Tentative => icalendar::EventStatus::Tentative,
            EventStatus::Confirmed => icalendar::EventStatus::Confirmed,
        });
    let mut description = e.description_source.clone();
    if description.is_empty() {
        description = crate::markdown::plain_text(&e.description_html);
    }
    if !e.online_url.is_empty() {
        description = format!("{description}\n\nOnline: {}", e.online_url).trim().to_owned();
    }
    if !description.is_empty() {
        v.description(&ical_text(&description));
    }
    let place: Vec<&str> =
        [e.place_name.as_str(), e.place_address.as_str()].into_iter().filter(|s| !s.is_empty()).collect();
    if !place.is_empty() {
        v.location(&ical_text(&place.join(", ")));
    } else if !e.online_url.is_empty() {
        v.location(&ical_text(&e.online_url));
    }
    let url = e
        .url
        .clone()
        .or_else(|| e.ap_id.clone())
        .unwrap_or_else(|| format!("{}/e/{}", ctx.instance().base_url(), e.id));
    v.url(&url);
    if e.members_only {
        v.class(Class::Private);
    }
    v.done()
}

/// A calendar holding `events`, with one VTIMEZONE per zone they use.
pub fn calendar(ctx: &AppContext, name: &str, events: &[event::Model]) -> Result<String> {
    let mut zones: BTreeMap<String, (i32, i32)> = BTreeMap::new();
    for e in events {
        let (a, b) = (e.starts_at.year(), e.ends_at.year());
        let r = zones.entry(e.timezone.clone()).or_insert((a, b));
        *r = (r.0.min(a), r.1.max(b));
    }
    let mut cal = Calendar::new();
    cal.properties.retain(|p| p.key() != "PRODID");
    cal.append_property(icalendar::Property::new("PRODID", "-//Guildhall//Events//EN"));
    cal.append_property(icalendar::Property::new("METHOD", "PUBLISH"));
    cal.name(&escaped_text(name));
    for e in events {
        cal.push(vevent(ctx, e));
    }
    let text = cal.done().to_string();
    // VTIMEZONE has no UID or DTSTAMP, which the crate's component builder would add: its
    // text is made here and placed before the events (the tests parse the whole back).
    let zones: String = zones
        .into_iter()
        .filter_map(|(zone, (first, last))| {
            zone.parse::<Tz>().ok().map(|tz| super::vtimezone::vtimezone(tz, first - 1, last))
        })
        .collect();
    let at = text
        .find("BEGIN:VEVENT")
        .or_else(|| text.find("END:VCALENDAR"))
        .ok_or_else(|| Error::Internal("calendar without end".into()))?;
    Ok(refold(&format!("{}{zones}{}", &text[..at], &text[at..])))
}

/// Longest content line, in octets, without its CRLF (RFC 5545 section 3.1).
const LINE_OCTETS: usize = 75;

/// `text` with every content line folded at most [`LINE_OCTETS`] octets long, on character
/// boundaries. The `icalendar` crate (0.17) leaves a continuation line of 76 octets when 75
/// remain (found by `ical::fuzz`); the values hold no CR or LF, so every CRLF + space is a fold.
fn refold(text: &str) -> String {
    let unfolded = text.replace("\r\n ", "");
    let mut out = String::with_capacity(text.len() + text.len() / 24);
    for line in unfolded.split_terminator("\r\n") {
        let mut rest = line;
        let mut limit = LINE_OCTETS;
        loop {
            let mut cut = rest.len().min(limit);
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            out.push_str(&rest[..cut]);
            rest = &rest[cut..];
            if rest.is_empty() {
                break;
            }
            // A continuation line starts with the space that unfolding removes.
            out.push_str("\r\n ");
            limit = LINE_OCTETS - 1;
        }
        out.push_str("\r\n");
    }
    out
}

/// One event as `.ics`.
pub async fn event_ics(ctx: &AppContext, viewer: Option<&Viewer>, id: i64) -> Result<String> {
    let (e, _) = load_event(ctx, viewer, id).await?;
    calendar(ctx, &e.title, std::slice::from_ref(&e))
}

/// A community's events (recent and upcoming) as `.ics`; members-only events only for those
/// who may read them.
pub async fn community_ics(ctx: &AppContext, viewer: Option<&Viewer>, community: &str) -> Result<String> {
    let l = load(ctx, viewer, community).await?;
    l.access.read_content()?;
    let include = l.access.discussion_listing().members_only;
    let since = Utc::now() - Duration::days(30);
    let page = Page { number: 1, limit: FEED_LIMIT };
    let rows = store::list_community(ctx.db(), l.community.id, When::Upcoming, include, since, page).await?;
    calendar(ctx, &l.community.title, &rows.items)
}

/// Makes a new private feed token for the viewer (the old one stops working).
pub async fn new_token(ctx: &AppContext, viewer: &Viewer) -> Result<CalendarTokenView> {
    let token = crate::auth::random_token();
    let txn = crate::receipt::begin_write(ctx).await?;
    store::set_calendar_token(&txn, viewer.account_id, token_hash(&token), Utc::now()).await?;
    txn.commit().await?;
    let url = format!("{}/api/guildhall/v1/calendar/{token}/events.ics", ctx.instance().base_url());
    Ok(CalendarTokenView { token, url })
}

/// The events of every community the token's owner is a member of, as `.ics`.
pub async fn my_feed(ctx: &AppContext, token: &str) -> Result<String> {
    let account_id =
        store::account_of_calendar_token(ctx.db(), &token_hash(token)).await?.ok_or(Error::NotFound("calendar"))?;
    let account =
        guildhall_store::accounts::find_by_id(ctx.db(), account_id).await?.ok_or(Error::NotFound("calendar"))?;
    if account.status != guildhall_domain::AccountStatus::Active {
        return Err(Error::NotFound("calendar"));
    }
    let since = Utc::now() - Duration::days(30);
    let rows = store::in_communities_of(ctx.db(), account_id, since, Page { number: 1, limit: FEED_LIMIT }).await?;
    calendar(ctx, &format!("Events of {}", account.username), &rows.items)
}

#[cfg(test)]
mod fuzz;
