//! The `Event` object in Mobilizon's shape (FEP-8a8e): what we send for a local event, and
//! what we read from any server's `Event` (Guildhall's or Mobilizon's own).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use guildhall_app::AppContext;
use guildhall_app::entities::event;
use guildhall_app::events::remote::IncomingEvent;
use guildhall_domain::event::{EventStatus, JoinMode, ParticipantStatus};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::Error;
use crate::actors::{actor_id_of_account, actor_id_of_community};
use crate::urls::Urls;
use crate::wire::Source;

/// The JSON-LD context of event activities, as written: ActivityStreams plus the terms
/// Mobilizon uses (a document, not an activity: kept as its text).
const EVENT_CONTEXT: &str = r##"[
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
        "VirtualLocation": "schema:VirtualLocation"
    }
]"##;

/// The JSON-LD context of event activities: ActivityStreams plus the terms Mobilizon uses.
pub fn context() -> Value {
    serde_json::from_str(EVENT_CONTEXT).expect("static JSON")
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
enum EventType {
    Event,
}

/// Where an event happens: a place (with its street address) or online.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(tag = "type")]
pub enum Location {
    /// A physical place.
    Place {
        /// Its name (or the address when it has none).
        #[serde(default)]
        name: String,
        /// Its address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<PostalAddress>,
    },
    /// An online meeting.
    VirtualLocation {
        /// Its link.
        #[serde(default)]
        url: String,
    },
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
enum PostalAddressType {
    PostalAddress,
}

/// A street address (schema.org).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostalAddress {
    #[serde(rename = "type")]
    kind: PostalAddressType,
    /// The street address as one line.
    #[serde(default)]
    pub street_address: String,
}

/// One location, or several (written as a list only when there are several).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Locations {
    /// One.
    One(Location),
    /// Several.
    Many(Vec<Location>),
}

/// A local event as we send and serve it: Mobilizon's `Event` (FEP-8a8e). Optional fields
/// are left out, never `null`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventObject {
    /// Id (`/e/{id}`).
    pub id: Url,
    #[serde(rename = "type")]
    kind: EventType,
    /// Its page.
    pub url: Url,
    /// Title.
    pub name: String,
    /// When, where and the link, then the description (HTML).
    pub content: String,
    /// `text/html`.
    pub media_type: String,
    /// The description's Markdown (always sent; Mobilizon sends none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Start, in the event's time zone (RFC 3339).
    pub start_time: String,
    /// End, in the event's time zone (RFC 3339).
    pub end_time: String,
    /// IANA time zone.
    pub timezone: String,
    /// `free`, `restricted` or `external`.
    pub join_mode: String,
    /// People going.
    pub participant_count: i64,
    /// `CONFIRMED`, `TENTATIVE` or `CANCELLED`.
    #[serde(rename = "ical:status")]
    pub ical_status: String,
    /// The organiser.
    pub attributed_to: Url,
    /// The community (FEP-1b12; always sent, Mobilizon sends none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Url>,
    /// The community and the public.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub to: Vec<Url>,
    /// The community's followers.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub cc: Vec<Url>,
    /// Created (always sent; not in every Mobilizon Update).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    /// Last changed (always sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    /// Replies are welcome.
    #[serde(default)]
    pub comments_enabled: bool,
    /// Mobilizon: no anonymous RSVPs.
    #[serde(default)]
    pub anonymous_participation_enabled: bool,
    /// Mobilizon: published.
    #[serde(default)]
    pub draft: bool,
    /// Where (absent when neither a place nor a link is known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Locations>,
    /// Places in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_attendee_capacity: Option<i64>,
    /// Places left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_attendee_capacity: Option<i64>,
    /// Where to sign up, for an event managed elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_participation_url: Option<String>,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
enum TombstoneType {
    Tombstone,
}

/// What a deleted event leaves: its id and former type.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tombstone {
    /// The event's id.
    pub id: Url,
    #[serde(rename = "type")]
    kind: TombstoneType,
    /// `Event`.
    pub former_type: String,
}

