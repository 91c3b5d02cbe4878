//! Notification settings in the pages: the watch / normal / mute control on a community page,
//! "Mute this thread" on a discussion, `/account/notifications`, and the notifications page's
//! filters and grouped lines, in English and French.

use crate::common;

use axum::http::StatusCode;
use common::*;
use guildhall_domain::extras::Warning;

#[tokio::test]
async fn the_community_control_sets_the_level_and_the_settings_page_lists_it() {
    let site = site().await;
    site.account("bea", false).await;
    site.join("bea").await;
    let s = site.sign_in("bea").await;
    let (res, body) = site.get("/communities/ux-design", Some(&s.cookie)).await;
    assert_page(&res, &body);
    assert!(body.contains("<legend>Notifications from this community</legend>"), "{body}");
    assert!(body.contains("name=\"level\" value=\"normal\" checked"), "normal by default: {body}");

    let (res, _) = site.submit(&s, "/communities/ux-design/notifications", "level=watch").await;
    assert_redirect(&res, "/communities/ux-design?done=notify-level-saved");
    let (_, body) = site.get("/communities/ux-design?done=notify-level-saved", Some(&s.cookie)).await;
    assert!(body.contains("name=\"level\" value=\"watch\" checked"), "{body}");
    assert!(body.contains("Your notification setting is saved."));

    let (res, body) = site.get("/account/notifications", Some(&s.cookie)).await;
    assert_page(&res, &body);
    assert!(body.contains("UX Design</a> (localhost:8080)") || body.contains("UX Design</a> ("), "{body}");
    assert!(body.contains("name=\"back\" value=\"settings\""));
    let (_, body) = site.get("/account", Some(&s.cookie)).await;
    assert!(body.contains("href=\"/account/notifications\""), "one link from the account page");
    let (_, body) = site.get("/account/notifications", Some(&format!("{}; guildhall_lang=fr", s.cookie))).await;
    assert!(body.contains("Réglages des notifications"), "{body}");

    // From the settings page, back to it; normal removes the line.
    let (res, _) = site.submit(&s, "/communities/ux-design/notifications", "level=normal&back=settings").await;
    assert_redirect(&res, "/account/notifications?done=notify-level-saved");
    let (_, body) = site.get("/account/notifications", Some(&s.cookie)).await;
    assert!(body.contains("You have not set any community to watch or mute."), "{body}");

    // Bad input: an unknown level, a missing token, signed out.
    let (res, _) = site.submit(&s, "/communities/ux-design/notifications", "level=loud").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let (res, _) =
        site.post("/communities/ux-design/notifications", Some(&s.cookie), "csrf_token=wrong&level=watch").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (res, _) = site.submit(&s, "/communities/nowhere/notifications", "level=watch").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (_, body) = site.get("/communities/ux-design", None).await;
    assert!(!body.contains("Notifications from this community"), "no control when signed out");
}

#[tokio::test]
async fn a_thread_is_muted_and_unmuted_from_its_page_and_replies_are_grouped() {
    let site = site().await;
    let bea = site.account("bea", false).await;
    site.join("bea").await;
    let d = site.start_discussion("ada", "Forms").await;
    let s = site.sign_in("ada").await;
    let (_, body) = site.get(&format!("/discussions/{d}"), Some(&s.cookie)).await;
    assert!(body.contains(">Mute this thread</button>"), "{body}");

    for i in 0..3 {
        guildhall_app::discussions::reply(&site.ctx, &bea, d, None, &format!("Reply {i}"), Warning::default())
            .await
            .unwrap();
    }
    let (res, body) = site.get("/notifications", Some(&s.cookie)).await;
    assert_page(&res, &body);
    assert!(body.contains("3 new replies in “Forms” in UX Design"), "{body}");
    assert!(body.contains(&format!("href=\"/discussions/{d}\"")));
    assert!(body.contains(">Mark these as read<"));
    let (_, fr) = site.get("/notifications", Some(&format!("{}; guildhall_lang=fr", s.cookie))).await;
    assert!(fr.contains("3 nouvelles réponses dans « Forms »"), "{fr}");
    let (_, body) = site.get("/notifications?filter=requests", Some(&s.cookie)).await;
    assert!(!body.contains("new replies") && body.contains("aria-current=\"page\">Requests and moderation<"), "{body}");
    let (_, body) = site.get("/notifications?filter=replies", Some(&s.cookie)).await;
    assert!(body.contains("3 new replies"));

    // Mark the group read, together.
    let id = guildhall_app::notification_groups::list(
        &site.ctx,
        &site.viewer("ada").await,
        guildhall_app::page(None, None),
        &[],
        true,
    )
    .await
    .unwrap()
    .items[0]
        .id;
    let (res, _) = site.submit(&s, &format!("/notifications/{id}/read-group"), "").await;
    assert_redirect(&res, "/notifications?done=notifications-read");
    let (_, body) = site.get("/notifications", Some(&s.cookie)).await;
    assert!(body.contains("You have no unread notifications") || !body.contains("Mark these as read"), "{body}");

    let (res, _) = site.submit(&s, &format!("/discussions/{d}/mute"), "muted=true").await;
    assert_redirect(&res, &format!("/discussions/{d}?done=thread-muted"));
    let (_, body) = site.get(&format!("/discussions/{d}"), Some(&s.cookie)).await;
    assert!(body.contains(">Unmute this thread</button>"), "{body}");
    guildhall_app::discussions::reply(&site.ctx, &bea, d, None, "Muted", Warning::default()).await.unwrap();
    let unread = guildhall_app::notifications::unread_count(&site.ctx, &site.viewer("ada").await).await.unwrap();
    assert_eq!(unread, 0, "nothing from a muted thread");
    let (res, _) = site.submit(&s, &format!("/discussions/{d}/mute"), "muted=false").await;
    assert_redirect(&res, &format!("/discussions/{d}?done=thread-unmuted"));
    let (res, _) = site.submit(&s, "/discussions/999999/mute", "muted=true").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
