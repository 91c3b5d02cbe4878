//! A post's content warning, attachments, hashtags and mentions in the API, in the shape of
//! Mastodon's status (`spoiler_text`, `sensitive`, `media_attachments`, `tags`, `mentions`).

use guildhall_domain::extras::{AttachmentKind, PostExtras, TagKind};
use serde::Serialize;
use utoipa::ToSchema;

/// An attachment, as Mastodon's `MediaAttachment` (the file stays on its server).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MediaAttachmentView {
    /// `image`, `video`, `audio`, `document` or `link`.
    #[serde(rename = "type")]
    pub kind: AttachmentKind,
    /// Where it is.
    pub url: String,
    /// The same address (Mastodon's `remote_url`: we keep no copy).
    pub remote_url: String,
    /// Its alt text.
    pub description: Option<String>,
    /// Its media type, when the sender said.
    pub media_type: Option<String>,
}

/// A hashtag, as Mastodon's `Tag`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TagView {
    /// Without the `#`.
    pub name: String,
    /// The tag's page on the sender's server.
    pub url: String,
}

/// A mention, as Mastodon's `Mention`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MentionView {
    /// `name@server` (or `name`), without the leading `@`.
    pub acct: String,
    /// The name alone.
    pub username: String,
    /// The person's (or community's) page.
    pub url: String,
}

/// A post's extras.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ExtrasView {
    /// Content warning (empty when none), shown before the post.
    pub spoiler_text: String,
    /// Marked sensitive: shown behind a warning.
    pub sensitive: bool,
    /// Attachments.
    pub media_attachments: Vec<MediaAttachmentView>,
    /// Hashtags.
    pub tags: Vec<TagView>,
    /// Mentions.
    pub mentions: Vec<MentionView>,
    /// How many attachments and tags were not kept (over a limit, or no usable address).
    pub extras_omitted: u32,
}

impl ExtrasView {
    /// The view of `e`.
    pub fn of(e: PostExtras) -> Self {
        let mut tags = Vec::new();
        let mut mentions = Vec::new();
        for t in e.tags {
            match t.kind {
                TagKind::Hashtag => tags.push(TagView { name: t.name.trim_start_matches('#').to_owned(), url: t.href }),
                TagKind::Mention => {
                    let acct = t.name.trim_start_matches('@').to_owned();
                    let username = acct.split('@').next().unwrap_or_default().to_owned();
                    mentions.push(MentionView { acct, username, url: t.href })
                }
            }
        }
        ExtrasView {
            spoiler_text: e.content_warning.unwrap_or_default(),
            sensitive: e.sensitive,
            media_attachments: e
                .attachments
                .into_iter()
                .map(|a| MediaAttachmentView {
                    kind: a.kind,
                    remote_url: a.url.clone(),
                    url: a.url,
                    description: a.alt,
                    media_type: a.media_type,
                })
                .collect(),
            tags,
            mentions,
            extras_omitted: e.omitted,
        }
    }

    /// Whether the reader is asked before the post is shown.
    pub fn is_hidden(&self) -> bool {
        !self.spoiler_text.is_empty() || self.sensitive
    }
}

impl MediaAttachmentView {
    /// Whether this is a picture that may be shown inline (https only: the page's
    /// Content-Security-Policy allows https images, and no mixed content).
    pub fn shows_inline(&self) -> bool {
        self.kind == AttachmentKind::Image && self.url.starts_with("https://")
    }

    /// The stable name of its kind (`image`, `video`, `audio`, `document`, `link`).
    pub fn kind_name(&self) -> &'static str {
        self.kind.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use guildhall_domain::extras::{Attachment, Tag};

    #[test]
    fn tags_and_mentions_are_split_like_mastodon() {
        let e = PostExtras {
            content_warning: Some("food".into()),
            tags: vec![
                Tag { kind: TagKind::Hashtag, name: "#lunch".into(), href: "https://m.example/tags/lunch".into() },
                Tag { kind: TagKind::Mention, name: "@ann@g.example".into(), href: "https://g.example/u/ann".into() },
            ],
            attachments: vec![Attachment {
                kind: AttachmentKind::Image,
                url: "http://m.example/1.png".into(),
                media_type: Some("image/png".into()),
                alt: Some("a cat".into()),
            }],
            ..Default::default()
        };
        let v = ExtrasView::of(e);
        assert_eq!(v.spoiler_text, "food");
        assert!(v.is_hidden());
        assert_eq!(v.tags[0].name, "lunch");
        assert_eq!((v.mentions[0].acct.as_str(), v.mentions[0].username.as_str()), ("ann@g.example", "ann"));
        assert_eq!(v.media_attachments[0].description.as_deref(), Some("a cat"));
        assert!(!v.media_attachments[0].shows_inline(), "http images are links");
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["media_attachments"][0]["type"], "image");
    }
}
