//! `Announce` from a community we follow (FEP-1b12): the community relays what its members
//! posted. Content hosted on the community's own server is taken as sent (its signature
//! covers it); anything else is fetched from its origin, never trusted as embedded.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::AnnounceType;
use activitypub_federation::protocol::helpers::deserialize_one_or_many;
use activitypub_federation::traits::Activity;
use guildhall_app::AppContext;
use serde::{Deserialize, Serialize};
use url::Url;

use super::create::Post;
use super::{Create, object_id};
use crate::Error;
use crate::actors::DbGroup;
use crate::objects::{DbDiscussion, DbReply, receive_note, receive_page};
use crate::urls::same_origin;

/// `Announce` of an activity (embedded) or an object (by id).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Announce {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    pub(crate) kind: AnnounceType,
    /// The community (or a booster).
    pub actor: Url,
    /// What is announced.
    pub object: serde_json::Value,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    to: Vec<Url>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    cc: Vec<Url>,
}

impl Announce {
    /// A new Announce by a community to its followers.
    pub fn new(id: Url, actor: Url, object: serde_json::Value, followers: Url) -> Self {
        let public = Url::parse(crate::objects::PUBLIC).expect("static URL");
        Announce { id, kind: AnnounceType::Announce, actor, object, to: vec![public], cc: vec![followers] }
    }
}

#[async_trait::async_trait]
impl Activity for Announce {
    type DataType = AppContext;
    type Error = Error;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        &self.actor
    }

    async fn verify(&self, _data: &Data<AppContext>) -> Result<(), Error> {
        object_id(&self.object).map(|_| ()).ok_or_else(|| Error::BadRequest("Announce without object".into()))
    }

    async fn receive(self, data: &Data<AppContext>) -> Result<(), Error> {
        // Only communities we know relay content here; boosts by people are not acted on.
        let Some(group) = ObjectId::<DbGroup>::from(self.actor.clone()).dereference_local(data).await.ok() else {
            return Ok(());
        };
        if group.model.domain.is_empty() {
            return Err(Error::BadRequest("an Announce from our own community cannot come from outside".into()));
        }
        let inner: Option<Create> = serde_json::from_value(self.object.clone()).ok();
        match inner {
            Some(create) => {
                let post_id = match &create.object {
                    Post::Page(p) => p.id.inner().clone(),
                    Post::Note(n) => n.id.inner().clone(),
                };
                if crate::urls::is_local(data, &post_id) {
                    return Ok(()); // our own post coming back
                }
                if same_origin(&post_id, &group.id) {
                    create.check()?;
                    match create.object {
                        Post::Page(page) => {
                            if page.community().as_ref() != Some(&group.id) {
                                return Err(Error::BadRequest("a community can only relay its own posts".into()));
                            }
                            receive_page(page, data, None).await?;
                        }
                        Post::Note(note) => {
                            receive_note(note, data, None).await?;
                        }
                    }
                } else {
                    fetch_from_origin(&post_id, matches!(create.object, Post::Page(_)), data).await?;
                }
            }
            None => {
                // A plain Announce of a Page or Note by id (or embedded): fetch it.
                if let Some(id) = object_id(&self.object)
                    && !crate::urls::is_local(data, &id)
                {
                    let is_page = self.object.get("type").and_then(|t| t.as_str()) == Some("Page");
                    fetch_from_origin(&id, is_page, data).await?;
                }
            }
        }
        Ok(())
    }
}

async fn fetch_from_origin(id: &Url, is_page: bool, data: &Data<AppContext>) -> Result<(), Error> {
    // A Note that fails to load may be a Page announced without its type.
    if is_page || ObjectId::<DbReply>::from(id.clone()).dereference(data).await.is_err() {
        ObjectId::<DbDiscussion>::from(id.clone()).dereference(data).await?;
    }
    Ok(())
}
