//! Search over what came from another server, as alpha's members see it: beta hosts a public
//! and a private community; alpha's bob is a member of both, alpha's cyd of neither. What beta
//! posts is found on alpha by its words, labelled with beta; the private community's posts
//! only by bob; an edit on beta changes what alpha finds, a deletion removes it.

use std::time::Duration;

use federation_tests::community::{accept_request, join_remote, member};
use federation_tests::{Client, InProcessInstance, StatusCode, Value, expect_status, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(30);

/// Titles and instances of what `client` finds for `q` on its own instance.
async fn found(client: &Client, q: &str) -> Vec<(String, String)> {
    let (status, body) = client.get(&format!("/api/guildhall/v1/search?q={q}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|h| {
            (h["title"].as_str().unwrap_or_default().to_owned(), h["instance"].as_str().unwrap_or_default().to_owned())
        })
        .collect()
}

async fn is_member(client: &Client, handle: &str) {
    poll_until(DEADLINE, &format!("member of {handle}"), || async {
        let (_, c) = client.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
        (c["my_role"] == "member").then_some(())
    })
    .await;
}

async fn post(client: &Client, community: &str, title: &str, body: &str) -> Value {
    expect_status(
        client
            .post(
                &format!("/api/guildhall/v1/communities/{community}/discussions"),
                &json!({"title": title, "body": body}),
            )
            .await,
        StatusCode::CREATED,
        "post",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn what_arrives_from_another_server_is_found_as_reading_allows() {
    let (alpha, beta) = tokio::join!(InProcessInstance::start("alpha"), InProcessInstance::start("beta"));
    let (ada, bob, cyd) = tokio::join!(member(&beta, "ada"), member(&alpha, "bob"), member(&alpha, "cyd"));
    for (name, visibility) in [("forum", "public"), ("cabinet", "private")] {
        expect_status(
            ada.post(
                "/api/guildhall/v1/communities",
                &json!({"name": name, "title": format!("The {name}"), "visibility": visibility}),
            )
            .await,
            StatusCode::CREATED,
            "create",
        );
    }
    let (forum, cabinet) = (format!("forum@{}", beta.domain()), format!("cabinet@{}", beta.domain()));
    join_remote(&bob, &forum).await;
    join_remote(&cyd, &forum).await;
    assert_eq!(join_remote(&bob, &cabinet).await["status"], "requested");
    accept_request(&ada, "cabinet", &format!("bob@{}", alpha.domain())).await;
    for (c, h) in [(&bob, &forum), (&cyd, &forum), (&bob, &cabinet)] {
        is_member(c, h).await;
    }

    let open = post(&ada, "forum", "Procurement playbook", "How we buy cloud services").await;
    post(&ada, "cabinet", "Procurement reserve", "Numbers not for outsiders").await;
    let beta_domain = beta.domain().to_owned();
    let both = poll_until(DEADLINE, "both on alpha for bob", || async {
        let f = found(&bob, "procurement").await;
        (f.len() == 2).then_some(f)
    })
    .await;
    assert!(both.iter().all(|(_, instance)| *instance == beta_domain), "{both:?}");
    // cyd reads the public community only, also when searching.
    assert_eq!(found(&cyd, "procurement").await, vec![("Procurement playbook".to_owned(), beta_domain.clone())]);
    assert!(found(&cyd, "outsiders").await.is_empty());
    // And an anonymous visitor on alpha finds no more than cyd.
    let anon = alpha.client();
    assert_eq!(found(&anon, "procurement").await.len(), 1);

    // beta edits the title: alpha finds the new one, not the old.
    let id = open["id"].as_i64().expect("id");
    expect_status(
        ada.patch(&format!("/api/guildhall/v1/discussions/{id}"), &json!({"title": "Purchasing playbook"})).await,
        StatusCode::OK,
        "edit",
    );
    poll_until(DEADLINE, "the edit on alpha", || async { (found(&cyd, "purchasing").await.len() == 1).then_some(()) })
        .await;
    assert!(found(&cyd, "procurement").await.is_empty());
    // beta deletes it: gone from alpha's search.
    expect_status(ada.delete(&format!("/api/guildhall/v1/discussions/{id}")).await, StatusCode::NO_CONTENT, "delete");
    poll_until(DEADLINE, "the deletion on alpha", || async {
        found(&cyd, "purchasing").await.is_empty().then_some(())
    })
    .await;
}
