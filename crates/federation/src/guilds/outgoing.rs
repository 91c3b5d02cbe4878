//! Guild intents as activities: `Offer` (a community asks a guild), `Invite` (a guild asks a
//! community), `Accept`/`Reject` of either, `Remove` (a link ends), `Add` (a guild tells its
//! followers about a new member) and `Announce` (a guild relays a member's public discussion).

use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::outbox::Outgoing;
use guildhall_store::entities::community;
use guildhall_store::federation as fed;
use guildhall_store::{discussions, guilds as store};
use serde_json::{Value, json};
use url::Url;

use crate::Error;
use crate::actors::actor_id_of_community;
use crate::objects::PUBLIC;
use crate::outgoing::{Planned, community, inbox_of_community, new_id, with_context};
use crate::urls::{Urls, authority};

/// The `Offer` a community makes of itself to a guild.
pub(crate) fn offer(id: &str, c: &Url, g: &Url) -> Value {
    json!({"id": id, "type": "Offer", "actor": c, "object": c, "target": g, "to": [g]})
}

/// The `Invite` a guild extends to a community.
pub(crate) fn invite(id: &str, g: &Url, c: &Url) -> Value {
    json!({"id": id, "type": "Invite", "actor": g, "object": g, "target": c, "to": [c]})
}

fn plan_one(
    id: Url,
    kind: &'static str,
    sender: &community::Model,
    actor: Url,
    json: Value,
    inboxes: Vec<(String, String)>,
) -> Planned {
    Planned { id, kind, actor, json, sender_kind: "community", sender_id: sender.id, inboxes }
}

fn activity(id: &Url, kind: &str, actor: &Url, fields: Value) -> Result<Value, Error> {
    let mut v = json!({"id": id, "type": kind, "actor": actor});
    if let (Some(o), Value::Object(extra)) = (v.as_object_mut(), fields) {
        o.extend(extra);
    }
    with_context(v)
}

