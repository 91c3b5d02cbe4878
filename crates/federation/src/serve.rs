//! GET endpoints for our actors, objects, collections and activities, as
//! `application/activity+json`. Private communities' content is not served here yet.

use activitypub_federation::axum::json::FederationJson;
use activitypub_federation::config::Data;
use activitypub_federation::protocol::context::WithContext;
use activitypub_federation::traits::Object;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use guildhall_app::AppContext;
use guildhall_domain::Visibility;
use serde_json::{Value, json};

use crate::Error;
use crate::actors::{DbGroup, DbPerson, InstanceActor};
use crate::objects::{DbDiscussion, DbReply, discussion_is_public};
use crate::urls::Urls;

fn ap(v: Value) -> Response {
    FederationJson(v).into_response()
}

/// `GET /u/{name}`.
pub async fn person(Path(name): Path<String>, data: Data<AppContext>) -> Result<Response, Error> {
    let urls = Urls::new(data.app_data());
    let p = DbPerson::read_from_id(urls.person(&name.to_ascii_lowercase()), &data).await?.ok_or(Error::NotFound)?;
    Ok(FederationJson(WithContext::new_default(p.into_json(&data).await?)).into_response())
}

async fn local_group(name: &str, data: &Data<AppContext>) -> Result<DbGroup, Error> {
    let urls = Urls::new(data.app_data());
    DbGroup::read_from_id(urls.group(&name.to_ascii_lowercase()), data).await?.ok_or(Error::NotFound)
}

/// `GET /c/{name}`.
pub async fn group(Path(name): Path<String>, data: Data<AppContext>) -> Result<Response, Error> {
    let g = local_group(&name, &data).await?;
    Ok(FederationJson(WithContext::new_default(g.into_json(&data).await?)).into_response())
}

/// `GET /c/{name}/followers`: the count only (members are listed to members in the app).
pub async fn followers(Path(name): Path<String>, data: Data<AppContext>) -> Result<Response, Error> {
    let g = local_group(&name, &data).await?;
    let counts = guildhall_store::communities::member_counts(data.app_data().db(), &[g.model.id]).await?;
    let id = format!("{}/followers", g.id);
    Ok(ap(json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": "OrderedCollection",
        "totalItems": counts.get(&g.model.id).copied().unwrap_or(0),
    })))
}

/// `GET /c/{name}/moderators`: the moderators (Lemmy reads it to check mod actions).
pub async fn moderators(Path(name): Path<String>, data: Data<AppContext>) -> Result<Response, Error> {
    let g = local_group(&name, &data).await?;
    let urls = Urls::new(data.app_data());
    let page = guildhall_app::page(Some(1), Some(100));
    let rows = guildhall_store::communities::list_memberships(data.app_data().db(), g.model.id, "active", page).await?;
    let items: Vec<String> = rows
        .items
        .iter()
        .filter(|(m, _)| m.is_moderator)
        .map(|(_, a)| crate::actors::actor_id_of_account(a, &urls).to_string())
        .collect();
    Ok(ap(json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/moderators", g.id),
        "type": "OrderedCollection",
        "totalItems": items.len(),
        "orderedItems": items,
    })))
}

/// `GET /c/{name}/outbox` and `/featured`: recent (or pinned) discussions of a public community.
async fn pages(name: String, data: Data<AppContext>, featured: bool) -> Result<Response, Error> {
    let g = local_group(&name, &data).await?;
    let suffix = if featured { "featured" } else { "outbox" };
    let mut items = Vec::new();
    if g.model.visibility != Visibility::Private.as_str() {
        let sort = guildhall_store::discussions::Sort::New;
        let rows = guildhall_store::discussions::list(
            data.app_data().db(),
            g.model.id,
            sort,
            guildhall_app::page(Some(1), Some(20)),
        )
        .await?;
        for d in rows.items.iter().filter(|d| d.deleted_at.is_none() && (!featured || d.pinned)) {
            let page = crate::objects::page_of(data.app_data(), d).await?;
            items.push(serde_json::to_value(page)?);
        }
    }
    Ok(ap(json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/{suffix}", g.id),
        "type": "OrderedCollection",
        "totalItems": items.len(),
        "orderedItems": items,
    })))
}

/// `GET /c/{name}/outbox`.
pub async fn outbox(Path(name): Path<String>, data: Data<AppContext>) -> Result<Response, Error> {
    pages(name, data, false).await
}

/// `GET /c/{name}/featured`.
pub async fn featured(Path(name): Path<String>, data: Data<AppContext>) -> Result<Response, Error> {
    pages(name, data, true).await
}

/// `GET /d/{id}`: a discussion as a `Page` (404 for private communities).
pub async fn discussion(Path(id): Path<i64>, data: Data<AppContext>) -> Result<Response, Error> {
    let urls = Urls::new(data.app_data());
    let d = DbDiscussion::read_from_id(urls.discussion(id), &data).await?.ok_or(Error::NotFound)?;
    if d.model.deleted_at.is_some() || !discussion_is_public(data.app_data(), &d.model).await? {
        return Err(Error::NotFound);
    }
    Ok(FederationJson(WithContext::new_default(d.into_json(&data).await?)).into_response())
}

/// `GET /r/{id}`: a reply as a `Note` (404 for private communities).
pub async fn reply(Path(id): Path<i64>, data: Data<AppContext>) -> Result<Response, Error> {
    let urls = Urls::new(data.app_data());
    let r = DbReply::read_from_id(urls.reply(id), &data).await?.ok_or(Error::NotFound)?;
    let d = guildhall_store::discussions::find_by_id(data.app_data().db(), r.model.discussion_id)
        .await?
        .ok_or(Error::NotFound)?;
    if r.model.deleted_at.is_some() || !discussion_is_public(data.app_data(), &d).await? {
        return Err(Error::NotFound);
    }
    Ok(FederationJson(WithContext::new_default(r.into_json(&data).await?)).into_response())
}

/// `GET /activities/{token}`: one of our activities (so others can dereference its id).
pub async fn activity(Path(token): Path<String>, data: Data<AppContext>) -> Result<Response, Error> {
    let id = format!("{}/activities/{token}", data.app_data().instance().base_url());
    let a = guildhall_store::federation::find_activity_by_ap_id(data.app_data().db(), &id)
        .await?
        .filter(|a| a.local)
        .ok_or(Error::NotFound)?;
    let v: Value = serde_json::from_str(&a.json)?;
    if is_private_activity(&v) {
        return Err(Error::NotFound);
    }
    Ok(ap(v))
}

/// Activities not addressed to the public are not served to anonymous fetches.
fn is_private_activity(v: &Value) -> bool {
    let public = |field: &str| match v.get(field) {
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(crate::objects::PUBLIC)),
        Some(Value::String(s)) => s == crate::objects::PUBLIC,
        _ => false,
    };
    let kind = v.get("type").and_then(|t| t.as_str()).unwrap_or_default();
    // Follow/Accept/Undo carry no content and are addressed to their object only.
    !(public("to") || public("cc") || matches!(kind, "Follow" | "Accept" | "Reject" | "Undo"))
}

/// `GET /actor`: the instance actor.
pub async fn instance_actor(data: Data<AppContext>) -> Result<Response, Error> {
    let actor = crate::instance_actor(data.app_data()).await?;
    Ok(FederationJson(WithContext::new_default(actor.into_json(&data).await?)).into_response())
}

/// Keeps the type referenced for readers: the instance actor is an `InstanceActor`.
pub type Instance = InstanceActor;
