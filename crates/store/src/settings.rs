//! The instance's settings: one row, created with defaults on first read.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::Result;
use crate::entities::instance_settings;

const ROW_ID: i32 = 1;

/// Reads the settings, inserting the defaults (approval, no allowlist, members create) if absent.
pub async fn get<C: ConnectionTrait>(db: &C) -> Result<instance_settings::Model> {
    if let Some(row) = instance_settings::Entity::find_by_id(ROW_ID).one(db).await? {
        return Ok(row);
    }
    let defaults = instance_settings::ActiveModel {
        id: Set(ROW_ID),
        registration_mode: Set("approval".into()),
        email_domains: Set("[]".into()),
        community_creation: Set("members".into()),
        federation_mode: Set("open".into()),
        federation_domains: Set("[]".into()),
        limited_domains: Set("[]".into()),
        directory_listed: Set(true),
        organisation: Set(String::new()),
        government: Set(String::new()),
        map_seeds: Set("[]".into()),
        map_refresh_hours: Set(24),
        require_email_confirmation: Set(false),
        network_search: Set(true),
        public_key_pem: Set(None),
        private_key_pem: Set(None),
        updated_at: Set(Utc::now()),
    };
    match defaults.insert(db).await {
        Ok(row) => Ok(row),
        // Another request inserted the defaults first: read theirs.
        Err(_) => instance_settings::Entity::find_by_id(ROW_ID)
            .one(db)
            .await?
            .ok_or_else(|| crate::Error::Corrupt("instance settings row missing".into())),
    }
}

/// Saves the settings row and reads it back. A plain UPDATE, then a SELECT naming every
/// column: sea-orm's `UPDATE … RETURNING *` on SQLite was seen to come back without a column
/// added by a later migration (intermittently, under parallel tests).
pub async fn save<C: ConnectionTrait>(
    db: &C,
    model: instance_settings::ActiveModel,
) -> Result<instance_settings::Model> {
    instance_settings::Entity::update_many()
        .set(model)
        .filter(instance_settings::Column::Id.eq(ROW_ID))
        .exec(db)
        .await?;
    instance_settings::Entity::find_by_id(ROW_ID)
        .one(db)
        .await?
        .ok_or_else(|| crate::Error::Corrupt("instance settings row missing".into()))
}
