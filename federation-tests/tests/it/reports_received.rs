//! Reports (`Flag`) from other servers (issue 14): Mastodon 4 reports from its instance actor
//! (an `Application`, refused as an actor before), Lemmy 0.19 from the person, Misskey from its
//! system user. Each is stored for the community's moderators, who alone see it.

use federation_tests::community::{LocalCommunity, member};
use federation_tests::fixtures::{self, Vars};
use federation_tests::peer::{FakeActor, FakePeer, Software};
use federation_tests::{InProcessInstance, StatusCode, Value, expect_status, json, random_hex};

/// Serves `actor`'s document as Mastodon 4 serves its instance actor: an `Application` named
/// after the domain.
fn as_instance_actor(peer: &FakePeer, actor: &FakeActor) {
    let path = peer.software().actor_path(actor.name());
    let pem = peer.document(&path).expect("served")["publicKey"]["publicKeyPem"].clone();
    peer.serve(
        &path,
        json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": actor.id(), "type": "Application", "preferredUsername": peer.host(),
            "inbox": actor.inbox(), "outbox": format!("{}/outbox", actor.id()),
            "endpoints": {"sharedInbox": format!("{}/inbox", peer.base_url())},
            "manuallyApprovesFollowers": true,
            "publicKey": {"id": actor.key_id(), "owner": actor.id(), "publicKeyPem": pem}
        }),
    );
}

fn vars(peer: &FakePeer, actor: &FakeActor, community: &LocalCommunity) -> Vars {
    let mut v = Vars::new();
    v.insert("ACTOR", actor.id().to_owned());
    v.insert("BASE", peer.base_url());
    v.insert("COMMUNITY", community.url.clone());
    v.insert("DISCUSSION", community.discussion_url.clone());
    v.insert("DISCUSSION_AUTHOR", community.owner_url.clone());
    v.insert("ID", random_hex(16));
    v
}

async fn reports(client: &federation_tests::Client, community: &LocalCommunity) -> (StatusCode, Value) {
    client.get(&format!("/api/guildhall/v1/communities/{}/reports", community.name)).await
}

#[tokio::test(flavor = "multi_thread")]
async fn reports_from_mastodon_lemmy_and_misskey_reach_the_moderators_only() {
    let (instance, mastodon, lemmy, misskey) = tokio::join!(
        InProcessInstance::start("reports"),
        FakePeer::start(Software::Mastodon),
        FakePeer::start(Software::Lemmy),
        FakePeer::start(Software::Misskey),
    );
    let community = LocalCommunity::create(&instance, "host", "reports").await;

    let instance_actor = mastodon.add_actor("instance-actor");
    as_instance_actor(&mastodon, &instance_actor);
    let person = lemmy.add_actor("ann");
    let system = misskey.add_actor("instance.actor");
    let sent = [
        (Software::Mastodon, &mastodon, &instance_actor, "Spam links in the introductions thread"),
        (Software::Lemmy, &lemmy, &person, "Personal attack in the second paragraph"),
        (Software::Misskey, &misskey, &system, "Impersonation of our department"),
    ];
    for (software, peer, actor, _) in sent {
        let flag = fixtures::load(software, "flag", &vars(peer, actor, &community));
        let (status, body) = actor.sign_and_post(&community.shared_inbox, &flag).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{software:?}: {body}");
        // The same report again (a retry) is stored once.
        let (status, body) = actor.sign_and_post(&community.shared_inbox, &flag).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{software:?} again: {body}");
    }

    let list = expect_status(reports(&community.owner, &community).await, StatusCode::OK, "moderator's reports");
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 3, "one per report, retries not repeated: {list}");
    for (_, peer, actor, comment) in sent {
        let r = items.iter().find(|r| r["reporter"] == actor.id()).unwrap_or_else(|| panic!("{}: {list}", actor.id()));
        assert_eq!(r["comment"], comment, "{r}");
        assert_eq!(r["reporter_domain"], peer.host(), "{r}");
        assert!(r["targets"].as_array().unwrap().contains(&json!(community.discussion_url)), "{r}");
    }
    let mastodon_report = items.iter().find(|r| r["reporter"] == instance_actor.id()).unwrap();
    assert_eq!(mastodon_report["targets"], json!([community.owner_url, community.discussion_url]));

    // Not for members, nor for anyone signed out.
    let reader = member(&instance, "reader").await;
    let (status, _) = reports(&reader, &community).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = reports(&instance.client(), &community).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_report_about_nothing_here_is_ignored_and_one_without_object_refused() {
    let (instance, peer) = tokio::join!(InProcessInstance::start("reports-bad"), FakePeer::start(Software::Mastodon));
    let community = LocalCommunity::create(&instance, "host", "elsewhere").await;
    let actor = peer.add_actor("instance-actor");
    as_instance_actor(&peer, &actor);
    let mut v = vars(&peer, &actor, &community);
    v.insert("DISCUSSION", format!("{}/statuses/1", peer.base_url()));
    v.insert("DISCUSSION_AUTHOR", format!("{}/users/someone", peer.base_url()));
    let flag = fixtures::load(Software::Mastodon, "flag", &v);
    let (status, body) = actor.sign_and_post(&community.shared_inbox, &flag).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let mut empty = flag.clone();
    empty["id"] = json!(format!("{}/{}", peer.base_url(), random_hex(8)));
    empty["object"] = json!([]);
    let (status, body) = actor.sign_and_post(&community.shared_inbox, &empty).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let list = expect_status(reports(&community.owner, &community).await, StatusCode::OK, "reports");
    assert_eq!(list["items"], json!([]), "{list}");
    let admin = instance.admin_client().await;
    let rows =
        expect_status(admin.get("/api/guildhall/v1/admin/federation/instances").await, StatusCode::OK, "instances");
    let row = rows.as_array().unwrap().iter().find(|r| r["domain"] == peer.host()).cloned().unwrap();
    let flags: Vec<&Value> = row["incoming"].as_array().unwrap().iter().filter(|c| c["kind"] == "Flag").collect();
    assert_eq!(flags.len(), 2, "one ignored, one refused: {row}");
}
