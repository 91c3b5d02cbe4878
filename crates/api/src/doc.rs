//! Responses every operation can give, added to the OpenAPI document in one place so that
//! the document matches what the extractors answer (checked by schemathesis in CI, see
//! docs/schema-testing.md).

use utoipa::openapi::path::Operation;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

/// Operations under the instance's rate limits (`guildhall::limits`, which answers 429).
const RATE_LIMITED: [(&str, &str); 5] = [
    ("post", "/api/guildhall/v1/accounts"),
    ("get", "/api/guildhall/v1/communities"),
    ("get", "/api/guildhall/v1/directory"),
    ("get", "/api/guildhall/v1/map"),
    ("post", "/api/guildhall/v1/federation/resolve"),
];

/// Adds, where an operation does not document them itself: 400 for an unreadable path or
/// query parameter, 400/413/415/422 for a body that is not acceptable JSON, 401 for
/// credentials that are invalid or missing, and 429 where a rate limit applies.
pub fn add_common_responses(doc: &mut OpenApi) {
    for (method, path) in RATE_LIMITED {
        let item = doc.paths.paths.get_mut(path);
        let op = item.and_then(|i| if method == "get" { i.get.as_mut() } else { i.post.as_mut() });
        if let Some(op) = op {
            add(op, "429", "Too many requests from this address: wait the `Retry-After` seconds");
        }
    }
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
            &mut item.options,
        ];
        for op in operations.into_iter().flatten() {
            add_to(op);
        }
    }
}

fn add_to(op: &mut Operation) {
    let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let has_body = op.request_body.is_some();
    if has_params || has_body {
        add(op, "400", "The path, query or body could not be read, or a value is not valid");
    }
    if has_body {
        add(op, "413", "The body is larger than the API accepts (1 MiB)");
        add(op, "415", "The body is not sent as `Content-Type: application/json`");
        add(op, "422", "The body is JSON but not of the expected shape");
    }
    // Any request whose bearer token or session cookie is invalid is refused, on public
    // operations too (the credentials are checked before the handler runs).
    add(op, "401", "Sign-in required, or the credentials are invalid or expired");
}

fn add(op: &mut Operation, status: &str, description: &str) {
    op.responses.responses.entry(status.to_string()).or_insert_with(|| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                )
                .build(),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::RATE_LIMITED;

    #[test]
    fn every_operation_documents_401_and_body_errors() {
        let doc = crate::openapi();
        let login = doc.paths.paths["/api/guildhall/v1/auth/login"].post.as_ref().unwrap();
        for status in ["400", "401", "413", "415", "422"] {
            assert!(login.responses.responses.contains_key(status), "login lacks {status}");
        }
        let me = doc.paths.paths["/api/guildhall/v1/accounts/me"].get.as_ref().unwrap();
        assert!(me.responses.responses.contains_key("401"));
        assert!(!me.responses.responses.contains_key("415"), "no body, no 415");
        for (method, path) in RATE_LIMITED {
            let item = &doc.paths.paths[path];
            let op = if method == "get" { item.get.as_ref() } else { item.post.as_ref() };
            assert!(op.unwrap().responses.responses.contains_key("429"), "{method} {path}");
        }
    }
}
