//! The crate's one error type.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::auth::CredentialError;

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
    #[error("Cal.com request timed out: {0}")]
    Timeout(#[source] reqwest::Error),
    /// The connection could not be made, or broke before the answer was complete.
    #[error("connection to Cal.com failed: {0}")]
    Connection(#[source] reqwest::Error),
    /// A success answer whose body does not match the document's schema. The body is kept.
    #[error("Cal.com's answer could not be decoded at {path} ({source}); {} bytes kept in `body`", body.len())]
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
    /// The request was not sent: a required value is missing or invalid, or the client's
    /// credentials cannot satisfy the operation.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The client could not be built.
    #[error("invalid client configuration: {0}")]
    Config(#[from] ConfigError),
    /// Any other HTTP-level failure.
    #[error("HTTP error: {0}")]
    Http(#[source] reqwest::Error),
}

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
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

/// Cal.com's rate-limit headers on an answer (`X-RateLimit-*`), for the first window
/// named in them (Cal.com names windows, e.g. `X-RateLimit-Limit-default`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: Option<u64>,
    /// Time until the window resets.
    pub reset: Option<Duration>,
}

impl RateLimit {
    /// Reads `X-RateLimit-{Limit,Remaining,Reset}` with or without a `-name` suffix.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let find = |prefix: &str| {
            headers
                .iter()
                .filter(|(name, _)| name.as_str().starts_with(prefix))
                .filter_map(|(_, v)| v.to_str().ok()?.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0)
                .reduce(f64::min)
        };
        Self {
            limit: find("x-ratelimit-limit").map(|v| v as u64),
            remaining: find("x-ratelimit-remaining").map(|v| v as u64),
            reset: find("x-ratelimit-reset").map(crate::retry::reset_to_duration),
        }
    }

    /// `true` when no rate-limit header was present.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
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
        let json: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
        let error_obj = json.as_ref().and_then(|j| j.get("error"));
        let text = |v: Option<&serde_json::Value>| match v {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Null) | None => None,
            Some(other) => Some(other.to_string()),
        };
        let code = text(error_obj.and_then(|e| e.get("code")));
        let message = text(error_obj.and_then(|e| e.get("message")))
            .or_else(|| text(json.as_ref().and_then(|j| j.get("message"))));
        let details = error_obj
            .and_then(|e| e.get("details"))
            .filter(|d| !d.is_null())
            .cloned();
        let request_id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let rate_limit = RateLimit::from_headers(&headers);
        let retry_after = crate::retry::retry_after(&headers, std::time::SystemTime::now());
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
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cal.com answered {}", self.status)?;
        if let Some(code) = &self.code {
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

    /// The `X-Request-Id` of the answer, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        self.api().and_then(|e| e.request_id.as_deref())
    }

    fn from_transport(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            Error::Timeout(e)
        } else if e.is_connect() || e.is_request() || e.is_body() {
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
}
