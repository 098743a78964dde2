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

// The hand-written layer is its own crate, compiled once whatever the document
// (issue 14); the modules the generated code calls keep their `calcom::…` paths.
#[doc(hidden)]
pub use calcom_runtime::{catch_all, conversion, de, decode, path, runner, ser, unions};
// Generated code names it as `crate::pagination::…`, when the document has paginated
// operations.
#[allow(unused_imports)]
use calcom_runtime::pagination;

mod client;
pub mod operations;
pub mod prelude;
#[cfg(calcom_service_account_key)]
mod service_account;
pub use calcom_runtime::{testing, webhooks};

mod generated {
    #![allow(missing_docs, clippy::all, rustdoc::all, unused_imports, dead_code)]
    include!(concat!(env!("OUT_DIR"), "/calcom_client.rs"));
}

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

pub use calcom_runtime::{
    ensure_tls_provider, ApiError, ConfigError, CredentialError, Error, ManagedUserTokens,
    MissingCredentials, RateLimit, RedirectReason, Result, SecretString, TokenRefreshError,
    UnknownJson, UnknownValue, API_VERSION_HEADER, CLIENT_ID_HEADER, DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, MAX_PACING_WAIT,
    MAX_REDIRECTS, REFRESH_MARGIN, RETRY_BASE_DELAY, RETRY_MAX_BACKOFF, RETRY_MAX_SERVER_DELAY,
    SECRET_KEY_HEADER,
};
pub use client::ClientState;
pub use generated::{builder, types, Client, ResponseValue};
#[cfg(calcom_service_account_key)]
pub use service_account::{KeyFileError, ServiceAccountKey};

/// Configures a [`Client`]: [`Client::builder`] starts one, and `build()` checks every
/// setting once.
pub type ClientBuilder = calcom_runtime::ClientBuilder<Client>;

/// The progenitor runtime the generated code is built on.
pub use progenitor_client;

/// The README's Rust examples compile as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
