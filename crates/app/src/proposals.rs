//! Crowdsourced external communities of practice: signed-in members propose one (a Slack or
//! Teams group, a mailing list) and an admin approves or rejects it. Approved ones join the
//! published directory as `external` entries.

use chrono::{DateTime, Utc};
use guildhall_domain::Denied;
use guildhall_domain::directory::{self as rules, ProposalInput, ProposalStatus};
use guildhall_store::directory::{self as store, NewProposal};
use guildhall_store::entities::cop_proposal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::views::List;
use crate::{AppContext, Error, Page, Result, Viewer};

/// A proposal as submitted.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NewCop {
    /// Its name.
    pub name: String,
    /// Where it lives (`https://` or `http://`).
    pub url: String,
    /// What it is about.
    #[serde(default)]
    pub summary: String,
    /// Topic tags.
    #[serde(default)]
    pub topics: Vec<String>,
    /// Country or government.
    #[serde(default)]
    pub government: String,
    /// Department or organisation.
    #[serde(default)]
    pub organisation: String,
    /// How to reach it.
    #[serde(default)]
    pub contact: String,
}

/// A proposal as admins and its proposer see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposalView {
    /// Proposal id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Address.
    pub url: String,
    /// Summary.
    pub summary: String,
    /// Topic tags.
    pub topics: Vec<String>,
    /// Country or government.
    pub government: String,
    /// Department or organisation.
    pub organisation: String,
    /// Contact.
    pub contact: String,
    /// pending, approved or rejected.
    pub status: ProposalStatus,
    /// Username of the member who proposed it ('' if the account is gone).
    pub proposed_by: String,
    /// When proposed.
    pub created_at: DateTime<Utc>,
    /// When decided.
    pub decided_at: Option<DateTime<Utc>>,
}

fn view(p: &cop_proposal::Model, proposer: &str) -> Result<ProposalView> {
    Ok(ProposalView {
        id: p.id,
        name: p.name.clone(),
        url: p.url.clone(),
        summary: p.summary.clone(),
        topics: guildhall_store::decode_list(&p.topics)?,
        government: p.government.clone(),
        organisation: p.organisation.clone(),
        contact: p.contact.clone(),
        status: p.status,
        proposed_by: proposer.to_owned(),
        created_at: p.created_at,
        decided_at: p.decided_at,
    })
}

/// Most pending proposals one member may have at a time (keeps the admins' queue sane).
pub const MAX_PENDING_PER_MEMBER: u64 = 20;

/// Proposes an external community of practice (any signed-in member).
pub async fn propose(ctx: &AppContext, viewer: &Viewer, new: NewCop) -> Result<ProposalView> {
    let input = rules::check_proposal(&ProposalInput {
        name: new.name,
        url: new.url,
        summary: new.summary,
        topics: new.topics,
        government: new.government,
        organisation: new.organisation,
        contact: new.contact,
    })?;
    if store::count_pending_by(ctx.db(), viewer.account_id).await? >= MAX_PENDING_PER_MEMBER {
        return Err(Error::Conflict(format!(
            "you already have {MAX_PENDING_PER_MEMBER} proposals waiting for an administrator"
        )));
    }
    let row = store::insert_proposal(
        ctx.db(),
        NewProposal {
            name: input.name,
            url: input.url,
            summary: input.summary,
            topics: input.topics,
            government: input.government,
            organisation: input.organisation,
            contact: input.contact,
            proposed_by: viewer.account_id,
        },
        Utc::now(),
    )
    .await?;
    tracing::info!(account = %viewer.username, proposal = row.id, "community of practice proposed");
    view(&row, &viewer.username)
}

/// Proposals with `status` (admins), oldest first.
pub async fn list(ctx: &AppContext, viewer: &Viewer, status: ProposalStatus, page: Page) -> Result<List<ProposalView>> {
    if !viewer.is_admin {
        return Err(Denied::AdminsOnly.into());
    }
    let rows = store::proposals_by_status(ctx.db(), status, page).await?;
    let ids: Vec<i64> = rows.items.iter().map(|p| p.proposed_by).collect();
    let accounts = guildhall_store::accounts::find_many(ctx.db(), &ids).await?;
    let items = rows
        .items
        .iter()
        .map(|p| view(p, accounts.get(&p.proposed_by).map(|a| a.username.as_str()).unwrap_or_default()))
        .collect::<Result<Vec<_>>>()?;
    Ok(List::new(items, page, rows.has_more))
}

/// Approves (`true`) or rejects a pending proposal (admins).
pub async fn decide(ctx: &AppContext, viewer: &Viewer, id: i64, approve: bool) -> Result<ProposalView> {
    if !viewer.is_admin {
        return Err(Denied::AdminsOnly.into());
    }
    let status = if approve { ProposalStatus::Approved } else { ProposalStatus::Rejected };
    let Some(row) = store::decide_proposal(ctx.db(), id, status, viewer.account_id, Utc::now()).await? else {
        return match store::find_proposal(ctx.db(), id).await? {
            Some(_) => Err(Error::Conflict("this proposal was already decided".into())),
            None => Err(Error::NotFound("proposal")),
        };
    };
    let proposer = guildhall_store::accounts::find_by_id(ctx.db(), row.proposed_by).await?;
    tracing::info!(admin = %viewer.username, proposal = id, status = status.as_str(), "proposal decided");
    view(&row, proposer.as_ref().map(|a| a.username.as_str()).unwrap_or_default())
}
