//! The generator's per-operation table: what each method sends and needs.

// One model of header use for the generator that writes the table and the client that
// reads it.
pub use calcom_spec::headers::{AuthUse, HeaderUse};

/// One generated operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The method name on [`Client`](crate::Client).
    pub name: &'static str,
    /// The `operationId` in Cal.com's document.
    pub operation_id: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template.
    pub path: &'static str,
    /// Tags of the operation in the document.
    pub tags: &'static [&'static str],
    /// The `cal-api-version` header value the operation expects, if any.
    pub api_version: Option<&'static str>,
    /// Auth headers it accepts and requires.
    pub auth: AuthUse,
}

include!(concat!(env!("OUT_DIR"), "/calcom_operations.rs"));

/// Looks an operation up by its method name.
pub fn find(name: &str) -> Option<&'static Operation> {
    OPERATIONS
        .binary_search_by(|op| op.name.cmp(name))
        .ok()
        .map(|i| &OPERATIONS[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_searchable() {
        assert!(OPERATIONS.windows(2).all(|w| w[0].name < w[1].name));
        for op in OPERATIONS {
            assert_eq!(find(op.name), Some(op));
        }
        assert_eq!(find("no_such_operation"), None);
    }
}
