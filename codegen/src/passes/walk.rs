//! Walkers over the parsed document: every operation, every schema, every value.

use serde_json::{Map, Value};

use calcom_spec::HTTP_METHODS;

/// Calls `f` for every operation with its pointer, path template and lower-case method.
pub fn for_each_operation(
    doc: &mut Value,
    mut f: impl FnMut(&str, &str, &str, &mut Map<String, Value>),
) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        for method in HTTP_METHODS {
            let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let ptr = calcom_spec::pointer::from_tokens(["paths", path.as_str(), method]);
            f(&ptr, path, method, op);
        }
    }
}

/// Calls `f` on every schema object reachable in `value` (depth first, parents before
/// children), with its JSON pointer. Walks `properties`, `items`, `additionalProperties`,
/// `allOf`/`oneOf`/`anyOf`/`not`, and everything under `components`, `paths` and their content.
pub fn walk_values(value: &mut Value, ptr: &mut String, f: &mut dyn FnMut(&str, &mut Value)) {
    f(ptr, value);
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let len = ptr.len();
                ptr.push('/');
                ptr.push_str(&calcom_spec::pointer::escape_token(key));
                walk_values(child, ptr, f);
                ptr.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                let len = ptr.len();
                ptr.push('/');
                ptr.push_str(&i.to_string());
                walk_values(child, ptr, f);
                ptr.truncate(len);
            }
        }
        _ => {}
    }
}

/// Calls `f` on every JSON value of the document that is a schema: component schemas,
/// parameter schemas, request and response media-type schemas, and their subschemas.
pub fn for_each_schema(doc: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    let mut roots: Vec<(String, &mut Value)> = Vec::new();
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    // Split borrows of `paths` and `components`.
    let mut paths = root.get_mut("paths").map(std::mem::take);
    let mut components = root.get_mut("components").map(std::mem::take);
    if let Some(Value::Object(schemas)) = components.as_mut().and_then(|c| c.get_mut("schemas")) {
        for (name, schema) in schemas.iter_mut() {
            roots.push((
                calcom_spec::pointer::from_tokens(["components", "schemas", name]),
                schema,
            ));
        }
    }
    if let Some(Value::Object(items)) = paths.as_mut() {
        for (path, item) in items.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                if !HTTP_METHODS.contains(&method.as_str()) {
                    continue;
                }
                let op_ptr =
                    calcom_spec::pointer::from_tokens(["paths", path.as_str(), method.as_str()]);
                collect_operation_schemas(op, op_ptr, &mut roots);
            }
        }
    }
    for (ptr, schema) in roots {
        walk_schema(schema, &ptr, f);
    }
    if let Some(p) = paths {
        root.insert("paths".into(), p);
    }
    if let Some(c) = components {
        root.insert("components".into(), c);
    }
}

fn collect_operation_schemas<'a>(
    op: &'a mut Value,
    op_ptr: String,
    roots: &mut Vec<(String, &'a mut Value)>,
) {
    let Some(op) = op.as_object_mut() else { return };
    for (key, value) in op.iter_mut() {
        match key.as_str() {
            "parameters" => {
                if let Some(params) = value.as_array_mut() {
                    for (i, p) in params.iter_mut().enumerate() {
                        if let Some(schema) = p.get_mut("schema") {
                            roots.push((format!("{op_ptr}/parameters/{i}/schema"), schema));
                        }
                    }
                }
            }
            "requestBody" => {
                if let Some(content) = value.get_mut("content").and_then(Value::as_object_mut) {
                    for (mt, media) in content.iter_mut() {
                        if let Some(schema) = media.get_mut("schema") {
                            let ptr = format!(
                                "{op_ptr}/requestBody/content/{}/schema",
                                calcom_spec::pointer::escape_token(mt)
                            );
                            roots.push((ptr, schema));
                        }
                    }
                }
            }
            "responses" => {
                if let Some(responses) = value.as_object_mut() {
                    for (code, response) in responses.iter_mut() {
                        let Some(content) =
                            response.get_mut("content").and_then(Value::as_object_mut)
                        else {
                            continue;
                        };
                        for (mt, media) in content.iter_mut() {
                            if let Some(schema) = media.get_mut("schema") {
                                let ptr = format!(
                                    "{op_ptr}/responses/{code}/content/{}/schema",
                                    calcom_spec::pointer::escape_token(mt)
                                );
                                roots.push((ptr, schema));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// Subschema-holding keywords: (keyword, holds a list, holds a map).
const SUBSCHEMA_KEYS: [(&str, Kind); 8] = [
    ("properties", Kind::Map),
    ("items", Kind::One),
    ("additionalProperties", Kind::One),
    ("allOf", Kind::List),
    ("oneOf", Kind::List),
    ("anyOf", Kind::List),
    ("not", Kind::One),
    ("patternProperties", Kind::Map),
];

#[derive(Clone, Copy)]
enum Kind {
    One,
    List,
    Map,
}

fn walk_schema(schema: &mut Value, ptr: &str, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    f(ptr, map);
    for (key, kind) in SUBSCHEMA_KEYS {
        let Some(child) = map.get_mut(key) else {
            continue;
        };
        match kind {
            Kind::One => walk_schema(child, &format!("{ptr}/{key}"), f),
            Kind::List => {
                if let Some(items) = child.as_array_mut() {
                    for (i, item) in items.iter_mut().enumerate() {
                        walk_schema(item, &format!("{ptr}/{key}/{i}"), f);
                    }
                }
            }
            Kind::Map => {
                if let Some(props) = child.as_object_mut() {
                    for (name, prop) in props.iter_mut() {
                        let p = format!("{ptr}/{key}/{}", calcom_spec::pointer::escape_token(name));
                        walk_schema(prop, &p, f);
                    }
                }
            }
        }
    }
}

/// The `parameters` array of an operation, if it has one.
pub fn parameters_mut(op: &mut Map<String, Value>) -> Option<&mut Vec<Value>> {
    op.get_mut("parameters").and_then(Value::as_array_mut)
}

/// `true` when `param` is in `location` and named `name` (header names ignore case).
pub fn is_parameter(param: &Value, location: &str, name: &str) -> bool {
    let loc = param.get("in").and_then(Value::as_str);
    let pname = param.get("name").and_then(Value::as_str);
    match (loc, pname) {
        (Some(l), Some(n)) if l == location => {
            if location == "header" {
                n.eq_ignore_ascii_case(name)
            } else {
                n == name
            }
        }
        _ => false,
    }
}
