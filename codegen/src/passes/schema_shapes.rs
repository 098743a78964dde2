//! Schema shapes typify rejects or mistypes, rewritten to what the document means.
//!
//! Each rule is small and reported separately:
//! - `enum` nested in an array (`enum: [["a", "b"]]`) is flattened to `enum: ["a", "b"]`;
//! - `type: object` with scalar `enum` values, a scalar `default` or a scalar `example`
//!   and no properties (Cal.com's `isDefault: {type: object, default: true}`) takes the
//!   scalar's type: otherwise `true` from the server fails to decode at runtime;
//! - `type: array` with an `enum` moves the enum to `items`;
//! - a `default` that is not one of the `enum` values, or not of the schema's type, is
//!   dropped (typify refuses it);
//! - a `pattern` written as a JavaScript literal (`/^\+\d+$/`) loses its slashes, and one
//!   that is not a valid ECMAScript regex or does not match the schema's own `example`
//!   (`TIME_FORMAT_HH_MM`) is dropped: enforcing it would reject every real value;
//! - a parameter without a schema type becomes a string.

use serde_json::{Map, Value};

use super::{for_each_operation, for_each_schema, parameters_mut, Context};
use crate::report::PassReport;

fn scalar_type(v: &Value) -> Option<&'static str> {
    match v {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        _ => None,
    }
}

fn conforms(value: &Value, ty: Option<&str>) -> bool {
    match (ty, value) {
        (None, _) => true,
        (Some("string"), Value::String(_)) => true,
        (Some("boolean"), Value::Bool(_)) => true,
        (Some("integer"), Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Some("number"), Value::Number(_)) => true,
        (Some("array"), Value::Array(_)) => true,
        (Some("object"), Value::Object(_)) => true,
        (_, Value::Null) => true,
        _ => false,
    }
}

fn flatten_nested_enum(schema: &mut Map<String, Value>) -> Option<String> {
    let values = schema.get_mut("enum")?.as_array_mut()?;
    if values.is_empty() || !values.iter().all(Value::is_array) {
        return None;
    }
    let flat: Vec<Value> = values
        .drain(..)
        .flat_map(|v| match v {
            Value::Array(inner) => inner,
            other => vec![other],
        })
        .collect();
    *values = flat;
    Some("enum nested in an array flattened".into())
}

fn object_holding_a_scalar(schema: &mut Map<String, Value>) -> Option<String> {
    if schema.get("type").and_then(Value::as_str) != Some("object")
        || schema.contains_key("properties")
        || schema.contains_key("additionalProperties")
    {
        return None;
    }
    let from_enum = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|values| {
            let first = scalar_type(values.first()?)?;
            values
                .iter()
                .all(|v| scalar_type(v) == Some(first))
                .then_some(first)
        });
    let inferred = from_enum
        .or_else(|| schema.get("default").and_then(scalar_type))
        .or_else(|| schema.get("example").and_then(scalar_type))?;
    let inferred = if inferred == "integer" {
        "number"
    } else {
        inferred
    };
    schema.insert("type".into(), Value::String(inferred.into()));
    Some(format!(
        "type: object holding a scalar retyped as {inferred}"
    ))
}

fn array_with_enum(schema: &mut Map<String, Value>) -> Option<String> {
    if schema.get("type").and_then(Value::as_str) != Some("array") || !schema.contains_key("enum") {
        return None;
    }
    let values = schema.remove("enum")?;
    if let Some(items) = schema.get_mut("items").and_then(Value::as_object_mut) {
        items.entry("enum").or_insert(values);
    } else {
        let mut items = Map::new();
        items.insert("type".into(), "string".into());
        items.insert("enum".into(), values);
        schema.insert("items".into(), Value::Object(items));
    }
    Some("enum of an array moved to its items".into())
}

fn default_outside_enum(schema: &mut Map<String, Value>) -> Option<String> {
    let default = schema.get("default")?;
    let ty = schema.get("type").and_then(Value::as_str);
    let in_enum = schema
        .get("enum")
        .and_then(Value::as_array)
        .is_none_or(|values| values.contains(default));
    if in_enum && conforms(default, ty) {
        return None;
    }
    let dropped = schema.remove("default")?;
    Some(format!(
        "default {dropped} does not fit the schema; dropped"
    ))
}

