//! Search benchmark (not a test): fills N posts (default 1,000,000) of mixed English and French
//! text, from a deterministic word generator, into discussions and replies across 200
//! communities with bulk INSERTs, then measures
//!
//! - the write overhead per post: the insert time with the search triggers against without
//!   them (a sample, the triggers dropped and put back), and the indexing time per document
//!   (`search_index::drain` in batches of 500);
//! - the size of the search tables (SQLite: `dbstat`; PostgreSQL: `pg_total_relation_size`);
//! - p50/p99 times of `guildhall_app::search::find` for 200 queries of 1–3 words (common, rare,
//!   French accented, a prefix), as an anonymous viewer and as a member of 5 private
//!   communities.
//!
//! SQLite in a temp dir always (unless `--no-sqlite`); PostgreSQL too with `--postgres URL` (a
//! fresh schema, dropped at the end). Prints a table:
//!
//! ```text
//! cargo run --release -p federation-tests --bin search_bench -- --posts 20000
//! cargo run --release -p federation-tests --bin search_bench -- \
//!     --posts 1000000 --postgres postgres://postgres@127.0.0.1:5432/guildhall_test
//! ```

#[path = "search_bench/data.rs"]
mod data;

use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use guildhall_app::search::{SearchQuery, find};
use guildhall_app::{AppContext, InstanceInfo, Viewer};
use guildhall_domain::{AccountStatus, MembershipStatus};
use guildhall_store::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use sea_orm::{DbBackend, Statement, Value};

use data::{Rng, Words};

const COMMUNITIES: usize = 200;
const PRIVATE: usize = 20;
const AUTHORS: usize = 100;
/// Posts per transaction while filling.
const CHUNK: usize = 5_000;
/// Rows per INSERT statement.
const ROWS: usize = 250;

struct Args {
    posts: usize,
    postgres: Option<String>,
    sqlite: bool,
    sample: usize,
}

fn args() -> Args {
    let mut a = Args { posts: 1_000_000, postgres: None, sqlite: true, sample: 20_000 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--posts" => a.posts = it.next().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or_else(|| usage()),
            "--sample" => a.sample = it.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage()),
            "--postgres" => a.postgres = Some(it.next().unwrap_or_else(|| usage())),
            "--no-sqlite" => a.sqlite = false,
            _ => usage(),
        }
    }
    a
}

fn usage() -> ! {
    eprintln!("usage: search_bench [--posts N] [--sample N] [--postgres URL] [--no-sqlite]");
    std::process::exit(2);
}

/// What one backend measured.
struct Report {
    backend: &'static str,
    posts: usize,
    fill: Duration,
    sample: usize,
    with_triggers: Option<Duration>,
    without_triggers: Option<Duration>,
    docs: u64,
    index: Duration,
    search_bytes: Option<u64>,
    content_bytes: Option<u64>,
    anon: Vec<Duration>,
    member: Vec<Duration>,
    anon_hits: usize,
    member_hits: usize,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let a = args();
    let mut reports = Vec::new();
    if a.sqlite {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display());
        let db = guildhall_store::connect(&url).await.expect("open SQLite");
        reports.push(run("SQLite", db, &a).await);
    }
    if let Some(url) = &a.postgres {
        let schema = format!("search_bench_{}", std::process::id());
        let admin = guildhall_store::connect(url).await.expect("connect to PostgreSQL");
        admin.execute_unprepared(&format!("CREATE SCHEMA {schema}")).await.expect("create schema");
        let db = guildhall_store::connect_with_schema(url, Some(&schema)).await.expect("connect to the schema");
        reports.push(run("PostgreSQL", db.clone(), &a).await);
        db.close().await.ok();
        admin.execute_unprepared(&format!("DROP SCHEMA {schema} CASCADE")).await.expect("drop schema");
    }
    print_table(&reports);
}

