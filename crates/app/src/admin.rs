//! Instance administration: registration settings, invites, approving accounts.

use chrono::{Duration, Utc};
use guildhall_domain::registration::{CommunityCreation, normalise_domain_pattern};
use guildhall_domain::{AccountStatus, Denied, Invalid, InvalidCode, RegistrationMode};
use guildhall_store::entities::instance_settings;
use guildhall_store::{Set, accounts, encode_list, settings as store_settings};

use crate::federation::counts::{IncomingCountView, InstanceCounts, OutgoingCountView};
use crate::views::{AccountView, InviteView, List, PendingAccountView, SettingsView};
use crate::{AppContext, Error, Page, Result, Viewer};

/// Changes to the settings; absent fields stay as they are.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct SettingsChange {
    /// New registration mode.
    pub registration_mode: Option<RegistrationMode>,
    /// New email-domain allowlist (replaces the old one).
    pub email_domains: Option<Vec<String>>,
    /// Who may create communities.
    pub community_creation: Option<CommunityCreation>,
    /// open, blocklist or allowlist.
    pub federation_mode: Option<guildhall_domain::FederationMode>,
    /// Instances for the block- or allowlist (replaces the old list).
    pub federation_domains: Option<Vec<String>>,
    /// Limited instances (replaces the old list; subdomains included): still federated with,
    /// but their communities and their authors' discussions are left out of public lists.
    pub limited_domains: Option<Vec<String>>,
    /// Whether to publish the directory of listed communities for network maps.
    pub directory_listed: Option<bool>,
    /// The department or organisation that runs the instance.
    pub organisation: Option<String>,
    /// Its country or government.
    pub government: Option<String>,
    /// Hosts the map crawler starts from besides known peers (replaces the old list).
    pub map_seeds: Option<Vec<String>>,
    /// Map entries older than this many hours are fetched again (1 to 2160).
    pub map_refresh_hours: Option<i32>,
    /// Whether new accounts must confirm their email address before signing in (only
    /// while email is on: it cannot be turned on without an SMTP server).
    pub require_email_confirmation: Option<bool>,
    /// Whether this instance takes part in network-wide search.
    pub network_search: Option<bool>,
}

fn require_admin(viewer: &Viewer) -> Result<()> {
    if viewer.is_admin { Ok(()) } else { Err(Denied::AdminsOnly.into()) }
}

fn settings_view(row: &instance_settings::Model) -> Result<SettingsView> {
    let bad = |what: &str| Error::Internal(format!("bad stored setting {what}"));
    Ok(SettingsView {
        registration_mode: RegistrationMode::parse(&row.registration_mode).ok_or_else(|| bad("registration_mode"))?,
        email_domains: guildhall_store::decode_list(&row.email_domains)?,
        community_creation: CommunityCreation::parse(&row.community_creation)
            .ok_or_else(|| bad("community_creation"))?,
        federation_mode: guildhall_domain::FederationMode::parse(&row.federation_mode)
            .ok_or_else(|| bad("federation_mode"))?,
        federation_domains: guildhall_store::decode_list(&row.federation_domains)?,
        limited_domains: guildhall_store::decode_list(&row.limited_domains)?,
        directory_listed: row.directory_listed,
        organisation: row.organisation.clone(),
        government: row.government.clone(),
        map_seeds: guildhall_store::decode_list(&row.map_seeds)?,
        map_refresh_hours: row.map_refresh_hours,
        require_email_confirmation: row.require_email_confirmation,
        network_search: row.network_search,
    })
}

/// Normalises a list of instance hosts for `field` (de-duplicated; `None` when absent).
fn hosts(field: &'static str, list: Option<&[String]>) -> Result<Option<Vec<String>>> {
    let Some(list) = list else { return Ok(None) };
    if list.len() > 10_000 {
        return Err(Invalid::coded(field, InvalidCode::TooMany, "at most 10,000 instances").into());
    }
    let mut out = Vec::with_capacity(list.len());
    // A set keeps de-duplicating a list of 10,000 linear, in the order given.
    let mut seen = std::collections::HashSet::with_capacity(list.len());
    for raw in list {
        let d = guildhall_domain::federation_policy::normalise_host(raw).ok_or_else(|| {
            Invalid::coded(field, InvalidCode::NotAHost, format!("'{raw}' is not a host name such as dept.gc.ca"))
        })?;
        if seen.insert(d.clone()) {
            out.push(d);
        }
    }
    Ok(Some(out))
}

