//! Bans from a community in Lemmy's shape: a `Block` of the person with the community as
//! `target` (and its `Undo`), as we send them and as a community relays them to us.

use activitypub_federation::config::Data;
use activitypub_federation::traits::Object;
use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::entities::community;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::relay::route;
use crate::Error;
use crate::actors::{DbGroup, actor_id_of_account, actor_id_of_community};
use crate::plan::{Planned, account, community, new_id, with_context};
use crate::urls::{Urls, is_local};
use crate::wire::UndoOf;
use crate::wire::object_id;

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
enum BlockKind {
    Block,
}

/// A ban from a community, as Lemmy sends it: `Block` of the person with the community as
/// `target`; `summary` (the reason) and `expires` only when there are.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SentBlock {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    kind: BlockKind,
    /// The moderator.
    pub actor: Url,
    /// The person banned.
    pub object: Url,
    /// The community.
    pub target: Url,
    /// The public.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub to: Vec<Url>,
    /// The community.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub cc: Vec<Url>,
    /// The community (FEP-1b12).
    pub audience: Url,
    /// Lemmy: whether the person's content goes too (never: we keep it).
    pub remove_data: bool,
    /// The reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// When the ban ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<DateTime<Utc>>,
}

/// A local community banned a member: the moderator's `Block`, relayed to the followers and
/// sent to the banned person's server.
pub(crate) async fn plan_ban(
    ctx: &AppContext,
    urls: &Urls,
    membership_id: i64,
    by_account_id: i64,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let Some(m) = guildhall_app::lookup::membership(ctx, membership_id).await? else {
        return Ok(vec![]);
    };
    let (c, person) = (community(ctx, m.community_id).await?, account(ctx, m.account_id).await?);
    let block = block_json(ctx, urls, &c, &person, by_account_id, m.ban_reason.as_deref(), m.ban_expires_at).await?;
    ban_plans(ctx, urls, &c, &person, by_account_id, with_context(block)?, "Block", as_of).await
}

/// A local community lifted a ban: `Undo{Block}`, to the same audience.
pub(crate) async fn plan_unban(
    ctx: &AppContext,
    urls: &Urls,
    community_id: i64,
    account_id: i64,
    by_account_id: i64,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let (c, person) = (community(ctx, community_id).await?, account(ctx, account_id).await?);
    let block = block_json(ctx, urls, &c, &person, by_account_id, None, None).await?;
    let undo = UndoOf::new(new_id(ctx)?, block.actor.clone(), block, actor_id_of_community(&c, urls));
    ban_plans(ctx, urls, &c, &person, by_account_id, with_context(undo)?, "Undo", as_of).await
}

async fn block_json(
    ctx: &AppContext,
    urls: &Urls,
    c: &community::Model,
    person: &guildhall_app::entities::account::Model,
    by: i64,
    reason: Option<&str>,
    expires: Option<DateTime<Utc>>,
) -> Result<SentBlock, Error> {
    let moderator = account(ctx, by).await?;
    let group = actor_id_of_community(c, urls);
    Ok(SentBlock {
        id: new_id(ctx)?,
        kind: BlockKind::Block,
        actor: actor_id_of_account(&moderator, urls),
        object: actor_id_of_account(person, urls),
        target: group.clone(),
        to: vec![crate::wire::public()],
        cc: vec![group.clone()],
        audience: group,
        remove_data: false,
        summary: reason.map(str::to_owned),
        expires,
    })
}

/// A ban is announced to the community's followers and sent to the banned person's server.
#[allow(clippy::too_many_arguments)]
async fn ban_plans(
    ctx: &AppContext,
    urls: &Urls,
    c: &community::Model,
    person: &guildhall_app::entities::account::Model,
    by: i64,
    activity: Value,
    kind: &'static str,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let mut plans = route(ctx, urls, c, by, activity, kind, as_of).await?;
    if let (Some(inbox), false) =
        (person.shared_inbox_url.clone().or(person.inbox_url.clone()), person.domain.is_empty())
        && let Some(announce) = plans.iter_mut().find(|p| p.kind == "Announce")
        && !announce.inboxes.iter().any(|(i, _)| *i == inbox)
    {
        announce.inboxes.push((inbox, person.domain.clone()));
    }
    Ok(plans)
}

/// (person, banned?, expiry) of a `Block`/`Undo{Block}` whose target is `group`.
pub(crate) fn ban_change(
    activity: &serde_json::Value,
    group: &Url,
) -> Option<(Url, bool, Option<chrono::DateTime<chrono::Utc>>)> {
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

/// Records a relayed ban of one of our own members.
pub(crate) async fn apply_ban(
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

#[cfg(test)]
mod tests {
    use crate::wire::testing::u;
    use chrono::{TimeZone, Utc};
    use serde_json::json;

    use super::{BlockKind, SentBlock};
    use crate::wire::UndoOf;
    use crate::wire::{PUBLIC, public, with_context};

    #[test]
    fn bans_and_their_undo_are_written_as_before() {
        let (actor, person, group) =
            (u("https://a.example/u/mod"), u("https://b.example/u/bob"), u("https://a.example/c/ux"));
        let id = u("https://a.example/activities/1");
        let expires = Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap();
        for (reason, until) in [(None, None), (Some("spam"), Some(expires))] {
            let mut golden = json!({
                "id": id,
                "type": "Block",
                "actor": actor,
                "object": person,
                "target": group,
                "to": [PUBLIC],
                "cc": [group],
                "audience": group,
                "removeData": false,
            });
            if let Some(r) = reason {
                golden["summary"] = json!(r);
            }
            if let Some(e) = until {
                golden["expires"] = json!(e);
            }
            let block = SentBlock {
                id: id.clone(),
                kind: BlockKind::Block,
                actor: actor.clone(),
                object: person.clone(),
                target: group.clone(),
                to: vec![public()],
                cc: vec![group.clone()],
                audience: group.clone(),
                remove_data: false,
                summary: reason.map(str::to_owned),
                expires: until,
            };
            assert_eq!(with_context(&block).unwrap().to_string(), with_context(&golden).unwrap().to_string());
            let undo_id = u("https://a.example/activities/2");
            let undo_golden = json!({
                "id": undo_id,
                "type": "Undo",
                "actor": golden["actor"],
                "object": golden,
                "to": [PUBLIC],
                "cc": [group],
                "audience": group,
            });
            let undo = UndoOf::new(undo_id, block.actor.clone(), block, group.clone());
            assert_eq!(with_context(&undo).unwrap().to_string(), with_context(undo_golden).unwrap().to_string());
        }
    }
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
}