async fn run(backend: &'static str, db: DatabaseConnection, a: &Args) -> Report {
    guildhall_store::migrate(&db).await.expect("migrations");
    guildhall_store::settings::get(&db).await.expect("settings row");
    let ctx = AppContext::new(db.clone(), InstanceInfo { domain: "bench.example".into(), https: true });
    let words = Words::new();
    let mut rng = Rng::new(0x5ea2c4);
    eprintln!("{backend}: setting up {COMMUNITIES} communities");
    let (communities, member) = setup(&ctx, &db).await;
    let authors: Vec<i64> = authors(&db).await;

    // Trigger cost: a sample inserted without the search triggers, then removed.
    let sample = a.sample.min(a.posts);
    let triggers = triggers(&db).await;
    let mut without_triggers = None;
    if !triggers.is_empty() && sample > 0 {
        for (name, table, _) in &triggers {
            db.execute_unprepared(&drop_trigger(backend, name, table)).await.expect("drop trigger");
        }
        let mut g = Filler::new(&communities, &authors, Rng::new(7));
        let t = Instant::now();
        g.fill(&db, &words, sample).await;
        without_triggers = Some(t.elapsed());
        db.execute_unprepared("DELETE FROM replies").await.expect("clear sample replies");
        db.execute_unprepared("DELETE FROM discussions").await.expect("clear sample discussions");
        for (_, _, create) in &triggers {
            db.execute_unprepared(create).await.expect("put the trigger back");
        }
    }
    // The real fill, with the triggers; its first `sample` posts timed apart for comparison.
    eprintln!("{backend}: filling {} posts ({} triggers on the post tables)", a.posts, triggers.len());
    let mut g = Filler::new(&communities, &authors, Rng::new(rng.next()));
    let started = Instant::now();
    g.fill(&db, &words, sample).await;
    let with_triggers = (!triggers.is_empty() && sample > 0).then(|| started.elapsed());
    g.fill(&db, &words, a.posts - sample).await;
    let fill = started.elapsed();

    eprintln!("{backend}: indexing");
    let before = content_bytes(backend, &db).await;
    let t = Instant::now();
    let mut docs = 0;
    loop {
        match guildhall_app::search_index::drain(&ctx, 500).await.expect("drain") {
            0 => break,
            n => docs += n,
        }
        if docs % 50_000 < 500 {
            eprintln!("{backend}: {docs} documents indexed");
        }
    }
    let index = t.elapsed();
    let search_bytes = search_bytes(backend, &db).await;

    eprintln!("{backend}: querying");
    let queries = data::queries(&words, &mut rng, 200);
    eprintln!("{backend}: queries such as {:?}", &queries[..10]);
    let run_all = |viewer: Option<Viewer>| {
        let (ctx, queries) = (ctx.clone(), queries.clone());
        async move {
            let mut times = Vec::with_capacity(queries.len());
            let mut hits = 0;
            for q in queries.iter().take(10) {
                let _ = find(&ctx, viewer.as_ref(), &query(q)).await;
            }
            for q in &queries {
                let t = Instant::now();
                let page = find(&ctx, viewer.as_ref(), &query(q)).await.expect("find");
                times.push(t.elapsed());
                hits += page.hits.len();
            }
            times.sort();
            (times, hits)
        }
    };
    let (anon, anon_hits) = run_all(None).await;
    let (member_times, member_hits) = run_all(Some(member)).await;
    Report {
        backend,
        posts: a.posts,
        fill,
        sample,
        with_triggers,
        without_triggers,
        docs,
        index,
        search_bytes,
        content_bytes: before,
        anon,
        member: member_times,
        anon_hits,
        member_hits,
    }
}

fn query(text: &str) -> SearchQuery {
    SearchQuery { text: text.to_owned(), limit: 20, ..Default::default() }
}

