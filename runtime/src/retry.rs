//! When to try a request again, and how long to wait first.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

/// First backoff delay; doubled on each retry.
pub const BASE_DELAY: Duration = Duration::from_millis(500);
/// Longest backoff delay.
pub const MAX_BACKOFF: Duration = Duration::from_secs(8);
use crate::rate_limit::retry_after;

/// How a client retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retries.
    pub max_retries: u32,
    /// Also retry POST and PATCH, which may not be idempotent.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Whether requests with `method` may be retried at all.
    pub fn allows(&self, method: &Method) -> bool {
        self.max_retries > 0
            && (self.retry_non_idempotent
                || matches!(
                    *method,
                    Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
                ))
    }
}

/// Statuses worth another try: 408, 429 and every 5xx.
pub fn retryable_status(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
}

/// Transport failures worth another try: the connection could not be made, broke (while
/// sending, while waiting for the answer or while its body was read), or the attempt timed
/// out (`.timeout(..)` is per attempt). Never a refused redirect or a request that could
/// not be built: those fail the same way every time.
pub fn retryable_error(e: &reqwest::Error) -> bool {
    !e.is_builder()
        && !e.is_redirect()
        && (e.is_connect() || e.is_request() || e.is_timeout() || e.is_body() || e.is_decode())
}

/// Exponential backoff with jitter: a random delay between half and all of
/// `0.5 s × 2^retry`, capped at 8 s.
pub fn backoff(retry: u32) -> Duration {
    let full = BASE_DELAY
        .saturating_mul(2u32.saturating_pow(retry.min(16)))
        .min(MAX_BACKOFF);
    let half = full / 2;
    half + half.mul_f64(fastrand::f64())
}

/// The delay before retry number `retry` (0-based) after an answer with `headers`:
/// what the server asked for when it said, else the backoff.
pub fn delay_for(retry: u32, headers: Option<&HeaderMap>) -> Duration {
    let server = headers.and_then(|h| {
        retry_after(h, SystemTime::now())
            .or_else(|| crate::rate_limit::RateLimit::from_headers(h).exhausted_for())
    });
    server.unwrap_or_else(|| backoff(retry))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        for retry in 0..8 {
            let full = (0.5 * 2f64.powi(retry as i32)).min(8.0);
            for _ in 0..50 {
                let d = backoff(retry).as_secs_f64();
                assert!(
                    d >= full / 2.0 - 1e-9 && d <= full + 1e-9,
                    "retry {retry}: {d}"
                );
            }
        }
    }

    #[test]
    fn only_idempotent_methods_by_default() {
        let p = RetryPolicy::default();
        assert!(p.allows(&Method::GET) && p.allows(&Method::DELETE) && p.allows(&Method::PUT));
        assert!(!p.allows(&Method::POST) && !p.allows(&Method::PATCH));
        let all = RetryPolicy {
            retry_non_idempotent: true,
            ..p
        };
        assert!(all.allows(&Method::PATCH));
        let none = RetryPolicy {
            max_retries: 0,
            ..all
        };
        assert!(!none.allows(&Method::GET));
    }

    #[test]
    fn statuses() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(retryable_status(StatusCode::from_u16(s).unwrap()), "{s}");
        }
        for s in [400, 401, 403, 404, 409, 422] {
            assert!(!retryable_status(StatusCode::from_u16(s).unwrap()), "{s}");
        }
    }
}
