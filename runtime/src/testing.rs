//! Control over time, for your tests.
//!
//! Between attempts the client waits (the backoff, or what `Retry-After` /
//! `X-RateLimit-Reset` asked for) by calling its [`Sleeper`]. The default is
//! `tokio::time::sleep`. A test that must not wait, or that checks the delays, gives the
//! builder its own:
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use std::time::Duration;
//!
//! let delays = Arc::new(Mutex::new(Vec::<Duration>::new()));
//! let seen = delays.clone();
//! let sleeper: calcom::testing::Sleeper = Arc::new(move |d| {
//!     seen.lock().unwrap().push(d);
//!     Box::pin(async {}) // return at once
//! });
//! let client = calcom::Client::builder()
//!     .api_key("cal_test_key")
//!     .sleeper(sleeper)
//!     .build()?;
//! # Ok::<(), calcom::ConfigError>(())
//! ```
//!
//! (tokio's paused clock is no substitute here: while a request waits for the network it
//! would jump to the next timer, which is the request's own timeout.)

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// A future that waits.
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// What the client calls to wait between attempts; set it with
/// [`ClientBuilder::sleeper`](crate::ClientBuilder::sleeper).
pub type Sleeper = Arc<dyn Fn(Duration) -> SleepFuture + Send + Sync>;

/// The default sleeper: `tokio::time::sleep`.
pub(crate) fn tokio_sleeper() -> Sleeper {
    Arc::new(|d| Box::pin(tokio::time::sleep(d)))
}
