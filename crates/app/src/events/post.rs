//! An event as a read-only post, for readers that mix events with discussions (the Mastodon
//! API's statuses): the event, its community, and where to RSVP. Read through `load_event`,
//! the one access rule for an event, so a private community's event reaches members only.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{EventView, load_event, one_view};
use crate::views::CommunityView;
use crate::{AppContext, Result, Viewer};

/// An event with what a reader needs around it.
#[derive(Debug, Clone)]
pub struct EventPost {
    /// The event as the viewer sees it.
    pub event: EventView,
    /// Its community as the viewer sees it.
    pub community: CommunityView,
    /// The community's ActivityPub id when it lives on another server.
    pub community_ap_id: Option<String>,
    /// The event's ActivityPub id when it came from another server.
    pub ap_id: Option<String>,
    /// Its page here, where people RSVP.
    pub page_url: String,
    /// Its iCalendar file here ("add to calendar").
    pub ics_url: String,
    /// The time zone to show its times in: the viewer's when they chose one, else the event's.
    pub time_zone: String,
}

/// One event as a post, if the viewer may read it (else `NotFound`, never a hint).
pub async fn one(ctx: &AppContext, viewer: Option<&Viewer>, id: i64) -> Result<EventPost> {
    let (e, l) = load_event(ctx, viewer, id).await?;
    let event = one_view(ctx, viewer, &e).await?;
    let count = guildhall_store::communities::member_counts(ctx.db(), &[l.community.id])
        .await?
        .get(&l.community.id)
        .copied()
        .unwrap_or(0);
    let community = CommunityView::build(&l.community, count, l.access.role, l.access.can_read_content())?;
    let own_zone = match viewer {
        Some(v) => guildhall_store::accounts::find_by_id(ctx.db(), v.account_id).await?.and_then(|a| a.time_zone),
        None => None,
    };
    let base = ctx.instance().base_url();
    Ok(EventPost {
        community_ap_id: if l.community.domain.is_empty() { None } else { l.community.ap_id.clone() },
        community,
        ap_id: e.ap_id.clone(),
        page_url: format!("{base}/events/{}", e.id),
        ics_url: format!("{base}/events/{}/calendar.ics", e.id),
        time_zone: own_zone.filter(|z| z.parse::<Tz>().is_ok()).unwrap_or_else(|| event.timezone.clone()),
        event,
    })
}

/// "Tuesday 1 December 2026, 18:30 – 20:00 (Europe/Paris)": start and end as the wall clock
/// shows them in `tz` (UTC when unknown), the end's date repeated only when it differs.
pub fn when_text(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>, tz: &str) -> String {
    let (zone, name) = match tz.parse::<Tz>() {
        Ok(z) => (z, tz),
        Err(_) => (chrono_tz::UTC, "UTC"),
    };
    let (start, end) = (starts_at.with_timezone(&zone), ends_at.with_timezone(&zone));
    let day = "%A %-d %B %Y";
    let end_text = if start.date_naive() == end.date_naive() {
        end.format("%H:%M").to_string()
    } else {
        end.format(&format!("{day}, %H:%M")).to_string()
    };
    format!("{}, {} – {end_text} ({name})", start.format(day), start.format("%H:%M"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_show_in_the_zone_asked_for() {
        let s = Utc.with_ymd_and_hms(2026, 12, 1, 17, 30, 0).unwrap();
        let e = Utc.with_ymd_and_hms(2026, 12, 1, 19, 0, 0).unwrap();
        assert_eq!(when_text(s, e, "Europe/Paris"), "Tuesday 1 December 2026, 18:30 – 20:00 (Europe/Paris)");
        assert_eq!(when_text(s, e, "America/Toronto"), "Tuesday 1 December 2026, 12:30 – 14:00 (America/Toronto)");
        assert_eq!(when_text(s, e, "Not/AZone"), "Tuesday 1 December 2026, 17:30 – 19:00 (UTC)");
    }

    #[test]
    fn an_event_over_several_days_names_both_dates() {
        let s = Utc.with_ymd_and_hms(2026, 12, 1, 22, 0, 0).unwrap();
        let e = Utc.with_ymd_and_hms(2026, 12, 2, 1, 0, 0).unwrap();
        assert_eq!(when_text(s, e, "UTC"), "Tuesday 1 December 2026, 22:00 – Wednesday 2 December 2026, 01:00 (UTC)");
        // The same instants fall on one day in Toronto.
        assert_eq!(when_text(s, e, "America/Toronto"), "Tuesday 1 December 2026, 17:00 – 20:00 (America/Toronto)");
    }
}
