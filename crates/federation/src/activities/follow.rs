//! Follow, Undo{Follow}, Accept{Follow} and Reject{Follow}: how people on other servers join
//! our communities, and how we join theirs.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::{AcceptType, FollowType, RejectType, UndoType};
use activitypub_federation::traits::Activity;
use guildhall_app::receipt::Arrival;
use guildhall_app::{AppContext, inbound};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::actors::{actor_id_of_account, actor_id_of_community};
use crate::plan::{Planned, account, community, inbox_of_account, inbox_of_community, new_id, with_context};
use crate::urls::Urls;
use guildhall_app::outbox::Sender;

use crate::Error;
use crate::actors::{DbGroup, DbPerson};
use crate::urls::require_same_origin;
use crate::wire::object_id;

/// `Follow`: a person asks to join a community.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Follow {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    pub(crate) kind: FollowType,
    /// The follower.
    pub actor: ObjectId<DbPerson>,
    /// The community followed.
    pub object: Url,
}

impl Follow {
    /// A new Follow.
    pub fn new(id: Url, actor: Url, object: Url) -> Self {
        Follow { id, kind: FollowType::Follow, actor: actor.into(), object }
    }
}

#[async_trait::async_trait]
impl Activity for Follow {
    type DataType = AppContext;
    type Error = Error;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        self.actor.inner()
    }

    async fn verify(&self, _data: &Data<AppContext>) -> Result<(), Error> {
        Ok(())
    }

    async fn receive(self, data: &Data<AppContext>) -> Result<(), Error> {
        if !crate::urls::is_local(data, &self.object) || !self.object.path().starts_with("/c/") {
            // Following people is not offered: acknowledged and ignored.
            crate::tally::ignored("only communities can be followed here");
            return Ok(());
        }
        let group: DbGroup = ObjectId::<DbGroup>::from(self.object.clone()).dereference_local(data).await?;
        let follower = self.actor.dereference(data).await?;
        inbound::remote_follow(data.app_data(), &group.model, &follower.model, self.id.as_str()).await?;
        Ok(())
    }
}

/// `Undo`: only `Undo{Follow}` is acted on.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Undo {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    pub(crate) kind: UndoType,
    /// Who undoes.
    pub actor: Url,
    /// What is undone (embedded or by id).
    pub object: serde_json::Value,
}

impl Undo {
    /// A new Undo of a Follow.
    pub fn of_follow(id: Url, follow: Follow) -> Result<Self, Error> {
        Ok(Undo {
            id,
            kind: UndoType::Undo,
            actor: follow.actor.inner().clone(),
            object: serde_json::to_value(follow)?,
        })
    }
}

#[async_trait::async_trait]
impl Activity for Undo {
    type DataType = AppContext;
    type Error = Error;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        &self.actor
    }

    async fn verify(&self, _data: &Data<AppContext>) -> Result<(), Error> {
        if let Ok(follow) = serde_json::from_value::<Follow>(self.object.clone())
            && follow.actor.inner() != &self.actor
        {
            return Err(Error::BadRequest("only the follower can undo a Follow".into()));
        }
        Ok(())
    }

    async fn receive(self, data: &Data<AppContext>) -> Result<(), Error> {
        self.receive_stored(data, Arrival::Relayed).await
    }
}

impl Undo {
    /// Undoes a Follow or a vote; `arrival` says whether a local community relays it. The
    /// undone activity may be embedded or named by id only (bovine, some Undo{Like}): then it
    /// is the one we received under that id.
    pub async fn receive_stored(self, data: &Data<AppContext>, arrival: Arrival) -> Result<(), Error> {
        let ctx = data.app_data();
        let object = match &self.object {
            serde_json::Value::String(id) => match guildhall_app::lookup::activity_by_ap_id(ctx, id).await? {
                Some(received) => serde_json::from_str(&received.json)?,
                None => {
                    tracing::debug!(activity = %self.id, object = %id, "Undo of an activity never received; nothing to undo");
                    crate::tally::ignored("an Undo of an activity never received here");
                    return Ok(());
                }
            },
            embedded => embedded.clone(),
        };
        if let Ok(vote) = serde_json::from_value::<crate::activities::vote::Vote>(object.clone()) {
            if vote.actor.inner() != &self.actor {
                return Err(Error::BadRequest("only the voter can undo a vote".into()));
            }
            let voter = vote.actor.dereference(data).await?;
            // Lemmy embeds the vote with a fresh id: the object voted on identifies it then.
            let held = crate::activities::vote::held_target(&vote.object, data).await?;
            let on = held.as_ref().map(|h| h.on());
            guildhall_app::remote_changes::undo_vote(ctx, &voter.model, vote.id.as_str(), on, arrival).await?;
            return Ok(());
        }
        let Ok(follow) = serde_json::from_value::<Follow>(object) else {
            // Undo of Announce, Block, ...: not acted on.
            crate::tally::ignored("an Undo of something other than a Follow or a vote is not acted on");
            return Ok(());
        };
        if follow.actor.inner() != &self.actor {
            return Err(Error::BadRequest("only the follower can undo a Follow".into()));
        }
        if !crate::urls::is_local(data, &follow.object) {
            return Ok(());
        }
        let Ok(group) = ObjectId::<DbGroup>::from(follow.object.clone()).dereference_local(data).await else {
            return Ok(());
        };
        let follower = follow.actor.dereference(data).await?;
        inbound::remote_unfollow(ctx, &group.model, &follower.model).await?;
        Ok(())
    }
}

