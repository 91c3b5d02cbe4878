//! The OpenAPI document agrees with what the API answers (regressions found by schemathesis,
//! federation-tests/schema/run.sh).

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::{Value, json};

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut ops = vec![];
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                ops.push((m.to_string(), path.clone(), op.clone()));
            }
        }
    }
    ops
}

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get("$ref") {
                out.push(r.clone());
            }
            o.values().for_each(|v| refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_reference_resolves() {
    let app = TestApp::new().await;
    let doc = app.get("/api/openapi.json", None).await.body;
    let mut found = vec![];
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for r in found {
        let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("unexpected reference {r}"));
        // SortParam and WhenParam were referenced but missing.
        assert!(schemas.contains_key(name), "{r} does not resolve");
    }
}

#[tokio::test]
async fn query_parameters_are_in_the_query_and_path_parameters_in_the_path() {
    let app = TestApp::new().await;
    let doc = app.get("/api/openapi.json", None).await.body;
    for (method, path, op) in operations(&doc) {
        for p in op["parameters"].as_array().into_iter().flatten() {
            let name = p["name"].as_str().expect("name");
            let in_template = path.contains(&format!("{{{name}}}"));
            // List options (page, limit, sort, when, from, to...) were described as path
            // parameters, and required.
            assert_eq!(p["in"] == "path", in_template, "{method} {path}: parameter {name} is in {}", p["in"]);
        }
    }
    let list = &doc["paths"]["/api/guildhall/v1/admin/accounts"]["get"]["parameters"];
    let limit = list.as_array().unwrap().iter().find(|p| p["name"] == "limit").expect("limit");
    assert_eq!((limit["in"].as_str(), limit["required"].as_bool()), (Some("query"), Some(false)));
}

#[tokio::test]
async fn the_errors_extractors_answer_are_documented() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    let doc = app.get("/api/openapi.json", None).await.body;
    for (method, path, op) in operations(&doc) {
        let documented = |status: &str| op["responses"].get(status).is_some();
        assert!(documented("401"), "{method} {path} lacks 401");
        if op.get("requestBody").is_some() {
            for s in ["400", "415", "422"] {
                assert!(documented(s), "{method} {path} lacks {s}");
            }
        }
    }
    // What schemathesis received undocumented: 401 without credentials, 400 for a query that
    // does not parse, 415 and 422 for bodies.
    let r = app.get("/api/guildhall/v1/admin/accounts", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app.get("/api/guildhall/v1/admin/accounts?limit=x", Some(&admin)).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "invalid_query"));
    let r = app.post("/api/guildhall/v1/admin/invites", Some(&admin), json!({"max_uses": "many"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let raw = axum::http::Request::post("/api/guildhall/v1/auth/login")
        .header("content-type", "text/plain")
        .body(axum::body::Body::from("x"))
        .unwrap();
    assert_eq!(app.send(raw).await.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn a_handle_whose_host_no_url_can_hold_is_a_bad_request_not_a_remote_failure() {
    let app = TestApp::federated().await;
    let user = app.user("ann").await;
    // An invalid international domain name answered 502 "remote_unavailable".
    for query in ["x@K\u{b2}\u{ac}\u{f5}\u{1}R", "x@a\u{0}b.example", "x@[nope"] {
        let r = app.post("/api/guildhall/v1/federation/resolve", Some(&user), json!({"query": query})).await;
        assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "invalid"), "{query:?}: {}", r.body);
    }
}
