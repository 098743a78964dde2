//! `calcom-drift`: compares two Cal.com OpenAPI documents and classifies every change as
//! breaking, warning or info for a client, and says whether code written against the old
//! generated client would stop compiling.
//!
//! ```
//! let old = serde_json::json!({"openapi": "3.0.0", "paths": {"/v2/me": {"get": {}}}});
//! let new = serde_json::json!({"openapi": "3.0.0", "paths": {}});
//! let report = calcom_drift::compare(&old, &new);
//! assert_eq!(report.summary.breaking, 1);
//! ```
//!
//! The command line (`calcom-codegen drift OLD NEW …`) is [`run_cli`]; the rule table is in
//! [`classify`] and in the crate's README.

#![warn(missing_docs)]

pub mod classify;
pub mod cli;
pub mod compare;
pub mod components;
pub mod finding;
mod json;
pub mod load;
pub mod model;
pub mod operations;
pub mod reach;
pub mod rename;
pub mod render;
pub mod report;
pub mod schemas;

pub use cli::run_cli;
pub use compare::compare;
pub use load::{load_document, LoadError};
pub use render::{render_json, render_markdown, render_text};
pub use report::{Change, ChangeKind, Direction, DriftReport, Severity, Summary};

/// The method the generated client has for each operation of `doc`, in document order:
/// `(METHOD, path template, method name)`. The same names the generator gives
/// ([`calcom_spec::naming::method_names`]), which the "breaks compilation" verdicts rely on.
pub fn method_names(doc: &serde_json::Value) -> Vec<(String, String, String)> {
    model::collect_operations(&calcom_spec::refs::Document::new(doc))
        .into_iter()
        .map(|op| (op.method, op.path, op.method_name))
        .collect()
}
