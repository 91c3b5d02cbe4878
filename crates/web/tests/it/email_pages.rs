//! `/account/email`: the email settings form (linked from the account page), saved with the
//! form's token, bad times refused naming the field, and the "email is off" notice; the
//! unsubscribe page's GET shows a button and changes nothing, a bad link is a 400 page.

use crate::common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn the_email_settings_page_saves_refuses_bad_times_and_says_email_is_off() {
    let site = site().await;
    site.account("bea", false).await;
    let s = site.sign_in("bea").await;
    let (_, account) = site.get("/account", Some(&s.cookie)).await;
    assert!(account.contains("href=\"/account/email\""), "one link from the account page");
    let (res, body) = site.get("/account/email", Some(&s.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("Email is off on this server"), "{body}");
    assert!(body.contains("<legend>How to send</legend>") && body.contains("<label for=\"kind-reply\">"));
    assert!(body.contains("id=\"mode-immediate\" name=\"mode\" value=\"immediate\" checked"), "{body}");
    assert!(body.contains("id=\"kind-reply\" name=\"kind\" value=\"reply\" checked"));
    assert!(!body.contains("value=\"favourite\" checked"), "upvotes off by default");

    let (res, _) = site.post("/account/email", Some(&s.cookie), "mode=daily&csrf_token=wrong").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (res, body) =
        site.submit(&s, "/account/email", "mode=daily&kind=reply&quiet_start=25%3A00&quiet_end=07%3A00").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("quiet_start"), "the error names the field: {body}");
    let (res, body) = site
        .submit(&s, "/account/email", "mode=weekly&kind=reply&kind=favourite&quiet_start=22%3A00&quiet_end=07%3A00")
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{body}");
    assert!(body.contains("Your email settings are saved."));
    assert!(body.contains("value=\"weekly\" checked") && body.contains("value=\"favourite\" checked"));
    assert!(!body.contains("value=\"mention\" checked"), "unchecked boxes are off");
    assert!(body.contains("value=\"22:00\""), "{body}");
    let (_, fr) = site.get("/account/email", Some(&format!("{}; guildhall_lang=fr", s.cookie))).await;
    assert!(fr.contains("Notifications par courriel"));

    // Unsubscribe links: a bad one is a 400 page, in GET and POST.
    let (res, body) = site.get("/email/unsubscribe?token=1.forged", None).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("not valid"));
    let (res, _) = site.post("/email/unsubscribe?token=1.forged", None, "List-Unsubscribe=One-Click").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}
