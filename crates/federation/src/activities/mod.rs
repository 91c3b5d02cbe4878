//! Activities we accept in the inbox. Each kind lives in one module with its wire struct, its
//! verify (no side effects), its receive (through `guildhall_app` use cases) and its build
//! from the typed outgoing intent. The list below is the only place that names them all:
//! adding an activity is its module plus one line there.

pub mod announce;
pub mod block;
pub mod create;
pub mod flag;
pub mod follow;
pub mod moderation;
pub mod relay;
pub mod update_actor;
pub mod update_delete;
pub mod vote;

#[cfg(test)]
mod fuzz;

use std::future::Future;
use std::pin::Pin;

use activitypub_federation::config::Data;
use activitypub_federation::traits::Activity;
use guildhall_app::AppContext;
use guildhall_app::receipt::{Arrival, Receipt};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::Error;
use crate::events::inbound::EventActivity;
use crate::guilds::inbound::GuildActivity;
use crate::wiki::WikiActivity;

pub use create::Create;
pub use follow::{Accept, Follow, Reject, Undo};
pub use relay::Announce;
pub use update_actor::UpdateActor;
pub use update_delete::{Delete, Update};
pub use vote::Vote;

/// Declares [`InboxActivity`] from one list of `Variant(Type) => |activity, data| receive`:
/// the enum (serde tries the variants in order), its id, actor, verify and dispatch.
macro_rules! inbox_activities {
    ($( $(#[$doc:meta])* $variant:ident($ty:ty) => |$a:ident, $data:ident| $receive:expr, )+) => {
        /// Everything the inbox accepts. An activity of a type no variant reads is `Other`
        /// (acknowledged and ignored); one of a type we read in a shape no variant reads is
        /// refused as unsupported or malformed (see [`ACTED_ON`]).
        #[derive(Debug, Serialize)]
        #[serde(untagged)]
        pub enum InboxActivity {
            $( $(#[$doc])* $variant($ty), )+
            /// Any other activity: acknowledged (202) and ignored.
            Other(Other),
        }

        impl<'de> Deserialize<'de> for InboxActivity {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use serde::de::Error as _;
                let value = serde_json::Value::deserialize(d)?;
                // serde reads a struct from an array too (fields by position): an activity is
                // an object (found by activities::fuzz: `[id, actor]` was an `Other`).
                if !value.is_object() {
                    return Err(D::Error::custom("an activity is a JSON object"));
                }
                let kind = value.get("type").and_then(|t| t.as_str()).unwrap_or_default();
                if ACTED_ON.contains(&kind) {
                    $( if let Ok(a) = <$ty>::deserialize(&value) { return Ok(InboxActivity::$variant(a)); } )+
                    if !deliberately_ignored(&value) {
                        return Err(D::Error::custom(unreadable(&value)));
                    }
                }
                Other::deserialize(&value).map(InboxActivity::Other).map_err(D::Error::custom)
            }
        }

        impl InboxActivity {
            fn activity_id(&self) -> &Url {
                match self {
                    $( InboxActivity::$variant(a) => a.id(), )+
                    InboxActivity::Other(a) => &a.id,
                }
            }

            fn activity_actor(&self) -> &Url {
                match self {
                    $( InboxActivity::$variant(a) => a.actor(), )+
                    InboxActivity::Other(a) => &a.actor,
                }
            }

            async fn verify_kind(&self, data: &Data<AppContext>) -> Result<(), Error> {
                match self {
                    $( InboxActivity::$variant(a) => a.verify(data).await, )+
                    InboxActivity::Other(_) => Ok(()),
                }
            }

            async fn dispatch(self, data: &Data<AppContext>) -> Result<(), Error> {
                match self {
                    $( InboxActivity::$variant($a) => { let $data = data; $receive.await } )+
                    InboxActivity::Other(a) => {
                        crate::tally::ignored(format!("{} is not acted on here", a.describe()));
                        Ok(())
                    }
                }
            }
        }
    };
}

/// The activity types some variant of [`InboxActivity`] reads. An activity of one of these
/// types that no variant reads is unsupported or malformed (400), unless it is a shape we
/// deliberately ignore; any other type is acknowledged and ignored (202).
pub const ACTED_ON: &[&str] = &[
    "Accept", "Add", "Announce", "Create", "Delete", "Dislike", "Flag", "Follow", "Ignore", "Invite", "Join", "Leave",
    "Like", "Offer", "Reject", "Remove", "Undo", "Update",
];

/// Actor types: an `Update` of one (a profile change) is ignored; the actor is re-read when
/// it is next fetched.
const ACTOR_TYPES: &[&str] = &["Person", "Service", "Application", "Group", "Organization"];

/// Shapes of acted-on types that are deliberately not acted on (documented in
/// docs/federation.md): profile updates.
fn deliberately_ignored(v: &serde_json::Value) -> bool {
    let kind = v.get("type").and_then(|t| t.as_str());
    let object_kind = v.get("object").and_then(|o| o.get("type")).and_then(|t| t.as_str());
    matches!((kind, object_kind), (Some("Update"), Some(o)) if ACTOR_TYPES.contains(&o))
}

/// Why an activity of an acted-on type could not be read: its object's type is not one we
/// read, or its shape is wrong.
fn unreadable(v: &serde_json::Value) -> String {
    let kind = v.get("type").and_then(|t| t.as_str()).unwrap_or_default();
    let object_kind = v.get("object").and_then(|o| o.get("type")).and_then(|t| t.as_str());
    match object_kind {
        Some(o) => format!("unsupported or malformed: {kind} of {o} is not a shape this instance reads"),
        None => format!("unsupported or malformed: this {kind} is not a shape this instance reads"),
    }
}

inbox_activities! {
    /// Guild links: Offer, Invite, Accept/Reject of them, Add/Remove (first: an Accept of an
    /// Offer must not be read as an Accept of a Follow).
    Guild(Box<GuildActivity>) => |a, data| (*a).receive(data),
    /// Event activities: Create/Update of an Event, Join, Leave, Accept/Reject of a Join.
    Event(Box<EventActivity>) => |a, data| (*a).receive(data),
    /// A community's wiki page: `Create`/`Update{Article}` (before `Create` and `Update`,
    /// which take any other `Article` as a discussion).
    Wiki(Box<WikiActivity>) => |a, data| (*a).receive(data),
    /// Follow a community.
    Follow(Follow) => |a, data| a.receive(data),
    /// Undo a Follow, a vote or a ban.
    Undo(Undo) => |a, data| a.receive_stored(data, Arrival::Direct),
    /// A community accepted our Follow (or an edit we offered).
    Accept(Accept) => |a, data| a.receive(data),
    /// A community refused our Follow (or an edit we offered).
    Reject(Reject) => |a, data| a.receive(data),
    /// A new Page, Article or Note.
    Create(Box<Create>) => |a, data| (*a).receive_direct(data),
    /// A community relaying an activity (FEP-1b12), or a boost.
    Announce(Box<Announce>) => |a, data| (*a).receive_relaying(data, relay),
    /// Like or Dislike.
    Vote(Vote) => |a, data| a.receive_stored(data, Arrival::Direct),
    /// An edit, or a community's pin/lock state.
    Update(Box<Update>) => |a, data| (*a).receive_stored(data, Arrival::Direct),
    /// An actor's new profile or key (only taken straight from the actor, never relayed).
    UpdateActor(Box<UpdateActor>) => |a, data| (*a).receive_direct(data),
    /// A deletion.
    Delete(Delete) => |a, data| a.receive_stored(data, Arrival::Direct),
    /// A report, from any actor type.
    Flag(Box<flag::Flag>) => |a, data| (*a).receive_report(data),
}

/// An activity of a type we do not act on (yet): acknowledged and ignored.
#[derive(Debug, Deserialize, Serialize)]
pub struct Other {
    id: Url,
    actor: Url,
    #[serde(rename = "type")]
    kind: serde_json::Value,
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    object: serde_json::Value,
}

impl Other {
    /// `Type` or `Type{ObjectType}`, for the reason admins see.
    fn describe(&self) -> String {
        let kind = self.kind.as_str().unwrap_or("an activity");
        match self.object.get("type").and_then(|t| t.as_str()) {
            Some(o) => format!("{kind}{{{o}}}"),
            None => kind.to_owned(),
        }
    }
}

#[async_trait::async_trait]
impl Activity for InboxActivity {
    type DataType = AppContext;
    type Error = Error;

    fn id(&self) -> &Url {
        self.activity_id()
    }

    fn actor(&self) -> &Url {
        self.activity_actor()
    }

    async fn verify(&self, data: &Data<AppContext>) -> Result<(), Error> {
        // An activity's id lives on its actor's server: no one speaks for another origin.
        crate::urls::require_same_origin(self.id(), self.actor(), "activity id")?;
        self.verify_kind(data).await.map_err(Error::after_signature)
    }

    async fn receive(self, data: &Data<AppContext>) -> Result<(), Error> {
        self.receive_once(data).await.map_err(Error::after_signature)
    }
}

impl InboxActivity {
    /// Whether this is the `Delete` of `id` (an actor deleting itself).
    pub fn deletes(&self, id: &Url) -> bool {
        matches!(self, InboxActivity::Delete(d) if crate::wire::object_id(&d.object).as_ref() == Some(id))
    }

    /// Applies the activity once (de-duplicated by id).
    async fn receive_once(self, data: &Data<AppContext>) -> Result<(), Error> {
        // Kept as received (FEP-1b12: a community relays the activity as it came), so fields
        // we do not read reach the community's followers too.
        let json = match received_json(self.id()) {
            Some(raw) => raw,
            None => serde_json::to_value(&self)?,
        };
        let kind = kind_name(&json);
        let ctx = data.app_data();
        // The de-duplication record commits with the change the activity makes (see
        // `guildhall_app::receipt`): never "seen" without being applied.
        let receipt = Receipt::new(self.id().as_str(), &kind, self.actor().as_str(), json.to_string());
        if receipt.seen(ctx).await? {
            tracing::debug!(activity = %self.id(), "duplicate activity ignored");
            return Ok(());
        }
        tracing::info!(activity = %self.id(), actor = %self.actor(), kind = %kind, "activity received");
        let id = self.id().clone();
        // A refused activity is not "seen": the sender may fix the cause (join, then post) and
        // send the same activity again.
        if receipt.apply(ctx, self.dispatch(data)).await?.is_none() {
            tracing::debug!(activity = %id, "duplicate activity ignored (applied meanwhile)");
        }
        Ok(())
    }
}

tokio::task_local! {
    /// The JSON of the activity being received, as its sender wrote it.
    static RECEIVED: serde_json::Value;
}

/// Runs `receive` (the receipt of `raw`, an activity as received, at most the inbox's size
/// limit) so that the activity is recorded, and later relayed, exactly as it came.
pub(crate) async fn as_received<F: Future>(raw: serde_json::Value, receive: F) -> F::Output {
    RECEIVED.scope(raw, receive).await
}

/// The activity `id` as received, if [`as_received`] holds it (not an activity inside it).
fn received_json(id: &Url) -> Option<serde_json::Value> {
    RECEIVED.try_with(|raw| (crate::wire::object_id(raw).as_ref() == Some(id)).then(|| raw.clone())).ok().flatten()
}

/// The activity's `type`, as recorded (at most 50 characters).
fn kind_name(json: &serde_json::Value) -> String {
    json.get("type").and_then(|t| t.as_str()).unwrap_or("Unknown").chars().take(50).collect()
}

/// Receives an activity a community relayed inside an `Announce` as any other: verified, then
/// applied once. Follows, nested Announces and actor updates are not relayed; they are ignored.
fn relay(
    json: serde_json::Value,
    data: &Data<AppContext>,
) -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send + '_>> {
    Box::pin(async move {
        let inner: InboxActivity = serde_json::from_value(json.clone())?;
        // An actor's profile and key are taken from the actor itself only.
        if matches!(inner, InboxActivity::Announce(_) | InboxActivity::Follow(_) | InboxActivity::UpdateActor(_)) {
            crate::tally::ignored("a relayed Follow, Announce or actor Update is not acted on");
            return Ok(());
        }
        inner.verify(data).await?;
        as_received(json, inner.receive(data)).await
    })
}
