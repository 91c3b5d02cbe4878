//! The shape every message Guildhall emails shares: escaping and the accessible HTML
//! document around a body, in the reader's language. What each message says stays with the
//! use case that sends it.

/// Escapes text for HTML element content and quoted attributes (single or double).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The language tag a message is written in: `fr` for French, `en` otherwise.
pub fn lang_tag(lang: &str) -> &'static str {
    if lang.starts_with("fr") { "fr" } else { "en" }
}

/// A whole HTML message: `body_html` (already escaped) in a document that declares its
/// language and title, so screen readers read it in the right voice.
pub fn html_document(lang: &str, subject: &str, body_html: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{l}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{s}</title></head><body>\n{body_html}</body></html>\n",
        l = lang_tag(lang),
        s = escape(subject),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_declare_their_language_and_escape_the_title() {
        let d = html_document("fr-CA", "a < b", "<p>x</p>\n");
        assert!(d.contains("<html lang=\"fr\">") && d.contains("<title>a &lt; b</title>") && d.contains("<p>x</p>"));
        assert!(html_document("de", "s", "").contains("lang=\"en\""));
        assert_eq!(escape("\"<&>"), "&quot;&lt;&amp;&gt;");
    }
}
