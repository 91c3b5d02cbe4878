//! The inbox: every actor's inbox and the shared inbox take the same signed POSTs.

use activitypub_federation::axum::inbox::{ActivityData, receive_activity};
use activitypub_federation::config::Data;
use activitypub_federation::protocol::context::WithContext;
use axum::http::StatusCode;
use either::Either;
use guildhall_app::AppContext;

use crate::Error;
use crate::activities::InboxActivity;
use crate::actors::{DbGroup, DbPerson};

/// Verifies (digest, signature, origin) and handles one activity; 202 when accepted.
pub async fn post_inbox(data: Data<AppContext>, activity: ActivityData) -> Result<StatusCode, Error> {
    receive_activity::<WithContext<InboxActivity>, Either<DbPerson, DbGroup>, AppContext>(activity, &data).await?;
    Ok(StatusCode::ACCEPTED)
}
