//! Which redirects the client follows: same-origin ones, a few. Cal.com's API does not
//! redirect, so a redirect elsewhere is a misconfigured proxy or base URL, and following it
//! would hand the next host the request's credentials (`Authorization`, and the platform
//! headers `x-cal-client-id` / `x-cal-secret-key`, which reqwest does not know to strip).

use std::fmt;

use reqwest::redirect::{Attempt, Policy};
use reqwest::{StatusCode, Url};

/// Most same-origin redirects followed for one request.
pub const MAX_REDIRECTS: usize = 3;

/// Why a redirect was not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectReason {
    /// The target is on another origin (scheme, host or port).
    CrossOrigin,
    /// The target is the same host on plain `http` after `https`.
    Downgrade,
    /// The target was already requested in this chain.
    Loop,
    /// More than [`MAX_REDIRECTS`] redirects in a row.
    TooMany,
}

impl fmt::Display for RedirectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RedirectReason::CrossOrigin => "it leads to another origin",
            RedirectReason::Downgrade => "it downgrades https to http",
            RedirectReason::Loop => "it leads back to a URL already requested (a loop)",
            RedirectReason::TooMany => "there were too many redirects",
        })
    }
}

/// A redirect the policy refused; travels inside reqwest's error to the conversion into
/// [`crate::Error::Redirect`]. Holds origins only: a `Location` may carry a query or user
/// info that must not end up in logs.
#[derive(Debug, Clone)]
pub(crate) struct RedirectRefused {
    pub(crate) status: StatusCode,
    pub(crate) from_origin: String,
    pub(crate) to_origin: String,
    pub(crate) reason: RedirectReason,
}

impl fmt::Display for RedirectRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "redirect {} from {} to {} refused: {}",
            self.status.as_u16(),
            self.from_origin,
            self.to_origin,
            self.reason
        )
    }
}

impl std::error::Error for RedirectRefused {}

/// `scheme://host:port`, the port always written out.
pub(crate) fn origin(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port_or_known_default() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    }
}

/// What to do with one redirect, given the URLs requested so far.
fn decide(status: StatusCode, next: &Url, previous: &[Url]) -> Result<(), RedirectRefused> {
    let Some(from) = previous.last() else {
        return Ok(());
    };
    let refuse = |reason| RedirectRefused {
        status,
        from_origin: origin(from),
        to_origin: origin(next),
        reason,
    };
    if next.origin() != from.origin() {
        let downgrade = from.scheme() == "https"
            && next.scheme() == "http"
            && from.host_str() == next.host_str();
        return Err(refuse(if downgrade {
            RedirectReason::Downgrade
        } else {
            RedirectReason::CrossOrigin
        }));
    }
    if previous.contains(next) {
        return Err(refuse(RedirectReason::Loop));
    }
    // `previous` starts with the original URL, which is not a redirect.
    if previous.len() > MAX_REDIRECTS {
        return Err(refuse(RedirectReason::TooMany));
    }
    Ok(())
}

/// The client's redirect policy.
pub(crate) fn policy() -> Policy {
    Policy::custom(|attempt: Attempt| {
        match decide(attempt.status(), attempt.url(), attempt.previous()) {
            Ok(()) => attempt.follow(),
            Err(refused) => attempt.error(refused),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn origins_name_scheme_host_and_port_only() {
        assert_eq!(
            origin(&url("https://u:p@api.cal.com/v2/me?token=x")),
            "https://api.cal.com:443"
        );
        assert_eq!(
            origin(&url("http://127.0.0.1:8080/a")),
            "http://127.0.0.1:8080"
        );
    }

    #[test]
    fn decisions() {
        let s = StatusCode::TEMPORARY_REDIRECT;
        let start = [url("https://api.cal.com/v2/a")];
        assert!(decide(s, &url("https://api.cal.com/v2/b"), &start).is_ok());
        let e = decide(s, &url("https://evil.example/v2/b"), &start).unwrap_err();
        assert_eq!(e.reason, RedirectReason::CrossOrigin);
        assert_eq!(e.to_origin, "https://evil.example:443");
        let e = decide(s, &url("https://api.cal.com:8443/v2/b"), &start).unwrap_err();
        assert_eq!(e.reason, RedirectReason::CrossOrigin);
        let e = decide(s, &url("http://api.cal.com/v2/b"), &start).unwrap_err();
        assert_eq!(e.reason, RedirectReason::Downgrade);
        let e = decide(s, &url("https://api.cal.com/v2/a"), &start).unwrap_err();
        assert_eq!(e.reason, RedirectReason::Loop);
        let chain: Vec<Url> = (0..=MAX_REDIRECTS)
            .map(|i| url(&format!("https://api.cal.com/{i}")))
            .collect();
        let e = decide(s, &url("https://api.cal.com/next"), &chain).unwrap_err();
        assert_eq!(e.reason, RedirectReason::TooMany);
        assert!(decide(s, &url("https://api.cal.com/next"), &chain[..MAX_REDIRECTS]).is_ok());
    }
}
