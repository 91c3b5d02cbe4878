//! What people on other servers do, after the federation crate has verified who they are:
//! the same policies as local actions, then storage and outbox intents in one transaction.

use chrono::{DateTime, Utc};
use guildhall_domain::{Denied, JoinOutcome, MembershipStatus, Visibility, validate, validate::Limits};
use guildhall_store::discussions::NewPost;
use guildhall_store::entities::{account, community, discussion, reply};
use guildhall_store::federation as fed;
use guildhall_store::{Set, communities as store_communities, discussions as store_discussions};

use crate::communities::remote_access;
use crate::outbox::{self, Outgoing};
pub use crate::receipt::Arrival;
use crate::{AppContext, Error, Result};

/// A person (or service) actor from another server, as fetched and verified.
#[derive(Debug, Clone)]
pub struct RemotePerson {
    /// ActivityPub id.
    pub ap_id: String,
    /// preferredUsername.
    pub username: String,
    /// Host of the id.
    pub domain: String,
    /// name, or the username.
    pub display_name: String,
    /// summary (sanitised HTML).
    pub bio: String,
    /// Inbox URL.
    pub inbox: String,
    /// Shared inbox URL.
    pub shared_inbox: Option<String>,
    /// Public key (PEM).
    pub public_key_pem: String,
}

/// A group actor (community) from another server.
#[derive(Debug, Clone)]
pub struct RemoteGroup {
    /// ActivityPub id.
    pub ap_id: String,
    /// preferredUsername.
    pub name: String,
    /// Host of the id.
    pub domain: String,
    /// name, or the preferredUsername.
    pub title: String,
    /// summary (sanitised HTML).
    pub description: String,
    /// Inbox URL.
    pub inbox: String,
    /// Shared inbox URL.
    pub shared_inbox: Option<String>,
    /// Followers collection URL.
    pub followers: Option<String>,
    /// Public key (PEM).
    pub public_key_pem: String,
    /// manuallyApprovesFollowers.
    pub manually_approves: bool,
    /// The group says it is private (Guildhall's `visibility`): its content is for members only.
    pub private: bool,
    /// Guildhall's `guildFocus` (`role` or `focus_area`): the group is a guild.
    pub guild_focus: Option<String>,
    /// Topic tags (its `Hashtag`s, without `#`).
    pub tags: Vec<String>,
    /// Guildhall's `charter` (Markdown), when the group states one.
    pub charter: Option<String>,
    /// Guildhall's `welcomeMessage` (Markdown), when the group states one.
    pub welcome_message: Option<String>,
}

fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Stores or refreshes a remote person.
pub async fn upsert_person(ctx: &AppContext, p: RemotePerson) -> Result<account::Model> {
    let now = Utc::now();
    let existing = fed::find_account_by_ap_id(ctx.db(), &p.ap_id).await?;
    // A stored row's id is `Unchanged`, not `Set`: remember which case this is.
    let known = existing.is_some();
    let mut m: account::ActiveModel = match existing {
        Some(a) => a.into(),
        None => account::ActiveModel {
            username: Set(clip(&p.username, 100)),
            domain: Set(p.domain.clone()),
            ap_id: Set(Some(p.ap_id.clone())),
            email: Set(None),
            password_hash: Set(String::new()),
            department: Set(String::new()),
            tags: Set("[]".into()),
            is_admin: Set(false),
            status: Set(guildhall_domain::AccountStatus::Active),
            registration_reason: Set(None),
            private_key_pem: Set(None),
            created_at: Set(now),
            ..Default::default()
        },
    };
    m.display_name = Set(clip(&p.display_name, Limits::TITLE));
    m.bio = Set(crate::markdown::sanitize(&clip(&p.bio, Limits::DESCRIPTION)));
    m.inbox_url = Set(Some(p.inbox));
    m.shared_inbox_url = Set(p.shared_inbox);
    m.public_key_pem = Set(Some(p.public_key_pem));
    m.fetched_at = Set(Some(now));
    m.updated_at = Set(now);
    Ok(match known {
        true => guildhall_store::accounts::update(ctx.db(), m).await?,
        false => match fed::insert_remote_account(ctx.db(), m).await {
            Ok(a) => a,
            // Stored by a concurrent request for the same actor: use that row.
            Err(guildhall_store::Error::Conflict(_)) => fed::find_account_by_ap_id(ctx.db(), &p.ap_id)
                .await?
                .ok_or_else(|| Error::Taken(format!("{} is already taken", p.ap_id)))?,
            Err(e) => return Err(e.into()),
        },
    })
}

