//! The generator's per-operation table: what each method sends and needs.

pub use calcom_runtime::operations::{AuthUse, HeaderUse, Operation};

include!(concat!(env!("OUT_DIR"), "/calcom_operations.rs"));

/// Looks an operation up by its method name.
pub fn find(name: &str) -> Option<&'static Operation> {
    calcom_runtime::operations::find(OPERATIONS, name)
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
