//! What a post carries besides its text: a content warning, the sensitive flag, attachments,
//! hashtags and mentions. Posts from other servers bring them; the limits below bound what is
//! kept. Items over a count limit, or without a usable web address, are dropped and counted
//! (`omitted`, shown with the post); texts over a length limit are cut, ending in "…".

use serde::{Deserialize, Serialize};

/// Limits on what is kept of a post's extras.
pub struct ExtrasLimits;

impl ExtrasLimits {
    /// Attachments kept per post (Mastodon takes up to 16 from other servers).
    pub const ATTACHMENTS: usize = 16;
    /// Hashtags and mentions kept per post, together.
    pub const TAGS: usize = 50;
    /// Characters of a content warning.
    pub const CONTENT_WARNING: usize = 1_000;
    /// Characters of an attachment's alt text (Mastodon's limit).
    pub const ALT: usize = 1_500;
    /// Characters of a hashtag's or mention's name.
    pub const TAG_NAME: usize = 200;
    /// Characters of a web address.
    pub const URL: usize = 2_048;
    /// Characters of a media type.
    pub const MEDIA_TYPE: usize = 100;
}

string_enum! {
    /// What an attachment is.
    AttachmentKind {
        /// A picture.
        Image = "image",
        /// A video.
        Video = "video",
        /// A sound recording.
        Audio = "audio",
        /// Any other file.
        Document = "document",
        /// A link (Lemmy's link posts).
        Link = "link",
    }
}

string_enum! {
    /// What a tag is.
    TagKind {
        /// `#topic`.
        Hashtag = "hashtag",
        /// `@person@server`.
        Mention = "mention",
    }
}

/// A file or link attached to a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// What it is.
    pub kind: AttachmentKind,
    /// Where it is (http or https).
    pub url: String,
    /// Its media type, when the sender said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Its description (alt text), when the sender gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
}

/// A hashtag or mention in a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// Hashtag or mention.
    pub kind: TagKind,
    /// As sent: `#topic`, `@name@server`.
    pub name: String,
    /// The tag's or person's page (http or https).
    pub href: String,
}

/// Everything a post carries besides its title and text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostExtras {
    /// Shown before the post, which the reader opens (Mastodon's CW).
    pub content_warning: Option<String>,
    /// Marked sensitive: shown behind a warning even without a content warning.
    pub sensitive: bool,
    /// Attachments, in the sender's order.
    pub attachments: Vec<Attachment>,
    /// Hashtags and mentions, in the sender's order.
    pub tags: Vec<Tag>,
    /// How many attachments and tags were dropped (over a limit, or no usable address).
    pub omitted: u32,
}

/// A local author's content warning and sensitive flag, as they asked for them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Warning {
    /// The warning text shown before the post; `None` (or blank) for none.
    pub text: Option<String>,
    /// Marked sensitive: hidden behind a warning even without text.
    pub sensitive: bool,
}

impl Warning {
    /// The warning as it will be stored: trimmed, single-line, at most
    /// `ExtrasLimits::CONTENT_WARNING` characters (refused, not cut: the author is there to
    /// shorten it). A warning implies sensitive, as Mastodon does, so every reader that only
    /// looks at the flag still hides the post.
    pub fn checked(self) -> Result<Warning, crate::Invalid> {
        let text = match self.text {
            Some(t) => {
                let t = crate::validate::optional_line("content_warning", &t, ExtrasLimits::CONTENT_WARNING)?;
                (!t.is_empty()).then_some(t)
            }
            None => None,
        };
        let sensitive = self.sensitive || text.is_some();
        Ok(Warning { text, sensitive })
    }

    /// These as a post's extras (a local post carries nothing else).
    pub fn into_extras(self) -> PostExtras {
        PostExtras { content_warning: self.text, sensitive: self.sensitive, ..Default::default() }
    }
}

/// The stored form of a post's attachments and tags (one JSON column).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredExtras {
    /// Attachments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// Hashtags and mentions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// How many were dropped.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub omitted: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// `text` cut to `max` characters, the last one "…" when cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Whether `url` is a web address we may link to: http or https, not too long, no spaces or
/// quotes (which would need escaping in every place it is shown).
pub fn is_web_address(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && url.len() <= ExtrasLimits::URL
        && !url.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
}

fn clean(text: Option<String>, max: usize) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).map(|t| cut(&t, max))
}

impl PostExtras {
    /// These extras within the limits: see the module's documentation.
    pub fn bounded(self) -> PostExtras {
        let mut omitted = self.omitted;
        let mut attachments = Vec::new();
        for a in self.attachments {
            if !is_web_address(&a.url) || attachments.len() >= ExtrasLimits::ATTACHMENTS {
                omitted += 1;
                continue;
            }
            let media_type = clean(a.media_type, usize::MAX).filter(|m| m.len() <= ExtrasLimits::MEDIA_TYPE);
            attachments.push(Attachment { media_type, alt: clean(a.alt, ExtrasLimits::ALT), ..a });
        }
        let mut tags = Vec::new();
        for t in self.tags {
            let name = t.name.trim();
            if !is_web_address(&t.href)
                || name.is_empty()
                || name.chars().count() > ExtrasLimits::TAG_NAME
                || tags.len() >= ExtrasLimits::TAGS
            {
                omitted += 1;
                continue;
            }
            tags.push(Tag { name: name.to_owned(), ..t });
        }
        PostExtras {
            content_warning: clean(self.content_warning, ExtrasLimits::CONTENT_WARNING),
            sensitive: self.sensitive,
            attachments,
            tags,
            omitted,
        }
    }