impl Tombstone {
    /// The tombstone of event `id`.
    pub fn of_event(id: Url) -> Self {
        Tombstone { id, kind: TombstoneType::Tombstone, former_type: "Event".into() }
    }
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
    let c = crate::plan::community(ctx, e.community_id).await?;
    let organiser = crate::plan::account(ctx, e.organiser_id).await?;
    let id = id_of(ctx, e)?;
    let group = actor_id_of_community(&c, &urls);
    let tz = e.timezone.parse::<Tz>().unwrap_or(Tz::UTC);
    let (start, end) = (e.starts_at.with_timezone(&tz), e.ends_at.with_timezone(&tz));
    let status = e.status;
    let mode = e.join_mode;
    let counts = guildhall_app::lookup::event_counts(ctx, &[e.id]).await?;
    let going = counts.get(&e.id).and_then(|m| m.get(&ParticipantStatus::Going).copied()).unwrap_or(0);
    let header = Header::new(
        status == EventStatus::Cancelled,
        (e.starts_at, e.ends_at, tz),
        (&e.place_name, &e.place_address),
        id.as_str(),
    );
    let summary = header.html();
    let markdown = format!("{}{}", header.markdown(), e.description_source);
    let mut locations = Vec::new();
    if !header.place.is_empty() {
        locations.push(Location::Place {
            name: if e.place_name.is_empty() { e.place_address.clone() } else { e.place_name.clone() },
            address: Some(PostalAddress {
                kind: PostalAddressType::PostalAddress,
                street_address: e.place_address.clone(),
            }),
        });
    }
    if !e.online_url.is_empty() {
        locations.push(Location::VirtualLocation { url: e.online_url.clone() });
    }
    let location = match locations.len() {
        0 => None,
        1 => Some(Locations::One(locations.remove(0))),
        _ => Some(Locations::Many(locations)),
    };
    let object = EventObject {
        id: id.clone(),
        kind: EventType::Event,
        url: id,
        name: e.title.clone(),
        content: format!("{summary}{}", e.description_html),
        media_type: "text/html".into(),
        source: Some(Source::markdown(markdown)),
        start_time: start.to_rfc3339(),
        end_time: end.to_rfc3339(),
        timezone: tz.name().to_owned(),
        join_mode: mode_name(mode).to_owned(),
        participant_count: going,
        ical_status: ical_status(status).to_owned(),
        attributed_to: actor_id_of_account(&organiser, &urls),
        audience: Some(group.clone()),
        to: vec![group.clone(), crate::wire::public()],
        cc: vec![urls.sub(&group, "followers")],
        published: Some(e.created_at),
        updated: Some(e.updated_at),
        comments_enabled: true,
        anonymous_participation_enabled: false,
        draft: false,
        location,
        maximum_attendee_capacity: e.capacity,
        remaining_attendee_capacity: e.capacity.map(|cap| (cap - going).max(0)),
        external_participation_url: (mode == JoinMode::External).then(|| e.external_url.clone()),
    };
    Ok(serde_json::to_value(object)?)
}

/// When an event happens, as shown to readers in its own time zone.
fn when_text(start: DateTime<Tz>, end: DateTime<Tz>, tz: Tz) -> String {
    if end.date_naive() != start.date_naive() {
        format!("{} – {} ({})", start.format("%a %-d %b %Y, %H:%M"), end.format("%a %-d %b %Y, %H:%M"), tz.name())
    } else {
        format!("{} – {} ({})", start.format("%a %-d %b %Y, %H:%M"), end.format("%H:%M"), tz.name())
    }
}

/// What goes before an event's description, in `content` (HTML: Mastodon shows it) and in the
/// Markdown `source` (Lemmy shows that): cancelled, when, where, the link. Built from the
/// event's own fields, so an incoming `source` that starts with exactly these lines (another
/// Guildhall's) has them removed again instead of repeated on every hop.
struct Header<'a> {
    cancelled: bool,
    when: String,
    place: String,
    link: &'a str,
}

impl<'a> Header<'a> {
    /// The header of an event: `(start, end, time zone)`, `(place name, address)`, its URL.
    fn new(
        cancelled: bool,
        (start, end, tz): (DateTime<Utc>, DateTime<Utc>, Tz),
        (name, address): (&str, &str),
        link: &'a str,
    ) -> Self {
        let place: Vec<&str> = [name, address].into_iter().filter(|s| !s.is_empty()).collect();
        Header {
            cancelled,
            when: when_text(start.with_timezone(&tz), end.with_timezone(&tz), tz),
            place: place.join(", "),
            link,
        }
    }

