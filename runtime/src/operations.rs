//! The shape of the generator's per-operation table: what each method sends and needs.
//! `calcom::operations` holds the table itself, generated from the document.

// One model of header use for the generator that writes the table and the client that
// reads it.
pub use calcom_spec::headers::{AuthUse, HeaderUse};

/// One generated operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The method name on `calcom::Client`.
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

/// Looks an operation up by its method name in `table`, which is sorted by name.
pub fn find<'t>(table: &'t [Operation], name: &str) -> Option<&'t Operation> {
    table
        .binary_search_by(|op| op.name.cmp(name))
        .ok()
        .map(|i| &table[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(name: &'static str) -> Operation {
        Operation {
            name,
            operation_id: name,
            method: "GET",
            path: "/",
            tags: &[],
            api_version: None,
            auth: AuthUse::default(),
        }
    }

    #[test]
    fn finds_every_name_of_a_sorted_table_and_nothing_else() {
        let table = [op("a"), op("b"), op("d")];
        for entry in &table {
            assert_eq!(find(&table, entry.name), Some(entry));
        }
        assert_eq!(find(&table, "c"), None);
        assert_eq!(find(&[], "a"), None);
    }
}
