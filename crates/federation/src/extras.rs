//! A post's content warning, sensitive flag, attachments, hashtags and mentions on the wire:
//! read from every vendor's `Note`, `Page` and `Article` (each item on its own, so one odd
//! item never loses the post), and written back on the objects we serve. The limits are
//! `guildhall_domain::extras`'s. A leaf: it imports nothing else of this crate.
//!
//! Shapes read (from each vendor's public source and docs):
//! - `summary`: on a `Note` or `Question`, Mastodon's, GoToSocial's and Misskey's content
//!   warning (plain text, as Mastodon reads it: escaped where shown; Misskey sends a zero-width space for a warning
//!   without text, which reads as "sensitive"). On a `Page` it is Mbin's short title and tags,
//!   on an `Article` (Ghost, WordPress) the excerpt: not a warning, ignored. Lemmy 0.19 sends
//!   no `summary` on posts and comments (its `summary` is on `Delete`s).
//! - `sensitive`: Mastodon's media flag; Lemmy's, Mbin's and PieFed's NSFW flag.
//! - `attachment`: `Document`/`Image`/`Video`/`Audio` with `url` (a string, a `Link`, or a
//!   list of them), `mediaType` and `name` (alt text); Lemmy's link post `{type: Link, href}`.
//! - `image`: Lemmy's and Ghost's picture of the post (an `Image`, or its URL), kept as an
//!   image attachment.
//! - `tag`: `Hashtag` and `Mention` with `name` and `href`; other tags (Mastodon's `Emoji`)
//!   are not kept.

use guildhall_domain::extras::{Attachment, AttachmentKind, PostExtras, Tag, TagKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The extras of a `Note`, `Page` or `Article`, flattened into it: kept as sent, so what we
/// pass on or serve says what the sender said.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct WireExtras {
    /// Content warning (not on an `Article`: there, the excerpt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Sensitive (Mastodon) or NSFW (Lemmy, Mbin, PieFed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<bool>,
    /// Attachments, each read on its own.
    #[serde(default, deserialize_with = "one_or_many_values", skip_serializing_if = "Vec::is_empty")]
    pub attachment: Vec<Value>,
    /// The post's picture (Lemmy, Ghost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Value>,
    /// Hashtags, mentions and others, each read on its own.
    #[serde(default, deserialize_with = "one_or_many_values", skip_serializing_if = "Vec::is_empty")]
    pub tag: Vec<Value>,
}

/// One value or a list (ActivityStreams allows both); `null` is none.
fn one_or_many_values<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Value>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items,
        Value::Null => vec![],
        one => vec![one],
    })
}

/// An attachment as read: the fields every vendor shares.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AttachmentIn {
    #[serde(rename = "type", default)]
    kind: Value,
    #[serde(default)]
    url: Value,
    #[serde(default)]
    href: Option<String>,
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

/// A `Link` inside an attachment's `url` (PeerTube, Pleroma).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LinkIn {
    #[serde(default)]
    href: Option<String>,
    #[serde(default)]
    media_type: Option<String>,
}

/// A tag as read.
#[derive(Deserialize)]
struct TagIn {
    #[serde(rename = "type", default)]
    kind: Value,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    href: Option<String>,
}

/// `type` as one string (JSON-LD readers may send a list).
fn kind_of(v: &Value) -> &str {
    match v {
        Value::String(s) => s,
        Value::Array(items) => items.first().and_then(|i| i.as_str()).unwrap_or_default(),
        _ => "",
    }
}

/// The first usable address in an attachment's `url`, with the media type a `Link` gives.
fn url_of(v: &Value) -> Option<(String, Option<String>)> {
    match v {
        Value::String(s) => Some((s.clone(), None)),
        Value::Array(items) => items.iter().find_map(url_of),
        Value::Object(_) => {
            let link: LinkIn = serde_json::from_value(v.clone()).ok()?;
            link.href.map(|h| (h, link.media_type))
        }
        _ => None,
    }
}

fn attachment_kind(kind: &str, media_type: Option<&str>) -> Option<AttachmentKind> {
    let by_media = |m: Option<&str>| match m.unwrap_or_default().split('/').next() {
        Some("image") => AttachmentKind::Image,
        Some("video") => AttachmentKind::Video,
        Some("audio") => AttachmentKind::Audio,
        _ => AttachmentKind::Document,
    };
    match kind {
        "Image" => Some(AttachmentKind::Image),
        "Video" => Some(AttachmentKind::Video),
        "Audio" => Some(AttachmentKind::Audio),
        "Link" => Some(AttachmentKind::Link),
        // Mastodon sends every file as a `Document`; its media type says what it is.
        "Document" | "" => Some(by_media(media_type)),
        _ => None,
    }
}

