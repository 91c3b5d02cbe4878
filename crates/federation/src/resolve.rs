//! Finding a community on another server by handle (`name@domain`, via WebFinger) or URL.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::fetch::webfinger::webfinger_resolve_actor;
use guildhall_app::AppContext;
use guildhall_app::entities::community;
use url::Url;

use crate::Error;
use crate::actors::DbGroup;

/// Resolves `name@domain`, `!name@domain` or a Group URL to a stored community.
pub async fn community(query: &str, data: &Data<AppContext>) -> Result<community::Model, Error> {
    let q = query.trim();
    if q.starts_with("http://") || q.starts_with("https://") {
        let url = Url::parse(q)?;
        let g: DbGroup = ObjectId::<DbGroup>::from(url).dereference(data).await?;
        return Ok(g.model);
    }
    let handle = q.trim_start_matches(['!', '@']);
    let (name, host) =
        handle.rsplit_once('@').ok_or_else(|| Error::BadRequest("expected name@domain or a URL".into()))?;
    if name.is_empty() || host.is_empty() || host.contains(['/', '?', '#', '@', ' ']) {
        return Err(Error::BadRequest("expected name@domain or a URL".into()));
    }
    if host.eq_ignore_ascii_case(data.domain()) {
        return guildhall_app::federation::actors::local_community(data.app_data(), &name.to_ascii_lowercase())
            .await?
            .ok_or(Error::NotFound);
    }
    let g: DbGroup = webfinger_resolve_actor(handle, data).await?;
    Ok(g.model)
}
