//! Access to a document: component schemas, local `$ref`s and JSON pointers.

use std::sync::LazyLock;

use serde_json::{Map, Value};

static EMPTY_MAP: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

/// An empty JSON object that lives forever, for "missing means empty" lookups.
pub fn empty_map() -> &'static Map<String, Value> {
    &EMPTY_MAP
}

/// The object under `key`, or an empty one when it is missing or not an object.
pub fn object_at<'a>(value: &'a Map<String, Value>, key: &str) -> &'a Map<String, Value> {
    value
        .get(key)
        .and_then(Value::as_object)
        .unwrap_or(empty_map())
}

/// The array under `key`, or an empty one when it is missing or not an array.
pub fn array_at<'a>(value: &'a Map<String, Value>, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The prefix of a `$ref` to a component schema.
const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

/// How many `$ref` hops are followed before giving up on a chain (a cycle guard for refs
/// that point to refs).
const MAX_REF_HOPS: usize = 32;

/// A read-only view of an OpenAPI document.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    /// The whole document.
    pub root: &'a Value,
}

impl<'a> Document<'a> {
    /// Wraps a parsed document.
    pub fn new(root: &'a Value) -> Self {
        Document { root }
    }

    /// `components.schemas`, when the document has it.
    pub fn schemas(&self) -> Option<&'a Map<String, Value>> {
        self.root
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(Value::as_object)
    }

    /// The number of component schemas.
    pub fn schema_count(&self) -> usize {
        self.schemas().map_or(0, Map::len)
    }

    /// One component schema by name; `None` for a dangling name.
    pub fn schema(&self, name: &str) -> Option<&'a Value> {
        self.schemas().and_then(|s| s.get(name))
    }

    /// The value a local `$ref` (`#/…`) points to; `None` for external or dangling refs.
    pub fn resolve(&self, reference: &str) -> Option<&'a Value> {
        let pointer = reference.strip_prefix('#')?;
        if pointer.is_empty() {
            return Some(self.root);
        }
        self.root.pointer(pointer)
    }

    /// Follows a chain of `$ref`s (for parameters, request bodies and responses) to the
    /// value at its end, with its pointer. A dangling or cyclic chain stops at the last
    /// value that could be reached.
    pub fn follow(&self, value: &'a Value, pointer: String) -> (&'a Value, String) {
        let mut current = (value, pointer);
        for _ in 0..MAX_REF_HOPS {
            let Some(reference) = ref_of(current.0) else {
                return current;
            };
            match self.resolve(reference) {
                Some(target) => current = (target, reference.trim_start_matches('#').into()),
                None => return current,
            }
        }
        current
    }
}

/// The `$ref` string of a value, if it is a reference object.
pub fn ref_of(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

/// The component name of a `$ref` to `#/components/schemas/…`.
pub fn schema_ref_name(value: &Value) -> Option<&str> {
    ref_of(value).and_then(|r| r.strip_prefix(SCHEMA_REF_PREFIX))
}

/// The pointer of a component schema.
pub fn schema_pointer(name: &str) -> String {
    format!("/components/schemas/{}", escape_token(name))
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}

/// Escapes one JSON pointer reference token.
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Every component schema name referenced anywhere inside `value`, following refs to other
/// kinds of components (parameters, request bodies, responses) but not into schemas.
pub fn collect_schema_refs<'a>(doc: &Document<'a>, value: &'a Value, out: &mut Vec<&'a str>) {
    let mut visited_non_schema: Vec<&str> = Vec::new();
    collect_inner(doc, value, out, &mut visited_non_schema);
}

fn collect_inner<'a>(
    doc: &Document<'a>,
    value: &'a Value,
    out: &mut Vec<&'a str>,
    visited: &mut Vec<&'a str>,
) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                if let Some(name) = reference.strip_prefix(SCHEMA_REF_PREFIX) {
                    out.push(name);
                } else if !visited.contains(&reference) {
                    visited.push(reference);
                    if let Some(target) = doc.resolve(reference) {
                        collect_inner(doc, target, out, visited);
                    }
                }
            }
            for (key, child) in map {
                if key != "$ref" {
                    collect_inner(doc, child, out, visited);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_inner(doc, item, out, visited);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_escape_slashes_and_tildes() {
        assert_eq!(child("/paths", "/v2/a~b"), "/paths/~1v2~1a~0b");
    }

    #[test]
    fn follow_stops_on_cycles_and_dangling_refs() {
        let doc = json!({"components": {"parameters": {
            "A": {"$ref": "#/components/parameters/B"},
            "B": {"$ref": "#/components/parameters/A"},
            "C": {"$ref": "#/components/parameters/Missing"}
        }}});
        let d = Document::new(&doc);
        let start = json!({"$ref": "#/components/parameters/A"});
        let (end, _) = d.follow(&start, "/x".into());
        assert!(ref_of(end).is_some());
        let start = json!({"$ref": "#/components/parameters/C"});
        let (end, pointer) = d.follow(&start, "/x".into());
        assert_eq!(ref_of(end), Some("#/components/parameters/Missing"));
        assert_eq!(pointer, "/components/parameters/C");
    }
}
