//! A remote community's recent history, read when it is first looked up and when someone here
//! joins it, so a newcomer finds what was said before (and can answer it): the discussions in
//! its `outbox` and `featured` collections, the replies its server lists in each discussion's
//! `replies` collection, and its follower count. Bounded in items and time.
//!
//! Items embedded in a collection are trusted only when they come from the server that serves
//! the collection; any other is fetched from its own server. A discussion must name the
//! community (in `audience`, `to` or `cc`) or it is skipped.

use std::time::Duration;

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use guildhall_app::AppContext;
use guildhall_app::entities::community;
use guildhall_app::network::Backfilled;
use guildhall_app::receipt::Arrival;
use serde_json::Value;
use url::Url;

use crate::Error;
use crate::objects::{Note, Page, receive_note, receive_page};
use crate::urls::same_origin;

/// At most this many discussions are read.
pub const MAX_DISCUSSIONS: usize = 20;
/// At most this many replies are read, over all discussions.
pub const MAX_REPLIES: usize = 200;
/// A backfill stops reading after this long (what it read is kept).
pub const TIME_BUDGET: Duration = Duration::from_secs(30);
/// Collections are read this many levels deep (an Announce of a Create of a Page is two).
const NESTING: usize = 3;

/// Reads `c`'s recent history within the bounds above.
pub async fn community_history(data: &Data<AppContext>, c: &community::Model) -> Result<Backfilled, Error> {
    let mut done = Backfilled::default();
    let group_id = Url::parse(c.ap_id.as_deref().ok_or(Error::NotFound)?)?;
    match tokio::time::timeout(TIME_BUDGET, read(data, c, &group_id, &mut done)).await {
        Ok(result) => result?,
        Err(_) => tracing::info!(community = %group_id, "backfill stopped at its time budget"),
    }
    Ok(done)
}

async fn read(
    data: &Data<AppContext>,
    c: &community::Model,
    group_id: &Url,
    done: &mut Backfilled,
) -> Result<(), Error> {
    let group = fetch(data, group_id).await?;
    let link = |k: &str| group.get(k).and_then(crate::wire::object_id).filter(|u| same_origin(u, group_id));
    if let Some(followers) = link("followers") {
        match fetch(data, &followers).await {
            Ok(f) => {
                if let Some(n) = f.get("totalItems").and_then(Value::as_i64) {
                    guildhall_app::remote::record_follower_count(data.app_data(), c, n).await?;
                }
            }
            Err(e) => tracing::debug!(collection = %followers, error = %e, "followers not readable"),
        }
    }
    let mut seen = std::collections::HashSet::new();
    for collection in [link("featured"), link("outbox")].into_iter().flatten() {
        let items = match items_of(data, &collection).await {
            Ok(items) => items,
            Err(e) => {
                tracing::info!(collection = %collection, error = %e, "a community collection is not readable");
                continue;
            }
        };
        for item in items {
            if done.discussions >= MAX_DISCUSSIONS {
                done.skipped += 1;
                continue;
            }
            let Some(post) = post_in(data, item, &collection).await else {
                done.skipped += 1;
                continue;
            };
            let id = post.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
            if !seen.insert(id.clone()) {
                continue;
            }
            match discussion(data, post, group_id, done).await {
                Ok(()) => done.discussions += 1,
                Err(e) => {
                    tracing::info!(object = %id, community = %group_id, error = %e, "a discussion was not backfilled");
                    done.skipped += 1;
                }
            }
        }
    }
    Ok(())
}

/// Stores one discussion and then the replies its `replies` collection lists.
async fn discussion(data: &Data<AppContext>, post: Value, group_id: &Url, done: &mut Backfilled) -> Result<(), Error> {
    let replies = post.get("replies").cloned();
    let origin = post.get("id").and_then(crate::wire::object_id).ok_or(Error::BadRequest("no id".into()))?;
    let page: Page = serde_json::from_value(post)?;
    if page.in_reply_to.is_some() || !page.community_candidates().contains(group_id) {
        return Err(Error::BadRequest("not a discussion of this community".into()));
    }
    // Each discussion gets its own budget of fetches (authors, the community).
    let data = &data.reset_request_count();
    receive_page(page, data, Arrival::Backfilled).await?;
    let Some(replies) = replies else { return Ok(()) };
    let list = match replies {
        Value::String(_) => match crate::wire::object_id(&replies) {
            Some(url) if same_origin(&url, &origin) => items_of(data, &url).await?,
            _ => vec![],
        },
        inline => inline_items(data, &inline, &origin).await?,
    };
    for item in list {
        if done.replies >= MAX_REPLIES {
            done.skipped += 1;
            continue;
        }
        let Some(reply) = post_in(data, item, &origin).await else {
            done.skipped += 1;
            continue;
        };
        let note: Result<Note, _> = serde_json::from_value(reply);
        match note {
            Ok(note) if note.in_reply_to.is_some() => match receive_note(note, data, Arrival::Backfilled).await {
                Ok(_) => done.replies += 1,
                Err(e) => {
                    tracing::debug!(error = %e, "a reply was not backfilled");
                    done.skipped += 1;
                }
            },
            _ => done.skipped += 1,
        }
    }
    Ok(())
}

/// The post object an item stands for: the item itself, or the object of the (announced)
/// activity it is; fetched from its own server unless it came from `source`'s.
async fn post_in(data: &Data<AppContext>, item: Value, source: &Url) -> Option<Value> {
    let mut at = item;
    for _ in 0..NESTING {
        let kind = at.get("type").and_then(Value::as_str).unwrap_or_default();
        if matches!(kind, "Announce" | "Create") {
            at = at.get("object")?.clone();
            continue;
        }
        break;
    }
    let id = crate::wire::object_id(&at)?;
    if at.is_object() && same_origin(&id, source) {
        return Some(at);
    }
    fetch(data, &id).await.ok()
}

/// The items of a collection: inline, or on its first page (one page only: these are the
/// newest).
async fn items_of(data: &Data<AppContext>, url: &Url) -> Result<Vec<Value>, Error> {
    let collection = fetch(data, url).await?;
    inline_items(data, &collection, url).await
}

async fn inline_items(data: &Data<AppContext>, collection: &Value, url: &Url) -> Result<Vec<Value>, Error> {
    for key in ["orderedItems", "items"] {
        if let Some(items) = collection.get(key).and_then(Value::as_array) {
            return Ok(items.clone());
        }
    }
    let Some(first) = collection.get("first") else { return Ok(vec![]) };
    let page = match first {
        Value::Object(_) => first.clone(),
        other => match crate::wire::object_id(other) {
            Some(u) if same_origin(&u, url) => fetch(data, &u).await?,
            _ => return Ok(vec![]),
        },
    };
    Ok(["orderedItems", "items"]
        .iter()
        .find_map(|k| page.get(*k).and_then(Value::as_array).cloned())
        .unwrap_or_default())
}

/// A signed GET of an ActivityStreams document.
async fn fetch(data: &Data<AppContext>, url: &Url) -> Result<Value, Error> {
    Ok(fetch_object_http::<AppContext, Value>(url, data).await?.object)
}
