//! A public community on a test instance, and REST look-ups used by the inbound tests.

use serde_json::{Value, json};

use crate::{Client, Endpoint, StatusCode, expect_status, id_of};

/// Password of every account the scenarios register.
pub const PASSWORD: &str = "correct horse battery";

/// Opens registration on `instance`, registers `name` and returns the signed-in client.
pub async fn member(instance: &Endpoint, name: &str) -> Client {
    let admin = instance.admin_client().await;
    expect_status(
        admin.patch("/api/guildhall/v1/admin/settings", &json!({"registration_mode": "open"})).await,
        StatusCode::OK,
        "open registration",
    );
    let mut client = instance.client();
    expect_status(
        client.register(name, &format!("{name}@{}.test", instance.name()), PASSWORD).await,
        StatusCode::CREATED,
        "register",
    );
    client.login(name, PASSWORD).await;
    client
}

/// Looks up a community on another instance (`name@domain`) and asks to join it; returns the
/// join answer (`joined` never happens for remote communities: `requested` until accepted).
pub async fn join_remote(client: &Client, handle: &str) -> Value {
    let found = expect_status(
        client.post("/api/guildhall/v1/federation/resolve", &json!({"query": handle})).await,
        StatusCode::OK,
        "resolve",
    );
    assert_eq!(found["handle"], handle, "{found}");
    expect_status(
        client.post(&format!("/api/guildhall/v1/communities/{handle}/join"), &json!({"accept_charter": true})).await,
        StatusCode::OK,
        "join",
    )
}

/// Waits (up to 30 s) for `handle`'s join request to reach `community`, then accepts it as
/// `moderator`.
pub async fn accept_request(moderator: &Client, community: &str, handle: &str) {
    crate::poll_until(std::time::Duration::from_secs(30), &format!("{handle}'s request"), || async {
        let (_, r) = moderator.get(&format!("/api/guildhall/v1/communities/{community}/join-requests")).await;
        r["items"].as_array()?.iter().any(|x| x["username"] == handle).then_some(())
    })
    .await;
    expect_status(
        moderator
            .post(&format!("/api/guildhall/v1/communities/{community}/join-requests/{handle}/accept"), &json!({}))
            .await,
        StatusCode::NO_CONTENT,
        "accept",
    );
}

/// A public community with one local discussion, run by a registered (non-admin) user.
#[derive(Debug)]
pub struct LocalCommunity {
    /// The owner, signed in.
    pub owner: Client,
    /// Owner's username.
    pub owner_name: String,
    /// Owner's actor URL (`http://localhost:PORT/u/{owner}`).
    pub owner_url: String,
    /// Community name.
    pub name: String,
    /// Community actor URL (`http://localhost:PORT/c/{name}`).
    pub url: String,
    /// The community's inbox.
    pub inbox: String,
    /// The instance's shared inbox.
    pub shared_inbox: String,
    /// Id of the local discussion (for `/api/guildhall/v1/discussions/{id}`).
    pub discussion_id: String,
    /// ActivityPub URL of the local discussion (`/d/{id}`).
    pub discussion_url: String,
    /// Title of the local discussion.
    pub discussion_title: String,
}

impl LocalCommunity {
    /// Opens registration, registers `owner`, creates public community `name` and starts one
    /// discussion in it.
    pub async fn create(instance: &Endpoint, owner: &str, name: &str) -> LocalCommunity {
        let admin = instance.admin_client().await;
        expect_status(
            admin.patch("/api/guildhall/v1/admin/settings", &json!({"registration_mode": "open"})).await,
            StatusCode::OK,
            "open registration",
        );
        let mut client = instance.client();
        expect_status(
            client.register(owner, &format!("{owner}@{}.test", instance.name()), "correct horse battery").await,
            StatusCode::CREATED,
            "register the community owner",
        );
        client.login(owner, "correct horse battery").await;
        expect_status(
            client
                .post(
                    "/api/guildhall/v1/communities",
                    &json!({"name": name, "title": format!("{name} community"), "visibility": "public"}),
                )
                .await,
            StatusCode::CREATED,
            "create community",
        );
        let title = "Welcome to the lounge".to_owned();
        let started = expect_status(
            client
                .post(
                    &format!("/api/guildhall/v1/communities/{name}/discussions"),
                    &json!({"title": title, "body": "Say **hello**."}),
                )
                .await,
            StatusCode::CREATED,
            "start the local discussion",
        );
        let discussion_id = id_of(&started["id"]);
        let base = format!("http://{}", instance.domain());
        LocalCommunity {
            owner: client,
            owner_name: owner.to_owned(),
            owner_url: format!("{base}/u/{owner}"),
            name: name.to_owned(),
            url: format!("{base}/c/{name}"),
            inbox: format!("{base}/c/{name}/inbox"),
            shared_inbox: format!("{base}/inbox"),
            discussion_url: format!("{base}/d/{discussion_id}"),
            discussion_id,
            discussion_title: title,
        }
    }

