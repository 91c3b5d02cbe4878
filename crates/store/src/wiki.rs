//! Community wikis: pages, revisions and the editors setting.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::entities::{wiki_edit_refusal, wiki_page, wiki_revision, wiki_setting};
use crate::{Result, conflict_on_unique};

/// One revision to store.
#[derive(Debug, Clone)]
pub struct NewRevision {
    /// Title at this revision.
    pub title: String,
    /// Markdown body.
    pub body: String,
    /// Edit summary.
    pub summary: String,
    /// Who wrote it (unknown for other servers' pages).
    pub author_id: Option<i64>,
    /// When.
    pub at: DateTime<Utc>,
}

/// A page by slug.
pub async fn find_page<C: ConnectionTrait>(db: &C, community_id: i64, slug: &str) -> Result<Option<wiki_page::Model>> {
    Ok(wiki_page::Entity::find()
        .filter(wiki_page::Column::CommunityId.eq(community_id))
        .filter(wiki_page::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// A page by id.
pub async fn find_page_by_id<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<wiki_page::Model>> {
    Ok(wiki_page::Entity::find_by_id(id).one(db).await?)
}

/// A copy of another server's page, by its `Article` id.
pub async fn find_page_by_ap_id<C: ConnectionTrait>(db: &C, ap_id: &str) -> Result<Option<wiki_page::Model>> {
    Ok(wiki_page::Entity::find().filter(wiki_page::Column::ApId.eq(ap_id)).one(db).await?)
}

/// Every page of a community, by title.
pub async fn list_pages<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Vec<wiki_page::Model>> {
    Ok(wiki_page::Entity::find()
        .filter(wiki_page::Column::CommunityId.eq(community_id))
        .order_by_asc(wiki_page::Column::Title)
        .all(db)
        .await?)
}

/// Which of `slugs` exist in a community.
pub async fn existing_slugs<C: ConnectionTrait>(db: &C, community_id: i64, slugs: &[String]) -> Result<Vec<String>> {
    if slugs.is_empty() {
        return Ok(vec![]);
    }
    let rows = wiki_page::Entity::find()
        .filter(wiki_page::Column::CommunityId.eq(community_id))
        .filter(wiki_page::Column::Slug.is_in(slugs.to_vec()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|p| p.slug).collect())
}

/// Creates a page with its first revision; `Conflict` when the slug is taken.
pub async fn insert_page<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    slug: &str,
    ap_id: Option<String>,
    rev: NewRevision,
) -> Result<(wiki_page::Model, wiki_revision::Model)> {
    let page = wiki_page::ActiveModel {
        community_id: Set(community_id),
        slug: Set(slug.to_owned()),
        title: Set(rev.title.clone()),
        locked: Set(false),
        revision: Set(1),
        ap_id: Set(ap_id),
        created_at: Set(rev.at),
        updated_at: Set(rev.at),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| conflict_on_unique(e, "a page with this title"))?;
    let r = insert_revision(db, page.id, 1, rev).await?;
    Ok((page, r))
}

async fn insert_revision<C: ConnectionTrait>(
    db: &C,
    page_id: i64,
    number: i32,
    rev: NewRevision,
) -> Result<wiki_revision::Model> {
    wiki_revision::ActiveModel {
        page_id: Set(page_id),
        number: Set(number),
        title: Set(rev.title),
        body: Set(rev.body),
        summary: Set(rev.summary),
        author_id: Set(rev.author_id),
        created_at: Set(rev.at),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| conflict_on_unique(e, "this revision"))
}

/// Adds the next revision to a page (its number is the page's latest + 1; a concurrent edit
/// on the same base fails with `Conflict`).
pub async fn add_revision<C: ConnectionTrait>(
    db: &C,
    page: wiki_page::Model,
    rev: NewRevision,
) -> Result<(wiki_page::Model, wiki_revision::Model)> {
    let number = page.revision + 1;
    let (title, at) = (rev.title.clone(), rev.at);
    let r = insert_revision(db, page.id, number, rev).await?;
    let mut m: wiki_page::ActiveModel = page.into();
    m.title = Set(title);
    m.revision = Set(number);
    m.updated_at = Set(at);
    Ok((m.update(db).await?, r))
}

/// Locks or unlocks a page.
pub async fn set_locked<C: ConnectionTrait>(db: &C, page: wiki_page::Model, locked: bool) -> Result<wiki_page::Model> {
    let mut m: wiki_page::ActiveModel = page.into();
    m.locked = Set(locked);
    Ok(m.update(db).await?)
}

/// A page's revisions, newest first.
pub async fn revisions<C: ConnectionTrait>(db: &C, page_id: i64) -> Result<Vec<wiki_revision::Model>> {
    Ok(wiki_revision::Entity::find()
        .filter(wiki_revision::Column::PageId.eq(page_id))
        .order_by_desc(wiki_revision::Column::Number)
        .all(db)
        .await?)
}

/// One revision of a page.
pub async fn revision<C: ConnectionTrait>(db: &C, page_id: i64, number: i32) -> Result<Option<wiki_revision::Model>> {
    Ok(wiki_revision::Entity::find()
        .filter(wiki_revision::Column::PageId.eq(page_id))
        .filter(wiki_revision::Column::Number.eq(number))
        .one(db)
        .await?)
}

/// Who may edit (`members` when never set).
pub async fn editors<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<String> {
    Ok(wiki_setting::Entity::find_by_id(community_id)
        .one(db)
        .await?
        .map(|s| s.editors)
        .unwrap_or_else(|| "members".into()))
}

/// Sets who may edit.
pub async fn set_editors<C: ConnectionTrait>(db: &C, community_id: i64, editors: &str) -> Result<()> {
    match wiki_setting::Entity::find_by_id(community_id).one(db).await? {
        Some(s) => {
            let mut m: wiki_setting::ActiveModel = s.into();
            m.editors = Set(editors.to_owned());
            m.update(db).await?;
        }
        None => {
            wiki_setting::ActiveModel { community_id: Set(community_id), editors: Set(editors.to_owned()) }
                .insert(db)
                .await?;
        }
    }
    Ok(())
}

/// Records that another server refused our member's edit; false if that edit's refusal was
/// already recorded (the same `Reject` again).
pub async fn insert_refusal<C: ConnectionTrait>(
    db: &C,
    page_id: i64,
    account_id: i64,
    edit_ap_id: &str,
    reason: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let row = wiki_edit_refusal::ActiveModel {
        page_id: Set(page_id),
        account_id: Set(account_id),
        edit_ap_id: Set(edit_ap_id.to_owned()),
        reason: Set(reason.to_owned()),
        body: Set(body.to_owned()),
        created_at: Set(now),
        ..Default::default()
    };
    match row.insert(db).await.map_err(|e| conflict_on_unique(e, "refusal")) {
        Ok(_) => Ok(true),
        Err(crate::Error::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The latest refusal of an account's edits of a page.
pub async fn last_refusal<C: ConnectionTrait>(
    db: &C,
    page_id: i64,
    account_id: i64,
) -> Result<Option<wiki_edit_refusal::Model>> {
    Ok(wiki_edit_refusal::Entity::find()
        .filter(wiki_edit_refusal::Column::PageId.eq(page_id))
        .filter(wiki_edit_refusal::Column::AccountId.eq(account_id))
        .order_by_desc(wiki_edit_refusal::Column::Id)
        .one(db)
        .await?)
}