/// Current settings (used by registration and community creation, not only admins).
pub async fn settings(ctx: &AppContext) -> Result<SettingsView> {
    settings_view(&store_settings::get(ctx.db()).await?)
}

/// Settings as an admin sees them.
pub async fn get_settings(ctx: &AppContext, viewer: &Viewer) -> Result<SettingsView> {
    require_admin(viewer)?;
    settings(ctx).await
}

/// Updates the settings.
pub async fn update_settings(ctx: &AppContext, viewer: &Viewer, change: SettingsChange) -> Result<SettingsView> {
    require_admin(viewer)?;
    let domains = match change.email_domains {
        Some(list) => {
            if list.len() > 100 {
                return Err(Invalid::coded("email_domains", InvalidCode::TooMany, "at most 100 domains").into());
            }
            let mut out = Vec::with_capacity(list.len());
            for raw in &list {
                let d = normalise_domain_pattern(raw).ok_or_else(|| {
                    Invalid::coded(
                        "email_domains",
                        InvalidCode::NotAHost,
                        format!("'{raw}' is not a domain such as gc.ca or *.gc.ca"),
                    )
                })?;
                if !out.contains(&d) {
                    out.push(d);
                }
            }
            Some(out)
        }
        None => None,
    };
    let federation_domains = hosts("federation_domains", change.federation_domains.as_deref())?;
    let limited_domains = hosts("limited_domains", change.limited_domains.as_deref())?;
    let map_seeds = hosts("map_seeds", change.map_seeds.as_deref())?;
    let line = |field, v: Option<&str>| {
        v.map(|t| guildhall_domain::validate::optional_line(field, t, guildhall_domain::Limits::SHORT)).transpose()
    };
    let organisation = line("organisation", change.organisation.as_deref())?;
    let government = line("government", change.government.as_deref())?;
    let refresh = change
        .map_refresh_hours
        .map(|h| guildhall_domain::directory::refresh_hours("map_refresh_hours", h))
        .transpose()?;
    if change.require_email_confirmation == Some(true) && !ctx.email_enabled() {
        return Err(Error::Conflict(
            "email is off on this instance: configure an SMTP server before requiring address confirmation".into(),
        ));
    }
    let row = store_settings::get(ctx.db()).await?;
    let mut active: instance_settings::ActiveModel = row.into();
    if let Some(m) = change.federation_mode {
        active.federation_mode = Set(m.as_str().into());
    }
    if let Some(d) = federation_domains {
        active.federation_domains = Set(encode_list(&d));
    }
    if let Some(d) = limited_domains {
        active.limited_domains = Set(encode_list(&d));
    }
    if let Some(m) = change.registration_mode {
        active.registration_mode = Set(m.as_str().into());
    }
    if let Some(d) = domains {
        active.email_domains = Set(encode_list(&d));
    }
    if let Some(c) = change.community_creation {
        active.community_creation = Set(c.as_str().into());
    }
    if let Some(v) = change.directory_listed {
        active.directory_listed = Set(v);
    }
    if let Some(v) = organisation {
        active.organisation = Set(v);
    }
    if let Some(v) = government {
        active.government = Set(v);
    }
    if let Some(v) = map_seeds {
        active.map_seeds = Set(encode_list(&v));
    }
    if let Some(v) = refresh {
        active.map_refresh_hours = Set(v);
    }
    if let Some(v) = change.require_email_confirmation {
        active.require_email_confirmation = Set(v);
    }
    if let Some(v) = change.network_search {
        active.network_search = Set(v);
    }
    active.updated_at = Set(Utc::now());
    let saved = store_settings::save(ctx.db(), active).await?;
    ctx.federation_policy_cache().invalidate_all();
    tracing::info!(admin = %viewer.username, mode = %saved.registration_mode, "instance settings changed");
    settings_view(&saved)
}

/// Creates an invite code.
pub async fn create_invite(
    ctx: &AppContext,
    viewer: &Viewer,
    max_uses: Option<i32>,
    expires_in_days: Option<i64>,
) -> Result<InviteView> {
    require_admin(viewer)?;
    let max_uses = max_uses.unwrap_or(1);
    if !(1..=1000).contains(&max_uses) {
        return Err(Invalid::new("max_uses", "must be between 1 and 1000").into());
    }
    if let Some(d) = expires_in_days
        && !(1..=365).contains(&d)
    {
        return Err(Invalid::new("expires_in_days", "must be between 1 and 365").into());
    }
    let now = Utc::now();
    let code = crate::auth::random_token()[..16].to_string();
    let invite = accounts::insert_invite(
        ctx.db(),
        code,
        viewer.account_id,
        max_uses,
        expires_in_days.map(|d| now + Duration::days(d)),
        now,
    )
    .await?;
    Ok(InviteView::from(&invite))
}

