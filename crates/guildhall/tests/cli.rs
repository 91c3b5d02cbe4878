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
