//! Guilds on the wire: the guild is a `Group` with `guildFocus` and a `guildCommunities`
//! collection; links are made with `Offer`/`Invite` and `Accept`/`Reject`, ended with
//! `Remove`, announced to followers with `Add`/`Remove`, and a member community's public
//! discussions are relayed with `Announce`. See docs/federation.md ("Guilds").

pub mod inbound;
mod outgoing;

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::fetch::object_id::ObjectId;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use guildhall_app::AppContext;
use guildhall_app::entities::community;
use serde_json::Value;
use url::Url;

use crate::Error;
use crate::actors::{DbGroup, DbPerson, actor_id_of_community};
use crate::urls::Urls;

pub(crate) use outgoing::plan;

/// Most member communities read from a guild's collection, and most managers per community.
const MAX_MEMBERS: usize = 200;
const MAX_CONTACTS: usize = 20;

/// `GET /c/{name}/communities`: a guild's member communities (ids of active links). A
/// private member lends its name only, so its id is listed like any other.
pub async fn communities(Path(name): Path<String>, data: Data<AppContext>) -> Result<Response, Error> {
    let urls = Urls::new(data.app_data());
    let g = guildhall_app::federation::actors::local_guild(data.app_data(), &name.to_ascii_lowercase())
        .await?
        .ok_or(Error::NotFound)?;
    let items: Vec<String> = guildhall_app::federation::collections::guild_members(data.app_data(), g.id)
        .await?
        .iter()
        .map(|c| actor_id_of_community(c, &urls).to_string())
        .collect();
    let id = urls.sub(&actor_id_of_community(&g, &urls), "communities");
    let collection = crate::wire::OrderedCollection::of(id.to_string(), items);
    Ok(activitypub_federation::axum::json::FederationJson(collection).into_response())
}

fn ids_of_collection(v: &Value, limit: usize) -> Vec<Url> {
    let items = v.get("orderedItems").or_else(|| v.get("items"));
    match items {
        Some(Value::Array(a)) => a.iter().filter_map(crate::wire::object_id).take(limit).collect(),
        _ => vec![],
    }
}

/// Reads a remote guild's member list and keeps our copy in step (after one of our members
/// starts following it). Failures are logged: the list also arrives as `Add` news.
pub async fn sync_members(data: &Data<AppContext>, guild: &community::Model) {
    if let Err(e) = try_sync_members(data, guild).await {
        tracing::warn!(guild = %guild.name, domain = %guild.domain, error = %e, "cannot read a guild's member list");
    }
}

async fn try_sync_members(data: &Data<AppContext>, guild: &community::Model) -> Result<(), Error> {
    let Some(id) = guild.ap_id.as_deref() else { return Ok(()) };
    let actor = fetch_object_http::<AppContext, Value>(&Url::parse(id)?, data).await?.object;
    let Some(collection) = actor.get("guildCommunities").and_then(crate::wire::object_id) else {
        return Ok(());
    };
    crate::urls::require_same_origin(&collection, &Url::parse(id)?, "guildCommunities")?;
    let list = fetch_object_http::<AppContext, Value>(&collection, data).await?.object;
    let mut members = Vec::new();
    for c in ids_of_collection(&list, MAX_MEMBERS) {
        match ObjectId::<DbGroup>::from(c.clone()).dereference(data).await {
            Ok(g) => members.push(g.model),
            Err(e) => tracing::info!(community = %c, error = %e, "guild member not readable; skipped"),
        }
    }
    guildhall_app::guilds::links::sync_members(data.app_data(), guild, &members).await?;
    Ok(())
}

/// Reads the managers of a remote member community (its `attributedTo` moderators
/// collection, as Lemmy and Guildhall publish it) for the guild's contact directory.
pub(crate) async fn refresh_contacts_of(data: &Data<AppContext>, guild: &community::Model, c: &community::Model) {
    if c.domain.is_empty() || !guildhall_domain::guild::shared_with_guild(c.visibility).managers {
        return;
    }
    if let Err(e) = try_refresh_contacts(data, guild, c).await {
        tracing::info!(community = %c.name, domain = %c.domain, error = %e, "cannot read a community's managers");
    }
}

async fn try_refresh_contacts(
    data: &Data<AppContext>,
    guild: &community::Model,
    c: &community::Model,
) -> Result<(), Error> {
    let Some(id) = c.ap_id.as_deref() else { return Ok(()) };
    let id = Url::parse(id)?;
    let actor = fetch_object_http::<AppContext, Value>(&id, data).await?.object;
    let ids = match actor.get("attributedTo") {
        Some(Value::String(s)) => {
            let url = Url::parse(s)?;
            crate::urls::require_same_origin(&url, &id, "attributedTo")?;
            let list = fetch_object_http::<AppContext, Value>(&url, data).await?.object;
            ids_of_collection(&list, MAX_CONTACTS)
        }
        Some(Value::Array(a)) => a.iter().filter_map(crate::wire::object_id).take(MAX_CONTACTS).collect(),
        _ => vec![],
    };
    let mut contacts = Vec::new();
    for p in ids {
        if let Ok(person) = ObjectId::<DbPerson>::from(p.clone()).dereference(data).await {
            contacts.push(person.id.to_string());
        }
    }
    guildhall_app::guilds::links::set_contacts(data.app_data(), guild.id, c.id, &contacts).await?;
    Ok(())
}
