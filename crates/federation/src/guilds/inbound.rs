//! Guild activities in the inbox. Each names a guild and a community; whoever sends it must
//! be one of the two (its signature proves which), and the other must be ours for anything to
//! change here, except the `Add`/`Remove` news a guild we follow sends its followers.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use guildhall_app::AppContext;
use guildhall_app::entities::community;
use guildhall_app::guilds::links;
use serde::{Deserialize, Deserializer, Serialize, de::Error as _};
use serde_json::Value;
use url::Url;

use crate::Error;
use crate::actors::DbGroup;
use crate::urls::is_local;
use crate::wire::object_id;

/// `Offer` or `Invite`.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
pub enum AskKind {
    /// A community offers itself to a guild.
    Offer,
    /// A guild invites a community.
    Invite,
}

/// `Accept` or `Reject`.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
pub enum AnswerKind {
    /// Yes.
    Accept,
    /// No.
    Reject,
}

/// `Add` or `Remove`.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
pub enum ChangeKind {
    /// A community joined a guild.
    Add,
    /// A community left a guild.
    Remove,
}

/// An embedded `Offer` or `Invite` (so an `Accept{Follow}` never parses as a guild answer).
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct Ask(pub Value);

impl<'de> Deserialize<'de> for Ask {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        match v.get("type").and_then(Value::as_str) {
            Some("Offer" | "Invite") => Ok(Ask(v)),
            _ => Err(D::Error::custom("not an Offer or Invite")),
        }
    }
}

/// The guild activities the inbox accepts.
#[derive(Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum GuildActivity {
    /// `Offer` (community → guild) or `Invite` (guild → community).
    Ask {
        /// Activity id.
        id: Url,
        /// Offer or Invite.
        #[serde(rename = "type")]
        kind: AskKind,
        /// Who asks.
        actor: Url,
        /// The asker itself.
        object: Value,
        /// The other side.
        target: Value,
    },
    /// `Accept`/`Reject` of an `Offer` or `Invite`.
    Answer {
        /// Activity id.
        id: Url,
        /// Accept or Reject.
        #[serde(rename = "type")]
        kind: AnswerKind,
        /// Who answers.
        actor: Url,
        /// The ask, embedded.
        object: Ask,
    },
    /// `Add`/`Remove` of a community to/from a guild (Mastodon's pinned-post `Add`/`Remove`
    /// also parse here and are ignored).
    Change {
        /// Activity id.
        id: Url,
        /// Add or Remove.
        #[serde(rename = "type")]
        kind: ChangeKind,
        /// The guild, or the community leaving.
        actor: Url,
        /// The community.
        object: Value,
        /// The guild.
        #[serde(default)]
        target: Value,
    },
}

fn url_of(v: &Value, what: &str) -> Result<Url, Error> {
    object_id(v).ok_or_else(|| Error::BadRequest(format!("{what} is not an id")))
}

/// A local community or guild by id.
async fn local(id: &Url, data: &Data<AppContext>) -> Result<Option<community::Model>, Error> {
    if !is_local(data, id) {
        return Ok(None);
    }
    Ok(ObjectId::<DbGroup>::from(id.clone()).dereference_local(data).await.ok().map(|g| g.model))
}

/// A remote community or guild by id, fetched if new.
async fn remote(id: &Url, data: &Data<AppContext>) -> Result<community::Model, Error> {
    Ok(ObjectId::<DbGroup>::from(id.clone()).dereference(data).await?.model)
}

impl GuildActivity {
    /// The activity id.
    pub fn id(&self) -> &Url {
        match self {
            GuildActivity::Ask { id, .. } | GuildActivity::Answer { id, .. } | GuildActivity::Change { id, .. } => id,
        }
    }

    /// The actor.
    pub fn actor(&self) -> &Url {
        match self {
            GuildActivity::Ask { actor, .. }
            | GuildActivity::Answer { actor, .. }
            | GuildActivity::Change { actor, .. } => actor,
        }
    }

