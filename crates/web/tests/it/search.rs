//! `/search` and the header's search box: results (escaped, highlighted, labelled), paging,
//! filters, the network section, and bad values shown in the page with the form kept.

use axum::http::StatusCode;

use crate::common::{Site, assert_page, site};

/// `GET path` and checks `done` holds of the page. No waiting: each search first indexes
/// what was committed before it.
async fn page_until(site: &Site, path: &str, cookie: Option<&str>, done: impl Fn(&str) -> bool) -> String {
    let (res, body) = site.get(path, cookie).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}: {body}");
    assert!(done(&body), "{path}: not as expected; page {body}");
    assert_page(&res, &body);
    body
}

/// The links of the results, in order (`<h3><a href="…">`).
fn result_links(body: &str) -> Vec<String> {
    body.split("<h3><a href=\"").skip(1).filter_map(|s| s.split('"').next()).map(str::to_owned).collect()
}

async fn get_ok(site: &Site, path: &str) -> String {
    let (res, body) = site.get(path, None).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}: {body}");
    assert_page(&res, &body);
    body
}

#[tokio::test]
async fn results_are_listed_with_escaped_highlighted_snippets() {
    let site = site().await;
    let id = site.start_discussion("ada", "Budget <script>alert(1)</script> review").await;
    let ada = site.viewer("ada").await;
    let body = "The <b>budget</b> is approved";
    guildhall_app::discussions::reply(&site.ctx, &ada, id, None, body, Default::default()).await.expect("reply");

    let body = page_until(&site, "/search?q=budget", None, |b| result_links(b).len() >= 2).await;
    assert!(body.contains(&format!("href=\"/discussions/{id}")), "{body}");
    assert!(body.contains("Budget &#60;script&#62;alert(1)&#60;/script&#62; review"), "title shown as text: {body}");
    assert!(body.contains("<mark>"), "matches marked: {body}");
    assert!(!body.contains("<b>budget"), "no markup from content: {body}");
    assert!(body.contains("<ol class=\"plain search-results\""), "results are a list: {body}");
    assert!(body.contains("<h1>Search</h1>") && body.contains("<h2 id=\"results-heading\">Results</h2>"));
    assert!(body.contains(">Discussion</p>") && body.contains(">Reply</p>"), "kind labels: {body}");
    assert!(body.contains("UX Design (ux-design)") && body.contains("localhost:8080"), "community, instance: {body}");
    assert!(body.contains("value=\"budget\""), "the box keeps the words: {body}");

    // In French, with the same results.
    let (res, fr) = site.get_with("/search?q=budget", &[("accept-language", "fr-CA")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(fr.contains("<html lang=\"fr\"") && fr.contains("<h1>Recherche</h1>"), "{fr}");
    assert!(fr.contains(">Résultats</h2>") && fr.contains(">Réponse</p>"), "{fr}");
}

#[tokio::test]
async fn the_header_has_a_labelled_search_box() {
    let site = site().await;
    let body = get_ok(&site, "/").await;
    assert!(body.contains("action=\"/search\""), "{body}");
    assert!(body.contains("<label for=\"site-search-q\" class=\"visually-hidden\">Search this site</label>"));
    let empty = get_ok(&site, "/search").await;
    assert!(empty.contains("<label for=\"q\">Search for</label>") && !empty.contains("results-heading"));
}

#[tokio::test]
async fn pages_follow_one_another() {
    let site = site().await;
    for i in 0..23 {
        site.start_discussion("ada", &format!("Harbour notice {i}")).await;
    }
    let big = page_until(&site, "/search?q=harbour&limit=50", None, |b| result_links(b).len() == 23).await;
    let all = result_links(&big);
    let first = get_ok(&site, "/search?q=harbour").await;
    assert_eq!(result_links(&first), all[..20], "20 a page");
    assert!(first.contains("href=\"/search?q=harbour&#38;offset=20\" rel=\"next\""), "{first}");
    assert!(!first.contains("rel=\"prev\""));
    let second = get_ok(&site, "/search?q=harbour&offset=20").await;
    assert_eq!(result_links(&second), all[20..], "the rest");
    assert!(
        second.contains("href=\"/search?q=harbour&#38;offset=0\" rel=\"prev\"") && !second.contains("rel=\"next\"")
    );
    assert!(second.contains("<ol class=\"plain search-results\" start=\"21\""));
    // Filters ride along in the paging links.
    let kinds = get_ok(&site, "/search?q=harbour&kind=discussion&since=2000-01-01&limit=5").await;
    assert!(
        kinds.contains("/search?q=harbour&#38;kind=discussion&#38;since=2000-01-01&#38;limit=5&#38;offset=5"),
        "{kinds}"
    );
}

#[tokio::test]
async fn filters_are_applied_and_kept() {
    let site = site().await;
    let id = site.start_discussion("ada", "Lantern repairs").await;
    let ada = site.viewer("ada").await;
    let body = "Lantern glass ordered";
    guildhall_app::discussions::reply(&site.ctx, &ada, id, None, body, Default::default()).await.expect("reply");
    page_until(&site, "/search?q=lantern", None, |b| result_links(b).len() == 2).await;

    let replies = get_ok(&site, "/search?q=lantern&kind=reply").await;
    assert_eq!(result_links(&replies).len(), 1, "{replies}");
    assert!(replies.contains(">Reply</p>") && !replies.contains(">Discussion</p>"));
    assert!(replies.contains("id=\"kind-reply\" name=\"kind\" value=\"reply\" checked"), "ticked box kept");
    let tomorrow = chrono::Utc::now().date_naive().succ_opt().expect("a day");
    let later = get_ok(&site, &format!("/search?q=lantern&since={tomorrow}")).await;
    assert!(result_links(&later).is_empty() && later.contains("Nothing found"), "{later}");
    assert!(later.contains(&format!("value=\"{tomorrow}\"")), "the date is kept");
    let elsewhere = get_ok(&site, "/search?q=lantern&community=nowhere").await;
    assert!(result_links(&elsewhere).is_empty(), "{elsewhere}");

    let network = get_ok(&site, "/search?q=lantern&network=true").await;
    assert!(network.contains("<h2 id=\"network-heading\">From other instances</h2>"), "{network}");
    assert!(network.contains("id=\"network\" name=\"network\" value=\"true\" checked"));
}

#[tokio::test]
async fn bad_values_are_told_in_the_page_with_the_form_kept() {
    let site = site().await;
    let long = "a".repeat(guildhall_domain::search::MAX_QUERY_CHARS + 1);
    for (path, field, message) in [
        ("/search?q=lamp&since=2026-13-01".to_owned(), "since", "Enter a date as YYYY-MM-DD"),
        ("/search?q=lamp&kind=bogus".to_owned(), "kind", "Choose kinds from the list"),
        ("/search?q=lamp&language=de".to_owned(), "language", "Choose English, French or any language"),
        ("/search?q=lamp&since=2026-02-02&until=2026-02-01".to_owned(), "until", "must not be before"),
        ("/search?q=lamp&offset=-3".to_owned(), "q", "This page of results does not exist"),
        (format!("/search?q={long}"), "q", "Enter 300 characters or fewer"),
    ] {
        let (res, body) = site.get(&path, None).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_page(&res, &body);
        assert!(body.contains("class=\"error-summary\"") && body.contains(&format!("href=\"#{field}\"")), "{body}");
        assert!(body.contains(message), "{path}: {body}");
        assert!(body.contains("<title>Error: Search"), "{body}");
        if field != "q" || !path.contains(&long) {
            assert!(body.contains("value=\"lamp\""), "the words are kept: {body}");
        }
    }
    let (res, fr) = site.get_with("/search?q=lamp&since=hier", &[("accept-language", "fr")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(fr.contains("Entrez une date au format AAAA-MM-JJ") && fr.contains("value=\"hier\""), "{fr}");
}

#[tokio::test]
async fn an_address_is_offered_to_open_as_the_follow_box_does() {
    let site = site().await;
    let s = site.sign_in("ada").await;
    let (res, body) = site.get("/search?q=ops%40beta.example", Some(&s.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK, "{body}");
    assert_page(&res, &body);
    assert!(body.contains("<form method=\"post\" action=\"/follow\""), "{body}");
    assert!(body.contains("name=\"handle\" value=\"ops@beta.example\""), "{body}");
    // Signed out: a way to sign in instead of a form that would be refused.
    let body = get_ok(&site, "/search?q=https%3A%2F%2Fbeta.example%2Fcommunities%2Fops").await;
    assert!(!body.contains("action=\"/follow\"") && body.contains("/login?next="), "{body}");
    // Plain words are not addresses.
    let body = get_ok(&site, "/search?q=procurement").await;
    assert!(!body.contains("address-heading"), "{body}");
}
