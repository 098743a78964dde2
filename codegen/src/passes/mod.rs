//! Normalisation: the passes that turn a messy real-world document into one progenitor accepts.
//!
//! Each pass is one module with one job. It works on the parsed JSON, records every change
//! it makes (with the JSON pointer of the original value) in its [`PassReport`], and may
//! record facts for the client layer in the shared [`Context`] (auth headers, API versions).

use serde_json::{Map, Value};

use crate::report::PassReport;

pub mod api_version;
pub mod auth_headers;
pub mod dangling_refs;
pub mod descriptions;
pub mod inline_parameters;
pub mod integer_ids;
pub mod named_unions;
pub mod oneof_order;
pub mod operation_names;
pub mod path_params;
pub mod schema_shapes;
pub mod sensitive_fields;
pub mod type_names;

use crate::load::HTTP_METHODS;

/// Whether an operation documents one of the auth headers, and whether it must be sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub enum HeaderUse {
    /// The operation does not mention the header.
    #[default]
    Absent,
    /// The operation accepts the header.
    Optional,
    /// The operation requires the header.
    Required,
}

/// Which auth headers an operation accepts and requires.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct AuthUse {
    /// `Authorization: Bearer …` (an API key or an access token).
    pub authorization: HeaderUse,
    /// `x-cal-secret-key` (platform OAuth client secret).
    pub secret_key: HeaderUse,
    /// `x-cal-client-id` (platform OAuth client id).
    pub client_id: HeaderUse,
}

/// What the normaliser learnt about one operation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OperationRecord {
    /// Path template as written in the document.
    pub path: String,
    /// HTTP method, upper case.
    pub method: String,
    /// The document's own `operationId` (before renaming).
    pub operation_id: String,
    /// The generated method name (snake_case); also the `operationId` after normalisation.
    pub name: String,
    /// The operation's tags.
    pub tags: Vec<String>,
    /// The `cal-api-version` the operation expects, if it has one.
    pub api_version: Option<String>,
    /// Auth headers it accepts and requires.
    pub auth: AuthUse,
    /// What in the document makes the operation impossible to call as written (for
    /// example a required path parameter its path does not contain), in words.
    pub defects: Vec<String>,
}

/// Facts the passes share with each other and with the client layer.
#[derive(Debug, Default)]
pub struct Context {
    /// One record per operation, in document order.
    pub operations: Vec<OperationRecord>,
}

impl Context {
    /// The record of the operation at `path` / `method` (lower case), if there is one.
    pub fn operation_mut(&mut self, path: &str, method: &str) -> Option<&mut OperationRecord> {
        let upper = method.to_ascii_uppercase();
        self.operations
            .iter_mut()
            .find(|r| r.path == path && r.method == upper)
    }
}

/// A normalisation pass.
pub type PassFn = fn(&mut Value, &mut Context, &mut PassReport);

/// Every pass, in the order it runs. Order matters: names first (later passes report by
/// name), parameters inlined before the header passes look at them.
pub const PASSES: &[(&str, PassFn)] = &[
    ("operation-names", operation_names::run),
    ("inline-parameters", inline_parameters::run),
    ("auth-headers", auth_headers::run),
    ("api-version", api_version::run),
    ("path-parameters", path_params::run),
    ("dangling-refs", dangling_refs::run),
    ("schema-shapes", schema_shapes::run),
    ("integer-ids", integer_ids::run),
    ("sensitive-fields", sensitive_fields::run),
    ("named-unions", named_unions::run),
    ("type-names", type_names::run),
    ("oneof-order", oneof_order::run),
    ("descriptions", descriptions::run),
];

/// Runs every pass over `doc` and returns what they learnt and changed.
pub fn normalise(doc: &mut Value) -> (Context, Vec<PassReport>) {
    let mut ctx = Context {
        operations: collect_operations(doc),
    };
    let reports = PASSES
        .iter()
        .map(|(name, pass)| {
            let mut report = PassReport::new(name);
            pass(doc, &mut ctx, &mut report);
            report
        })
        .collect();
    (ctx, reports)
}

fn collect_operations(doc: &Value) -> Vec<OperationRecord> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in HTTP_METHODS {
            let Some(op) = item.get(method) else { continue };
            let operation_id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let tags = op
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| {
                    t.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            out.push(OperationRecord {
                path: path.clone(),
                method: method.to_ascii_uppercase(),
                name: operation_id.clone(),
                operation_id,
                tags,
                api_version: None,
                auth: AuthUse::default(),
                defects: Vec::new(),
            });
        }
    }
    out
}

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
            let ptr = crate::error::pointer(["paths", path.as_str(), method]);
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
                ptr.push_str(&crate::error::escape_pointer_segment(key));
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
                crate::error::pointer(["components", "schemas", name]),
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
                let op_ptr = crate::error::pointer(["paths", path.as_str(), method.as_str()]);
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
                                crate::error::escape_pointer_segment(mt)
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
                                    crate::error::escape_pointer_segment(mt)
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
                        let p =
                            format!("{ptr}/{key}/{}", crate::error::escape_pointer_segment(name));
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

/// Runs one pass on `doc` with a fresh context, for unit tests.
#[cfg(test)]
pub(crate) fn normalise_with(doc: &mut Value, pass: PassFn) -> (Context, PassReport) {
    let mut ctx = Context {
        operations: collect_operations(doc),
    };
    let mut report = PassReport::new("test");
    pass(doc, &mut ctx, &mut report);
    (ctx, report)
}