    /// Whether there is nothing besides the text.
    pub fn is_empty(&self) -> bool {
        self == &PostExtras::default()
    }

    /// The attachments and tags as stored; `None` when there are none.
    pub fn stored(&self) -> Option<StoredExtras> {
        let s = StoredExtras { attachments: self.attachments.clone(), tags: self.tags.clone(), omitted: self.omitted };
        (s != StoredExtras::default()).then_some(s)
    }

    /// Extras from their stored columns.
    pub fn from_stored(content_warning: Option<String>, sensitive: bool, stored: Option<StoredExtras>) -> Self {
        let s = stored.unwrap_or_default();
        PostExtras { content_warning, sensitive, attachments: s.attachments, tags: s.tags, omitted: s.omitted }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(url: &str) -> Attachment {
        Attachment { kind: AttachmentKind::Image, url: url.into(), media_type: None, alt: None }
    }

    fn hashtag(name: &str) -> Tag {
        Tag { kind: TagKind::Hashtag, name: name.into(), href: "https://a.example/tags/x".into() }
    }

    #[test]
    fn only_web_addresses_are_kept() {
        assert!(is_web_address("https://a.example/x.png"));
        assert!(is_web_address("HTTP://a.example/"));
        for bad in [
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "ftp://a.example/",
            "https://a.example/\" onerror=x",
            "/relative",
            "",
        ] {
            assert!(!is_web_address(bad), "{bad}");
        }
        assert!(!is_web_address(&format!("https://a.example/{}", "x".repeat(ExtrasLimits::URL))));
        let e = PostExtras {
            attachments: vec![image("javascript:alert(1)"), image("https://a.example/1.png")],
            ..Default::default()
        }
        .bounded();
        assert_eq!(e.attachments, vec![image("https://a.example/1.png")]);
        assert_eq!(e.omitted, 1);
    }

    #[test]
    fn counts_are_bounded_and_the_rest_counted() {
        let many = (0..20).map(|i| image(&format!("https://a.example/{i}.png"))).collect();
        let tags = (0..60).map(|i| hashtag(&format!("#t{i}"))).collect();
        let e = PostExtras { attachments: many, tags, ..Default::default() }.bounded();
        assert_eq!(e.attachments.len(), ExtrasLimits::ATTACHMENTS);
        assert_eq!(e.tags.len(), ExtrasLimits::TAGS);
        assert_eq!(e.omitted, 4 + 10);
        assert_eq!(e.attachments[15].url, "https://a.example/15.png", "the sender's order is kept");
    }

    #[test]
    fn texts_are_cut_and_blank_ones_dropped() {
        let e = PostExtras {
            content_warning: Some("w".repeat(5_000)),
            attachments: vec![Attachment {
                alt: Some("a".repeat(2_000)),
                media_type: Some("  ".into()),
                ..image("https://a.example/1.png")
            }],
            tags: vec![hashtag(&"#".repeat(300)), hashtag("  #ok ")],
            ..Default::default()
        }
        .bounded();
        let cw = e.content_warning.unwrap();
        assert_eq!(cw.chars().count(), ExtrasLimits::CONTENT_WARNING);
        assert!(cw.ends_with('…'));
        assert_eq!(e.attachments[0].alt.as_ref().unwrap().chars().count(), ExtrasLimits::ALT);
        assert_eq!(e.attachments[0].media_type, None);
        assert_eq!(e.tags, vec![hashtag("#ok")]);
        assert_eq!(e.omitted, 1);
        let blank = PostExtras { content_warning: Some("   ".into()), ..Default::default() }.bounded();
        assert!(blank.is_empty());
    }

    #[test]
    fn a_local_warning_is_checked_and_implies_sensitive() {
        let w = Warning { text: Some("  plot details ".into()), sensitive: false }.checked().unwrap();
        assert_eq!(w, Warning { text: Some("plot details".into()), sensitive: true });
        let blank = Warning { text: Some("   ".into()), sensitive: false }.checked().unwrap();
        assert_eq!(blank, Warning::default());
        let flag_only = Warning { text: None, sensitive: true }.checked().unwrap();
        assert_eq!(flag_only, Warning { text: None, sensitive: true });
        let long = Warning { text: Some("w".repeat(ExtrasLimits::CONTENT_WARNING + 1)), sensitive: false };
        let err = long.checked().unwrap_err();
        assert_eq!(err.field, "content_warning");
        assert_eq!(err.code, crate::InvalidCode::TooLong { max: ExtrasLimits::CONTENT_WARNING });
        let exact = Warning { text: Some("é".repeat(ExtrasLimits::CONTENT_WARNING)), sensitive: false };
        assert!(exact.checked().is_ok());
        let two_lines = Warning { text: Some("a\nb".into()), sensitive: false };
        assert_eq!(two_lines.checked().unwrap_err().code, crate::InvalidCode::SingleLine);
    }

    #[test]
    fn stored_form_round_trips() {
        let e = PostExtras {
            content_warning: Some("spoilers".into()),
            sensitive: true,
            attachments: vec![image("https://a.example/1.png")],
            tags: vec![hashtag("#x")],
            omitted: 2,
        };
        let json = serde_json::to_string(&e.stored()).unwrap();
        let back: Option<StoredExtras> = serde_json::from_str(&json).unwrap();
        assert_eq!(PostExtras::from_stored(Some("spoilers".into()), true, back), e);
        assert_eq!(PostExtras::default().stored(), None);
    }
}
