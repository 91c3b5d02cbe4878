//! Guild pages: the list, the create form, a guild's page (members, feed, the stewards'
//! invite form) and the guild sections of a community page.

use crate::common;

use axum::http::StatusCode;
use common::*;
use guildhall_app::communities::NewCommunity;
use guildhall_app::guilds::{self, NewGuild, links};
use guildhall_domain::guild::GuildFocus;

/// Ada creates the guild `design-guild` and her `ux-design` joins it (both sides agree).
async fn guild_with_member(site: &Site) {
    let ada = site.viewer("ada").await;
    let new = NewGuild {
        name: "design-guild".into(),
        title: "Design Guild".into(),
        description: Some("Designers across *departments*.".into()),
        charter: None,
        tags: Some(vec!["design".into()]),
        focus: GuildFocus::Role,
    };
    guilds::create(&site.ctx, &ada, new).await.unwrap();
    let guild = guildhall_app::communities::find(&site.ctx, "design-guild").await.unwrap().unwrap();
    links::community_joins(&site.ctx, &ada, "ux-design", &guild).await.unwrap();
    let community = guildhall_app::communities::find(&site.ctx, "ux-design").await.unwrap().unwrap();
    links::guild_invites(&site.ctx, &ada, "design-guild", &community).await.unwrap();
}

