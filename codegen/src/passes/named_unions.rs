//! oneOf unions with a hand-written, readable Rust type.
//!
//! typify names an inline `oneOf` after its position
//! (`UpdateDelegationCredentialInputServiceAccountKeyItem`) and its variants after the
//! branch types, and decodes it by trying each branch in turn, so an object with the
//! fields of two branches silently becomes the first. Unions listed in [`NAMED_UNIONS`]
//! are mapped to a type of the `calcom` crate instead, which has stable names,
//! constructors and a decoder that refuses ambiguous input.

use serde_json::{json, Value};

use super::{for_each_schema, Context};
use crate::report::PassReport;

/// The branches of `calcom::ServiceAccountKey`, which that type wraps.
pub const SERVICE_ACCOUNT_KEY_TYPES: [&str; 2] = [
    "GoogleServiceAccountKeyInput",
    "MicrosoftServiceAccountKeyInput",
];

/// (branch schema names, sorted; Rust type in the `calcom` crate).
pub const NAMED_UNIONS: &[(&[&str], &str)] =
    &[(&SERVICE_ACCOUNT_KEY_TYPES, "calcom::ServiceAccountKey")];

fn branch_names(schema: &serde_json::Map<String, Value>) -> Option<Vec<String>> {
    let branches = schema.get("oneOf")?.as_array()?;
    let mut names = branches
        .iter()
        .map(|b| {
            b.get("$ref")?
                .as_str()?
                .strip_prefix(calcom_spec::refs::SCHEMA_REF_PREFIX)
                .map(str::to_string)
        })
        .collect::<Option<Vec<String>>>()?;
    names.sort_unstable();
    Some(names)
}

/// Maps known unions to their hand-written types; returns the Rust types used.
pub fn run(doc: &mut Value, _ctx: &mut Context, report: &mut PassReport) {
    for_each_schema(doc, &mut |ptr, schema| {
        let Some(names) = branch_names(schema) else {
            return;
        };
        let Some((_, rust_type)) = NAMED_UNIONS.iter().find(|(b, _)| *b == names.as_slice()) else {
            return;
        };
        schema.insert(
            "x-rust-type".into(),
            json!({"crate": "calcom", "version": "*", "path": rust_type}),
        );
        report.change(ptr, format!("oneOf {} is {rust_type}", names.join(" | ")));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::normalise_with;

    #[test]
    fn maps_the_service_account_key_union_in_any_order() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {"In": {"type": "object",
        "properties": {"keys": {"type": "array", "items": {"oneOf": [
            {"$ref": "#/components/schemas/MicrosoftServiceAccountKeyInput"},
            {"$ref": "#/components/schemas/GoogleServiceAccountKeyInput"}]}},
            "other": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}
        }}}}});
        let (_, report) = normalise_with(&mut doc, run);
        let props = &doc["components"]["schemas"]["In"]["properties"];
        assert_eq!(
            props["keys"]["items"]["x-rust-type"]["path"],
            "calcom::ServiceAccountKey"
        );
        assert!(props["other"].get("x-rust-type").is_none());
        assert_eq!(report.changes, 1);
    }
}
