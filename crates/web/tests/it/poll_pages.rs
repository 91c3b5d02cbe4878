//! Polls inside discussions: the optional poll fields on the new-discussion form, voting with
//! radio buttons or checkboxes, results, hidden results and the closed state.

use crate::common;

use axum::http::StatusCode;
use common::*;
use guildhall_app::polls::PollInput;
use guildhall_domain::poll::PollKind;

fn id_of(to: &str) -> i64 {
    to.trim_start_matches("/discussions/").split(['?', '#']).next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_new_discussion_can_carry_a_poll_and_members_vote() {
    let site = site().await;
    let ada = site.sign_in("ada").await;
    let (_, body) = site.get("/communities/ux-design/new", Some(&ada.cookie)).await;
    assert!(body.contains("id=\"poll_options\"") && body.contains("id=\"poll_kind-multiple\""));
    // One option is not a poll.
    let (res, body) =
        site.submit(&ada, "/communities/ux-design/new", "title=Lunch&body=Where%3F&poll_options=Only+one").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_page(&res, &body);
    assert!(body.contains("href=\"#poll_options\"") && body.contains("Give 2 to 20 options"));
    assert!(body.contains("Only one"), "what was typed stays");
    let (res, body) = site
        .submit(
            &ada,
            "/communities/ux-design/new",
            "title=Lunch&body=Where%3F&poll_options=A%0D%0AB&poll_closes_at=soon",
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#poll_closes_at\""));
    let (res, _) = site
        .submit(
            &ada,
            "/communities/ux-design/new",
            "title=Lunch&body=Where%3F&poll_kind=single&poll_options=Thai%0D%0APizza%0D%0A%0D%0ASalad",
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = id_of(&location(&res));
    site.account("bob", false).await;
    site.join("bob").await;
    let bob = site.sign_in("bob").await;
    let (res, body) = site.get(&format!("/discussions/{id}"), Some(&bob.cookie)).await;
    assert_page(&res, &body);
    assert!(body.contains("id=\"poll\"") && body.contains("type=\"radio\" value=\"2\"") && body.contains("Salad"));
    // No choice: an error on the poll.
    let (res, body) = site.submit(&bob, &format!("/discussions/{id}/poll"), "").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#poll-option-0\"") && body.contains("Choose an option"));
    let (res, _) = site.submit(&bob, &format!("/discussions/{id}/poll"), "choice=1").await;
    assert_redirect(&res, &format!("/discussions/{id}?done=voted#poll"));
    let (_, body) = site.get(&format!("/discussions/{id}"), Some(&bob.cookie)).await;
    assert!(body.contains("value=\"1\" checked") && body.contains("Change my vote"));
    assert!(body.contains("1 person voted") && body.contains("1 vote, 100%"));
    // A re-vote replaces the earlier one.
    let (res, _) = site.submit(&bob, &format!("/discussions/{id}/poll"), "choice=0").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, body) = site.get(&format!("/discussions/{id}"), None).await;
    assert!(body.contains("Thai – 1 vote (100%)") && body.contains("Pizza – 0 votes (0%)"), "{body}");
    assert!(!body.contains("action=\"/discussions/{id}/poll\""), "signed out: results, no form");
    // Outsiders cannot vote.
    site.account("eve", false).await;
    let eve = site.sign_in("eve").await;
    let (_, body) = site.get(&format!("/discussions/{id}"), Some(&eve.cookie)).await;
    assert!(!body.contains(&format!("action=\"/discussions/{id}/poll\"")));
    let (res, _) = site.submit(&eve, &format!("/discussions/{id}/poll"), "choice=0").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn multiple_choice_hidden_results_and_french() {
    let site = site().await;
    let ada = site.viewer("ada").await;
    let poll = PollInput {
        kind: PollKind::Multiple,
        options: vec!["Mon".into(), "Tue".into(), "Wed".into()],
        closes_at: Some(chrono::Utc::now() + chrono::Duration::days(2)),
        hide_results: true,
    };
    let d = guildhall_app::discussions::create_with_poll(
        &site.ctx,
        &ada,
        "ux-design",
        "Meetup day",
        "Pick",
        Some(poll),
        Default::default(),
    )
    .await
    .unwrap();
    let s = site.sign_in("ada").await;
    let (_, body) = site.get(&format!("/discussions/{}", d.id), Some(&s.cookie)).await;
    assert!(body.contains("type=\"checkbox\" value=\"2\"") && body.contains("Results are shown when the poll closes."));
    let (res, _) = site.submit(&s, &format!("/discussions/{}/poll", d.id), "choice=0&choice=2").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, body) = site.get(&format!("/discussions/{}", d.id), Some(&s.cookie)).await;
    assert!(body.contains("value=\"0\" checked") && body.contains("value=\"2\" checked"));
    assert!(!body.contains("1 vote"), "counts stay hidden");
    // Signed out, in French: the poll and its results, no vote form.
    let d2 = guildhall_app::discussions::create_with_poll(
        &site.ctx,
        &ada,
        "ux-design",
        "Old poll",
        "x",
        Some(PollInput {
            kind: PollKind::Single,
            options: vec!["Oui".into(), "Non".into()],
            closes_at: None,
            hide_results: false,
        }),
        Default::default(),
    )
    .await
    .unwrap();
    guildhall_app::discussions::set_flag(&site.ctx, &ada, d2.id, guildhall_app::discussions::Flag::Locked, true)
        .await
        .unwrap();
    let (res, body) = site.get_with(&format!("/discussions/{}", d2.id), &[("accept-language", "fr")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        body.contains("Sondage")
            && body.contains("Un seul choix")
            && body.contains("Oui – 0 vote (0 %)")
            && body.contains("0 personne a voté"),
        "{body}"
    );
    assert!(!body.contains("/poll\""));
}