/// The communities (200, the first 20 private) and a member of 5 private ones.
async fn setup(ctx: &AppContext, db: &DatabaseConnection) -> (Vec<(i64, bool)>, Viewer) {
    let owner =
        guildhall_app::auth::create_account(ctx, "owner", None, "correct horse battery", true).await.expect("owner");
    let owner = Viewer { account_id: owner.id, username: owner.username.clone(), is_admin: false };
    let mut out = Vec::new();
    for i in 0..COMMUNITIES {
        let private = i < PRIVATE;
        let new = guildhall_app::communities::NewCommunity {
            name: format!("community{i}"),
            title: format!("Community {i}"),
            visibility: Some(if private {
                guildhall_domain::Visibility::Private
            } else {
                guildhall_domain::Visibility::Public
            }),
            ..Default::default()
        };
        let c = guildhall_app::communities::create(ctx, &owner, new).await.expect("community");
        out.push((c.id, private));
    }
    let now = Utc::now();
    let m = guildhall_store::accounts::insert_account(db, account("member"), now).await.expect("member");
    for &(community_id, _) in out.iter().take(5) {
        guildhall_store::communities::insert_membership(
            db,
            guildhall_store::communities::NewMembership {
                community_id,
                account_id: m.id,
                status: MembershipStatus::Active,
                is_moderator: false,
                request_message: None,
                charter_accepted_at: Some(now),
                follow_ap_id: None,
            },
            now,
        )
        .await
        .expect("membership");
    }
    (out, Viewer { account_id: m.id, username: m.username, is_admin: false })
}

fn account(name: &str) -> guildhall_store::accounts::NewAccount {
    guildhall_store::accounts::NewAccount {
        username: name.to_owned(),
        email: None,
        password_hash: "!".into(),
        display_name: name.to_owned(),
        is_admin: false,
        status: AccountStatus::Active,
        registration_reason: None,
        email_confirmed_at: None,
    }
}

async fn authors(db: &DatabaseConnection) -> Vec<i64> {
    let txn = db.begin().await.expect("begin");
    let mut out = Vec::new();
    for i in 0..AUTHORS {
        let a = guildhall_store::accounts::insert_account(&txn, account(&format!("author{i}")), Utc::now())
            .await
            .expect("author");
        out.push(a.id);
    }
    txn.commit().await.expect("commit");
    out
}

/// The triggers on the post tables: name, table and the statement that creates it again.
async fn triggers(db: &DatabaseConnection) -> Vec<(String, String, String)> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' \
             AND tbl_name IN ('discussions', 'replies')"
        }
        _ => {
            "SELECT t.tgname AS name, c.relname AS tbl_name, pg_get_triggerdef(t.oid) AS sql FROM pg_trigger t \
             JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal \
             AND c.relname IN ('discussions', 'replies') AND c.relnamespace = current_schema()::regnamespace"
        }
    };
    let rows = db.query_all_raw(Statement::from_string(backend, sql)).await.expect("list triggers");
    rows.iter()
        .map(|r| {
            (
                r.try_get::<String>("", "name").expect("name"),
                r.try_get::<String>("", "tbl_name").expect("table"),
                r.try_get::<String>("", "sql").expect("sql"),
            )
        })
        .collect()
}

fn drop_trigger(backend: &str, name: &str, table: &str) -> String {
    if backend == "SQLite" { format!("DROP TRIGGER \"{name}\"") } else { format!("DROP TRIGGER \"{name}\" ON {table}") }
}

/// Bytes of the search tables (and their indexes), if the database can tell.
async fn search_bytes(backend: &str, db: &DatabaseConnection) -> Option<u64> {
    let sql = if backend == "SQLite" {
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await.ok();
        "SELECT CAST(SUM(d.pgsize) AS INTEGER) AS bytes FROM dbstat d JOIN sqlite_master m ON m.name = d.name \
         WHERE m.tbl_name LIKE 'search%'"
    } else {
        "SELECT CAST(SUM(pg_total_relation_size(c.oid)) AS BIGINT) AS bytes FROM pg_class c \
         WHERE c.relkind IN ('r', 'm') AND c.relname LIKE 'search%' AND c.relnamespace = current_schema()::regnamespace"
    };
    bytes(db, sql).await
}

