//! `Like` and `Dislike` (Lemmy's votes) on a Page or Note, and their `Undo`.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::Activity;
use guildhall_app::AppContext;
use guildhall_app::receipt::Arrival;
use guildhall_app::remote_changes::{self, VoteOn};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::Error;
use crate::actors::DbPerson;
use crate::objects::{Parent, find_parent};

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
    /// The Page or Note voted on.
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
        match find_parent(&self.object, data).await? {
            Parent::Discussion(d) => {
                remote_changes::receive_vote(
                    ctx,
                    &voter.model,
                    VoteOn::Discussion(&d),
                    value,
                    self.id.as_str(),
                    arrival,
                )
                .await?
            }
            Parent::Reply(d, r) => {
                remote_changes::receive_vote(ctx, &voter.model, VoteOn::Reply(&d, &r), value, self.id.as_str(), arrival)
                    .await?
            }
        }
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use serde_json::json;
    use url::Url;

    use super::SentVote;
    use crate::activities::follow::UndoOf;
    use crate::wire::testing::round_trip_all;
    use crate::wire::{PUBLIC, with_context};

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn a_vote_is_written_as_before() {
        let (actor, object, group) =
            (u("https://a.example/u/ann"), u("https://b.example/d/1"), u("https://b.example/c/ux"));
        // What `outgoing_changes` wrote with `json!` before the struct.
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