fn bad_pattern(schema: &mut Map<String, Value>) -> Option<String> {
    let pattern = schema.get("pattern")?.as_str()?.to_string();
    let mut fixed = pattern.clone();
    let mut notes = Vec::new();
    // A JavaScript regex literal: `/body/flags`.
    if let Some(body) = pattern.strip_prefix('/') {
        if let Some(end) = body.rfind('/') {
            let flags = &body[end + 1..];
            if flags.chars().all(|c| "gimsuy".contains(c)) && end > 0 {
                fixed = body[..end].to_string();
                notes.push(format!("slashes of the literal {pattern:?} removed"));
            }
        }
    }
    let example = schema.get("example").and_then(Value::as_str);
    let verdict = match regress::Regex::new(&fixed) {
        Err(e) => Some(format!(
            "pattern {fixed:?} is not an ECMAScript regex ({e}); dropped"
        )),
        Ok(re) => match example {
            Some(ex) if re.find(ex).is_none() => Some(format!(
                "pattern {fixed:?} rejects the schema's own example {ex:?}; dropped"
            )),
            _ => None,
        },
    };
    match verdict {
        Some(why) => {
            schema.remove("pattern");
            notes.push(why);
        }
        None if fixed != pattern => {
            schema.insert("pattern".into(), Value::String(fixed));
        }
        None => {}
    }
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// A rule: rewrites a schema in place and says what it did, or returns `None`.
type Rule = fn(&mut Map<String, Value>) -> Option<String>;

/// The schema rules, in the order they apply (flattening before type inference).
const RULES: [Rule; 5] = [
    flatten_nested_enum,
    object_holding_a_scalar,
    array_with_enum,
    default_outside_enum,
    bad_pattern,
];

/// Applies every rule to every schema of the document.
pub fn run(doc: &mut Value, _ctx: &mut Context, report: &mut PassReport) {
    for_each_operation(doc, |ptr, _, _, op| {
        for (i, p) in parameters_mut(op).into_iter().flatten().enumerate() {
            let Some(p) = p.as_object_mut() else { continue };
            let typed = p.get("schema").is_some_and(|s| {
                s.get("type").is_some()
                    || s.get("$ref").is_some()
                    || s.get("enum").is_some()
                    || s.get("oneOf").is_some()
                    || s.get("anyOf").is_some()
                    || s.get("allOf").is_some()
            });
            if !typed {
                let schema = p
                    .entry("schema")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Some(schema) = schema.as_object_mut() {
                    schema.insert("type".into(), "string".into());
                }
                report.change(
                    format!("{ptr}/parameters/{i}/schema"),
                    "untyped parameter typed as string",
                );
            }
        }
    });
    for_each_schema(doc, &mut |ptr, schema| {
        for rule in RULES {
            if let Some(detail) = rule(schema) {
                report.change(ptr, detail);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::normalise_with;
    use serde_json::json;

    fn apply(schema: Value) -> (Value, usize) {
        let mut doc = json!({"paths": {}, "components": {"schemas": {"S": schema}}});
        let (_, report) = normalise_with(&mut doc, run);
        (doc["components"]["schemas"]["S"].clone(), report.changes)
    }

    #[test]
    fn object_with_boolean_default_becomes_boolean() {
        let (s, n) = apply(json!({"type": "object", "default": true}));
        assert_eq!(s, json!({"type": "boolean", "default": true}));
        assert_eq!(n, 1);
    }

    #[test]
    fn object_with_string_enum_becomes_string_enum() {
        let (s, _) = apply(json!({"type": "object", "enum": ["hour", "day"]}));
        assert_eq!(s["type"], "string");
    }

    #[test]
    fn nested_enum_is_flattened_then_typed() {
        let (s, n) = apply(json!({"type": "object", "enum": [["a", "b"]]}));
        assert_eq!(s, json!({"type": "string", "enum": ["a", "b"]}));
        assert_eq!(n, 2);
    }

    #[test]
    fn array_enum_moves_to_items() {
        let (s, _) = apply(json!({"type": "array", "enum": ["Mon"], "items": {"type": "string"}}));
        assert_eq!(
            s,
            json!({"type": "array", "items": {"type": "string", "enum": ["Mon"]}})
        );
    }

    #[test]
    fn default_outside_enum_is_dropped() {
        let (s, n) = apply(json!({"type": "string", "enum": ["a"], "default": "b"}));
        assert!(s.get("default").is_none());
        assert_eq!(n, 1);
        let (s, n) = apply(json!({"type": "string", "enum": ["a"], "default": "a"}));
        assert_eq!(s["default"], "a");
        assert_eq!(n, 0);
    }

    #[test]
    fn patterns_are_repaired_or_dropped() {
        let (s, _) = apply(
            json!({"type": "string", "pattern": "/^\\+[1-9]\\d{1,14}$/", "example": "+4915112345678"}),
        );
        assert_eq!(s["pattern"], "^\\+[1-9]\\d{1,14}$");
        let (s, _) =
            apply(json!({"type": "string", "pattern": "TIME_FORMAT_HH_MM", "example": "08:00"}));
        assert!(s.get("pattern").is_none());
        let (s, _) = apply(json!({"type": "string", "pattern": "(", "example": "x"}));
        assert!(s.get("pattern").is_none());
        let (s, n) = apply(json!({"type": "string", "pattern": "^[a-z]+$", "example": "abc"}));
        assert_eq!(s["pattern"], "^[a-z]+$");
        assert_eq!(n, 0);
    }

    #[test]
    fn untyped_parameters_become_strings() {
        let mut doc = json!({"paths": {"/a": {"get": {"parameters": [
            {"name": "q", "in": "query"},
            {"name": "r", "in": "query", "schema": {"description": "x"}},
            {"name": "s", "in": "query", "schema": {"type": "number"}}]}}}});
        let (_, report) = normalise_with(&mut doc, run);
        assert_eq!(report.changes, 2);
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"][1]["schema"]["type"],
            "string"
        );
    }
}
