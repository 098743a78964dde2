//! The integration tests: one binary, so the client is linked once (async-stripe's layout).
//!
//! Each module is one suite; `cargo test --test it -- <module>::` runs one. The suites that
//! need a build from the full Cal.com document compile only in such a build (see
//! `full_document`); the others run with the vendored document, and most with both.
//! Three suites keep a binary of their own: `tests/from_env.rs` (it sets environment
//! variables), `tests/secrets.rs` (it installs the process-wide tracing subscriber) and
//! `tests/forward_compat.rs` (it is built from older documents, where these suites' types do
//! not exist). Helpers live in `tests/support`, shared by all four binaries.

// `#[macro_use]`: the generated schema registry is a `macro_rules!` the suites call.
#[macro_use]
#[path = "../support/mod.rs"]
mod support;

mod auth;
mod catch_all;
mod errors;
mod faults;
mod full_document;
mod managed_user;
mod mock;
mod pacing;
mod pagination;
mod prism;
mod redirects;
mod request;
mod retry;
mod roundtrip_schemas;
mod roundtrip_values;
mod server_shapes;
mod service_account;
mod tracing_span;
mod webhook_receiver;
