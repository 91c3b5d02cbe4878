//! The map page (picture, table, filters, downloads, proposals), the admin's directory page
//! and the listing choices in a community's settings.

use crate::common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn map_shows_a_picture_and_a_table_of_the_network() {
    let site = site().await;
    let (res, body) = site.get("/map", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(
        body.contains("<svg")
            && body.contains("role=\"img\"")
            && body.contains("aria-labelledby=\"map-svg-title map-svg-desc\"")
    );
    assert!(body.contains("<title>UX Design (Community) – localhost:8080</title>"), "hover titles");
    assert!(
        body.contains("<td><a href=\"http://localhost:8080/communities/ux-design\">UX Design</a></td>"),
        "table row"
    );
    assert!(body.contains("<td>design, forms</td>"));
    assert!(
        body.contains("href=\"/api/guildhall/v1/map.csv\"") && body.contains("href=\"/api/guildhall/v1/map.graphml\"")
    );
    assert!(body.contains("href=\"/map\""), "in the navigation");
    assert!(!body.contains("action=\"/map/proposals\""), "proposing needs an account");

    // Filters narrow the picture and the table, and the downloads keep them.
    let (_, body) = site.get("/map?topic=gardening&active=on", None).await;
    assert!(!body.contains("<svg") && !body.contains("UX Design</a>"));
    assert!(body.contains("value=\"gardening\""), "{body}");
    assert!(body.contains("href=\"/api/guildhall/v1/map.csv?topic=gardening&#38;active=true\""), "{body}");

    // In French.
    let (_, body) = site.get_with("/map", &[("cookie", "guildhall_lang=fr")]).await;
    assert!(body.contains("Carte du réseau") && body.contains("Communauté"));
}

#[tokio::test]
async fn members_propose_and_admins_decide() {
    let site = site().await;
    let ada = site.sign_in("ada").await;
    let (_, body) = site.get("/map", Some(&ada.cookie)).await;
    assert!(body.contains("action=\"/map/proposals\""));
    let (res, body) = site.submit(&ada, "/map/proposals", "name=Data+Slack&url=javascript%3Aalert(1)").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#url\"") && body.contains("aria-invalid=\"true\""), "error next to the field");
    let (res, _) = site
        .submit(
            &ada,
            "/map/proposals",
            "name=Data+Slack&url=https%3A%2F%2Fdata.example&topics=data%2C+ai&government=Canada",
        )
        .await;
    assert_redirect(&res, "/map?done=proposed#propose-heading");

    let (res, _) = site.get("/admin/map", Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let boss = site.sign_in("boss").await;
    let (res, body) = site.get("/admin/map", Some(&boss.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("Data Slack") && body.contains("proposed by ada"));
    let id = hidden(&body, "id");
    let (res, _) = site.submit(&boss, "/admin/map/proposals", &format!("id={id}&value=approve")).await;
    assert_redirect(&res, "/admin/map?done=approved#proposals-heading");
    let (_, body) = site.get("/map?kind=external", None).await;
    assert!(body.contains("<a href=\"https://data.example\">Data Slack</a>"), "approved ones are on the map");

    // Directory settings: bad seeds are shown next to the field; good ones are saved.
    let (res, body) = site
        .submit(
            &boss,
            "/admin/map",
            "directory_listed=yes&organisation=CDS&government=Canada&map_seeds=not+a+host%2Fx&map_refresh_hours=24",
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#map_seeds\""));
    let (res, _) = site
        .submit(
            &boss,
            "/admin/map",
            "directory_listed=no&organisation=CDS&government=Canada&map_seeds=a.example&map_refresh_hours=12",
        )
        .await;
    assert_redirect(&res, "/admin/map?done=saved");
    let s = guildhall_app::admin::settings(&site.ctx).await.unwrap();
    assert_eq!(
        (s.directory_listed, s.organisation.as_str(), s.map_seeds.clone(), s.map_refresh_hours),
        (false, "CDS", vec!["a.example".to_owned()], 12)
    );
}

#[tokio::test]
async fn community_settings_choose_listing_and_stage() {
    let site = site().await;
    let ada = site.sign_in("ada").await;
    let (_, body) = site.get("/communities/ux-design/settings", Some(&ada.cookie)).await;
    assert!(body.contains("id=\"listed-default\" name=\"listed\" type=\"radio\" value=\"default\" checked"));
    let form = "title=UX+Design&visibility=public&listed=unlisted&lifecycle=dormant";
    let (res, _) = site.submit(&ada, "/communities/ux-design/settings", form).await;
    assert_redirect(&res, "/communities/ux-design/settings?done=saved");
    let c = guildhall_app::communities::find(&site.ctx, "ux-design").await.unwrap().unwrap();
    assert_eq!((c.listed, c.lifecycle.as_str()), (Some(false), "dormant"));
    let (_, body) = site.get("/map", None).await;
    assert!(!body.contains("UX Design</a>"), "unlisted communities are not on the map");
    let (res, body) = site.submit(&ada, "/communities/ux-design/settings", "title=UX+Design&lifecycle=asleep").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#lifecycle\""));
}
