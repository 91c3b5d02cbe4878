//! Guild intents as activities: `Offer` (a community asks a guild), `Invite` (a guild asks a
//! community), `Accept`/`Reject` of either, `Remove` (a link ends), `Add` (a guild tells its
//! followers about a new member) and `Announce` (a guild relays a member's public discussion).

use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::entities::community;
use guildhall_app::outbox::Outgoing;
use guildhall_app::outbox::Sender;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::Error;
use crate::actors::actor_id_of_community;
use crate::plan::{Planned, community, inbox_of_community, new_id, with_context};
use crate::urls::{Urls, authority};

/// What a guild activity does.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum GuildKind {
    /// A community asks to join a guild.
    Offer,
    /// A guild asks a community to join.
    Invite,
    /// Yes to an Offer or Invite.
    Accept,
    /// No to an Offer or Invite.
    Reject,
    /// A link ends (to the other side, or news to the guild's followers).
    Remove,
    /// News to the guild's followers: a new member.
    Add,
    /// A guild relays a member's public discussion.
    Announce,
}

impl GuildKind {
    fn name(self) -> &'static str {
        match self {
            GuildKind::Offer => "Offer",
            GuildKind::Invite => "Invite",
            GuildKind::Accept => "Accept",
            GuildKind::Reject => "Reject",
            GuildKind::Remove => "Remove",
            GuildKind::Add => "Add",
            GuildKind::Announce => "Announce",
        }
    }
}

/// A guild activity as we send it: between a guild and a community (`to` the other side), or
/// by a guild to the public and its followers (`cc`).
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct SentGuildActivity<O> {
    /// Activity id.
    pub id: String,
    /// What it does.
    #[serde(rename = "type")]
    pub kind: GuildKind,
    /// The guild or the community.
    pub actor: Url,
    /// A community, a discussion, or the Offer/Invite answered.
    pub object: O,
    /// The guild (Offer, Remove, Add) or the community (Invite).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Url>,
    /// The other side, or the public.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub to: Vec<Url>,
    /// The guild's followers (news only).
    #[serde(default, deserialize_with = "crate::wire::one_or_many", skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<Url>,
}

impl<O> SentGuildActivity<O> {
    fn new(id: String, kind: GuildKind, actor: Url, object: O, target: Option<Url>, to: Url) -> Self {
        SentGuildActivity { id, kind, actor, object, target, to: vec![to], cc: vec![] }
    }
}

/// The `Offer` a community makes of itself to a guild.
pub(crate) fn offer(id: &str, c: &Url, g: &Url) -> SentGuildActivity<Url> {
    SentGuildActivity::new(id.to_owned(), GuildKind::Offer, c.clone(), c.clone(), Some(g.clone()), g.clone())
}

/// The `Invite` a guild extends to a community.
pub(crate) fn invite(id: &str, g: &Url, c: &Url) -> SentGuildActivity<Url> {
    SentGuildActivity::new(id.to_owned(), GuildKind::Invite, g.clone(), g.clone(), Some(c.clone()), c.clone())
}

fn plan_one(
    id: Url,
    kind: &'static str,
    sender: &community::Model,
    actor: Url,
    json: Value,
    inboxes: Vec<(String, String)>,
) -> Planned {
    Planned { id, kind, actor, json, sender: Sender::Community(sender.id), inboxes }
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
            let Some(link) = guildhall_app::lookup::guild_link(ctx, *link_id).await? else { return Ok(vec![]) };
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
            let Some(link) = guildhall_app::lookup::guild_link(ctx, *link_id).await? else { return Ok(vec![]) };
            let (g, c) = (community(ctx, link.guild_id).await?, community(ctx, link.community_id).await?);
            let offer_id = link.offer_ap_id.clone().unwrap_or_default();
            answer(GuildKind::Accept, ctx, urls, &g, &c, *by_guild, &offer_id)
        }
        Outgoing::GuildReject { guild_id, community_id, by_guild, offer_ap_id } => {
            let (g, c) = (community(ctx, *guild_id).await?, community(ctx, *community_id).await?);
            answer(GuildKind::Reject, ctx, urls, &g, &c, *by_guild, offer_ap_id.as_deref().unwrap_or_default())
        }
        Outgoing::GuildRemove { guild_id, community_id, by_guild, tell_other_side, tell_followers } => {
            let (g, c) = (community(ctx, *guild_id).await?, community(ctx, *community_id).await?);
            let (gid, cid) = (actor_id_of_community(&g, urls), actor_id_of_community(&c, urls));
            let mut plans = Vec::new();
            if *tell_other_side {
                let (sender, actor, other) = if *by_guild { (&g, &gid, &c) } else { (&c, &cid, &g) };
                let to = actor_id_of_community(other, urls);
                let id = new_id(ctx)?;
                let remove = SentGuildActivity::new(
                    id.to_string(),
                    GuildKind::Remove,
                    actor.clone(),
                    cid.clone(),
                    Some(gid.clone()),
                    to,
                );
                let json = with_context(remove)?;
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
                plans.push(to_followers(ctx, urls, &g, GuildKind::Remove, cid, Some(gid), as_of).await?);
            }
            Ok(plans)
        }
        Outgoing::GuildAdd { guild_id, community_id } => {
            let (g, c) = (community(ctx, *guild_id).await?, community(ctx, *community_id).await?);
            let (gid, cid) = (actor_id_of_community(&g, urls), actor_id_of_community(&c, urls));
            Ok(vec![to_followers(ctx, urls, &g, GuildKind::Add, cid, Some(gid), as_of).await?])
        }
        Outgoing::GuildRelay { guild_id, discussion_id } => {
            let Some(d) = guildhall_app::lookup::discussion(ctx, *discussion_id).await? else { return Ok(vec![]) };
            let (g, c) = (community(ctx, *guild_id).await?, community(ctx, d.community_id).await?);
            // Checked again here: the community may have become private since.
            if d.deleted_at.is_some() || !guildhall_domain::visibility::relayed_to_guilds(c.visibility, d.members_only)
            {
                return Ok(vec![]);
            }
            let object = crate::objects::discussion_id(&d, urls);
            let mut plan = to_followers(ctx, urls, &g, GuildKind::Announce, object.clone(), None, as_of).await?;
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
    kind: GuildKind,
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
    let json = with_context(SentGuildActivity::new(id.to_string(), kind, actor.clone(), object, None, to))?;
    Ok(vec![plan_one(id, kind.name(), sender, actor.clone(), json, inbox_of_community(other).into_iter().collect())])
}

