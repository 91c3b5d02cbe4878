//! Nothing received is lost to a fault: the database fails in the middle of applying a
//! Lemmy post, and cannot clean up after itself either (as after a crash). The sender's retry
//! of the same activity is then applied, exactly once, instead of being dropped as a duplicate.

use std::time::Duration;

use federation_tests::community::LocalCommunity;
use federation_tests::fixtures;
use federation_tests::peer::{FakePeer, Software};
use federation_tests::{Instance, StatusCode, poll_until, random_hex};
use guildhall_store::{ConnectionTrait, DatabaseConnection};

const DEADLINE: Duration = Duration::from_secs(20);
const TITLE: &str = "Lemmy: accessible colour palettes";

/// Makes every new discussion fail to store, and every removal of a received activity's record
/// fail too: what a crash between the two used to leave behind.
async fn inject_faults(db: &DatabaseConnection, url: &str) {
    let statements: &[&str] = if url.starts_with("sqlite:") {
        &[
            "CREATE TRIGGER inject_post_fault BEFORE INSERT ON discussions BEGIN SELECT RAISE(ABORT, 'injected fault'); END",
            "CREATE TRIGGER inject_crash BEFORE DELETE ON activities BEGIN SELECT RAISE(ABORT, 'injected crash'); END",
        ]
    } else {
        &[
            "CREATE FUNCTION inject_fault() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER inject_post_fault BEFORE INSERT ON discussions FOR EACH ROW EXECUTE FUNCTION inject_fault()",
            "CREATE TRIGGER inject_crash BEFORE DELETE ON activities FOR EACH ROW EXECUTE FUNCTION inject_fault()",
        ]
    };
    for sql in statements {
        db.execute_unprepared(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

async fn clear_post_fault(db: &DatabaseConnection, url: &str) {
    let sql = if url.starts_with("sqlite:") {
        "DROP TRIGGER inject_post_fault"
    } else {
        "DROP TRIGGER inject_post_fault ON discussions"
    };
    db.execute_unprepared(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[tokio::test]
async fn a_post_that_failed_midway_is_applied_exactly_once_on_retry() {
    let (instance, peer) = tokio::join!(Instance::start("faults"), FakePeer::start(Software::Lemmy));
    let community = LocalCommunity::create(&instance, "host", "lounge").await;
    let actor = peer.add_actor("alice");
    let mut vars = fixtures::member_vars(&actor, &community.url);

    // Alice joins, so her posts are accepted.
    let follow = fixtures::load(Software::Lemmy, "follow", &vars);
    let follow_id = follow["id"].as_str().expect("follow id").to_owned();
    let (status, body) = actor.sign_and_post(&community.shared_inbox, &follow).await;
    assert_eq!(status, StatusCode::ACCEPTED, "follow: {body}");
    actor.wait_for_answer(&follow_id, "Accept").await;

    let url = instance.database_url().to_owned();
    let db = guildhall_store::connect(&url).await.expect("open the instance's database");
    inject_faults(&db, &url).await;

    vars.insert("ID", random_hex(16));
    let create = fixtures::load(Software::Lemmy, "create_page", &vars);
    let (status, body) = actor.sign_and_post(&community.shared_inbox, &create).await;
    assert!(status.is_server_error(), "the fault must refuse the post, so Lemmy retries: {status} {body}");
    assert!(community.discussion_titled(TITLE).await.is_none());

    // The fault clears; Lemmy retries the very same activity.
    clear_post_fault(&db, &url).await;
    let (status, body) = actor.sign_and_post(&community.shared_inbox, &create).await;
    assert_eq!(status, StatusCode::ACCEPTED, "retry: {body}");
    poll_until(DEADLINE, "the retried post", || community.discussion_titled(TITLE)).await;

    // A second retry (a duplicate delivery) changes nothing.
    let (status, body) = actor.sign_and_post(&community.shared_inbox, &create).await;
    assert_eq!(status, StatusCode::ACCEPTED, "duplicate: {body}");
    let copies = community.discussions().await.into_iter().filter(|d| d["title"] == TITLE).count();
    assert_eq!(copies, 1, "applied exactly once");
}
