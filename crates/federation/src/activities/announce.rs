//! `Announce` from a community we follow (FEP-1b12): the community relays what its members
//! did. What happened on the community's own server is taken as sent (its signature covers
//! it); anything from elsewhere is fetched from its origin, never trusted as embedded.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::AnnounceType;
use activitypub_federation::protocol::helpers::deserialize_one_or_many;
use activitypub_federation::traits::Object;
use guildhall_app::AppContext;
use guildhall_app::receipt::Arrival;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use url::Url;

use super::create::Create;
use super::create::Post;
use super::update_delete::Delete;
use crate::Error;
use crate::actors::{DbGroup, actor_id_of_community};
use crate::objects::{DbDiscussion, receive_note, receive_page};
use crate::plan::{Planned, new_id, with_context};
use crate::urls::{Urls, is_local, require_same_origin, same_origin};
use crate::wire::object_id;
use guildhall_store::entities::community;
use guildhall_store::federation::Sender;
use serde_json::Value;

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
        let public = Url::parse(crate::wire::PUBLIC).expect("static URL");
        Announce { id, kind: AnnounceType::Announce, actor, object, to: vec![public], cc: vec![followers] }
    }
}

/// Receives an activity a community relayed (the inside of an `Announce`) through the inbox's
/// one list of activities (`activities::relay`), passed in so this module need not import it.
pub(crate) type Relay =
    for<'a> fn(serde_json::Value, &'a Data<AppContext>) -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>;

impl Announce {
    /// Activity id.
    pub fn id(&self) -> &Url {
        &self.id
    }

    /// The announcing actor.
    pub fn actor(&self) -> &Url {
        &self.actor
    }

    /// The object must name something.
    pub async fn verify(&self, _data: &Data<AppContext>) -> Result<(), Error> {
        object_id(&self.object).map(|_| ()).ok_or_else(|| Error::BadRequest("Announce without object".into()))
    }

    /// Applies what a community relays; `relay` receives an embedded activity.
    pub async fn receive_relaying(self, data: &Data<AppContext>, relay: Relay) -> Result<(), Error> {
        // Only communities we know relay content here; boosts by people are not acted on.
        let Some(group) = ObjectId::<DbGroup>::from(self.actor.clone()).dereference_local(data).await.ok() else {
            if !crate::addressing::addressed_to_public(&self.object) && self.object.is_object() {
                // Only a private community itself may pass its content on.
                tracing::warn!(actor = %self.actor, activity = %self.id, domain = %crate::urls::authority(&self.actor),
                    "non-public content announced by an actor that is not its community; refused");
                return Err(Error::BadRequest("only a community may announce its members-only content".into()));
            }
            return Ok(());
        };
        if group.model.domain.is_empty() {
            return Err(Error::BadRequest("an Announce from our own community cannot come from outside".into()));
        }
        if let Some(done) = crate::events::inbound::announced(&self.object, &group, data).await {
            return done;
        }
        let kind = self.object.get("type").and_then(|t| t.as_str()).unwrap_or_default().to_owned();
        match kind.as_str() {
            "Create" => relayed_create(self.object, &group, data).await,
            "" | "Page" | "Note" | "Article" | "Question" => {
                // A plain Announce of an object (Mastodon's view of the post): fetch it.
                match object_id(&self.object) {
                    Some(id) if !is_local(data, &id) => {
                        fetch_from_origin(&id, matches!(kind.as_str(), "Page" | "Question"), data).await
                    }
                    _ => Ok(()),
                }
            }
            _ => relayed_activity(self.object, &group, data, relay).await,
        }
    }
}

async fn relayed_create(object: serde_json::Value, group: &DbGroup, data: &Data<AppContext>) -> Result<(), Error> {
    let create: Create = serde_json::from_value(object)?;
    let post_id = match &create.object {
        Post::Page(p) => p.id.inner().clone(),
        Post::Note(n) => n.id.inner().clone(),
    };
    if is_local(data, &post_id) {
        return Ok(()); // our own post coming back
    }
    if !same_origin(&post_id, &group.id) && !members_only(group, &create) {
        return fetch_from_origin(&post_id, matches!(create.object, Post::Page(_)), data).await;
    }
    create.check()?;
    match create.object {
        Post::Page(page) => {
            if page.community().as_ref() != Some(&group.id) {
                return Err(Error::BadRequest("a community can only relay its own posts".into()));
            }
            receive_page(page, data, Arrival::Relayed).await?;
        }
        Post::Note(note) => {
            // A reply to an event (Mastodon's names no audience) belongs to the event's community.
            let event = match &note.in_reply_to {
                Some(parent) => crate::events::replies::event_of(parent, data).await?,
                None => None,
            };
            if let Some(e) = &event
                && e.community_id != group.model.id
            {
                return Err(Error::BadRequest("a community can only relay replies to its own events".into()));
            }
            if !same_origin(&post_id, &group.id)
                && note.audience.as_ref().map(|a| a.inner()) != Some(&group.id)
                && event.is_none()
            {
                return Err(Error::BadRequest("a community can only relay its own members' replies".into()));
            }
            receive_note(note, data, Arrival::Relayed).await?;
        }
    }
    Ok(())
}

