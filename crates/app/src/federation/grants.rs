//! The facts a signed GET of private content is judged on; the judgement itself is
//! `guildhall_domain::private_fetch_allowed`.

use crate::{AppContext, Result};

/// Who on a signer's server is a member of a community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FetchGrants {
    /// The signing actor is an active member.
    pub is_member: bool,
    /// Some account on the signer's server is an active member.
    pub server_has_member: bool,
}

/// Whether the actor `ap_id` on `domain`, or anyone on `domain`, is an active member of the
/// community.
pub async fn private_fetch_grants(
    ctx: &AppContext,
    community_id: i64,
    ap_id: &str,
    domain: &str,
) -> Result<FetchGrants> {
    let (is_member, server_has_member) =
        guildhall_store::federation::private_fetch_grants(ctx.db(), community_id, ap_id, domain).await?;
    Ok(FetchGrants { is_member, server_has_member })
}
