//! What the passes learn about the document and share with each other and with the
//! client layer: one record per operation.

use serde_json::Value;

use calcom_spec::HTTP_METHODS;

pub use calcom_spec::headers::{AuthUse, HeaderUse};

/// What the normaliser learnt about one operation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OperationRecord {
    /// Path template as written in the document.
    pub path: String,
    /// HTTP method, upper case.
    pub method: String,
    /// The document's own `operationId` (before renaming).
    pub operation_id: String,
    /// The generated method name (snake_case); also the `operationId` after normalisation.
    pub name: String,
    /// The operation's tags.
    pub tags: Vec<String>,
    /// The `cal-api-version` the operation expects, if it has one.
    pub api_version: Option<String>,
    /// Auth headers it accepts and requires.
    pub auth: AuthUse,
    /// What in the document makes the operation impossible to call as written (for
    /// example a required path parameter its path does not contain), in words.
    pub defects: Vec<String>,
}

/// Facts the passes share with each other and with the client layer.
#[derive(Debug, Default)]
pub struct Context {
    /// One record per operation, in document order.
    pub operations: Vec<OperationRecord>,
}

impl Context {
    /// The record of the operation at `path` / `method` (lower case), if there is one.
    pub fn operation_mut(&mut self, path: &str, method: &str) -> Option<&mut OperationRecord> {
        let upper = method.to_ascii_uppercase();
        self.operations
            .iter_mut()
            .find(|r| r.path == path && r.method == upper)
    }
}

/// One record per operation of `doc`, in document order, before any pass ran.
pub(super) fn collect_operations(doc: &Value) -> Vec<OperationRecord> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in HTTP_METHODS {
            let Some(op) = item.get(method) else { continue };
            let operation_id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let tags = op
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| {
                    t.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            out.push(OperationRecord {
                path: path.clone(),
                method: method.to_ascii_uppercase(),
                name: operation_id.clone(),
                operation_id,
                tags,
                api_version: None,
                auth: AuthUse::default(),
                defects: Vec::new(),
            });
        }
    }
    out
}
