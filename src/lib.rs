//! # calcom
//!
//! A Rust client for the [Cal.com API v2](https://cal.com/docs/api-reference/v2), generated
//! at build time from Cal.com's OpenAPI document (`openapi/openapi.json`, or the file named
//! by `CALCOM_OPENAPI_SPEC`) by the `calcom-codegen` crate, with a small hand-written layer:
//! auth, `cal-api-version`, typed errors, retries, timeouts and secrets that never print.
//!
//! ```no_run
//! # async fn run() -> calcom::Result<()> {
//! let client = calcom::Client::builder().api_key("cal_live_…").build()?;
//! let updated = client
//!     .update_delegation_credential()
//!     .org_id(42)
//!     .credential_id("cred_1")
//!     .body_map(|b| b.enabled(true))
//!     .send()
//!     .await?;
//! println!("{:?}", updated.data.updated_at);
//! # Ok(())
//! # }
//! ```
//!
//! Every generated method has a builder; `send()` returns
//! `Result<ResponseValue<T>, progenitor_client::Error>`, and `?` turns the error into
//! [`calcom::Error`] with the status, Cal.com's error code and message, the request
//! id and the raw body.

#![warn(missing_docs)]

// Generated code names types of this crate as `calcom::…` (through `x-rust-type`).
extern crate self as calcom;

mod auth;
mod body_limit;
#[doc(hidden)]
pub mod catch_all;
mod client;
#[doc(hidden)]
pub mod conversion;
#[doc(hidden)]
pub mod de;
#[doc(hidden)]
pub mod decode;
mod error;
mod managed_user;
pub mod operations;
mod pacing;
mod pagination;
#[doc(hidden)]
pub mod path;
pub mod prelude;
mod rate_limit;
mod redirect;
mod refusal;
mod retry;
#[doc(hidden)]
pub mod runner;
mod secret;
mod send;
#[cfg(calcom_service_account_key)]
mod service_account;
pub mod testing;
mod tls;
#[doc(hidden)]
pub mod unions;
pub mod webhooks;

mod generated {
    #![allow(missing_docs, clippy::all, rustdoc::all, unused_imports, dead_code)]
    include!(concat!(env!("OUT_DIR"), "/calcom_client.rs"));
}

pub use body_limit::DEFAULT_MAX_RESPONSE_BYTES;
pub use catch_all::{UnknownJson, UnknownValue};
/// Typed [httpmock](https://docs.rs/httpmock) helpers for your tests (cargo feature `mock`),
/// generated with the client: `server.update_delegation_credential(|when, then| …)` through
/// [`mock::MockServerExt`], with typed `when` matchers and `then` answers per operation.
#[cfg(feature = "mock")]
pub mod mock {
    #![allow(clippy::all, rustdoc::all, unused_imports, missing_docs)]
    include!(concat!(env!("OUT_DIR"), "/calcom_mock.rs"));

    /// The httpmock these helpers are built on, so that your tests use the same version.
    pub use ::httpmock;
}

pub use auth::{CredentialError, MissingCredentials, CLIENT_ID_HEADER, SECRET_KEY_HEADER};
pub use client::{
    ClientBuilder, ClientState, API_VERSION_HEADER, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TIMEOUT,
};
pub use error::{ApiError, ConfigError, Error, RateLimit, Result, TokenRefreshError};
pub use generated::{builder, types, Client, ResponseValue};
pub use managed_user::{ManagedUserTokens, REFRESH_MARGIN};
pub use pacing::MAX_PACING_WAIT;
pub use rate_limit::MAX_SERVER_DELAY as RETRY_MAX_SERVER_DELAY;
pub use redirect::{RedirectReason, MAX_REDIRECTS};
pub use retry::{BASE_DELAY as RETRY_BASE_DELAY, MAX_BACKOFF as RETRY_MAX_BACKOFF};
pub use secret::SecretString;
#[cfg(calcom_service_account_key)]
pub use service_account::{KeyFileError, ServiceAccountKey};
pub use tls::ensure_tls_provider;

/// The progenitor runtime the generated code is built on.
pub use progenitor_client;

/// The README's Rust examples compile as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
