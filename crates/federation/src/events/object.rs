//! The `Event` object in Mobilizon's shape (FEP-8a8e): what we send for a local event, and
//! what we read from any server's `Event` (Guildhall's or Mobilizon's own).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use guildhall_app::AppContext;
use guildhall_app::events::remote::IncomingEvent;
use guildhall_domain::event::{EventStatus, JoinMode, ParticipantStatus};
use guildhall_store::entities::event;
use guildhall_store::events as store;
use serde_json::{Value, json};
use url::Url;

use crate::Error;
use crate::actors::{actor_id_of_account, actor_id_of_community};
use crate::objects::PUBLIC;
use crate::urls::Urls;

/// The JSON-LD context of event activities: ActivityStreams plus the terms Mobilizon uses.
pub fn context() -> Value {
    json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "mz": "https://joinmobilizon.org/ns#",
            "ical": "http://www.w3.org/2002/12/cal/ical#",
            "schema": "http://schema.org#",
            "joinMode": {"@id": "mz:joinMode", "@type": "mz:joinModeType"},
            "participantCount": {"@id": "mz:participantCount", "@type": "schema:Number"},
            "maximumAttendeeCapacity": "schema:maximumAttendeeCapacity",
            "remainingAttendeeCapacity": "schema:remainingAttendeeCapacity",
            "externalParticipationUrl": {"@id": "mz:externalParticipationUrl", "@type": "schema:URL"},
            "timezone": {"@id": "mz:timezone", "@type": "schema:Text"},
            "PostalAddress": "schema:PostalAddress",
            "address": {"@id": "schema:address", "@type": "@id"},
            "streetAddress": "schema:streetAddress",
            "VirtualLocation": "schema:VirtualLocation",
        }
    ])
}

/// The URL of a local event.
pub fn local_id(ctx: &AppContext, id: i64) -> Result<Url, Error> {
    Ok(Url::parse(&format!("{}/e/{id}", ctx.instance().base_url()))?)
}

/// The id of an event, local or remote.
pub fn id_of(ctx: &AppContext, e: &event::Model) -> Result<Url, Error> {
    match &e.ap_id {
        Some(id) => Ok(Url::parse(id)?),
        None => local_id(ctx, e.id),
    }
}

fn mode_name(m: JoinMode) -> &'static str {
    match m {
        JoinMode::Free => "free",
        JoinMode::Approval => "restricted",
        JoinMode::External => "external",
    }
}

