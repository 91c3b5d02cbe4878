//! The search index: documents, the queue triggers fill, and the one full-text query, written
//! once per backend (SQLite FTS5 with bm25; PostgreSQL `tsvector` with `ts_rank`). Terms are
//! already folded and stemmed by the domain, so both backends match the same documents.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement, Value,
};

use crate::Result;
use crate::entities::{search_document as doc, search_queue as queue};

/// Up to `batch` queued changes, oldest first. On PostgreSQL the rows are locked and rows
/// another process holds are skipped, so several processes can drain one queue.
pub async fn take_queued<C: ConnectionTrait>(db: &C, batch: u64) -> Result<Vec<queue::Model>> {
    let mut q = queue::Entity::find().order_by_asc(queue::Column::Id).limit(batch);
    if db.get_database_backend() == DbBackend::Postgres {
        q = q.lock_with_behavior(sea_orm::sea_query::LockType::Update, sea_orm::sea_query::LockBehavior::SkipLocked);
    }
    Ok(q.all(db).await?)
}

/// Removes handled queue rows (by id: rows queued meanwhile stay).
pub async fn forget_queued<C: ConnectionTrait>(db: &C, ids: &[i64]) -> Result<()> {
    for chunk in ids.chunks(500) {
        queue::Entity::delete_many().filter(queue::Column::Id.is_in(chunk.to_vec())).exec(db).await?;
    }
    Ok(())
}

/// Queues one row.
pub async fn enqueue<C: ConnectionTrait>(db: &C, kind: &str, object_id: i64) -> Result<()> {
    queue::Entity::insert(queue::ActiveModel {
        kind: sea_orm::Set(kind.to_owned()),
        object_id: sea_orm::Set(object_id),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Queues every reply of a discussion (its title, visibility or deletion changed).
pub async fn enqueue_replies_of<C: ConnectionTrait>(db: &C, discussion_id: i64) -> Result<()> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        match backend {
            DbBackend::Postgres => {
                "INSERT INTO search_queue (kind, object_id) SELECT 'reply', id FROM replies WHERE discussion_id = $1"
            }
            _ => "INSERT INTO search_queue (kind, object_id) SELECT 'reply', id FROM replies WHERE discussion_id = ?",
        },
        [discussion_id.into()],
    ))
    .await?;
    Ok(())
}

/// The document of one thing, if indexed.
pub async fn document<C: ConnectionTrait>(db: &C, kind: &str, object_id: i64) -> Result<Option<doc::Model>> {
    Ok(doc::Entity::find()
        .filter(doc::Column::Kind.eq(kind))
        .filter(doc::Column::ObjectId.eq(object_id))
        .one(db)
        .await?)
}

