//! Event activities in the inbox: an `Event` published (`Create`/`Update`, directly by a
//! community we follow or relayed in its `Announce`), `Join`/`Leave` of a local event by a
//! remote member, and the `Accept`/`Reject` of our members' `Join`.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::{JoinType, LeaveType};
use activitypub_federation::protocol::helpers::deserialize_one_or_many;
use guildhall_app::AppContext;
use guildhall_app::events::remote;
use serde::{Deserialize, Deserializer, Serialize, de::Error as _};
use serde_json::Value;
use url::Url;

use crate::Error;
use crate::actors::{DbGroup, DbPerson};
use crate::urls::{is_local, local_number, require_same_origin, same_origin};
use crate::wire::object_id;

/// A JSON object whose `type` is `T::NAME` (so the inbox's untagged parsing picks the right
/// activity).
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct Typed<T: Named>(pub Value, #[serde(skip)] std::marker::PhantomData<T>);

/// A type name to require.
pub trait Named {
    /// The `type`.
    const NAME: &'static str;
}

/// `Event`.
#[derive(Debug, Clone)]
pub struct EventName;
impl Named for EventName {
    const NAME: &'static str = "Event";
}

/// `Join`.
#[derive(Debug, Clone)]
pub struct JoinName;
impl Named for JoinName {
    const NAME: &'static str = "Join";
}

impl<'de, T: Named> Deserialize<'de> for Typed<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        if v.get("type").and_then(Value::as_str) == Some(T::NAME) {
            Ok(Typed(v, std::marker::PhantomData))
        } else {
            Err(D::Error::custom(format!("not a {}", T::NAME)))
        }
    }
}

/// `Create` or `Update`.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
pub enum PublishKind {
    /// A new event.
    Create,
    /// A changed (or cancelled) event.
    Update,
}

/// `Accept`, `Reject` or `Ignore` (Mobilizon: the event takes no RSVPs; refused all the same).
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
pub enum AnswerKind {
    /// Going.
    Accept,
    /// Refused.
    Reject,
    /// RSVPs closed: refused.
    Ignore,
}

/// The event activities the inbox accepts.
#[derive(Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum EventActivity {
    /// `Create{Event}` / `Update{Event}`.
    Publish {
        /// Activity id.
        id: Url,
        /// Create or Update.
        #[serde(rename = "type")]
        kind: PublishKind,
        /// Who sends it.
        actor: Url,
        /// The Event.
        object: Typed<EventName>,
        /// The community, when named.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        audience: Option<Url>,
    },
    /// `Join` of an event.
    Join {
        /// Activity id.
        id: Url,
        /// `Join`.
        #[serde(rename = "type")]
        kind: JoinType,
        /// Who joins.
        actor: Url,
        /// The event (id or embedded).
        object: Value,
    },
    /// `Leave` of an event.
    Leave {
        /// Activity id.
        id: Url,
        /// `Leave`.
        #[serde(rename = "type")]
        kind: LeaveType,
        /// Who leaves.
        actor: Url,
        /// The event (id or embedded).
        object: Value,
    },
    /// `Accept{Join}` / `Reject{Join}` / `Ignore{Join}` of our member's RSVP.
    Answer {
        /// Activity id.
        id: Url,
        /// Accept, Reject or Ignore.
        #[serde(rename = "type")]
        kind: AnswerKind,
        /// The event's community or organiser.
        actor: Url,
        /// The Join, embedded.
        object: Typed<JoinName>,
        #[serde(default, deserialize_with = "deserialize_one_or_many", skip_serializing)]
        to: Vec<Url>,
    },
}

