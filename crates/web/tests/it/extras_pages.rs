//! A post's content warning, attachments, hashtags and mentions on the discussion page: the
//! warning is a `<details>` the reader opens, pictures carry their alt text, tags and mentions
//! are links, and nothing the sender wrote in them becomes markup.

use crate::common;

use axum::http::StatusCode;
use common::*;
use guildhall_domain::extras::{Attachment, AttachmentKind, PostExtras, Tag, TagKind};

fn hostile_extras() -> PostExtras {
    PostExtras {
        content_warning: Some("Spoilers <script>alert('cw')</script>".into()),
        sensitive: true,
        attachments: vec![
            Attachment {
                kind: AttachmentKind::Image,
                url: "https://media.example/soup.png".into(),
                media_type: Some("image/png".into()),
                alt: Some("A bowl of soup\"><img src=x onerror=alert(1)>".into()),
            },
            Attachment {
                kind: AttachmentKind::Link,
                url: "https://example.org/recipe?a=1&b=2".into(),
                media_type: None,
                alt: None,
            },
            Attachment { kind: AttachmentKind::Image, url: "javascript:alert(1)".into(), media_type: None, alt: None },
            Attachment {
                kind: AttachmentKind::Image,
                url: "http://plain.example/no-alt.png".into(),
                media_type: None,
                alt: None,
            },
        ],
        tags: vec![
            Tag { kind: TagKind::Hashtag, name: "#soup<b>".into(), href: "https://m.example/tags/soup".into() },
            Tag { kind: TagKind::Mention, name: "@ann@g.example".into(), href: "https://g.example/u/ann".into() },
        ],
        omitted: 0,
    }
}

async fn remote_post(site: &Site, extras: PostExtras) -> i64 {
    let c = guildhall_store::communities::find_by_name(site.ctx.db(), "ux-design").await.unwrap().unwrap();
    let ada = guildhall_store::accounts::find_by_username(site.ctx.db(), "ada").await.unwrap().unwrap();
    let post = guildhall_app::inbound::IncomingPost {
        ap_id: format!("https://m.example/statuses/{}", guildhall_app::auth::random_token()),
        title: Some("Soup of the day".into()),
        source: None,
        html: "<p>Tomato, again.</p>".into(),
        published: None,
        members_only: false,
        extras,
    };
    let d =
        guildhall_app::inbound::receive_discussion(&site.ctx, &c, &ada, post, guildhall_app::receipt::Arrival::Relayed)
            .await
            .unwrap()
            .unwrap();
    d.id
}

#[tokio::test]
async fn content_warning_attachments_and_tags_are_shown_escaped() {
    let site = site().await;
    let id = remote_post(&site, hostile_extras()).await;
    let (res, body) = site.get(&format!("/discussions/{id}"), None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    // The warning is the summary of a closed <details>; the body is inside it.
    let details = body.find("<details class=\"content-warning\">").expect("a <details> for the warning");
    assert!(!body[details..].starts_with("<details class=\"content-warning\" open"));
    let summary = body[details..].find("<summary>").unwrap() + details;
    let inside = body[summary..].find("Tomato, again.").expect("the body inside the details") + summary;
    assert!(body[summary..inside].contains("Spoilers &#60;script&#62;alert(&#39;cw&#39;)&#60;/script&#62;"), "{body}");
    assert!(body[inside..].find("</details>").is_some());
    // The https picture is shown with its alt text, escaped; the http one is a link.
    assert!(
        body.contains("<img src=\"https://media.example/soup.png\" alt=\"A bowl of soup&#34;&#62;&#60;img src=x onerror=alert(1)&#62;\""),
        "{body}"
    );
    assert!(!body.contains("onerror=alert(1)>"), "no markup from the alt text");
    assert!(body.contains("href=\"http://plain.example/no-alt.png\""));
    assert!(!body.contains("src=\"http://plain.example"), "no http images on an https page");
    assert!(body.contains("href=\"https://example.org/recipe?a=1&#38;b=2\""));
    assert!(!body.contains("javascript:"), "no javascript: address is kept");
    assert!(body.contains("1 more attachment or tag was not kept."), "the dropped attachment is counted");
    // Hashtags and mentions are links, their names escaped.
    assert!(
        body.contains(
            "<a href=\"https://m.example/tags/soup\" rel=\"tag nofollow noopener noreferrer ugc\">#soup&#60;b&#62;</a>"
        ),
        "{body}"
    );
    assert!(
        body.contains(
            "<a href=\"https://g.example/u/ann\" rel=\"nofollow noopener noreferrer ugc\">@ann@g.example</a>"
        )
    );
}

#[tokio::test]
async fn sensitive_without_a_warning_is_still_behind_details_and_plain_posts_are_not() {
    let site = site().await;
    let id = remote_post(&site, PostExtras { sensitive: true, ..Default::default() }).await;
    let (_, body) = site.get(&format!("/discussions/{id}"), None).await;
    assert!(body.contains("<details class=\"content-warning\">\n  <summary>Sensitive content</summary>"), "{body}");
    let plain = remote_post(&site, PostExtras::default()).await;
    let (_, body) = site.get(&format!("/discussions/{plain}"), None).await;
    assert!(!body.contains("<details class=\"content-warning\""));
    assert!(!body.contains("class=\"attachments\"") && !body.contains("class=\"post-tags\""));
}

#[tokio::test]
async fn a_replys_warning_and_attachments_are_shown_in_the_thread() {
    let site = site().await;
    let id = remote_post(&site, PostExtras::default()).await;
    let d = guildhall_store::discussions::find_by_id(site.ctx.db(), id).await.unwrap().unwrap();
    let ada = guildhall_store::accounts::find_by_username(site.ctx.db(), "ada").await.unwrap().unwrap();
    let post = guildhall_app::inbound::IncomingPost {
        ap_id: format!("https://m.example/statuses/{}", guildhall_app::auth::random_token()),
        title: None,
        source: None,
        html: "<p>It was a dream.</p>".into(),
        published: None,
        members_only: false,
        extras: PostExtras { content_warning: Some("Ending".into()), ..hostile_extras() },
    };
    let arrival = guildhall_app::receipt::Arrival::Relayed;
    guildhall_app::inbound::receive_reply(&site.ctx, &d, None, &ada, post, arrival).await.unwrap().unwrap();
    let (res, body) = site.get(&format!("/discussions/{id}"), None).await;
    assert_page(&res, &body);
    let reply = body.find("class=\"reply\"").expect("the reply");
    let details = body[reply..].find("<details class=\"content-warning\">").expect("the reply's warning") + reply;
    assert!(body[details..].starts_with("<details class=\"content-warning\">\n  <summary><span class=\"cw-label\">Content warning:</span> Ending</summary>"));
    assert!(body[details..].contains("It was a dream."));
    assert!(body[reply..].contains("alt=\"A bowl of soup&#34;&#62;&#60;img src=x onerror=alert(1)&#62;\""));
}
