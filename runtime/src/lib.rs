//! # calcom-runtime
//!
//! The hand-written layer of [calcom](https://docs.rs/calcom), the Rust client for the
//! Cal.com API v2: the client builder, auth headers, `cal-api-version`, retries, pacing,
//! typed errors, secrets that never print, managed-user tokens and webhooks.
//!
//! Use it through `calcom`, which re-exports everything here that a program needs. It is its
//! own crate because none of it depends on the OpenAPI document: `calcom` generates its client
//! from a document (and `CALCOM_TAGS`) at build time, and a new document or tag selection
//! recompiles only that generated code, not this crate.

#![warn(missing_docs)]

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
#[doc(hidden)]
pub mod pagination;
#[doc(hidden)]
pub mod path;
mod rate_limit;
mod redirect;
mod refusal;
mod retry;
#[doc(hidden)]
pub mod runner;
mod secret;
mod send;
#[doc(hidden)]
pub mod ser;
pub mod testing;
mod tls;
#[doc(hidden)]
pub mod unions;
pub mod webhooks;

pub use auth::{CredentialError, MissingCredentials, CLIENT_ID_HEADER, SECRET_KEY_HEADER};
pub use body_limit::DEFAULT_MAX_RESPONSE_BYTES;
pub use catch_all::{UnknownJson, UnknownValue};
pub use client::{
    ClientBuilder, ClientState, GeneratedClient, API_VERSION_HEADER, DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
};
pub use error::{ApiError, ConfigError, Error, RateLimit, Result, TokenRefreshError};
pub use managed_user::{ManagedUserTokens, REFRESH_MARGIN};
pub use pacing::MAX_PACING_WAIT;
pub use rate_limit::MAX_SERVER_DELAY as RETRY_MAX_SERVER_DELAY;
pub use redirect::{RedirectReason, MAX_REDIRECTS};
pub use retry::{BASE_DELAY as RETRY_BASE_DELAY, MAX_BACKOFF as RETRY_MAX_BACKOFF};
pub use secret::SecretString;
pub use tls::ensure_tls_provider;
