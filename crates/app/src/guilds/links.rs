//! Joining a guild by mutual consent, and leaving it. Each side says yes on its own server:
//! a community's moderators ask (or accept an invitation), a guild's stewards invite (or
//! accept a request). Either side may end the link at any time.

pub use guildhall_domain::guild::Side;
use guildhall_domain::guild::{Consent, LinkState, check_link, consent};
use guildhall_domain::{Denied, Invalid};
use guildhall_store::entities::{community, guild_link};
use guildhall_store::{DatabaseTransaction, guilds as store};

use super::{GuildLinkView, handle_of, is_guild, load_guild};
use crate::communities::load;
use crate::outbox::{self, Outgoing};
use crate::{AppContext, Error, Result, Viewer};

fn refused(e: guildhall_domain::guild::LinkRefused) -> Error {
    Invalid::new("guild", e.to_string()).into()
}

fn view(link: &guild_link::Model, guild: &community::Model) -> Result<GuildLinkView> {
    Ok(GuildLinkView {
        guild: handle_of(guild),
        title: guild.title.clone(),
        instance: guild.domain.clone(),
        state: link.state,
    })
}

/// Records what an activated link needs to tell: the other side (if remote, when it asked
/// first) and the guild's followers (if the guild is ours).
async fn activated(
    txn: &DatabaseTransaction,
    link: &guild_link::Model,
    guild: &community::Model,
    community: &community::Model,
    by: Side,
) -> Result<()> {
    let other_is_remote = match by {
        Side::Guild => !community.domain.is_empty(),
        Side::Community => !guild.domain.is_empty(),
    };
    if other_is_remote {
        outbox::record(txn, &Outgoing::GuildAccept { link_id: link.id, by_guild: by == Side::Guild }).await?;
    }
    if guild.domain.is_empty() {
        outbox::record(txn, &Outgoing::GuildAdd { guild_id: guild.id, community_id: community.id }).await?;
    }
    Ok(())
}

/// One side says yes. `acting` is the local person (None when the yes came from elsewhere),
/// `offer_ap_id` the received Offer/Invite (None for local consent: a new id is made when the
/// other side must be asked).
async fn say_yes(
    ctx: &AppContext,
    guild: &community::Model,
    community: &community::Model,
    by: Side,
    acting: Option<i64>,
    offer_ap_id: Option<String>,
) -> Result<guild_link::Model> {
    check_link(is_guild(guild), is_guild(community)).map_err(refused)?;
    let txn = crate::receipt::begin_write(ctx).await?;
    // Serialises concurrent answers about the same guild.
    guildhall_store::communities::lock(&txn, guild.id).await?;
    let current = match store::find_link(&txn, guild.id, community.id).await? {
        Some(l) => Some(l.state),
        None => None,
    };
    let now = chrono::Utc::now();
    // The side asked, and the side that asked, as guild and community.
    let (asked, asker) = match by {
        Side::Community => (guild, community),
        Side::Guild => (community, guild),
    };
    let mut told = Vec::new();
    let link = match consent(current, by) {
        Consent::Opened(state) => {
            let other_is_remote = match by {
                Side::Community => !guild.domain.is_empty(),
                Side::Guild => !community.domain.is_empty(),
            };
            let offer_ap_id = match (offer_ap_id, other_is_remote && acting.is_some()) {
                (Some(id), _) => Some(id),
                (None, true) => Some(ctx.instance().new_activity_id()),
                (None, false) => None,
            };
            let change = store::LinkChange { state, initiated_by: acting, offer_ap_id };
            let link = store::save_link(&txn, guild.id, community.id, change, now).await?;
            if other_is_remote && acting.is_some() {
                let intent = match state {
                    LinkState::Requested => Outgoing::GuildOffer { link_id: link.id },
                    _ => Outgoing::GuildInvite { link_id: link.id },
                };
                outbox::record(&txn, &intent).await?;
            }
            // The other side's moderators must answer: tell those who are here.
            told = crate::notifying::guild_link_requested(&txn, asked, asker, acting).await?;
            link
        }
        Consent::Completed => {
            let change = store::LinkChange { state: LinkState::Active, initiated_by: None, offer_ap_id: None };
            let link = store::save_link(&txn, guild.id, community.id, change, now).await?;
            // Answering a remote side's ask: tell it. A yes that came from the remote side
            // itself (acting is None) needs no answer, only the followers' news.
            if acting.is_some() {
                activated(&txn, &link, guild, community, by).await?;
            } else if guild.domain.is_empty() {
                outbox::record(&txn, &Outgoing::GuildAdd { guild_id: guild.id, community_id: community.id }).await?;
            }
            // This yes answers the other side's ask: its moderators hear it was accepted.
            told = crate::notifying::guild_link_answered(&txn, asked, asker, true, acting).await?;
            link
        }
        Consent::Unchanged(_) => {
            store::find_link(&txn, guild.id, community.id).await?.ok_or(Error::NotFound("link"))?
        }
    };
    txn.commit().await?;
    ctx.wake_delivery();
    crate::live::notified(ctx, &told);
    tracing::info!(guild = %handle_of(guild), community = %handle_of(community), state = %link.state, "guild link consent");
    Ok(link)
}