impl EventActivity {
    /// The activity's type, for logs and the stored activity.
    pub fn kind_name(&self) -> &'static str {
        match self {
            EventActivity::Publish { kind: PublishKind::Create, .. } => "Create",
            EventActivity::Publish { kind: PublishKind::Update, .. } => "Update",
            EventActivity::Join { .. } => "Join",
            EventActivity::Leave { .. } => "Leave",
            EventActivity::Answer { kind: AnswerKind::Accept, .. } => "Accept",
            EventActivity::Answer { kind: AnswerKind::Reject, .. } => "Reject",
            EventActivity::Answer { kind: AnswerKind::Ignore, .. } => "Ignore",
        }
    }

    /// The activity id.
    pub fn id(&self) -> &Url {
        match self {
            EventActivity::Publish { id, .. }
            | EventActivity::Join { id, .. }
            | EventActivity::Leave { id, .. }
            | EventActivity::Answer { id, .. } => id,
        }
    }

    /// The actor.
    pub fn actor(&self) -> &Url {
        match self {
            EventActivity::Publish { actor, .. }
            | EventActivity::Join { actor, .. }
            | EventActivity::Leave { actor, .. }
            | EventActivity::Answer { actor, .. } => actor,
        }
    }

    /// Checks without side effects.
    pub async fn verify(&self, _data: &Data<AppContext>) -> Result<(), Error> {
        match self {
            EventActivity::Publish { object, .. } => {
                object_id(&object.0).ok_or_else(|| Error::BadRequest("Event without id".into())).map(|_| ())
            }
            EventActivity::Join { object, .. } | EventActivity::Leave { object, .. } => {
                object_id(object).ok_or_else(|| Error::BadRequest("no event named".into())).map(|_| ())
            }
            EventActivity::Answer { object, .. } => {
                object_id(&object.0).ok_or_else(|| Error::BadRequest("Join without id".into())).map(|_| ())
            }
        }
    }

    /// Applies the activity through the app's event use cases.
    pub async fn receive(self, data: &Data<AppContext>) -> Result<(), Error> {
        let ctx = data.app_data();
        match self {
            EventActivity::Publish { actor, object, audience, .. } => {
                let group = match local_group(&actor, data).await {
                    Some(g) => g,
                    None => {
                        let named = audience.or_else(|| object.0.get("audience").and_then(object_id));
                        let g = match named {
                            Some(a) => local_group(&a, data).await,
                            None => None,
                        };
                        g.ok_or_else(|| Error::BadRequest("an Event must name a community we follow".into()))?
                    }
                };
                let by_group = actor == group.id;
                if !by_group && !guildhall_domain::visibility::accepted_from_third_party(group.model.visibility) {
                    // A private community's content comes from the community itself only.
                    tracing::warn!(actor = %actor, community = %group.id, "event for a private community not sent by it; refused");
                    return Err(Error::BadRequest("only a private community may publish its events".into()));
                }
                publish(object.0, Some(&actor), &group, data).await
            }
            EventActivity::Join { id, actor, object, .. } => {
                let e = local_event_of(&object, data).await?;
                let person = ObjectId::<DbPerson>::from(actor).dereference(data).await?;
                remote::remote_join(ctx, &e, &person.model, id.as_str()).await?;
                Ok(())
            }
            EventActivity::Leave { actor, object, .. } => {
                let e = local_event_of(&object, data).await?;
                let person = ObjectId::<DbPerson>::from(actor).dereference(data).await?;
                remote::remote_leave(ctx, &e, &person.model).await?;
                Ok(())
            }
            EventActivity::Answer { kind, actor, object, .. } => {
                let join = object_id(&object.0).ok_or_else(|| Error::BadRequest("Join without id".into()))?;
                if !is_local(data, &join) {
                    return Ok(());
                }
                remote::join_answered(ctx, join.as_str(), actor.as_str(), kind == AnswerKind::Accept).await?;
                Ok(())
            }
        }
    }
}

/// An `Accept`/`Reject` naming one of our members' `Join`s by id (Mobilizon's shape): applied
/// and `true`, or `false` when `id` is not a Join of ours.
pub(crate) async fn join_answered_by_id(
    id: &Url,
    actor: &Url,
    data: &Data<AppContext>,
    accepted: bool,
) -> Result<bool, Error> {
    let ctx = data.app_data();
    if guildhall_app::lookup::participant_by_join(ctx, id.as_str()).await?.is_none() {
        return Ok(false);
    }
    remote::join_answered(ctx, id.as_str(), actor.as_str(), accepted).await?;
    Ok(true)
}

