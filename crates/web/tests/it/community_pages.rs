//! The directory, community pages, joining and leaving, creating a community, its settings
//! and finding communities by handle.

use crate::common;

use axum::http::StatusCode;
use common::*;
use guildhall_domain::Visibility;

#[tokio::test]
async fn directory_searches_and_filters_by_topic() {
    let site = site().await;
    let ada = site.viewer("ada").await;
    let new = guildhall_app::communities::NewCommunity {
        name: "data-stewards".into(),
        title: "Data Stewards".into(),
        tags: Some(vec!["data".into()]),
        ..Default::default()
    };
    guildhall_app::communities::create(&site.ctx, &ada, new).await.unwrap();
    let (res, body) = site.get("/communities", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("UX Design") && body.contains("Data Stewards"));
    assert!(body.contains("<option value=\"data\">") && body.contains("<option value=\"design\">"), "topics");
    assert!(body.contains("role=\"search\""));
    let (_, body) = site.get("/communities?q=steward", None).await;
    assert!(body.contains("Data Stewards") && !body.contains("UX Design"));
    let (_, body) = site.get("/communities?tag=design", None).await;
    assert!(!body.contains("Data Stewards") && body.contains("UX Design"));
    assert!(body.contains("<option value=\"design\" selected>"));
    let (_, body) = site.get("/communities?q=nothing-like-this", None).await;
    assert!(body.contains("No communities match."));
    // Signed out: the follow form asks to sign in first.
    assert!(body.contains("/login?next=/communities") && !body.contains("action=\"/follow\""));
}