    fn html(&self) -> String {
        let mut s = String::new();
        if self.cancelled {
            s.push_str("<p><strong>Cancelled</strong></p>");
        }
        s.push_str(&format!("<p>🗓 {}</p>", escape(&self.when)));
        if !self.place.is_empty() {
            s.push_str(&format!("<p>📍 {}</p>", escape(&self.place)));
        }
        s.push_str(&format!("<p><a href=\"{0}\">{0}</a></p>", escape(self.link)));
        s
    }

    fn markdown(&self) -> String {
        let mut s = String::new();
        if self.cancelled {
            s.push_str("**Cancelled**\n\n");
        }
        s.push_str(&format!("🗓 {}\n\n", self.when));
        if !self.place.is_empty() {
            s.push_str(&format!("📍 {}\n\n", self.place));
        }
        s.push_str(&format!("<{}>\n\n", self.link));
        s
    }
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
    let mut source = v
        .get("source")
        .filter(|s| text(s, "mediaType") == "text/markdown")
        .map(|s| text(s, "content"))
        .filter(|s| !s.is_empty());
    if let (Some(src), Some(ends_at), Ok(tz)) = (&source, time(v, "endTime"), text(v, "timezone").parse::<Tz>()) {
        let header = Header::new(
            status == EventStatus::Cancelled,
            (starts_at, ends_at, tz),
            (&place_name, &place_address),
            &ap_id,
        )
        .markdown();
        if let Some(description) = src.strip_prefix(&header) {
            source = Some(description.to_owned()).filter(|s| !s.is_empty());
        }
    }
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

#[cfg(test)]
mod tests {
    use crate::wire::testing::u;
    use chrono::{TimeZone, Utc};
    use serde_json::{Value, json};

    use super::*;
    use crate::events::outgoing::{SentEventActivity, SentJoin, SentLeave};
    use crate::wire::PUBLIC;
    use crate::wire::testing::round_trip_all;

    /// The `Event` as `event_json` wrote it by hand, for the same values.
    fn golden(place: bool, online: bool, capacity: Option<i64>, external: bool) -> Value {
        let (id, group) = (u("https://a.example/e/1"), u("https://a.example/c/ux"));
        let t = Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap();
        let mut locations = Vec::new();
        if place {
            locations.push(json!({
                "type": "Place",
                "name": "Hall",
                "address": {"type": "PostalAddress", "streetAddress": "1 Main St"},
            }));
        }
        if online {
            locations.push(json!({"type": "VirtualLocation", "url": "https://meet.example/x"}));
        }
        let mut v = json!({
            "id": id,
            "type": "Event",
            "url": id,
            "name": "Meetup",
            "content": "<p>when</p><p>desc</p>",
            "mediaType": "text/html",
            "source": {"content": "desc", "mediaType": "text/markdown"},
            "startTime": "2030-01-02T04:04:05+01:00",
            "endTime": "2030-01-02T05:04:05+01:00",
            "timezone": "Europe/Paris",
            "joinMode": "free",
            "participantCount": 3,
            "ical:status": "CONFIRMED",
            "attributedTo": "https://a.example/u/ann",
            "audience": group,
            "to": [group.as_str(), PUBLIC],
            "cc": [format!("{group}/followers")],
            "published": t,
            "updated": t,
            "commentsEnabled": true,
            "anonymousParticipationEnabled": false,
            "draft": false,
        });
        match locations.len() {
            0 => {}
            1 => v["location"] = locations.remove(0),
            _ => v["location"] = Value::Array(locations),
        }
        if let Some(cap) = capacity {
            v["maximumAttendeeCapacity"] = json!(cap);
            v["remainingAttendeeCapacity"] = json!((cap - 3).max(0));
        }
        if external {
            v["externalParticipationUrl"] = json!("https://tickets.example/x");
        }
        v
    }

