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
