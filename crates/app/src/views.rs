//! What use cases return: plain data for the API (JSON) and the web pages.

use chrono::{DateTime, Utc};
use guildhall_domain::registration::CommunityCreation;
use guildhall_domain::{AccountStatus, CommunityRole, RegistrationMode, Visibility};
use serde::Serialize;
use utoipa::ToSchema;

use guildhall_store::entities::{account, community, discussion, invite, reply};

/// A page of items.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct List<T> {
    /// Items on this page.
    pub items: Vec<T>,
    /// 1-based page number.
    pub page: u64,
    /// Page size.
    pub limit: u64,
    /// Whether another page follows.
    pub has_more: bool,
}

impl<T> List<T> {
    pub(crate) fn new(items: Vec<T>, page: crate::Page, has_more: bool) -> Self {
        List { items, page: page.number, limit: page.limit, has_more }
    }
}

/// A signed-in member's own account.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountView {
    /// Account id.
    pub id: i64,
    /// Username (unique with community names).
    pub username: String,
    /// Email address (only shown to the account itself and admins).
    pub email: Option<String>,
    /// Whether that address was confirmed (by a link, or by the admin who created the account).
    pub email_confirmed: bool,
    /// Display name.
    pub display_name: String,
    /// Bio (Markdown).
    pub bio: String,
    /// Department or organisation.
    pub department: String,
    /// Roles and skills.
    pub tags: Vec<String>,
    /// Instance admin?
    pub is_admin: bool,
    /// Account status.
    pub status: AccountStatus,
    /// Language chosen for the web pages (`en`, `fr`); none: the browser's.
    pub language: Option<String>,
    /// The member's time zone (IANA name, e.g. `Europe/Paris`); none: not chosen.
    pub time_zone: Option<String>,
    /// When registered.
    pub created_at: DateTime<Utc>,
}

impl AccountView {
    pub(crate) fn from_model(a: &account::Model) -> crate::Result<Self> {
        Ok(AccountView {
            id: a.id,
            username: a.username.clone(),
            email: a.email.clone(),
            email_confirmed: a.email.is_some() && a.email_confirmed_at.is_some(),
            display_name: a.display_name.clone(),
            bio: a.bio.clone(),
            department: a.department.clone(),
            tags: guildhall_store::decode_list(&a.tags)?,
            is_admin: a.is_admin,
            status: account_status(a)?,
            language: a.language.clone(),
            time_zone: a.time_zone.clone(),
            created_at: a.created_at,
        })
    }
}

pub(crate) fn account_status(a: &account::Model) -> crate::Result<AccountStatus> {
    Ok(a.status)
}

/// A member's public profile.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileView {
    /// Username.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Bio (Markdown source).
    pub bio: String,
    /// Bio rendered to sanitised HTML.
    pub bio_html: String,
    /// Department or organisation.
    pub department: String,
    /// Roles and skills.
    pub tags: Vec<String>,
    /// When registered.
    pub created_at: DateTime<Utc>,
}

/// Who wrote something.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuthorView {
    /// The account's row id (not part of the JSON: clients of the Mastodon API see it as an
    /// account id).
    #[serde(skip)]
    #[schema(ignore)]
    pub id: i64,
    /// Username.
    pub username: String,
    /// Display name.
    pub display_name: String,
}

impl AuthorView {
    pub(crate) fn of(a: Option<&account::Model>) -> Self {
        match a {
            Some(a) if a.domain.is_empty() => {
                AuthorView { id: a.id, username: a.username.clone(), display_name: a.display_name.clone() }
            }
            Some(a) => AuthorView {
                id: a.id,
                username: format!("{}@{}", a.username, a.domain),
                display_name: a.display_name.clone(),
            },
            None => AuthorView { id: 0, username: String::new(), display_name: "[unknown]".into() },
        }
    }
}

/// A community as a viewer sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommunityView {
    /// Community id.
    pub id: i64,
    /// Name (unique with usernames), used in URLs and handles.
    pub name: String,
    /// `name` for local communities, `name@domain` for federated ones: use it in API paths.
    pub handle: String,
    /// Whether the community lives on this instance.
    pub local: bool,
    /// Title.
    pub title: String,
    /// Description (Markdown).
    pub description: String,
    /// Description as sanitised HTML.
    pub description_html: String,
    /// Charter (Markdown): the rules members accept when joining.
    pub charter: String,
    /// Charter as sanitised HTML.
    pub charter_html: String,
    /// Welcome message shown to newcomers (members only for non-public communities).
    pub welcome_message: Option<String>,
    /// Topic tags.
    pub tags: Vec<String>,
    /// Visibility.
    pub visibility: Visibility,
    /// Members come from these instances only (empty: any).
    pub member_domains: Vec<String>,
    /// The question join requests answer ('' for none).
    pub join_question: String,
    /// Number of approved members.
    pub member_count: u64,
    /// The viewer's role.
    pub my_role: CommunityRole,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// In the published directory: `true`, `false`, or null for the default (listed unless
    /// private).
    pub listed: Option<bool>,
    /// `forming`, `active`, `dormant` or `archived`.
    pub lifecycle: String,
}

