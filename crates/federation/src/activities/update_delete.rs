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
use super::relay::route;
use crate::actors::{actor_id_of_account, actor_id_of_community};
use crate::objects::{note_of, page_of};
use crate::plan::{Planned, account, discussion_and_community, new_id, with_context};
use crate::urls::Urls;
use chrono::{DateTime, Utc};
use guildhall_app::entities::community;
use guildhall_app::outbox::Sender;
use serde_json::Value;

use crate::Error;
use crate::actors::{DbGroup, DbPerson};
use crate::objects::{DbDiscussion, DbReply, Parent, find_parent};
use crate::urls::same_origin;
use crate::wire::object_id;

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
            crate::tally::ignored("an Update of something not stored here");
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
        let extras = match &self.object {
            Post::Page(p) => p.extras(),
            Post::Note(n) => n.extras.to_domain(true),
        };
        let post = IncomingPost {
            ap_id: object_url.to_string(),
            title,
            source,
            html,
            published: None,
            members_only: false,
            extras,
        };
        match parent {
            Parent::Discussion(d) => {
                remote_changes::receive_discussion_edit(ctx, d, &editor.model, post, arrival).await?
            }
            Parent::Reply(d, r) => {
                remote_changes::receive_reply_edit(ctx, &d, *r, &editor.model, post, arrival).await?
            }
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
    async fn stored_object(&self, data: &Data<AppContext>) -> Result<Option<Parent>, Error> {
        let Some(url) = object_id(&self.object) else { return Ok(None) };
        local_copy(&url, data).await
    }

    /// Tombstones the object through the app's policies.
    pub async fn receive_stored(self, data: &Data<AppContext>, arrival: Arrival) -> Result<(), Error> {
        let Some(parent) = self.stored_object(data).await? else {
            crate::tally::ignored("a Delete of something not stored here (an account, or unknown)");
            return Ok(());
        };
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

/// An `Update` we send: an author's edit (of a `Page` or `Note`), or a community's statement
/// of a discussion's pin and lock state, to the public.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct SentUpdate<O> {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    kind: activitypub_federation::kinds::activity::UpdateType,
    /// The author or the community.
    pub actor: Url,
    /// The new version.
    pub object: O,
    /// The public.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub to: Vec<Url>,
    /// The community (Lemmy refuses an `Update` that does not name it).
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub cc: Vec<Url>,
    /// The community (FEP-1b12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Url>,
}

impl<O> SentUpdate<O> {
    /// `actor`'s new version of `object` in `community`, to the public.
    pub fn new(id: Url, actor: Url, object: O, community: Url) -> Self {
        SentUpdate {
            id,
            kind: activitypub_federation::kinds::activity::UpdateType::Update,
            actor,
            object,
            to: vec![crate::wire::public()],
            cc: vec![community.clone()],
            audience: Some(community),
        }
    }
}

/// A `Delete` we send, of a discussion or reply by id: to the public, `cc` and `audience` the
/// community.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct SentDelete {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    kind: activitypub_federation::kinds::activity::DeleteType,
    /// The author or a moderator.
    pub actor: Url,
    /// What is deleted.
    pub object: Url,
    /// The public.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub to: Vec<Url>,
    /// The community.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub cc: Vec<Url>,
    /// The community (FEP-1b12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Url>,
    /// A moderator's reason: Lemmy records a `Delete` with a `summary` as a removal (with a
    /// mod-log entry), one without as the author's own deletion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

impl SentDelete {
    /// `actor` deletes `object` in `community`.
    pub fn new(id: Url, actor: Url, object: Url, community: Url) -> Self {
        SentDelete {
            id,
            kind: activitypub_federation::kinds::activity::DeleteType::Delete,
            actor,
            object,
            to: vec![crate::wire::public()],
            cc: vec![community.clone()],
            audience: Some(community),
            summary: None,
        }
    }
}

/// Why a moderator's deletion is marked as a removal (Lemmy shows it in the mod log).
pub(crate) const REMOVED_BY_MODERATOR: &str = "Removed by a moderator";

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

/// A local author edited a discussion: `Update{Page}` (for a poll, also to the followers).
pub(crate) async fn plan_discussion_update(
    ctx: &AppContext,
    urls: &Urls,
    discussion_id: i64,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let (d, c) = discussion_and_community(ctx, discussion_id).await?;
    if d.ap_id.is_some() {
        return Ok(vec![]);
    }
    let update = update_json(ctx, urls, d.author_id, page_of(ctx, &d).await?, &c).await?;
    let plans = route(ctx, urls, &c, d.author_id, update, "Update", as_of).await?;
    also_to_followers(ctx, &c, plans, as_of).await
}

/// Mastodon and the servers that behave like it apply an author's `Update` or `Delete` only
/// when the author sends it, not inside the community's `Announce`: for a local community the
/// author's own activity goes to the followers as well (Lemmy-style peers use the Announce).
async fn also_to_followers(
    ctx: &AppContext,
    c: &community::Model,
    mut plans: Vec<Planned>,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    if c.domain.is_empty()
        && let Some(own) = plans.iter_mut().find(|p| matches!(p.sender, Sender::Account(_)) && p.inboxes.is_empty())
    {
        own.inboxes = guildhall_app::lookup::follower_inboxes(ctx, c.id, as_of).await?;
    }
    Ok(plans)
}

/// A local author edited a reply: `Update{Note}`.
pub(crate) async fn plan_reply_update(
    ctx: &AppContext,
    urls: &Urls,
    reply_id: i64,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let r = guildhall_app::lookup::reply(ctx, reply_id).await?.ok_or(Error::NotFound)?;
    let (_, c) = discussion_and_community(ctx, r.discussion_id).await?;
    if r.ap_id.is_some() {
        return Ok(vec![]);
    }
    let update = update_json(ctx, urls, r.author_id, note_of(ctx, &r).await?, &c).await?;
    let plans = route(ctx, urls, &c, r.author_id, update, "Update", as_of).await?;
    also_to_followers(ctx, &c, plans, as_of).await
}

/// A discussion was deleted by `by_account_id` (its author or a moderator): `Delete`.
pub(crate) async fn plan_discussion_delete(
    ctx: &AppContext,
    urls: &Urls,
    discussion_id: i64,
    by_account_id: i64,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let (d, c) = discussion_and_community(ctx, discussion_id).await?;
    let by_author = by_account_id == d.author_id;
    let delete = delete_json(ctx, urls, by_account_id, by_author, crate::objects::discussion_id(&d, urls), &c).await?;
    let plans = route(ctx, urls, &c, by_account_id, delete, "Delete", as_of).await?;
    if by_author { also_to_followers(ctx, &c, plans, as_of).await } else { Ok(plans) }
}

/// A reply was deleted by `by_account_id`: `Delete`.
pub(crate) async fn plan_reply_delete(
    ctx: &AppContext,
    urls: &Urls,
    reply_id: i64,
    by_account_id: i64,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let r = guildhall_app::lookup::reply(ctx, reply_id).await?.ok_or(Error::NotFound)?;
    let (_, c) = discussion_and_community(ctx, r.discussion_id).await?;
    let by_author = by_account_id == r.author_id;
    let delete = delete_json(ctx, urls, by_account_id, by_author, crate::objects::reply_id(&r, urls), &c).await?;
    let plans = route(ctx, urls, &c, by_account_id, delete, "Delete", as_of).await?;
    if by_author { also_to_followers(ctx, &c, plans, as_of).await } else { Ok(plans) }
}

async fn update_json<T: Serialize>(
    ctx: &AppContext,
    urls: &Urls,
    author: i64,
    object: T,
    c: &community::Model,
) -> Result<Value, Error> {
    let actor = actor_id_of_account(&account(ctx, author).await?, urls);
    with_context(SentUpdate::new(new_id(ctx)?, actor, object, actor_id_of_community(c, urls)))
}

async fn delete_json(
    ctx: &AppContext,
    urls: &Urls,
    by: i64,
    by_author: bool,
    object: Url,
    c: &community::Model,
) -> Result<Value, Error> {
    let actor = actor_id_of_account(&account(ctx, by).await?, urls);
    let mut delete = SentDelete::new(new_id(ctx)?, actor, object, actor_id_of_community(c, urls));
    if !by_author {
        delete.summary = Some(REMOVED_BY_MODERATOR.into());
    }
    with_context(delete)
}

#[cfg(test)]
mod tests {
    use crate::wire::testing::u;
    use serde_json::json;

    use super::{SentDelete, SentUpdate};
    use crate::activities::create::Post;
    use crate::wire::testing::round_trip_all;
    use crate::wire::{PUBLIC, with_context};

    #[test]
    fn update_and_delete_name_the_community() {
        let (id, actor, group) =
            (u("https://a.example/activities/1"), u("https://a.example/u/ann"), u("https://b.example/c/ux"));
        let object = json!({"type": "Note", "id": "https://a.example/r/1", "content": "<p>x</p>"});
        // Lemmy's shape: `cc` and `audience` name the community (an Update without them is refused).
        let golden = with_context(json!({
            "id": id,
            "type": "Update",
            "actor": actor,
            "object": object,
            "to": [PUBLIC],
            "cc": [group],
            "audience": group,
        }))
        .unwrap();
        let sent = SentUpdate::new(id.clone(), actor.clone(), object, group.clone());
        assert_eq!(with_context(&sent).unwrap().to_string(), golden.to_string());
        let target = u("https://a.example/d/3");
        let golden = with_context(json!({
            "id": id,
            "type": "Delete",
            "actor": actor,
            "object": target,
            "to": [PUBLIC],
            "cc": [group],
            "audience": group,
        }))
        .unwrap();
        let mut sent = SentDelete::new(id, actor, target, group);
        assert_eq!(with_context(&sent).unwrap().to_string(), golden.to_string());
        // A moderator's removal carries Lemmy's marker, last.
        sent.summary = Some(super::REMOVED_BY_MODERATOR.into());
        let mut golden = golden;
        golden["summary"] = super::REMOVED_BY_MODERATOR.into();
        assert_eq!(with_context(&sent).unwrap().to_string(), golden.to_string());
    }

    #[test]
    fn every_vendors_updates_and_deletes_round_trip() {
        // Misskey's fixture is an `Update{Person}` (a profile), which we never send.
        assert!(round_trip_all::<SentUpdate<Post>>("update", &["misskey"]) >= 5);
        assert_eq!(round_trip_all::<SentUpdate<Post>>("update_question", &[]), 1);
        // Finding: Mastodon, Misskey and Mbin embed a `Tombstone` as the object of a Delete;
        // we send (and `SentDelete` holds) the object by id only.
        assert!(round_trip_all::<SentDelete>("delete", &["mastodon", "misskey", "mbin"]) >= 3);
    }
}