fn attachment(v: &Value) -> Option<Attachment> {
    if let Value::String(url) = v {
        return Some(Attachment { kind: AttachmentKind::Image, url: url.clone(), media_type: None, alt: None });
    }
    let a: AttachmentIn = serde_json::from_value(v.clone()).ok()?;
    let (url, link_media) = match (&a.href, url_of(&a.url)) {
        (_, Some(found)) => found,
        (Some(href), None) => (href.clone(), None),
        (None, None) => return None,
    };
    let media_type = a.media_type.or(link_media);
    let kind = attachment_kind(kind_of(&a.kind), media_type.as_deref())?;
    // Alt text is plain text (Mastodon's `description`): escaped where shown, never parsed.
    Some(Attachment { kind, url, media_type, alt: a.name })
}

fn tag(v: &Value) -> Option<Option<Tag>> {
    let t: TagIn = serde_json::from_value(v.clone()).ok()?;
    let kind = match kind_of(&t.kind) {
        "Hashtag" => TagKind::Hashtag,
        "Mention" => TagKind::Mention,
        // Emoji and other tags are not ours to show: not kept, and not counted as dropped.
        _ => return Some(None),
    };
    Some(Some(Tag { kind, name: t.name?, href: t.href? }))
}

impl WireExtras {
    /// What we keep (before the limits, which the use case applies): `summary_warns` says the
    /// `summary` is a content warning (see the module). Items that cannot be read are counted.
    pub fn to_domain(&self, summary_warns: bool) -> PostExtras {
        let mut omitted = 0u32;
        let mut attachments = Vec::new();
        for v in self.attachment.iter().chain(self.image.iter()) {
            match attachment(v) {
                Some(a) if !attachments.iter().any(|b: &Attachment| b.url == a.url) => attachments.push(a),
                Some(_) => {} // Lemmy's `image` repeats its first attachment
                None if v.is_null() => {}
                None => omitted += 1,
            }
        }
        let mut tags = Vec::new();
        for v in &self.tag {
            match tag(v) {
                Some(Some(t)) => tags.push(t),
                Some(None) => {}
                None => omitted += 1,
            }
        }
        let warning = match summary_warns {
            true => self.summary.as_deref().map(|s| s.replace('\u{200B}', "")),
            false => None,
        };
        // A warning without text still hides the post (Misskey's empty CW).
        let sensitive = self.sensitive.unwrap_or(false)
            || warning.as_ref().is_some_and(|w| {
                w.trim().is_empty() && self.summary.as_deref().is_some_and(|s| s.contains('\u{200B}'))
            });
        let content_warning = warning.map(|w| w.trim().to_owned()).filter(|w| !w.is_empty());
        PostExtras { content_warning, sensitive, attachments, tags, omitted }
    }

    /// How we serve stored extras: a `Link` as Lemmy sends it (`href`), files as Mastodon does
    /// (`Document` with `url`, `mediaType` and `name` for the alt text).
    pub fn of(e: &PostExtras) -> Self {
        let attachment =
            e.attachments.iter().filter_map(|a| serde_json::to_value(SentAttachment::of(a)).ok()).collect();
        let tag = e.tags.iter().filter_map(|t| serde_json::to_value(SentTag::of(t)).ok()).collect();
        WireExtras { summary: e.content_warning.clone(), sensitive: Some(e.sensitive), attachment, image: None, tag }
    }
}

/// An attachment as we write it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SentAttachment<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    href: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    media_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
}

impl<'a> SentAttachment<'a> {
    fn of(a: &'a Attachment) -> Self {
        let link = a.kind == AttachmentKind::Link;
        SentAttachment {
            kind: match a.kind {
                AttachmentKind::Link => "Link",
                AttachmentKind::Image if a.media_type.is_none() => "Image",
                _ => "Document",
            },
            url: (!link).then_some(a.url.as_str()),
            href: link.then_some(a.url.as_str()),
            media_type: a.media_type.as_deref(),
            name: a.alt.as_deref(),
        }
    }
}

