//! Admin views: registration policy, email-domain allowlist, invites and pending accounts,
//! federation policy, and delivery health.

use crate::common;

use axum::http::StatusCode;
use common::*;
use guildhall_domain::{FederationMode, RegistrationMode};

#[tokio::test]
async fn admin_pages_are_for_admins_only() {
    let site = site().await;
    let ada = site.sign_in("ada").await;
    for path in ["/admin", "/admin/federation", "/admin/instances"] {
        let (res, body) = site.get(path, Some(&ada.cookie)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(body.contains("Only administrators"));
        let (res, _) = site.get(path, None).await;
        assert_redirect(&res, &format!("/login?next={path}"));
    }
    let (res, _) = site.submit(&ada, "/admin/settings", "registration_mode=closed").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (_, body) = site.get("/", Some(&ada.cookie)).await;
    assert!(!body.contains("href=\"/admin\""), "no admin link for members");
}

#[tokio::test]
async fn registration_settings_and_allowlist() {
    let site = site().await;
    let boss = site.sign_in("boss").await;
    let (res, body) = site.get("/admin", Some(&boss.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(
        body.contains("id=\"registration_mode-open\" name=\"registration_mode\" type=\"radio\" value=\"open\" checked")
    );
    let (res, body) =
        site.submit(&boss, "/admin/settings", "registration_mode=approval&email_domains=not+a+domain!").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#email_domains\""));
    let form = "registration_mode=approval&email_domains=gc.ca%0D%0A*.canada.ca&community_creation=admins";
    let (res, _) = site.submit(&boss, "/admin/settings", form).await;
    assert_redirect(&res, "/admin?done=saved");
    let s = guildhall_app::admin::settings(&site.ctx).await.unwrap();
    assert_eq!(s.registration_mode, RegistrationMode::Approval);
    assert_eq!(s.email_domains, ["gc.ca", "*.canada.ca"]);
    assert_eq!(s.community_creation.as_str(), "admins");
}

#[tokio::test]
async fn the_network_search_box_turns_it_off_and_on() {
    let site = site().await;
    let boss = site.sign_in("boss").await;
    let (_, body) = site.get("/admin", Some(&boss.cookie)).await;
    assert!(body.contains("id=\"network_search\" name=\"network_search\" type=\"checkbox\" value=\"1\""), "{body}");
    assert!(body.contains("aria-describedby=\"network_search-hint\" checked"), "ticked by default");
    let form = "registration_mode=approval&community_creation=members";
    let (res, _) = site.submit(&boss, "/admin/settings", form).await;
    assert_redirect(&res, "/admin?done=saved");
    assert!(!guildhall_app::admin::settings(&site.ctx).await.unwrap().network_search, "an unticked box turns it off");
    let (_, body) = site.get("/admin", Some(&boss.cookie)).await;
    assert!(!body.contains("aria-describedby=\"network_search-hint\" checked"));
    let (res, _) = site.submit(&boss, "/admin/settings", &format!("{form}&network_search=1")).await;
    assert_redirect(&res, "/admin?done=saved");
    assert!(guildhall_app::admin::settings(&site.ctx).await.unwrap().network_search);
}

#[tokio::test]
async fn pending_accounts_and_invites() {
    let site = site().await;
    let reg = guildhall_app::auth::Registration {
        username: "newbie".into(),
        email: "newbie@example.gc.ca".into(),
        password: PASSWORD.into(),
        reason: Some("I run the UX guild".into()),
        ..Default::default()
    };
    let boss_v = site.viewer("boss").await;
    let change = guildhall_app::admin::SettingsChange {
        registration_mode: Some(RegistrationMode::Approval),
        ..Default::default()
    };
    guildhall_app::admin::update_settings(&site.ctx, &boss_v, change).await.unwrap();
    guildhall_app::auth::register(&site.ctx, reg).await.unwrap();
    let boss = site.sign_in("boss").await;
    let (_, body) = site.get("/admin", Some(&boss.cookie)).await;
    assert!(body.contains("newbie") && body.contains("I run the UX guild"));
    let (res, _) = site.submit(&boss, "/admin/accounts", "username=newbie&value=approve").await;
    assert_redirect(&res, "/admin?done=approved#pending-heading");
    site.sign_in("newbie").await;
    let (res, body) = site.submit(&boss, "/admin/invites", "max_uses=abc").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#max_uses\""));
    let (res, body) = site.submit(&boss, "/admin/invites", "max_uses=5000").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#max_uses\""), "{body}");
    let (res, _) = site.submit(&boss, "/admin/invites", "max_uses=3&expires_in_days=7").await;
    assert_redirect(&res, "/admin?done=invite#invites-heading");
    let (_, body) = site.get("/admin", Some(&boss.cookie)).await;
    assert!(body.contains("0 / 3"));
}

#[tokio::test]
async fn federation_policy_form() {
    let site = site().await;
    let boss = site.sign_in("boss").await;
    let (res, body) = site.get("/admin/federation", Some(&boss.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("value=\"open\" checked"));
    let (res, body) = site.submit(&boss, "/admin/federation", "mode=allowlist&domains=bad+host!&limited=").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#domains\"") && body.contains("id=\"domains-error\""));
    let form = "mode=allowlist&domains=a.gc.ca%0D%0Ab.gc.ca&limited=noisy.example";
    let (res, _) = site.submit(&boss, "/admin/federation", form).await;
    assert_redirect(&res, "/admin/federation?done=saved");
    let s = guildhall_app::admin::settings(&site.ctx).await.unwrap();
    assert_eq!(s.federation_mode, FederationMode::Allowlist);
    assert_eq!(s.federation_domains, ["a.gc.ca", "b.gc.ca"]);
    assert_eq!(s.limited_domains, ["noisy.example"]);
    let (_, body) = site.get("/admin/federation", Some(&boss.cookie)).await;
    assert!(body.contains("value=\"allowlist\" checked") && body.contains("a.gc.ca\nb.gc.ca"));
}

#[tokio::test]
async fn delivery_health_page() {
    let site = site().await;
    let boss = site.sign_in("boss").await;
    let (res, body) = site.get("/admin/instances", Some(&boss.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("Nothing has been sent to other servers yet."));

    // What other servers sent that was ignored or refused, and an inbox that is gone.
    use guildhall_app::federation::counts::{self, InboundOutcome};
    let ignored = InboundOutcome {
        domain: "lemmy.example",
        kind: "EmojiReact",
        outcome: "ignored",
        status: 202,
        reason: "EmojiReact is not acted on here",
    };
    counts::record_inbound(&site.ctx, ignored.clone()).await.unwrap();
    counts::record_inbound(&site.ctx, ignored).await.unwrap();
    let refused = InboundOutcome {
        domain: "lemmy.example",
        kind: "Create",
        outcome: "refused",
        status: 400,
        reason: "Create of Audio is not a shape this instance reads",
    };
    counts::record_inbound(&site.ctx, refused).await.unwrap();
    counts::mark_inbox_gone(&site.ctx, "https://gone.example/inbox", "gone.example").await.unwrap();
    let (res, body) = site.get("/admin/instances", Some(&boss.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("lemmy.example") && body.contains("gone.example"), "{body}");
    assert!(body.contains("EmojiReact") && body.contains("EmojiReact is not acted on here"), "{body}");
    assert!(body.contains("Create of Audio is not a shape this instance reads"), "{body}");
    assert!(body.contains("https://gone.example/inbox") && body.contains("1 inbox gone (410)"), "{body}");
    let views = guildhall_app::admin::federation_health(&site.ctx, &site.viewer("boss").await).await.unwrap();
    let lemmy = views.iter().find(|v| v.domain == "lemmy.example").unwrap();
    assert_eq!((lemmy.incoming_ignored, lemmy.incoming_refused), (2, 1));
}
