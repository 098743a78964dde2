//! `$ref`s that point nowhere become free-form JSON values, with a warning.
//!
//! Most published Cal.com documents reference a few schemas they never define. The
//! generated field then holds a `serde_json::Value`: the data still arrives, untyped,
//! instead of the whole build failing.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{walk_values, Context};
use crate::report::PassReport;

/// Replaces unresolvable `$ref`s with free-form schemas.
pub fn run(doc: &mut Value, _ctx: &mut Context, report: &mut PassReport) {
    let mut dangling = BTreeSet::new();
    {
        let snapshot: &Value = doc;
        let mut refs = Vec::new();
        collect_refs(snapshot, &mut refs);
        for r in refs {
            if !resolves(snapshot, &r) {
                dangling.insert(r);
            }
        }
    }
    if dangling.is_empty() {
        return;
    }
    let mut ptr = String::new();
    walk_values(doc, &mut ptr, &mut |p, value| {
        let Some(map) = value.as_object_mut() else {
            return;
        };
        let Some(target) = map.get("$ref").and_then(Value::as_str).map(str::to_string) else {
            return;
        };
        if !dangling.contains(&target) {
            return;
        }
        map.remove("$ref");
        let mut free = Map::new();
        if let Some(d) = map.remove("description") {
            free.insert("description".into(), d);
        }
        if let Some(n) = map.remove("nullable") {
            free.insert("nullable".into(), n);
        }
        free.insert(
            "x-calcom-dangling-ref".into(),
            Value::String(target.clone()),
        );
        *map = free;
        report.warn(
            p,
            format!("$ref {target} points at nothing; typed as a free-form JSON value"),
        );
    });
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// `true` when `reference` is a local JSON pointer that resolves in `doc`.
pub fn resolves(doc: &Value, reference: &str) -> bool {
    reference
        .strip_prefix('#')
        .is_some_and(|p| doc.pointer(p).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::normalise_with;
    use serde_json::json;

    #[test]
    fn replaces_only_dangling_refs_and_keeps_descriptions() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {
            "A": {"type": "object", "properties": {
                "ok": {"$ref": "#/components/schemas/B"},
                "gone": {"$ref": "#/components/schemas/Missing", "description": "d"},
                "remote": {"$ref": "other.json#/X"}
            }},
            "B": {"type": "string"}
        }}});
        let (_, report) = normalise_with(&mut doc, run);
        let props = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(props["ok"]["$ref"], "#/components/schemas/B");
        assert!(props["gone"].get("$ref").is_none());
        assert_eq!(props["gone"]["description"], "d");
        assert!(props["remote"].get("$ref").is_none());
        assert_eq!(report.warnings.len(), 2);
        assert_eq!(
            report.warnings[0].pointer,
            "/components/schemas/A/properties/gone"
        );
    }
}
