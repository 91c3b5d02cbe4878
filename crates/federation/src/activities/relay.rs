//! How a local community relays to its followers (FEP-1b12): the `Announce` we send, and
//! [`route`], which sends a person's activity to a remote community's inbox or has our
//! community announce it. Every activity's build uses it; it imports no other activity.

use activitypub_federation::kinds::activity::AnnounceType;
use activitypub_federation::protocol::helpers::deserialize_one_or_many;
use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::entities::community;
use guildhall_app::outbox::Sender;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::Error;
use crate::actors::{actor_id_of_account, actor_id_of_community};
use crate::plan::{Planned, account, inbox_of_community, new_id, with_context};
use crate::urls::Urls;

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

/// The community's `Announce` of `object` (an activity or a post) to `inboxes`, addressed to
/// its followers only when the object was not public. The object keeps its own `@context`
/// (FEP-1b12: announced as received): JSON-LD readers such as Fedify otherwise drop the terms
/// it defines beyond ActivityStreams (`sensitive`, `Hashtag`, `Emoji`).
pub(crate) fn announce(
    ctx: &AppContext,
    urls: &Urls,
    c: &community::Model,
    object: Value,
    inboxes: Vec<(String, String)>,
) -> Result<Planned, Error> {
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

/// Where a person's activity in community `c` goes: the remote community's inbox, or the
/// local community's followers as an Announce.
pub(crate) async fn route(
    ctx: &AppContext,
    urls: &Urls,
    c: &community::Model,
    person_id: i64,
    activity: Value,
    kind: &'static str,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let a = account(ctx, person_id).await?;
    if !a.domain.is_empty() {
        return Ok(vec![]);
    }
    let actor = actor_id_of_account(&a, urls);
    let id = Url::parse(activity.get("id").and_then(|i| i.as_str()).unwrap_or_default())?;
    let own = |inboxes| Planned {
        id: id.clone(),
        kind,
        actor: actor.clone(),
        json: activity.clone(),
        sender: Sender::Account(a.id),
        inboxes,
    };
    if !c.domain.is_empty() {
        return Ok(vec![own(inbox_of_community(c).into_iter().collect())]);
    }
    let inboxes = guildhall_app::lookup::follower_inboxes(ctx, c.id, as_of).await?;
    let relayed = announce(ctx, urls, c, activity.clone(), inboxes)?;
    Ok(vec![own(vec![]), relayed])
}