/// A hashtag or mention as we write it.
#[derive(Serialize)]
struct SentTag<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    href: &'a str,
    name: &'a str,
}

impl<'a> SentTag<'a> {
    fn of(t: &'a Tag) -> Self {
        let kind = match t.kind {
            TagKind::Hashtag => "Hashtag",
            TagKind::Mention => "Mention",
        };
        SentTag { kind, href: &t.href, name: &t.name }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(raw: &str, summary_warns: bool) -> PostExtras {
        serde_json::from_str::<WireExtras>(raw).expect("extras parse").to_domain(summary_warns)
    }

    #[test]
    fn mastodon_documents_lemmy_links_and_images() {
        let e = read(
            r##"{"summary":"food & drink <3","sensitive":true,
                "attachment":[{"type":"Document","mediaType":"image/png","url":"https://m.example/1.png","name":"a bowl of soup","blurhash":"x"},
                              {"type":"Link","href":"https://example.org/article","mediaType":"text/html"},
                              {"type":"Video","url":[{"type":"Link","href":"https://p.example/v.mp4","mediaType":"video/mp4"}]}],
                "image":{"type":"Image","url":"https://l.example/pictrs/thumb.jpg"},
                "tag":[{"type":"Hashtag","name":"#soup","href":"https://m.example/tags/soup"},
                       {"type":"Mention","name":"@ann@g.example","href":"https://g.example/u/ann"},
                       {"type":"Emoji","name":":blob:","icon":{"url":"https://m.example/e.png"}}]}"##,
            true,
        );
        assert_eq!(e.content_warning.as_deref(), Some("food & drink <3"));
        assert!(e.sensitive);
        let kinds: Vec<_> = e.attachments.iter().map(|a| (a.kind, a.url.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (AttachmentKind::Image, "https://m.example/1.png"),
                (AttachmentKind::Link, "https://example.org/article"),
                (AttachmentKind::Video, "https://p.example/v.mp4"),
                (AttachmentKind::Image, "https://l.example/pictrs/thumb.jpg"),
            ]
        );
        assert_eq!(e.attachments[0].alt.as_deref(), Some("a bowl of soup"));
        assert_eq!(e.attachments[2].media_type.as_deref(), Some("video/mp4"));
        assert_eq!(e.tags.len(), 2, "the Emoji is not kept: {:?}", e.tags);
        assert_eq!(e.omitted, 0);
    }

    #[test]
    fn odd_items_are_counted_not_fatal() {
        let e = read(
            r##"{"attachment":{"type":"Document"},"tag":[{"type":"Hashtag"},42,{"type":"Mention","name":"@a","href":"https://x.example/a"}]}"##,
            false,
        );
        assert!(e.attachments.is_empty());
        assert_eq!(e.tags.len(), 1);
        assert_eq!(e.omitted, 3);
    }

    #[test]
    fn an_articles_or_pages_summary_is_no_warning() {
        let e = read(r##"{"summary":"An excerpt","image":"https://ghost.example/content/images/cover.jpg"}"##, false);
        assert_eq!(e.content_warning, None);
        assert!(!e.sensitive);
        assert_eq!(e.attachments[0].kind, AttachmentKind::Image);
    }

    #[test]
    fn misskeys_empty_warning_is_sensitive() {
        let e = read("{\"summary\":\"\u{200B}\",\"sensitive\":false}", true);
        assert_eq!((e.content_warning, e.sensitive), (None, true));
        let none = read(r#"{"summary":"","sensitive":false}"#, true);
        assert_eq!((none.content_warning, none.sensitive), (None, false), "GoToSocial's empty summary is no warning");
    }

    #[test]
    fn what_we_serve_reads_back_the_same() {
        let e = read(
            r##"{"summary":"cw","sensitive":true,"attachment":[{"type":"Document","mediaType":"image/png","url":"https://m.example/1.png","name":"alt"},{"type":"Link","href":"https://example.org/"}],
                "tag":[{"type":"Hashtag","name":"#x","href":"https://m.example/tags/x"}]}"##,
            true,
        );
        let served = serde_json::to_value(WireExtras::of(&e)).unwrap();
        assert_eq!(served["attachment"][1]["href"], "https://example.org/");
        assert_eq!(served["attachment"][0]["name"], "alt");
        let back: WireExtras = serde_json::from_value(served).unwrap();
        assert_eq!(back.to_domain(true), e);
    }
}
