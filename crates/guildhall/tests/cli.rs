//! The command line as an operator uses it: real binary, real SQLite file in a temp dir.
//! (Having an integration test here also makes `cargo test --workspace` build the binary
//! that `federation-tests` starts.)

use std::process::{Command, Output};

fn guildhall(dir: &std::path::Path, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_guildhall"));
    cmd.args(args).current_dir(dir).env_remove("GUILDHALL_DATABASE_URL").env("GUILDHALL_LOG", "warn");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.output().expect("run guildhall")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn migrate_creates_the_embedded_database_with_no_config() {
    let dir = tempfile::tempdir().unwrap();
    let out = guildhall(dir.path(), &["migrate"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    let first = text(&out);
    let applied: usize = first
        .split("migrations applied: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in: {first}"));
    assert!(applied >= 5, "every migration runs on a new database: {first}");
    assert!(dir.path().join("data/guildhall.db").exists());
    // Running it again is a no-op.
    let out = guildhall(dir.path(), &["migrate"], &[]);
    assert!(text(&out).contains("migrations applied: 0"), "{}", text(&out));
}

#[test]
fn create_user_and_reset_password() {
    let dir = tempfile::tempdir().unwrap();
    let out = guildhall(dir.path(), &["admin", "create-user", "Grace", "--email", "grace@example.org", "--admin"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("created admin account grace"), "{t}");
    assert!(t.contains("password: "), "a generated password is printed: {t}");

    let out = guildhall(dir.path(), &["admin", "create-user", "grace", "--password", "long enough pw"], &[]);
    assert!(!out.status.success());
    assert!(text(&out).contains("already taken"), "{}", text(&out));

    let out = guildhall(dir.path(), &["admin", "create-user", "x!", "--password", "long enough pw"], &[]);
    assert!(!out.status.success());
    assert!(text(&out).contains("username"), "{}", text(&out));

    let out = guildhall(dir.path(), &["admin", "reset-password", "grace", "--password", "a new long password"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("password reset for grace"));

    let out = guildhall(dir.path(), &["admin", "reset-password", "nobody", "--password", "a new long password"], &[]);
    assert!(!out.status.success());
    assert!(text(&out).contains("not found"), "{}", text(&out));
}

#[test]
fn invalid_configuration_is_refused_with_the_key_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = guildhall(dir.path(), &["migrate"], &[("GUILDHALL_BIND", "not-an-address")]);
    assert_eq!(out.status.code(), Some(2));
    let t = text(&out);
    assert!(t.contains("GUILDHALL_BIND") && t.contains("expected address:port"), "{t}");
    assert!(!dir.path().join("data").exists(), "nothing is created on a refused start");

    std::fs::write(dir.path().join("g.toml"), "domain = \"https://x/y\"\n").unwrap();
    let out = guildhall(dir.path(), &["--config", "g.toml", "migrate"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("domain (in g.toml)"), "{}", text(&out));
}

/// Opens the database the binary uses in `dir` (`dir/data/guildhall.db`) in this process.
async fn open_in(dir: &std::path::Path) -> guildhall_app::AppContext {
    let env = std::collections::HashMap::from([(
        "GUILDHALL_DATA_DIR".to_owned(),
        dir.join("data").to_string_lossy().into_owned(),
    )]);
    let config = guildhall::Config::from_sources(None, &env).expect("config");
    guildhall::open(&config).await.expect("open").0
}

#[tokio::test(flavor = "multi_thread")]
async fn search_reindex_rebuilds_the_index_with_a_summary_and_status_shows_the_queue() {
    use guildhall_app::search::{SearchKind, SearchQuery, find};
    use guildhall_app::search_index;
    let dir = tempfile::tempdir().unwrap();
    let ctx = open_in(dir.path()).await;
    let ada = guildhall_app::auth::create_account(&ctx, "ada", None, "long enough pw", false).await.unwrap();
    let viewer = guildhall_app::Viewer { account_id: ada.id, username: ada.username.clone(), is_admin: false };
    let new = guildhall_app::communities::NewCommunity {
        name: "bakery".into(),
        title: "Bakery".into(),
        ..Default::default()
    };
    guildhall_app::communities::create(&ctx, &viewer, new).await.unwrap();
    let d =
        guildhall_app::discussions::create(&ctx, &viewer, "bakery", "Sourdough starter", "Feed the levain twice a day")
            .await
            .unwrap();
    // No server runs here (and nothing searches before the command), so nothing drains the
    // queue but the command.
    assert!(search_index::pending(&ctx).await.unwrap() >= 3, "the triggers queued the new rows");
    assert_eq!(search_index::documents(&ctx).await.unwrap(), 0);

    let run = |args: &'static [&'static str]| {
        let dir = dir.path().to_owned();
        tokio::task::spawn_blocking(move || guildhall(&dir, args, &[]))
    };
    let out = run(&["search", "status"]).await.unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("search queue: "), "{}", text(&out));

    let out = run(&["search", "reindex"]).await.unwrap();
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    let indexed: u64 = t
        .split("search reindex finished: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no summary in: {t}"));
    assert!(indexed >= 3, "the account, the community and the discussion at least: {t}");
    assert!(t.contains("rows/s"), "{t}");

    assert_eq!(search_index::pending(&ctx).await.unwrap(), 0, "the command drained the queue");
    assert!(search_index::documents(&ctx).await.unwrap() >= 3, "{t}");
    let levain = SearchQuery { text: "levain".into(), limit: 10, ..Default::default() };
    let page = find(&ctx, None, &levain).await.unwrap();
    let found: Vec<_> = page.hits.iter().map(|h| (h.kind, h.object_id)).collect();
    assert_eq!(found, [(SearchKind::Discussion, d.id)], "the reindexed discussion is found");

    let out = run(&["search", "status"]).await.unwrap();
    assert!(text(&out).contains("search queue: 0 changes waiting"), "{}", text(&out));
}

#[test]
fn search_reindex_on_a_broken_database_says_why_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("data/guildhall.db")).unwrap();
    let out = guildhall(dir.path(), &["search", "reindex"], &[]);
    assert!(!out.status.success());
    let t = text(&out);
    assert!(t.starts_with("guildhall: ") || t.contains("\nguildhall: "), "a readable message: {t}");
    assert!(!t.contains("panicked"), "{t}");
}