    fn ours(place: bool, online: bool, capacity: Option<i64>, external: bool) -> EventObject {
        let (id, group) = (u("https://a.example/e/1"), u("https://a.example/c/ux"));
        let t = Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap();
        let mut locations = Vec::new();
        if place {
            locations.push(Location::Place {
                name: "Hall".into(),
                address: Some(PostalAddress {
                    kind: PostalAddressType::PostalAddress,
                    street_address: "1 Main St".into(),
                }),
            });
        }
        if online {
            locations.push(Location::VirtualLocation { url: "https://meet.example/x".into() });
        }
        let location = match locations.len() {
            0 => None,
            1 => Some(Locations::One(locations.remove(0))),
            _ => Some(Locations::Many(locations)),
        };
        EventObject {
            id: id.clone(),
            kind: EventType::Event,
            url: id,
            name: "Meetup".into(),
            content: "<p>when</p><p>desc</p>".into(),
            media_type: "text/html".into(),
            source: Some(Source::markdown("desc")),
            start_time: "2030-01-02T04:04:05+01:00".into(),
            end_time: "2030-01-02T05:04:05+01:00".into(),
            timezone: "Europe/Paris".into(),
            join_mode: "free".into(),
            participant_count: 3,
            ical_status: "CONFIRMED".into(),
            attributed_to: u("https://a.example/u/ann"),
            audience: Some(group.clone()),
            to: vec![group.clone(), crate::wire::public()],
            cc: vec![u("https://a.example/c/ux/followers")],
            published: Some(t),
            updated: Some(t),
            comments_enabled: true,
            anonymous_participation_enabled: false,
            draft: false,
            location,
            maximum_attendee_capacity: capacity,
            remaining_attendee_capacity: capacity.map(|c| (c - 3).max(0)),
            external_participation_url: external.then(|| "https://tickets.example/x".to_owned()),
        }
    }

    #[test]
    fn an_event_is_written_as_before() {
        for (place, online, capacity, external) in [
            (false, false, None, false),
            (true, false, Some(10), false),
            (true, true, Some(2), true),
            (false, true, None, true),
        ] {
            let written = serde_json::to_value(ours(place, online, capacity, external)).unwrap();
            assert_eq!(written.to_string(), golden(place, online, capacity, external).to_string());
        }
        let context_golden = json!([
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
        ]);
        assert_eq!(context().to_string(), context_golden.to_string());
    }

    #[test]
    fn mobilizons_event_activities_round_trip() {
        assert_eq!(round_trip_all::<SentEventActivity<EventObject>>("create_event", &[]), 1);
        assert_eq!(round_trip_all::<SentEventActivity<EventObject>>("update_event_cancelled", &[]), 1);
        assert_eq!(round_trip_all::<SentJoin>("join", &[]), 1);
        assert_eq!(round_trip_all::<SentLeave>("leave", &[]), 1);
        // Finding: Mobilizon's Accept names the Join by id; ours embeds it (`SentAnswer`).
        assert_eq!(round_trip_all::<crate::events::outgoing::SentAnswer>("accept_join", &["mobilizon"]), 0);
    }

    #[test]
    fn the_markdown_source_carries_when_and_where_and_is_not_repeated_on_the_next_hop() {
        let mut v = golden(true, false, None, false);
        let tz: Tz = "Europe/Paris".parse().unwrap();
        let (start, end) = (time(&v, "startTime").unwrap(), time(&v, "endTime").unwrap());
        let when = when_text(start.with_timezone(&tz), end.with_timezone(&tz), tz);
        assert_eq!(when, "Wed 2 Jan 2030, 04:04 – 05:04 (Europe/Paris)");
        let link = "https://a.example/e/1";
        let header = Header::new(false, (start, end, tz), ("Hall", "1 Main St"), link).markdown();
        assert_eq!(
            header,
            "🗓 Wed 2 Jan 2030, 04:04 – 05:04 (Europe/Paris)\n\n📍 Hall, 1 Main St\n\n<https://a.example/e/1>\n\n"
        );
        v["source"]["content"] = format!("{header}desc").into();
        assert_eq!(incoming(&v, false).unwrap().source.as_deref(), Some("desc"), "our own header is removed");
        // Another server's Markdown that happens to differ is kept whole.
        v["source"]["content"] = "🗓 some other date\n\ndesc".into();
        assert_eq!(incoming(&v, false).unwrap().source.as_deref(), Some("🗓 some other date\n\ndesc"));
        let cancelled = Header::new(true, (start, end, tz), ("", ""), link).markdown();
        assert!(cancelled.starts_with("**Cancelled**\n\n🗓 ") && !cancelled.contains('📍'));
    }
}