/// Stores or refreshes a remote community.
pub async fn upsert_group(ctx: &AppContext, g: RemoteGroup) -> Result<community::Model> {
    let now = Utc::now();
    let existing = fed::find_community_by_ap_id(ctx.db(), &g.ap_id).await?;
    let known = existing.is_some();
    let created_by = ctx_instance_owner(ctx).await?;
    let mut m: community::ActiveModel = match existing {
        Some(c) => c.into(),
        None => community::ActiveModel {
            name: Set(clip(&g.name, 100)),
            domain: Set(g.domain.clone()),
            ap_id: Set(Some(g.ap_id.clone())),
            charter: Set(String::new()),
            welcome_message: Set(String::new()),
            private_key_pem: Set(None),
            created_by: Set(created_by),
            created_at: Set(now),
            ..Default::default()
        },
    };
    m.title = Set(clip(&g.title, Limits::TITLE));
    m.description = Set(crate::markdown::sanitize(&clip(&g.description, Limits::DESCRIPTION)));
    let visibility = match (g.private, g.manually_approves) {
        (true, _) => Visibility::Private,
        (false, true) => Visibility::Approval,
        (false, false) => Visibility::Public,
    };
    m.visibility = Set(visibility);
    match g.guild_focus.as_deref().and_then(guildhall_domain::guild::GuildFocus::parse) {
        Some(focus) => {
            m.kind = Set("guild".into());
            m.guild_focus = Set(focus.as_str().into());
        }
        None => {
            m.kind = Set("community".into());
            m.guild_focus = Set(String::new());
        }
    }
    // Tags are only hints for "communities like this one": bad ones are dropped, not refused.
    let tags: Vec<String> =
        g.tags.iter().filter_map(|t| validate::tags("tags", std::slice::from_ref(t)).ok()).flatten().take(20).collect();
    m.tags = Set(guildhall_store::encode_list(&tags));
    // Markdown, rendered (and sanitised) when shown, as a local community's.
    m.charter = Set(g.charter.map(|t| clip(&t, Limits::CHARTER)).unwrap_or_default());
    m.welcome_message = Set(g.welcome_message.map(|t| clip(&t, Limits::DESCRIPTION)).unwrap_or_default());
    m.inbox_url = Set(Some(g.inbox));
    m.shared_inbox_url = Set(g.shared_inbox);
    m.followers_url = Set(g.followers);
    m.public_key_pem = Set(Some(g.public_key_pem));
    m.fetched_at = Set(Some(now));
    m.updated_at = Set(now);
    Ok(match known {
        true => store_communities::update(ctx.db(), m).await?,
        false => match fed::insert_remote_community(ctx.db(), m).await {
            Ok(c) => c,
            // Another request stored the same group a moment ago (an inbox delivery and a
            // lookup at once): the row is the same actor, so use it.
            Err(guildhall_store::Error::Conflict(_)) => fed::find_community_by_ap_id(ctx.db(), &g.ap_id)
                .await?
                .ok_or_else(|| Error::Taken(format!("{} is already taken", g.ap_id)))?,
            Err(e) => return Err(e.into()),
        },
    })
}

/// Remote communities need a local `created_by`; the first admin stands in.
async fn ctx_instance_owner(ctx: &AppContext) -> Result<i64> {
    guildhall_store::accounts::first_local_admin(ctx.db())
        .await?
        .map(|a| a.id)
        .ok_or_else(|| Error::Internal("no local admin to own remote communities".into()))
}