/// Members-only content cannot be fetched from its author's server by everyone who gets it
/// (only the community knows its members), so within a private community, or for content
/// not addressed to the public, the community's signed relay is the authority: it already
/// holds every member's posts. Public content is always fetched from its origin.
fn members_only(group: &DbGroup, create: &Create) -> bool {
    guildhall_domain::visibility::community_relay_is_authority(group.model.visibility, !create.is_public())
}

/// Votes, edits, deletions and undos relayed by a community.
async fn relayed_activity(
    object: serde_json::Value,
    group: &DbGroup,
    data: &Data<AppContext>,
    relay: Relay,
) -> Result<(), Error> {
    let id = object_id(&object).ok_or_else(|| Error::BadRequest("relayed activity without id".into()))?;
    let actor = object
        .get("actor")
        .and_then(|a| a.as_str())
        .and_then(|a| Url::parse(a).ok())
        .ok_or_else(|| Error::BadRequest("relayed activity without actor".into()))?;
    if is_local(data, &actor) {
        return Ok(()); // our own member's activity coming back
    }
    require_same_origin(&id, &actor, "relayed activity id")?;
    let private = guildhall_domain::visibility::community_relay_is_authority(group.model.visibility, false);
    let json = if same_origin(&actor, &group.id) || private {
        object
    } else {
        // Not the community's to vouch for: ask the actor's server for the activity itself.
        let fetched = fetch_object_http::<AppContext, serde_json::Value>(&id, data).await?;
        fetched.object
    };
    // A ban from the community (Lemmy's Block with the community as target).
    if let Some((person, banned, expires)) = ban_change(&json, &group.id) {
        return apply_ban(person, banned, expires, group, data).await;
    }
    // Lemmy's moderation shapes, relayed by the community that owns the post.
    if let Some((pinned, locked)) = moderation_change(&json) {
        return apply_moderation(&json, pinned, locked, group, data).await;
    }
    // A Delete relayed by the content's own community is that community's moderation.
    if json.get("type").and_then(|t| t.as_str()) == Some("Delete") {
        let delete: Delete = serde_json::from_value(json)?;
        return delete.receive_relayed(group, data).await;
    }
    relay(json, data).await
}

/// (person, banned?, expiry) of a `Block`/`Undo{Block}` whose target is `group`.
fn ban_change(activity: &serde_json::Value, group: &Url) -> Option<(Url, bool, Option<chrono::DateTime<chrono::Utc>>)> {
    let (block, banned) = match activity.get("type")?.as_str()? {
        "Block" => (activity, true),
        "Undo" if activity.get("object")?.get("type")?.as_str()? == "Block" => (activity.get("object")?, false),
        _ => return None,
    };
    if block.get("target").and_then(object_id).as_ref() != Some(group) {
        return None;
    }
    let person = block.get("object").and_then(object_id)?;
    let expires = block.get("expires").and_then(|e| e.as_str()).and_then(|e| e.parse().ok());
    Some((person, banned, expires))
}

async fn apply_ban(
    person: Url,
    banned: bool,
    expires: Option<chrono::DateTime<chrono::Utc>>,
    group: &DbGroup,
    data: &Data<AppContext>,
) -> Result<(), Error> {
    // Only our own members' memberships are ours to record.
    if !is_local(data, &person) {
        return Ok(());
    }
    let Some(account) = crate::actors::DbPerson::read_from_id(person, data).await? else { return Ok(()) };
    guildhall_app::bans::remote_ban(data.app_data(), &group.model, &account.model, banned, expires).await?;
    Ok(())
}

/// (pinned, locked) changes a Lemmy `Lock`, `Undo{Lock}`, `Add` or `Remove` (featured) makes.
fn moderation_change(activity: &serde_json::Value) -> Option<(Option<bool>, Option<bool>)> {
    let kind = activity.get("type")?.as_str()?;
    let featured = || activity.get("target").and_then(|t| t.as_str()).is_some_and(|t| t.ends_with("/featured"));
    match kind {
        "Lock" => Some((None, Some(true))),
        "Undo" if activity.get("object")?.get("type")?.as_str()? == "Lock" => Some((None, Some(false))),
        "Add" if featured() => Some((Some(true), None)),
        "Remove" if featured() => Some((Some(false), None)),
        _ => None,
    }
}

