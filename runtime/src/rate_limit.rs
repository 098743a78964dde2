//! What an answer says about rate limits: `Retry-After` and Cal.com's
//! `X-RateLimit-{Limit,Remaining,Reset}-{Name}` headers.
//!
//! Its own module so that both the error type (which reports the headers) and the retry
//! rules (which wait for them) read them without depending on each other.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;

/// Longest wait the server may ask for through `Retry-After` or `X-RateLimit-Reset-*`.
/// Cal.com's windows are one minute long, so a longer wait is never needed.
pub const MAX_SERVER_DELAY: Duration = Duration::from_secs(60);

/// Cal.com's rate-limit headers on an answer (`X-RateLimit-*`).
///
/// Cal.com names its windows (`X-RateLimit-Limit-Default`, …). When an answer names several,
/// this is the one that binds: the fewest requests remaining (on a tie, the later reset).
/// Cal.com's defaults are 120 requests a minute for API keys and 500 for OAuth clients
/// and access tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: Option<u64>,
    /// Time until the window resets (capped at [`RETRY_MAX_SERVER_DELAY`](crate::RETRY_MAX_SERVER_DELAY)).
    pub reset: Option<Duration>,
}

/// One named window's headers, as numbers.
#[derive(Default, Clone, Copy)]
struct Window {
    limit: Option<f64>,
    remaining: Option<f64>,
    reset: Option<f64>,
}

impl RateLimit {
    /// Reads `X-RateLimit-{Limit,Remaining,Reset}` with or without a `-name` suffix.
    /// Values that are not finite non-negative numbers are ignored.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        // Few windows (usually one): a small vector, no map.
        let mut windows: Vec<(&str, Window)> = Vec::new();
        for (name, value) in headers {
            let Some(rest) = name.as_str().strip_prefix("x-ratelimit-") else {
                continue;
            };
            let Some(number) = value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0)
            else {
                continue;
            };
            let (field, window) = rest.split_once('-').unwrap_or((rest, ""));
            let i = match windows.iter().position(|(w, _)| *w == window) {
                Some(i) => i,
                None => {
                    windows.push((window, Window::default()));
                    windows.len() - 1
                }
            };
            let slot = &mut windows[i].1;
            match field {
                "limit" => slot.limit = Some(number),
                "remaining" => slot.remaining = Some(number),
                "reset" => slot.reset = Some(number),
                _ => {}
            }
        }
        let binding = windows.into_iter().map(|(_, w)| w).reduce(|a, b| {
            let key = |w: &Window| {
                (
                    -w.remaining.unwrap_or(f64::INFINITY),
                    w.reset.unwrap_or(0.0),
                )
            };
            if key(&b) > key(&a) {
                b
            } else {
                a
            }
        });
        let Some(w) = binding else {
            return Self::default();
        };
        Self {
            limit: w.limit.map(|v| v as u64),
            remaining: w.remaining.map(|v| v as u64),
            reset: w.reset.map(reset_to_duration),
        }
    }

    /// `true` when no rate-limit header was present.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    /// How long to wait before the next request, when the window is used up.
    pub fn exhausted_for(&self) -> Option<Duration> {
        (self.remaining == Some(0)).then_some(self.reset).flatten()
    }
}

/// The delay a `Retry-After` header asks for (seconds or an HTTP date), capped.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    let delay = match value.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let when = httpdate::parse_http_date(value).ok()?;
            when.duration_since(now).unwrap_or(Duration::ZERO)
        }
    };
    Some(delay.min(MAX_SERVER_DELAY))
}

/// An `X-RateLimit-Reset-*` value as a delay. Cal.com's code sends seconds until the
/// window resets; some of its documentation calls it a Unix timestamp, so values that can
/// only be one (after 2001, in seconds or milliseconds) are read as the time until then.
pub fn reset_to_duration(value: f64) -> Duration {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64();
    let secs = if value > 1e12 {
        value / 1000.0 - now
    } else if value > 1e9 {
        value - now
    } else {
        value
    };
    Duration::try_from_secs_f64(secs.max(0.0))
        .unwrap_or(MAX_SERVER_DELAY)
        .min(MAX_SERVER_DELAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (n, v) in pairs {
            h.insert(*n, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn reads_cal_com_named_windows() {
        let h = headers(&[
            ("x-ratelimit-limit-default", "120"),
            ("x-ratelimit-remaining-default", "0"),
            ("x-ratelimit-reset-default", "42"),
        ]);
        let rl = RateLimit::from_headers(&h);
        assert_eq!(rl.limit, Some(120));
        assert_eq!(rl.remaining, Some(0));
        assert_eq!(rl.reset, Some(Duration::from_secs(42)));
        assert_eq!(rl.exhausted_for(), Some(Duration::from_secs(42)));
    }

    #[test]
    fn the_window_with_fewest_remaining_binds() {
        let h = headers(&[
            ("x-ratelimit-limit-short", "10"),
            ("x-ratelimit-remaining-short", "7"),
            ("x-ratelimit-reset-short", "1"),
            ("x-ratelimit-limit-long", "500"),
            ("x-ratelimit-remaining-long", "0"),
            ("x-ratelimit-reset-long", "30"),
        ]);
        let rl = RateLimit::from_headers(&h);
        assert_eq!(
            (rl.limit, rl.remaining, rl.reset),
            (Some(500), Some(0), Some(Duration::from_secs(30)))
        );
    }

    #[test]
    fn unnamed_headers_and_junk() {
        let h = headers(&[
            ("x-ratelimit-limit", "60"),
            ("x-ratelimit-remaining", "-3"),
            ("x-ratelimit-reset", "NaN"),
        ]);
        let rl = RateLimit::from_headers(&h);
        assert_eq!((rl.limit, rl.remaining, rl.reset), (Some(60), None, None));
        assert!(RateLimit::from_headers(&HeaderMap::new()).is_empty());
        assert_eq!(rl.exhausted_for(), None);
    }

    #[test]
    fn reset_in_seconds_or_as_an_instant() {
        assert_eq!(reset_to_duration(5.0), Duration::from_secs(5));
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        let d = reset_to_duration(now + 10.0);
        assert!(
            d > Duration::from_secs(8) && d <= Duration::from_secs(10),
            "{d:?}"
        );
        let d = reset_to_duration((now + 10.0) * 1000.0);
        assert!(
            d > Duration::from_secs(8) && d <= Duration::from_secs(10),
            "{d:?}"
        );
        assert_eq!(reset_to_duration(now - 100.0), Duration::ZERO);
        assert_eq!(reset_to_duration(1e5), MAX_SERVER_DELAY);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates_and_caps() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut h = HeaderMap::new();
        h.insert("retry-after", "3".parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(3)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(10));
        h.insert("retry-after", later.parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(10)));
        h.insert("retry-after", "86400".parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(MAX_SERVER_DELAY));
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h, now), None);
    }
}
