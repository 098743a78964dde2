//! Path parameters match the path template.
//!
//! Progenitor panics (`missing path name mapping`) when a `{variable}` of the template is
//! not declared, and other generators produce code that does not compile. Undeclared
//! variables are declared here, typed like a path parameter of the same name elsewhere in
//! the document, else as a string; declared path parameters that the template does not
//! contain are dropped (a client could never send them).

use std::collections::HashMap;

use serde_json::{json, Value};

use super::{for_each_operation, parameters_mut, Context};
use crate::report::PassReport;

/// The `{variables}` of a path template, in order.
pub fn template_variables(path: &str) -> Vec<&str> {
    let mut vars = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        vars.push(&after[..end]);
        rest = &after[end + 1..];
    }
    vars
}

/// Declares undeclared template variables and drops path parameters the template lacks.
pub fn run(doc: &mut Value, ctx: &mut Context, report: &mut PassReport) {
    // The schema of each path parameter name, as first declared in the document.
    let mut known: HashMap<String, Value> = HashMap::new();
    for_each_operation(doc, |_, _, _, op| {
        for p in parameters_mut(op).into_iter().flatten() {
            if p.get("in").and_then(Value::as_str) != Some("path") {
                continue;
            }
            if let (Some(name), Some(schema)) =
                (p.get("name").and_then(Value::as_str), p.get("schema"))
            {
                known
                    .entry(name.to_string())
                    .or_insert_with(|| schema.clone());
            }
        }
    });

    for_each_operation(doc, |ptr, path, method, op| {
        let vars = template_variables(path);
        let params = op
            .entry("parameters")
            .or_insert_with(|| Value::Array(Vec::new()));
        let Some(params) = params.as_array_mut() else {
            return;
        };
        let mut kept = Vec::with_capacity(params.len());
        for (i, p) in params.drain(..).enumerate() {
            let is_path = p.get("in").and_then(Value::as_str) == Some("path");
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            if is_path && !vars.contains(&name.as_str()) {
                report.change(
                    format!("{ptr}/parameters/{i}"),
                    format!("path parameter `{name}` is not in the template; dropped"),
                );
                // Path parameters are always required: the document asks for a value that
                // no URL of this path can carry.
                if let Some(record) = ctx.operation_mut(path, method) {
                    record.defects.push(format!(
                        "{ptr}/parameters/{i}: declares path parameter `{name}`, which its path \
                         `{path}` does not contain, so no request can supply it"
                    ));
                }
                continue;
            }
            let mut p = p;
            if is_path && p.get("required").and_then(Value::as_bool) != Some(true) {
                p["required"] = Value::Bool(true);
                report.change(
                    format!("{ptr}/parameters/{i}/required"),
                    format!("path parameter `{name}` made required"),
                );
            }
            kept.push(p);
        }
        for var in &vars {
            let declared = kept.iter().any(|p| {
                p.get("in").and_then(Value::as_str) == Some("path")
                    && p.get("name").and_then(Value::as_str) == Some(var)
            });
            if declared {
                continue;
            }
            let (schema, origin) = match known.get(*var) {
                Some(s) => (s.clone(), "typed like its namesake elsewhere"),
                None => (json!({"type": "string"}), "typed as string"),
            };
            report.change(
                format!("{ptr}/parameters"),
                format!("undeclared path variable `{var}` declared, {origin}"),
            );
            kept.push(json!({"name": var, "in": "path", "required": true, "schema": schema}));
        }
        let empty = kept.is_empty();
        *params = kept;
        if empty {
            op.remove("parameters");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::normalise_with;
    use serde_json::json;

    #[test]
    fn reads_template_variables() {
        assert_eq!(
            template_variables("/v2/orgs/{orgId}/teams/{teamId}"),
            ["orgId", "teamId"]
        );
        assert!(template_variables("/v2/me").is_empty());
    }

    #[test]
    fn declares_missing_and_drops_extra_path_parameters() {
        let mut doc = json!({"paths": {
            "/v2/orgs/{orgId}": {"get": {"parameters": [
                {"name": "orgId", "in": "path", "required": true, "schema": {"type": "number"}}]}},
            "/v2/orgs/{orgId}/teams/{teamId}": {"get": {"parameters": [
                {"name": "app", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "take", "in": "query"}]}}
        }});
        let (ctx, report) = normalise_with(&mut doc, run);
        let defects: Vec<&str> = ctx
            .operations
            .iter()
            .flat_map(|r| r.defects.iter().map(String::as_str))
            .collect();
        assert_eq!(defects.len(), 1, "{defects:?}");
        assert!(defects[0].contains("`app`"), "{defects:?}");
        let params = doc["paths"]["/v2/orgs/{orgId}/teams/{teamId}"]["get"]["parameters"]
            .as_array()
            .unwrap();
        let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["take", "orgId", "teamId"]);
        assert_eq!(params[1]["schema"]["type"], "number");
        assert_eq!(params[2]["schema"]["type"], "string");
        assert_eq!(report.changes, 3);
    }
}
