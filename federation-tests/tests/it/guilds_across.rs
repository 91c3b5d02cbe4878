//! Guilds across three instances: a guild on alpha; a community on beta asks to join and the
//! steward accepts; a community on gamma is invited and accepts. A Mastodon account and a
//! Guildhall member on gamma follow the guild; a discussion posted on beta reaches both
//! through the guild's relay. A private community in the guild lends only its name. Either
//! side can end a link, and followers hear of it.

use std::time::Duration;

use federation_tests::community::{join_remote, member};
use federation_tests::peer::{FakePeer, Software};
use federation_tests::{Client, InProcessInstance, StatusCode, Value, expect_status, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(30);

async fn put(client: &Client, path: &str) -> Value {
    expect_status(client.request(reqwest::Method::PUT, path, None).await, StatusCode::OK, path)
}

async fn community(client: &Client, name: &str, visibility: &str, tags: Value) {
    let body = json!({"name": name, "title": name, "visibility": visibility, "tags": tags});
    expect_status(client.post("/api/guildhall/v1/communities", &body).await, StatusCode::CREATED, "create community");
}

fn members(guild: &Value) -> Vec<(String, String)> {
    guild["communities"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| (c["handle"].as_str().unwrap_or("").to_owned(), c["state"].as_str().unwrap_or("").to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

async fn wait_member(client: &Client, guild: &str, handle: &str, state: &str, what: &str) {
    poll_until(DEADLINE, what, || async {
        let (_, g) = client.get(&format!("/api/guildhall/v1/guilds/{guild}")).await;
        members(&g).contains(&(handle.to_owned(), state.to_owned())).then_some(())
    })
    .await;
}

async fn wait_link(client: &Client, community: &str, guild: &str, state: &str, what: &str) {
    poll_until(DEADLINE, what, || async {
        let (_, links) = client.get(&format!("/api/guildhall/v1/communities/{community}/guilds")).await;
        links.as_array()?.iter().any(|l| l["guild"] == guild && l["state"] == state).then_some(())
    })
    .await;
}

async fn feed_has(client: &Client, guild: &str, title: &str) -> bool {
    let (_, feed) = client.get(&format!("/api/guildhall/v1/guilds/{guild}/discussions")).await;
    feed["items"].as_array().is_some_and(|a| a.iter().any(|d| d["title"].as_str() == Some(title)))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_guild_gathers_communities_from_three_instances_and_relays_their_posts() {
    let (alpha, beta, gamma, masto) = tokio::join!(
        InProcessInstance::start("alpha"),
        InProcessInstance::start("beta"),
        InProcessInstance::start("gamma"),
        FakePeer::start(Software::Mastodon)
    );
    let (a, b, c) = (alpha.domain(), beta.domain(), gamma.domain());
    let (steward, bea, gus, gina) =
        tokio::join!(member(&alpha, "stella"), member(&beta, "bea"), member(&gamma, "gus"), member(&gamma, "gina"));

    let g = json!({"name": "ux-guild", "title": "UX designers", "focus": "role", "tags": ["ux"]});
    let created =
        expect_status(steward.post("/api/guildhall/v1/guilds", &g).await, StatusCode::CREATED, "create guild");
    assert_eq!(created["focus"], "role");
    let guild_remote = format!("ux-guild@{a}");
    community(&bea, "ux-beta", "public", json!(["ux"])).await;
    community(&gus, "ux-gamma", "public", json!(["ux"])).await;
    community(&gus, "secret-gamma", "private", json!(["ux"])).await;

    // The guild is a Group other software follows; it says it is a guild.
    let actor: Value = reqwest::Client::new()
        .get(alpha.url("/c/ux-guild"))
        .header("Accept", "application/activity+json")
        .send()
        .await
        .expect("GET guild")
        .json()
        .await
        .expect("JSON");
    assert_eq!((actor["type"].as_str(), actor["guildFocus"].as_str()), (Some("Group"), Some("role")), "{actor}");

    // beta asks; alpha's steward accepts.
    let asked = put(&bea, &format!("/api/guildhall/v1/communities/ux-beta/guilds/{guild_remote}")).await;
    assert_eq!(asked["state"], "requested");
    let beta_handle = format!("ux-beta@{b}");
    wait_member(&steward, "ux-guild", &beta_handle, "requested", "alpha sees beta's request").await;
    assert_eq!(
        put(&steward, &format!("/api/guildhall/v1/guilds/ux-guild/communities/{beta_handle}")).await["state"],
        "active"
    );
    wait_link(&bea, "ux-beta", &guild_remote, "active", "beta hears it was accepted").await;

    // alpha invites gamma's communities; gamma's manager accepts.
    let gamma_handle = format!("ux-gamma@{c}");
    let secret_handle = format!("secret-gamma@{c}");
    for h in [&gamma_handle, &secret_handle] {
        assert_eq!(
            put(&steward, &format!("/api/guildhall/v1/guilds/ux-guild/communities/{h}")).await["state"],
            "invited"
        );
    }
    for name in ["ux-gamma", "secret-gamma"] {
        wait_link(&gus, name, &guild_remote, "invited", "gamma sees the invitation").await;
        assert_eq!(
            put(&gus, &format!("/api/guildhall/v1/communities/{name}/guilds/{guild_remote}")).await["state"],
            "active"
        );
    }
    wait_member(&alpha.client(), "ux-guild", &gamma_handle, "active", "alpha hears gamma accepted").await;
    wait_member(&alpha.client(), "ux-guild", &secret_handle, "active", "the private community is listed by name").await;

    // Followers: a Mastodon account, and a Guildhall member on gamma.
    let mastodon = masto.add_actor("mia");
    let guild_url = format!("http://{a}/c/ux-guild");
    mastodon.follow(&guild_url).await;
    join_remote(&gina, &guild_remote).await;
    poll_until(DEADLINE, "gina follows the guild", || async {
        let (_, g) = gina.get(&format!("/api/guildhall/v1/communities/{guild_remote}")).await;
        (g["my_role"] == "member").then_some(())
    })
    .await;
    // A co-steward on another instance: gina, once she follows the guild.
    let appoint = json!({"username": format!("gina@{c}")});
    expect_status(
        steward.post("/api/guildhall/v1/communities/ux-guild/moderators", &appoint).await,
        StatusCode::OK,
        "co-steward",
    );
    let (_, g) = alpha.client().get("/api/guildhall/v1/guilds/ux-guild").await;
    assert_eq!(g["stewards"], json!([format!("gina@{c}"), "stella"]), "{g}");

    // gamma learns the guild's members from its collection.
    wait_member(&gina, &guild_remote, &beta_handle, "active", "gamma copies the guild's member list").await;

    // A discussion on beta reaches alpha's guild feed, the Mastodon follower and gamma.
    let post = json!({"title": "Accessibility sprint", "body": "Who is in?"});
    let d = expect_status(
        bea.post("/api/guildhall/v1/communities/ux-beta/discussions", &post).await,
        StatusCode::CREATED,
        "post",
    );
    let d_url = format!("http://{b}/d/{}", d["id"]);
    poll_until(DEADLINE, "the guild feed on alpha", || async {
        feed_has(&alpha.client(), "ux-guild", "Accessibility sprint").await.then_some(())
    })
    .await;
    poll_until(DEADLINE, "the Mastodon follower gets the guild's Announce", || async {
        masto
            .received()
            .into_iter()
            .find(|x| x["type"] == "Announce" && x["actor"] == guild_url.as_str() && x["object"] == d_url.as_str())
    })
    .await;
    poll_until(DEADLINE, "gamma's copy of the guild feed", || async {
        feed_has(&gina, &guild_remote, "Accessibility sprint").await.then_some(())
    })
    .await;

    // An event on beta joins the guild's combined calendar on alpha (page, API and iCal).
    let event = json!({"title": "Design crit", "starts_at": "2031-03-04T14:00:00", "ends_at": "2031-03-04T15:00:00", "timezone": "America/Toronto"});
    expect_status(bea.post("/api/guildhall/v1/communities/ux-beta/events", &event).await, StatusCode::CREATED, "event");
    poll_until(DEADLINE, "the guild calendar on alpha", || async {
        let (_, events) = alpha.client().get("/api/guildhall/v1/guilds/ux-guild/events").await;
        events.to_string().contains("Design crit").then_some(())
    })
    .await;
    let ics = reqwest::get(alpha.url("/api/guildhall/v1/guilds/ux-guild/calendar.ics")).await.expect("GET ics");
    assert!(ics.text().await.unwrap_or_default().contains("SUMMARY:Design crit"));

    // The private member lends nothing but its name.
    let secret = json!({"title": "SECRET budget", "body": "members only"});
    expect_status(
        gus.post("/api/guildhall/v1/communities/secret-gamma/discussions", &secret).await,
        StatusCode::CREATED,
        "post",
    );
    let open = json!({"title": "Open retro", "body": "public"});
    expect_status(
        gus.post("/api/guildhall/v1/communities/ux-gamma/discussions", &open).await,
        StatusCode::CREATED,
        "post",
    );
    poll_until(DEADLINE, "the open post arrives after the secret one", || async {
        feed_has(&alpha.client(), "ux-guild", "Open retro").await.then_some(())
    })
    .await;
    assert!(!feed_has(&alpha.client(), "ux-guild", "SECRET budget").await);
    assert!(!feed_has(&gina, &guild_remote, "SECRET budget").await);
    let everything = serde_json::to_string(&masto.received()).unwrap_or_default();
    assert!(
        !everything.contains("SECRET") && !everything.contains("secret-gamma/d"),
        "nothing private reached Mastodon"
    );
    let contacts = alpha.client().get("/api/guildhall/v1/guilds/ux-guild/contacts").await.1;
    assert!(!contacts.to_string().contains("secret-gamma"), "no managers of a private member: {contacts}");
    poll_until(DEADLINE, "managers of beta's community reach the contact directory", || async {
        let (_, contacts) = alpha.client().get("/api/guildhall/v1/guilds/ux-guild/contacts").await;
        contacts.to_string().contains(&format!("bea@{b}")).then_some(())
    })
    .await;

    // beta leaves: alpha drops it, and so does gamma's copy (the guild's Remove news).
    let (status, _) = bea.delete(&format!("/api/guildhall/v1/communities/ux-beta/guilds/{guild_remote}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    poll_until(DEADLINE, "alpha drops beta", || async {
        let (_, g) = alpha.client().get("/api/guildhall/v1/guilds/ux-guild").await;
        (!members(&g).iter().any(|(h, _)| *h == beta_handle)).then_some(())
    })
    .await;
    poll_until(DEADLINE, "gamma drops beta", || async {
        let (_, g) = gina.get(&format!("/api/guildhall/v1/guilds/{guild_remote}")).await;
        (!members(&g).iter().any(|(h, _)| *h == beta_handle)).then_some(())
    })
    .await;
}
