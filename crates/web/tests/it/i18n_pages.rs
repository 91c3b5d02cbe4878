//! English and French: the account setting, then the switch (cookie), then Accept-Language;
//! `lang` attributes; localised dates and messages.

use crate::common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn browser_language_then_switch_cookie() {
    let site = site().await;
    let (_, body) = site.get_with("/", &[("accept-language", "fr-CA,fr;q=0.9,en;q=0.5")]).await;
    assert!(body.contains("<html lang=\"fr\">") && body.contains("Se connecter") && body.contains("1 membre"));
    assert!(body.contains("href=\"/language?lang=en&amp;next=/\" lang=\"en\" hreflang=\"en\">English</a>"));
    let (_, body) = site.get_with("/", &[("accept-language", "en-CA,en;q=0.9")]).await;
    assert!(body.contains("<html lang=\"en\">") && body.contains("Sign in"));
    // The switch sets a cookie and comes back to the page; the cookie beats the browser.
    let (res, _) = site.get("/language?lang=fr&next=/communities/ux-design", None).await;
    assert_redirect(&res, "/communities/ux-design");
    let cookie = set_cookie(&res, "guildhall_lang").unwrap();
    assert!(cookie.starts_with("guildhall_lang=fr;") && cookie.contains("SameSite=Lax"));
    let (_, body) =
        site.get_with("/communities/ux-design", &[("cookie", "guildhall_lang=fr"), ("accept-language", "en")]).await;
    assert!(body.contains("<html lang=\"fr\">") && body.contains("Charte") && body.contains("Publique"));
    // No open redirects through the switch.
    let (res, _) = site.get("/language?lang=en&next=https://evil.example/", None).await;
    assert_redirect(&res, "/");
    // Nor through what a browser strips or rewrites (a tab, a backslash), and a control
    // character is refused rather than answered with 500.
    for next in
        ["/%09/evil.example/", "/%0A/evil.example/", "/%0B/evil.example/", "/%5C/evil.example/", "%5C%5Cevil.example/"]
    {
        let (res, _) = site.get(&format!("/language?lang=en&next={next}"), None).await;
        assert_redirect(&res, "/");
    }
}

#[tokio::test]
async fn the_account_setting_wins_and_the_header_switch_sets_it() {
    let site = site().await;
    let ada = site.sign_in("ada").await;
    let (_, body) = site.get_with("/", &[("cookie", &ada.cookie), ("accept-language", "fr")]).await;
    assert!(body.contains("<html lang=\"fr\">"), "no setting yet: the browser's language");
    assert!(body.contains("action=\"/language\"") && body.contains("lang=\"en\">English</button>"));
    let (res, _) = site.submit(&ada, "/language", "lang=fr&next=/communities").await;
    assert_redirect(&res, "/communities");
    assert!(set_cookie(&res, "guildhall_lang").unwrap().starts_with("guildhall_lang=fr;"));
    let cookies = format!("{}; guildhall_lang=en", ada.cookie);
    let (_, body) = site.get_with("/communities", &[("cookie", &cookies), ("accept-language", "en")]).await;
    assert!(body.contains("<html lang=\"fr\">") && body.contains("Communautés"), "the account's setting wins");
    let (res, _) = site.post("/language", Some(&ada.cookie), "lang=en&next=/&csrf_token=nope").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn french_pages_localise_dates_forms_and_errors() {
    let site = site().await;
    let id = site.start_discussion("ada", "Formulaires").await;
    let ada = site.viewer("ada").await;
    let change = guildhall_app::accounts::ProfileChange { language: Some("fr".into()), ..Default::default() };
    guildhall_app::accounts::update_profile(&site.ctx, &ada, change).await.unwrap();
    let s = site.sign_in("ada").await;
    let (_, body) = site.get(&format!("/discussions/{id}"), Some(&s.cookie)).await;
    assert!(body.contains("<html lang=\"fr\">") && body.contains("Publier la réponse") && body.contains("0 point"));
    let months = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    assert!(months.iter().any(|m| body.contains(m)), "French month names");
    assert!(body.contains(" h ") && body.contains("<time datetime=\""), "French time, machine-readable too");
    let (res, body) = site.submit(&s, &format!("/discussions/{id}/reply"), "body=").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        body.contains("Il y a un problème") && body.contains("Entrez une valeur") && body.contains("<title>Erreur :")
    );
    let (res, body) = site.get("/discussions/424242", Some(&s.cookie)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(body.contains("Page introuvable"));
    let (_, body) = site.get("/login", None).await;
    assert!(body.contains("<html lang=\"en\">"), "signed out, no cookie, no Accept-Language: English");
}
