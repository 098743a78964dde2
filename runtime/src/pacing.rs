//! Opt-in pacing ([`ClientBuilder::pace_requests`](crate::ClientBuilder::pace_requests)):
//! once an answer says the rate-limit window is used up, later requests of the client and
//! its clones wait for the window to reset instead of collecting 429s.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;

use crate::rate_limit::{RateLimit, MAX_SERVER_DELAY};

/// Longest a request waits for a window to reset: Cal.com's windows are one minute long.
pub const MAX_PACING_WAIT: Duration = MAX_SERVER_DELAY;

/// When the client may send again. Shared (in an `Arc`) by a client and its clones.
#[derive(Debug, Default)]
pub(crate) struct Pacer {
    until: Mutex<Option<Instant>>,
}

impl Pacer {
    /// Records what an answer's headers say about the window.
    pub(crate) fn observe(&self, headers: &HeaderMap) {
        let Some(wait) = RateLimit::from_headers(headers).exhausted_for() else {
            return;
        };
        if wait.is_zero() {
            return;
        }
        let until = Instant::now() + wait.min(MAX_PACING_WAIT);
        let mut slot = self.lock();
        // Several answers may report the same window: keep the latest reset.
        if slot.is_none_or(|current| current < until) {
            *slot = Some(until);
        }
    }

    /// The pause still to wait, with the instant it ends (to hand to [`Self::waited`]).
    pub(crate) fn pending(&self) -> Option<(Instant, Duration)> {
        let mut slot = self.lock();
        let until = (*slot)?;
        let now = Instant::now();
        if until <= now {
            *slot = None;
            return None;
        }
        Some((until, until - now))
    }

    /// The pause ending at `until` has been waited out (the sleeper may not advance the
    /// clock, so this is said explicitly); a later pause recorded meanwhile stays.
    pub(crate) fn waited(&self, until: Instant) {
        let mut slot = self.lock();
        if *slot == Some(until) {
            *slot = None;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        // The value is a plain instant: a panic elsewhere cannot leave it inconsistent.
        self.until.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exhausted(reset: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-remaining-default", "0".parse().unwrap());
        h.insert("x-ratelimit-reset-default", reset.parse().unwrap());
        h
    }

    #[test]
    fn pauses_only_when_the_window_is_used_up_and_never_past_the_cap() {
        let p = Pacer::default();
        let mut h = exhausted("5");
        h.insert("x-ratelimit-remaining-default", "3".parse().unwrap());
        p.observe(&h);
        assert!(p.pending().is_none());
        p.observe(&exhausted("5"));
        let (until, wait) = p.pending().unwrap();
        assert!(wait <= Duration::from_secs(5) && wait > Duration::from_secs(4));
        p.waited(until);
        assert!(p.pending().is_none());
        p.observe(&exhausted("86400"));
        let (_, wait) = p.pending().unwrap();
        assert!(wait <= MAX_PACING_WAIT);
    }
}
