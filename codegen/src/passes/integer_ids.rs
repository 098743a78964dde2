//! Ids and pagination counts are integers.
//!
//! Cal.com declares most ids and `take`/`skip`/`limit`/`offset` as `type: number`, which
//! would make them `f64`: `.org_id(42)` would not compile and a query would render
//! `take=10.0`. Parameters and schema properties with these names and `type: number`
//! (or arrays of such numbers, for `…Ids`) become `type: integer, format: int64`.

use serde_json::{Map, Value};

use super::{for_each_operation, for_each_schema, parameters_mut, Context};
use crate::report::PassReport;

const COUNT_NAMES: [&str; 8] = [
    "take", "skip", "limit", "offset", "page", "pageSize", "perPage", "cursor",
];

/// `true` for names that hold an id, an id list or a pagination count.
pub fn is_integer_name(name: &str) -> bool {
    name == "id"
        || name.ends_with("Id")
        || name.ends_with("Ids")
        || name.ends_with("_id")
        || name.ends_with("_ids")
        || COUNT_NAMES.contains(&name)
}

/// Turns `type: number` (or an array of it) into `integer`/`int64`; `true` when it did.
fn make_integer(schema: &mut Map<String, Value>) -> bool {
    match schema.get("type").and_then(Value::as_str) {
        Some("number") => {
            let format = schema.get("format").and_then(Value::as_str);
            if matches!(format, Some("float") | Some("double")) {
                return false;
            }
            schema.insert("type".into(), "integer".into());
            schema.insert("format".into(), "int64".into());
            true
        }
        Some("array") => schema
            .get_mut("items")
            .and_then(Value::as_object_mut)
            .is_some_and(make_integer),
        _ => false,
    }
}

/// Retypes id and count parameters and properties from number to integer.
pub fn run(doc: &mut Value, _ctx: &mut Context, report: &mut PassReport) {
    for_each_operation(doc, |ptr, _, _, op| {
        for (i, p) in parameters_mut(op).into_iter().flatten().enumerate() {
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let location = p
                .get("in")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            if !matches!(location.as_str(), "path" | "query") || !is_integer_name(&name) {
                continue;
            }
            if let Some(schema) = p.get_mut("schema").and_then(Value::as_object_mut) {
                if make_integer(schema) {
                    report.change(
                        format!("{ptr}/parameters/{i}/schema"),
                        format!("{location} parameter `{name}`: number -> integer"),
                    );
                }
            }
        }
    });
    for_each_schema(doc, &mut |ptr, schema| {
        let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            return;
        };
        for (name, prop) in props.iter_mut() {
            if !is_integer_name(name) {
                continue;
            }
            if let Some(prop) = prop.as_object_mut() {
                if make_integer(prop) {
                    report.change(
                        format!(
                            "{ptr}/properties/{}",
                            calcom_spec::pointer::escape_token(name)
                        ),
                        format!("property `{name}`: number -> integer"),
                    );
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::normalise_with;
    use serde_json::json;

    #[test]
    fn names() {
        for n in ["id", "orgId", "userIds", "take", "event_type_id"] {
            assert!(is_integer_name(n), "{n}");
        }
        for n in ["identity", "valid", "price", "ids_count"] {
            assert!(!is_integer_name(n), "{n}");
        }
    }

    #[test]
    fn retypes_parameters_and_properties() {
        let mut doc = json!({"paths": {"/a/{orgId}": {"get": {"parameters": [
            {"name": "orgId", "in": "path", "schema": {"type": "number"}},
            {"name": "take", "in": "query", "schema": {"type": "number"}},
            {"name": "price", "in": "query", "schema": {"type": "number"}},
            {"name": "slug", "in": "path", "schema": {"type": "string"}}
        ]}}}, "components": {"schemas": {"X": {"type": "object", "properties": {
            "organizationId": {"type": "number"},
            "userIds": {"type": "array", "items": {"type": "number"}},
            "ratio": {"type": "number", "format": "double"},
            "teamId": {"type": "number", "format": "double"}
        }}}}});
        let (_, report) = normalise_with(&mut doc, run);
        let params = &doc["paths"]["/a/{orgId}"]["get"]["parameters"];
        assert_eq!(
            params[0]["schema"],
            json!({"type": "integer", "format": "int64"})
        );
        assert_eq!(params[1]["schema"]["type"], "integer");
        assert_eq!(params[2]["schema"]["type"], "number");
        let props = &doc["components"]["schemas"]["X"]["properties"];
        assert_eq!(props["organizationId"]["type"], "integer");
        assert_eq!(props["userIds"]["items"]["type"], "integer");
        assert_eq!(props["teamId"]["type"], "number", "explicit double is kept");
        assert_eq!(report.changes, 4);
    }
}