/// `Accept{Follow}`: a community admitted one of our members.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Accept {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    pub(crate) kind: AcceptType,
    /// The community.
    pub actor: ObjectId<DbGroup>,
    /// The Follow (embedded or by id).
    pub object: serde_json::Value,
}

impl Accept {
    /// A new Accept of a Follow.
    pub fn new(id: Url, actor: Url, follow: Follow) -> Result<Self, Error> {
        Ok(Accept { id, kind: AcceptType::Accept, actor: actor.into(), object: serde_json::to_value(follow)? })
    }
}

/// `Reject{Follow}`: a community refused one of our members.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reject {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    pub(crate) kind: RejectType,
    /// The community.
    pub actor: ObjectId<DbGroup>,
    /// The Follow (embedded or by id).
    pub object: serde_json::Value,
    /// Why (a refused wiki edit carries its reason here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

impl Reject {
    /// A new Reject of a Follow.
    pub fn new(id: Url, actor: Url, follow: Follow) -> Result<Self, Error> {
        Ok(Reject {
            id,
            kind: RejectType::Reject,
            actor: actor.into(),
            object: serde_json::to_value(follow)?,
            summary: None,
        })
    }
}

async fn answer(
    actor: &ObjectId<DbGroup>,
    object: &serde_json::Value,
    data: &Data<AppContext>,
    accepted: bool,
) -> Result<(), Error> {
    let follow_id = object_id(object).ok_or_else(|| Error::BadRequest("the object is not a Follow".into()))?;
    // Only answers to our own Follows matter; the Follow id names the local follower.
    if !crate::urls::is_local(data, &follow_id) {
        return Ok(());
    }
    // Mobilizon answers an RSVP with an Accept/Reject naming the Join by id only.
    if crate::events::inbound::join_answered_by_id(&follow_id, actor.inner(), data, accepted).await? {
        return Ok(());
    }
    let group = actor.dereference(data).await?;
    inbound::follow_answered(data.app_data(), follow_id.as_str(), &group.model, accepted).await?;
    if accepted && group.model.kind == "guild" {
        // Following a guild shows its member communities: read them now, not at the next Add.
        crate::guilds::sync_members(data, &group.model).await;
    }
    Ok(())
}

#[async_trait::async_trait]
impl Activity for Accept {
    type DataType = AppContext;
    type Error = Error;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        self.actor.inner()
    }

    async fn verify(&self, _data: &Data<AppContext>) -> Result<(), Error> {
        if let Ok(f) = serde_json::from_value::<Follow>(self.object.clone()) {
            require_same_origin(&f.object, self.actor.inner(), "accepted Follow object")?;
        }
        Ok(())
    }

    async fn receive(self, data: &Data<AppContext>) -> Result<(), Error> {
        answer(&self.actor, &self.object, data, true).await
    }
}

#[async_trait::async_trait]
impl Activity for Reject {
    type DataType = AppContext;
    type Error = Error;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        self.actor.inner()
    }

    async fn verify(&self, _data: &Data<AppContext>) -> Result<(), Error> {
        Ok(())
    }

    async fn receive(self, data: &Data<AppContext>) -> Result<(), Error> {
        // A community refusing one of our members' wiki edits (not a Follow).
        if let Some(edit) = object_id(&self.object)
            && crate::urls::is_local(data, &edit)
            && crate::wiki::edit_refused(&edit, self.actor.inner(), self.summary.as_deref(), data).await?
        {
            return Ok(());
        }
        answer(&self.actor, &self.object, data, false).await
    }
}