/// A community's moderators ask to join `guild` (or accept its invitation).
pub async fn community_joins(
    ctx: &AppContext,
    viewer: &Viewer,
    community: &str,
    guild: &community::Model,
) -> Result<GuildLinkView> {
    let l = load(ctx, Some(viewer), community).await?;
    l.access.moderate()?;
    if !l.community.domain.is_empty() {
        return Err(Invalid::new("community", "a community joins guilds from its own server").into());
    }
    let link = say_yes(ctx, guild, &l.community, Side::Community, Some(viewer.account_id), None).await?;
    view(&link, guild)
}

/// A guild's stewards invite `community` (or accept its request).
pub async fn guild_invites(
    ctx: &AppContext,
    viewer: &Viewer,
    guild: &str,
    community: &community::Model,
) -> Result<super::GuildMemberView> {
    let l = load_guild(ctx, Some(viewer), guild).await?;
    l.access.moderate()?;
    if !l.community.domain.is_empty() {
        return Err(Denied::ModeratorsOnly.into()); // a remote guild is managed on its own server
    }
    let link = say_yes(ctx, &l.community, community, Side::Guild, Some(viewer.account_id), None).await?;
    super::member_view(&link, community)
}

/// Ends a link (or declines or withdraws a pending one) and records who must hear of it.
async fn end(
    ctx: &AppContext,
    guild: &community::Model,
    community: &community::Model,
    by: Side,
    acting: i64,
) -> Result<()> {
    let txn = crate::receipt::begin_write(ctx).await?;
    let Some(link) = store::find_link(&txn, guild.id, community.id).await? else {
        return Err(Error::NotFound("guild link"));
    };
    store::delete_link(&txn, guild.id, community.id).await?;
    let state = link.state;
    let by_guild = by == Side::Guild;
    let other_is_remote = if by_guild { !community.domain.is_empty() } else { !guild.domain.is_empty() };
    // Declining the other side's ask is a Reject; anything else (leaving, removing,
    // withdrawing our own ask) is a Remove.
    let declining = matches!((state, by), (LinkState::Requested, Side::Guild) | (LinkState::Invited, Side::Community));
    let told = match declining {
        true => refused_to(&txn, guild, community, by, Some(acting)).await?,
        false => Vec::new(),
    };
    if declining && other_is_remote {
        let intent = Outgoing::GuildReject {
            guild_id: guild.id,
            community_id: community.id,
            by_guild,
            offer_ap_id: link.offer_ap_id.clone(),
        };
        outbox::record(&txn, &intent).await?;
    } else if other_is_remote || (guild.domain.is_empty() && state == LinkState::Active) {
        let intent = Outgoing::GuildRemove {
            guild_id: guild.id,
            community_id: community.id,
            by_guild,
            tell_other_side: other_is_remote,
            tell_followers: guild.domain.is_empty() && state == LinkState::Active,
        };
        outbox::record(&txn, &intent).await?;
    }
    txn.commit().await?;
    ctx.wake_delivery();
    crate::live::notified(ctx, &told);
    tracing::info!(guild = %handle_of(guild), community = %handle_of(community), was = %link.state, "guild link ended");
    Ok(())
}

