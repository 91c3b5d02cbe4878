//! Three instances start and serve their own data: a community is not visible on another
//! instance until someone there looks it up and joins, and data survives a restart.

use federation_tests::{Instance, StatusCode, expect_error_body, expect_status, id_of, json};

#[tokio::test(flavor = "multi_thread")]
async fn independent_instances_start_serve_and_survive_a_restart() {
    let (mut alpha, beta, gamma) =
        tokio::join!(Instance::start("alpha"), Instance::start("beta"), Instance::start("gamma"),);

    for instance in [&alpha, &beta, &gamma] {
        let body = expect_status(
            instance.client().get("/health").await,
            StatusCode::OK,
            &format!("GET /health on {}", instance.name()),
        );
        assert_eq!(body["status"], "ok", "health of {}: {body}", instance.name());
    }

    // The administrator opens registration on alpha.
    let admin = alpha.admin_client().await;
    expect_status(
        admin.patch("/api/guildhall/v1/admin/settings", &json!({"registration_mode": "open"})).await,
        StatusCode::OK,
        "open registration on alpha",
    );

    // Ada registers, signs in, creates a community and starts a discussion.
    let mut ada = alpha.client();
    let account = expect_status(
        ada.register("ada", "ada@alpha.test", "correct horse battery").await,
        StatusCode::CREATED,
        "register ada on alpha",
    );
    assert_eq!(account["status"], "active", "new account: {account}");
    ada.login("ada", "correct horse battery").await;

    let community = json!({
        "name": "ux-design",
        "title": "UX Design",
        "description": "Designers across departments",
        "visibility": "public",
    });
    expect_status(
        ada.post("/api/guildhall/v1/communities", &community).await,
        StatusCode::CREATED,
        "create ux-design on alpha",
    );

    let discussion = expect_status(
        ada.post(
            "/api/guildhall/v1/communities/ux-design/discussions",
            &json!({"title": "Hello", "body": "First **post**"}),
        )
        .await,
        StatusCode::CREATED,
        "start a discussion in ux-design",
    );
    let discussion_id = id_of(&discussion["id"]);
    let body_html =
        discussion["body_html"].as_str().unwrap_or_else(|| panic!("discussion without body_html: {discussion}"));
    assert!(body_html.contains("<strong>post</strong>"), "markdown not rendered: {body_html}");

    // The community exists on alpha only.
    let found = expect_status(
        alpha.client().get("/api/guildhall/v1/communities/ux-design").await,
        StatusCode::OK,
        "GET ux-design on alpha",
    );
    assert_eq!(found["name"], "ux-design", "community on alpha: {found}");
    let missing = expect_status(
        beta.client().get("/api/guildhall/v1/communities/ux-design").await,
        StatusCode::NOT_FOUND,
        "GET ux-design on beta",
    );
    expect_error_body(&missing);

    // Everything survives a restart of alpha.
    alpha.restart().await;
    // `restart` returns once `/ready` answers, so no waiting is needed here.
    let reloaded = expect_status(
        alpha.client().get(&format!("/api/guildhall/v1/discussions/{discussion_id}")).await,
        StatusCode::OK,
        "GET the discussion after restarting alpha",
    );
    assert_eq!(reloaded["title"], "Hello", "discussion after restart: {reloaded}");
    assert_eq!(id_of(&reloaded["id"]), discussion_id);

    // Accounts survive too: ada can still sign in.
    alpha.client().login("ada", "correct horse battery").await;
}
