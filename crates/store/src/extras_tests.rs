//! A post's extras (content warning, sensitive, attachments and tags) are written and read back
//! whole, on discussions and replies, and a tombstone clears them. Runs on SQLite, and on
//! PostgreSQL when `GUILDHALL_TEST_DATABASE_URL` is set.

use chrono::Utc;
use guildhall_domain::Visibility;
use guildhall_domain::extras::{Attachment, AttachmentKind, PostExtras, Tag, TagKind};

use crate::discussions::{self, NewPost};
use crate::{accounts, communities, testing};

fn extras() -> PostExtras {
    PostExtras {
        content_warning: Some("Spoilers: «finale» ✓ \"quoted\" <b>".into()),
        sensitive: true,
        attachments: vec![
            Attachment {
                kind: AttachmentKind::Image,
                url: "https://m.example/1.png".into(),
                media_type: Some("image/png".into()),
                alt: Some("A cat, asleep".into()),
            },
            Attachment {
                kind: AttachmentKind::Link,
                url: "https://example.org/a?b=1&c=2".into(),
                media_type: None,
                alt: None,
            },
        ],
        tags: vec![
            Tag { kind: TagKind::Hashtag, name: "#cats".into(), href: "https://m.example/tags/cats".into() },
            Tag { kind: TagKind::Mention, name: "@ann@g.example".into(), href: "https://g.example/u/ann".into() },
        ],
        omitted: 3,
    }
}

fn post(author_id: i64, extras: PostExtras) -> NewPost {
    NewPost {
        author_id,
        ap_id: Some(format!("https://m.example/s/{}", rand_id())),
        body_source: String::new(),
        body_html: "<p>hi</p>".into(),
        created_at: Utc::now(),
        extras,
    }
}

fn rand_id() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos()
}

#[tokio::test]
async fn extras_round_trip_and_tombstones_clear_them() {
    let t = testing::fresh_database().await;
    let db = &t.db;
    let new = accounts::NewAccount {
        username: "ann".into(),
        email: None,
        password_hash: String::new(),
        display_name: "Ann".into(),
        is_admin: false,
        status: guildhall_domain::AccountStatus::Active,
        registration_reason: None,
        email_confirmed_at: None,
    };
    let ann = accounts::insert_account(db, new, Utc::now()).await.unwrap().id;
    let c = communities::NewCommunity {
        name: "home".into(),
        title: "Home".into(),
        description: String::new(),
        charter: String::new(),
        welcome_message: String::new(),
        tags: vec![],
        visibility: Visibility::Public,
        created_by: ann,
        member_domains: vec![],
        join_question: String::new(),
    };
    let c = communities::insert(db, c, Utc::now()).await.unwrap().id;

    let d = discussions::insert(db, c, "T".into(), false, post(ann, extras())).await.unwrap();
    let read = discussions::find_by_id(db, d.id).await.unwrap().unwrap();
    assert_eq!(read.extras(), extras());
    let r = discussions::insert_reply(db, d.id, None, post(ann, extras())).await.unwrap();
    assert_eq!(discussions::find_reply(db, r.id).await.unwrap().unwrap().extras(), extras());

    // A post without extras stores none.
    let plain = discussions::insert(db, c, "Plain".into(), false, post(ann, PostExtras::default())).await.unwrap();
    let plain = discussions::find_by_id(db, plain.id).await.unwrap().unwrap();
    assert_eq!((plain.content_warning.as_deref(), plain.sensitive, plain.extras.as_deref()), (None, false, None));

    // Deleting keeps a tombstone without them.
    let gone = discussions::tombstone(db, read, Utc::now()).await.unwrap();
    assert!(gone.extras().is_empty());
    let r = discussions::find_reply(db, r.id).await.unwrap().unwrap();
    let gone = discussions::tombstone_reply(db, r, Utc::now()).await.unwrap();
    assert!(discussions::find_reply(db, gone.id).await.unwrap().unwrap().extras().is_empty());
}
