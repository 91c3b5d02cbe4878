//! Following group accounts joins communities; follow requests are join requests.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::mastodon::instance;
use crate::viewers::{group_id, person_id, vault};

#[tokio::test]
async fn following_a_public_community_joins_it_and_unfollowing_leaves() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let bob = app.user("bob").await;
    let id = group_id(&app, "open").await;

    let r = app.post(&format!("/api/v1/accounts/{id}/follow"), Some(&bob), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["id"], id);
    assert_eq!(r.body["following"], true);
    assert_eq!(r.body["requested"], false);
    let me = app.get("/api/guildhall/v1/communities/open", Some(&bob)).await;
    assert_eq!(me.body["my_role"], "member", "{}", me.body);

    // Following again changes nothing and answers the same relationship.
    let again = app.post(&format!("/api/v1/accounts/{id}/follow"), Some(&bob), json!({})).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.body["following"], true);

    let r = app.post(&format!("/api/v1/accounts/{id}/unfollow"), Some(&bob), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["following"], false);
    let me = app.get("/api/guildhall/v1/communities/open", Some(&bob)).await;
    assert_eq!(me.body["my_role"], "non_member", "{}", me.body);
    // Unfollowing what one does not follow is not an error.
    let r = app.post(&format!("/api/v1/accounts/{id}/unfollow"), Some(&bob), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn following_a_community_with_a_charter_accepts_it_and_approval_answers_requested() {
    let app = instance().await;
    let ada = app.user("ada").await;
    let r = app
        .post(
            "/api/guildhall/v1/communities",
            Some(&ada),
            json!({"name": "club", "title": "Club", "visibility": "approval", "charter": "Be kind."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let bob = app.user("bob").await;
    let id = group_id(&app, "club").await;
    let acct = app.get(&format!("/api/v1/accounts/{id}/follow"), Some(&bob)).await;
    assert_ne!(acct.status, StatusCode::OK, "follow is POST only");

    let r = app.post(&format!("/api/v1/accounts/{id}/follow"), Some(&bob), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["following"], false);
    assert_eq!(r.body["requested"], true);

    // The moderator sees bob among follow requests, as an account, and authorizes him.
    let bob_id = person_id(&app, "bob").await;
    let reqs = app.get("/api/v1/follow_requests", Some(&ada)).await;
    assert_eq!(reqs.status, StatusCode::OK, "{}", reqs.body);
    let ids: Vec<&Value> = reqs.body.as_array().expect("list").iter().map(|a| &a["id"]).collect();
    assert_eq!(ids, [&json!(bob_id)]);
    assert_eq!(reqs.body[0]["acct"], "bob");
    // Bob moderates nothing: he has no requests to see or decide.
    assert_eq!(app.get("/api/v1/follow_requests", Some(&bob)).await.body, json!([]));
    let r = app.post(&format!("/api/v1/follow_requests/{bob_id}/authorize"), Some(&bob), json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    let r = app.post(&format!("/api/v1/follow_requests/{bob_id}/authorize"), Some(&ada), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["followed_by"], true);
    let rel = app.get(&format!("/api/v1/accounts/relationships?id[]={id}"), Some(&bob)).await;
    assert_eq!(rel.body[0]["following"], true, "{}", rel.body);
    let charter = app.get("/api/guildhall/v1/communities/club/members", Some(&ada)).await;
    assert_eq!(charter.status, StatusCode::OK);
    // Nothing is left to decide.
    assert_eq!(app.get("/api/v1/follow_requests", Some(&ada)).await.body, json!([]));
    let r = app.post(&format!("/api/v1/follow_requests/{bob_id}/reject"), Some(&ada), json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

#[tokio::test]
async fn rejecting_a_follow_request_removes_it() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "club", "approval").await;
    let bob = app.user("bob").await;
    let id = group_id(&app, "club").await;
    app.post(&format!("/api/v1/accounts/{id}/follow"), Some(&bob), json!({})).await;
    let bob_id = person_id(&app, "bob").await;
    let r = app.post(&format!("/api/v1/follow_requests/{bob_id}/reject"), Some(&ada), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["followed_by"], false);
    let rel = app.get(&format!("/api/v1/accounts/relationships?id[]={id}"), Some(&bob)).await;
    assert_eq!((rel.body[0]["following"].clone(), rel.body[0]["requested"].clone()), (json!(false), json!(false)));
}

#[tokio::test]
async fn people_cannot_be_followed_and_junk_ids_are_404() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.user("bob").await;
    let bob_id = person_id(&app, "bob").await;
    let r = app.post(&format!("/api/v1/accounts/{bob_id}/follow"), Some(&ada), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body["error"].as_str().unwrap_or("").contains("no following of people"), "{}", r.body);
    for bad in ["abc", "0", "3", "999996"] {
        let r = app.post(&format!("/api/v1/accounts/{bad}/follow"), Some(&ada), json!({})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bad}: {}", r.body);
    }
    // No token: 401.
    let r = app.post(&format!("/api/v1/accounts/{bob_id}/follow"), None, json!({})).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app.get("/api/v1/follow_requests", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn relationships_answer_each_known_id_and_skip_unknown_ones() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    app.user("bob").await;
    let (open, bob) = (group_id(&app, "open").await, person_id(&app, "bob").await);
    let r = app
        .get(&format!("/api/v1/accounts/relationships?id[]={open}&id[]=nope&id[]=999996&id[]={bob}"), Some(&ada))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let list = r.body.as_array().expect("list");
    assert_eq!(list.len(), 2, "{}", r.body);
    assert_eq!(list[0]["id"], open);
    assert_eq!(list[0]["following"], true, "the moderator is a member");
    assert_eq!(list[1]["id"], bob);
    assert_eq!(list[1]["following"], false);
    // A single `id=` works too.
    let r = app.get(&format!("/api/v1/accounts/relationships?id={open}"), Some(&ada)).await;
    assert_eq!(r.body.as_array().map(Vec::len), Some(1), "{}", r.body);
    assert_eq!(app.get("/api/v1/accounts/relationships", None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn relationships_with_a_private_community_tell_each_viewer_only_their_own_standing() {
    let app = instance().await;
    let v = vault(&app).await;
    crate::viewers::ban(&app, &v).await;
    let id = group_id(&app, "vault").await;
    let path = format!("/api/v1/accounts/relationships?id[]={id}");
    for (who, token, following, requested) in [
        ("member", &v.member, true, false),
        ("moderator", &v.moderator, true, false),
        ("pending", &v.pending, false, true),
        ("banned", &v.banned, false, false),
        ("outsider", &v.outsider, false, false),
    ] {
        let r = app.get(&path, Some(token)).await;
        assert_eq!(r.status, StatusCode::OK, "{who}: {}", r.body);
        let rel = r.body.as_array().and_then(|l| l.first()).cloned().unwrap_or(Value::Null);
        assert_eq!(rel["following"], following, "{who}: {}", r.body);
        assert_eq!(rel["requested"], requested, "{who}: {}", r.body);
        // A relationship carries nothing but the viewer's own standing.
        let keys: Vec<&String> = rel.as_object().map(|o| o.keys().collect()).unwrap_or_default();
        assert!(keys.iter().all(|k| !k.contains("member")), "{who}: {keys:?}");
    }
    // A banned member cannot follow back in, nor can an outsider skip the queue.
    let r = app.post(&format!("/api/v1/accounts/{id}/follow"), Some(&v.banned), json!({})).await;
    assert!(r.status.is_client_error(), "banned: {} {}", r.status, r.body);
    let r = app.post(&format!("/api/v1/accounts/{id}/follow"), Some(&v.outsider), json!({})).await;
    assert_eq!(r.body["following"], false, "{}", r.body);
    assert_eq!(r.body["requested"], true, "{}", r.body);
}

#[tokio::test]
async fn following_a_remote_community_asks_its_server() {
    let app = crate::mastodon::federated().await;
    let ada = app.user("ada").await;
    let remote = app.remote_group("faraway", "remote.example", &ada).await;
    let id = guildhall_mastodon::ids::AccountId::Group(remote.id).to_string();
    let bob = app.user("bob").await;
    let r = app.post(&format!("/api/v1/accounts/{id}/follow"), Some(&bob), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.body["following"].clone(), r.body["requested"].clone()), (json!(false), json!(true)), "{}", r.body);
    // Withdrawn by unfollowing.
    let r = app.post(&format!("/api/v1/accounts/{id}/unfollow"), Some(&bob), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["requested"], false, "{}", r.body);
}

#[tokio::test]
async fn following_accepts_a_public_communitys_charter() {
    let app = instance().await;
    let ada = app.user("ada").await;
    let r = app
        .post(
            "/api/guildhall/v1/communities",
            Some(&ada),
            json!({"name": "rules", "title": "Rules", "visibility": "public", "charter": "Be kind."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let bob = app.user("bob").await;
    // Joining without accepting the charter is refused; following accepts it.
    let r = app.post("/api/guildhall/v1/communities/rules/join", Some(&bob), json!({"accept_charter": false})).await;
    assert!(r.status.is_client_error(), "{} {}", r.status, r.body);
    let id = group_id(&app, "rules").await;
    let r = app.post(&format!("/api/v1/accounts/{id}/follow"), Some(&bob), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["following"], true, "{}", r.body);
    // The group account links the charter it accepted.
    let c = guildhall_app::communities::get(&app.ctx, None, "rules").await.expect("community");
    let group = guildhall_mastodon::render::group(&app.ctx, &c, None);
    assert_eq!(group.fields.first().map(|f| f.name.as_str()), Some("Charter"));
}
