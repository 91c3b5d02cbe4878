//! `GET /e/{id}`: a local event as `Event`; a private community's (or members-only) event only
//! for signed GETs from its members and their servers, 404 for everyone else.

use activitypub_federation::axum::json::FederationJson;
use activitypub_federation::config::Data;
use axum::extract::Path;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use guildhall_app::AppContext;

use crate::Error;
use crate::signed_fetch::may_read_private;

/// `GET /e/{id}`.
pub async fn event(Path(id): Path<i64>, data: Data<AppContext>, parts: Parts) -> Result<Response, Error> {
    let ctx = data.app_data();
    let e = guildhall_app::events::remote::local_event(ctx, id).await.map_err(|_| Error::NotFound)?;
    let c = crate::plan::community(ctx, e.community_id).await?;
    let private = guildhall_domain::visibility::fetch_needs_membership(c.visibility, e.members_only);
    if private && !may_read_private(&data, &c, &parts).await? {
        return Err(Error::NotFound);
    }
    let mut json = super::object::event_json(ctx, &e).await?;
    if private {
        crate::addressing::narrow(&mut json, &crate::addressing::followers_of(&c, &crate::urls::Urls::new(ctx)));
    }
    json["@context"] = super::object::context();
    Ok(FederationJson(json).into_response())
}
