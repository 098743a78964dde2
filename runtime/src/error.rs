//! The crate's one error type.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::auth::{CredentialError, MissingCredentials};
use crate::body_limit::ResponseTooLarge;
pub use crate::rate_limit::RateLimit;
use crate::redirect::{RedirectReason, RedirectRefused};
use crate::refusal;

/// Everything that can go wrong when calling Cal.com.
///
/// Generated methods return `progenitor_client::Error`; `?` converts it into this type
/// in any function that returns [`calcom::Result`](crate::Result).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Cal.com answered with a non-success status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The request or the response took longer than the configured timeout.
    #[error("Cal.com request timed out")]
    Timeout(#[source] reqwest::Error),
    /// The connection could not be made, or broke before the answer was complete.
    #[error("connection to Cal.com failed")]
    Connection(#[source] reqwest::Error),
    /// A success answer whose body does not match the document's schema. The body is kept.
    #[error("Cal.com's answer could not be decoded at {path}; {} bytes kept in `body`", body.len())]
    Decode {
        /// The raw body.
        body: Bytes,
        /// Where in the body the value that failed is: `data[3].status`, or `.` for the
        /// body as a whole (not JSON, cut short).
        path: String,
        /// Why it did not decode: what was expected, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// The request was not sent: a required value is missing or invalid.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The request was not sent: the operation needs a credential the client was not
    /// configured with (a platform client's id and secret, or an API key / access token).
    #[error("{0}")]
    MissingCredentials(MissingCredentials),
    /// The client could not be built.
    #[error("invalid client configuration")]
    Config(#[from] ConfigError),
    /// Any other HTTP-level failure.
    #[error("HTTP error")]
    Http(#[source] reqwest::Error),
    /// The server answered with a redirect the client does not follow: to another origin
    /// (scheme, host or port), a downgrade from https to http, a loop, or more than
    /// [`MAX_REDIRECTS`](crate::MAX_REDIRECTS) in a row. Nothing was sent to the target.
    #[error(
        "Cal.com answered {status} redirecting from {from_origin} to {to_origin}, which the \
         client does not follow: {reason}"
    )]
    Redirect {
        /// The redirect's status (301, 302, 303, 307, 308).
        status: StatusCode,
        /// The origin that answered with the redirect (`scheme://host:port`).
        from_origin: String,
        /// The origin the `Location` points to (never its path, query or user info).
        to_origin: String,
        /// Why it was not followed.
        reason: RedirectReason,
    },
    /// The answer's body passed [`max_response_bytes`](crate::ClientBuilder::max_response_bytes);
    /// it was cut off and its connection dropped. Not retried.
    #[error("Cal.com's answer{} is larger than the limit of {limit} bytes (`max_response_bytes`)", status.map(|s| format!(" ({s})")).unwrap_or_default())]
    ResponseTooLarge {
        /// The answer's status, when known.
        status: Option<StatusCode>,
        /// The limit in bytes.
        limit: u64,
    },
    /// A managed user's access token had expired (or was about to), and refreshing it
    /// failed. The client keeps its old pair; the cause says what the refresh met.
    #[error("the managed user's access token could not be refreshed")]
    TokenRefresh(#[source] TokenRefreshError),
}

/// Why refreshing a managed user's tokens failed. Never contains a token.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum TokenRefreshError {
    /// Cal.com answered the refresh with a non-success status (an unknown or already used
    /// refresh token, a wrong secret key, a server error …).
    #[error("Cal.com refused the token refresh: {0}")]
    Refused(Box<ApiError>),
    /// The refresh request could not be sent, or its answer could not be read. The server
    /// may have rotated the tokens all the same: recover with `force_refresh_tokens`.
    #[error("the token refresh request failed")]
    Transport(#[source] std::sync::Arc<reqwest::Error>),
    /// A success answer without the tokens in it.
    #[error("Cal.com's token refresh answer ({status}) has no valid {field}")]
    Decode {
        /// The status of the answer.
        status: StatusCode,
        /// The JSON path of the first missing or malformed field (`data.accessToken`).
        field: &'static str,
    },
    /// The client cannot refresh: it has no managed user's tokens, or no platform client.
    #[error("the client cannot refresh tokens: {0}")]
    NotConfigured(&'static str),
    /// The refresh task was stopped before it finished: the async runtime is shutting down.
    #[error("the token refresh was interrupted: the async runtime is shutting down")]
    Interrupted,
}

impl TokenRefreshError {
    /// Cal.com's answer to the refresh, when it refused.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            TokenRefreshError::Refused(api) => Some(api),
            _ => None,
        }
    }
}

/// The status Cal.com answers an expired access token with.
pub(crate) const TOKEN_EXPIRED_STATUS: u16 = 498;
/// The message Cal.com gives with it.
pub(crate) const TOKEN_EXPIRED_MESSAGE: &str = "ACCESS_TOKEN_IS_EXPIRED";

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A client configuration that cannot work.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A credential was refused (the error never contains it).
    #[error(transparent)]
    Credential(#[from] CredentialError),
    /// An environment variable is missing or wrong.
    #[error("environment variable {name}: {reason}")]
    Env {
        /// The variable.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The base URL does not parse or is not http(s).
    #[error("base URL {url:?} is not a valid http(s) URL")]
    BaseUrl {
        /// The URL as given.
        url: String,
    },
    /// Another setting is invalid (user agent, API version …).
    #[error("{0}")]
    Invalid(String),
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client")]
    Http(#[source] reqwest::Error),
}

/// A non-success answer from Cal.com, with everything it said.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Cal.com's `error.code` (e.g. `UnauthorizedException`), when the body has one.
    pub code: Option<String>,
    /// Cal.com's `error.message`, or `message`, when the body has one.
    pub message: Option<String>,
    /// Cal.com's `error.details`, when the body has them.
    pub details: Option<serde_json::Value>,
    /// The `X-Request-Id` header: quote it to Cal.com's support.
    pub request_id: Option<String>,
    /// The rate-limit headers.
    pub rate_limit: RateLimit,
    /// The `Retry-After` header, as a delay.
    pub retry_after: Option<Duration>,
    /// All response headers.
    pub headers: HeaderMap,
    /// The raw body, whatever it is (JSON, HTML, empty).
    pub body: Bytes,
}

impl ApiError {
    /// Builds the error from an answer's parts, decoding Cal.com's error body if it is one.
    pub fn from_parts(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        let (code, message, details) = serde_json::from_slice::<serde_json::Value>(&body)
            .map(|json| error_fields(&json))
            .unwrap_or_default();
        let request_id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let rate_limit = RateLimit::from_headers(&headers);
        let retry_after = crate::rate_limit::retry_after(&headers, std::time::SystemTime::now());
        Self {
            status,
            code,
            message,
            details,
            request_id,
            rate_limit,
            retry_after,
            headers,
            body,
        }
    }

    /// The body as text, if it is UTF-8.
    pub fn body_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// `true` for Cal.com's answer to an expired access token: HTTP 498, or a 401 whose
    /// message is `ACCESS_TOKEN_IS_EXPIRED`.
    pub fn is_token_expired(&self) -> bool {
        self.status.as_u16() == TOKEN_EXPIRED_STATUS
            || (self.status == StatusCode::UNAUTHORIZED
                && self
                    .message
                    .as_deref()
                    .is_some_and(|m| m.contains(TOKEN_EXPIRED_MESSAGE)))
    }
}

/// `(code, message, details)` of an error body in one of the shapes Cal.com answers with:
/// its envelope `{"status":"error","error":{"code","message","details"}}`, or NestJS's
/// default `{"statusCode":400,"message":"…" or ["…", …],"error":"Bad Request"}`. A message
/// given as a list is joined into one line, and the list is kept in `details`.
fn error_fields(
    json: &serde_json::Value,
) -> (Option<String>, Option<String>, Option<serde_json::Value>) {
    use serde_json::Value;
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    // A list of messages (NestJS validation) as one readable line, and the list itself.
    let message_of = |v: Option<&Value>| match v {
        Some(Value::Array(items)) => {
            let line = items
                .iter()
                .map(|item| match item {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join("; ");
            (Some(line), v.cloned())
        }
        other => (text(other), None),
    };
    match json.get("error") {
        Some(envelope @ Value::Object(_)) => {
            let code = text(envelope.get("code"));
            let (message, list) = match envelope.get("message") {
                None | Some(Value::Null) => message_of(json.get("message")),
                given => message_of(given),
            };
            let details = envelope
                .get("details")
                .filter(|d| !d.is_null())
                .cloned()
                .or(list);
            (code, message, details)
        }
        nest_error => {
            // NestJS: `error` is the status's reason phrase, the closest thing to a code.
            let code = match nest_error {
                Some(Value::String(s)) => Some(s.clone()),
                _ => None,
            };
            let (message, list) = message_of(json.get("message"));
            (code, message, list)
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cal.com answered {}", self.status)?;
        // NestJS's `error` is the status's reason phrase: said once already.
        if let Some(code) = self
            .code
            .as_deref()
            .filter(|c| Some(*c) != self.status.canonical_reason())
        {
            write!(f, " {code}")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        } else if !self.body.is_empty() {
            let ct = self
                .headers
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("unknown type");
            write!(f, " ({} byte {ct} body)", self.body.len())?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        if let Some(delay) = self.retry_after {
            write!(f, " (retry after {:.1} s)", delay.as_secs_f64())?;
        }
        Ok(())
    }
}

impl Error {
    /// The HTTP status, for errors that come from an answer.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            _ => None,
        }
    }

    /// The Cal.com error details, for API errors.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// `true` when Cal.com said the access token has expired (HTTP 498, or a 401 with
    /// `ACCESS_TOKEN_IS_EXPIRED`). A client with managed-user tokens has already refreshed
    /// and replayed once when it returns this.
    pub fn is_token_expired(&self) -> bool {
        self.api().is_some_and(ApiError::is_token_expired)
    }

    /// Why refreshing the managed user's tokens failed, for [`Error::TokenRefresh`].
    pub fn token_refresh(&self) -> Option<&TokenRefreshError> {
        match self {
            Error::TokenRefresh(e) => Some(e),
            _ => None,
        }
    }

    /// The `X-Request-Id` of the answer, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        self.api().and_then(|e| e.request_id.as_deref())
    }

    fn from_transport(e: reqwest::Error) -> Self {
        // The client's own refusals travel as reqwest errors (the hook's error type).
        if let Some(r) = refusal::find::<RedirectRefused>(&e) {
            return Error::Redirect {
                status: r.status,
                from_origin: r.from_origin.clone(),
                to_origin: r.to_origin.clone(),
                reason: r.reason,
            };
        }
        if let Some(t) = refusal::find::<ResponseTooLarge>(&e) {
            return Error::ResponseTooLarge {
                status: t.status,
                limit: t.limit,
            };
        }
        if let Some(missing) = refusal::find::<MissingCredentials>(&e) {
            return Error::MissingCredentials(missing.clone());
        }
        // A reqwest "decode" error is a body that broke off in transit: no content
        // decoding feature is enabled, and JSON is decoded by serde, not reqwest.
        if e.is_timeout() {
            Error::Timeout(e)
        } else if e.is_connect() || e.is_request() || e.is_body() || e.is_decode() {
            Error::Connection(e)
        } else {
            Error::Http(e)
        }
    }
}

impl<E> From<progenitor_client::Error<E>> for Error {
    fn from(e: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as P;
        match e {
            P::InvalidRequest(s) | P::Custom(s) => Error::InvalidRequest(s),
            P::CommunicationError(e) | P::ResponseBodyError(e) => Error::from_transport(e),
            P::InvalidUpgrade(e) => Error::Http(e),
            P::ErrorResponse(rv) => Error::Api(Box::new(ApiError::from_parts(
                rv.status(),
                rv.headers().clone(),
                Bytes::new(),
            ))),
            P::InvalidResponsePayload(body, source) => {
                let (path, source) = crate::decode::split(source);
                Error::Decode { body, path, source }
            }
            P::UnexpectedResponse(response) => {
                // The call met an expired token and the client's refresh failed.
                if let Some(e) = response.extensions().get::<TokenRefreshError>() {
                    return Error::TokenRefresh(e.clone());
                }
                // The client's exec hook read the body of every non-success answer and
                // left the decoded error on the response.
                let api = response
                    .extensions()
                    .get::<ApiError>()
                    .cloned()
                    .unwrap_or_else(|| {
                        ApiError::from_parts(
                            response.status(),
                            response.headers().clone(),
                            Bytes::new(),
                        )
                    });
                Error::Api(Box::new(api))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_cal_com_error_bodies() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", "req-1".parse().unwrap());
        headers.insert("x-ratelimit-remaining-default", "0".parse().unwrap());
        let body = Bytes::from_static(br#"{"status":"error","timestamp":"t","path":"/v2/me","error":{"code":"UnauthorizedException","message":"Invalid API Key","details":{"a":1}}}"#);
        let e = ApiError::from_parts(StatusCode::UNAUTHORIZED, headers, body);
        assert_eq!(e.code.as_deref(), Some("UnauthorizedException"));
        assert_eq!(e.message.as_deref(), Some("Invalid API Key"));
        assert_eq!(e.details, Some(serde_json::json!({"a": 1})));
        assert_eq!(e.rate_limit.remaining, Some(0));
        assert_eq!(
            e.to_string(),
            "Cal.com answered 401 Unauthorized UnauthorizedException: Invalid API Key [request id req-1]"
        );
    }

    #[tokio::test]
    async fn a_missing_credential_arrives_typed_through_the_hook_error() {
        let missing = MissingCredentials {
            operation: "get_managed_users",
            needs: "platform client credentials",
            has: "an API key".into(),
        };
        let carried = crate::refusal::as_reqwest_error(missing.clone()).await;
        let e = Error::from(progenitor_client::Error::<()>::CommunicationError(carried));
        let Error::MissingCredentials(found) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(found, &missing);
        assert_eq!(e.to_string(), missing.to_string());
        assert!(std::error::Error::source(&e).is_none());
    }

    #[test]
    fn keeps_non_json_bodies() {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", "text/html".parse().unwrap());
        let e = ApiError::from_parts(
            StatusCode::BAD_GATEWAY,
            headers,
            Bytes::from_static(b"<html>bad</html>"),
        );
        assert_eq!(e.code, None);
        assert_eq!(e.body_text(), Some("<html>bad</html>"));
        assert_eq!(
            e.to_string(),
            "Cal.com answered 502 Bad Gateway (16 byte text/html body)"
        );
    }

    fn from_json(status: u16, body: serde_json::Value) -> ApiError {
        ApiError::from_parts(
            StatusCode::from_u16(status).unwrap(),
            HeaderMap::new(),
            Bytes::from(body.to_string()),
        )
    }

    #[test]
    fn decodes_nest_js_default_errors() {
        let e = from_json(
            500,
            serde_json::json!({"statusCode": 500, "message": "Internal server error"}),
        );
        assert_eq!(e.code, None);
        assert_eq!(e.message.as_deref(), Some("Internal server error"));
        assert_eq!(e.details, None);
        let e = from_json(
            404,
            serde_json::json!({"statusCode": 404, "message": "Booking not found", "error": "Not Found"}),
        );
        assert_eq!(e.code.as_deref(), Some("Not Found"));
        assert_eq!(e.message.as_deref(), Some("Booking not found"));
        assert_eq!(
            e.to_string(),
            "Cal.com answered 404 Not Found: Booking not found"
        );
    }

    #[test]
    fn joins_nest_js_validation_messages_and_keeps_the_list() {
        let list = serde_json::json!([
            "start must be a valid ISO 8601 date string",
            "eventTypeId must be an integer number"
        ]);
        let e = from_json(
            400,
            serde_json::json!({"statusCode": 400, "message": list, "error": "Bad Request"}),
        );
        assert_eq!(e.code.as_deref(), Some("Bad Request"));
        assert_eq!(
            e.message.as_deref(),
            Some(
                "start must be a valid ISO 8601 date string; eventTypeId must be an integer number"
            )
        );
        assert_eq!(e.details, Some(list.clone()));
        assert!(!e.to_string().contains('\n'));
        // The same list inside Cal.com's envelope.
        let e = from_json(
            400,
            serde_json::json!({"status": "error", "error": {"code": "BadRequestException", "message": list}}),
        );
        assert_eq!(e.code.as_deref(), Some("BadRequestException"));
        assert_eq!(e.message.as_deref().map(|m| m.contains("; ")), Some(true));
        assert_eq!(e.details, Some(list));
    }

    #[test]
    fn odd_shapes_lose_nothing_and_never_fail() {
        for body in [
            serde_json::json!([1, 2]),
            serde_json::json!("text"),
            serde_json::json!({"message": {"nested": true}}),
            serde_json::json!({"error": 5, "message": null}),
            serde_json::json!({"message": [1, {"a": "b"}]}),
        ] {
            let e = from_json(500, body.clone());
            assert_eq!(e.body, body.to_string());
        }
        let e = from_json(500, serde_json::json!({"message": [1, {"a": "b"}]}));
        assert_eq!(e.message.as_deref(), Some(r#"1; {"a":"b"}"#));
    }
}