/// An activity by a local guild to the public and its followers.
async fn to_followers(
    ctx: &AppContext,
    urls: &Urls,
    g: &community::Model,
    kind: GuildKind,
    object: Url,
    target: Option<Url>,
    as_of: DateTime<Utc>,
) -> Result<Planned, Error> {
    let gid = actor_id_of_community(g, urls);
    let followers = urls.sub(&gid, "followers");
    let id = new_id(ctx)?;
    let mut activity = SentGuildActivity::new(id.to_string(), kind, gid.clone(), object, target, crate::wire::public());
    activity.cc = vec![followers];
    let json = with_context(activity)?;
    let inboxes = guildhall_app::lookup::follower_inboxes(ctx, g.id, as_of).await?;
    Ok(plan_one(id, kind.name(), g, gid, json, inboxes))
}

#[cfg(test)]
mod tests {
    use crate::wire::testing::u;
    use serde_json::json;

    use super::*;
    use crate::wire::PUBLIC;

    #[test]
    fn guild_activities_are_written_as_before() {
        let (c, g, id) =
            (u("https://a.example/c/ux"), u("https://b.example/c/guild"), "https://a.example/activities/1");
        // What `offer`, `invite`, `answer` and `to_followers` wrote by hand.
        let offer_golden = json!({"id": id, "type": "Offer", "actor": c, "object": c, "target": g, "to": [g]});
        assert_eq!(
            with_context(offer(id, &c, &g)).unwrap().to_string(),
            with_context(&offer_golden).unwrap().to_string()
        );
        let invite_golden = json!({"id": id, "type": "Invite", "actor": g, "object": g, "target": c, "to": [c]});
        assert_eq!(
            with_context(invite(id, &g, &c)).unwrap().to_string(),
            with_context(invite_golden).unwrap().to_string()
        );
        let aid = u("https://b.example/activities/2");
        let golden = json!({"id": aid, "type": "Accept", "actor": g, "object": offer_golden, "to": [c]});
        let sent =
            SentGuildActivity::new(aid.to_string(), GuildKind::Accept, g.clone(), offer(id, &c, &g), None, c.clone());
        assert_eq!(with_context(sent).unwrap().to_string(), with_context(golden).unwrap().to_string());
        let golden = json!({"id": aid, "type": "Remove", "actor": c, "object": c, "target": g, "to": [g]});
        let sent = SentGuildActivity::new(
            aid.to_string(),
            GuildKind::Remove,
            c.clone(),
            c.clone(),
            Some(g.clone()),
            g.clone(),
        );
        assert_eq!(with_context(sent).unwrap().to_string(), with_context(golden).unwrap().to_string());
        let followers = u("https://b.example/c/guild/followers");
        for (kind, name, target) in [(GuildKind::Add, "Add", Some(g.clone())), (GuildKind::Announce, "Announce", None)]
        {
            let mut golden = json!({"id": aid, "type": name, "actor": g});
            let mut fields = match &target {
                Some(t) => json!({"object": c, "target": t}),
                None => json!({"object": c}),
            };
            fields["to"] = json!([PUBLIC]);
            fields["cc"] = json!([followers]);
            if let (Some(o), Value::Object(extra)) = (golden.as_object_mut(), fields) {
                o.extend(extra);
            }
            let mut sent =
                SentGuildActivity::new(aid.to_string(), kind, g.clone(), c.clone(), target, crate::wire::public());
            sent.cc = vec![followers.clone()];
            assert_eq!(with_context(sent).unwrap().to_string(), with_context(golden).unwrap().to_string());
        }
    }
}
