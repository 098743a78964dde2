//! Every operation lists all of its own parameters.
//!
//! Parameters shared by a path item are copied into each of its operations (an
//! operation's own parameter of the same name and location wins), and parameter `$ref`s
//! into `#/components/parameters` are replaced by what they point at. The header passes
//! that follow can then look at one flat list per operation.

use serde_json::Value;

use calcom_spec::HTTP_METHODS;

use super::Context;
use crate::report::PassReport;
use calcom_spec::pointer::from_tokens as pointer;

/// Merges path-level parameters into operations and inlines parameter `$ref`s.
pub fn run(doc: &mut Value, _ctx: &mut Context, report: &mut PassReport) {
    let components = doc
        .pointer("/components/parameters")
        .cloned()
        .unwrap_or(Value::Null);
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let shared = match item.remove("parameters") {
            Some(Value::Array(params)) => {
                report.change(
                    pointer(["paths", path.as_str(), "parameters"]),
                    format!(
                        "{} path-level parameters copied into each operation",
                        params.len()
                    ),
                );
                params
            }
            _ => Vec::new(),
        };
        for method in HTTP_METHODS {
            let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let op_ptr = pointer(["paths", path.as_str(), method]);
            let mut own = match op.remove("parameters") {
                Some(Value::Array(p)) => p,
                _ => Vec::new(),
            };
            for (i, param) in own.iter_mut().enumerate() {
                inline_ref(
                    param,
                    &components,
                    &format!("{op_ptr}/parameters/{i}"),
                    report,
                );
            }
            for shared_param in &shared {
                let mut param = shared_param.clone();
                inline_ref(&mut param, &components, &op_ptr, report);
                let key = param_key(&param);
                if !own.iter().any(|p| param_key(p) == key) {
                    own.push(param);
                }
            }
            if !own.is_empty() {
                op.insert("parameters".into(), Value::Array(own));
            }
        }
    }
}

fn param_key(param: &Value) -> (Option<String>, Option<String>) {
    let s = |k: &str| param.get(k).and_then(Value::as_str).map(str::to_string);
    (s("in"), s("name").map(|n| n.to_ascii_lowercase()))
}

fn inline_ref(param: &mut Value, components: &Value, ptr: &str, report: &mut PassReport) {
    let Some(reference) = param.get("$ref").and_then(Value::as_str) else {
        return;
    };
    let target = reference
        .strip_prefix("#/components/parameters/")
        .and_then(|name| components.get(name));
    match target {
        Some(found) => {
            report.change(ptr, format!("parameter {reference} inlined"));
            *param = found.clone();
        }
        None => {
            // Left for the dangling-refs pass to report; nothing to inline.
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::normalise_with;
    use serde_json::json;

    #[test]
    fn copies_path_parameters_and_inlines_refs() {
        let mut doc = json!({"paths": {"/a/{id}": {
            "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}],
            "get": {"parameters": [{"$ref": "#/components/parameters/Take"}]},
            "put": {"parameters": [{"name": "id", "in": "path", "schema": {"type": "number"}}]}
        }}, "components": {"parameters": {"Take": {"name": "take", "in": "query"}}}});
        let (_, report) = normalise_with(&mut doc, run);
        let get = &doc["paths"]["/a/{id}"]["get"]["parameters"];
        assert_eq!(get[0]["name"], "take");
        assert_eq!(get[1]["name"], "id");
        // The operation's own `id` wins over the shared one.
        let put = doc["paths"]["/a/{id}"]["put"]["parameters"]
            .as_array()
            .unwrap();
        assert_eq!(put.len(), 1);
        assert_eq!(put[0]["schema"]["type"], "number");
        assert!(doc["paths"]["/a/{id}"].get("parameters").is_none());
        assert_eq!(report.changes, 2);
    }
}