#[tokio::test]
async fn community_page_shows_about_charter_discussions_and_join() {
    let site = site().await;
    let id = site.start_discussion("ada", "Form patterns").await;
    let (res, body) = site.get("/communities/ux-design", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("<h1>UX Design</h1>") && body.contains("Be <strong>kind</strong>."), "charter");
    assert!(body.contains(&format!("href=\"/discussions/{id}\"")) && body.contains("Form patterns"));
    assert!(body.contains("/login?next=/communities/ux-design"), "sign in to join");
    assert!(!body.contains("Hello, newcomer!"), "welcome is for members");
    assert!(!body.contains("/communities/ux-design/settings"), "no moderation links");
    assert!(body.contains("aria-current=\"page\""), "sub-navigation marks the page");

    site.account("bob", false).await;
    let bob = site.sign_in("bob").await;
    let (_, body) = site.get("/communities/ux-design", Some(&bob.cookie)).await;
    assert!(body.contains("href=\"/communities/ux-design/join\""));
    let ada = site.sign_in("ada").await;
    let (_, body) = site.get("/communities/ux-design", Some(&ada.cookie)).await;
    assert!(body.contains("Hello, newcomer!") && body.contains("You moderate this community."));
    assert!(body.contains("/communities/ux-design/settings") && body.contains("/communities/ux-design/requests"));
    assert!(body.contains("href=\"/communities/ux-design/new\""), "start a discussion");
    // Sorting and an unknown community.
    let (res, _) = site.get("/communities/ux-design?sort=new&page=2", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (res, body) = site.get("/communities/nope", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(body.contains("Page not found"));
}

#[tokio::test]
async fn joining_needs_the_charter_then_leaving_works() {
    let site = site().await;
    site.account("bob", false).await;
    let bob = site.sign_in("bob").await;
    let (res, body) = site.get("/communities/ux-design/join", Some(&bob.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("id=\"accept_charter\"") && body.contains("<legend>"));
    let (res, body) = site.submit(&bob, "/communities/ux-design/join", "").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#accept_charter\"") && body.contains("Accept the community charter"));
    let (res, _) = site.submit(&bob, "/communities/ux-design/join", "accept_charter=yes").await;
    assert_redirect(&res, "/communities/ux-design?done=joined");
    let (_, body) = site.get("/communities/ux-design?done=joined", Some(&bob.cookie)).await;
    assert!(body.contains("You joined the community.") && body.contains("Hello, newcomer!"));
    // Joining twice is refused with a message, not a crash.
    let (res, body) = site.submit(&bob, "/communities/ux-design/join", "accept_charter=yes").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("already a member"));
    let (res, _) = site.submit(&bob, "/communities/ux-design/leave", "").await;
    assert_redirect(&res, "/communities/ux-design?done=left");
    // The last moderator cannot leave.
    let ada = site.sign_in("ada").await;
    let (res, body) = site.submit(&ada, "/communities/ux-design/leave", "").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(body.contains("last moderator"));
    // Forms without the session's token are refused.
    let (res, _) = site.post("/communities/ux-design/leave", Some(&ada.cookie), "csrf_token=wrong").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Signed out: the join form asks to sign in.
    let (res, _) = site.get("/communities/ux-design/join", None).await;
    assert_redirect(&res, "/login?next=/communities/ux-design/join");
}

#[tokio::test]
async fn approval_communities_take_requests_with_the_question() {
    let site = site().await;
    let ada = site.viewer("ada").await;
    let change = guildhall_app::communities::CommunityChange {
        visibility: Some(Visibility::Approval),
        join_question: Some("Which team are you in?".into()),
        ..Default::default()
    };
    guildhall_app::communities::update(&site.ctx, &ada, "ux-design", change).await.unwrap();
    site.account("bob", false).await;
    let bob = site.sign_in("bob").await;
    let (_, body) = site.get("/communities/ux-design", Some(&bob.cookie)).await;
    assert!(body.contains("Ask to join"));
    let (_, body) = site.get("/communities/ux-design/join", Some(&bob.cookie)).await;
    assert!(body.contains("<label for=\"message\">Which team are you in?</label>"));
    let (res, body) = site.submit(&bob, "/communities/ux-design/join", "accept_charter=yes").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#message\""), "the question must be answered");
    let (res, _) = site.submit(&bob, "/communities/ux-design/join", "accept_charter=yes&message=Design+ops").await;
    assert_redirect(&res, "/communities/ux-design?done=requested");
    let (_, body) = site.get("/communities/ux-design", Some(&bob.cookie)).await;
    assert!(body.contains("waiting for a moderator") && body.contains("Withdraw request"));
}

#[tokio::test]
async fn private_communities_hide_discussions_from_outsiders() {
    let site = site().await;
    site.start_discussion("ada", "Secret plans").await;
    let ada = site.viewer("ada").await;
    let change =
        guildhall_app::communities::CommunityChange { visibility: Some(Visibility::Private), ..Default::default() };
    guildhall_app::communities::update(&site.ctx, &ada, "ux-design", change).await.unwrap();
    let (res, body) = site.get("/communities/ux-design", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body.contains("Only members can read") && !body.contains("Secret plans"));
    let (res, _) = site.get("/communities/ux-design/members", None).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn creating_a_community_validates_then_redirects() {
    let site = site().await;
    let ada = site.sign_in("ada").await;
    let (res, body) = site.get("/create-community", Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("id=\"visibility-public\"") && body.contains(" checked"));
    let (res, body) = site.submit(&ada, "/create-community", "name=A&title=").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#name\"") && body.contains("aria-invalid=\"true\""));
    let (res, body) = site.submit(&ada, "/create-community", "name=ux-design&title=Again").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("already in use"));
    let form = "name=gc-ux&title=GC+UX&description=Hi&charter=Rules&tags=ux%2C+research&visibility=approval&member_domains=gc.ca";
    let (res, _) = site.submit(&ada, "/create-community", form).await;
    assert_redirect(&res, "/communities/gc-ux?done=created");
    let co = guildhall_app::communities::get(&site.ctx, None, "gc-ux").await.unwrap();
    assert_eq!(co.visibility, Visibility::Approval);
    assert_eq!(co.tags, ["ux", "research"]);
    assert_eq!(co.member_domains, ["gc.ca"]);
    let (res, _) = site.get("/create-community", None).await;
    assert_redirect(&res, "/login?next=/create-community");
}

#[tokio::test]
async fn settings_are_for_moderators() {
    let site = site().await;
    site.account("bob", false).await;
    site.join("bob").await;
    let bob = site.sign_in("bob").await;
    let (res, _) = site.get("/communities/ux-design/settings", Some(&bob.cookie)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (res, _) = site.submit(&bob, "/communities/ux-design/settings", "title=Mine").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "the use case refuses: shown on the form");
    assert_eq!(guildhall_app::communities::get(&site.ctx, None, "ux-design").await.unwrap().title, "UX Design");
    let ada = site.sign_in("ada").await;
    let (res, body) = site.get("/communities/ux-design/settings", Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body.contains("value=\"UX Design\"") && body.contains("design, forms"));
    let (res, _) = site
        .submit(&ada, "/communities/ux-design/settings", "title=UX+Design+Guild&visibility=public&charter=Be+kind")
        .await;
    assert_redirect(&res, "/communities/ux-design/settings?done=saved");
    assert_eq!(guildhall_app::communities::get(&site.ctx, None, "ux-design").await.unwrap().title, "UX Design Guild");
}

#[tokio::test]
async fn following_by_handle_finds_the_community() {
    let site = site().await;
    let ada = site.sign_in("ada").await;
    // With the federation layer, as `guildhall serve` runs it.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = guildhall_federation::config(
        site.ctx.clone(),
        guildhall_federation::Settings { debug: true, ..guildhall_federation::Settings::default() },
    )
    .await
    .unwrap();
    guildhall_federation::network::FederationNetwork::install(
        &site.ctx,
        guildhall_federation::Settings { debug: true, ..guildhall_federation::Settings::default() },
    )
    .unwrap();
    let app = guildhall_web::router().with_state(site.ctx.clone()).layer(guildhall_federation::middleware(config));
    let federated = Site { app, ..site };
    let (res, _) = federated.submit(&ada, "/follow", &format!("handle=%40ux-design%40{DOMAIN}")).await;
    assert_redirect(&res, "/communities/ux-design?done=found");
    let (res, body) = federated.submit(&ada, "/follow", "handle=not+a+handle").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#handle\"") && body.contains("value=\"not a handle\""));
    let (res, body) = federated.submit(&ada, "/follow", "handle=").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("Enter the community"));
}

