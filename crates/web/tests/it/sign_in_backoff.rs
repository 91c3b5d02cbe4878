//! Password guessing through the sign-in form: after five wrong passwords the account waits
//! (429 with `Retry-After`, the same answer for the right password), a browser that signed in
//! before still gets in, and the wait ends. The rules are in `guildhall_domain::sign_in_backoff`.

use crate::common::{self, PASSWORD, set_cookie};

use axum::http::{Response, StatusCode, header};

/// Posts the sign-in form for `ada` with `password`, with extra cookies (`k=v; ...`).
async fn attempt(site: &common::Site, password: &str, cookies: &str) -> (Response<()>, String) {
    let csrf = site.csrf().await;
    let form = format!("username=ada&password={}&csrf_token={csrf}", password.replace(' ', "+"));
    let jar =
        if cookies.is_empty() { format!("guildhall_csrf={csrf}") } else { format!("guildhall_csrf={csrf}; {cookies}") };
    site.post("/login", Some(&jar), &form).await
}

fn retry_after(res: &Response<()>) -> u64 {
    res.headers()
        .get(header::RETRY_AFTER)
        .unwrap_or_else(|| panic!("no Retry-After on {}", res.status()))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn guessing_waits_but_a_known_browser_gets_in_and_the_wait_ends() {
    let site = common::site().await;
    // Ada's own browser signed in before and keeps the device cookie.
    let (res, _) = attempt(&site, PASSWORD, "").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let device = set_cookie(&res, "guildhall_device").expect("device cookie");
    assert!(device.contains("HttpOnly") && device.contains("Max-Age=31536000"), "{device}");
    let device = device.split(';').next().unwrap().to_owned();

    for i in 1..=5 {
        let (res, _) = attempt(&site, "wrong guess", "").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "guess {i} is just wrong");
        assert!(res.headers().get(header::RETRY_AFTER).is_none());
    }
    let (res, body) = attempt(&site, "wrong guess", "").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "the sixth attempt waits");
    assert_eq!(retry_after(&res), 30);
    assert!(body.contains("Too many wrong passwords"), "{body}");
    // The right password from an unknown browser gets the very same answer: no oracle.
    let (right, right_body) = attempt(&site, PASSWORD, "").await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(set_cookie(&right, "guildhall_session").is_none());
    assert!(right_body.contains("Too many wrong passwords"), "{right_body}");
    // In French too.
    let (res, body) = attempt(&site, PASSWORD, "guildhall_lang=fr").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("Trop de mots de passe erronés"), "{body}");

    // Ada's own browser is not held back by the guesses.
    let (res, _) = attempt(&site, PASSWORD, &device).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "a known browser signs in during the wait");
    assert!(set_cookie(&res, "guildhall_session").is_some());
    // A forged device cookie is just unknown.
    let (res, _) = attempt(&site, PASSWORD, "guildhall_device=1.1.AAAA").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);

    // Once the wait has passed (on the guard's clock), anyone with the password gets in.
    site.ctx.sign_in_guard().skip_ahead(chrono::Duration::seconds(retry_after(&res) as i64));
    let (res, _) = attempt(&site, PASSWORD, "").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "after the wait anyone with the password gets in");
}
