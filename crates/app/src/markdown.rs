//! Markdown source to sanitised HTML: no scripts, no event handlers, only safe link schemes.

use pulldown_cmark::{Options, Parser, html};

/// Renders Markdown to HTML that is safe to embed in a page.
pub fn render(source: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    let mut unsafe_html = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(source, options));
    sanitize(&unsafe_html)
}

/// Cleans HTML from any source (rendered Markdown now, remote posts later) with an allowlist.
pub fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("nofollow noopener noreferrer ugc"))
        .clean(html)
        .to_string()
}

/// Text of sanitised HTML, for calendar clients and search snippets, which show no HTML.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_owned()
}

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown() {
        assert_eq!(render("Hello **world**"), "<p>Hello <strong>world</strong></p>\n");
        assert!(render("| a |\n|---|\n| b |").contains("<table>"));
    }

    #[test]
    fn strips_scripts_handlers_and_bad_links() {
        let out = render(
            "<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1)) <iframe srcdoc='<b>'></iframe>",
        );
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("onerror"), "{out}");
        assert!(!out.contains("iframe"), "{out}");
        let link = render("[x](javascript:alert(1)) and <a href=\"javascript:alert(2)\">y</a>");
        assert!(!link.contains("href=\"javascript:"), "{link}");
    }

    #[test]
    fn links_get_safe_rel() {
        let out = render("[site](https://canada.ca)");
        assert!(out.contains("href=\"https://canada.ca\""), "{out}");
        assert!(out.contains("rel=\"nofollow noopener noreferrer ugc\""), "{out}");
    }
}
