//! Inline schemas whose generated type name is already a component's.
//!
//! typify names the type of an inline property schema `{Parent}{Property}`
//! (`CreateTeamOutput.data` → `CreateTeamOutputData`) and, when a type of that name
//! already exists, silently reuses it (`TypeSpace::assign_type`). Cal.com has a
//! component `CreateTeamOutputData` too, so the `data` union became that one struct and
//! every other branch failed to decode. Such inline schemas get a `title` (which typify
//! uses as the name) with an `Inline` suffix.

use std::collections::HashSet;

use heck::{ToPascalCase, ToSnakeCase};
use serde_json::Value;

use super::Context;
use crate::report::PassReport;

/// Keywords that make typify generate a named type for an inline schema.
const NAMED: [&str; 5] = ["enum", "oneOf", "anyOf", "properties", "allOf"];

fn visit(
    schema: &mut Value,
    base: &str,
    ptr: &str,
    taken: &mut HashSet<String>,
    report: &mut PassReport,
) {
    let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (name, prop) in props.iter_mut() {
        let Some(p) = prop.as_object_mut() else {
            continue;
        };
        if p.contains_key("$ref") {
            continue;
        }
        let prop_ptr = format!(
            "{ptr}/properties/{}",
            calcom_spec::pointer::escape_token(name)
        );
        let suggested = format!("{base}_{}", name.to_snake_case()).to_pascal_case();
        let nested_base = match p.get("title").and_then(Value::as_str) {
            Some(title) => title.to_pascal_case(),
            None if NAMED.iter().any(|k| p.contains_key(*k)) && taken.contains(&suggested) => {
                let mut title = format!("{suggested}Inline");
                let mut n = 2;
                while taken.contains(&title) {
                    title = format!("{suggested}Inline{n}");
                    n += 1;
                }
                taken.insert(title.clone());
                p.insert("title".into(), title.clone().into());
                report.change(
                    &prop_ptr,
                    format!(
                        "inline type would be named {suggested}, like a component: named {title}"
                    ),
                );
                title
            }
            None => suggested,
        };
        visit(prop, &nested_base, &prop_ptr, taken, report);
    }
}

/// Titles inline property schemas whose generated name is taken by a component.
pub fn run(doc: &mut Value, _ctx: &mut Context, report: &mut PassReport) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut taken: HashSet<String> = schemas.keys().map(|k| k.to_pascal_case()).collect();
    for (name, schema) in schemas.iter_mut() {
        let ptr = calcom_spec::pointer::from_tokens(["components", "schemas", name.as_str()]);
        visit(schema, name, &ptr, &mut taken, report);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::normalise_with;
    use serde_json::json;

    #[test]
    fn titles_only_colliding_inline_types() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {
            "TeamOut": {"type": "object", "properties": {
                "data": {"oneOf": [{"$ref": "#/components/schemas/TeamOutData"}, {"type": "string"}]},
                "status": {"type": "string", "enum": ["a", "b"]},
                "plain": {"type": "string"},
                "ref": {"$ref": "#/components/schemas/TeamOutData"}
            }},
            "TeamOutData": {"type": "object", "properties": {"x": {"type": "string"}}},
            "TeamOutPlain": {"type": "string"}
        }}});
        let (_, report) = normalise_with(&mut doc, run);
        let props = &doc["components"]["schemas"]["TeamOut"]["properties"];
        assert_eq!(props["data"]["title"], "TeamOutDataInline");
        assert!(props["status"].get("title").is_none());
        assert!(
            props["plain"].get("title").is_none(),
            "a string needs no named type"
        );
        assert_eq!(report.changes, 1);
    }
}
