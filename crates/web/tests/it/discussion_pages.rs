//! Discussions: starting, the thread with nested replies, replying, editing, deleting,
//! voting, pinning and locking, and who may do each.

use crate::common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn starting_a_discussion_validates_and_needs_membership() {
    let site = site().await;
    site.account("bob", false).await;
    let bob = site.sign_in("bob").await;
    let (res, body) = site.submit(&bob, "/communities/ux-design/new", "title=Hi&body=Hello").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "non-members are refused on the form");
    assert!(body.contains("Only members of this community can do this."));
    let ada = site.sign_in("ada").await;
    let (res, body) = site.get("/communities/ux-design/new", Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    let (res, body) = site.submit(&ada, "/communities/ux-design/new", "title=&body=").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#title\"") && body.contains("Enter a value"));
    let (res, _) = site.submit(&ada, "/communities/ux-design/new", "title=Date+pickers&body=Do+they+work%3F").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(to.starts_with("/discussions/") && to.ends_with("?done=posted"), "{to}");
    let (res, body) = site.get(&to, Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(
        body.contains("Date pickers") && body.contains("Do they work?") && body.contains("Your discussion was posted.")
    );
}

#[tokio::test]
async fn thread_nests_replies_and_offers_a_reply_form() {
    let site = site().await;
    let id = site.start_discussion("ada", "Error messages").await;
    site.account("bob", false).await;
    site.join("bob").await;
    let bob = site.sign_in("bob").await;
    let ada = site.sign_in("ada").await;
    let (res, _) = site.submit(&ada, &format!("/discussions/{id}/reply"), "body=Say+what+happened").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(to.starts_with(&format!("/discussions/{id}?done=replied#reply-")), "{to}");
    let first: i64 = to.rsplit('-').next().unwrap().parse().unwrap();
    // Bob answers Ada's reply from its "Reply" link.
    let (_, body) = site.get(&format!("/discussions/{id}?reply_to={first}"), Some(&bob.cookie)).await;
    assert!(body.contains("Reply to ada") && body.contains(&format!("name=\"parent_id\" value=\"{first}\"")));
    let (res, _) =
        site.submit(&bob, &format!("/discussions/{id}/reply"), &format!("parent_id={first}&body=Thanks")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (res, body) = site.get(&format!("/discussions/{id}"), None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    let outer = body.find(&format!("id=\"reply-{first}\"")).unwrap();
    let nested = body[outer..].find("<ol class=\"replies\">").map(|i| i + outer).unwrap();
    let thanks = body.find("Thanks").unwrap();
    assert!(outer < nested && nested < thanks, "the answer is in a list inside the reply");
    assert_eq!(body.matches("<ol class=\"replies\">").count(), 2);
    assert_eq!(body.matches("<ol class=\"replies\">").count(), body.matches("</ol>").count());
    // Signed out: no form, a link to sign in.
    assert!(body.contains(&format!("/login?next=/discussions/{id}")) && !body.contains("action=\"/discussions/"));
    // An empty reply shows the error next to the field and keeps the page.
    let (res, body) = site.submit(&bob, &format!("/discussions/{id}/reply"), "body=+").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("id=\"body-error\"") && body.contains("Error messages"));
}

#[tokio::test]
async fn outsiders_cannot_reply_and_private_threads_are_hidden() {
    let site = site().await;
    let id = site.start_discussion("ada", "Open thread").await;
    site.account("bob", false).await;
    let bob = site.sign_in("bob").await;
    let (_, body) = site.get(&format!("/discussions/{id}"), Some(&bob.cookie)).await;
    assert!(body.contains("Only members of this community can do this.") && !body.contains("id=\"body\""));
    let (res, _) = site.submit(&bob, &format!("/discussions/{id}/reply"), "body=Hi").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let ada = site.viewer("ada").await;
    let change = guildhall_app::communities::CommunityChange {
        visibility: Some(guildhall_domain::Visibility::Private),
        ..Default::default()
    };
    guildhall_app::communities::update(&site.ctx, &ada, "ux-design", change).await.unwrap();
    let (res, body) = site.get(&format!("/discussions/{id}"), Some(&bob.cookie)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "private content does not reveal it exists");
    assert!(!body.contains("Open thread"));
    let (res, _) = site.get("/discussions/999999", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_authors_edit_and_moderators_may_delete() {
    let site = site().await;
    site.account("bob", false).await;
    site.join("bob").await;
    let id = site.start_discussion("bob", "Bob's question").await;
    let bob = site.sign_in("bob").await;
    let ada = site.sign_in("ada").await;
    let (res, body) = site.get(&format!("/discussions/{id}/edit"), Some(&bob.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body.contains("value=\"Bob&#39;s question\"") || body.contains("value=\"Bob&#x27;s question\""), "{body}");
    let (res, _) = site.get(&format!("/discussions/{id}/edit"), Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "a moderator is not the author");
    let (res, _) = site.submit(&ada, &format!("/discussions/{id}/edit"), "title=Hijacked&body=x").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let (res, _) = site.submit(&bob, &format!("/discussions/{id}/edit"), "title=Better+title&body=Clearer").await;
    assert_redirect(&res, &format!("/discussions/{id}?done=edited"));
    let (_, body) = site.get(&format!("/discussions/{id}"), None).await;
    assert!(body.contains("Better title") && body.contains("edited"));
    // Replies: the author edits; the moderator deletes.
    let bob_v = site.viewer("bob").await;
    let r = guildhall_app::discussions::reply(&site.ctx, &bob_v, id, None, "first", Default::default()).await.unwrap();
    let (res, _) = site.get(&format!("/replies/{}/edit", r.id), Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (res, _) = site.submit(&bob, &format!("/replies/{}/edit", r.id), "body=second").await;
    assert_redirect(&res, &format!("/discussions/{id}?done=edited#reply-{}", r.id));
    // Deleting asks first; the page posts the form.
    let (res, body) = site.get(&format!("/replies/{}/delete", r.id), Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("Delete this post?") && body.contains(&format!("action=\"/replies/{}/delete\"", r.id)));
    site.account("cyd", false).await;
    let cyd = site.sign_in("cyd").await;
    let (res, _) = site.get(&format!("/replies/{}/delete", r.id), Some(&cyd.cookie)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (res, _) = site.get(&format!("/discussions/{id}/delete"), Some(&cyd.cookie)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (res, body) = site.get(&format!("/discussions/{id}/delete"), Some(&bob.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body.contains("Better title"));
    let (res, _) = site.submit(&ada, &format!("/replies/{}/delete", r.id), "").await;
    assert_redirect(&res, &format!("/discussions/{id}?done=deleted#reply-{}", r.id));
    let (_, body) = site.get(&format!("/discussions/{id}"), None).await;
    assert!(body.contains("This post was deleted.") && !body.contains("second"));
    let (res, _) = site.submit(&ada, &format!("/discussions/{id}/delete"), "").await;
    assert_redirect(&res, "/communities/ux-design?done=deleted");
    let (_, body) = site.get("/communities/ux-design", None).await;
    assert!(!body.contains("Better title"));
}

#[tokio::test]
async fn votes_pins_and_locks() {
    let site = site().await;
    let id = site.start_discussion("ada", "Pin me").await;
    site.account("bob", false).await;
    site.join("bob").await;
    let bob = site.sign_in("bob").await;
    let (res, _) = site.submit(&bob, &format!("/discussions/{id}/vote"), "value=up").await;
    assert_redirect(&res, &format!("/discussions/{id}?done=voted#discussion"));
    let (_, body) = site.get(&format!("/discussions/{id}"), None).await;
    assert!(body.contains("1 point<"), "{body}");
    let (_, body) = site.get(&format!("/discussions/{id}"), Some(&bob.cookie)).await;
    assert_eq!(body.matches("aria-pressed=\"true\"").count(), 1, "Bob's upvote shows as pressed");
    assert!(body.contains("name=\"value\" value=\"clear\""), "pressing it again withdraws it");
    let (res, _) = site.submit(&bob, &format!("/discussions/{id}/vote"), "value=clear").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, body) = site.get(&format!("/discussions/{id}"), None).await;
    assert!(body.contains("0 points<"));
    // Moderation buttons: only moderators see and may use them.
    let (_, body) = site.get(&format!("/discussions/{id}"), Some(&bob.cookie)).await;
    assert!(!body.contains("/moderate\""));
    let (res, _) = site.submit(&bob, &format!("/discussions/{id}/moderate"), "value=pin").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let ada = site.sign_in("ada").await;
    let (_, body) = site.get(&format!("/discussions/{id}"), Some(&ada.cookie)).await;
    assert!(body.contains(&format!("action=\"/discussions/{id}/moderate\"")));
    for (value, done) in [("pin", "pinned"), ("lock", "locked")] {
        let (res, _) = site.submit(&ada, &format!("/discussions/{id}/moderate"), &format!("value={value}")).await;
        assert_redirect(&res, &format!("/discussions/{id}?done={done}"));
    }
    let (_, body) = site.get(&format!("/discussions/{id}"), Some(&bob.cookie)).await;
    assert!(body.contains("Pinned") && body.contains("Locked") && body.contains("only moderators can reply"));
    let (res, _) = site.submit(&bob, &format!("/discussions/{id}/reply"), "body=late").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let (res, _) = site.submit(&ada, &format!("/discussions/{id}/moderate"), "value=bogus").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // Signed-out votes go to the sign-in page.
    let (res, _) = site.post(&format!("/discussions/{id}/vote"), None, "value=up").await;
    assert_redirect(&res, &format!("/login?next=/discussions/{id}"));
}