impl CommunityView {
    pub(crate) fn build(
        c: &community::Model,
        member_count: u64,
        role: CommunityRole,
        can_read: bool,
    ) -> crate::Result<Self> {
        Ok(CommunityView {
            id: c.id,
            name: c.name.clone(),
            handle: if c.domain.is_empty() { c.name.clone() } else { format!("{}@{}", c.name, c.domain) },
            local: c.domain.is_empty(),
            title: c.title.clone(),
            description: c.description.clone(),
            description_html: crate::markdown::render(&c.description),
            charter: c.charter.clone(),
            charter_html: crate::markdown::render(&c.charter),
            welcome_message: can_read.then(|| c.welcome_message.clone()),
            tags: guildhall_store::decode_list(&c.tags)?,
            visibility: c.visibility,
            member_domains: guildhall_store::decode_list(&c.member_domains)?,
            join_question: c.join_question.clone(),
            member_count,
            my_role: role,
            created_at: c.created_at,
            listed: c.listed,
            lifecycle: c.lifecycle.clone(),
        })
    }
}

/// One member of a community.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    /// Username.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Department.
    pub department: String,
    /// `member` or `moderator`.
    pub role: CommunityRole,
    /// When they joined (or asked to).
    pub joined_at: DateTime<Utc>,
}

/// A request to join an approval or private community.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JoinRequestView {
    /// Who asked.
    pub username: String,
    /// Their display name.
    pub display_name: String,
    /// Their department.
    pub department: String,
    /// Their message to the moderators.
    pub message: Option<String>,
    /// When they asked.
    pub requested_at: DateTime<Utc>,
}

/// What joining did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JoinView {
    /// `joined` or `requested`.
    pub status: String,
    /// The welcome message, when joined.
    pub welcome_message: Option<String>,
}

/// A discussion thread's opening post.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DiscussionView {
    /// Discussion id.
    pub id: i64,
    /// The community's row id (for the Mastodon API's group account; not in this JSON).
    #[serde(skip)]
    #[schema(ignore)]
    pub community_id: i64,
    /// Its ActivityPub id when it came from another server (not in this JSON).
    #[serde(skip)]
    #[schema(ignore)]
    pub ap_id: Option<String>,
    /// Community name.
    pub community: String,
    /// Author (empty username once deleted).
    pub author: AuthorView,
    /// Title (empty once deleted).
    pub title: String,
    /// Markdown source (empty once deleted).
    pub body: String,
    /// Sanitised HTML.
    pub body_html: String,
    /// Pinned to the top?
    pub pinned: bool,
    /// Locked against new replies?
    pub locked: bool,
    /// Readable by members only, whatever the community's visibility now: it was posted
    /// while the community was private (or its server did not address it to the public).
    /// Its replies and votes follow it. Set once, never cleared.
    pub members_only: bool,
    /// Deleted (a tombstone)?
    pub deleted: bool,
    /// Number of replies.
    pub reply_count: i64,
    /// Upvotes minus downvotes.
    pub score: i64,
    /// Upvotes.
    pub upvotes: i64,
    /// Downvotes.
    pub downvotes: i64,
    /// When started.
    pub created_at: DateTime<Utc>,
    /// When last edited.
    pub edited_at: Option<DateTime<Utc>>,
    /// Latest reply or creation time.
    pub last_activity_at: DateTime<Utc>,
    /// Whether it carries a poll (see `poll` in the discussion's detail).
    pub has_poll: bool,
    /// Its poll with results (in a discussion's detail; null in lists and without a poll).
    pub poll: Option<crate::polls::PollView>,
    /// Content warning, attachments, hashtags and mentions (posts from other servers).
    #[serde(flatten)]
    pub extras: crate::extras_view::ExtrasView,
}

impl DiscussionView {
    pub(crate) fn build(
        d: &discussion::Model,
        community: &str,
        author: Option<&account::Model>,
        votes: (i64, i64),
    ) -> Self {
        let deleted = d.deleted_at.is_some();
        DiscussionView {
            id: d.id,
            community_id: d.community_id,
            ap_id: d.ap_id.clone(),
            community: community.to_owned(),
            author: if deleted { AuthorView::of(None) } else { AuthorView::of(author) },
            title: d.title.clone(),
            body: d.body_source.clone(),
            body_html: d.body_html.clone(),
            pinned: d.pinned,
            locked: d.locked,
            members_only: d.members_only,
            deleted,
            reply_count: d.reply_count,
            score: votes.0 - votes.1,
            upvotes: votes.0,
            downvotes: votes.1,
            created_at: d.created_at,
            edited_at: d.edited_at,
            last_activity_at: d.last_activity_at,
            has_poll: false,
            poll: None,
            extras: crate::extras_view::ExtrasView::of(d.extras()),
        }
    }
}

