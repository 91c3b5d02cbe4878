//! WebFinger, NodeInfo 2.1 and host-meta.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::webfinger::{Webfinger, build_webfinger_response_with_type};
use axum::extract::Query;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use guildhall_app::AppContext;
use guildhall_app::federation::actors;
use serde::Deserialize;
use serde_json::json;

use crate::urls::Urls;

/// WebFinger query.
#[derive(Deserialize)]
pub struct WebfingerQuery {
    resource: Option<String>,
}

fn jrd_error(status: StatusCode, message: &str) -> Response {
    (status, [(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], axum::Json(json!({"error": message}))).into_response()
}

/// `GET /.well-known/webfinger?resource=acct:name@domain` (people and communities share names).
pub async fn webfinger(Query(q): Query<WebfingerQuery>, data: Data<AppContext>) -> Response {
    let Some(resource) = q.resource.filter(|r| !r.is_empty()) else {
        return jrd_error(StatusCode::BAD_REQUEST, "the resource parameter is required");
    };
    let ctx = data.app_data();
    let urls = Urls::new(ctx);
    let name = match parse_resource(&resource, ctx.instance().domain.as_str(), &urls) {
        Ok(Some(n)) => n,
        Ok(None) => return jrd_error(StatusCode::NOT_FOUND, "not on this server"),
        Err(()) => return jrd_error(StatusCode::BAD_REQUEST, "resource must be acct:name@domain or a URL of ours"),
    };
    let found: Result<Option<Webfinger>, crate::Error> = async {
        if let Some(a) = actors::local_person(ctx, &name).await? {
            return Ok(Some(build_webfinger_response_with_type(
                resource.clone(),
                vec![(urls.person(&a.username), Some("Person"))],
            )));
        }
        if let Some(c) = actors::local_community(ctx, &name).await? {
            return Ok(Some(build_webfinger_response_with_type(
                resource.clone(),
                vec![(urls.group(&c.name), Some("Group"))],
            )));
        }
        Ok(None)
    }
    .await;
    match found {
        Ok(Some(wf)) => (
            [(header::CONTENT_TYPE, "application/jrd+json"), (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")],
            serde_json::to_string(&wf).unwrap_or_default(),
        )
            .into_response(),
        Ok(None) => jrd_error(StatusCode::NOT_FOUND, "no such account or community"),
        Err(e) => e.into_response(),
    }
}

/// The local name a resource names: `Ok(None)` for another server, `Err` when malformed.
pub(crate) fn parse_resource(resource: &str, domain: &str, urls: &Urls) -> Result<Option<String>, ()> {
    if let Some(acct) = resource.strip_prefix("acct:") {
        let (name, host) = acct.trim_start_matches('@').rsplit_once('@').ok_or(())?;
        let bad =
            |x: &str, extra: &[char]| x.chars().any(|c| matches!(c, '/' | '?' | '#' | '@' | ' ') || extra.contains(&c));
        if name.is_empty() || host.is_empty() || bad(name, &[':']) || bad(host, &[]) {
            return Err(());
        }
        if !host.eq_ignore_ascii_case(domain) {
            return Ok(None);
        }
        return Ok(Some(name.to_ascii_lowercase()));
    }
    let url = url::Url::parse(resource).map_err(|_| ())?;
    let base = urls.person("x");
    if !crate::urls::same_origin(&url, &base) {
        return Ok(None);
    }
    let path = url.path();
    Ok(path.strip_prefix("/u/").or_else(|| path.strip_prefix("/c/")).map(|n| n.to_ascii_lowercase()))
}

/// `GET /.well-known/nodeinfo`.
pub async fn nodeinfo_links(data: Data<AppContext>) -> Response {
    let base = data.app_data().instance().base_url();
    axum::Json(json!({
        "links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": format!("{base}/nodeinfo/2.1")}]
    }))
    .into_response()
}

/// `GET /nodeinfo/2.1`.
pub async fn nodeinfo(data: Data<AppContext>) -> Result<Response, crate::Error> {
    let ctx = data.app_data();
    let users = actors::active_users(ctx).await?;
    let settings = guildhall_app::admin::settings(ctx).await?;
    let dir = guildhall_app::directory::counts(ctx).await?;
    let body = json!({
        "version": "2.1",
        "software": {
            "name": "guildhall",
            "version": env!("CARGO_PKG_VERSION"),
            "repository": "https://example.invalid/guildhall",
        },
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": settings.registration_mode == guildhall_domain::RegistrationMode::Open,
        "usage": {"users": {"total": users}},
        "metadata": {
            "nodeName": ctx.instance().domain,
            "organisation": settings.organisation,
            "government": settings.government,
            "directory": {
                "url": guildhall_app::directory::directory_url(ctx),
                "listed": dir.listed,
                "communities": dir.communities,
                "guilds": dir.guilds,
                "external": dir.external,
            },
        },
    });
    Ok((
        [(header::CONTENT_TYPE, "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\"")],
        body.to_string(),
    )
        .into_response())
}

/// `GET /.well-known/host-meta`.
pub async fn host_meta(data: Data<AppContext>) -> Response {
    let base = data.app_data().instance().base_url();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n  <Link rel=\"lrdd\" template=\"{base}/.well-known/webfinger?resource={{uri}}\"/>\n</XRD>\n"
    );
    ([(header::CONTENT_TYPE, "application/xrd+xml")], xml).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources() {
        let ctx_urls = Urls::for_base("http://localhost:8080");
        let p = |r: &str| parse_resource(r, "localhost:8080", &ctx_urls);
        assert_eq!(p("acct:ux-design@localhost:8080"), Ok(Some("ux-design".into())));
        assert_eq!(p("acct:@Ada@LOCALHOST:8080"), Ok(Some("ada".into())));
        assert_eq!(p("acct:ada@elsewhere.example"), Ok(None));
        assert_eq!(p("http://localhost:8080/c/ux"), Ok(Some("ux".into())));
        assert_eq!(p("http://localhost:9999/c/ux"), Ok(None));
        for bad in
            ["ada", "acct:ada", "acct:@x", "acct:a/b@localhost:8080", "acct:x@", "mailto", "acct:x@127.0.0.1/evil?"]
        {
            assert_eq!(p(bad), Err(()), "{bad}");
        }
    }
}
