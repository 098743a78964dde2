//! Generating only part of the API: the operations with some tags, or named ones.
//!
//! A user who calls a handful of endpoints should not compile 230. `CALCOM_TAGS` (tags,
//! matched by slug: `Orgs / Delegation Credentials` = `orgs-delegation-credentials`) and
//! `CALCOM_OPERATIONS` (method names) keep the operations they name; component schemas
//! that no kept operation reaches through `$ref`s are dropped, so the types that remain are
//! complete.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

use crate::passes::OperationRecord;
use calcom_spec::HTTP_METHODS;

/// Which operations to generate; empty lists mean everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Tags (any spelling with the same slug).
    pub tags: Vec<String>,
    /// Method names (`update_delegation_credential`).
    pub operations: Vec<String>,
}

impl Selection {
    /// Parses comma-separated lists, as `CALCOM_TAGS` and `CALCOM_OPERATIONS` hold them.
    pub fn parse(tags: Option<&str>, operations: Option<&str>) -> Self {
        let list = |s: Option<&str>| {
            s.unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect()
        };
        Self {
            tags: list(tags),
            operations: list(operations),
        }
    }

    /// `true` when everything is generated.
    pub fn is_all(&self) -> bool {
        self.tags.is_empty() && self.operations.is_empty()
    }

    /// A short description for reports.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.tags.is_empty() {
            parts.push(format!("tags {}", self.tags.join(", ")));
        }
        if !self.operations.is_empty() {
            parts.push(format!("operations {}", self.operations.join(", ")));
        }
        parts.join("; ")
    }
}

/// `Orgs / Delegation Credentials` → `orgs-delegation-credentials`.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// What the selection kept and dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selected {
    /// Operations removed.
    pub operations_dropped: usize,
    /// Component schemas removed because no kept operation reaches them.
    pub schemas_dropped: usize,
}

/// Keeps the selected operations and the schemas they reach. Fails, listing what exists,
/// when a tag or an operation name matches nothing.
pub fn apply(
    doc: &mut Value,
    records: &[OperationRecord],
    selection: &Selection,
) -> Result<Selected, String> {
    if selection.is_all() {
        return Ok(Selected::default());
    }
    let all_tags: BTreeSet<String> = records
        .iter()
        .flat_map(|r| r.tags.iter().map(|t| slug(t)))
        .collect();
    for tag in &selection.tags {
        if !all_tags.contains(&slug(tag)) {
            return Err(format!(
                "CALCOM_TAGS: no operation has the tag `{tag}`; tags are: {}",
                all_tags.iter().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    for name in &selection.operations {
        if !records.iter().any(|r| &r.name == name) {
            return Err(format!(
                "CALCOM_OPERATIONS: there is no operation named `{name}`"
            ));
        }
    }
    let wanted_tags: HashSet<String> = selection.tags.iter().map(|t| slug(t)).collect();
    let keep: HashSet<(&str, String)> = records
        .iter()
        .filter(|r| {
            r.tags.iter().any(|t| wanted_tags.contains(&slug(t)))
                || selection.operations.contains(&r.name)
        })
        .map(|r| (r.path.as_str(), r.method.to_ascii_lowercase()))
        .collect();

    let mut result = Selected::default();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for method in HTTP_METHODS {
                if item.contains_key(method) && !keep.contains(&(path.as_str(), method.to_string()))
                {
                    item.remove(method);
                    result.operations_dropped += 1;
                }
            }
        }
        paths.retain(|_, item| {
            item.as_object()
                .is_some_and(|i| HTTP_METHODS.iter().any(|m| i.contains_key(*m)))
        });
    }
    result.schemas_dropped = prune_unreachable_schemas(doc);
    Ok(result)
}

use calcom_spec::refs::SCHEMA_REF_PREFIX as SCHEMA_REF;

fn refs_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                if let Some(name) = r.strip_prefix(SCHEMA_REF) {
                    out.push(name.to_string());
                }
            }
            map.values().for_each(|v| refs_in(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

/// Drops component schemas that `paths` does not reach; returns how many.
fn prune_unreachable_schemas(doc: &mut Value) -> usize {
    let mut frontier = Vec::new();
    if let Some(paths) = doc.get("paths") {
        refs_in(paths, &mut frontier);
    }
    let mut reached: HashSet<String> = HashSet::new();
    while let Some(name) = frontier.pop() {
        if !reached.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = doc
            .pointer("/components/schemas")
            .and_then(|s| s.get(&name))
        {
            refs_in(schema, &mut frontier);
        }
    }
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return 0;
    };
    let before = schemas.len();
    schemas.retain(|name, _| reached.contains(name));
    before - schemas.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(path: &str, method: &str, name: &str, tag: &str) -> OperationRecord {
        OperationRecord {
            path: path.into(),
            method: method.into(),
            operation_id: name.into(),
            name: name.into(),
            tags: vec![tag.into()],
            api_version: None,
            auth: Default::default(),
            defects: Vec::new(),
        }
    }

    fn doc() -> Value {
        json!({"paths": {
            "/a": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}},
            "/b": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/B"}}}}}}}
        }, "components": {"schemas": {
            "A": {"type": "object", "properties": {"inner": {"$ref": "#/components/schemas/Inner"}}},
            "Inner": {"type": "string"},
            "B": {"type": "string"},
            "Unused": {"type": "string"}
        }}})
    }

    fn records() -> Vec<OperationRecord> {
        vec![
            record("/a", "GET", "get_a", "Orgs / Delegation Credentials"),
            record("/b", "GET", "get_b", "Bookings"),
        ]
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug("Orgs / Delegation Credentials"),
            "orgs-delegation-credentials"
        );
        assert_eq!(slug("Bookings"), "bookings");
    }

    #[test]
    fn keeps_selected_operations_and_the_schemas_they_reach() {
        let mut d = doc();
        let sel = Selection::parse(Some("orgs-delegation-credentials"), None);
        let r = apply(&mut d, &records(), &sel).unwrap();
        assert_eq!(
            r,
            Selected {
                operations_dropped: 1,
                schemas_dropped: 2
            }
        );
        let schemas: Vec<&String> = d["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(schemas, ["A", "Inner"]);
        assert!(d["paths"].get("/b").is_none());

        let mut d = doc();
        let r = apply(&mut d, &records(), &Selection::parse(None, Some("get_b"))).unwrap();
        assert_eq!(r.operations_dropped, 1);
        assert!(d["paths"].get("/b").is_some());
    }

    #[test]
    fn unknown_names_list_what_exists() {
        let e = apply(
            &mut doc(),
            &records(),
            &Selection::parse(Some("nope"), None),
        )
        .unwrap_err();
        assert!(e.contains("bookings, orgs-delegation-credentials"), "{e}");
        assert!(apply(
            &mut doc(),
            &records(),
            &Selection::parse(None, Some("get_c"))
        )
        .is_err());
    }

    #[test]
    fn empty_selection_keeps_everything() {
        let mut d = doc();
        assert_eq!(
            apply(&mut d, &records(), &Selection::default()).unwrap(),
            Selected::default()
        );
        assert_eq!(d, doc());
    }
}