/// A reply in a thread.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReplyView {
    /// Reply id.
    pub id: i64,
    /// Its ActivityPub id when it came from another server (not in this JSON).
    #[serde(skip)]
    #[schema(ignore)]
    pub ap_id: Option<String>,
    /// Discussion id.
    pub discussion_id: i64,
    /// The reply this answers, if nested.
    pub parent_id: Option<i64>,
    /// Nesting depth (0 = answers the discussion).
    pub depth: i32,
    /// Author (empty username once deleted).
    pub author: AuthorView,
    /// Markdown source (empty once deleted).
    pub body: String,
    /// Sanitised HTML.
    pub body_html: String,
    /// Deleted (a tombstone kept so the thread stays intact)?
    pub deleted: bool,
    /// Upvotes minus downvotes.
    pub score: i64,
    /// Upvotes.
    pub upvotes: i64,
    /// Downvotes.
    pub downvotes: i64,
    /// When written.
    pub created_at: DateTime<Utc>,
    /// When last edited.
    pub edited_at: Option<DateTime<Utc>>,
    /// Content warning, attachments, hashtags and mentions (replies from other servers).
    #[serde(flatten)]
    pub extras: crate::extras_view::ExtrasView,
}

impl ReplyView {
    pub(crate) fn build(r: &reply::Model, author: Option<&account::Model>, votes: (i64, i64)) -> Self {
        let deleted = r.deleted_at.is_some();
        ReplyView {
            id: r.id,
            ap_id: r.ap_id.clone(),
            discussion_id: r.discussion_id,
            parent_id: r.parent_id,
            depth: r.depth,
            author: if deleted { AuthorView::of(None) } else { AuthorView::of(author) },
            body: r.body_source.clone(),
            body_html: r.body_html.clone(),
            deleted,
            score: votes.0 - votes.1,
            upvotes: votes.0,
            downvotes: votes.1,
            created_at: r.created_at,
            edited_at: r.edited_at,
            extras: crate::extras_view::ExtrasView::of(r.extras()),
        }
    }
}

/// The instance's registration and community settings.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SettingsView {
    /// How accounts are admitted.
    pub registration_mode: RegistrationMode,
    /// Allowed email domains (`gc.ca`, `*.gc.ca`); empty = any.
    pub email_domains: Vec<String>,
    /// Who may create communities.
    pub community_creation: CommunityCreation,
    /// open, blocklist or allowlist.
    pub federation_mode: guildhall_domain::FederationMode,
    /// The instances the federation mode lists (`host` or `host:port`; subdomains included).
    pub federation_domains: Vec<String>,
    /// Limited instances (subdomains included): their communities and their authors'
    /// discussions are left out of public lists, but stay reachable for members.
    pub limited_domains: Vec<String>,
    /// Whether the instance publishes its directory for network maps.
    pub directory_listed: bool,
    /// The department or organisation that runs the instance.
    pub organisation: String,
    /// Its country or government.
    pub government: String,
    /// Hosts the map crawler starts from besides known peers.
    pub map_seeds: Vec<String>,
    /// Map entries older than this many hours are fetched again.
    pub map_refresh_hours: i32,
    /// Whether new accounts must confirm their email address before signing in.
    pub require_email_confirmation: bool,
    /// Whether this instance takes part in network-wide search (answers and asks peers).
    pub network_search: bool,
}

/// An invite code.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InviteView {
    /// The code to give to the invitee.
    pub code: String,
    /// How many registrations it allows.
    pub max_uses: i32,
    /// How many it has been used for.
    pub uses: i32,
    /// When it stops working.
    pub expires_at: Option<DateTime<Utc>>,
    /// When created.
    pub created_at: DateTime<Utc>,
}

impl From<&invite::Model> for InviteView {
    fn from(i: &invite::Model) -> Self {
        InviteView {
            code: i.code.clone(),
            max_uses: i.max_uses,
            uses: i.uses,
            expires_at: i.expires_at,
            created_at: i.created_at,
        }
    }
}

/// An account waiting for approval, as admins see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PendingAccountView {
    /// Username.
    pub username: String,
    /// Email.
    pub email: Option<String>,
    /// Display name.
    pub display_name: String,
    /// Why they want to join.
    pub reason: Option<String>,
    /// When registered.
    pub created_at: DateTime<Utc>,
}

/// A new session.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LoginView {
    /// Bearer token for the API (also set as the session cookie).
    pub token: String,
    /// Token to send as `X-CSRF-Token` with cookie-authenticated changes.
    pub csrf_token: String,
    /// The account.
    pub account: AccountView,
    /// Marks this device as known to the account: sent back with a later sign-in, it lets the
    /// right password in while the account or address is held back by others' guesses.
    pub device_token: String,
}

/// The result of a vote.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VoteView {
    /// Your vote now: 1, -1 or 0.
    pub my_vote: i16,
    /// Upvotes minus downvotes.
    pub score: i64,
    /// Upvotes.
    pub upvotes: i64,
    /// Downvotes.
    pub downvotes: i64,
}
