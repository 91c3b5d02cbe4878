//! Request bodies as Mastodon clients send them: JSON, form-encoded (with Rails' bracketed
//! keys such as `poll[options][]`) or multipart, or, when the body is empty, the query
//! string (Rails merges both, and some clients rely on it).

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::MastoError;

/// The largest body accepted here (statuses and forms are small; media is not supported).
const MAX_BODY: usize = 256 * 1024;

/// A request's parameters, whichever way they were sent.
pub struct Params<T>(pub T);

fn qs() -> serde_qs::Config {
    // Not strict: form bodies arrive with the brackets percent-encoded (`poll%5Boptions%5D%5B%5D`).
    serde_qs::Config::new(5, false)
}

fn from_form<T: DeserializeOwned>(text: &str) -> Result<T, MastoError> {
    qs().deserialize_str(text).map_err(MastoError::validation)
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Params<T> {
    type Rejection = MastoError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type =
            req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
        let query = req.uri().query().unwrap_or("").to_string();
        if content_type.starts_with("multipart/form-data") {
            let mut multipart = Multipart::from_request(req, state)
                .await
                .map_err(|e| MastoError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
            let mut pairs = Vec::new();
            while let Some(field) =
                multipart.next_field().await.map_err(|e| MastoError::new(StatusCode::BAD_REQUEST, e.body_text()))?
            {
                let Some(name) = field.name().map(str::to_string) else { continue };
                if field.file_name().is_some() {
                    return Err(MastoError::validation("file uploads are not supported"));
                }
                let value = field.text().await.map_err(|e| MastoError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
                pairs.push((name, value));
            }
            let text = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
            return from_form(&text).map(Params);
        }
        let bytes = axum::body::to_bytes(req.into_body(), MAX_BODY)
            .await
            .map_err(|_| MastoError::new(StatusCode::PAYLOAD_TOO_LARGE, "The request body is too large"))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return from_form(&query).map(Params);
        }
        if content_type.starts_with("application/json") || content_type.ends_with("+json") {
            return serde_json::from_slice(&bytes).map(Params).map_err(MastoError::validation);
        }
        let text = std::str::from_utf8(&bytes).map_err(|_| MastoError::validation("the body is not UTF-8"))?;
        from_form(text).map(Params)
    }
}

/// Reads Mastodon's many spellings of a boolean: `true`/`false`, `1`/`0`, `on`/`off`.
pub fn flexible_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum B {
        Bool(bool),
        Int(i64),
        Text(String),
    }
    Ok(match Option::<B>::deserialize(d)? {
        None => None,
        Some(B::Bool(b)) => Some(b),
        Some(B::Int(i)) => Some(i != 0),
        Some(B::Text(t)) => match t.trim().to_ascii_lowercase().as_str() {
            "" => None,
            "1" | "true" | "on" | "yes" | "t" => Some(true),
            "0" | "false" | "off" | "no" | "f" => Some(false),
            _ => return Err(serde::de::Error::custom(format!("{t:?} is not a boolean"))),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Poll {
        options: Vec<String>,
        expires_in: Option<String>,
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Status {
        status: String,
        poll: Option<Poll>,
        #[serde(default, deserialize_with = "flexible_bool")]
        sensitive: Option<bool>,
    }

    #[test]
    fn bracketed_form_keys_nest() {
        let s: Status =
            from_form("status=hi+there&poll[options][]=a&poll[options][]=b&poll[expires_in]=3600&sensitive=1").unwrap();
        assert_eq!(s.status, "hi there");
        let poll = s.poll.unwrap();
        assert_eq!(poll.options, ["a", "b"]);
        assert_eq!(poll.expires_in.as_deref(), Some("3600"));
        assert_eq!(s.sensitive, Some(true));
    }

    #[test]
    fn junk_is_a_validation_error() {
        let e = from_form::<Status>("sensitive=maybe&status=x").unwrap_err();
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}
