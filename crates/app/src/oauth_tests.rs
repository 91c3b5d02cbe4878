//! OAuth use cases against a real database, and the PKCE check.

use guildhall_store::Set;
use guildhall_store::entities::account;
use guildhall_store::testing::fresh_database;

use super::*;
use crate::InstanceInfo;

#[tokio::test]
async fn a_suspended_members_tokens_stop_working_and_apps_are_listed() {
    let db = fresh_database().await;
    let ctx = AppContext::new(db.db.clone(), InstanceInfo { domain: "here.example".into(), https: false });
    let a = crate::auth::create_account(&ctx, "ada", None, "correct horse battery", false).await.unwrap();
    let ada = Viewer { account_id: a.id, username: a.username, is_admin: false };
    let new = NewApp {
        name: "Elkish".into(),
        redirect_uris: vec![rules::OOB.into()],
        scopes: "read write".into(),
        website: None,
    };
    let app = register_app(&ctx, new, Utc::now()).await.unwrap();
    let req = AuthorizeRequest {
        response_type: "code".into(),
        client_id: app.app.client_id.clone(),
        scope: "read".into(),
        ..Default::default()
    };
    let auth = check_authorization(&ctx, &req).await.unwrap();
    assert!(auth.out_of_band(), "the only registered URI is used when none is given");
    let approved = approve(&ctx, &ada, &auth, Utc::now()).await.unwrap();
    assert!(approved.redirect.is_none());
    let client = ClientAuth { client_id: app.app.client_id.clone(), client_secret: Some(app.client_secret.clone()) };
    let token = exchange_code(&ctx, &client, &approved.code, rules::OOB, None, Utc::now()).await.unwrap();
    let found = authenticate(&ctx, &token.access_token).await.unwrap().expect("valid");
    assert_eq!(found.viewer.map(|v| v.username).as_deref(), Some("ada"));
    let listed = authorised_apps(&ctx, &ada).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].name.as_str(), listed[0].scopes.to_string()), ("Elkish", "read".to_owned()));

    let row = accounts::find_by_id(ctx.db(), ada.account_id).await.unwrap().unwrap();
    let mut active: account::ActiveModel = row.into();
    active.status = Set(AccountStatus::Suspended);
    accounts::update(ctx.db(), active).await.unwrap();
    assert!(authenticate(&ctx, &token.access_token).await.unwrap().is_none(), "suspended: the token stops");
}

fn code(challenge: Option<(&str, &str)>) -> oauth_code::Model {
    oauth_code::Model {
        id: 1,
        code_hash: String::new(),
        app_id: 1,
        account_id: 1,
        redirect_uri: String::new(),
        scopes: "read".into(),
        code_challenge: challenge.map(|c| c.0.into()),
        code_challenge_method: challenge.map(|c| c.1.into()),
        created_at: Utc::now(),
        expires_at: Utc::now(),
        used: false,
    }
}

#[test]
fn pkce_s256_and_plain() {
    // RFC 7636 appendix B.
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    assert!(pkce_ok(&code(Some((challenge, "S256"))), Some(verifier)));
    assert!(!pkce_ok(&code(Some((challenge, "S256"))), Some(&verifier.replace('d', "e"))));
    assert!(!pkce_ok(&code(Some((challenge, "S256"))), None));
    assert!(pkce_ok(&code(Some((verifier, "plain"))), Some(verifier)));
    assert!(!pkce_ok(&code(Some((verifier, "plain"))), Some(challenge)));
    assert!(pkce_ok(&code(None), None), "no challenge, nothing to check");
}