/// Lists invite codes.
pub async fn list_invites(ctx: &AppContext, viewer: &Viewer, page: Page) -> Result<List<InviteView>> {
    require_admin(viewer)?;
    let rows = accounts::list_invites(ctx.db(), page).await?;
    Ok(List::new(rows.items.iter().map(InviteView::from).collect(), page, rows.has_more))
}

/// Accounts waiting for approval.
pub async fn pending_accounts(ctx: &AppContext, viewer: &Viewer, page: Page) -> Result<List<PendingAccountView>> {
    require_admin(viewer)?;
    let rows = accounts::list_by_status(ctx.db(), AccountStatus::Pending, page).await?;
    let items = rows
        .items
        .into_iter()
        .map(|a| PendingAccountView {
            username: a.username,
            email: a.email,
            display_name: a.display_name,
            reason: a.registration_reason,
            created_at: a.created_at,
        })
        .collect();
    Ok(List::new(items, page, rows.has_more))
}

async fn find_pending(ctx: &AppContext, username: &str) -> Result<guildhall_store::entities::account::Model> {
    let account = accounts::find_by_username(ctx.db(), &username.to_ascii_lowercase())
        .await?
        .ok_or(Error::NotFound("account"))?;
    if account.status != AccountStatus::Pending {
        return Err(Error::Conflict("this account is not waiting for approval".into()));
    }
    Ok(account)
}

/// Approves a pending account.
pub async fn approve_account(ctx: &AppContext, viewer: &Viewer, username: &str) -> Result<AccountView> {
    require_admin(viewer)?;
    let account = find_pending(ctx, username).await?;
    let mut active: guildhall_store::entities::account::ActiveModel = account.into();
    active.status = Set(AccountStatus::Active);
    active.updated_at = Set(Utc::now());
    let saved = accounts::update(ctx.db(), active).await?;
    tracing::info!(admin = %viewer.username, account = %saved.username, "account approved");
    AccountView::from_model(&saved)
}

/// Rejects a pending account: it is removed and its name freed.
pub async fn reject_account(ctx: &AppContext, viewer: &Viewer, username: &str) -> Result<()> {
    require_admin(viewer)?;
    let account = find_pending(ctx, username).await?;
    let txn = crate::receipt::begin_write(ctx).await?;
    accounts::delete(&txn, account.id).await?;
    accounts::release_name(&txn, &account.username).await?;
    txn.commit().await?;
    tracing::info!(admin = %viewer.username, account = %account.username, "account rejected");
    Ok(())
}

/// Delivery state of one remote instance.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct InstanceHealthView {
    /// host[:port].
    pub domain: String,
    /// Deliveries waiting (including retries).
    pub pending: u64,
    /// Deliveries given up after days of failure, or refused by the federation policy.
    pub failed: u64,
    /// Deliveries the instance accepted.
    pub delivered: u64,
    /// Deliveries the instance refused (a 4xx answer; never retried, reason kept).
    pub refused: u64,
    /// Consecutive failed attempts.
    pub failures: i32,
    /// Failing since.
    pub failing_since: Option<chrono::DateTime<Utc>>,
    /// Last successful delivery.
    pub last_success_at: Option<chrono::DateTime<Utc>>,
    /// Failing for more than a day (deliveries keep retrying).
    pub unreachable: bool,
    /// Incoming activities from it answered 202 but deliberately not acted on.
    pub incoming_ignored: u64,
    /// Incoming activities from it refused (a 4xx answer).
    pub incoming_refused: u64,
    /// Incoming ignored and refused, per activity type.
    pub incoming: Vec<IncomingCountView>,
    /// Outgoing deliveries per activity type.
    pub outgoing: Vec<OutgoingCountView>,
    /// Its inboxes that answered 410 Gone (nothing more is sent to them).
    pub gone_inboxes: Vec<String>,
    /// When the next retry of a failed delivery (429, 5xx, no answer) is due: never sooner
    /// than the instance's `Retry-After`.
    pub next_retry_at: Option<chrono::DateTime<Utc>>,
}

impl InstanceHealthView {
    fn with_counts(mut self, counts: Option<InstanceCounts>) -> Self {
        let c = counts.unwrap_or_default();
        let sum = |outcome: &str| c.incoming.iter().filter(|i| i.outcome == outcome).map(|i| i.count).sum();
        self.incoming_ignored = sum("ignored");
        self.incoming_refused = sum("refused");
        self.incoming = c.incoming;
        self.outgoing = c.outgoing;
        self.gone_inboxes = c.gone_inboxes;
        self.next_retry_at = c.next_retry_at;
        self
    }
}

