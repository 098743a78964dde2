//! The output writers: everything generated beside the client source itself, from the
//! normalised document, the operation records and progenitor's output.
//!
//! - [`tables`]: the per-operation table the client layer reads (`src/operations.rs`).
//! - [`registry`]: the schema registry the round-trip suites read.
//! - [`operation_registry`]: the operation registry the Prism suite reads.
//! - [`api_snapshot`]: the committed summary of the generated public API.
//! - [`mock`]: progenitor's typed httpmock helpers (feature `mock` of `calcom`).

pub(crate) mod api_snapshot;
pub(crate) mod mock;
pub(crate) mod operation_registry;
pub(crate) mod registry;
pub(crate) mod tables;
