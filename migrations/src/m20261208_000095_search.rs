//! Full-text search: one table of search documents (folded, stemmed terms computed by the
//! application), indexed by SQLite's FTS5 or PostgreSQL's GIN over a `tsvector`, and a durable
//! queue that triggers fill in the same transaction as every change to a searchable row, so
//! no write path can forget the index. Existing rows are queued here, so an upgraded instance
//! indexes its history on its first start.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (queue kind, table, columns whose change requeues the row).
const SOURCES: &[(&str, &str, &str)] = &[
    ("discussion", "discussions", "title, body_source, body_html, deleted_at, members_only, community_id"),
    ("reply", "replies", "body_source, body_html, deleted_at"),
    ("wiki", "wiki_pages", "title, slug, revision"),
    (
        "event",
        "events",
        "title, description_source, place_name, place_address, deleted_at, members_only, starts_at, status",
    ),
    ("community", "communities", "name, title, description, charter, tags, kind"),
    ("account", "accounts", "username, display_name, bio, department, tags, status"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let pg = manager.get_database_backend() == DatabaseBackend::Postgres;
        let (serial, ts) = if pg {
            ("BIGSERIAL PRIMARY KEY", "TIMESTAMPTZ")
        } else {
            ("INTEGER PRIMARY KEY AUTOINCREMENT", "TIMESTAMP")
        };
        db.execute_unprepared(&format!(
            "CREATE TABLE search_documents (
                id {serial},
                kind VARCHAR(16) NOT NULL,
                object_id BIGINT NOT NULL,
                community_id BIGINT NULL,
                members_only BOOLEAN NOT NULL DEFAULT FALSE,
                domain VARCHAR(255) NOT NULL DEFAULT '',
                author_id BIGINT NULL,
                author_domain VARCHAR(255) NOT NULL DEFAULT '',
                language VARCHAR(8) NULL,
                title TEXT NOT NULL,
                path TEXT NOT NULL,
                body TEXT NOT NULL,
                title_terms TEXT NOT NULL,
                body_terms TEXT NOT NULL,
                published_ts BIGINT NOT NULL,
                indexed_at {ts} NOT NULL
            )"
        ))
        .await?;
        db.execute_unprepared("CREATE UNIQUE INDEX idx_search_documents_object ON search_documents (kind, object_id)")
            .await?;
        db.execute_unprepared("CREATE INDEX idx_search_documents_community ON search_documents (community_id)").await?;
        db.execute_unprepared(&format!(
            "CREATE TABLE search_queue (id {serial}, kind VARCHAR(16) NOT NULL, object_id BIGINT NOT NULL)"
        ))
        .await?;
        if pg {
            db.execute_unprepared(
                "ALTER TABLE search_documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('simple', title_terms), 'A') ||
                    setweight(to_tsvector('simple', body_terms), 'B')) STORED",
            )
            .await?;
            db.execute_unprepared("CREATE INDEX idx_search_documents_tsv ON search_documents USING GIN (tsv)").await?;
            db.execute_unprepared(
                "CREATE FUNCTION search_enqueue() RETURNS trigger AS $$
                 BEGIN
                   IF TG_OP = 'DELETE' THEN
                     INSERT INTO search_queue (kind, object_id) VALUES (TG_ARGV[0], OLD.id);
                     RETURN OLD;
                   END IF;
                   INSERT INTO search_queue (kind, object_id) VALUES (TG_ARGV[0], NEW.id);
                   RETURN NEW;
                 END $$ LANGUAGE plpgsql",
            )
            .await?;
            db.execute_unprepared(
                "CREATE FUNCTION search_enqueue_poll() RETURNS trigger AS $$
                 BEGIN
                   IF TG_OP = 'DELETE' THEN
                     INSERT INTO search_queue (kind, object_id) VALUES ('discussion', OLD.discussion_id);
                     RETURN OLD;
                   END IF;
                   INSERT INTO search_queue (kind, object_id) VALUES ('discussion', NEW.discussion_id);
                   RETURN NEW;
                 END $$ LANGUAGE plpgsql",
            )
            .await?;
            for (kind, table, cols) in SOURCES {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER search_q_{table} AFTER INSERT OR DELETE OR UPDATE OF {cols} ON {table}
                     FOR EACH ROW EXECUTE FUNCTION search_enqueue('{kind}')"
                ))
                .await?;
            }
            db.execute_unprepared(
                "CREATE TRIGGER search_q_polls AFTER INSERT OR DELETE ON polls
                 FOR EACH ROW EXECUTE FUNCTION search_enqueue_poll()",
            )
            .await?;
        } else {
            // External-content FTS5 table over the documents, kept in step by triggers. The
            // terms are already folded and stemmed, so the tokenizer only splits on spaces.
            db.execute_unprepared(
                "CREATE VIRTUAL TABLE search_fts USING fts5(title_terms, body_terms,
                    content='search_documents', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN
                   INSERT INTO search_fts (rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, new.body_terms);
                 END",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN
                   INSERT INTO search_fts (search_fts, rowid, title_terms, body_terms)
                     VALUES ('delete', old.id, old.title_terms, old.body_terms);
                 END",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN
                   INSERT INTO search_fts (search_fts, rowid, title_terms, body_terms)
                     VALUES ('delete', old.id, old.title_terms, old.body_terms);
                   INSERT INTO search_fts (rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, new.body_terms);
                 END",
            )
            .await?;
            for (kind, table, cols) in SOURCES {
                for (event, row) in
                    [("INSERT", "NEW"), ("DELETE", "OLD"), (&format!("UPDATE OF {cols}") as &str, "NEW")]
                {
                    let name = event.split(' ').next().unwrap_or(event).to_ascii_lowercase();
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER search_q_{table}_{name} AFTER {event} ON {table} BEGIN
                           INSERT INTO search_queue (kind, object_id) VALUES ('{kind}', {row}.id);
                         END"
                    ))
                    .await?;
                }
            }
            for (event, row) in [("INSERT", "NEW"), ("DELETE", "OLD")] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER search_q_polls_{} AFTER {event} ON polls BEGIN
                       INSERT INTO search_queue (kind, object_id) VALUES ('discussion', {row}.discussion_id);
                     END",
                    event.to_ascii_lowercase()
                ))
                .await?;
            }
        }
        // Index what is already there.
        for (kind, table, _) in SOURCES {
            db.execute_unprepared(&format!(
                "INSERT INTO search_queue (kind, object_id) SELECT '{kind}', id FROM {table} ORDER BY id"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let pg = manager.get_database_backend() == DatabaseBackend::Postgres;
        if pg {
            for (_, table, _) in SOURCES {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS search_q_{table} ON {table}")).await?;
            }
            db.execute_unprepared("DROP TRIGGER IF EXISTS search_q_polls ON polls").await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS search_enqueue()").await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS search_enqueue_poll()").await?;
        } else {
            for (_, table, _) in SOURCES {
                for name in ["insert", "delete", "update"] {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS search_q_{table}_{name}")).await?;
                }
            }
            db.execute_unprepared("DROP TRIGGER IF EXISTS search_q_polls_insert").await?;
            db.execute_unprepared("DROP TRIGGER IF EXISTS search_q_polls_delete").await?;
            db.execute_unprepared("DROP TABLE IF EXISTS search_fts").await?;
        }
        db.execute_unprepared("DROP TABLE IF EXISTS search_queue").await?;
        db.execute_unprepared("DROP TABLE IF EXISTS search_documents").await?;
        Ok(())
    }
}
