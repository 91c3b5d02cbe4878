//! Lemmy's moderation of a post: `Lock`/`Undo{Lock}` and `Add`/`Remove` to the community's
//! `featured` collection, as we send them (besides the community's own `Update` stating pin and
//! lock) and as a community relays them to us.

use activitypub_federation::config::Data;
use activitypub_federation::traits::Object;
use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::outbox::Sender;
use serde::{Deserialize, Serialize};
use url::Url;

use super::relay::route;
use super::update_delete::SentUpdate;
use crate::Error;
use crate::actors::{DbGroup, actor_id_of_account, actor_id_of_community};
use crate::objects::{DbDiscussion, page_of};
use crate::plan::{Planned, account, discussion_and_community, new_id, with_context};
use crate::urls::Urls;
use crate::wire::UndoOf;
use crate::wire::object_id;

/// Lemmy's moderation of a post: `Lock`, and `Add`/`Remove` to the community's `featured`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum ModerationKind {
    /// Comments closed.
    Lock,
    /// Pinned (target: `featured`).
    Add,
    /// Unpinned (target: `featured`).
    Remove,
}

/// A moderator's `Lock`/`Add`/`Remove` of a discussion, as Lemmy sends it: to the public,
/// `cc` and `audience` the community, `target` last (the `featured` collection).
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct SentModeration {
    /// Activity id.
    pub id: Url,
    /// What was done.
    #[serde(rename = "type")]
    pub kind: ModerationKind,
    /// The moderator.
    pub actor: Url,
    /// The discussion.
    pub object: Url,
    /// The public.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub to: Vec<Url>,
    /// The community.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub cc: Vec<Url>,
    /// The community (FEP-1b12).
    pub audience: Url,
    /// `Add`/`Remove`: the community's `featured` collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

impl SentModeration {
    /// `actor`'s `kind` of `object` in `community` (no target).
    pub fn new(id: Url, kind: ModerationKind, actor: Url, object: Url, community: Url) -> Self {
        SentModeration {
            id,
            kind,
            actor,
            object,
            to: vec![crate::wire::public()],
            cc: vec![community.clone()],
            audience: community,
            target: None,
        }
    }
}

/// A local moderator pinned or locked a discussion of a local community: the community's
/// `Update` to its followers, and Lemmy's shapes relayed as the moderator's.
pub(crate) async fn plan(
    ctx: &AppContext,
    urls: &Urls,
    discussion_id: i64,
    by_account_id: i64,
    pinned: Option<bool>,
    locked: Option<bool>,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let (d, c) = discussion_and_community(ctx, discussion_id).await?;
    if !c.domain.is_empty() {
        return Ok(vec![]);
    }
    // The community itself states pin and lock: it is the authority for both.
    let group = actor_id_of_community(&c, urls);
    let update = SentUpdate::new(new_id(ctx)?, group.clone(), page_of(ctx, &d).await?, group.clone());
    let inboxes = guildhall_app::lookup::follower_inboxes(ctx, c.id, as_of).await?;
    let mut plans = vec![Planned {
        id: update.id.clone(),
        kind: "Update",
        actor: group.clone(),
        json: with_context(update)?,
        sender: Sender::Community(c.id),
        inboxes,
    }];
    // Lemmy's shapes: the moderator's Lock/Undo{Lock} and Add/Remove to `featured`.
    if let Ok(moderator) = account(ctx, by_account_id).await {
        let actor = actor_id_of_account(&moderator, urls);
        let object = crate::objects::discussion_id(&d, urls);
        let base = |kind: ModerationKind| {
            Ok::<_, Error>(SentModeration::new(new_id(ctx)?, kind, actor.clone(), object.clone(), group.clone()))
        };
        let mut lemmy = Vec::new();
        if let Some(on) = locked {
            let lock = base(ModerationKind::Lock)?;
            lemmy.push(if on {
                with_context(lock)?
            } else {
                with_context(UndoOf::new(new_id(ctx)?, actor.clone(), lock, group.clone()))?
            });
        }
        if let Some(on) = pinned {
            let mut add = base(if on { ModerationKind::Add } else { ModerationKind::Remove })?;
            add.target = Some(format!("{group}/featured"));
            lemmy.push(with_context(add)?);
        }
        for activity in lemmy {
            plans.extend(route(ctx, urls, &c, moderator.id, activity, "Moderation", as_of).await?);
        }
    }
    Ok(plans)
}

/// (pinned, locked) changes a Lemmy `Lock`, `Undo{Lock}`, `Add` or `Remove` (featured) makes.
pub(crate) fn moderation_change(activity: &serde_json::Value) -> Option<(Option<bool>, Option<bool>)> {
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

/// Applies a relayed moderation of one of `group`'s own discussions.
pub(crate) async fn apply_moderation(
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

#[cfg(test)]
mod tests {
    use crate::wire::testing::u;

    use serde_json::json;

    use super::{ModerationKind, SentModeration, moderation_change};
    use crate::wire::UndoOf;
    use crate::wire::{PUBLIC, with_context};

    #[test]
    fn lock_pin_and_their_undo_are_written_as_before() {
        let (actor, object, group) =
            (u("https://a.example/u/mod"), u("https://a.example/d/1"), u("https://a.example/c/ux"));
        let id = u("https://a.example/activities/1");
        let base = |kind: &str| {
            json!({
                "id": id,
                "type": kind,
                "actor": actor,
                "object": object,
                "to": [PUBLIC],
                "cc": [group],
                "audience": group,
            })
        };
        let lock = SentModeration::new(id.clone(), ModerationKind::Lock, actor.clone(), object.clone(), group.clone());
        assert_eq!(with_context(&lock).unwrap().to_string(), with_context(base("Lock")).unwrap().to_string());
        let undo_id = u("https://a.example/activities/2");
        let golden = json!({"id": undo_id, "type": "Undo", "actor": actor, "object": base("Lock"),
                            "to": [PUBLIC], "cc": [group], "audience": group});
        let undo = UndoOf::new(undo_id, actor.clone(), lock, group.clone());
        assert_eq!(with_context(&undo).unwrap().to_string(), with_context(golden).unwrap().to_string());
        let mut golden = base("Remove");
        golden["target"] = json!(format!("{group}/featured"));
        let mut remove = SentModeration::new(id, ModerationKind::Remove, actor, object, group.clone());
        remove.target = Some(format!("{group}/featured"));
        assert_eq!(with_context(&remove).unwrap().to_string(), with_context(golden).unwrap().to_string());
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
