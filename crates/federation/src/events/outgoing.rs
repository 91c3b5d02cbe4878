//! Event intents to activities: `Create`/`Update`/`Delete` of an `Event`, announced by its
//! community to remote members' servers (FEP-1b12, with a plain `Announce{Event}` for
//! Mastodon); `Join`/`Leave` to a remote event's community; `Accept`/`Reject{Join}` from a
//! local community to a remote participant.

use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::outbox::Outgoing;
use guildhall_domain::event::ParticipantStatus;
use guildhall_store::entities::{account, community, event};
use guildhall_store::events as store;
use guildhall_store::federation as fed;
use serde_json::{Value, json};
use url::Url;

use super::object::{context, event_json, id_of};
use crate::Error;
use crate::actors::{actor_id_of_account, actor_id_of_community};
use crate::objects::PUBLIC;
use crate::outgoing::{Planned, account, announce, community, inbox_of_community, new_id};
use crate::urls::Urls;

fn planned(
    id: Url,
    kind: &'static str,
    actor: Url,
    json: Value,
    sender: (&'static str, i64),
    inboxes: Vec<(String, String)>,
) -> Planned {
    Planned { id, kind, actor, json, sender_kind: sender.0, sender_id: sender.1, inboxes }
}

/// An activity by `actor` about a local event, stored, and announced by the community to its
/// remote followers (with a plain Announce of the object too, when `object` is given).
/// What one announced activity is made of.
struct Announced<'a> {
    kind: &'static str,
    by: &'a account::Model,
    c: &'a community::Model,
    body: Value,
    plain: Option<Value>,
    /// Also to the remote guilds the community belongs to (public events only).
    to_guilds: bool,
}

async fn announced(
    ctx: &AppContext,
    urls: &Urls,
    a: Announced<'_>,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let Announced { kind, by, c, body, plain, to_guilds } = a;
    let actor = actor_id_of_account(by, urls);
    let group = actor_id_of_community(c, urls);
    let id = new_id(ctx)?;
    let mut json = json!({
        "@context": context(),
        "id": id,
        "type": kind,
        "actor": actor,
        "to": [group.as_str(), PUBLIC],
        "cc": [urls.sub(&group, "followers")],
        "audience": group,
    });
    if let (Some(map), Value::Object(extra)) = (json.as_object_mut(), body) {
        map.extend(extra);
    }
    let mut plans = vec![planned(id, kind, actor, json.clone(), ("account", by.id), vec![])];
    let mut inboxes = fed::remote_follower_inboxes(ctx.db(), c.id, as_of).await?;
    if to_guilds {
        crate::outgoing::with_guild_inboxes(ctx, c, &json, &mut inboxes, as_of).await?;
    }
    if !inboxes.is_empty() {
        plans.push(announce(ctx, urls, c, json, inboxes.clone())?);
        if let Some(object) = plain {
            plans.push(announce(ctx, urls, c, object, inboxes)?);
        }
    }
    Ok(plans)
}

async fn local_event(ctx: &AppContext, id: i64) -> Result<Option<(event::Model, community::Model)>, Error> {
    let Some(e) = store::find_by_id(ctx.db(), id).await? else { return Ok(None) };
    let c = community(ctx, e.community_id).await?;
    Ok((e.ap_id.is_none() && c.domain.is_empty()).then_some((e, c)))
}

