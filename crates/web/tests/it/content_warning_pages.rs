//! A local author's content warning on the web: the new-discussion, reply and edit forms
//! take it; the thread shows the post behind it; too long comes back with the field's error.

use crate::common;

use axum::http::StatusCode;
use common::*;

/// The post's text sits inside a closed `<details>` whose summary is `warning`.
#[track_caller]
fn behind(body: &str, warning: &str, text: &str) {
    let summary = format!("<span class=\"cw-label\">Content warning:</span> {warning}</summary>");
    let at = body.find(&summary).unwrap_or_else(|| panic!("no warning {warning:?} in {body}"));
    let details = body[..at].rfind("<details class=\"content-warning\">").expect("inside a <details>");
    let end = body[at..].find("</details>").map(|i| i + at).expect("closed");
    assert!(body[details..end].contains(text), "{text:?} is behind the warning: {}", &body[details..end]);
}

#[tokio::test]
async fn forms_take_a_warning_and_the_thread_shows_the_post_behind_it() {
    let site = site().await;
    let ada = site.sign_in("ada").await;
    // The form offers the field, labelled, with its hint.
    let (res, body) = site.get("/communities/ux-design/new", Some(&ada.cookie)).await;
    assert_page(&res, &body);
    assert!(body.contains("<label for=\"content_warning\">Content warning (optional)</label>"), "{body}");
    assert!(body.contains("aria-describedby=\"content_warning-hint \""), "{body}");
    let (res, _) = site
        .submit(&ada, "/communities/ux-design/new", "title=Finale&body=The+butler+did+it&content_warning=Spoilers")
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    let id: i64 = to.trim_start_matches("/discussions/").split('?').next().unwrap().parse().unwrap();
    let (res, body) = site.get(&format!("/discussions/{id}"), None).await;
    assert_page(&res, &body);
    behind(&body, "Spoilers", "The butler did it");

    // A reply with its own warning, and one without.
    let (res, _) =
        site.submit(&ada, &format!("/discussions/{id}/reply"), "body=Quiet+reply&content_warning=Mild+peril").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let reply: i64 = location(&res).rsplit('-').next().unwrap().parse().unwrap();
    let (_, body) = site.get(&format!("/discussions/{id}"), None).await;
    behind(&body, "Mild peril", "Quiet reply");

    // The edit pages show the current warning; an edit changes it, an empty one clears it.
    let (res, body) = site.get(&format!("/discussions/{id}/edit"), Some(&ada.cookie)).await;
    assert_page(&res, &body);
    assert!(body.contains("name=\"content_warning\" type=\"text\" value=\"Spoilers\""), "{body}");
    let (res, _) = site
        .submit(&ada, &format!("/discussions/{id}/edit"), "title=Finale&body=The+butler+did+it&content_warning=")
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, body) = site.get(&format!("/discussions/{id}"), None).await;
    assert!(!body.contains(">Spoilers</summary>") && body.contains("The butler did it"), "cleared");
    let (res, body) = site.get(&format!("/replies/{reply}/edit"), Some(&ada.cookie)).await;
    assert_page(&res, &body);
    assert!(body.contains("value=\"Mild peril\""), "{body}");
    let (res, _) =
        site.submit(&ada, &format!("/replies/{reply}/edit"), "body=Quiet+reply&content_warning=Loud+noises").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, body) = site.get(&format!("/discussions/{id}"), None).await;
    behind(&body, "Loud noises", "Quiet reply");
    // French labels.
    let cookie = format!("{}; guildhall_lang=fr", ada.cookie);
    let (_, body) = site.get("/communities/ux-design/new", Some(&cookie)).await;
    assert!(body.contains("Avertissement de contenu (facultatif)"), "{body}");
}

#[tokio::test]
async fn a_warning_too_long_comes_back_with_its_error_and_the_values() {
    let site = site().await;
    let ada = site.sign_in("ada").await;
    let long = "w".repeat(1_001);
    let (res, body) = site
        .submit(&ada, "/communities/ux-design/new", &format!("title=Kept&body=Also+kept&content_warning={long}"))
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#content_warning\""), "the summary links the field: {body}");
    assert!(body.contains("value=\"Kept\"") && body.contains("Also kept") && body.contains(&long), "values kept");
    let id = site.start_discussion("ada", "Topic").await;
    let (res, body) =
        site.submit(&ada, &format!("/discussions/{id}/reply"), &format!("body=hello&content_warning={long}")).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#content_warning\"") && body.contains(&long), "{body}");
    // Nothing was posted.
    let (_, body) = site.get(&format!("/discussions/{id}"), None).await;
    assert!(!body.contains("hello"));
}