/// A community's moderators leave `guild` (or decline its invitation, or withdraw their ask).
pub async fn community_leaves(ctx: &AppContext, viewer: &Viewer, community: &str, guild: &str) -> Result<()> {
    let l = load(ctx, Some(viewer), community).await?;
    l.access.moderate()?;
    let g = crate::communities::find(ctx, guild).await?.filter(is_guild).ok_or(Error::NotFound("guild"))?;
    end(ctx, &g, &l.community, Side::Community, viewer.account_id).await
}

/// A guild's stewards remove `community` (or decline its request, or withdraw an invitation).
pub async fn guild_removes(ctx: &AppContext, viewer: &Viewer, guild: &str, community: &str) -> Result<()> {
    let l = load_guild(ctx, Some(viewer), guild).await?;
    l.access.moderate()?;
    if !l.community.domain.is_empty() {
        return Err(Denied::ModeratorsOnly.into());
    }
    let c = crate::communities::find(ctx, community).await?.ok_or(Error::NotFound("community"))?;
    end(ctx, &l.community, &c, Side::Guild, viewer.account_id).await
}

/// The remote side asked: a remote community's `Offer` to a local guild (`by` the
/// community) or a remote guild's `Invite` to a local community (`by` the guild). If our side
/// had already asked, the link is now active.
pub async fn receive_ask(
    ctx: &AppContext,
    guild: &community::Model,
    community: &community::Model,
    by: Side,
    ask_ap_id: &str,
) -> Result<LinkState> {
    let link = say_yes(ctx, guild, community, by, None, Some(ask_ap_id.to_owned())).await?;
    Ok(link.state)
}

/// The remote side accepted: `from` is the remote guild (accepting our community's request)
/// or the remote community (accepting our guild's invitation). Returns whether a pending link
/// became active.
pub async fn receive_acceptance(
    ctx: &AppContext,
    guild: &community::Model,
    community: &community::Model,
    from_guild: bool,
) -> Result<bool> {
    let Some(link) = store::find_link(ctx.db(), guild.id, community.id).await? else { return Ok(false) };
    let expected = if from_guild { LinkState::Requested } else { LinkState::Invited };
    if link.state != expected {
        return Ok(false);
    }
    say_yes(ctx, guild, community, if from_guild { Side::Guild } else { Side::Community }, None, None).await?;
    Ok(true)
}

/// The remote side declined or ended the link (`Reject` or `Remove`). Returns whether there
/// was a link.
pub async fn receive_end(
    ctx: &AppContext,
    guild: &community::Model,
    community: &community::Model,
    from_guild: bool,
) -> Result<bool> {
    let Some(link) = store::find_link(ctx.db(), guild.id, community.id).await? else { return Ok(false) };
    let txn = crate::receipt::begin_write(ctx).await?;
    store::delete_link(&txn, guild.id, community.id).await?;
    // The side that was asked declining (not the asker withdrawing) answers the ask.
    let by = if from_guild { Side::Guild } else { Side::Community };
    let declined =
        matches!((link.state, by), (LinkState::Requested, Side::Guild) | (LinkState::Invited, Side::Community));
    let told = match declined {
        true => refused_to(&txn, guild, community, by, None).await?,
        false => Vec::new(),
    };
    if guild.domain.is_empty() && link.state == LinkState::Active {
        let intent = Outgoing::GuildRemove {
            guild_id: guild.id,
            community_id: community.id,
            by_guild: from_guild,
            tell_other_side: false,
            tell_followers: true,
        };
        outbox::record(&txn, &intent).await?;
    }
    txn.commit().await?;
    ctx.wake_delivery();
    crate::live::notified(ctx, &told);
    Ok(true)
}