fn ical_status(s: EventStatus) -> &'static str {
    match s {
        EventStatus::Confirmed => "CONFIRMED",
        EventStatus::Tentative => "TENTATIVE",
        EventStatus::Cancelled => "CANCELLED",
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A local event as `Event`. `content` starts with the time, place and link, so Mastodon
/// (which shows an Event as a post) tells its readers when and where.
pub async fn event_json(ctx: &AppContext, e: &event::Model) -> Result<Value, Error> {
    let urls = Urls::new(ctx);
    let c = crate::outgoing::community(ctx, e.community_id).await?;
    let organiser = crate::outgoing::account(ctx, e.organiser_id).await?;
    let id = id_of(ctx, e)?;
    let group = actor_id_of_community(&c, &urls);
    let tz = e.timezone.parse::<Tz>().unwrap_or(Tz::UTC);
    let (start, end) = (e.starts_at.with_timezone(&tz), e.ends_at.with_timezone(&tz));
    let status = EventStatus::parse(&e.status).unwrap_or(EventStatus::Confirmed);
    let mode = JoinMode::parse(&e.join_mode).unwrap_or(JoinMode::Free);
    let counts = store::counts(ctx.db(), &[e.id]).await?;
    let going = counts.get(&e.id).and_then(|m| m.get(ParticipantStatus::Going.as_str()).copied()).unwrap_or(0);
    let mut when = format!("{} – {} ({})", start.format("%a %-d %b %Y, %H:%M"), end.format("%H:%M"), tz.name());
    if end.date_naive() != start.date_naive() {
        when =
            format!("{} – {} ({})", start.format("%a %-d %b %Y, %H:%M"), end.format("%a %-d %b %Y, %H:%M"), tz.name());
    }
    let mut summary = String::new();
    if status == EventStatus::Cancelled {
        summary.push_str("<p><strong>Cancelled</strong></p>");
    }
    summary.push_str(&format!("<p>🗓 {}</p>", escape(&when)));
    let place: Vec<&str> =
        [e.place_name.as_str(), e.place_address.as_str()].into_iter().filter(|s| !s.is_empty()).collect();
    if !place.is_empty() {
        summary.push_str(&format!("<p>📍 {}</p>", escape(&place.join(", "))));
    }
    summary.push_str(&format!("<p><a href=\"{0}\">{0}</a></p>", escape(id.as_str())));
    let mut locations = Vec::new();
    if !place.is_empty() {
        locations.push(json!({
            "type": "Place",
            "name": if e.place_name.is_empty() { &e.place_address } else { &e.place_name },
            "address": {"type": "PostalAddress", "streetAddress": e.place_address},
        }));
    }
    if !e.online_url.is_empty() {
        locations.push(json!({"type": "VirtualLocation", "url": e.online_url}));
    }
    let mut v = json!({
        "id": id,
        "type": "Event",
        "url": id,
        "name": e.title,
        "content": format!("{summary}{}", e.description_html),
        "mediaType": "text/html",
        "source": {"content": e.description_source, "mediaType": "text/markdown"},
        "startTime": start.to_rfc3339(),
        "endTime": end.to_rfc3339(),
        "timezone": tz.name(),
        "joinMode": mode_name(mode),
        "participantCount": going,
        "ical:status": ical_status(status),
        "attributedTo": actor_id_of_account(&organiser, &urls),
        "audience": group,
        "to": [group.as_str(), PUBLIC],
        "cc": [urls.sub(&group, "followers")],
        "published": e.created_at,
        "updated": e.updated_at,
        "commentsEnabled": true,
        "anonymousParticipationEnabled": false,
        "draft": false,
    });
    match locations.len() {
        0 => {}
        1 => v["location"] = locations.remove(0),
        _ => v["location"] = Value::Array(locations),
    }
    if let Some(cap) = e.capacity {
        v["maximumAttendeeCapacity"] = json!(cap);
        v["remainingAttendeeCapacity"] = json!((cap - going).max(0));
    }
    if mode == JoinMode::External {
        v["externalParticipationUrl"] = json!(e.external_url);
    }
    Ok(v)
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn time(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    v.get(key).and_then(Value::as_str).and_then(|s| DateTime::parse_from_rfc3339(s).ok()).map(|t| t.with_timezone(&Utc))
}

fn address_line(a: &Value) -> String {
    match a {
        Value::String(s) => s.clone(),
        Value::Object(_) => ["streetAddress", "postalCode", "addressLocality", "addressRegion", "addressCountry"]
            .iter()
            .map(|k| text(a, k))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

/// Reads an `Event` from any server. `members_only` is whether it was not addressed to the
/// public.
pub fn incoming(v: &Value, members_only: bool) -> Result<IncomingEvent, Error> {
    let ap_id = text(v, "id");
    let starts_at = time(v, "startTime").ok_or_else(|| Error::BadRequest("Event without a valid startTime".into()))?;
    let (mut place_name, mut place_address, mut online_url) = (String::new(), String::new(), String::new());
    let locations: Vec<&Value> = match v.get("location") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(l @ Value::Object(_)) => vec![l],
        _ => vec![],
    };
    for l in locations {
        match l.get("type").and_then(Value::as_str) {
            Some("VirtualLocation") => online_url = text(l, "url"),
            _ => {
                place_name = text(l, "name");
                place_address = l.get("address").map(address_line).unwrap_or_default();
            }
        }
    }
    if online_url.is_empty() {
        // Mobilizon sends the online address as an attachment link named "Website".
        if let Some(Value::Array(att)) = v.get("attachment") {
            online_url = att
                .iter()
                .find(|a| text(a, "type") == "Link" && text(a, "name").eq_ignore_ascii_case("website"))
                .map(|a| text(a, "href"))
                .unwrap_or_default();
        }
    }
    let join_mode = match text(v, "joinMode").as_str() {
        "restricted" | "invite" => JoinMode::Approval,
        "external" => JoinMode::External,
        _ => JoinMode::Free,
    };
    let status_raw = v.get("ical:status").or_else(|| v.get("eventStatus")).and_then(Value::as_str).unwrap_or("");
    let status = match status_raw.to_ascii_uppercase().as_str() {
        "CANCELLED" | "HTTPS://SCHEMA.ORG/EVENTCANCELLED" => EventStatus::Cancelled,
        "TENTATIVE" => EventStatus::Tentative,
        _ => EventStatus::Confirmed,
    };
    let source = v
        .get("source")
        .filter(|s| text(s, "mediaType") == "text/markdown")
        .map(|s| text(s, "content"))
        .filter(|s| !s.is_empty());
    let url = match v.get("url") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(o)) => o.get("href").and_then(Value::as_str).map(str::to_owned),
        Some(Value::Array(a)) => a.iter().find_map(|x| match x {
            Value::String(s) => Some(s.clone()),
            o => o.get("href").and_then(Value::as_str).map(str::to_owned),
        }),
        _ => None,
    };
    Ok(IncomingEvent {
        ap_id,
        url,
        name: text(v, "name"),
        source,
        html: text(v, "content"),
        starts_at,
        ends_at: time(v, "endTime"),
        timezone: text(v, "timezone"),
        place_name,
        place_address,
        online_url,
        capacity: v.get("maximumAttendeeCapacity").and_then(Value::as_i64),
        join_mode,
        external_url: text(v, "externalParticipationUrl"),
        status,
        participant_count: v.get("participantCount").and_then(Value::as_i64),
        members_only,
        published: time(v, "published"),
    })
}
