//! `Announce` from a community we follow (FEP-1b12): the community relays what its members
//! did. What happened on the community's own server is taken as sent (its signature covers
//! it); anything from elsewhere is fetched from its origin, never trusted as embedded.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::fetch::object_id::ObjectId;
use guildhall_app::AppContext;
use guildhall_app::receipt::Arrival;
use std::future::Future;
use std::pin::Pin;
use url::Url;

use super::create::Create;
use super::create::Post;
use super::relay::{Announce, announce};
use super::update_delete::Delete;
use crate::Error;
use crate::actors::DbGroup;
use crate::objects::{receive_note, receive_page};
use crate::plan::{Planned, community, with_guild_inboxes};
use crate::urls::{Urls, authority, is_local, require_same_origin, same_origin};
use crate::wire::object_id;
use chrono::{DateTime, Utc};
use serde_json::Value;

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
            crate::tally::ignored("an Announce (boost) by someone who is not a community we follow");
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
            // A wiki page's Create goes through the inbox's list (`relay`), like its Update.
            "Create" if !crate::wiki::is_wiki_activity(&self.object) => relayed_create(self.object, &group, data).await,
            "" | "Page" | "Note" | "Article" | "Question" => {
                // A plain Announce of an object (Mastodon's view of the post): fetch it.
                match object_id(&self.object) {
                    Some(id) if !is_local(data, &id) => {
                        fetch_from_origin(&id, matches!(kind.as_str(), "Page" | "Article" | "Question"), data).await
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
            if !page.community_candidates().contains(&group.id) {
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
    if let Some((person, banned, expires)) = super::block::ban_change(&json, &group.id) {
        return super::block::apply_ban(person, banned, expires, group, data).await;
    }
    // Lemmy's moderation shapes, relayed by the community that owns the post.
    if let Some((pinned, locked)) = super::moderation::moderation_change(&json) {
        return super::moderation::apply_moderation(&json, pinned, locked, group, data).await;
    }
    // A Delete relayed by the content's own community is that community's moderation.
    if json.get("type").and_then(|t| t.as_str()) == Some("Delete") {
        let delete: Delete = serde_json::from_value(json)?;
        return delete.receive_relayed(group, data).await;
    }
    relay(json, data).await
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

/// A local community relays an activity it received (FEP-1b12) to its followers and guilds,
/// except the author's own server; a new post is also announced as itself for Mastodon.
pub(crate) async fn plan_relay(
    ctx: &AppContext,
    urls: &Urls,
    community_id: i64,
    activity_id: i64,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let c = community(ctx, community_id).await?;
    let Some(received) = guildhall_app::lookup::activity(ctx, activity_id).await? else { return Ok(vec![]) };
    let inner: Value = serde_json::from_str(&received.json)?;
    let origin = Url::parse(&received.actor).map(|u| authority(&u)).unwrap_or_default();
    let mut inboxes = guildhall_app::lookup::follower_inboxes(ctx, c.id, as_of).await?;
    if let Some(object) = inner.get("object") {
        with_guild_inboxes(ctx, &c, object, &mut inboxes, as_of).await?;
    }
    // The author's server already has the post.
    inboxes.retain(|(_, domain)| *domain != origin);
    if inboxes.is_empty() {
        return Ok(vec![]);
    }
    // Mastodon shows boosts of objects, not Announces of activities: a new post is
    // also announced as itself.
    let plain = match (inner.get("type").and_then(|t| t.as_str()), inner.get("object")) {
        (Some("Create"), Some(object)) if object.is_object() => {
            Some(announce(ctx, urls, &c, object.clone(), inboxes.clone())?)
        }
        _ => None,
    };
    let mut plans = vec![announce(ctx, urls, &c, inner, inboxes)?];
    plans.extend(plain);
    Ok(plans)
}

#[cfg(test)]
mod tests {
    use crate::activities::relay::Announce;
    use crate::wire::testing::round_trip_all;

    #[test]
    fn every_vendors_announces_round_trip() {
        assert!(round_trip_all::<Announce>("announce", &[]) >= 4);
    }
}