/// The activities a guild intent becomes.
pub(crate) async fn plan(
    ctx: &AppContext,
    urls: &Urls,
    intent: &Outgoing,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    match intent {
        Outgoing::GuildOffer { link_id } | Outgoing::GuildInvite { link_id } => {
            let Some(link) = store::find_link_by_id(ctx.db(), *link_id).await? else { return Ok(vec![]) };
            let (g, c) = (community(ctx, link.guild_id).await?, community(ctx, link.community_id).await?);
            let (gid, cid) = (actor_id_of_community(&g, urls), actor_id_of_community(&c, urls));
            let ap_id = link.offer_ap_id.clone().unwrap_or_else(|| ctx.instance().new_activity_id());
            let id = Url::parse(&ap_id)?;
            Ok(vec![if matches!(intent, Outgoing::GuildOffer { .. }) {
                plan_one(
                    id,
                    "Offer",
                    &c,
                    cid.clone(),
                    with_context(offer(&ap_id, &cid, &gid))?,
                    inbox_of_community(&g).into_iter().collect(),
                )
            } else {
                plan_one(
                    id,
                    "Invite",
                    &g,
                    gid.clone(),
                    with_context(invite(&ap_id, &gid, &cid))?,
                    inbox_of_community(&c).into_iter().collect(),
                )
            }])
        }
        Outgoing::GuildAccept { link_id, by_guild } => {
            let Some(link) = store::find_link_by_id(ctx.db(), *link_id).await? else { return Ok(vec![]) };
            let (g, c) = (community(ctx, link.guild_id).await?, community(ctx, link.community_id).await?);
            let offer_id = link.offer_ap_id.clone().unwrap_or_default();
            answer("Accept", ctx, urls, &g, &c, *by_guild, &offer_id)
        }
        Outgoing::GuildReject { guild_id, community_id, by_guild, offer_ap_id } => {
            let (g, c) = (community(ctx, *guild_id).await?, community(ctx, *community_id).await?);
            answer("Reject", ctx, urls, &g, &c, *by_guild, offer_ap_id.as_deref().unwrap_or_default())
        }
        Outgoing::GuildRemove { guild_id, community_id, by_guild, tell_other_side, tell_followers } => {
            let (g, c) = (community(ctx, *guild_id).await?, community(ctx, *community_id).await?);
            let (gid, cid) = (actor_id_of_community(&g, urls), actor_id_of_community(&c, urls));
            let mut plans = Vec::new();
            if *tell_other_side {
                let (sender, actor, other) = if *by_guild { (&g, &gid, &c) } else { (&c, &cid, &g) };
                let to = actor_id_of_community(other, urls);
                let id = new_id(ctx)?;
                let json = activity(&id, "Remove", actor, json!({"object": cid, "target": gid, "to": [to]}))?;
                plans.push(plan_one(
                    id,
                    "Remove",
                    sender,
                    actor.clone(),
                    json,
                    inbox_of_community(other).into_iter().collect(),
                ));
            }
            if *tell_followers && g.domain.is_empty() {
                plans.push(to_followers(ctx, urls, &g, "Remove", json!({"object": cid, "target": gid}), as_of).await?);
            }
            Ok(plans)
        }
        Outgoing::GuildAdd { guild_id, community_id } => {
            let (g, c) = (community(ctx, *guild_id).await?, community(ctx, *community_id).await?);
            let (gid, cid) = (actor_id_of_community(&g, urls), actor_id_of_community(&c, urls));
            Ok(vec![to_followers(ctx, urls, &g, "Add", json!({"object": cid, "target": gid}), as_of).await?])
        }
        Outgoing::GuildRelay { guild_id, discussion_id } => {
            let Some(d) = discussions::find_by_id(ctx.db(), *discussion_id).await? else { return Ok(vec![]) };
            let (g, c) = (community(ctx, *guild_id).await?, community(ctx, d.community_id).await?);
            // Checked again here: the community may have become private since.
            if d.deleted_at.is_some() || !guildhall_domain::visibility::relayed_to_guilds(c.visibility, d.members_only)
            {
                return Ok(vec![]);
            }
            let object = crate::objects::discussion_id(&d, urls);
            let mut plan = to_followers(ctx, urls, &g, "Announce", json!({"object": object}), as_of).await?;
            // The post's own server already has it.
            let origin = authority(&object);
            plan.inboxes.retain(|(_, domain)| *domain != origin);
            Ok(vec![plan])
        }
        _ => Ok(vec![]),
    }
}

/// `Accept`/`Reject` of the other side's `Offer` (answered by the guild) or `Invite`
/// (answered by the community).
fn answer(
    kind: &'static str,
    ctx: &AppContext,
    urls: &Urls,
    g: &community::Model,
    c: &community::Model,
    by_guild: bool,
    offer_id: &str,
) -> Result<Vec<Planned>, Error> {
    let (gid, cid) = (actor_id_of_community(g, urls), actor_id_of_community(c, urls));
    let id = new_id(ctx)?;
    let (sender, actor, object, other) =
        if by_guild { (g, &gid, offer(offer_id, &cid, &gid), c) } else { (c, &cid, invite(offer_id, &gid, &cid), g) };
    let to = actor_id_of_community(other, urls);
    let json = activity(&id, kind, actor, json!({"object": object, "to": [to]}))?;
    Ok(vec![plan_one(id, kind, sender, actor.clone(), json, inbox_of_community(other).into_iter().collect())])
}

/// An activity by a local guild to the public and its followers.
async fn to_followers(
    ctx: &AppContext,
    urls: &Urls,
    g: &community::Model,
    kind: &'static str,
    fields: Value,
    as_of: DateTime<Utc>,
) -> Result<Planned, Error> {
    let gid = actor_id_of_community(g, urls);
    let followers = urls.sub(&gid, "followers");
    let id = new_id(ctx)?;
    let mut fields = fields;
    if let Some(o) = fields.as_object_mut() {
        o.insert("to".into(), json!([PUBLIC]));
        o.insert("cc".into(), json!([followers]));
    }
    let json = activity(&id, kind, &gid, fields)?;
    let inboxes = fed::remote_follower_inboxes(ctx.db(), g.id, as_of).await?;
    Ok(plan_one(id, kind, g, gid, json, inboxes))
}