/// The activities an event intent becomes.
pub(crate) async fn plan(
    ctx: &AppContext,
    urls: &Urls,
    intent: &Outgoing,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    match intent {
        Outgoing::EventCreated { event_id } | Outgoing::EventUpdated { event_id } => {
            let Some((e, c)) = local_event(ctx, *event_id).await? else { return Ok(vec![]) };
            if e.deleted_at.is_some() {
                return Ok(vec![]);
            }
            let organiser = account(ctx, e.organiser_id).await?;
            let object = event_json(ctx, &e).await?;
            let created = matches!(intent, Outgoing::EventCreated { .. });
            let kind = if created { "Create" } else { "Update" };
            let plain = created.then(|| object.clone());
            let to_guilds = !e.members_only;
            let a = Announced { kind, by: &organiser, c: &c, body: json!({"object": object}), plain, to_guilds };
            announced(ctx, urls, a, as_of).await
        }
        Outgoing::EventDeleted { event_id, by_account_id } => {
            let Some((e, c)) = local_event(ctx, *event_id).await? else { return Ok(vec![]) };
            let by = account(ctx, *by_account_id).await?;
            let object = json!({"id": id_of(ctx, &e)?, "type": "Tombstone", "formerType": "Event"});
            let to_guilds = !e.members_only;
            let a =
                Announced { kind: "Delete", by: &by, c: &c, body: json!({"object": object}), plain: None, to_guilds };
            announced(ctx, urls, a, as_of).await
        }
        Outgoing::EventJoin { participant_id } => {
            let Some(p) = store::find_participant_by_id(ctx.db(), *participant_id).await? else { return Ok(vec![]) };
            let (Some(e), Some(join_id)) = (store::find_by_id(ctx.db(), p.event_id).await?, p.join_ap_id.as_deref())
            else {
                return Ok(vec![]);
            };
            let (a, c) = (account(ctx, p.account_id).await?, community(ctx, e.community_id).await?);
            let actor = actor_id_of_account(&a, urls);
            let json = json!({
                "@context": context(),
                "id": join_id,
                "type": "Join",
                "actor": actor,
                "object": id_of(ctx, &e)?,
                "to": [actor_id_of_community(&c, urls)],
                "participationMessage": "",
            });
            let id = Url::parse(join_id)?;
            Ok(vec![planned(id, "Join", actor, json, ("account", a.id), inbox_of_community(&c).into_iter().collect())])
        }
        Outgoing::EventLeave { event_id, account_id, join_ap_id } => {
            let Some(e) = store::find_by_id(ctx.db(), *event_id).await? else { return Ok(vec![]) };
            let (a, c) = (account(ctx, *account_id).await?, community(ctx, e.community_id).await?);
            let actor = actor_id_of_account(&a, urls);
            let id = new_id(ctx)?;
            let json = json!({
                "@context": context(),
                "id": id,
                "type": "Leave",
                "actor": actor,
                "object": id_of(ctx, &e)?,
                "to": [actor_id_of_community(&c, urls)],
                "participant": join_ap_id,
            });
            Ok(vec![planned(id, "Leave", actor, json, ("account", a.id), inbox_of_community(&c).into_iter().collect())])
        }
        Outgoing::EventRsvpAnswered { participant_id } => {
            let Some(p) = store::find_participant_by_id(ctx.db(), *participant_id).await? else { return Ok(vec![]) };
            let Some((e, c)) = local_event(ctx, p.event_id).await? else { return Ok(vec![]) };
            let (Some(join_id), a) = (p.join_ap_id.as_deref(), account(ctx, p.account_id).await?) else {
                return Ok(vec![]);
            };
            let kind = match ParticipantStatus::parse(&p.status) {
                Some(ParticipantStatus::Going) => "Accept",
                Some(ParticipantStatus::Rejected) => "Reject",
                _ => return Ok(vec![]),
            };
            let json = answer(kind, ctx, urls, &c, &a, join_id, &e)?;
            let (id, group) = (Url::parse(json["id"].as_str().unwrap_or_default())?, actor_id_of_community(&c, urls));
            let inboxes = a.inbox_url.clone().map(|i| (i, a.domain.clone())).into_iter().collect();
            Ok(vec![planned(id, kind, group, json, ("community", c.id), inboxes)])
        }
        Outgoing::EventJoinRefused { event_id, account_id, join_ap_id, ignored } => {
            let Some((e, c)) = local_event(ctx, *event_id).await? else { return Ok(vec![]) };
            let a = account(ctx, *account_id).await?;
            let kind = if *ignored { "Ignore" } else { "Reject" };
            let json = answer(kind, ctx, urls, &c, &a, join_ap_id, &e)?;
            let inboxes = a.inbox_url.clone().map(|i| (i, a.domain.clone())).into_iter().collect();
            let (id, group) = (Url::parse(json["id"].as_str().unwrap_or_default())?, actor_id_of_community(&c, urls));
            Ok(vec![planned(id, kind, group, json, ("community", c.id), inboxes)])
        }
        _ => Ok(vec![]),
    }
}

/// `Accept`/`Reject`/`Ignore` by the community of `person`'s `Join` of `e`, the Join embedded.
fn answer(
    kind: &'static str,
    ctx: &AppContext,
    urls: &Urls,
    c: &community::Model,
    person: &account::Model,
    join_id: &str,
    e: &event::Model,
) -> Result<Value, Error> {
    let group = actor_id_of_community(c, urls);
    let person = actor_id_of_account(person, urls);
    Ok(json!({
        "@context": context(),
        "id": new_id(ctx)?,
        "type": kind,
        "actor": group,
        "to": [person],
        "object": {"id": join_id, "type": "Join", "actor": person, "object": id_of(ctx, e)?},
    }))
}
