//! GET endpoints for our actors, objects, collections and activities, as
//! `application/activity+json`. A private community's content (and members-only discussions)
//! is served only to signed GETs from members and their servers (see `signed_fetch`);
//! everyone else gets 404, as if it did not exist. The `Group` itself (name, description) is
//! public so that people can ask to join.

use activitypub_federation::axum::json::FederationJson;
use activitypub_federation::config::Data;
use activitypub_federation::protocol::context::WithContext;
use activitypub_federation::traits::Object;
use axum::extract::Path;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use guildhall_app::AppContext;
use serde::Serialize;
use serde_json::Value;

use crate::Error;
use crate::actors::{DbGroup, DbPerson, InstanceActor};
use crate::objects::{DbDiscussion, DbReply};
use crate::signed_fetch::may_read_private;
use crate::urls::Urls;
use crate::wire::OrderedCollection;
use guildhall_app::entities::community;
use guildhall_app::federation::collections;
use guildhall_app::lookup;

fn ap<T: Serialize>(v: T) -> Response {
    FederationJson(v).into_response()
}

/// `GET /u/{name}`.
pub async fn person(Path(name): Path<String>, data: Data<AppContext>) -> Result<Response, Error> {
    let urls = Urls::new(data.app_data());
    let p = DbPerson::read_from_id(urls.person(&name.to_ascii_lowercase()), &data).await?.ok_or(Error::NotFound)?;
    Ok(FederationJson(WithContext::new(p.into_json(&data).await?, crate::wire::actor_context())).into_response())
}

async fn local_group(name: &str, data: &Data<AppContext>) -> Result<DbGroup, Error> {
    let urls = Urls::new(data.app_data());
    DbGroup::read_from_id(urls.group(&name.to_ascii_lowercase()), data).await?.ok_or(Error::NotFound)
}

/// Whether the request may see content of `c` (members-only content counts as private).
async fn may_see(
    data: &Data<AppContext>,
    c: &community::Model,
    members_only: bool,
    parts: &Parts,
) -> Result<bool, Error> {
    if !guildhall_domain::visibility::fetch_needs_membership(c.visibility, members_only) {
        return Ok(true);
    }
    may_read_private(data, c, parts).await
}

/// A private community's collections exist only for its members (and their servers).
async fn require_members(data: &Data<AppContext>, g: &DbGroup, parts: &Parts) -> Result<(), Error> {
    if may_see(data, &g.model, false, parts).await? { Ok(()) } else { Err(Error::NotFound) }
}

/// `GET /c/{name}`.
pub async fn group(Path(name): Path<String>, data: Data<AppContext>) -> Result<Response, Error> {
    let g = local_group(&name, &data).await?;
    Ok(FederationJson(WithContext::new(g.into_json(&data).await?, crate::wire::actor_context())).into_response())
}

/// `GET /c/{name}/followers`: the count only (members are listed to members in the app).
pub async fn followers(Path(name): Path<String>, data: Data<AppContext>, parts: Parts) -> Result<Response, Error> {
    let g = local_group(&name, &data).await?;
    require_members(&data, &g, &parts).await?;
    let total = collections::follower_count(data.app_data(), g.model.id).await?;
    let id = format!("{}/followers", g.id);
    Ok(ap(OrderedCollection::<String>::count_only(id, total)))
}

/// `GET /c/{name}/moderators`: the moderators (Lemmy reads it to check mod actions).
pub async fn moderators(Path(name): Path<String>, data: Data<AppContext>, parts: Parts) -> Result<Response, Error> {
    let g = local_group(&name, &data).await?;
    require_members(&data, &g, &parts).await?;
    let urls = Urls::new(data.app_data());
    let items: Vec<String> = collections::moderators(data.app_data(), g.model.id)
        .await?
        .iter()
        .map(|a| crate::actors::actor_id_of_account(a, &urls).to_string())
        .collect();
    Ok(ap(OrderedCollection::of(format!("{}/moderators", g.id), items)))
}

/// `GET /c/{name}/outbox` and `/featured`: recent (or pinned) discussions; a private
/// community's only for its members, members-only discussions only for them.
async fn pages(name: String, data: Data<AppContext>, parts: Parts, featured: bool) -> Result<Response, Error> {
    let g = local_group(&name, &data).await?;
    // Unsigned requests are answered without any lookup.
    let member = may_read_private(&data, &g.model, &parts).await?;
    let listing = guildhall_domain::visibility::outbox_listing(g.model.visibility, member).ok_or(Error::NotFound)?;
    let suffix = if featured { "featured" } else { "outbox" };
    let rows = collections::outbox_discussions(data.app_data(), g.model.id, listing, featured).await?;
    let mut items = Vec::new();
    for d in &rows {
        let page = crate::objects::page_of(data.app_data(), d).await?;
        items.push(page);
    }
    Ok(ap(OrderedCollection::of(format!("{}/{suffix}", g.id), items)))
}

/// `GET /c/{name}/outbox`.
pub async fn outbox(Path(name): Path<String>, data: Data<AppContext>, parts: Parts) -> Result<Response, Error> {
    pages(name, data, parts, false).await
}

/// `GET /c/{name}/featured`.
pub async fn featured(Path(name): Path<String>, data: Data<AppContext>, parts: Parts) -> Result<Response, Error> {
    pages(name, data, parts, true).await
}

