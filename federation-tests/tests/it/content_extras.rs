//! What a post carries besides its text (content warning, sensitive, attachments, hashtags,
//! mentions), in each vendor's shape (`fixtures/*/create_extras.json`, a Ghost `Article`):
//! kept, shown on the page and in the API, and relayed by the community to its followers
//! exactly as received (FEP-1b12).

use std::time::Duration;

use federation_tests::community::{FixtureMember, LocalCommunity, assert_sanitised};
use federation_tests::fixtures::{self, Vars};
use federation_tests::peer::{FakePeer, Software};
use federation_tests::{InProcessInstance, StatusCode, Value, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(20);

/// What each vendor's fixture must leave in the API: title, content warning, sensitive,
/// attachments as (type, url suffix, alt), hashtag names, mention accts.
struct Expected {
    software: Software,
    title: &'static str,
    spoiler: &'static str,
    sensitive: bool,
    attachments: &'static [(&'static str, &'static str, Option<&'static str>)],
    tags: &'static [&'static str],
    mentions: usize,
}

const EXPECTED: &[Expected] = &[
    Expected {
        software: Software::Mastodon,
        title: "Mastodon: soup of the day",
        spoiler: "Food photo (soup) <3",
        sensitive: true,
        attachments: &[("image", "/original/soup.jpg", Some("A bowl of tomato soup \"><img src=x onerror=alert(1)>"))],
        tags: &["soup"],
        mentions: 1,
    },
    Expected {
        software: Software::Lemmy,
        title: "Lemmy: new signage guidelines",
        spoiler: "",
        sensitive: true,
        attachments: &[("link", "/signage/draft.html", None), ("image", "/pictrs/image/3f1c2e7a.jpeg", None)],
        tags: &["signage"],
        mentions: 0,
    },
    Expected {
        software: Software::Misskey,
        title: "Misskey: finale watch party",
        spoiler: "Spoilers: the season finale",
        sensitive: true,
        attachments: &[("image", ".webp", Some("Screenshot of the finale's last scene"))],
        tags: &["finale"],
        mentions: 1,
    },
    Expected {
        software: Software::GoToSocial,
        title: "GoToSocial: quiet room map",
        spoiler: "building plans",
        sensitive: true,
        attachments: &[("image", ".png", Some("Floor plan of the third floor, quiet rooms shaded"))],
        tags: &["accessibility"],
        mentions: 1,
    },
    Expected {
        software: Software::Mbin,
        title: "Mbin: design tokens explained",
        // Mbin's `summary` is its title and tags, not a warning.
        spoiler: "",
        sensitive: false,
        attachments: &[("link", "tokens.example.org/intro", None)],
        tags: &["tokens"],
        mentions: 0,
    },
    Expected {
        software: Software::PieFed,
        title: "PieFed: photo of the new lobby",
        spoiler: "",
        sensitive: true,
        attachments: &[
            ("image", "/lobby.jpg", Some("The lobby with its new wooden benches")),
            ("image", "/lobby_thumbnail.webp", None),
        ],
        tags: &["lobby"],
        mentions: 0,
    },
];

