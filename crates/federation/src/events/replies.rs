//! Replies to events: a `Note` whose `inReplyTo` is an event (ours at `/e/{id}`, or a copy of
//! another server's we hold), as Mastodon sends when its users answer an event it shows as a
//! post. Kept with the event through the same rules as replies in discussions.

use activitypub_federation::config::Data;
use guildhall_app::AppContext;
use guildhall_app::entities::event;
use url::Url;

use crate::Error;
use crate::urls::{is_local, local_number};

/// The event `url` names, if it is one we hold (not deleted).
pub(crate) async fn event_of(url: &Url, data: &Data<AppContext>) -> Result<Option<event::Model>, Error> {
    let ctx = data.app_data();
    let found = if is_local(data, url) {
        match local_number(url, "/e/") {
            Some(n) => guildhall_app::lookup::event(ctx, n).await?.filter(|e| e.ap_id.is_none()),
            None => None,
        }
    } else {
        guildhall_app::lookup::event_by_ap_id(ctx, url.as_str()).await?
    };
    Ok(found.filter(|e| e.deleted_at.is_none()))
}

/// Whether the reply `id` is stored with an event (fetched from its origin after a relay).
pub(crate) async fn is_stored(id: &Url, data: &Data<AppContext>) -> Result<bool, Error> {
    Ok(guildhall_app::lookup::event_reply_by_ap_id(data.app_data(), id.as_str()).await?.is_some())
}
