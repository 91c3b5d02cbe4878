//! Activities we accept in the inbox, one file per kind with its verify (no side effects) and
//! receive (through `guildhall_app` use cases) together.

pub mod announce;
pub mod create;
pub mod follow;
pub mod update_delete;
pub mod vote;

use activitypub_federation::config::Data;
use activitypub_federation::traits::Activity;
use guildhall_app::AppContext;
use guildhall_app::receipt::{Arrival, Receipt};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::Error;

pub use announce::Announce;
pub use create::Create;
pub use follow::{Accept, Follow, Reject, Undo};
pub use update_delete::{Delete, Update};
pub use vote::Vote;

/// Everything the inbox accepts; anything else is acknowledged and ignored.
#[derive(Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum InboxActivity {
    /// Guild links: Offer, Invite, Accept/Reject of them, Add/Remove (first: an Accept of an
    /// Offer must not be read as an Accept of a Follow).
    Guild(Box<crate::guilds::inbound::GuildActivity>),
    /// Event activities: Create/Update of an Event, Join, Leave, Accept/Reject of a Join.
    Event(Box<crate::events::inbound::EventActivity>),
    /// Follow a community.
    Follow(Follow),
    /// Undo a Follow.
    Undo(Undo),
    /// A community accepted our Follow.
    Accept(Accept),
    /// A community refused our Follow.
    Reject(Reject),
    /// A new Page or Note.
    Create(Box<Create>),
    /// A community relaying an activity (FEP-1b12), or a boost.
    Announce(Box<Announce>),
    /// Like or Dislike.
    Vote(Vote),
    /// An edit, or a community's pin/lock state.
    Update(Box<Update>),
    /// A deletion.
    Delete(Delete),
    /// A community's wiki page: `Create`/`Update{Article}`.
    Wiki(Box<crate::wiki::WikiActivity>),
    /// Any other activity: acknowledged (202) and ignored.
    Other(Other),
}

/// An activity of a type we do not act on (yet): Like, Dislike, Update, Delete, ...
#[derive(Debug, Deserialize, Serialize)]
pub struct Other {
    id: Url,
    actor: Url,
    #[serde(rename = "type")]
    kind: serde_json::Value,
}

#[async_trait::async_trait]
impl Activity for InboxActivity {
    type DataType = AppContext;
    type Error = Error;

    fn id(&self) -> &Url {
        match self {
            InboxActivity::Guild(a) => a.id(),
            InboxActivity::Event(a) => a.id(),
            InboxActivity::Follow(a) => a.id(),
            InboxActivity::Undo(a) => a.id(),
            InboxActivity::Accept(a) => a.id(),
            InboxActivity::Reject(a) => a.id(),
            InboxActivity::Create(a) => a.id(),
            InboxActivity::Announce(a) => a.id(),
            InboxActivity::Vote(a) => a.id(),
            InboxActivity::Update(a) => a.id(),
            InboxActivity::Delete(a) => a.id(),
            InboxActivity::Wiki(a) => a.id(),
            InboxActivity::Other(a) => &a.id,
        }
    }

    fn actor(&self) -> &Url {
        match self {
            InboxActivity::Guild(a) => a.actor(),
            InboxActivity::Event(a) => a.actor(),
            InboxActivity::Follow(a) => a.actor(),
            InboxActivity::Undo(a) => a.actor(),
            InboxActivity::Accept(a) => a.actor(),
            InboxActivity::Reject(a) => a.actor(),
            InboxActivity::Create(a) => a.actor(),
            InboxActivity::Announce(a) => a.actor(),
            InboxActivity::Vote(a) => a.actor(),
            InboxActivity::Update(a) => a.actor(),
            InboxActivity::Delete(a) => a.actor(),
            InboxActivity::Wiki(a) => a.actor(),
            InboxActivity::Other(a) => &a.actor,
        }
    }

