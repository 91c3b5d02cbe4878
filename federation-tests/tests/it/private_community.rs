//! A private community across instances: its content reaches only approved members' servers,
//! addressed to the community's followers (never to the public); members on other servers
//! read and reply; a server with only a pending member gets nothing; signed fetches are
//! answered for members and their servers only (404 for everyone else).

use std::time::Duration;

use federation_tests::community::{accept_request, join_remote, member};
use federation_tests::peer::{FakePeer, SignOptions, Software};
use federation_tests::{Client, InProcessInstance, StatusCode, Value, expect_status, id_of, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(20);
const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

async fn discussion(client: &Client, community: &str, title: &str) -> Option<Value> {
    let (_, body) = client.get(&format!("/api/guildhall/v1/communities/{community}/discussions")).await;
    body["items"].as_array()?.iter().find(|d| d["title"] == title).cloned()
}

async fn role_becomes(client: &Client, handle: &str, role: &str) {
    poll_until(DEADLINE, &format!("my_role = {role}"), || async {
        let (_, c) = client.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
        (c["my_role"] == role).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn private_content_reaches_members_only() {
    let (alpha, beta, gamma) = tokio::join!(
        InProcessInstance::start("alpha"),
        InProcessInstance::start("beta"),
        InProcessInstance::start("gamma")
    );
    let (ada, bob, dee, cyd) =
        tokio::join!(member(&alpha, "ada"), member(&beta, "bob"), member(&beta, "dee"), member(&gamma, "cyd"));
    expect_status(
        ada.post(
            "/api/guildhall/v1/communities",
            &json!({"name": "cabinet", "title": "Cabinet prep", "visibility": "private"}),
        )
        .await,
        StatusCode::CREATED,
        "create",
    );
    let handle = format!("cabinet@{}", alpha.domain());
    // Ids use the instance's public domain (`localhost:PORT`).
    let id_url = |path: &str| format!("http://{}{path}", alpha.domain());
    // The Group itself is public, marked private for Guildhall peers.
    let group = reqwest::Client::new()
        .get(alpha.url("/c/cabinet"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(
        (group["visibility"].as_str(), group["manuallyApprovesFollowers"].as_bool()),
        (Some("private"), Some(true))
    );

    assert_eq!(join_remote(&bob, &handle).await["status"], "requested");
    assert_eq!(join_remote(&cyd, &handle).await["status"], "requested");
    accept_request(&ada, "cabinet", &format!("bob@{}", beta.domain())).await;
    role_becomes(&bob, &handle, "member").await;

    // A fake Mastodon-like member shows what goes over the wire.
    let peer = FakePeer::start(Software::Mastodon).await;
    let (eve, mallory) = (peer.add_actor("eve"), peer.add_actor("mallory"));
    let follow = eve.follow_activity(&id_url("/c/cabinet"));
    let (status, _) = eve.sign_and_post(&alpha.url("/c/cabinet/inbox"), &follow).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    accept_request(&ada, "cabinet", &eve.handle()).await;
    eve.wait_for_answer(follow["id"].as_str().unwrap(), "Accept").await;

    let posted = expect_status(
        ada.post(
            "/api/guildhall/v1/communities/cabinet/discussions",
            &json!({"title": "Budget S1", "body": "secret-7f3"}),
        )
        .await,
        StatusCode::CREATED,
        "post",
    );
    let page_url = id_url(&format!("/d/{}", id_of(&posted["id"])));

    // Bob (beta) sees it on his own server; Dee, on the same server but not a member, does not.
    let on_beta = poll_until(DEADLINE, "post on beta", || discussion(&bob, &handle, "Budget S1")).await;
    assert!(on_beta["body_html"].as_str().unwrap_or_default().contains("secret-7f3"), "{on_beta}");
    let beta_id = id_of(&on_beta["id"]);
    let (status, body) = dee.get(&format!("/api/guildhall/v1/discussions/{beta_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (_, list) = dee.get(&format!("/api/guildhall/v1/communities/{handle}/discussions")).await;
    assert!(!list.to_string().contains("secret-7f3"), "{list}");
    let (status, _) = beta.client().get(&format!("/api/guildhall/v1/discussions/{beta_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "anonymous on beta");

    // What the fake member received: the Announce and everything in it names the followers
    // collection, never the public.
    let delivered = poll_until(DEADLINE, "announce at the fake member", || async {
        peer.received().into_iter().find(|a| a["type"] == "Announce" && a.to_string().contains("secret-7f3"))
    })
    .await;
    let text = delivered.to_string();
    assert!(!text.contains(PUBLIC) && !text.contains("as:Public"), "{text}");
    assert!(text.contains(&id_url("/c/cabinet/followers")), "{text}");

    // Bob replies from beta: alpha stores it and relays it to the fake member.
    let reply = expect_status(
        bob.post(&format!("/api/guildhall/v1/discussions/{beta_id}/replies"), &json!({"body": "reply-secret-2c1"}))
            .await,
        StatusCode::CREATED,
        "reply",
    );
    assert!(reply["id"].is_string() || reply["id"].is_number());
    poll_until(DEADLINE, "reply relayed to the fake member", || async {
        peer.received().into_iter().find(|a| a.to_string().contains("reply-secret-2c1"))
    })
    .await;
    let relayed =
        peer.received().into_iter().filter(|a| a.to_string().contains("reply-secret-2c1")).collect::<Vec<_>>();
    assert!(relayed.iter().all(|a| !a.to_string().contains(PUBLIC)), "{relayed:?}");

    // Signed fetches: the member may, anyone else gets 404 as if nothing were there.
    let (status, body) = eve.get_signed(&page_url, &SignOptions::default()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("secret-7f3") && !body.contains(PUBLIC), "{body}");
    for (who, options, actor) in [
        ("unsigned", SignOptions::unsigned(), &eve),
        ("non-member on a member's server", SignOptions::default(), &mallory),
        ("replayed an hour later", SignOptions::stale_date(), &eve),
    ] {
        let (status, body) = actor.get_signed(&page_url, &options).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{who}: {body}");
        assert!(!body.contains("secret-7f3"), "{who}: {body}");
    }
    // The community's wiki pages: the Article reaches the fake member, and a signed fetch of it
    // works for her, 404 for anyone else.
    expect_status(
        ada.post("/api/guildhall/v1/communities/cabinet/wiki", &json!({"title": "Agenda", "body": "wiki-secret-9d4"}))
            .await,
        StatusCode::CREATED,
        "wiki page",
    );
    let article = poll_until(DEADLINE, "wiki page at the fake member", || async {
        peer.received()
            .into_iter()
            .find(|a| a["object"]["type"] == "Article" && a.to_string().contains("wiki-secret-9d4"))
    })
    .await;
    let wiki_url = article["object"]["id"].as_str().unwrap().to_owned();
    let (status, body) = eve.get_signed(&wiki_url, &SignOptions::default()).await;
    assert_eq!(status, StatusCode::OK, "member reads the wiki page: {body}");
    assert!(body.contains("wiki-secret-9d4") && !body.contains(PUBLIC), "{body}");
    for (who, options, actor) in
        [("unsigned", SignOptions::unsigned(), &eve), ("non-member", SignOptions::default(), &mallory)]
    {
        let (status, body) = actor.get_signed(&wiki_url, &options).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "wiki page, {who}: {body}");
        assert!(!body.contains("wiki-secret-9d4"), "{who}: {body}");
    }
    let (status, _) = eve.get_signed(&id_url("/c/cabinet/outbox"), &SignOptions::default()).await;
    assert_eq!(status, StatusCode::OK, "member reads the outbox");
    let (status, _) = mallory.get_signed(&id_url("/c/cabinet/outbox"), &SignOptions::default()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "non-member outbox");

    // Gamma never received anything: its member is still pending.
    let (_, c) = cyd.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
    assert_eq!(c["my_role"], "pending", "{c}");
    let gamma_admin = gamma.admin_client().await;
    let (_, list) = gamma_admin.get(&format!("/api/guildhall/v1/communities/{handle}/discussions")).await;
    assert!(!list.to_string().contains("secret-7f3") && !list.to_string().contains("Budget"), "{list}");
}
