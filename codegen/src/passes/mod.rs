//! Normalisation: the passes that turn a messy real-world document into one progenitor accepts.
//!
//! Each pass is one module with one job. It works on the parsed JSON, records every change
//! it makes (with the JSON pointer of the original value) in its [`PassReport`], and may
//! record facts for the client layer in the shared [`Context`] (auth headers, API versions).

use serde_json::Value;

use crate::report::PassReport;

pub mod api_version;
pub mod auth_headers;
pub mod dangling_refs;
pub mod descriptions;
pub mod inline_parameters;
pub mod integer_ids;
pub mod named_unions;
pub mod oneof_order;
pub mod operation_names;
pub mod path_params;
pub mod schema_shapes;
pub mod sensitive_fields;
pub mod type_names;

mod model;
mod walk;

pub use model::{AuthUse, Context, HeaderUse, OperationRecord};
pub use walk::{for_each_operation, for_each_schema, is_parameter, parameters_mut, walk_values};

/// A normalisation pass.
pub type PassFn = fn(&mut Value, &mut Context, &mut PassReport);

/// Every pass, in the order it runs. Order matters: names first (later passes report by
/// name), parameters inlined before the header passes look at them.
pub const PASSES: &[(&str, PassFn)] = &[
    ("operation-names", operation_names::run),
    ("inline-parameters", inline_parameters::run),
    ("auth-headers", auth_headers::run),
    ("api-version", api_version::run),
    ("path-parameters", path_params::run),
    ("dangling-refs", dangling_refs::run),
    ("schema-shapes", schema_shapes::run),
    ("integer-ids", integer_ids::run),
    ("sensitive-fields", sensitive_fields::run),
    ("named-unions", named_unions::run),
    ("type-names", type_names::run),
    ("oneof-order", oneof_order::run),
    ("descriptions", descriptions::run),
];

/// Runs every pass over `doc` and returns what they learnt and changed.
pub fn normalise(doc: &mut Value) -> (Context, Vec<PassReport>) {
    let mut ctx = Context {
        operations: model::collect_operations(doc),
    };
    let reports = PASSES
        .iter()
        .map(|(name, pass)| {
            let mut report = PassReport::new(name);
            pass(doc, &mut ctx, &mut report);
            report
        })
        .collect();
    (ctx, reports)
}

/// Runs one pass on `doc` with a fresh context, for unit tests.
#[cfg(test)]
pub(crate) fn normalise_with(doc: &mut Value, pass: PassFn) -> (Context, PassReport) {
    let mut ctx = Context {
        operations: model::collect_operations(doc),
    };
    let mut report = PassReport::new("test");
    pass(doc, &mut ctx, &mut report);
    (ctx, report)
}