    async fn verify(&self, data: &Data<AppContext>) -> Result<(), Error> {
        // An activity's id lives on its actor's server: no one speaks for another origin.
        crate::urls::require_same_origin(self.id(), self.actor(), "activity id")?;
        match self {
            InboxActivity::Guild(a) => a.verify(data).await,
            InboxActivity::Event(a) => a.verify(data).await,
            InboxActivity::Follow(a) => a.verify(data).await,
            InboxActivity::Undo(a) => a.verify(data).await,
            InboxActivity::Accept(a) => a.verify(data).await,
            InboxActivity::Reject(a) => a.verify(data).await,
            InboxActivity::Create(a) => a.verify(data).await,
            InboxActivity::Announce(a) => a.verify(data).await,
            InboxActivity::Vote(a) => a.verify(data).await,
            InboxActivity::Update(a) => a.verify(data).await,
            InboxActivity::Delete(a) => a.verify(data).await,
            InboxActivity::Wiki(a) => a.verify(data).await,
            InboxActivity::Other(_) => Ok(()),
        }
    }

    async fn receive(self, data: &Data<AppContext>) -> Result<(), Error> {
        let kind = kind_name(&self);
        let ctx = data.app_data();
        // The de-duplication record commits with the change the activity makes (see
        // `guildhall_app::receipt`): never "seen" without being applied.
        let receipt = Receipt::new(self.id().as_str(), &kind, self.actor().as_str(), serde_json::to_string(&self)?);
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

impl InboxActivity {
    async fn dispatch(self, data: &Data<AppContext>) -> Result<(), Error> {
        match self {
            InboxActivity::Guild(a) => (*a).receive(data).await,
            InboxActivity::Event(a) => (*a).receive(data).await,
            InboxActivity::Follow(a) => a.receive(data).await,
            InboxActivity::Undo(a) => a.receive_stored(data, Arrival::Direct).await,
            InboxActivity::Accept(a) => a.receive(data).await,
            InboxActivity::Reject(a) => a.receive(data).await,
            InboxActivity::Create(a) => (*a).receive_direct(data).await,
            InboxActivity::Announce(a) => (*a).receive(data).await,
            InboxActivity::Vote(a) => a.receive_stored(data, Arrival::Direct).await,
            InboxActivity::Update(a) => (*a).receive_stored(data, Arrival::Direct).await,
            InboxActivity::Delete(a) => a.receive_stored(data, Arrival::Direct).await,
            InboxActivity::Wiki(a) => (*a).receive(data).await,
            InboxActivity::Other(_) => Ok(()),
        }
    }
}

fn kind_name(a: &InboxActivity) -> String {
    match a {
        InboxActivity::Guild(a) => a.kind_name().into(),
        InboxActivity::Event(a) => a.kind_name().into(),
        InboxActivity::Follow(_) => "Follow".into(),
        InboxActivity::Undo(_) => "Undo".into(),
        InboxActivity::Accept(_) => "Accept".into(),
        InboxActivity::Reject(_) => "Reject".into(),
        InboxActivity::Create(_) => "Create".into(),
        InboxActivity::Announce(_) => "Announce".into(),
        InboxActivity::Vote(v) => format!("{:?}", v.kind),
        InboxActivity::Update(_) => "Update".into(),
        InboxActivity::Delete(_) => "Delete".into(),
        InboxActivity::Wiki(a) => a.kind_name().into(),
        InboxActivity::Other(o) => o.kind.as_str().unwrap_or("Unknown").chars().take(50).collect(),
    }
}

/// The id of an embedded object or a bare URL.
pub fn object_id(v: &serde_json::Value) -> Option<Url> {
    match v {
        serde_json::Value::String(s) => Url::parse(s).ok(),
        serde_json::Value::Object(o) => o.get("id").and_then(|i| i.as_str()).and_then(|s| Url::parse(s).ok()),
        _ => None,
    }
}
