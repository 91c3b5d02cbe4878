//! `Update` of a Page or Note (an author's edit, or a community's pin/lock state) and
//! `Delete` (by the author, or by a community's moderation).

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::{Activity, Object};
use guildhall_app::AppContext;
use guildhall_app::inbound::IncomingPost;
use guildhall_app::receipt::Arrival;
use guildhall_app::remote_changes::{self, Deleted};
use serde::{Deserialize, Serialize};
use url::Url;

use super::create::Post;
use super::object_id;
use crate::Error;
use crate::actors::{DbGroup, DbPerson};
use crate::objects::{DbDiscussion, DbReply, Parent, find_parent};
use crate::urls::same_origin;

/// `Update{Page|Note}`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Update {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    pub(crate) kind: activitypub_federation::kinds::activity::UpdateType,
    /// The author (edits) or the community (pin/lock).
    pub actor: Url,
    /// The new version.
    pub object: Post,
}

fn post_fields(post: &Post) -> (Url, Option<String>, Option<String>, String) {
    let v = serde_json::to_value(post).unwrap_or_default();
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
    let source = v.get("source").and_then(|s| s.get("content")).and_then(|c| c.as_str()).map(str::to_owned);
    let id = match post {
        Post::Page(p) => p.id.inner().clone(),
        Post::Note(n) => n.id.inner().clone(),
    };
    // Mastodon's objects have no `name`: an empty one keeps the title.
    (id, s("name").filter(|n| !n.trim().is_empty()), source, s("content").unwrap_or_default())
}

impl Update {
    /// Applies the edit (or moderation) through the app's policies.
    pub async fn receive_stored(self, data: &Data<AppContext>, arrival: Arrival) -> Result<(), Error> {
        let ctx = data.app_data();
        let (object_url, title, source, html) = post_fields(&self.object);
        // Unknown objects are fetched (and stored) from their origin instead.
        let Some(parent) = local_copy(&object_url, data).await? else {
            return Ok(());
        };
        if let Ok(group) = ObjectId::<DbGroup>::from(self.actor.clone()).dereference_local(data).await {
            // A community sets pin and lock state of its own discussions.
            if let (Parent::Discussion(d), Post::Page(_)) = (&parent, &self.object)
                && d.community_id == group.model.id
            {
                let v = serde_json::to_value(&self.object)?;
                let pinned = v.get("stickied").and_then(|x| x.as_bool());
                let locked = v.get("commentsEnabled").and_then(|x| x.as_bool()).map(|e| !e);
                remote_changes::receive_moderation(ctx, d.clone(), pinned, locked).await?;
            }
            return Ok(());
        }
        let editor: DbPerson = ObjectId::<DbPerson>::from(self.actor.clone()).dereference(data).await?;
        // A poll's new counts (`Update{Question}`); an Update that changes nothing else is
        // not an edit.
        if let (Parent::Discussion(d), Post::Page(page)) = (&parent, &self.object)
            && let Some(poll) = page.poll.remote_poll()
        {
            let counts_only = guildhall_app::polls::same_content(d, title.as_deref(), source.as_deref(), &html);
            let relay = if counts_only { arrival } else { Arrival::Relayed };
            guildhall_app::polls::receive_remote_poll(ctx, d, &editor.model, poll, relay).await?;
            if counts_only {
                return Ok(());
            }
        }
        let post =
            IncomingPost { ap_id: object_url.to_string(), title, source, html, published: None, members_only: false };
        match parent {
            Parent::Discussion(d) => {
                remote_changes::receive_discussion_edit(ctx, d, &editor.model, post, arrival).await?
            }
            Parent::Reply(d, r) => remote_changes::receive_reply_edit(ctx, &d, r, &editor.model, post, arrival).await?,
        }
        Ok(())
    }
}

/// Our copy of a remote object, if we have one (never a fetch).
async fn local_copy(url: &Url, data: &Data<AppContext>) -> Result<Option<Parent>, Error> {
    if DbDiscussion::read_from_id(url.clone(), data).await?.is_none()
        && DbReply::read_from_id(url.clone(), data).await?.is_none()
    {
        return Ok(None);
    }
    Ok(Some(find_parent(url, data).await?))
}

#[async_trait::async_trait]
impl Activity for Update {
    type DataType = AppContext;
    type Error = Error;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        &self.actor
    }

    async fn verify(&self, _data: &Data<AppContext>) -> Result<(), Error> {
        let (object_id, ..) = post_fields(&self.object);
        // Only the object's own server speaks for it (GoToSocial 0.13.2 lesson: the stored
        // author is checked again in the use case).
        if !same_origin(&object_id, &self.actor) {
            return Err(Error::BadRequest("an Update must come from the object's server".into()));
        }
        Ok(())
    }

    async fn receive(self, data: &Data<AppContext>) -> Result<(), Error> {
        self.receive_stored(data, Arrival::Relayed).await
    }
}

/// `Delete` of a Page or Note (embedded, Tombstone or by id).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delete {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    pub(crate) kind: activitypub_federation::kinds::activity::DeleteType,
    /// The author, a moderator or the community.
    pub actor: Url,
    /// What is deleted.
    pub object: serde_json::Value,
}

impl Delete {
    /// Tombstones the object through the app's policies.
    pub async fn receive_stored(self, data: &Data<AppContext>, arrival: Arrival) -> Result<(), Error> {
        let Some(url) = object_id(&self.object) else { return Ok(()) };
        let Some(parent) = local_copy(&url, data).await? else { return Ok(()) };
        let target = match parent {
            Parent::Discussion(d) => Deleted::Discussion(d),
            Parent::Reply(d, r) => Deleted::Reply(d, r),
        };
        let ctx = data.app_data();
        if let Ok(group) = ObjectId::<DbGroup>::from(self.actor.clone()).dereference_local(data).await {
            let community_id = match &target {
                Deleted::Discussion(d) | Deleted::Reply(d, _) => d.community_id,
            };
            if community_id == group.model.id {
                remote_changes::receive_delete(ctx, target, None, true, arrival).await?;
            }
            return Ok(());
        }
        // Deleting an account or anything else we do not hold is ignored above.
        let actor: DbPerson = ObjectId::<DbPerson>::from(self.actor.clone()).dereference(data).await?;
        remote_changes::receive_delete(ctx, target, Some(&actor.model), false, arrival).await?;
        Ok(())
    }
}

impl Delete {
    /// A Delete relayed by a remote community: its moderation of its own content.
    pub async fn receive_relayed(self, group: &DbGroup, data: &Data<AppContext>) -> Result<(), Error> {
        let Some(url) = object_id(&self.object) else { return Ok(()) };
        let Some(parent) = local_copy(&url, data).await? else { return Ok(()) };
        let (community_id, target) = match parent {
            Parent::Discussion(d) => (d.community_id, Deleted::Discussion(d)),
            Parent::Reply(d, r) => (d.community_id, Deleted::Reply(d, r)),
        };
        if community_id != group.model.id {
            return Err(Error::BadRequest("a community can only moderate its own posts".into()));
        }
        remote_changes::receive_delete(data.app_data(), target, None, true, Arrival::Relayed).await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl Activity for Delete {
    type DataType = AppContext;
    type Error = Error;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        &self.actor
    }

    async fn verify(&self, _data: &Data<AppContext>) -> Result<(), Error> {
        Ok(())
    }

    async fn receive(self, data: &Data<AppContext>) -> Result<(), Error> {
        self.receive_stored(data, Arrival::Relayed).await
    }
}
