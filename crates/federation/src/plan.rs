//! What every outgoing activity's build shares: [`Planned`] (an activity to store and the
//! inboxes it goes to), new activity ids, and the inboxes of an actor or of a community's
//! guilds. Imported by the activity modules and by `outgoing`, which dispatches intents.

use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::entities::{account, community, discussion};
use guildhall_app::outbox::Sender;
use serde::Serialize;
use serde_json::Value;
use url::Url;

use crate::Error;

/// One activity to store and where it goes.
pub(crate) struct Planned {
    pub(crate) id: Url,
    pub(crate) kind: &'static str,
    pub(crate) actor: Url,
    pub(crate) json: Value,
    pub(crate) sender: Sender,
    pub(crate) inboxes: Vec<(String, String)>,
}

pub(crate) fn with_context<T: Serialize>(activity: T) -> Result<Value, Error> {
    Ok(crate::wire::with_context(activity)?)
}

pub(crate) fn new_id(ctx: &AppContext) -> Result<Url, Error> {
    Ok(Url::parse(&ctx.instance().new_activity_id())?)
}

pub(crate) fn inbox_of_account(a: &account::Model) -> Option<(String, String)> {
    a.inbox_url.clone().map(|i| (i, a.domain.clone()))
}

pub(crate) fn inbox_of_community(c: &community::Model) -> Option<(String, String)> {
    c.inbox_url.clone().map(|i| (i, c.domain.clone()))
}

pub(crate) async fn account(ctx: &AppContext, id: i64) -> Result<account::Model, Error> {
    guildhall_app::lookup::account(ctx, id).await?.ok_or(Error::NotFound)
}

pub(crate) async fn community(ctx: &AppContext, id: i64) -> Result<community::Model, Error> {
    guildhall_app::lookup::community(ctx, id).await?.ok_or(Error::NotFound)
}

/// Adds the inboxes of the remote guilds `c` belongs to, for a public post of a community
/// that is not private: guilds gather what their members share openly, nothing else.
pub(crate) async fn with_guild_inboxes(
    ctx: &AppContext,
    c: &community::Model,
    post: &Value,
    inboxes: &mut Vec<(String, String)>,
    as_of: DateTime<Utc>,
) -> Result<(), Error> {
    if !guildhall_domain::visibility::relayed_to_guilds(c.visibility, !crate::addressing::addressed_to_public(post)) {
        return Ok(());
    }
    for inbox in guildhall_app::lookup::guild_inboxes(ctx, c.id, as_of).await? {
        if !inboxes.contains(&inbox) {
            inboxes.push(inbox);
        }
    }
    Ok(())
}

/// A discussion and its community.
pub(crate) async fn discussion_and_community(
    ctx: &AppContext,
    id: i64,
) -> Result<(discussion::Model, community::Model), Error> {
    let d = guildhall_app::lookup::discussion(ctx, id).await?.ok_or(Error::NotFound)?;
    let c = community(ctx, d.community_id).await?;
    Ok((d, c))
}
