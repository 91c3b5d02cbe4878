//! `Like` and `Dislike` (Lemmy's votes) on a Page, a Note or an Event, and their `Undo`.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::{Activity, Object};
use guildhall_app::AppContext;
use guildhall_app::receipt::Arrival;
use guildhall_app::remote_changes::{self, VoteOn};
use guildhall_app::votes::Target;
use serde::{Deserialize, Serialize};
use url::Url;

use super::relay::route;
use crate::actors::{actor_id_of_account, actor_id_of_community};
use crate::objects::discussion_id;
use crate::plan::{Planned, account, discussion_and_community, new_id, with_context};
use crate::urls::Urls;
use crate::wire::UndoOf;
use chrono::{DateTime, Utc};
use guildhall_app::entities::{community, discussion, event, reply};

use crate::Error;
use crate::actors::DbPerson;
use crate::objects::{DbDiscussion, DbReply, Parent, find_parent};

/// `Like` or `Dislike`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum VoteKind {
    /// Upvote.
    Like,
    /// Downvote.
    Dislike,
}

/// A vote.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Vote {
    /// Activity id.
    pub id: Url,
    /// Like or Dislike.
    #[serde(rename = "type")]
    pub kind: VoteKind,
    /// The voter.
    pub actor: ObjectId<DbPerson>,
    /// The Page, Note or Event voted on.
    pub object: Url,
    /// The community (FEP-1b12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Url>,
}

impl Vote {
    /// +1 or -1.
    pub fn value(&self) -> i16 {
        if self.kind == VoteKind::Like { 1 } else { -1 }
    }

    /// Stores the vote; `arrival` says whether a local community relays it.
    pub async fn receive_stored(self, data: &Data<AppContext>, arrival: Arrival) -> Result<(), Error> {
        let voter = self.actor.dereference(data).await?;
        let ctx = data.app_data();
        let value = self.value();
        // An event we hold (ours, or a copy of another server's): votable like a post. An
        // unknown event is not fetched: the post lookup below answers 404 for ours.
        let held = match crate::events::replies::event_of(&self.object, data).await? {
            Some(e) => Held::Event(e),
            None => match find_parent(&self.object, data).await? {
                Parent::Discussion(d) => Held::Discussion(d),
                Parent::Reply(d, r) => Held::Reply(d, *r),
            },
        };
        remote_changes::receive_vote(ctx, &voter.model, held.on(), value, self.id.as_str(), arrival).await?;
        Ok(())
    }
}

/// What a vote is on, as we hold it.
pub(crate) enum Held {
    /// A discussion.
    Discussion(discussion::Model),
    /// A reply, with its discussion.
    Reply(discussion::Model, reply::Model),
    /// An event.
    Event(event::Model),
}

impl Held {
    /// The target as the app takes it.
    pub(crate) fn on(&self) -> VoteOn<'_> {
        match self {
            Held::Discussion(d) => VoteOn::Discussion(d),
            Held::Reply(d, r) => VoteOn::Reply(d, r),
            Held::Event(e) => VoteOn::Event(e),
        }
    }
}

/// The post or event `object` names, if we hold it: no fetch, for undoing a vote.
pub(crate) async fn held_target(object: &Url, data: &Data<AppContext>) -> Result<Option<Held>, Error> {
    if let Some(e) = crate::events::replies::event_of(object, data).await? {
        return Ok(Some(Held::Event(e)));
    }
    Ok(stored_target(object, data).await?.map(|(d, r)| match r {
        Some(r) => Held::Reply(d, r),
        None => Held::Discussion(d),
    }))
}

#[async_trait::async_trait]
impl Activity for Vote {
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
        self.receive_stored(data, Arrival::Relayed).await
    }
}

/// A vote as we send it (Lemmy's shape): to the public, `cc` and `audience` the community.
/// Embedded in an `Undo`, only `id`, `type`, `actor` and `object` are written.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct SentVote {
    /// Activity id.
    pub id: String,
    /// Like or Dislike.
    #[serde(rename = "type")]
    pub kind: VoteKind,
    /// The voter.
    pub actor: Url,
    /// The Page or Note voted on.
    pub object: Url,
    /// The public.
    #[serde(default, deserialize_with = "crate::wire::one_or_many", skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<Url>,
    /// The community.
    #[serde(default, deserialize_with = "crate::wire::one_or_many", skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<Url>,
    /// The community (FEP-1b12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Url>,
}

impl SentVote {
    /// `actor`'s vote (`value` > 0 is a Like) on `object` in `community`.
    pub fn new(id: String, value: i16, actor: Url, object: Url, community: Url) -> Self {
        SentVote {
            id,
            kind: VoteKind::of(value),
            actor,
            object,
            to: vec![crate::wire::public()],
            cc: vec![community.clone()],
            audience: Some(community),
        }
    }

    /// The vote as an `Undo` embeds it: who voted what on what, no addressing.
    pub fn embedded(id: String, value: i16, actor: Url, object: Url) -> Self {
        SentVote { id, kind: VoteKind::of(value), actor, object, to: vec![], cc: vec![], audience: None }
    }
}