    /// Checks without side effects: an asker offers or invites as itself.
    pub async fn verify(&self, _data: &Data<AppContext>) -> Result<(), Error> {
        match self {
            GuildActivity::Ask { actor, object, target, .. } => {
                if url_of(object, "object")? != *actor {
                    return Err(Error::BadRequest("an Offer or Invite is made by its object itself".into()));
                }
                url_of(target, "target").map(|_| ())
            }
            GuildActivity::Answer { object, .. } => {
                url_of(object.0.get("actor").unwrap_or(&Value::Null), "the answered actor")?;
                url_of(object.0.get("target").unwrap_or(&Value::Null), "the answered target").map(|_| ())
            }
            GuildActivity::Change { .. } => Ok(()),
        }
    }

    /// Applies the activity through the app's guild use cases.
    pub async fn receive(self, data: &Data<AppContext>) -> Result<(), Error> {
        let ctx = data.app_data();
        match self {
            GuildActivity::Ask { id, kind, actor, target, .. } => {
                let target = url_of(&target, "target")?;
                let Some(ours) = local(&target, data).await? else {
                    return Err(Error::NotFound);
                };
                let theirs = remote(&actor, data).await?;
                let state = match kind {
                    AskKind::Offer => {
                        links::receive_ask(ctx, &ours, &theirs, links::Side::Community, id.as_str()).await?
                    }
                    AskKind::Invite => links::receive_ask(ctx, &theirs, &ours, links::Side::Guild, id.as_str()).await?,
                };
                tracing::info!(activity = %id, actor = %actor, domain = %crate::urls::authority(&actor), state = ?state, "guild link asked");
                if kind == AskKind::Offer && state == guildhall_domain::guild::LinkState::Active {
                    super::refresh_contacts_of(data, &ours, &theirs).await;
                }
                Ok(())
            }
            GuildActivity::Answer { id, kind, actor, object } => {
                let asker = url_of(object.0.get("actor").unwrap_or(&Value::Null), "the answered actor")?;
                let asked = url_of(object.0.get("target").unwrap_or(&Value::Null), "the answered target")?;
                // Only the asked side answers, and only asks made by our side matter.
                if asked != actor {
                    return Err(Error::BadRequest("only the asked side may answer".into()));
                }
                let Some(ours) = local(&asker, data).await? else { return Ok(()) };
                let theirs = remote(&actor, data).await?;
                let from_guild = object.0.get("type").and_then(Value::as_str) == Some("Offer");
                let (guild, community) = if from_guild { (&theirs, &ours) } else { (&ours, &theirs) };
                let changed = match kind {
                    AnswerKind::Accept => links::receive_acceptance(ctx, guild, community, from_guild).await?,
                    AnswerKind::Reject => links::receive_end(ctx, guild, community, from_guild).await?,
                };
                tracing::info!(activity = %id, actor = %actor, domain = %crate::urls::authority(&actor), changed, "guild link answered");
                if changed && kind == AnswerKind::Accept && !from_guild {
                    super::refresh_contacts_of(data, guild, community).await;
                }
                Ok(())
            }
            GuildActivity::Change { id, kind, actor, object, target } => {
                let (Some(object), Some(target)) = (object_id(&object), object_id(&target)) else { return Ok(()) };
                // Only a guild (for news or removals) or the leaving community itself speaks.
                if actor != target && actor != object {
                    return Ok(());
                }
                let Ok(guild) = ObjectId::<DbGroup>::from(target.clone()).dereference(data).await.map(|g| g.model)
                else {
                    return Ok(()); // e.g. Mastodon's featured collection: not ours to act on
                };
                if guild.kind != "guild" {
                    return Ok(());
                }
                let community = if is_local(data, &object) {
                    match local(&object, data).await? {
                        Some(c) => c,
                        None => return Ok(()),
                    }
                } else {
                    remote(&object, data).await?
                };
                match (kind, actor == target) {
                    (ChangeKind::Add, true) => links::receive_membership_news(ctx, &guild, &community, true).await?,
                    (ChangeKind::Remove, from_guild) => {
                        links::receive_end(ctx, &guild, &community, from_guild).await?;
                    }
                    (ChangeKind::Add, false) => return Ok(()),
                }
                tracing::info!(activity = %id, actor = %actor, domain = %crate::urls::authority(&actor), "guild membership news");
                Ok(())
            }
        }
    }
}