/// `by` declined the other side's pending ask: the asking side's moderators hear it was
/// refused (`acting`: the local person who declined, if any).
async fn refused_to(
    txn: &DatabaseTransaction,
    guild: &community::Model,
    community: &community::Model,
    by: Side,
    acting: Option<i64>,
) -> Result<Vec<i64>> {
    let (asking, answering) = match by {
        Side::Guild => (community, guild),
        Side::Community => (guild, community),
    };
    crate::notifying::guild_link_answered(txn, asking, answering, false, acting).await
}

/// A remote guild we follow announced a member (`Add`) or its departure (`Remove`): keep our
/// copy of its member list current.
pub async fn receive_membership_news(
    ctx: &AppContext,
    guild: &community::Model,
    community: &community::Model,
    member: bool,
) -> Result<()> {
    // News never links one of our own communities: that takes our moderators' yes, and an
    // `Add` from elsewhere would otherwise route our community's posts to that guild.
    if guild.domain.is_empty() || !is_guild(guild) || is_guild(community) || community.domain.is_empty() {
        return Ok(());
    }
    if member {
        let change = store::LinkChange { state: LinkState::Active, initiated_by: None, offer_ap_id: None };
        store::save_link(ctx.db(), guild.id, community.id, change, chrono::Utc::now()).await?;
    } else {
        store::delete_link(ctx.db(), guild.id, community.id).await?;
    }
    Ok(())
}

/// Replaces our copy of a remote guild's member list with what it publishes. Links of our own
/// communities are left alone: we hear of those directly.
pub async fn sync_members(ctx: &AppContext, guild: &community::Model, members: &[community::Model]) -> Result<()> {
    if guild.domain.is_empty() || !is_guild(guild) {
        return Ok(());
    }
    let now = chrono::Utc::now();
    for c in members.iter().filter(|c| !c.domain.is_empty() && !is_guild(c)) {
        let change = store::LinkChange { state: LinkState::Active, initiated_by: None, offer_ap_id: None };
        store::save_link(ctx.db(), guild.id, c.id, change, now).await?;
    }
    for (link, c) in store::links_of_guild(ctx.db(), guild.id).await? {
        if !c.domain.is_empty() && link.state == LinkState::Active && !members.iter().any(|m| m.id == c.id) {
            store::delete_link(ctx.db(), guild.id, c.id).await?;
        }
    }
    Ok(())
}

/// Stores the managers (actor ids) a guild lists for a member community from another server.
pub async fn set_contacts(ctx: &AppContext, guild_id: i64, community_id: i64, contacts: &[String]) -> Result<()> {
    if let Some(link) = store::find_link(ctx.db(), guild_id, community_id).await? {
        store::set_contacts(ctx.db(), link.id, contacts).await?;
    }
    Ok(())
}

/// A local guild's own communities' discussions are relayed by it: record that for every
/// local guild `c` is an active member of, when `c` shares its discussions with guilds.
pub async fn record_relays<C: guildhall_store::ConnectionTrait>(
    db: &C,
    c: &community::Model,
    discussion: &guildhall_store::entities::discussion::Model,
) -> Result<()> {
    let visibility = c.visibility;
    if !guildhall_domain::guild::shared_with_guild(visibility).discussions || discussion.members_only {
        return Ok(());
    }
    for g in store::local_guilds_of(db, c.id).await? {
        outbox::record(db, &Outgoing::GuildRelay { guild_id: g.id, discussion_id: discussion.id }).await?;
    }
    Ok(())
}