impl VoteKind {
    fn of(value: i16) -> Self {
        if value > 0 { VoteKind::Like } else { VoteKind::Dislike }
    }
}

/// A local member voted: `Like`/`Dislike`, to the remote community or relayed by ours.
pub(crate) async fn plan_cast(
    ctx: &AppContext,
    urls: &Urls,
    vote_id: i64,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let v = guildhall_app::votes::find(ctx, vote_id).await?;
    let (object, c) = vote_target(ctx, urls, Target::of(&v).ok_or(Error::NotFound)?).await?;
    let vote = SentVote::new(
        v.ap_id.clone().unwrap_or_else(|| ctx.instance().new_activity_id()),
        v.value,
        actor_id_of_account(&account(ctx, v.account_id).await?, urls),
        object,
        actor_id_of_community(&c, urls),
    );
    route(ctx, urls, &c, v.account_id, with_context(vote)?, "Like", as_of).await
}

/// A local member withdrew a vote: `Undo{Like|Dislike}`.
pub(crate) async fn plan_undo(
    ctx: &AppContext,
    urls: &Urls,
    account_id: i64,
    target: Target,
    vote_ap_id: &str,
    value: i16,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let (object, c) = vote_target(ctx, urls, target).await?;
    let actor = actor_id_of_account(&account(ctx, account_id).await?, urls);
    let vote = SentVote::embedded(vote_ap_id.to_owned(), value, actor.clone(), object);
    let undo = UndoOf::new(new_id(ctx)?, actor, vote, actor_id_of_community(&c, urls));
    route(ctx, urls, &c, account_id, with_context(undo)?, "Undo", as_of).await
}

/// The id of what a vote is on, and its community.
async fn vote_target(ctx: &AppContext, urls: &Urls, target: Target) -> Result<(Url, community::Model), Error> {
    match target {
        Target::Discussion(id) => {
            let (d, c) = discussion_and_community(ctx, id).await?;
            Ok((discussion_id(&d, urls), c))
        }
        Target::Reply(id) => {
            let r = guildhall_app::lookup::reply(ctx, id).await?.ok_or(Error::NotFound)?;
            let (_, c) = discussion_and_community(ctx, r.discussion_id).await?;
            Ok((crate::objects::reply_id(&r, urls), c))
        }
        Target::Event(id) => {
            let e = guildhall_app::lookup::event(ctx, id).await?.ok_or(Error::NotFound)?;
            Ok((crate::events::object::id_of(ctx, &e)?, crate::plan::community(ctx, e.community_id).await?))
        }
    }
}

/// The discussion (and reply) `object` names, if we hold it: no fetch, for undoing a vote.
pub(crate) async fn stored_target(
    object: &Url,
    data: &Data<AppContext>,
) -> Result<Option<(guildhall_app::entities::discussion::Model, Option<guildhall_app::entities::reply::Model>)>, Error>
{
    if let Some(d) = DbDiscussion::read_from_id(object.clone(), data).await? {
        return Ok(Some((d.model, None)));
    }
    let Some(r) = DbReply::read_from_id(object.clone(), data).await? else { return Ok(None) };
    Ok(guildhall_app::lookup::discussion(data.app_data(), r.model.discussion_id).await?.map(|d| (d, Some(r.model))))
}

#[cfg(test)]
mod tests {
    use crate::wire::testing::u;
    use serde_json::json;

    use super::SentVote;
    use crate::wire::UndoOf;
    use crate::wire::testing::round_trip_all;
    use crate::wire::{PUBLIC, with_context};

    #[test]
    fn a_vote_is_written_as_before() {
        let (actor, object, group) =
            (u("https://a.example/u/ann"), u("https://b.example/d/1"), u("https://b.example/c/ux"));
        // What `outgoing_changes` wrote by hand before the struct.
        let golden = with_context(json!({
            "id": "https://a.example/activities/v1",
            "type": "Dislike",
            "actor": actor,
            "object": object,
            "to": [PUBLIC],
            "cc": [group],
            "audience": group,
        }))
        .unwrap();
        let sent =
            SentVote::new("https://a.example/activities/v1".into(), -1, actor.clone(), object.clone(), group.clone());
        assert_eq!(with_context(&sent).unwrap().to_string(), golden.to_string());
        let undo_golden = with_context(json!({
            "id": "https://a.example/activities/u1",
            "type": "Undo",
            "actor": actor,
            "object": {
                "id": "https://a.example/activities/v1",
                "type": "Like",
                "actor": actor,
                "object": object,
            },
            "to": [PUBLIC],
            "cc": [group],
            "audience": group,
        }))
        .unwrap();
        let inner = SentVote::embedded("https://a.example/activities/v1".into(), 1, actor.clone(), object);
        let undo = UndoOf::new(u("https://a.example/activities/u1"), actor, inner, group);
        assert_eq!(with_context(&undo).unwrap().to_string(), undo_golden.to_string());
    }

    #[test]
    fn every_vendors_votes_round_trip() {
        assert!(round_trip_all::<SentVote>("like", &[]) >= 5);
        assert!(round_trip_all::<SentVote>("dislike", &[]) >= 3);
    }
}
