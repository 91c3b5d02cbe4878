//! `Update` of an actor by itself (`Person`, `Service` or `Group`): its new profile and public
//! key (Mastodon and Fedify send one after a profile edit or a key rotation). Only an actor we
//! already know is updated, only from its own signed delivery (never relayed), and only with
//! what the actor's own checks accept.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::UpdateType;
use activitypub_federation::traits::{Activity, Object};
use guildhall_app::AppContext;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::Error;
use crate::actors::{DbGroup, DbPerson, Group, Person};
use crate::urls::authority;

/// `Update{Person|Service|Group}` where the object is the actor itself.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateActor {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    kind: UpdateType,
    /// The actor, updating itself.
    pub actor: Url,
    /// Its new document.
    pub object: ActorDocument,
}

/// The actor document an [`UpdateActor`] carries.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum ActorDocument {
    /// A person or an automated account.
    Person(Box<Person>),
    /// A community.
    Group(Box<Group>),
}

impl ActorDocument {
    fn id(&self) -> &Url {
        match self {
            ActorDocument::Person(p) => p.actor_id(),
            ActorDocument::Group(g) => g.actor_id(),
        }
    }
}

impl UpdateActor {
    /// Whether the object is the actor itself: only an actor speaks for itself.
    fn updates_itself(&self) -> bool {
        self.object.id() == &self.actor
    }

    /// Stores the new profile and key of an actor we know; others are ignored.
    pub async fn receive_direct(self, data: &Data<AppContext>) -> Result<(), Error> {
        let actor = self.actor;
        match self.object {
            ActorDocument::Person(person) => {
                if ObjectId::<DbPerson>::from(actor.clone()).dereference_local(data).await.is_err() {
                    tracing::debug!(actor = %actor, "Update of a person we do not know; ignored");
                    return Ok(());
                }
                DbPerson::verify(&person, &actor, data).await?;
                DbPerson::from_json(*person, data).await?;
            }
            ActorDocument::Group(group) => {
                if ObjectId::<DbGroup>::from(actor.clone()).dereference_local(data).await.is_err() {
                    tracing::debug!(actor = %actor, "Update of a community we do not know; ignored");
                    return Ok(());
                }
                DbGroup::verify(&group, &actor, data).await?;
                DbGroup::from_json(*group, data).await?;
            }
        }
        tracing::info!(actor = %actor, domain = %authority(&actor), "actor updated its profile");
        Ok(())
    }
}

#[async_trait::async_trait]
impl Activity for UpdateActor {
    type DataType = AppContext;
    type Error = Error;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        &self.actor
    }

    async fn verify(&self, _data: &Data<AppContext>) -> Result<(), Error> {
        if !self.updates_itself() {
            return Err(Error::BadRequest("an actor can only update itself".into()));
        }
        Ok(())
    }

    async fn receive(self, data: &Data<AppContext>) -> Result<(), Error> {
        self.receive_direct(data).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROTATED: &str = r#"{
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": "https://fedify.example/users/alice#update/1",
        "type": "Update",
        "actor": "https://fedify.example/users/alice",
        "object": {
            "id": "https://fedify.example/users/alice",
            "type": "Person",
            "preferredUsername": "alice",
            "name": "Alice",
            "inbox": "https://fedify.example/users/alice/inbox",
            "publicKey": {
                "id": "https://fedify.example/users/alice#main-key",
                "owner": "https://fedify.example/users/alice",
                "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nNEW\n-----END PUBLIC KEY-----\n"
            }
        }
    }"#;

    #[test]
    fn an_actor_update_carries_the_new_document() {
        let update: UpdateActor = serde_json::from_str(ROTATED).unwrap();
        assert!(matches!(update.object, ActorDocument::Person(_)));
        assert!(update.updates_itself());
    }

    #[test]
    fn an_update_of_another_actor_is_refused() {
        let forged = ROTATED
            .replace(r#""id": "https://fedify.example/users/alice","#, r#""id": "https://fedify.example/users/bob","#);
        let update: UpdateActor = serde_json::from_str(&forged).unwrap();
        assert!(!update.updates_itself(), "{forged}");
    }

    #[test]
    fn an_update_of_a_post_is_not_an_actor_update() {
        let post = r#"{"id":"https://a.example/u/x#u","type":"Update","actor":"https://a.example/u/x",
            "object":{"id":"https://a.example/r/1","type":"Note","content":"hi","attributedTo":"https://a.example/u/x"}}"#;
        assert!(serde_json::from_str::<UpdateActor>(post).is_err());
    }
}
