//! Moderator views: members with roles, join requests, moderators and bans.

use crate::common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn members_list_roles_and_moderators_manage_them() {
    let site = site().await;
    site.account("bob", false).await;
    site.join("bob").await;
    let (res, body) = site.get("/communities/ux-design/members", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("<th scope=\"col\">Role</th>") && body.contains("Moderator") && body.contains("Member"));
    assert!(body.contains("href=\"/people/bob\"") && !body.contains("/moderators\""), "no controls for visitors");
    let bob = site.sign_in("bob").await;
    let (res, _) = site.submit(&bob, "/communities/ux-design/moderators", "username=bob&value=add").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "members cannot appoint");
    let ada = site.sign_in("ada").await;
    let (_, body) = site.get("/communities/ux-design/members", Some(&ada.cookie)).await;
    assert!(body.contains("Make moderator") && body.contains("/communities/ux-design/bans?username=bob"));
    let (res, _) = site.submit(&ada, "/communities/ux-design/moderators", "username=bob&value=add").await;
    assert_redirect(&res, "/communities/ux-design/members?done=moderator-added");
    let (_, body) = site.get("/communities/ux-design/members?done=moderator-added", Some(&ada.cookie)).await;
    assert!(body.contains("The member is now a moderator.") && body.contains("Remove as moderator"));
    let (res, _) = site.submit(&ada, "/communities/ux-design/moderators", "username=bob&value=remove").await;
    assert_redirect(&res, "/communities/ux-design/members?done=moderator-removed");
}

#[tokio::test]
async fn join_requests_are_decided_by_moderators() {
    let site = site().await;
    let ada_v = site.viewer("ada").await;
    let change = guildhall_app::communities::CommunityChange {
        visibility: Some(guildhall_domain::Visibility::Approval),
        ..Default::default()
    };
    guildhall_app::communities::update(&site.ctx, &ada_v, "ux-design", change).await.unwrap();
    for name in ["bob", "cyd"] {
        let v = site.account(name, false).await;
        guildhall_app::membership::join(&site.ctx, &v, "ux-design", true, Some("I design forms")).await.unwrap();
    }
    let bob = site.sign_in("bob").await;
    let (res, _) = site.get("/communities/ux-design/requests", Some(&bob.cookie)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (res, _) = site.get("/communities/ux-design/requests", None).await;
    assert_redirect(&res, "/login?next=/communities/ux-design/requests");
    let ada = site.sign_in("ada").await;
    let (res, body) = site.get("/communities/ux-design/requests", Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("I design forms") && body.contains("bob") && body.contains("cyd"));
    let (res, _) = site.submit(&ada, "/communities/ux-design/requests", "username=bob&value=accept").await;
    assert_redirect(&res, "/communities/ux-design/requests?done=accepted");
    let (res, _) = site.submit(&ada, "/communities/ux-design/requests", "username=cyd&value=reject").await;
    assert_redirect(&res, "/communities/ux-design/requests?done=rejected");
    let (_, body) = site.get("/communities/ux-design/requests", Some(&ada.cookie)).await;
    assert!(body.contains("No one is waiting to join."));
    let bob_v = site.viewer("bob").await;
    let co = guildhall_app::communities::get(&site.ctx, Some(&bob_v), "ux-design").await.unwrap();
    assert!(co.my_role.is_member());
}

#[tokio::test]
async fn bans_are_listed_set_and_lifted() {
    let site = site().await;
    site.account("bob", false).await;
    site.join("bob").await;
    let ada = site.sign_in("ada").await;
    let (res, body) = site.get("/communities/ux-design/bans?username=bob", Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("No one is banned.") && body.contains("id=\"username\"") && body.contains("value=\"bob\""));
    let (res, body) = site.submit(&ada, "/communities/ux-design/bans", "username=bob&days=forever").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#days\""));
    let (res, body) = site.submit(&ada, "/communities/ux-design/bans", "username=nobody-here").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("There is no one with this username"));
    let (res, _) = site.submit(&ada, "/communities/ux-design/bans", "username=bob&reason=Spam&days=30").await;
    assert_redirect(&res, "/communities/ux-design/bans?done=banned");
    let (_, body) = site.get("/communities/ux-design/bans", Some(&ada.cookie)).await;
    assert!(body.contains("Spam") && body.contains("<time datetime="));
    let bob = site.sign_in("bob").await;
    let (_, body) = site.get("/communities/ux-design", Some(&bob.cookie)).await;
    assert!(body.contains("You are banned from this community."));
    let (res, _) = site.get("/communities/ux-design/bans", Some(&bob.cookie)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (res, _) = site.submit(&ada, "/communities/ux-design/bans/lift", "username=bob").await;
    assert_redirect(&res, "/communities/ux-design/bans?done=unbanned");
    let (_, body) = site.get("/communities/ux-design/bans", Some(&ada.cookie)).await;
    assert!(body.contains("No one is banned."));
}