    /// The community's discussions (`GET /api/guildhall/v1/communities/{name}/discussions`).
    pub async fn discussions(&self) -> Vec<Value> {
        let body = expect_status(
            self.owner.get(&format!("/api/guildhall/v1/communities/{}/discussions", self.name)).await,
            StatusCode::OK,
            "list discussions",
        );
        body["items"].as_array().cloned().unwrap_or_default()
    }

    /// The first discussion whose title contains `needle`.
    pub async fn discussion_titled(&self, needle: &str) -> Option<Value> {
        self.discussions().await.into_iter().find(|d| d["title"].as_str().is_some_and(|t| t.contains(needle)))
    }

    /// The replies in discussion `id`.
    pub async fn replies(&self, id: &str) -> Vec<Value> {
        let body = expect_status(
            self.owner.get(&format!("/api/guildhall/v1/discussions/{id}/replies")).await,
            StatusCode::OK,
            "list replies",
        );
        body["items"].as_array().cloned().unwrap_or_default()
    }

    /// Usernames of the members (`name` for local ones, `name@host:port` for remote ones).
    pub async fn members(&self) -> Vec<String> {
        let body = expect_status(
            self.owner.get(&format!("/api/guildhall/v1/communities/{}/members", self.name)).await,
            StatusCode::OK,
            "list members",
        );
        body["items"]
            .as_array()
            .map(|a| a.iter().filter_map(|m| m["username"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }
}

/// Panics if `html` still carries active content (scripts, handlers, `javascript:` links,
/// frames, plugins).
#[track_caller]
pub fn assert_sanitised(html: &str) {
    let lower = html.to_ascii_lowercase();
    for bad in ["<script", "onerror", "onclick", "javascript:", "<iframe", "<object", "<embed"] {
        assert!(!lower.contains(bad), "unsanitised HTML ({bad}) in {html}");
    }
}

/// A member on a fake server of some software, following a [`LocalCommunity`] and sending
/// that software's fixtures (`fixtures/<software>/`) with fresh ids.
pub struct FixtureMember {
    /// The member on the fake server.
    pub actor: crate::peer::FakeActor,
    /// The id of the `Follow` that made them a member.
    pub follow_id: String,
    software: crate::peer::Software,
    vars: crate::fixtures::Vars,
    inbox: String,
}

impl FixtureMember {
    /// Adds `name` on `peer`, sends its `follow` fixture to `community` and waits for the Accept.
    pub async fn join(peer: &crate::peer::FakePeer, name: &str, community: &LocalCommunity) -> FixtureMember {
        let actor = peer.add_actor(name);
        let mut vars = crate::fixtures::Vars::new();
        vars.insert("ACTOR", actor.id().to_owned());
        vars.insert("ACTOR_NAME", actor.name().to_owned());
        vars.insert("BASE", peer.base_url());
        vars.insert("COMMUNITY", community.url.clone());
        vars.insert("COMMUNITY_NAME", community.name.clone());
        vars.insert("DISCUSSION", community.discussion_url.clone());
        vars.insert("PEER_HOST", peer.host().to_owned());
        let instance_host = community.url.trim_start_matches("http://").split('/').next().unwrap_or_default();
        vars.insert("INSTANCE_HOST", instance_host.to_owned());
        vars.insert("NOW", "2024-05-02T10:00:00Z".to_owned());
        vars.insert("DISCUSSION_AUTHOR", community.owner_url.clone());
        vars.insert("DISCUSSION_AUTHOR_NAME", community.owner_name.clone());
        let mut member = FixtureMember {
            actor,
            follow_id: String::new(),
            software: peer.software(),
            vars,
            inbox: community.shared_inbox.clone(),
        };
        let follow = member.load("follow");
        member.follow_id = follow["id"].as_str().expect("the follow fixture has an id").to_owned();
        member.send(&follow).await;
        member.actor.wait_for_answer(&member.follow_id, "Accept").await;
        member
    }

    /// The fixture `name` with fresh `ID` and `ID2`.
    pub fn load(&mut self, name: &str) -> Value {
        self.vars.insert("ID", crate::random_hex(16));
        self.vars.insert("ID2", crate::random_hex(16));
        crate::fixtures::load(self.software, name, &self.vars)
    }

    /// Signs and posts `activity` to the community's shared inbox; it must be accepted (202).
    pub async fn send(&self, activity: &Value) {
        let (status, body) = self.actor.sign_and_post(&self.inbox, activity).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{} answered {status}: {body}", activity["type"]);
    }
}