async fn local_group(url: &Url, data: &Data<AppContext>) -> Option<DbGroup> {
    ObjectId::<DbGroup>::from(url.clone()).dereference_local(data).await.ok()
}

async fn local_event_of(
    object: &Value,
    data: &Data<AppContext>,
) -> Result<guildhall_app::entities::event::Model, Error> {
    let id = object_id(object).ok_or_else(|| Error::BadRequest("no event named".into()))?;
    if !is_local(data, &id) {
        return Err(Error::NotFound);
    }
    let n = local_number(&id, "/e/").ok_or(Error::NotFound)?;
    Ok(remote::local_event(data.app_data(), n).await?)
}

/// Stores an `Event` published by (or relayed from) a remote community. What the community's
/// own server says is taken as sent; an event from elsewhere is fetched from its origin.
pub(crate) async fn publish(
    mut event: Value,
    sender: Option<&Url>,
    group: &DbGroup,
    data: &Data<AppContext>,
) -> Result<(), Error> {
    let id = object_id(&event).ok_or_else(|| Error::BadRequest("Event without id".into()))?;
    if is_local(data, &id) {
        return Ok(()); // our own event coming back
    }
    if group.model.domain.is_empty() {
        return Err(Error::BadRequest("events of communities here are created here".into()));
    }
    let private = guildhall_domain::visibility::community_relay_is_authority(group.model.visibility, false);
    let embedded_ok = event.is_object() && event.get("startTime").is_some();
    if (!same_origin(&id, &group.id) && !private) || !embedded_ok {
        event = fetch_object_http::<AppContext, Value>(&id, data).await?.object;
    }
    require_same_origin(&id, &Url::parse(event.get("id").and_then(Value::as_str).unwrap_or(""))?, "event id")?;
    let members_only = !crate::addressing::addressed_to_public(&event);
    let incoming = super::object::incoming(&event, members_only)?;
    // The organiser: Mobilizon's `actor`, else `attributedTo` (when a person), else the sender.
    let mut organiser = None;
    for candidate in
        [event.get("actor").and_then(object_id), event.get("attributedTo").and_then(object_id), sender.cloned()]
            .into_iter()
            .flatten()
    {
        if candidate == group.id {
            continue;
        }
        if let Ok(p) = ObjectId::<DbPerson>::from(candidate).dereference(data).await {
            organiser = Some(p);
            break;
        }
    }
    let organiser = organiser.ok_or_else(|| Error::BadRequest("an Event needs a person as organiser".into()))?;
    remote::receive_event(data.app_data(), &group.model, &organiser.model, incoming).await?;
    Ok(())
}

/// An event activity relayed in a community's `Announce`: `Some` when it was about an event.
pub(crate) async fn announced(object: &Value, group: &DbGroup, data: &Data<AppContext>) -> Option<Result<(), Error>> {
    let kind = object.get("type").and_then(Value::as_str).unwrap_or_default();
    let inner = object.get("object");
    let inner_kind = inner.and_then(|o| o.get("type")).and_then(Value::as_str).unwrap_or_default();
    let sender = object.get("actor").and_then(object_id);
    match (kind, inner_kind) {
        ("Event", _) => Some(publish(object.clone(), None, group, data).await),
        ("Create" | "Update", "Event") => Some(publish(inner?.clone(), sender.as_ref(), group, data).await),
        ("Delete", _) => {
            let id = inner.and_then(object_id)?;
            let ctx = data.app_data();
            match guildhall_app::lookup::event_by_ap_id(ctx, id.as_str()).await {
                Ok(Some(_)) => Some(
                    remote::remote_event_deleted(ctx, &group.model, id.as_str()).await.map(|_| ()).map_err(Into::into),
                ),
                Ok(None) => None,
                Err(e) => Some(Err(e.into())),
            }
        }
        _ => None,
    }
}