/// A remote person follows a local community: the same rules as a local join. Public
/// communities accept at once; approval and private ones wait for a moderator.
pub async fn remote_follow(
    ctx: &AppContext,
    c: &community::Model,
    follower: &account::Model,
    follow_ap_id: &str,
) -> Result<()> {
    let existing = store_communities::find_membership(ctx.db(), c.id, follower.id).await?;
    let access = remote_access(c, existing.as_ref())?;
    let allowed = guildhall_store::decode_list(&c.member_domains)?;
    // Existing members stay when the rule changes; it applies to newcomers.
    let decision = if access.role.is_member() || guildhall_domain::member_instance_allowed(&allowed, &follower.domain) {
        access.join(false, false)
    } else {
        Err(guildhall_domain::Denied::InstanceNotAllowed)
    };
    let txn = crate::receipt::begin_write(ctx).await?;
    let mut told = Vec::new();
    match (decision, existing) {
        (Ok(outcome), _) => {
            let status = match outcome {
                JoinOutcome::Joined => MembershipStatus::Active,
                JoinOutcome::Requested => MembershipStatus::Pending,
            };
            let m = store_communities::insert_membership(
                &txn,
                store_communities::NewMembership {
                    community_id: c.id,
                    account_id: follower.id,
                    status,
                    is_moderator: false,
                    request_message: None,
                    charter_accepted_at: None,
                    follow_ap_id: Some(follow_ap_id.to_owned()),
                },
                Utc::now(),
            )
            .await?;
            if status == MembershipStatus::Active {
                outbox::record(&txn, &Outgoing::AcceptFollow { membership_id: m.id }).await?;
            } else {
                told = crate::notifying::join_requested(&txn, c, follower.id).await?;
            }
        }
        // Already a member: their server lost our Accept, so send it again.
        (Err(guildhall_domain::Denied::AlreadyMember), Some(m)) => {
            let mut a: guildhall_store::entities::membership::ActiveModel = m.clone().into();
            a.follow_ap_id = Set(Some(follow_ap_id.to_owned()));
            store_communities::update_membership(&txn, a).await?;
            outbox::record(&txn, &Outgoing::AcceptFollow { membership_id: m.id }).await?;
        }
        (Err(guildhall_domain::Denied::AlreadyPending), _) => {}
        (Err(_), _) => {
            let intent = Outgoing::RejectFollow {
                community_id: c.id,
                account_id: follower.id,
                follow_ap_id: follow_ap_id.to_owned(),
            };
            outbox::record(&txn, &intent).await?;
        }
    }
    txn.commit().await?;
    ctx.wake_delivery();
    crate::live::notified(ctx, &told);
    tracing::info!(community = %c.name, actor = %follower.ap_id.as_deref().unwrap_or_default(), "remote follow");
    Ok(())
}

/// A remote person stops following a local community (banned members stay banned).
pub async fn remote_unfollow(ctx: &AppContext, c: &community::Model, follower: &account::Model) -> Result<()> {
    if let Some(m) = store_communities::find_membership(ctx.db(), c.id, follower.id).await?
        && m.status != MembershipStatus::Banned
        && !m.is_moderator
    {
        let txn = crate::receipt::begin_write(ctx).await?;
        store_communities::delete_membership(&txn, m.id).await?;
        crate::events::rsvp::withdraw_all_in(&txn, c.id, follower.id).await?;
        txn.commit().await?;
        ctx.wake_delivery();
    }
    Ok(())
}

/// A remote community answered one of our Follows.
pub async fn follow_answered(
    ctx: &AppContext,
    follow_ap_id: &str,
    community: &community::Model,
    accepted: bool,
) -> Result<()> {
    let Some(m) = fed::find_membership_by_follow(ctx.db(), follow_ap_id).await? else { return Ok(()) };
    if m.community_id != community.id {
        return Err(Error::Denied(guildhall_domain::Denied::ModeratorsOnly));
    }
    if accepted {
        if m.status == MembershipStatus::Pending {
            let account_id = m.account_id;
            let mut a: guildhall_store::entities::membership::ActiveModel = m.into();
            a.status = Set(MembershipStatus::Active);
            a.decided_at = Set(Some(Utc::now()));
            let txn = crate::receipt::begin_write(ctx).await?;
            store_communities::update_membership(&txn, a).await?;
            // Joining a public community is not a request anyone decided: only approval and
            // private communities' acceptances are news.
            let told = if community.visibility == Visibility::Public {
                Vec::new()
            } else {
                crate::notifying::join_answered(&txn, community, account_id, true, None).await?
            };
            txn.commit().await?;
            crate::live::notified(ctx, &told);
            // A private community's history can be read only now that one of ours is in.
            if guildhall_domain::visibility::fetch_needs_membership(community.visibility, false) {
                ctx.backfills().invalidate(&community.id).await;
            }
            crate::remote::start_backfill(ctx, community);
        }
    } else {
        let txn = crate::receipt::begin_write(ctx).await?;
        store_communities::delete_membership(&txn, m.id).await?;
        crate::events::rsvp::withdraw_all_in(&txn, community.id, m.account_id).await?;
        // Only a request is refused: a member removed by a Reject is not told "refused".
        let told = if m.status == MembershipStatus::Pending {
            crate::notifying::join_answered(&txn, community, m.account_id, false, None).await?
        } else {
            Vec::new()
        };
        txn.commit().await?;
        ctx.wake_delivery();
        crate::live::notified(ctx, &told);
    }
    Ok(())
}