#[track_caller]
fn assert_extras(d: &Value, e: &Expected) {
    let who = e.software.slug();
    assert_eq!(d["spoiler_text"], e.spoiler, "{who}: spoiler_text of {d}");
    assert_eq!(d["sensitive"], e.sensitive, "{who}: sensitive of {d}");
    let media = d["media_attachments"].as_array().cloned().unwrap_or_default();
    assert_eq!(media.len(), e.attachments.len(), "{who}: media_attachments of {d}");
    for (m, (kind, url_end, alt)) in media.iter().zip(e.attachments) {
        assert_eq!(m["type"], *kind, "{who}: {m}");
        assert!(m["url"].as_str().is_some_and(|u| u.ends_with(url_end) || u.contains(url_end)), "{who}: {m}");
        assert_eq!(m["description"].as_str(), *alt, "{who}: {m}");
    }
    let tags: Vec<&str> = d["tags"].as_array().unwrap().iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(tags, e.tags, "{who}: tags of {d}");
    assert_eq!(d["mentions"].as_array().unwrap().len(), e.mentions, "{who}: mentions of {d}");
    assert_eq!(d["extras_omitted"], 0, "{who}: nothing dropped (the Emoji tag is not counted): {d}");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_vendors_extras_are_kept_and_shown() {
    let instance = InProcessInstance::start("extras").await;
    let community = LocalCommunity::create(&instance, "host", "extras").await;
    for e in EXPECTED {
        let peer = FakePeer::start(e.software).await;
        let mut member = FixtureMember::join(&peer, "ana", &community).await;
        let create = member.load("create_extras");
        member.send(&create).await;
        let d = poll_until(DEADLINE, &format!("{}'s post", e.software.slug()), || community.discussion_titled(e.title))
            .await;
        assert_extras(&d, e);
        assert_sanitised(d["body_html"].as_str().unwrap_or_default());
        // The same in the discussion's own endpoint.
        let (status, one) = community.owner.get(&format!("/api/guildhall/v1/discussions/{}", d["id"])).await;
        assert_eq!(status, StatusCode::OK);
        assert_extras(&one, e);
    }

    // The page: the warning is a <details> the reader opens, the alt text escaped.
    let d = community.discussion_titled("Mastodon: soup of the day").await.unwrap();
    let html = reqwest::get(instance.url(&format!("/discussions/{}", d["id"]))).await.unwrap().text().await.unwrap();
    let details = html.find("<details class=\"content-warning\">").expect("the warning is a <details>");
    assert!(html[details..].contains("Food photo (soup) &#60;3</summary>"), "{html}");
    assert!(html.contains("alt=\"A bowl of tomato soup &#34;&#62;&#60;img src=x onerror=alert(1)&#62;\""), "{html}");
    assert!(html.contains(">#soup</a>") && html.contains(">@extras@"), "hashtag and mention links: {html}");
    assert!(!html.contains("<img src=x") && !html.contains("<script"), "nothing the sender wrote is markup: {html}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_keeps_its_warning_and_an_edit_replaces_it() {
    let (instance, peer) = tokio::join!(InProcessInstance::start("extras-reply"), FakePeer::start(Software::Mastodon));
    let community = LocalCommunity::create(&instance, "host", "replies").await;
    let mut member = FixtureMember::join(&peer, "rey", &community).await;
    let mut reply = member.load("create_note_reply");
    reply["object"]["summary"] = json!("Plot details");
    reply["object"]["sensitive"] = json!(true);
    reply["object"]["content"] = json!("<p>The ending was a dream.</p>");
    member.send(&reply).await;
    let id = community.discussion_id.clone();
    let stored = poll_until(DEADLINE, "the reply with a warning", || async {
        community
            .replies(&id)
            .await
            .into_iter()
            .find(|r| r["body_html"].as_str().is_some_and(|b| b.contains("a dream")))
    })
    .await;
    assert_eq!(stored["spoiler_text"], "Plot details");
    assert_eq!(stored["mentions"][0]["url"], community.owner_url.as_str(), "the fixture's Mention: {stored}");

    // Mastodon's edit drops the warning: so does the stored reply.
    let mut object = reply["object"].clone();
    object["summary"] = Value::Null;
    object["sensitive"] = json!(false);
    object["content"] = json!("<p>The ending was a dream (edited).</p>");
    let update = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": member.actor.new_id("update"), "type": "Update", "actor": member.actor.id(),
        "to": ["https://www.w3.org/ns/activitystreams#Public"], "object": object,
    });
    member.send(&update).await;
    let edited = poll_until(DEADLINE, "the edited reply", || async {
        community
            .replies(&id)
            .await
            .into_iter()
            .find(|r| r["body_html"].as_str().is_some_and(|b| b.contains("(edited)")))
    })
    .await;
    assert_eq!((edited["spoiler_text"].clone(), edited["sensitive"].clone()), (json!(""), json!(false)), "{edited}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_community_relays_what_it_received_unchanged() {
    let (instance, author_peer, follower_peer) = tokio::join!(
        InProcessInstance::start("extras-relay"),
        FakePeer::start(Software::Mastodon),
        // A Mastodon follower: it is sent the plain Announce of the post too (Lemmy is not).
        FakePeer::start(Software::Mastodon)
    );
    let community = LocalCommunity::create(&instance, "host", "relay").await;
    let follower = FixtureMember::join(&follower_peer, "fern", &community).await;
    let mut author = FixtureMember::join(&author_peer, "abe", &community).await;
    let create = author.load("create_extras");
    author.send(&create).await;
    let object_id = create["object"]["id"].clone();
    let announce = |wanted: &'static str| {
        let (peer, object_id) = (&follower_peer, object_id.clone());
        async move {
            peer.received().into_iter().find(|a| {
                a["type"] == "Announce"
                    && match wanted {
                        "Create" => a["object"]["type"] == "Create" && a["object"]["object"]["id"] == object_id,
                        _ => a["object"]["id"] == object_id,
                    }
            })
        }
    };
    let wrapped = poll_until(DEADLINE, "the community's Announce{Create}", || announce("Create")).await;
    assert_eq!(wrapped["actor"], community.url.as_str());
    assert_eq!(wrapped["object"], create, "the Create is relayed as received, its @context too");
    let plain = poll_until(DEADLINE, "the plain Announce of the post", || announce("Note")).await;
    assert_eq!(plain["object"], create["object"], "the post is announced as received");
    // What a follower needs survived: the warning, the image with its alt text, the tags.
    assert_eq!(wrapped["object"]["object"]["summary"], "Food photo (soup) <3");
    assert_eq!(wrapped["object"]["object"]["attachment"][0]["name"], create["object"]["attachment"][0]["name"]);
    assert_eq!(wrapped["object"]["object"]["tag"].as_array().map(Vec::len), Some(3));
    drop(follower);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_blog_article_is_a_discussion() {
    let (instance, peer) =
        tokio::join!(InProcessInstance::start("extras-article"), FakePeer::start(Software::Mastodon));
    let community = LocalCommunity::create(&instance, "host", "blogs").await;
    let member = FixtureMember::join(&peer, "gwen", &community).await;
    let mut vars = Vars::new();
    for (k, v) in [
        ("ACTOR", member.actor.id().to_owned()),
        ("BASE", peer.base_url()),
        ("COMMUNITY", community.url.clone()),
        ("COMMUNITY_NAME", community.name.clone()),
        ("INSTANCE_HOST", instance.domain()),
        ("ID", federation_tests::random_hex(16)),
        ("ID2", federation_tests::random_hex(16)),
        ("NOW", "2025-01-20T09:00:00Z".to_owned()),
    ] {
        vars.insert(k, v);
    }
    let path = fixtures::dir().join("ghost/create_article.json");
    let article: Value = serde_json::from_str(&fixtures::substitute(&std::fs::read_to_string(path).unwrap(), &vars))
        .expect("the Ghost fixture is JSON");
    member.send(&article).await;
    let d = poll_until(DEADLINE, "the Article as a discussion", || {
        community.discussion_titled("Ghost: what we learned from the forms audit")
    })
    .await;
    assert_eq!(d["spoiler_text"], "", "an Article's summary is its excerpt, not a warning: {d}");
    assert_eq!(d["media_attachments"][0]["type"], "image", "the feature image is kept: {d}");
    let body = d["body_html"].as_str().unwrap_or_default();
    assert!(body.contains("Labels first."), "{d}");
    assert_sanitised(body);
}

#[tokio::test(flavor = "multi_thread")]
async fn too_many_or_unsafe_attachments_are_dropped_and_counted() {
    let (instance, peer) = tokio::join!(InProcessInstance::start("extras-bounds"), FakePeer::start(Software::Mastodon));
    let community = LocalCommunity::create(&instance, "host", "bounds").await;
    let mut member = FixtureMember::join(&peer, "bo", &community).await;
    let mut create = member.load("create_extras");
    let one = create["object"]["attachment"][0].clone();
    let mut many: Vec<Value> = (0..20)
        .map(|i| {
            let mut a = one.clone();
            a["url"] = json!(format!("https://files.example/{i}.jpg"));
            a
        })
        .collect();
    many.insert(0, json!({"type": "Document", "mediaType": "image/png", "url": "javascript:alert(1)", "name": "x"}));
    many.push(json!({"type": "Document", "name": "no address at all"}));
    create["object"]["attachment"] = json!(many);
    create["object"]["summary"] = json!("w".repeat(3000));
    member.send(&create).await;
    let d = poll_until(DEADLINE, "the post with too much", || community.discussion_titled("Mastodon: soup of the day"))
        .await;
    let media = d["media_attachments"].as_array().unwrap();
    assert_eq!(media.len(), 16, "{d}");
    assert_eq!(media[0]["url"], "https://files.example/0.jpg", "the javascript: one is dropped, order kept: {d}");
    // 1 unsafe + 1 without an address + 4 over the count.
    assert_eq!(d["extras_omitted"], 6, "{d}");
    let cw = d["spoiler_text"].as_str().unwrap();
    assert!(cw.chars().count() == 1000 && cw.ends_with('…'), "the warning is cut: {} chars", cw.chars().count());
    let html = reqwest::get(instance.url(&format!("/discussions/{}", d["id"]))).await.unwrap().text().await.unwrap();
    assert!(html.contains("6 more attachments or tags were not kept."), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
}

/// A discussion of `community` on `client`'s instance titled `title`, when it has arrived.
async fn discussion_on(client: &federation_tests::Client, community: &str, title: &str) -> Option<Value> {
    let (_, body) = client.get(&format!("/api/guildhall/v1/communities/{community}/discussions")).await;
    body["items"].as_array()?.iter().find(|d| d["title"] == title).cloned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_local_authors_warning_reaches_the_other_guildhall() {
    use federation_tests::community::member;
    use federation_tests::{expect_status, id_of};
    let (alpha, beta) = tokio::join!(InProcessInstance::start("cw-alpha"), InProcessInstance::start("cw-beta"));
    let (ada, bob) = tokio::join!(member(&alpha, "ada"), member(&beta, "bob"));
    expect_status(
        bob.post("/api/guildhall/v1/communities", &json!({"name": "films", "title": "Films", "visibility": "public"}))
            .await,
        StatusCode::CREATED,
        "create community on beta",
    );
    let handle = format!("films@{}", beta.domain());
    let joined = federation_tests::community::join_remote(&ada, &handle).await;
    assert_eq!(joined["status"], "requested", "{joined}");
    poll_until(DEADLINE, "beta's Accept", || async {
        let (_, c) = ada.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
        (c["my_role"] == "member").then_some(())
    })
    .await;

    // Bob (beta, local to the community) starts a discussion with a warning: alpha shows it.
    let started = expect_status(
        bob.post(
            "/api/guildhall/v1/communities/films/discussions",
            &json!({"title": "The finale", "body": "The butler did it.", "content_warning": "Spoilers: the finale"}),
        )
        .await,
        StatusCode::CREATED,
        "a discussion with a warning on beta",
    );
    let on_alpha = poll_until(DEADLINE, "the discussion on alpha", || discussion_on(&ada, &handle, "The finale")).await;
    assert_eq!(
        (on_alpha["spoiler_text"].as_str(), on_alpha["sensitive"].as_bool()),
        (Some("Spoilers: the finale"), Some(true)),
        "{on_alpha}"
    );
    let html =
        reqwest::get(alpha.url(&format!("/discussions/{}", on_alpha["id"]))).await.unwrap().text().await.unwrap();
    assert!(html.contains("Spoilers: the finale</summary>"), "shown behind the warning on alpha: {html}");

    // Ada (alpha) replies with her own warning: it reaches beta through the community.
    let alpha_id = id_of(&on_alpha["id"]);
    expect_status(
        ada.post(
            &format!("/api/guildhall/v1/discussions/{alpha_id}/replies"),
            &json!({"body": "I knew it!", "content_warning": "More spoilers"}),
        )
        .await,
        StatusCode::CREATED,
        "a reply with a warning on alpha",
    );
    let beta_id = id_of(&started["id"]);
    let reply = poll_until(DEADLINE, "the reply on beta", || async {
        let (_, body) = bob.get(&format!("/api/guildhall/v1/discussions/{beta_id}/replies")).await;
        body["items"]
            .as_array()?
            .iter()
            .find(|r| r["body_html"].as_str().is_some_and(|b| b.contains("I knew it")))
            .cloned()
    })
    .await;
    assert_eq!(reply["spoiler_text"], "More spoilers", "{reply}");

    // Bob clears his warning: the edit reaches alpha.
    expect_status(
        bob.patch(
            &format!("/api/guildhall/v1/discussions/{beta_id}"),
            &json!({"content_warning": "", "sensitive": false}),
        )
        .await,
        StatusCode::OK,
        "clear the warning on beta",
    );
    poll_until(DEADLINE, "the cleared warning on alpha", || async {
        let d = discussion_on(&ada, &handle, "The finale").await?;
        (d["spoiler_text"] == "" && d["sensitive"] == false).then_some(())
    })
    .await;
}
