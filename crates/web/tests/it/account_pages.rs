//! Profiles and a member's own settings: profile, language and password.

use crate::common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn public_profiles() {
    let site = site().await;
    let ada = site.viewer("ada").await;
    let change = guildhall_app::accounts::ProfileChange {
        display_name: Some("Ada Lovelace".into()),
        bio: Some("I like *forms*.".into()),
        department: Some("Canada Revenue Agency".into()),
        tags: Some(vec!["ux".into()]),
        ..Default::default()
    };
    guildhall_app::accounts::update_profile(&site.ctx, &ada, change).await.unwrap();
    let (res, body) = site.get("/people/ada", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("<h1>Ada Lovelace</h1>") && body.contains("<em>forms</em>"));
    assert!(body.contains("Canada Revenue Agency") && body.contains(">ux<"));
    assert!(!body.contains("ada@example.gc.ca"), "email stays private");
    let (res, _) = site.get("/people/nobody", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn account_settings_save_profile_and_language() {
    let site = site().await;
    let (res, _) = site.get("/account", None).await;
    assert_redirect(&res, "/login?next=/account");
    let ada = site.sign_in("ada").await;
    let (res, body) = site.get("/account", Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("ada@example.gc.ca"), "own email shown");
    assert!(body.contains("id=\"language\" name=\"language\" type=\"radio\" value=\"\" checked"));
    let (res, body) = site.submit(&ada, "/account", "display_name=&language=en").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#display_name\""));
    let (res, body) = site.submit(&ada, "/account", "display_name=Ada&language=de").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#language\""));
    let form = "display_name=Ada+L.&department=CRA&bio=Hello&tags=ux%2C+forms&language=fr";
    let (res, _) = site.submit(&ada, "/account", form).await;
    assert_redirect(&res, "/account?done=saved");
    assert!(set_cookie(&res, "guildhall_lang").unwrap().starts_with("guildhall_lang=fr;"));
    let me = guildhall_app::accounts::me(&site.ctx, &site.viewer("ada").await).await.unwrap();
    assert_eq!((me.display_name.as_str(), me.language.as_deref()), ("Ada L.", Some("fr")));
    assert_eq!(me.tags, ["ux", "forms"]);
    let (_, body) = site.get("/account", Some(&ada.cookie)).await;
    assert!(body.contains("<html lang=\"fr\">") && body.contains("Votre compte"));
}

#[tokio::test]
async fn changing_the_password_ends_the_session() {
    let site = site().await;
    let ada = site.sign_in("ada").await;
    let (res, body) =
        site.submit(&ada, "/account/password", "current_password=wrong-one&new_password=a+new+password").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#current_password\"") && body.contains("not your current password"));
    let (res, body) =
        site.submit(&ada, "/account/password", "current_password=correct+horse+battery&new_password=short").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#new_password\""));
    let (res, _) = site
        .submit(&ada, "/account/password", "current_password=correct+horse+battery&new_password=a+new+password")
        .await;
    assert_redirect(&res, "/login?done=password");
    let (_, body) = site.get("/account", Some(&ada.cookie)).await;
    assert!(body.is_empty() || !body.contains("Your account"), "signed out");
    assert!(
        guildhall_app::auth::login(
            &site.ctx,
            guildhall_app::auth::SignIn {
                username: "ada",
                password: "a new password",
                address: None,
                device_token: None
            }
        )
        .await
        .is_ok()
    );
}
