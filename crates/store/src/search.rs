//! Search by name: communities and people whose name or title contains some text.

use guildhall_domain::AccountStatus;
use sea_orm::sea_query::{Expr, Func, LikeExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::Result;
use crate::entities::{account, community};

/// A case-insensitive "contains" pattern, with LIKE's wildcards in `text` taken literally.
fn contains(text: &str) -> LikeExpr {
    let mut p = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    LikeExpr::new(p).escape('\\')
}

/// `lower(col) LIKE '%text%'`: contains `text`, ignoring case, on every backend.
pub(crate) fn lower_like<C: sea_orm::sea_query::IntoColumnRef>(col: C, text: &str) -> sea_orm::sea_query::SimpleExpr {
    Expr::expr(Func::lower(Expr::col(col))).like(contains(text))
}

/// Communities and guilds whose name or title contains `text`, by name; those hosted on
/// `hidden_domains` only when `member` (an account id) is an active member there.
pub async fn communities<C: ConnectionTrait>(
    db: &C,
    text: &str,
    hidden_domains: &[String],
    member: Option<i64>,
    limit: u64,
) -> Result<Vec<community::Model>> {
    let mut q = community::Entity::find().filter(
        Condition::any()
            .add(lower_like((community::Entity, community::Column::Name), text))
            .add(lower_like((community::Entity, community::Column::Title), text)),
    );
    if let Some(shown) = crate::communities::shown_despite_hidden(hidden_domains, member) {
        q = q.filter(shown);
    }
    Ok(q.order_by_asc(community::Column::Name).order_by_asc(community::Column::Id).limit(limit).all(db).await?)
}

/// Active people whose username or display name contains `text`, local ones first.
pub async fn people<C: ConnectionTrait>(db: &C, text: &str, limit: u64) -> Result<Vec<account::Model>> {
    Ok(account::Entity::find()
        .filter(account::Column::Status.eq(AccountStatus::Active))
        .filter(
            Condition::any()
                .add(lower_like((account::Entity, account::Column::Username), text))
                .add(lower_like((account::Entity, account::Column::DisplayName), text)),
        )
        .order_by_asc(account::Column::Domain)
        .order_by_asc(account::Column::Username)
        .limit(limit)
        .all(db)
        .await?)
}