async fn apply_moderation(
    activity: &serde_json::Value,
    pinned: Option<bool>,
    locked: Option<bool>,
    group: &DbGroup,
    data: &Data<AppContext>,
) -> Result<(), Error> {
    let target = match activity.get("type").and_then(|t| t.as_str()) {
        Some("Undo") => activity.get("object").and_then(|o| o.get("object")),
        _ => activity.get("object"),
    };
    let Some(url) = target.and_then(object_id) else { return Ok(()) };
    let Some(d) = DbDiscussion::read_from_id(url, data).await? else { return Ok(()) };
    if d.model.community_id != group.model.id {
        return Err(Error::BadRequest("a community can only moderate its own posts".into()));
    }
    guildhall_app::remote_changes::receive_moderation(data.app_data(), d.model, pinned, locked).await?;
    Ok(())
}

async fn fetch_from_origin(id: &Url, is_page: bool, data: &Data<AppContext>) -> Result<(), Error> {
    match crate::objects::fetch_post(id, data, is_page).await {
        Ok(_) => Ok(()),
        // A reply to an event is kept with the event, not as a post of a discussion.
        Err(e) if crate::events::replies::is_stored(id, data).await? => {
            tracing::debug!(object = %id, error = %e, "relayed reply to an event stored");
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// The community's `Announce` of `object` (an activity or a post) to `inboxes`, addressed to
/// its followers only when the object was not public.
pub(crate) fn announce(
    ctx: &AppContext,
    urls: &Urls,
    c: &community::Model,
    mut object: Value,
    inboxes: Vec<(String, String)>,
) -> Result<Planned, Error> {
    if let Some(o) = object.as_object_mut() {
        o.remove("@context");
    }
    let group = actor_id_of_community(c, urls);
    let followers = urls.sub(&group, "followers");
    // What was not for the public is not relayed to it either.
    let private = !crate::addressing::addressed_to_public(&object);
    let a = Announce::new(new_id(ctx)?, group.clone(), object, followers.clone());
    let id = a.id.clone();
    let mut json = with_context(a)?;
    if private {
        crate::addressing::narrow(&mut json, &followers);
    }
    Ok(Planned { id, kind: "Announce", actor: group, json, sender: Sender::Community(c.id), inboxes })
}

#[cfg(test)]
mod tests {
    use super::{Announce, moderation_change};
    use crate::wire::testing::round_trip_all;

    #[test]
    fn every_vendors_announces_round_trip() {
        assert!(round_trip_all::<Announce>("announce", &[]) >= 4);
    }
    use serde_json::json;

    #[test]
    fn bans_name_the_community_as_target() {
        let g = url::Url::parse("https://l.example/c/a").unwrap();
        let block = json!({"type": "Block", "object": "https://x.example/u/p", "target": "https://l.example/c/a",
                           "expires": "2030-01-01T00:00:00Z"});
        let (p, banned, exp) = super::ban_change(&block, &g).unwrap();
        assert_eq!((p.as_str(), banned, exp.is_some()), ("https://x.example/u/p", true, true));
        let undo = json!({"type": "Undo", "object": block});
        assert_eq!(super::ban_change(&undo, &g).map(|x| x.1), Some(false));
        let other = json!({"type": "Block", "object": "https://x.example/u/p", "target": "https://l.example/c/b"});
        assert!(super::ban_change(&other, &g).is_none(), "another community's ban");
        assert!(
            super::ban_change(&json!({"type": "Block", "object": "https://x.example/u/p"}), &g).is_none(),
            "instance block"
        );
    }

    #[test]
    fn lemmy_moderation_shapes() {
        assert_eq!(moderation_change(&json!({"type": "Lock", "object": "x"})), Some((None, Some(true))));
        assert_eq!(
            moderation_change(&json!({"type": "Undo", "object": {"type": "Lock", "object": "x"}})),
            Some((None, Some(false)))
        );
        assert_eq!(
            moderation_change(&json!({"type": "Add", "object": "x", "target": "https://l.example/c/a/featured"})),
            Some((Some(true), None))
        );
        assert_eq!(
            moderation_change(&json!({"type": "Remove", "object": "x", "target": "https://l.example/c/a/featured"})),
            Some((Some(false), None))
        );
        assert_eq!(
            moderation_change(&json!({"type": "Add", "object": "x", "target": "https://l.example/c/a/moderators"})),
            None
        );
        assert_eq!(moderation_change(&json!({"type": "Undo", "object": {"type": "Like"}})), None);
    }
}