/// A post (discussion or reply) from another server.
#[derive(Debug, Clone)]
pub struct IncomingPost {
    /// ActivityPub id.
    pub ap_id: String,
    /// Title (discussions).
    pub title: Option<String>,
    /// Markdown source, when the sender kept it.
    pub source: Option<String>,
    /// HTML content (sanitised here).
    pub html: String,
    /// When it was written.
    pub published: Option<DateTime<Utc>>,
    /// The sender did not address it to the public: readable by members only.
    pub members_only: bool,
    /// Content warning, sensitive flag, attachments and tags, as received (bounded here).
    pub extras: guildhall_domain::extras::PostExtras,
}

pub(crate) fn body_of(post: &IncomingPost) -> Result<(String, String)> {
    match &post.source {
        Some(src) => {
            let src = validate::text("source", src, Limits::BODY, false)?;
            let html = crate::markdown::render(&src);
            Ok((src, html))
        }
        None => {
            if post.html.chars().count() > Limits::BODY * 2 {
                return Err(validate::Invalid::new("content", "is too long").into());
            }
            Ok((String::new(), crate::markdown::sanitize(&post.html)))
        }
    }
}

/// Records that a local community relays an activity sent straight to it (in the caller's
/// transaction, which recorded the activity's receipt).
pub(crate) async fn record_relay<C: guildhall_store::ConnectionTrait>(
    db: &C,
    c: &community::Model,
    arrival: Arrival,
) -> Result<()> {
    if !c.domain.is_empty() || arrival != Arrival::Direct {
        return Ok(());
    }
    let activity_id = crate::receipt::current_row()
        .ok_or_else(|| Error::Internal("a directly received activity is applied without its receipt".into()))?;
    outbox::record(db, &Outgoing::Relay { community_id: c.id, activity_id }).await?;
    Ok(())
}

/// Stores a discussion that arrived from another server. In a local community the author must
/// be a member (as for local posts) and the community relays it to its followers.
pub async fn receive_discussion(
    ctx: &AppContext,
    c: &community::Model,
    author: &account::Model,
    post: IncomingPost,
    arrival: Arrival,
) -> Result<Option<discussion::Model>> {
    if fed::find_discussion_by_ap_id(ctx.db(), &post.ap_id).await?.is_some() {
        return Ok(None);
    }
    only_from_private_community(c, arrival)?;
    let local = c.domain.is_empty();
    if local {
        let m = store_communities::find_membership(ctx.db(), c.id, author.id).await?;
        remote_access(c, m.as_ref())?.start_discussion()?;
    }
    let title = validate::required_line("name", post.title.as_deref().unwrap_or_default(), Limits::DISCUSSION_TITLE)?;
    let (source, html) = body_of(&post)?;
    let visibility = c.visibility;
    let members_only = guildhall_domain::policy::new_discussion_members_only(visibility, post.members_only);
    let now = Utc::now();
    // Mentions are read from the tags as bounded and stored.
    let extras = post.extras.bounded();
    let tags = extras.tags.clone();
    let txn = crate::receipt::begin_write(ctx).await?;
    let created_at = post.published.unwrap_or(now).min(now);
    let new = NewPost {
        author_id: author.id,
        ap_id: Some(post.ap_id),
        body_source: source,
        body_html: html,
        created_at,
        extras,
    };
    let d = store_discussions::insert(&txn, c.id, title, members_only, new).await?;
    record_relay(&txn, c, arrival).await?;
    crate::guilds::links::record_relays(&txn, c, &d).await?;
    let mentioned = crate::notifying::mentioned_in_tags(&txn, ctx, &tags).await?;
    let mut told = crate::notifying::new_post(&txn, c, &d, None, None, &mentioned).await?;
    if arrival != Arrival::Backfilled {
        told.extend(crate::notifying::new_discussion_watched(&txn, c, &d, &told).await?);
    }
    txn.commit().await?;
    ctx.wake_delivery();
    crate::live::notified(ctx, &told);
    crate::live::publish(ctx, crate::live::LiveEvent::Posted(crate::posts::PostRef::Discussion(d.id)));
    Ok(Some(d))
}

