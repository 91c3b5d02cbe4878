//! Signing in and out, signing up, the home page and the stylesheet.

use crate::common;

use axum::http::{StatusCode, header};
use common::*;

#[tokio::test]
async fn home_signed_out_lists_communities() {
    let site = site().await;
    let (res, body) = site.get("/", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("UX Design") && body.contains("href=\"/communities/ux-design\""));
    assert!(body.contains("1 member<") || body.contains("1 member "), "{body}");
    assert!(body.contains("<em>work</em>"), "description HTML is rendered unescaped");
    assert!(!body.contains("alert(1)") || !body.contains("<script"), "but it was sanitised");
    assert!(body.contains("<html lang=\"en\">"));
    assert!(body.contains("href=\"/login\"") && body.contains("href=\"/signup\""));
    assert!(body.contains("href=\"/language?lang=fr&amp;next=/\" lang=\"fr\""), "language switch");
}

#[tokio::test]
async fn home_signed_in_shows_my_communities_and_latest_discussions() {
    let site = site().await;
    let id = site.start_discussion("ada", "Accessible date pickers").await;
    let s = site.sign_in("ada").await;
    let (res, body) = site.get("/", Some(&s.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("Your communities") && body.contains("href=\"/communities/ux-design\""));
    assert!(body.contains("Moderator"), "role shown");
    assert!(body.contains(&format!("href=\"/discussions/{id}\"")) && body.contains("Accessible date pickers"));
    assert!(body.contains("action=\"/logout\""));
    // Someone who joined nothing is pointed to the directory.
    site.account("bob", false).await;
    let bob = site.sign_in("bob").await;
    let (_, body) = site.get("/", Some(&bob.cookie)).await;
    assert!(body.contains("You have not joined any community yet") && !body.contains("Accessible date pickers"));
}

#[tokio::test]
async fn stylesheet_is_served() {
    let site = site().await;
    let (res, body) = site.get("/static/style.css", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(body.contains(":focus-visible") && !body.contains("http") && !body.contains("@import"));
}

#[tokio::test]
async fn login_form_sets_double_submit_cookie() {
    let site = site().await;
    let (res, body) = site.get("/login", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    let cookie = set_cookie(&res, "guildhall_csrf").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"));
    assert!(!cookie.contains("Secure"), "plain http instance");
    let token = cookie.split(';').next().unwrap().trim_start_matches("guildhall_csrf=");
    assert!(token.len() >= 32);
    assert_eq!(hidden(&body, "csrf_token"), token);
    assert!(body.contains("<label for=\"username\">") && body.contains("id=\"username\""));
    assert!(body.contains("autocomplete=\"username\"") && body.contains("autocomplete=\"current-password\""));
    let (res, _) = site.get("/login", Some(&format!("guildhall_csrf={token}"))).await;
    assert!(set_cookie(&res, "guildhall_csrf").unwrap().starts_with(&format!("guildhall_csrf={token};")));
}

#[tokio::test]
async fn login_starts_a_session_and_returns_to_next() {
    let site = site().await;
    let csrf = site.csrf().await;
    let form = format!("username=ada&password=correct+horse+battery&csrf_token={csrf}&next=/communities/ux-design");
    let (res, _) = site.post("/login", Some(&format!("guildhall_csrf={csrf}")), &form).await;
    assert_redirect(&res, "/communities/ux-design");
    let cookie = set_cookie(&res, "guildhall_session").unwrap();
    assert!(cookie.ends_with("; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000"), "{cookie}");
    assert!(set_cookie(&res, "guildhall_csrf").unwrap().contains("Max-Age=0"), "pre-login token retired");
    // An outside `next` is ignored.
    let csrf = site.csrf().await;
    let form = format!("username=ada&password=correct+horse+battery&csrf_token={csrf}&next=//evil.example/");
    let (res, _) = site.post("/login", Some(&format!("guildhall_csrf={csrf}")), &form).await;
    assert_redirect(&res, "/");
    // Nor one a browser would turn into one (tab, vertical tab, backslash).
    for next in ["/%09/evil.example/", "/%0B/evil.example/", "/%5C/evil.example/"] {
        let csrf = site.csrf().await;
        let form = format!("username=ada&password=correct+horse+battery&csrf_token={csrf}&next={next}");
        let (res, _) = site.post("/login", Some(&format!("guildhall_csrf={csrf}")), &form).await;
        assert_redirect(&res, "/");
    }
}

#[tokio::test]
async fn wrong_password_shows_error_summary() {
    let site = site().await;
    let csrf = site.csrf().await;
    let form = format!("username=ada&password=wrong+horse+battery&csrf_token={csrf}");
    let (res, body) = site.post("/login", Some(&format!("guildhall_csrf={csrf}")), &form).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_page(&res, &body);
    assert!(set_cookie(&res, "guildhall_session").is_none());
    assert!(body.contains("role=\"alert\"") && body.contains("There is a problem"));
    assert!(body.contains("href=\"#username\""), "summary links to the field");
    assert!(body.contains("id=\"username-error\"") && body.contains("aria-describedby=\"username-error\""));
    assert!(body.contains("<title>Error: Sign in"));
    assert!(body.contains("value=\"ada\""), "username kept");
    assert_eq!(hidden(&body, "csrf_token"), csrf, "form can be resubmitted");
    // Empty fields: one error each.
    let (res, body) = site.post("/login", Some(&format!("guildhall_csrf={csrf}")), &format!("csrf_token={csrf}")).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#username\"") && body.contains("href=\"#password\""));
}

#[tokio::test]
async fn login_without_matching_csrf_is_forbidden() {
    let site = site().await;
    let csrf = site.csrf().await;
    let good = "username=ada&password=correct+horse+battery";
    let cookie = format!("guildhall_csrf={csrf}");
    let other = guildhall_app::auth::random_token();
    let cases = [
        (None, format!("{good}&csrf_token={csrf}")),
        (Some(cookie.as_str()), good.to_owned()),
        (Some(cookie.as_str()), format!("{good}&csrf_token={other}")),
        (Some("guildhall_csrf="), format!("{good}&csrf_token=")),
    ];
    for (cookie, form) in cases {
        let (res, body) = site.post("/login", cookie, &form).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{cookie:?} {form}");
        assert!(set_cookie(&res, "guildhall_session").is_none());
        assert!(body.contains("Your form has expired"));
    }
}

#[tokio::test]
async fn logout_checks_csrf_and_ends_the_session() {
    let site = site().await;
    let s = site.sign_in("ada").await;
    let (res, _) = site.post("/logout", Some(&s.cookie), "csrf_token=not-the-token").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (_, body) = site.get("/", Some(&s.cookie)).await;
    assert!(body.contains("action=\"/logout\""), "refused logout kept the session");
    let (res, _) = site.submit(&s, "/logout", "").await;
    assert_redirect(&res, "/");
    let cleared = set_cookie(&res, "guildhall_session").unwrap();
    assert!(cleared.starts_with("guildhall_session=;") && cleared.contains("Max-Age=0"));
    let (_, body) = site.get("/", Some(&s.cookie)).await;
    assert!(!body.contains("action=\"/logout\"") && body.contains("href=\"/login\""), "old session ended");
}

#[tokio::test]
async fn https_instances_mark_cookies_secure() {
    let site = site_with(true).await;
    let (res, _) = site.get("/login", None).await;
    assert!(set_cookie(&res, "guildhall_csrf").unwrap().ends_with("; Secure"));
    let csrf = site.csrf().await;
    let form = format!("username=ada&password=correct+horse+battery&csrf_token={csrf}");
    let (res, _) = site.post("/login", Some(&format!("guildhall_csrf={csrf}")), &form).await;
    assert!(set_cookie(&res, "guildhall_session").unwrap().ends_with("; Max-Age=2592000; Secure"));
}

#[tokio::test]
async fn sign_up_shows_the_rules_validates_and_signs_in() {
    let site = site().await;
    let (res, body) = site.get("/signup", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("Anyone can create an account."));
    let csrf = hidden(&body, "csrf_token");
    let cookie = format!("guildhall_csrf={csrf}");
    // Errors are listed in the summary and next to the field; the password is not echoed.
    let form = format!("csrf_token={csrf}&username=x&email=bea@example.gc.ca&password=secret-password");
    let (res, body) = site.post("/signup", Some(&cookie), &form).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#username\"") && body.contains("id=\"username-error\""));
    assert!(body.contains("Enter between 3 and 30 characters") && !body.contains("secret-password"));
    // A taken name.
    let form = format!("csrf_token={csrf}&username=ada&email=bea@example.gc.ca&password=secret-password");
    let (res, body) = site.post("/signup", Some(&cookie), &form).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("already in use"), "{body}");
    let form =
        format!("csrf_token={csrf}&username=bea&email=bea@example.gc.ca&display_name=Bea&password=secret-password");
    let (res, _) = site.post("/signup", Some(&cookie), &form).await;
    assert_redirect(&res, "/?done=registered");
    let session = set_cookie(&res, "guildhall_session").unwrap();
    let (_, body) = site.get("/?done=registered", Some(session.split(';').next().unwrap())).await;
    assert!(body.contains("Your account was created") && body.contains("role=\"status\""));
    // Without the double-submit cookie: refused.
    let (res, _) = site.post("/signup", None, &form.replace("bea", "cy")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn sign_up_on_approval_and_allowlisted_instances() {
    let site = site().await;
    let root = site.viewer("boss").await;
    let change = guildhall_app::admin::SettingsChange {
        registration_mode: Some(guildhall_domain::RegistrationMode::Approval),
        email_domains: Some(vec!["*.gc.ca".into()]),
        ..Default::default()
    };
    guildhall_app::admin::update_settings(&site.ctx, &root, change).await.unwrap();
    let (_, body) = site.get("/signup", None).await;
    assert!(body.contains("wait for an administrator") && body.contains("*.gc.ca"));
    assert!(body.contains("id=\"reason\""), "approval asks why");
    let csrf = hidden(&body, "csrf_token");
    let cookie = format!("guildhall_csrf={csrf}");
    let form = format!("csrf_token={csrf}&username=bea&email=bea@example.org&password=secret-password");
    let (res, body) = site.post("/signup", Some(&cookie), &form).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#email\"") && body.contains("*.gc.ca"));
    let form = format!("csrf_token={csrf}&username=bea&email=bea@dept.gc.ca&password=secret-password&reason=UX");
    let (res, _) = site.post("/signup", Some(&cookie), &form).await;
    assert_redirect(&res, "/login?done=pending");
    assert!(set_cookie(&res, "guildhall_session").is_none());
}
