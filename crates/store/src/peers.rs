//! What software each remote instance runs, as its NodeInfo said.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::Result;
use crate::entities::instance_software;

/// The stored software of each of `domains` that has a row.
pub async fn software_of<C: ConnectionTrait>(db: &C, domains: &[String]) -> Result<Vec<instance_software::Model>> {
    if domains.is_empty() {
        return Ok(vec![]);
    }
    Ok(instance_software::Entity::find()
        .filter(instance_software::Column::Domain.is_in(domains.iter().cloned()))
        .all(db)
        .await?)
}

/// Inserts or replaces a domain's row.
pub async fn save_software<C: ConnectionTrait>(db: &C, row: instance_software::Model) -> Result<()> {
    let active = instance_software::ActiveModel {
        domain: Set(row.domain),
        software: Set(row.software),
        version: Set(row.version),
        checked_at: Set(row.checked_at),
    };
    instance_software::Entity::insert(active)
        .on_conflict(
            OnConflict::column(instance_software::Column::Domain)
                .update_columns([
                    instance_software::Column::Software,
                    instance_software::Column::Version,
                    instance_software::Column::CheckedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Every other instance this one knows a person or community on, sorted.
pub async fn known_domains<C: ConnectionTrait>(db: &C) -> Result<Vec<String>> {
    use sea_orm::{QueryOrder, QuerySelect};

    use crate::entities::{account, community};
    let mut domains: Vec<String> = account::Entity::find()
        .select_only()
        .column(account::Column::Domain)
        .distinct()
        .filter(account::Column::Domain.ne(""))
        .order_by_asc(account::Column::Domain)
        .into_tuple()
        .all(db)
        .await?;
    let communities: Vec<String> = community::Entity::find()
        .select_only()
        .column(community::Column::Domain)
        .distinct()
        .filter(community::Column::Domain.ne(""))
        .into_tuple()
        .all(db)
        .await?;
    domains.extend(communities);
    domains.sort();
    domains.dedup();
    Ok(domains)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    #[tokio::test]
    async fn software_is_saved_replaced_and_read_by_domain() {
        let t = crate::testing::fresh_database().await;
        let db = &t.db;
        let row = |domain: &str, software: &str| instance_software::Model {
            domain: domain.into(),
            software: software.into(),
            version: "0.19.5".into(),
            checked_at: Utc::now(),
        };
        save_software(db, row("a.example", "lemmy")).await.unwrap();
        save_software(db, row("b.example", "")).await.unwrap();
        save_software(db, row("a.example", "mbin")).await.unwrap();
        let mut got = software_of(db, &["a.example".into(), "c.example".into()]).await.unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got.remove(0).software, "mbin");
        assert!(software_of(db, &[]).await.unwrap().is_empty());
    }
}