/// A remote private community's content is taken only from the community (its Announce), not
/// from a third party claiming to post there (a post sent straight to our inbox).
pub(crate) fn only_from_private_community(c: &community::Model, arrival: Arrival) -> Result<()> {
    if !c.domain.is_empty()
        && arrival == Arrival::Direct
        && !guildhall_domain::visibility::accepted_from_third_party(c.visibility)
    {
        tracing::warn!(community = %c.name, domain = %c.domain, "post for a remote private community not sent by it; refused");
        return Err(Denied::MembersOnly.into());
    }
    Ok(())
}

/// Stores a reply that arrived from another server, under `parent` if it answers a reply.
pub async fn receive_reply(
    ctx: &AppContext,
    d: &discussion::Model,
    parent: Option<&reply::Model>,
    author: &account::Model,
    post: IncomingPost,
    arrival: Arrival,
) -> Result<Option<reply::Model>> {
    if fed::find_reply_by_ap_id(ctx.db(), &post.ap_id).await?.is_some() {
        return Ok(None);
    }
    let c = store_communities::find_by_id(ctx.db(), d.community_id).await?.ok_or(Error::NotFound("community"))?;
    only_from_private_community(&c, arrival)?;
    let local = c.domain.is_empty();
    if local {
        let m = store_communities::find_membership(ctx.db(), c.id, author.id).await?;
        remote_access(&c, m.as_ref())?.reply(d.locked, d.deleted_at.is_some())?;
    }
    let (source, html) = body_of(&post)?;
    let now = Utc::now();
    let extras = post.extras.bounded();
    let tags = extras.tags.clone();
    let txn = crate::receipt::begin_write(ctx).await?;
    let new = NewPost {
        author_id: author.id,
        ap_id: Some(post.ap_id),
        body_source: source,
        body_html: html,
        created_at: now,
        extras,
    };
    let r = store_discussions::insert_reply(&txn, d.id, parent, new).await?;
    store_discussions::touch_for_reply(&txn, d.id, now).await?;
    record_relay(&txn, &c, arrival).await?;
    let mentioned = crate::notifying::mentioned_in_tags(&txn, ctx, &tags).await?;
    let told = crate::notifying::new_post(&txn, &c, d, Some(&r), parent, &mentioned).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    crate::live::notified(ctx, &told);
    crate::live::publish(ctx, crate::live::LiveEvent::Posted(crate::posts::PostRef::Reply(r.id)));
    Ok(Some(r))
}

#[cfg(test)]
mod tests {
    use guildhall_store::testing::fresh_database;

    use super::*;
    use crate::InstanceInfo;

    fn alice(name: &str, pem: &str) -> RemotePerson {
        RemotePerson {
            ap_id: "https://there.example/users/alice".into(),
            username: "alice".into(),
            domain: "there.example".into(),
            display_name: name.into(),
            bio: String::new(),
            inbox: "https://there.example/users/alice/inbox".into(),
            shared_inbox: None,
            public_key_pem: pem.into(),
        }
    }

    #[tokio::test]
    async fn a_known_person_is_refreshed_with_its_new_key_and_name() {
        let db = fresh_database().await;
        let ctx = AppContext::new(db.db.clone(), InstanceInfo { domain: "here.example".into(), https: false });
        let first = upsert_person(&ctx, alice("Alice", "OLD KEY")).await.unwrap();
        let second = upsert_person(&ctx, alice("Alice Renamed", "NEW KEY")).await.unwrap();
        assert_eq!(second.id, first.id, "the same row");
        assert_eq!(second.public_key_pem.as_deref(), Some("NEW KEY"));
        assert_eq!(second.display_name, "Alice Renamed");
        let stored = fed::find_account_by_ap_id(ctx.db(), &first.ap_id.unwrap()).await.unwrap().unwrap();
        assert_eq!(stored.public_key_pem.as_deref(), Some("NEW KEY"), "written to the database");
    }
}