/// A local account asked to join a remote community: its `Follow`.
pub(crate) async fn plan_follow(ctx: &AppContext, urls: &Urls, membership_id: i64) -> Result<Vec<Planned>, Error> {
    let Some(m) = guildhall_app::lookup::membership(ctx, membership_id).await? else { return Ok(vec![]) };
    let (a, c) = (account(ctx, m.account_id).await?, community(ctx, m.community_id).await?);
    let Some(follow_id) = m.follow_ap_id.as_deref() else { return Ok(vec![]) };
    let follow = Follow::new(Url::parse(follow_id)?, actor_id_of_account(&a, urls), actor_id_of_community(&c, urls));
    Ok(vec![Planned {
        id: follow.id.clone(),
        kind: "Follow",
        actor: actor_id_of_account(&a, urls),
        json: with_context(follow)?,
        sender: Sender::Account(a.id),
        inboxes: inbox_of_community(&c).into_iter().collect(),
    }])
}

/// A local account left a remote community: `Undo{Follow}`.
pub(crate) async fn plan_unfollow(
    ctx: &AppContext,
    urls: &Urls,
    account_id: i64,
    community_id: i64,
    follow_ap_id: &str,
) -> Result<Vec<Planned>, Error> {
    let (a, c) = (account(ctx, account_id).await?, community(ctx, community_id).await?);
    let follow = Follow::new(Url::parse(follow_ap_id)?, actor_id_of_account(&a, urls), actor_id_of_community(&c, urls));
    let undo = Undo::of_follow(new_id(ctx)?, follow)?;
    Ok(vec![Planned {
        id: undo.id.clone(),
        kind: "Undo",
        actor: actor_id_of_account(&a, urls),
        json: with_context(undo)?,
        sender: Sender::Account(a.id),
        inboxes: inbox_of_community(&c).into_iter().collect(),
    }])
}

/// A local community admitted a remote follower: `Accept{Follow}`.
pub(crate) async fn plan_accept(ctx: &AppContext, urls: &Urls, membership_id: i64) -> Result<Vec<Planned>, Error> {
    let Some(m) = guildhall_app::lookup::membership(ctx, membership_id).await? else { return Ok(vec![]) };
    let (a, c) = (account(ctx, m.account_id).await?, community(ctx, m.community_id).await?);
    let Some(follow_id) = m.follow_ap_id.as_deref() else { return Ok(vec![]) };
    let group = actor_id_of_community(&c, urls);
    let follow = Follow::new(Url::parse(follow_id)?, actor_id_of_account(&a, urls), group.clone());
    let accept = Accept::new(new_id(ctx)?, group.clone(), follow)?;
    Ok(vec![Planned {
        id: accept.id.clone(),
        kind: "Accept",
        actor: group,
        json: with_context(accept)?,
        sender: Sender::Community(c.id),
        inboxes: inbox_of_account(&a).into_iter().collect(),
    }])
}

/// A local community refused a remote follower: `Reject{Follow}`.
pub(crate) async fn plan_reject(
    ctx: &AppContext,
    urls: &Urls,
    community_id: i64,
    account_id: i64,
    follow_ap_id: &str,
) -> Result<Vec<Planned>, Error> {
    let (a, c) = (account(ctx, account_id).await?, community(ctx, community_id).await?);
    let group = actor_id_of_community(&c, urls);
    let follow = Follow::new(Url::parse(follow_ap_id)?, actor_id_of_account(&a, urls), group.clone());
    let reject = Reject::new(new_id(ctx)?, group.clone(), follow)?;
    Ok(vec![Planned {
        id: reject.id.clone(),
        kind: "Reject",
        actor: group,
        json: with_context(reject)?,
        sender: Sender::Community(c.id),
        inboxes: inbox_of_account(&a).into_iter().collect(),
    }])
}

#[cfg(test)]
mod tests {
    use super::{Follow, Undo};
    use crate::wire::testing::round_trip_all;

    #[test]
    fn every_vendors_follows_and_undos_round_trip() {
        assert!(round_trip_all::<Follow>("follow", &[]) >= 6);
        assert!(round_trip_all::<Undo>("undo_follow", &[]) >= 6);
    }
}
