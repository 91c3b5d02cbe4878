//! Finding a community on another server by handle (`name@domain`, via WebFinger) or URL: the
//! community's own id, the address of any of its web pages (read through the page's
//! `<link rel="alternate" type="application/activity+json">`, as Guildhall, Mastodon and
//! Lemmy publish it), or the address of one of its discussions. Failures name their cause.

use std::cell::RefCell;

use activitypub_federation::config::Data;
use activitypub_federation::error::Error as P;
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::fetch::webfinger::webfinger_resolve_actor;
use guildhall_app::AppContext;
use guildhall_app::entities::community;
use html5ever::tokenizer::{
    BufferQueue, StartTag, Tag, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use serde_json::Value;
use url::Url;

use crate::Error;
use crate::actors::DbGroup;
use crate::urls::{is_local, same_origin};

/// The largest web page read for its alternate link.
const MAX_PAGE_BYTES: usize = 512 * 1024;
/// Object types whose community (their `audience`, `to` or `cc`) a pasted address stands for.
const POST_TYPES: &[&str] = &["Page", "Note", "Article", "Question", "Event"];

/// Resolves `name@domain`, `!name@domain` or a URL to a stored community.
pub async fn community(query: &str, data: &Data<AppContext>) -> Result<community::Model, Error> {
    let q = query.trim();
    if q.starts_with("http://") || q.starts_with("https://") {
        let url = Url::parse(q)?;
        return by_url(&url, data).await;
    }
    let handle = q.trim_start_matches(['!', '@']);
    let (name, host) =
        handle.rsplit_once('@').ok_or_else(|| Error::BadRequest("expected name@domain or a URL".into()))?;
    // A host no URL can hold (such as an invalid international name) is the query's fault,
    // not the other server's: refuse it before any lookup.
    if name.is_empty()
        || host.contains(['/', '?', '#', '@', ' '])
        || Url::parse(&format!("https://{host}/")).map_or(true, |u| u.host_str().is_none_or(str::is_empty))
    {
        return Err(Error::BadRequest("expected name@domain or a URL".into()));
    }
    if host.eq_ignore_ascii_case(data.domain()) {
        return local(data, name).await;
    }
    let g: DbGroup = webfinger_resolve_actor(handle, data).await.map_err(|e| explained(e, host))?;
    Ok(g.model)
}

async fn local(data: &Data<AppContext>, name: &str) -> Result<community::Model, Error> {
    guildhall_app::federation::actors::local_community(data.app_data(), &name.to_ascii_lowercase())
        .await?
        .ok_or(Error::NotFound)
}

async fn by_url(url: &Url, data: &Data<AppContext>) -> Result<community::Model, Error> {
    let host = crate::urls::authority(url);
    if is_local(data, url) {
        // Our own pages: `/c/{name}`, or the web page `/communities/{name}[/…]`.
        let mut segments = url.path_segments().into_iter().flatten();
        return match (segments.next(), segments.next()) {
            (Some("c" | "communities"), Some(name)) if !name.contains('@') => local(data, name).await,
            _ => Err(Error::BadRequest("this address is not a community page of this server".into())),
        };
    }
    let doc = match fetch_object_http::<AppContext, Value>(url, data).await {
        Ok(doc) => doc.object,
        // A web page (the library tries to read it as JSON first): follow its ActivityPub
        // alternate, once.
        Err(P::FetchInvalidContentType(_) | P::ParseFetchedObject(..)) => {
            let alternate = alternate_of(url).await?;
            fetch_object_http::<AppContext, Value>(&alternate, data).await.map_err(|e| explain(e, &host))?.object
        }
        Err(e) => return Err(explain(e, &host)),
    };
    community_of(doc, url, data).await.map_err(|e| explained(e, &host))
}

/// [`explain`] for the library's errors; ours already say what they mean.
fn explained(e: Error, host: &str) -> Error {
    match e {
        Error::Protocol(p) => explain(p, host),
        other => other,
    }
}

/// The community a fetched document stands for: itself, or the community of a post.
async fn community_of(doc: Value, url: &Url, data: &Data<AppContext>) -> Result<community::Model, Error> {
    let kind = doc.get("type").and_then(Value::as_str).unwrap_or_default().to_owned();
    let id = crate::wire::object_id(&doc).ok_or_else(|| Error::Unreachable(format!("{url} has no id")))?;
    if kind == "Group" {
        return Ok(ObjectId::<DbGroup>::from(id).dereference(data).await?.model);
    }
    if !POST_TYPES.contains(&kind.as_str()) {
        return Err(Error::Unreachable(format!("{url} is a {kind}, not a community or a post in one")));
    }
    let mut candidates: Vec<Url> = doc.get("audience").and_then(crate::wire::object_id).into_iter().collect();
    for field in ["to", "cc"] {
        let list = match doc.get(field) {
            Some(Value::Array(items)) => items.clone(),
            Some(one) => vec![one.clone()],
            None => vec![],
        };
        candidates.extend(
            list.iter()
                .filter_map(crate::wire::object_id)
                .filter(|u| u.as_str() != crate::wire::PUBLIC && !u.path().ends_with("/followers")),
        );
    }
    for candidate in candidates.into_iter().take(3) {
        if let Ok(g) = ObjectId::<DbGroup>::from(candidate).dereference(data).await {
            return Ok(g.model);
        }
    }
    Err(Error::Unreachable(format!("{url} is a {kind} that names no community")))
}

/// The ActivityPub address a web page names as its alternate, on the page's own server.
async fn alternate_of(url: &Url) -> Result<Url, Error> {
    let host = crate::urls::authority(url);
    // A page's head comes first: what is past the limit is not needed.
    let got = crate::answers::get_small(url, "text/html", MAX_PAGE_BYTES)
        .await
        .map_err(|e| Error::Unreachable(format!("could not reach {host}: {}", cause(&e))))?;
    if !got.status.is_success() {
        return Err(Error::Unreachable(format!("{host} answered {} for {url}", got.status)));
    }
    let page = String::from_utf8_lossy(&got.body);
    alternate_link(&page).and_then(|href| url.join(&href).ok()).filter(|alt| same_origin(alt, url)).ok_or_else(|| {
        Error::Unreachable(format!("{url} is a web page that names no ActivityPub address (no alternate link)"))
    })
}

/// The `href` of the first `<link rel="alternate" type="application/activity+json">` (or
/// `ld+json` with the ActivityStreams profile) in an HTML page.
pub fn alternate_link(html: &str) -> Option<String> {
    struct Links(RefCell<Option<String>>);
    impl TokenSink for Links {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            if let TagToken(Tag { kind: StartTag, name, attrs, .. }) = token
                && &*name == "link"
                && self.0.borrow().is_none()
            {
                let attr = |n: &str| attrs.iter().find(|a| &*a.name.local == n).map(|a| a.value.to_string());
                let rel = attr("rel").unwrap_or_default().to_ascii_lowercase();
                let kind = attr("type").unwrap_or_default().to_ascii_lowercase();
                let activity = kind.starts_with("application/activity+json")
                    || (kind.starts_with("application/ld+json") && kind.contains("activitystreams"));
                if rel.split_ascii_whitespace().any(|r| r == "alternate") && activity {
                    *self.0.borrow_mut() = attr("href");
                }
            }
            TokenSinkResult::Continue
        }
    }
    let tokenizer = Tokenizer::new(Links(RefCell::new(None)), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(html.into());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.take()
}

/// A resolve failure as the person who typed the address should read it.
fn explain(e: P, host: &str) -> Error {
    let why = match &e {
        P::NotFound | P::ObjectDeleted(_) => format!("{host} has no such community (not found)"),
        P::WebfingerResolveFailed(_) => format!("{host} knows no community by that name (WebFinger)"),
        P::FetchInvalidContentType(u) => format!("{u} is not an ActivityPub document"),
        P::FetchWrongId(u) => format!("{u} answered with a document of another address"),
        // WebFinger's "not found" answer is not a JSON document the library can read.
        P::ParseFetchedObject(_, u, _) if u.path() == "/.well-known/webfinger" => {
            format!("{host} knows no community by that name (WebFinger)")
        }
        P::ParseFetchedObject(_, u, _) => format!("{u} is not a community or a post this server can read"),
        P::DomainResolveError(_) | P::ResolveInternalIpError(..) => {
            format!("{host} is a private or local address, which this server does not federate with")
        }
        P::UrlVerificationError(reason) => format!("{host} is not allowed: {reason}"),
        P::RequestLimit | P::ResponseBodyLimit => format!("{host} answered with too much to read"),
        P::Reqwest(r) => format!("could not reach {host}: {}", cause(&crate::answers::error_chain(r))),
        P::ReqwestMiddleware(r) => format!("could not reach {host}: {}", cause(&crate::answers::error_chain(r))),
        other => format!("{host} answered in a way this server cannot use: {other}"),
    };
    tracing::info!(host, error = %e, "resolve failed");
    match e {
        P::NotFound | P::ObjectDeleted(_) | P::WebfingerResolveFailed(_) => Error::NotFound,
        P::ParseFetchedObject(_, u, _) if u.path() == "/.well-known/webfinger" => Error::NotFound,
        _ => Error::Unreachable(why),
    }
}

/// The last, most specific part of an HTTP client error chain ("connection refused", "dns
/// error: …"), without the request URL and internals before it.
fn cause(chain: &str) -> String {
    let lower = chain.to_ascii_lowercase();
    for (needle, said) in [
        ("dns error", "its name does not resolve (DNS)"),
        ("connection refused", "the connection was refused"),
        ("timed out", "it did not answer in time"),
        ("certificate", "its TLS certificate is not valid"),
        ("tls", "the TLS connection failed"),
    ] {
        if lower.contains(needle) {
            return said.to_owned();
        }
    }
    "the connection failed".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternate_links_are_found_in_pages() {
        let page = r#"<!DOCTYPE html><html><head><title>x</title>
            <link rel="stylesheet" href="/s.css">
            <link rel="alternate" type="application/activity+json" href="/c/ux">
            <link rel="alternate" type="application/activity+json" href="/c/other">
            </head><body><link rel="alternate" href="/feed"></body></html>"#;
        assert_eq!(alternate_link(page).as_deref(), Some("/c/ux"));
        let ld = r#"<link href="https://a.example/c/x" type='application/ld+json; profile="https://www.w3.org/ns/activitystreams"' rel="Alternate">"#;
        assert_eq!(alternate_link(ld).as_deref(), Some("https://a.example/c/x"));
        assert_eq!(alternate_link("<link rel=alternate type=text/html href=/x>"), None);
        assert_eq!(alternate_link("<p>no head at all"), None);
    }

    #[test]
    fn client_errors_name_a_cause_without_internals() {
        assert_eq!(
            cause(
                "error sending request for url (http://x/): client error (Connect): tcp connect error: Connection refused (os error 111)"
            ),
            "the connection was refused"
        );
        assert_eq!(cause("dns error: failed to lookup address information"), "its name does not resolve (DNS)");
        assert_eq!(cause("something odd"), "the connection failed");
    }
}