#[tokio::test]
async fn guild_page_shows_members_and_feed() {
    let site = site().await;
    guild_with_member(&site).await;
    let id = site.start_discussion("ada", "Form patterns").await;
    let (res, body) = site.get("/guilds/design-guild", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("<h1>Design Guild</h1>") && body.contains("Designers across <em>departments</em>."));
    assert!(body.contains("href=\"/communities/ux-design\""), "member community links to its page");
    assert!(body.contains(&format!("href=\"/discussions/{id}\"")) && body.contains("Form patterns"), "feed");
    assert!(body.contains("/api/guildhall/v1/guilds/design-guild/calendar.ics"), "calendar feed");
    assert!(body.contains("Managers to contact") && body.contains("href=\"/people/ada\""), "contacts and stewards");
    assert!(!body.contains("action=\"/guilds/design-guild/invite\""), "no invite form signed out");

    // The list shows it, with its focus and member count.
    let (res, body) = site.get("/guilds", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("href=\"/guilds/design-guild\"") && body.contains("Role") && body.contains("1 community"));
    assert!(!body.contains("href=\"/guilds/new\""), "creating is for signed-in people");

    // French.
    let (_, body) = site.get_with("/guilds/design-guild", &[("accept-language", "fr")]).await;
    assert!(body.contains("Communautés membres") && body.contains("Dernières discussions"));
    let (res, _) = site.get("/guilds/nope", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn stewards_see_the_invite_form_and_others_do_not() {
    let site = site().await;
    guild_with_member(&site).await;
    site.account("bob", false).await;
    let bob = site.sign_in("bob").await;
    let (_, body) = site.get("/guilds/design-guild", Some(&bob.cookie)).await;
    assert!(!body.contains("action=\"/guilds/design-guild/invite\"") && !body.contains("/remove\""));
    // Bob may not invite, even by posting the form.
    let (res, _) = site.submit(&bob, "/guilds/design-guild/invite", "community=ux-design").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let ada = site.sign_in("ada").await;
    let (res, body) = site.get("/guilds/design-guild", Some(&ada.cookie)).await;
    assert_page(&res, &body);
    assert!(body.contains("action=\"/guilds/design-guild/invite\"") && body.contains("Invite a community"));
    assert!(body.contains("action=\"/guilds/design-guild/communities/ux-design/remove\""), "remove button");
    // An unknown community is a field error; a known one is invited and shows as pending.
    let (res, body) = site.submit(&ada, "/guilds/design-guild/invite", "community=nowhere").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#community\"") && body.contains("aria-invalid=\"true\""));
    // A guild cannot join a guild: the refusal shows on the form's field.
    let (res, body) = site.submit(&ada, "/guilds/design-guild/invite", "community=design-guild").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#community\"") && body.contains("A guild cannot join a guild"), "{body}");
    let bobs = site.viewer("bob").await;
    let new = NewCommunity { name: "data-folk".into(), title: "Data Folk".into(), ..Default::default() };
    guildhall_app::communities::create(&site.ctx, &bobs, new).await.unwrap();
    let (res, _) = site.submit(&ada, "/guilds/design-guild/invite", "community=data-folk").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, body) = site.get("/guilds/design-guild", Some(&ada.cookie)).await;
    assert!(body.contains("Invited") && body.contains("action=\"/guilds/design-guild/communities/data-folk/remove\""));
    // Bob, data-folk's moderator, sees the invitation on his community page and accepts it.
    let (_, body) = site.get("/communities/data-folk", Some(&bob.cookie)).await;
    assert!(body.contains("action=\"/communities/data-folk/guilds/design-guild/accept\""));
    let (res, _) = site.submit(&bob, "/communities/data-folk/guilds/design-guild/accept", "").await;
    assert_redirect(&res, "/communities/data-folk?done=accepted");
    let (_, body) = site.get("/guilds/design-guild", None).await;
    assert!(body.contains("href=\"/communities/data-folk\"") && body.contains("2 communities"));
}

#[tokio::test]
async fn community_page_shows_its_guilds_and_related_communities() {
    let site = site().await;
    guild_with_member(&site).await;
    let ada = site.viewer("ada").await;
    let new = NewCommunity {
        name: "form-builders".into(),
        title: "Form Builders".into(),
        tags: Some(vec!["forms".into()]),
        ..Default::default()
    };
    guildhall_app::communities::create(&site.ctx, &ada, new).await.unwrap();
    let (res, body) = site.get("/communities/ux-design", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("id=\"guilds-heading\"") && body.contains("href=\"/guilds/design-guild\""));
    assert!(body.contains("Communities like this one") && body.contains("href=\"/communities/form-builders\""));
    assert!(body.contains("Shared topics: forms"), "shared tags");
    assert!(!body.contains("action=\"/communities/ux-design/guilds\""), "join form is for moderators");

    // Its moderator gets the join form; a bad address is a field error on its own page.
    let s = site.sign_in("ada").await;
    let (_, body) = site.get("/communities/form-builders", Some(&s.cookie)).await;
    assert!(body.contains("action=\"/communities/form-builders/guilds\""));
    let (res, body) = site.submit(&s, "/communities/form-builders/guilds", "guild=").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_page(&res, &body);
    assert!(body.contains("href=\"#guild\"") && body.contains("Join a guild"));
    let (res, body) = site.submit(&s, "/communities/form-builders/guilds", "guild=ux-design").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#guild\"") && body.contains("That is not a guild"));
    let (res, _) = site.submit(&s, "/communities/form-builders/guilds", "guild=design-guild").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, body) = site.get("/guilds/design-guild", Some(&s.cookie)).await;
    assert!(body.contains("action=\"/guilds/design-guild/communities/form-builders/accept\""), "request pending");
}

#[tokio::test]
async fn create_form_shows_field_errors_then_creates() {
    let site = site().await;
    let (res, _) = site.get("/guilds/new", None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "sign in first");
    let ada = site.sign_in("ada").await;
    let (res, body) = site.get("/guilds/new", Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("<legend>") && body.contains("value=\"focus_area\""));
    let (res, body) = site.submit(&ada, "/guilds/new", "name=x&title=Bad&focus=role").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("<title>Error:") && body.contains("href=\"#name\"") && body.contains("aria-invalid"));
    let (res, body) = site.submit(&ada, "/guilds/new", "name=good-guild&title=Good").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#focus\""), "focus is required");
    let (res, _) = site.submit(&ada, "/guilds/new", "name=good-guild&title=Good&focus=focus_area").await;
    assert_redirect(&res, "/guilds/good-guild");
    let (_, body) = site.get("/guilds/good-guild", Some(&ada.cookie)).await;
    assert!(body.contains("<h1>Good</h1>") && body.contains("Focus area"));
}
