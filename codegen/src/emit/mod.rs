//! The output writers: everything generated beside the client source itself, from the
//! normalised document, the operation records and progenitor's output. They read what
//! generation produced and never call back into it (the httpmock helpers, a second
//! progenitor run, are `mock`, beside `generate`).
//!
//! - [`tables`]: the per-operation table the client layer reads (`src/operations.rs`).
//! - [`registry`]: the schema registry the round-trip suites read.
//! - [`operation_registry`]: the operation registry the Prism suite reads.
//! - [`api_snapshot`]: the committed summary of the generated public API.

pub(crate) mod api_snapshot;
pub(crate) mod operation_registry;
pub(crate) mod registry;
pub(crate) mod tables;