#[tokio::test]
async fn lists_leave_out_communities_on_limited_instances() {
    use guildhall_store::Set;
    let site = site().await;
    let boss = site.viewer("boss").await;
    let now = chrono::Utc::now();
    for (name, domain, title) in [("hub", "spam.example", "Spam Hub"), ("good", "good.example", "Good Things")] {
        let row = guildhall_store::entities::community::ActiveModel {
            name: Set(name.into()),
            domain: Set(domain.into()),
            ap_id: Set(Some(format!("http://{domain}/c/{name}"))),
            title: Set(title.into()),
            description: Set(String::new()),
            charter: Set(String::new()),
            welcome_message: Set(String::new()),
            tags: Set("[]".into()),
            visibility: Set(guildhall_domain::Visibility::Public),
            member_domains: Set("[]".into()),
            join_question: Set(String::new()),
            created_by: Set(boss.account_id),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        guildhall_store::federation::insert_remote_community(site.ctx.db(), row).await.unwrap();
    }
    for path in ["/", "/communities"] {
        let (_, body) = site.get(path, None).await;
        assert!(body.contains("Spam Hub") && body.contains("Good Things"), "{path}");
        assert!(body.contains("href=\"/communities/good@good.example\"") && body.contains("on another server"));
    }
    let change = guildhall_app::admin::SettingsChange {
        limited_domains: Some(vec!["spam.example".into()]),
        ..Default::default()
    };
    guildhall_app::admin::update_settings(&site.ctx, &boss, change).await.unwrap();
    for path in ["/", "/communities"] {
        let (_, body) = site.get(path, None).await;
        assert!(!body.contains("Spam Hub") && body.contains("Good Things"), "{path}: {body}");
    }
    // A remote community's page offers to ask to join (its server decides).
    site.account("bob", false).await;
    let bob = site.sign_in("bob").await;
    let (res, body) = site.get("/communities/good@good.example", Some(&bob.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body.contains("@good@good.example") && body.contains("Ask to join"));
}