/// Bytes of the post tables, for comparison.
async fn content_bytes(backend: &str, db: &DatabaseConnection) -> Option<u64> {
    let sql = if backend == "SQLite" {
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await.ok();
        "SELECT CAST(SUM(d.pgsize) AS INTEGER) AS bytes FROM dbstat d JOIN sqlite_master m ON m.name = d.name \
         WHERE m.tbl_name IN ('discussions', 'replies')"
    } else {
        "SELECT CAST(pg_total_relation_size('discussions') + pg_total_relation_size('replies') AS BIGINT) AS bytes"
    };
    bytes(db, sql).await
}

async fn bytes(db: &DatabaseConnection, sql: &str) -> Option<u64> {
    match db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await {
        Ok(Some(row)) => row.try_get::<Option<i64>>("", "bytes").ok().flatten().map(|b| b as u64),
        Ok(None) => None,
        Err(e) => {
            eprintln!("size query failed: {e}");
            None
        }
    }
}

/// Writes posts: one discussion in five, the rest replies to recent discussions.
struct Filler<'a> {
    communities: &'a [(i64, bool)],
    authors: &'a [i64],
    rng: Rng,
    recent: Vec<i64>,
    made: u64,
}

impl<'a> Filler<'a> {
    fn new(communities: &'a [(i64, bool)], authors: &'a [i64], rng: Rng) -> Self {
        Filler { communities, authors, rng, recent: Vec::new(), made: 0 }
    }

    async fn fill(&mut self, db: &DatabaseConnection, words: &Words, posts: usize) {
        let mut left = posts;
        while left > 0 {
            let n = left.min(CHUNK);
            let txn = db.begin().await.expect("begin");
            let discussions = n.div_ceil(5);
            let mut done = 0;
            while done < discussions {
                let rows = (discussions - done).min(ROWS);
                let ids = self.discussions(&txn, words, rows).await;
                self.recent.extend(ids);
                done += rows;
            }
            if self.recent.len() > 2_000 {
                self.recent.drain(..self.recent.len() - 2_000);
            }
            let mut done = 0;
            while done < n - discussions {
                let rows = (n - discussions - done).min(ROWS);
                self.replies(&txn, words, rows).await;
                done += rows;
            }
            txn.commit().await.expect("commit");
            left -= n;
            self.made += n as u64;
            if self.made % 100_000 < CHUNK as u64 {
                eprintln!("  {} posts written", self.made);
            }
        }
    }

    fn when(&mut self) -> chrono::DateTime<Utc> {
        Utc::now() - TimeDelta::seconds(self.rng.below(3 * 365 * 86_400) as i64)
    }

    async fn discussions(&mut self, txn: &impl ConnectionTrait, words: &Words, rows: usize) -> Vec<i64> {
        let backend = txn.get_database_backend();
        let mut values = Vec::with_capacity(rows * 8);
        let mut tuples = Vec::with_capacity(rows);
        for _ in 0..rows {
            let (community, private) = self.communities[self.rng.below(self.communities.len() as u64) as usize];
            let french = self.rng.below(10) < 3;
            let title = words.sentence(&mut self.rng, french, 4, 9);
            let body = words.paragraph(&mut self.rng, french);
            let at = self.when();
            let base = values.len();
            tuples.push(placeholders(backend, base, 8, "0, FALSE, FALSE, FALSE"));
            values.extend([
                Value::from(community),
                Value::from(self.authors[self.rng.below(self.authors.len() as u64) as usize]),
                Value::from(title),
                Value::from(format!("<p>{body}</p>")),
                Value::from(body),
                Value::from(private),
                Value::from(at),
                Value::from(at),
            ]);
        }
        let sql = format!(
            "INSERT INTO discussions (community_id, author_id, title, body_html, body_source, members_only, \
             created_at, last_activity_at, reply_count, pinned, locked, sensitive) VALUES {} RETURNING id",
            tuples.join(", ")
        );
        let rows = txn.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await.expect("discussions");
        rows.iter().map(|r| r.try_get::<i64>("", "id").expect("id")).collect()
    }