/// Writes a document (replacing the one of the same kind and object).
pub async fn put<C: ConnectionTrait>(db: &C, mut d: doc::ActiveModel) -> Result<()> {
    d.id = sea_orm::NotSet;
    d.indexed_at = sea_orm::Set(Utc::now());
    doc::Entity::insert(d)
        .on_conflict(
            OnConflict::columns([doc::Column::Kind, doc::Column::ObjectId])
                .update_columns([
                    doc::Column::CommunityId,
                    doc::Column::MembersOnly,
                    doc::Column::Domain,
                    doc::Column::AuthorId,
                    doc::Column::AuthorDomain,
                    doc::Column::Language,
                    doc::Column::Title,
                    doc::Column::Path,
                    doc::Column::Body,
                    doc::Column::TitleTerms,
                    doc::Column::BodyTerms,
                    doc::Column::PublishedTs,
                    doc::Column::IndexedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Removes the documents of `kinds` for one object (a discussion's is `discussion` or `poll`).
pub async fn remove<C: ConnectionTrait>(db: &C, kinds: &[&str], object_id: i64) -> Result<()> {
    doc::Entity::delete_many()
        .filter(doc::Column::Kind.is_in(kinds.iter().copied()))
        .filter(doc::Column::ObjectId.eq(object_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Empties the index and queues every searchable row; returns how many rows were queued.
pub async fn requeue_all<C: ConnectionTrait>(db: &C) -> Result<u64> {
    doc::Entity::delete_many().exec(db).await?;
    queue::Entity::delete_many().exec(db).await?;
    let backend = db.get_database_backend();
    for (kind, table) in [
        ("discussion", "discussions"),
        ("reply", "replies"),
        ("wiki", "wiki_pages"),
        ("event", "events"),
        ("community", "communities"),
        ("account", "accounts"),
    ] {
        db.execute_raw(Statement::from_string(
            backend,
            format!("INSERT INTO search_queue (kind, object_id) SELECT '{kind}', id FROM {table} ORDER BY id"),
        ))
        .await?;
    }
    pending(db).await
}

/// Rows waiting in the queue.
pub async fn pending<C: ConnectionTrait>(db: &C) -> Result<u64> {
    Ok(queue::Entity::find().count(db).await?)
}

/// Documents in the index.
pub async fn documents<C: ConnectionTrait>(db: &C) -> Result<u64> {
    Ok(doc::Entity::find().count(db).await?)
}

/// One full-text query with the viewer's reading rights already worked out as sets.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Query words: for each, the stems any of which matches, and whether the word itself
    /// also matches as a prefix.
    pub terms: Vec<(Vec<String>, Option<String>)>,
    /// Kinds to return (`SearchKind::as_str`); empty: all.
    pub kinds: Vec<String>,
    /// Communities whose content (members-only too) the viewer reads.
    pub all_content: Vec<i64>,
    /// Communities whose content is read when it is not members-only.
    pub open_content: Vec<i64>,
    /// Communities and guilds the viewer may find by their profile.
    pub listed: Vec<i64>,
    /// Authors' instances whose posts are found only where `limited_ok` says.
    pub limited_domains: Vec<String>,
    /// Communities where posts by limited authors are found.
    pub limited_ok: Vec<i64>,
    /// Instances whose people are not found.
    pub hidden_people_domains: Vec<String>,
    /// Only these communities (and their content).
    pub communities: Option<Vec<i64>>,
    /// Only things on this instance ('' for this one).
    pub domain: Option<String>,
    /// Published at or after (Unix seconds).
    pub since: Option<i64>,
    /// Published before (Unix seconds).
    pub until: Option<i64>,
    /// Only this language.
    pub language: Option<String>,
    /// "Now" for recency, in Unix seconds (a day's start keeps paging stable within a day).
    pub now: i64,
    /// Results to skip.
    pub offset: u64,
    /// Results to return.
    pub limit: u64,
}

/// Placeholders and values for one statement, in the backend's spelling.
struct Binds {
    backend: DbBackend,
    values: Vec<Value>,
}

impl Binds {
    fn push(&mut self, v: impl Into<Value>) -> String {
        self.values.push(v.into());
        match self.backend {
            DbBackend::Postgres => format!("${}", self.values.len()),
            // Numbered, so the order placeholders appear in need not be the order pushed.
            _ => format!("?{}", self.values.len()),
        }
    }

    /// `col IN (the ids)`, as one bound JSON array whatever its length.
    fn in_ids(&mut self, col: &str, ids: &[i64]) -> String {
        let json = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        let p = self.push(json);
        match self.backend {
            DbBackend::Postgres => {
                format!("{col} IN (SELECT CAST(jsonb_array_elements_text(CAST({p} AS jsonb)) AS BIGINT))")
            }
            _ => format!("{col} IN (SELECT value FROM json_each({p}))"),
        }
    }

    /// `col IN (the strings)`, as one bound JSON array.
    fn in_strings(&mut self, col: &str, items: &[String]) -> String {
        let json = serde_json::to_string(items).unwrap_or_else(|_| "[]".into());
        let p = self.push(json);
        match self.backend {
            DbBackend::Postgres => format!("{col} IN (SELECT jsonb_array_elements_text(CAST({p} AS jsonb)))"),
            _ => format!("{col} IN (SELECT value FROM json_each({p}))"),
        }
    }
}

/// The match expression: every word, any of its stems (or the word as a prefix). Terms are
/// letters and digits only (the domain's `words`), so quoting them is enough.
fn match_expr(backend: DbBackend, terms: &[(Vec<String>, Option<String>)]) -> String {
    let clean = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).collect::<String>();
    terms
        .iter()
        .map(|(stems, prefix)| {
            let mut alts: Vec<String> = stems
                .iter()
                .map(|s| clean(s))
                .filter(|s| !s.is_empty())
                .map(|s| if backend == DbBackend::Postgres { format!("'{s}'") } else { format!("\"{s}\"") })
                .collect();
            if let Some(p) = prefix.as_deref().map(clean).filter(|p| !p.is_empty()) {
                alts.push(if backend == DbBackend::Postgres { format!("'{p}':*") } else { format!("\"{p}\"*") });
            }
            let sep = if backend == DbBackend::Postgres { " | " } else { " OR " };
            alts.join(sep)
        })
        .filter(|alts| !alts.is_empty())
        .map(|alts| format!("({alts})"))
        .collect::<Vec<_>>()
        .join(if backend == DbBackend::Postgres { " & " } else { " AND " })
}

/// The documents that match, best first, with their scores; one more than `limit` when
/// another page follows.
pub async fn search<C: ConnectionTrait>(db: &C, s: &Search) -> Result<Vec<(doc::Model, f64)>> {
    if s.terms.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let pg = backend == DbBackend::Postgres;
    let mut b = Binds { backend, values: Vec::new() };
    let expr = match_expr(backend, &s.terms);
    if expr.is_empty() {
        return Ok(Vec::new());
    }
    // Relevance (title words weigh more) times a recency factor between 1 and 2 that halves
    // its bonus after a month.
    let now = b.push(s.now);
    let age =
        if pg { format!("GREATEST(0, {now} - d.published_ts)") } else { format!("MAX(0, {now} - d.published_ts)") };
    let recency = format!("(1.0 + 1.0 / (1.0 + CAST({age} AS DOUBLE PRECISION) / 2592000.0))");
    let mut sql = if pg {
        let q = b.push(expr);
        format!(
            "SELECT d.id, d.kind, d.object_id, d.community_id, d.members_only, d.domain, d.author_id, d.author_domain,
                    d.language, d.title, d.path, d.body, d.title_terms, d.body_terms, d.published_ts, d.indexed_at,
                    CAST(ts_rank(d.tsv, q) AS DOUBLE PRECISION) * {recency} AS score
             FROM search_documents d, to_tsquery('simple', {q}) q
             WHERE d.tsv @@ q"
        )
    } else {
        let q = b.push(expr);
        format!(
            "SELECT d.*, (-bm25(search_fts, 4.0, 1.0)) * {recency} AS score
             FROM search_fts JOIN search_documents d ON d.id = search_fts.rowid
             WHERE search_fts MATCH {q}"
        )
    };
    if !s.kinds.is_empty() {
        let c = b.in_strings("d.kind", &s.kinds);
        sql += &format!(" AND {c}");
    }
    // Reading rights: content by its community's reach, profiles by the directory's rule.
    let all = b.in_ids("d.community_id", &s.all_content);
    let open = b.in_ids("d.community_id", &s.open_content);
    let listed = b.in_ids("d.community_id", &s.listed);
    let hidden_people = b.in_strings("d.domain", &s.hidden_people_domains);
    let mut content = format!("({all} OR (d.members_only = FALSE AND {open}))");
    if !s.limited_domains.is_empty() {
        let limited = b.in_strings("d.author_domain", &s.limited_domains);
        let ok = b.in_ids("d.community_id", &s.limited_ok);
        content = format!("({content} AND (NOT {limited} OR {ok}))");
    }
    sql += &format!(
        " AND ((d.kind IN ('community', 'guild') AND {listed})
           OR (d.kind = 'person' AND NOT {hidden_people})
           OR (d.kind NOT IN ('community', 'guild', 'person') AND {content}))"
    );
    if let Some(ids) = &s.communities {
        let c = b.in_ids("d.community_id", ids);
        sql += &format!(" AND {c}");
    }
    if let Some(domain) = &s.domain {
        let p = b.push(domain.clone());
        sql += &format!(" AND d.domain = {p}");
    }
    if let Some(t) = s.since {
        let p = b.push(t);
        sql += &format!(" AND d.published_ts >= {p}");
    }
    if let Some(t) = s.until {
        let p = b.push(t);
        sql += &format!(" AND d.published_ts < {p}");
    }
    if let Some(lang) = &s.language {
        let p = b.push(lang.clone());
        sql += &format!(" AND d.language = {p}");
    }
    let limit = b.push((s.limit + 1) as i64);
    let offset = b.push(s.offset as i64);
    sql += &format!(" ORDER BY score DESC, d.id DESC LIMIT {limit} OFFSET {offset}");
    let rows = db.query_all_raw(Statement::from_sql_and_values(backend, sql, b.values)).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let d = doc::Model::from_query_result(&row, "")?;
        let score: f64 = row.try_get("", "score")?;
        out.push((d, score));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_expressions_quote_every_word() {
        let terms = vec![(vec!["equip".to_owned()], None), (vec!["intro".to_owned()], Some("intro".to_owned()))];
        assert_eq!(match_expr(DbBackend::Sqlite, &terms), "(\"equip\") AND (\"intro\" OR \"intro\"*)");
        assert_eq!(match_expr(DbBackend::Postgres, &terms), "('equip') & ('intro' | 'intro':*)");
        // Anything but letters and digits is dropped even if a caller passed it.
        let hostile = vec![(vec!["a\"b'c*".to_owned()], None)];
        assert_eq!(match_expr(DbBackend::Sqlite, &hostile), "(\"abc\")");
    }
}

/// What indexing needs to read about each kind of searchable row.
pub mod sources {
    use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

    use crate::Result;
    use crate::entities::{account, community, discussion, event, poll, reply, wiki_page, wiki_revision};

    /// A discussion, its community, its author and whether it carries a poll.
    pub async fn discussion<C: ConnectionTrait>(
        db: &C,
        id: i64,
    ) -> Result<Option<(discussion::Model, community::Model, Option<account::Model>, bool)>> {
        let Some(d) = discussion::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
        let Some(c) = community::Entity::find_by_id(d.community_id).one(db).await? else { return Ok(None) };
        let a = account::Entity::find_by_id(d.author_id).one(db).await?;
        let has_poll = poll::Entity::find().filter(poll::Column::DiscussionId.eq(id)).one(db).await?.is_some();
        Ok(Some((d, c, a, has_poll)))
    }

    /// A reply, its discussion, community and author.
    pub async fn reply<C: ConnectionTrait>(
        db: &C,
        id: i64,
    ) -> Result<Option<(reply::Model, discussion::Model, community::Model, Option<account::Model>)>> {
        let Some(r) = reply::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
        let Some(d) = discussion::Entity::find_by_id(r.discussion_id).one(db).await? else { return Ok(None) };
        let Some(c) = community::Entity::find_by_id(d.community_id).one(db).await? else { return Ok(None) };
        let a = account::Entity::find_by_id(r.author_id).one(db).await?;
        Ok(Some((r, d, c, a)))
    }

    /// A wiki page, its current revision (with its author) and its community.
    pub async fn wiki<C: ConnectionTrait>(
        db: &C,
        id: i64,
    ) -> Result<Option<(wiki_page::Model, Option<wiki_revision::Model>, community::Model, Option<account::Model>)>>
    {
        let Some(p) = wiki_page::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
        let Some(c) = community::Entity::find_by_id(p.community_id).one(db).await? else { return Ok(None) };
        let rev = wiki_revision::Entity::find()
            .filter(wiki_revision::Column::PageId.eq(id))
            .filter(wiki_revision::Column::Number.eq(p.revision))
            .one(db)
            .await?;
        let a = match rev.as_ref().and_then(|r| r.author_id) {
            Some(a) => account::Entity::find_by_id(a).one(db).await?,
            None => None,
        };
        Ok(Some((p, rev, c, a)))
    }

    /// An event, its community and organiser.
    pub async fn event<C: ConnectionTrait>(
        db: &C,
        id: i64,
    ) -> Result<Option<(event::Model, community::Model, Option<account::Model>)>> {
        let Some(e) = event::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
        let Some(c) = community::Entity::find_by_id(e.community_id).one(db).await? else { return Ok(None) };
        let a = account::Entity::find_by_id(e.organiser_id).one(db).await?;
        Ok(Some((e, c, a)))
    }

    /// A community or guild.
    pub async fn community<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<community::Model>> {
        Ok(community::Entity::find_by_id(id).one(db).await?)
    }

    /// An account.
    pub async fn account<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<account::Model>> {
        Ok(account::Entity::find_by_id(id).one(db).await?)
    }
}

/// Every community's id, visibility and instance: what working out a viewer's reach needs.
pub async fn community_reach_rows<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<(i64, guildhall_domain::Visibility, String)>> {
    use crate::entities::community;
    Ok(community::Entity::find()
        .select_only()
        .columns([community::Column::Id, community::Column::Visibility, community::Column::Domain])
        .into_tuple()
        .all(db)
        .await?)
}

/// Every membership row of one account, by community.
pub async fn memberships_of_account<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
) -> Result<std::collections::HashMap<i64, crate::entities::membership::Model>> {
    use crate::entities::membership;
    let rows = membership::Entity::find().filter(membership::Column::AccountId.eq(account_id)).all(db).await?;
    Ok(rows.into_iter().map(|m| (m.community_id, m)).collect())
}

/// The instances of every known person.
pub async fn person_domains<C: ConnectionTrait>(db: &C) -> Result<Vec<String>> {
    use crate::entities::account;
    Ok(account::Entity::find()
        .select_only()
        .column(account::Column::Domain)
        .distinct()
        .filter(account::Column::Domain.ne(""))
        .into_tuple()
        .all(db)
        .await?)
}
