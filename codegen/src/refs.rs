//! Checks on `$ref`s that no pass can repair: a schema defined as itself.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use calcom_spec::pointer::from_tokens as pointer;

use crate::error::CodegenError;

use calcom_spec::refs::SCHEMA_REF_PREFIX as SCHEMA_PREFIX;

/// Fails when component schemas are aliases of each other in a loop
/// (`A: {$ref: B}`, `B: {allOf: [{$ref: A}]}`): such a type has no definition at all.
/// Recursion through properties or items is fine and not reported.
pub fn check_alias_cycles(file: &Path, doc: &Value) -> Result<(), CodegenError> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Ok(());
    };
    let mut edges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, schema) in schemas {
        let targets = edges.entry(name.as_str()).or_default();
        let direct = schema.get("$ref").and_then(Value::as_str);
        let all_of = schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| s.get("$ref").and_then(Value::as_str));
        for r in direct.into_iter().chain(all_of) {
            if let Some(target) = r.strip_prefix(SCHEMA_PREFIX) {
                targets.push(target);
            }
        }
    }
    let mut done = BTreeSet::new();
    for start in edges.keys() {
        let mut stack = Vec::new();
        if let Some(cycle) = visit(start, &edges, &mut stack, &mut done) {
            return Err(CodegenError::unsupported(
                file,
                pointer(["components", "schemas", cycle[0]]),
                format!(
                    "$ref loop: {} (a schema cannot be defined only as itself)",
                    cycle.join(" -> ")
                ),
            ));
        }
    }
    Ok(())
}

fn visit<'a>(
    node: &'a str,
    edges: &BTreeMap<&'a str, Vec<&'a str>>,
    stack: &mut Vec<&'a str>,
    done: &mut BTreeSet<&'a str>,
) -> Option<Vec<&'a str>> {
    if let Some(pos) = stack.iter().position(|n| *n == node) {
        let mut cycle = stack[pos..].to_vec();
        cycle.push(node);
        return Some(cycle);
    }
    if done.contains(node) {
        return None;
    }
    stack.push(node);
    for next in edges.get(node).into_iter().flatten() {
        if let Some(c) = visit(next, edges, stack, done) {
            return Some(c);
        }
    }
    stack.pop();
    done.insert(node);
    None
}

/// `value`, or what its local `$ref` chain points to (`value` itself when a reference
/// does not resolve, or when the chain loops).
pub fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    // Bounded: a `$ref` loop (which `check_alias_cycles` reports) must not hang us.
    for _ in 0..64 {
        let Some(target) = current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| doc.pointer(p))
        else {
            return current;
        };
        current = target;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_alias_loops_and_allows_recursive_properties() {
        let doc = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"allOf": [{"$ref": "#/components/schemas/A"}]},
        }}});
        let e = check_alias_cycles(Path::new("x.json"), &doc).unwrap_err();
        assert_eq!(e.pointer, "/components/schemas/A");
        assert!(e.reason.contains("A -> B -> A"), "{e}");

        let tree = json!({"components": {"schemas": {
            "Node": {"type": "object", "properties": {
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}}
        }}});
        check_alias_cycles(Path::new("x.json"), &tree).unwrap();
    }

    #[test]
    fn resolves_reference_chains() {
        let doc = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"type": "string"},
        }}});
        let start = json!({"$ref": "#/components/schemas/A"});
        assert_eq!(resolve(&doc, &start), &json!({"type": "string"}));
        let dangling = json!({"$ref": "#/components/schemas/Missing"});
        assert_eq!(resolve(&doc, &dangling), &dangling);
    }
}
