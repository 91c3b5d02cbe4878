//! The app approval page (`/oauth/authorize`) and the account page's list of allowed apps,
//! as pages: headers, languages, no scripts. The OAuth flow end to end is tested in
//! `crates/mastodon/tests/it/oauth.rs`.

use axum::http::{StatusCode, header};
use chrono::Utc;
use guildhall_app::oauth;

use crate::common::{assert_page, hidden, site};

#[tokio::test]
async fn approval_page_is_a_page_in_both_languages() {
    let s = site().await;
    let new = oauth::NewApp {
        name: "Tusky <b>".into(),
        redirect_uris: vec!["tusky://oauth".into()],
        scopes: "read write follow push".into(),
        website: Some("https://tusky.app".into()),
    };
    let app = oauth::register_app(&s.ctx, new, Utc::now()).await.unwrap();
    let path = format!(
        "/oauth/authorize?response_type=code&client_id={}&redirect_uri=tusky%3A%2F%2Foauth&scope=read+follow",
        app.app.client_id
    );
    let session = s.sign_in("ada").await;
    let (res, body) = s.get_with(&path, &[("cookie", &session.cookie), ("accept-language", "fr")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body.contains("Tusky &#60;b&#62;"), "{body}");
    assert!(!body.contains("Tusky <b>"), "the name is escaped");
    assert!(body.contains("Lire tout ce que votre compte peut voir"));
    assert!(body.contains("Suivre, bloquer et masquer"));
    assert_eq!(hidden(&body, "csrf_token"), session.csrf);
    // The page allows its form to lead to the app's scheme; everything else as every page.
    let csp = res.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
    assert!(csp.contains("form-action 'self' tusky:;"), "{csp}");
    assert!(!body.contains("<script"));
    assert!(body.contains("<main id=\"main\""));

    let (res, body) = s.get_with(&path, &[("cookie", &session.cookie), ("accept-language", "en")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body.contains("Follow, block and mute on your behalf"));
}

#[tokio::test]
async fn account_page_says_when_no_app_is_allowed() {
    let s = site().await;
    let session = s.sign_in("ada").await;
    let (res, body) = s.get_with("/account", &[("cookie", &session.cookie), ("accept-language", "en")]).await;
    assert_page(&res, &body);
    assert!(body.contains("You have not allowed any app."));
    let (_, body) = s.get_with("/account", &[("cookie", &session.cookie), ("accept-language", "fr")]).await;
    assert!(body.contains("Vous n’avez autorisé aucune application."));
}

#[tokio::test]
async fn unknown_app_is_an_error_page_not_a_redirect() {
    let s = site().await;
    let (res, body) =
        s.get("/oauth/authorize?response_type=code&client_id=nope&redirect_uri=https%3A%2F%2Fevil.example", None).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.headers().get(header::LOCATION).is_none());
    assert_page(&res, &body);
    assert!(body.contains("invalid_client"));
}