/// Delivery queue depth, health and counts both ways per remote instance (admins).
pub async fn federation_health(ctx: &AppContext, viewer: &Viewer) -> Result<Vec<InstanceHealthView>> {
    require_admin(viewer)?;
    let queue = guildhall_store::federation::queue_by_domain(ctx.db()).await?;
    let health = guildhall_store::federation::all_instance_health(ctx.db()).await?;
    let mut counts = crate::federation::counts::by_instance(ctx).await?;
    let empty = |domain: String| InstanceHealthView {
        domain,
        pending: 0,
        failed: 0,
        delivered: 0,
        refused: 0,
        failures: 0,
        failing_since: None,
        last_success_at: None,
        unreachable: false,
        incoming_ignored: 0,
        incoming_refused: 0,
        incoming: vec![],
        outgoing: vec![],
        gone_inboxes: vec![],
        next_retry_at: None,
    };
    let mut out: Vec<InstanceHealthView> = health
        .into_iter()
        .map(|h| InstanceHealthView {
            failures: h.failures,
            failing_since: h.failing_since,
            last_success_at: h.last_success_at,
            unreachable: h.unreachable,
            ..empty(h.domain)
        })
        .collect();
    for q in &queue {
        if !out.iter().any(|h| h.domain == q.domain) {
            out.push(empty(q.domain.clone()));
        }
    }
    // Instances we never sent to but heard from (ignored or refused) are listed too.
    for domain in counts.keys() {
        if !out.iter().any(|h| &h.domain == domain) {
            out.push(empty(domain.clone()));
        }
    }
    Ok(out
        .into_iter()
        .map(|h| {
            let q = queue.iter().find(|q| q.domain == h.domain).cloned().unwrap_or_default();
            let c = counts.remove(&h.domain);
            InstanceHealthView { pending: q.pending, failed: q.failed, delivered: q.delivered, refused: q.refused, ..h }
                .with_counts(c)
        })
        .collect())
}

/// An outgoing change that could not be turned into activities for other servers.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct OutboxFailureView {
    /// The outbox row.
    pub id: i64,
    /// What was to be sent (the intent's type, e.g. `discussion_created`).
    pub intent: String,
    /// When the change was made.
    pub created_at: chrono::DateTime<Utc>,
    /// Why it failed (the last failure).
    pub error: String,
    /// Failed rounds so far.
    pub attempts: i32,
    /// Given up (`true`), or to be tried again in the next round.
    pub given_up: bool,
}

/// Outgoing changes that failed to federate, newest first (admins): nothing is dropped silently.
pub async fn outbox_failures(ctx: &AppContext, viewer: &Viewer) -> Result<Vec<OutboxFailureView>> {
    require_admin(viewer)?;
    let rows = guildhall_store::federation::failed_outbox(ctx.db(), 100).await?;
    Ok(rows
        .into_iter()
        .map(|r| OutboxFailureView {
            id: r.id,
            intent: serde_json::from_str::<serde_json::Value>(&r.intent)
                .ok()
                .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned))
                .unwrap_or_else(|| "unreadable".into()),
            created_at: r.created_at,
            error: r.error.unwrap_or_default(),
            attempts: r.attempts,
            given_up: r.processed_at.is_some(),
        })
        .collect())
}

/// Usernames whose sign-ins were held back by the backoff, most first (admins). Kept in
/// memory for a day; a restart forgets them.
pub fn throttled_sign_ins(ctx: &AppContext, viewer: &Viewer) -> Result<Vec<crate::sign_in_guard::ThrottledSignIns>> {
    require_admin(viewer)?;
    Ok(ctx.sign_in_guard().throttled())
}

/// The instance's federation policy, limited instances included (cached for a couple of
/// seconds; `update_settings` drops the cache at once).
pub async fn federation_policy(ctx: &AppContext) -> Result<std::sync::Arc<guildhall_domain::FederationPolicy>> {
    if let Some(p) = ctx.federation_policy_cache().get(&()).await {
        return Ok(p);
    }
    let s = settings(ctx).await?;
    let policy = std::sync::Arc::new(guildhall_domain::FederationPolicy {
        mode: s.federation_mode,
        domains: s.federation_domains,
        limited: s.limited_domains,
    });
    ctx.federation_policy_cache().insert((), policy.clone()).await;
    Ok(policy)
}