/// `GET /d/{id}`: a discussion as a `Page`.
pub async fn discussion(Path(id): Path<i64>, data: Data<AppContext>, parts: Parts) -> Result<Response, Error> {
    let urls = Urls::new(data.app_data());
    let d = DbDiscussion::read_from_id(urls.discussion(id), &data).await?.ok_or(Error::NotFound)?;
    let c = crate::plan::community(data.app_data(), d.model.community_id).await?;
    if d.model.deleted_at.is_some() || !may_see(&data, &c, d.model.members_only, &parts).await? {
        return Err(Error::NotFound);
    }
    Ok(FederationJson(WithContext::new_default(d.into_json(&data).await?)).into_response())
}

/// `GET /d/{id}/replies`: a discussion's replies as `Note`s, in threaded order, to whoever
/// may see the discussion (so a server that just learnt of it can read the thread).
pub async fn discussion_replies(Path(id): Path<i64>, data: Data<AppContext>, parts: Parts) -> Result<Response, Error> {
    let urls = Urls::new(data.app_data());
    let d = DbDiscussion::read_from_id(urls.discussion(id), &data).await?.ok_or(Error::NotFound)?;
    let c = crate::plan::community(data.app_data(), d.model.community_id).await?;
    if d.model.deleted_at.is_some() || !may_see(&data, &c, d.model.members_only, &parts).await? {
        return Err(Error::NotFound);
    }
    let mut items = Vec::new();
    for r in collections::discussion_replies(data.app_data(), d.model.id).await? {
        items.push(crate::objects::note_of(data.app_data(), &r).await?);
    }
    Ok(ap(OrderedCollection::of(urls.sub(&d.id, "replies").to_string(), items)))
}

/// `GET /r/{id}`: a reply as a `Note`.
pub async fn reply(Path(id): Path<i64>, data: Data<AppContext>, parts: Parts) -> Result<Response, Error> {
    let urls = Urls::new(data.app_data());
    let r = DbReply::read_from_id(urls.reply(id), &data).await?.ok_or(Error::NotFound)?;
    let d = lookup::discussion(data.app_data(), r.model.discussion_id).await?.ok_or(Error::NotFound)?;
    let c = crate::plan::community(data.app_data(), d.community_id).await?;
    if r.model.deleted_at.is_some() || !may_see(&data, &c, d.members_only, &parts).await? {
        return Err(Error::NotFound);
    }
    Ok(FederationJson(WithContext::new_default(r.into_json(&data).await?)).into_response())
}

/// `GET /activities/{token}`: one of our activities (so others can dereference its id); one
/// not addressed to the public only to those who may read its community's private content.
pub async fn activity(Path(token): Path<String>, data: Data<AppContext>, parts: Parts) -> Result<Response, Error> {
    let id = format!("{}/activities/{token}", data.app_data().instance().base_url());
    // Only our own activities are served, never what we received.
    let a = lookup::activity_by_ap_id(data.app_data(), &id).await?.filter(|a| a.local).ok_or(Error::NotFound)?;
    let v: Value = serde_json::from_str(&a.json)?;
    // The same check as the community's content: a non-public activity counts as members-only
    // content, and every activity of a private community (Follow, Accept, Reject and Undo
    // included: they name its members) is for its members and their servers.
    let private = is_private_activity(&v);
    match community_of_activity(&data, &v).await? {
        Some(c) if !may_see(&data, &c, private, &parts).await? => return Err(Error::NotFound),
        None if private => return Err(Error::NotFound),
        _ => {}
    }
    Ok(ap(v))
}

/// Whether an activity is not addressed to the public (members-only, whatever its community).
fn is_private_activity(v: &Value) -> bool {
    let kind = |v: &Value| v.get("type").and_then(|t| t.as_str()).unwrap_or_default().to_owned();
    // Follow, Accept, Reject and Undo{Follow} carry no content and are addressed to their
    // object only: as open as their community.
    let follow_related = matches!(kind(v).as_str(), "Follow" | "Accept" | "Reject")
        || (kind(v) == "Undo" && v.get("object").is_some_and(|o| kind(o) == "Follow"));
    !(crate::addressing::addressed_to_public(v) || follow_related)
}

/// The community an activity belongs to: its (or its object's) audience, or a
/// community among its actor and recipients.
async fn community_of_activity(data: &Data<AppContext>, v: &Value) -> Result<Option<community::Model>, Error> {
    let object = v.get("object");
    let mut candidates: Vec<&Value> = vec![];
    for holder in [Some(v), object] {
        let Some(h) = holder else { continue };
        for field in ["audience", "actor", "to", "cc"] {
            match h.get(field) {
                Some(Value::Array(a)) => candidates.extend(a.iter()),
                Some(x) => candidates.push(x),
                None => {}
            }
        }
    }
    for c in candidates {
        let Some(url) = crate::wire::object_id(c) else { continue };
        if let Some(g) = DbGroup::read_from_id(url, data).await? {
            return Ok(Some(g.model));
        }
    }
    Ok(None)
}

/// `GET /actor`: the instance actor.
pub async fn instance_actor(data: Data<AppContext>) -> Result<Response, Error> {
    let actor = crate::instance_actor(data.app_data()).await?;
    Ok(FederationJson(WithContext::new(actor.into_json(&data).await?, crate::wire::actor_context())).into_response())
}

/// Keeps the type referenced for readers: the instance actor is an `InstanceActor`.
pub type Instance = InstanceActor;
