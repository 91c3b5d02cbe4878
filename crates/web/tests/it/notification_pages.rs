//! Notifications in the pages: the header link with the unread count, the list phrased per
//! kind in English and French with unread ones marked for screen readers, and "mark all as
//! read" (CSRF-checked).

use crate::common;

use axum::http::StatusCode;
use common::*;
use guildhall_app::events::{self, EventInput};

#[tokio::test]
async fn attendees_see_event_changes_listed_and_counted_in_the_header() {
    let site = site().await;
    let ada = site.viewer("ada").await;
    let input = EventInput {
        title: Some("Design crit".into()),
        starts_at: Some("2030-03-10T18:30".into()),
        ends_at: Some("2030-03-10T20:00".into()),
        timezone: Some("America/Toronto".into()),
        ..Default::default()
    };
    let id = events::create(&site.ctx, &ada, "ux-design", &input).await.unwrap().id;
    let bea = site.account("bea", false).await;
    site.join("bea").await;
    events::rsvp::going(&site.ctx, &bea, id).await.unwrap();
    let edit = EventInput { place_name: Some("Room 5".into()), ..Default::default() };
    events::update(&site.ctx, &ada, id, &edit).await.unwrap();
    events::cancel(&site.ctx, &ada, id).await.unwrap();

    let s = site.sign_in("bea").await;
    let (res, body) = site.get("/", Some(&s.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body.contains("<a href=\"/notifications\">Notifications (2)</a>"), "{body}");
    let (res, body) = site.get("/notifications", Some(&s.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("You have 2 unread notifications."), "{body}");
    let cancelled = body.find("The event “Design crit” was cancelled.").expect("cancelled");
    let changed = body.find("The event “Design crit” was changed.").expect("changed");
    assert!(cancelled < changed, "newest first");
    assert!(body.contains(&format!("href=\"/events/{id}\"")));
    assert_eq!(body.matches("<span class=\"visually-hidden\">Unread: </span>").count(), 2);
    assert!(body.contains("<time datetime="));

    let (_, body) = site.get("/notifications", Some(&format!("{}; guildhall_lang=fr", s.cookie))).await;
    assert!(body.contains("L’événement « Design crit » a été annulé."), "{body}");
    assert!(body.contains("Vous avez 2 notifications non lues."));

    // The organiser made the changes: nothing for her, and no link in her header.
    let a = site.sign_in("ada").await;
    let (_, body) = site.get("/", Some(&a.cookie)).await;
    assert!(!body.contains("href=\"/notifications\""));
    let (_, body) = site.get("/notifications", Some(&a.cookie)).await;
    assert!(body.contains("Nothing yet.") && !body.contains("Mark all as read"));

    // Marking all read needs the form's token; then the count is gone from the header.
    let (res, _) = site.post("/notifications/read", Some(&s.cookie), "csrf_token=wrong").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (res, _) = site.submit(&s, "/notifications/read", "").await;
    assert_redirect(&res, "/notifications?done=notifications-read");
    let (_, body) = site.get("/notifications?done=notifications-read", Some(&s.cookie)).await;
    assert!(body.contains("All your notifications are marked as read."));
    assert!(body.contains("You have no unread notifications.") && !body.contains("Unread: "));
    assert!(body.contains("The event “Design crit” was cancelled."), "read ones stay listed");
    assert!(!body.contains("href=\"/notifications\">"), "no header link with nothing unread");

    let (res, _) = site.get("/notifications", None).await;
    assert_redirect(&res, "/login?next=/notifications");
}

/// Replies, upvotes, mentions and join answers say what happened, to what, by whom and where,
/// in English and French.
#[tokio::test]
async fn post_and_membership_notifications_are_phrased_per_kind() {
    let site = site().await;
    let ada = site.viewer("ada").await;
    let d = site.start_discussion("ada", "Form errors").await;
    let bea = site.account("bea", false).await;
    site.join("bea").await;
    let r =
        guildhall_app::discussions::reply(&site.ctx, &bea, d, None, "Agreed, @ada", Default::default()).await.unwrap();
    guildhall_app::votes::vote(&site.ctx, &bea, guildhall_app::votes::On::Discussion(d), 1).await.unwrap();
    guildhall_app::discussions::reply(&site.ctx, &ada, d, Some(r.id), "Thanks @bea", Default::default()).await.unwrap();

    let s = site.sign_in("ada").await;
    let (res, body) = site.get("/notifications", Some(&s.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    let host = common::DOMAIN;
    let upvoted = body.find(&format!("bea upvoted your discussion “Form errors” in UX Design ({host}).")).expect(&body);
    let replied =
        body.find(&format!("bea replied to your discussion “Form errors” in UX Design ({host}).")).expect(&body);
    assert!(upvoted < replied, "newest first");
    assert!(!body.contains("mentioned you"), "a reply that mentions her is only a reply");
    assert!(body.contains(&format!("href=\"/discussions/{d}#reply-{}\"", r.id)));
    let (_, body) = site.get("/notifications", Some(&format!("{}; guildhall_lang=fr", s.cookie))).await;
    assert!(
        body.contains(&format!("bea a répondu à votre discussion « Form errors » dans UX Design ({host}).")),
        "{body}"
    );
    assert!(
        body.contains(&format!("bea a voté pour votre discussion « Form errors » dans UX Design ({host}).")),
        "{body}"
    );

    let b = site.sign_in("bea").await;
    let (_, body) = site.get("/notifications", Some(&b.cookie)).await;
    assert!(body.contains(&format!("ada replied to your reply in “Form errors” in UX Design ({host}).")), "{body}");
}