    async fn replies(&mut self, txn: &impl ConnectionTrait, words: &Words, rows: usize) {
        let backend = txn.get_database_backend();
        let mut values = Vec::with_capacity(rows * 6);
        let mut tuples = Vec::with_capacity(rows);
        for _ in 0..rows {
            let d = self.recent[self.rng.below(self.recent.len() as u64) as usize];
            let french = self.rng.below(10) < 3;
            let body = words.paragraph(&mut self.rng, french);
            let at = self.when();
            let base = values.len();
            tuples.push(placeholders(backend, base, 6, "0, FALSE"));
            values.extend([
                Value::from(d),
                Value::from(self.authors[self.rng.below(self.authors.len() as u64) as usize]),
                Value::from(format!("{:012}", self.rng.next() % 1_000_000_000_000)),
                Value::from(format!("<p>{body}</p>")),
                Value::from(body),
                Value::from(at),
            ]);
        }
        let sql = format!(
            "INSERT INTO replies (discussion_id, author_id, path, body_html, body_source, created_at, depth, sensitive) \
             VALUES {}",
            tuples.join(", ")
        );
        txn.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await.expect("replies");
    }
}

/// `(?, ?, …, literals)` or `($n, …, literals)` for `n` bound values starting after `base`.
fn placeholders(backend: DbBackend, base: usize, n: usize, literals: &str) -> String {
    let marks: Vec<String> = (1..=n)
        .map(|i| if backend == DbBackend::Postgres { format!("${}", base + i) } else { "?".to_owned() })
        .collect();
    format!("({}, {literals})", marks.join(", "))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn print_table(reports: &[Report]) {
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    let us_per = |d: Duration, n: usize| format!("{:.1} µs", d.as_secs_f64() * 1e6 / n.max(1) as f64);
    let mib = |b: Option<u64>| b.map_or("n/a".to_owned(), |b| format!("{:.1} MiB", b as f64 / 1_048_576.0));
    let mut lines: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |label: &str, f: &dyn Fn(&Report) -> String| {
        lines.push((label.to_owned(), reports.iter().map(f).collect()));
    };
    add("posts", &|r| r.posts.to_string());
    add("fill (bulk INSERT, triggers on)", &|r| format!("{:.1} s", r.fill.as_secs_f64()));
    add("insert per post, no triggers (sample)", &|r| r.without_triggers.map_or("n/a".into(), |d| us_per(d, r.sample)));
    add("insert per post, with triggers (sample)", &|r| r.with_triggers.map_or("n/a".into(), |d| us_per(d, r.sample)));
    add("documents indexed (drain)", &|r| r.docs.to_string());
    add("index time, total", &|r| format!("{:.1} s", r.index.as_secs_f64()));
    add("index time per document", &|r| us_per(r.index, r.docs as usize));
    add("search tables size", &|r| mib(r.search_bytes));
    add("post tables size", &|r| mib(r.content_bytes));
    add("query p50, anonymous", &|r| ms(percentile(&r.anon, 0.50)));
    add("query p99, anonymous", &|r| ms(percentile(&r.anon, 0.99)));
    add("query p50, member of 5 private", &|r| ms(percentile(&r.member, 0.50)));
    add("query p99, member of 5 private", &|r| ms(percentile(&r.member, 0.99)));
    add("hits per query, anonymous / member", &|r| {
        format!("{:.1} / {:.1}", r.anon_hits as f64 / 200.0, r.member_hits as f64 / 200.0)
    });
    let width = lines.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0);
    print!("| {:width$} |", "search_bench");
    for r in reports {
        print!(" {:>16} |", r.backend);
    }
    println!();
    print!("|{}|", "-".repeat(width + 2));
    for _ in reports {
        print!("{}|", "-".repeat(18));
    }
    println!();
    for (label, cells) in lines {
        print!("| {label:width$} |");
        for c in cells {
            print!(" {c:>16} |");
        }
        println!();
    }
}
