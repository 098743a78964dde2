//! Local `$ref`s and `allOf`: one way to resolve them, for the generator's passes, the
//! drift checker and the test support.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// The prefix of a `$ref` to a component schema.
pub const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

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

impl<'a> Document<'a> {
    /// Follows schema `$ref`s until a schema that is not a reference. `None` for a
    /// dangling reference or a chain longer than the hop limit (a cycle).
    pub fn resolve_schema<'s>(&self, schema: &'s Value) -> Option<&'s Value>
    where
        'a: 's,
    {
        let mut current = schema;
        for _ in 0..MAX_REF_HOPS {
            match schema_ref_name(current) {
                Some(name) => current = self.schema(name)?,
                None => return Some(current),
            }
        }
        None
    }

    /// The property names of a schema, through `$ref`s and `allOf` (cycle-safe): the
    /// fields an object of that schema may carry.
    pub fn property_names(&self, schema: &Value) -> BTreeSet<String> {
        self.property_names_inner(schema, &mut Vec::new())
    }

    fn property_names_inner<'s>(
        &self,
        schema: &'s Value,
        seen: &mut Vec<&'s str>,
    ) -> BTreeSet<String>
    where
        'a: 's,
    {
        if let Some(name) = schema_ref_name(schema) {
            if seen.contains(&name) {
                return BTreeSet::new();
            }
            let Some(target) = self.schema(name) else {
                return BTreeSet::new();
            };
            seen.push(name);
            let names = self.property_names_inner(target, seen);
            seen.pop();
            return names;
        }
        let mut names: BTreeSet<String> = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            names.extend(self.property_names_inner(part, seen));
        }
        names
    }

    /// `schema` with its `allOf` members merged in, when they all describe objects:
    /// properties and required names are united, other keywords of the outer schema win.
    /// `None` when there is no `allOf`, or a member is not an object (or is dangling).
    pub fn merge_all_of(&self, schema: &Value) -> Option<Value> {
        self.merge_all_of_inner(schema, 0).ok().flatten()
    }

    /// `Ok(None)`: no `allOf`; `Err(())`: an `allOf` that cannot be merged as objects.
    fn merge_all_of_inner(&self, schema: &Value, depth: usize) -> Result<Option<Value>, ()> {
        let Some(members) = schema.get("allOf").and_then(Value::as_array) else {
            return Ok(None);
        };
        if depth > MAX_REF_HOPS {
            return Err(());
        }
        let mut merged = Map::new();
        let mut properties = Map::new();
        let mut required: Vec<Value> = Vec::new();
        for member in members {
            let Some(member) = self.resolve_schema(member) else {
                // A member that names a missing schema adds nothing (the generator reports
                // it as a dangling ref); a loop of aliases has no definition at all.
                if schema_ref_name(member).is_some_and(|name| self.schema(name).is_none()) {
                    continue;
                }
                return Err(());
            };
            let member = self
                .merge_all_of_inner(member, depth + 1)?
                .unwrap_or_else(|| member.clone());
            if !is_object_like(&member) {
                return Err(());
            }
            absorb(&member, &mut merged, &mut properties, &mut required);
        }
        let mut outer = schema.clone();
        if let Some(o) = outer.as_object_mut() {
            o.remove("allOf");
        }
        absorb(&outer, &mut merged, &mut properties, &mut required);
        merged.insert("type".into(), "object".into());
        if !properties.is_empty() {
            merged.insert("properties".into(), Value::Object(properties));
        }
        if !required.is_empty() {
            merged.insert("required".into(), Value::Array(required));
        }
        Ok(Some(Value::Object(merged)))
    }
}

fn absorb(
    member: &Value,
    merged: &mut Map<String, Value>,
    properties: &mut Map<String, Value>,
    required: &mut Vec<Value>,
) {
    let Some(m) = member.as_object() else { return };
    for (k, v) in m {
        match k.as_str() {
            "properties" => {
                if let Some(p) = v.as_object() {
                    for (name, s) in p {
                        properties.insert(name.clone(), s.clone());
                    }
                }
            }
            "required" => {
                for r in v.as_array().into_iter().flatten() {
                    if !required.contains(r) {
                        required.push(r.clone());
                    }
                }
            }
            _ => {
                merged.insert(k.clone(), v.clone());
            }
        }
    }
}

/// `true` for a schema that describes an object (or says nothing about its type).
pub fn is_object_like(schema: &Value) -> bool {
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => true,
        Some(_) => false,
        None => {
            schema.get("properties").is_some()
                || !(schema.get("enum").is_some()
                    || schema.get("oneOf").is_some()
                    || schema.get("anyOf").is_some()
                    || schema.get("items").is_some())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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

    fn schemas() -> Value {
        json!({"components": {"schemas": {
            "Base": {"type": "object", "properties": {"id": {}}, "required": ["id"]},
            "Alias": {"$ref": "#/components/schemas/Base"},
            "Loop": {"$ref": "#/components/schemas/Loop"},
            "Child": {"allOf": [{"$ref": "#/components/schemas/Alias"},
                                {"properties": {"name": {}}, "required": ["name"]}]},
            "SelfAll": {"allOf": [{"$ref": "#/components/schemas/SelfAll"}]},
            "NotObject": {"allOf": [{"type": "string"}]},
            "WithGone": {"allOf": [{"$ref": "#/components/schemas/Gone"}, {"$ref": "#/components/schemas/Base"}]}
        }}})
    }

    #[test]
    fn schema_refs_resolve_through_aliases_and_stop_on_loops() {
        let root = schemas();
        let d = Document::new(&root);
        let alias = json!({"$ref": "#/components/schemas/Alias"});
        assert_eq!(d.resolve_schema(&alias), d.schema("Base"));
        assert_eq!(
            d.resolve_schema(&json!({"$ref": "#/components/schemas/Loop"})),
            None
        );
        assert_eq!(
            d.resolve_schema(&json!({"$ref": "#/components/schemas/Gone"})),
            None
        );
    }

    #[test]
    fn property_names_follow_refs_and_all_of() {
        let root = schemas();
        let d = Document::new(&root);
        let child = json!({"$ref": "#/components/schemas/Child"});
        let names: Vec<String> = d.property_names(&child).into_iter().collect();
        assert_eq!(names, ["id", "name"]);
        let looped = json!({"$ref": "#/components/schemas/SelfAll"});
        assert!(d.property_names(&looped).is_empty());
    }

    #[test]
    fn merge_all_of_unites_object_members_only() {
        let root = schemas();
        let d = Document::new(&root);
        let merged = d.merge_all_of(d.schema("Child").unwrap()).unwrap();
        assert_eq!(merged["required"], json!(["id", "name"]));
        assert_eq!(merged["type"], "object");
        assert!(d.merge_all_of(d.schema("NotObject").unwrap()).is_none());
        assert!(d.merge_all_of(d.schema("SelfAll").unwrap()).is_none());
        assert!(d.merge_all_of(d.schema("Base").unwrap()).is_none());
        let with_gone = d.merge_all_of(d.schema("WithGone").unwrap()).unwrap();
        assert_eq!(with_gone["required"], json!(["id"]));
    }
}
