//! The wiki: list, creating with a preview step, a page with `[[links]]`, editing, the edit
//! conflict, history, diff, restore, lock, and private wikis.

use crate::common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn create_preview_edit_history_diff_restore_and_lock() {
    let site = site().await;
    let ada = site.sign_in("ada").await;
    let (res, body) = site.get("/communities/ux-design/wiki", Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("No pages yet.") && body.contains("/communities/ux-design/wiki/new"));
    let (res, body) = site.get("/communities/ux-design/wiki/new", Some(&ada.cookie)).await;
    assert_page(&res, &body);
    // Preview: the rendered text, nothing saved.
    let form = "title=Style+guide&body=Use+**plain**+words.+See+%5B%5BForms%5D%5D.&summary=First";
    let (res, body) = site.submit(&ada, "/communities/ux-design/wiki/new", &format!("{form}&preview=1")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("id=\"preview-heading\"") && body.contains("<strong>plain</strong>"));
    assert!(body.contains("/communities/ux-design/wiki/forms?missing=1"), "{body}");
    let (_, list) = site.get("/communities/ux-design/wiki", Some(&ada.cookie)).await;
    assert!(list.contains("No pages yet."), "a preview saves nothing");
    let (res, _) = site.submit(&ada, "/communities/ux-design/wiki/new", form).await;
    assert_redirect(&res, "/communities/ux-design/wiki/style-guide?done=saved");
    let (res, body) = site.get("/communities/ux-design/wiki/style-guide", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("Style guide") && body.contains("Revision 1") && body.contains("<strong>plain</strong>"));
    assert!(!body.contains("/style-guide/edit"), "signed out: no edit link");
    // Edit as a member, then a stale edit is refused and keeps the text.
    site.account("bob", false).await;
    site.join("bob").await;
    let bob = site.sign_in("bob").await;
    let (res, body) = site.get("/communities/ux-design/wiki/style-guide/edit", Some(&bob.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("name=\"base_revision\" value=\"1\""));
    let edit = "base_revision=1&title=Style+guide&body=Use+**plain**+words.%0ANo+jargon.&summary=Jargon";
    let (res, _) = site.submit(&bob, "/communities/ux-design/wiki/style-guide/edit", edit).await;
    assert_redirect(&res, "/communities/ux-design/wiki/style-guide?done=saved");
    let stale = "base_revision=1&title=Style+guide&body=My+lost+words&summary=";
    let (res, body) = site.submit(&ada, "/communities/ux-design/wiki/style-guide/edit", stale).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("Someone else saved this page") && body.contains("My lost words"));
    assert!(body.contains("name=\"base_revision\" value=\"2\""));
    // History, diff, restore.
    let (res, body) = site.get("/communities/ux-design/wiki/style-guide/history", Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("Jargon") && body.contains("diff?from=1&amp;to=2"));
    let (res, body) = site.get("/communities/ux-design/wiki/style-guide/diff?from=1&to=2", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("<ins class=\"diff-line\">") && body.contains("No jargon."));
    let (res, _) = site.submit(&ada, "/communities/ux-design/wiki/style-guide/restore", "value=1").await;
    assert_redirect(&res, "/communities/ux-design/wiki/style-guide?done=saved");
    let (_, body) = site.get("/communities/ux-design/wiki/style-guide", None).await;
    assert!(body.contains("Revision 3") && !body.contains("No jargon."));
    // Lock: moderators only; members can no longer edit.
    let (res, _) = site.submit(&bob, "/communities/ux-design/wiki/style-guide/lock", "value=lock").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (res, _) = site.submit(&ada, "/communities/ux-design/wiki/style-guide/lock", "value=lock").await;
    assert_redirect(&res, "/communities/ux-design/wiki/style-guide?done=locked");
    let (_, body) = site.get("/communities/ux-design/wiki/style-guide", Some(&bob.cookie)).await;
    assert!(body.contains("Locked") && !body.contains("/style-guide/edit"));
    let (res, _) = site.get("/communities/ux-design/wiki/style-guide/edit", Some(&bob.cookie)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn private_wikis_are_not_found_for_outsiders() {
    let site = site().await;
    let ada = site.viewer("ada").await;
    let new = guildhall_app::communities::NewCommunity {
        name: "vault".into(),
        title: "Vault".into(),
        visibility: Some(guildhall_domain::Visibility::Private),
        ..Default::default()
    };
    guildhall_app::communities::create(&site.ctx, &ada, new).await.unwrap();
    guildhall_app::wiki::create(&site.ctx, &ada, "vault", "Secret plans", "Hidden text", None).await.unwrap();
    site.account("eve", false).await;
    let eve = site.sign_in("eve").await;
    for cookie in [None, Some(eve.cookie.as_str())] {
        for path in [
            "/communities/vault/wiki",
            "/communities/vault/wiki/secret-plans",
            "/communities/vault/wiki/secret-plans/history",
            "/communities/vault/wiki/secret-plans/diff?from=1&to=1",
        ] {
            let (res, body) = site.get(path, cookie).await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path} for {cookie:?}");
            assert!(!body.contains("Secret plans") && !body.contains("Hidden text"), "{path}");
        }
    }
    let a = site.sign_in("ada").await;
    let (res, body) = site.get("/communities/vault/wiki/secret-plans", Some(&a.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body.contains("Hidden text"));
}
