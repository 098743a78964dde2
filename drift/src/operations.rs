//! Operations: collecting them from a document and comparing matched pairs (parameters,
//! request bodies, success responses). Schemas inside them go to `SchemaDiffer`.

use std::collections::HashMap;

use serde_json::Value;

use crate::classify::{is_sdk_managed_header, Facts};
use crate::finding::{Findings, Site, Subject};
use crate::method_name::method_name;
use crate::report::{ChangeKind, Direction};
use crate::resolve::{child, empty_map, object_at, Document};
use crate::schemas::SchemaDiffer;

/// The HTTP methods an OpenAPI path item can hold.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One parameter of an operation, after following `$ref`s.
#[derive(Debug, Clone)]
pub struct Parameter<'a> {
    /// `query`, `header`, `path` or `cookie`.
    pub location: String,
    /// The name as written.
    pub name: String,
    /// Matching key: location plus name (lower-cased for headers), or the position in the
    /// path template for path parameters, whose names are ignored.
    pub key: String,
    /// The parameter object.
    pub value: &'a Value,
    /// Its JSON pointer.
    pub pointer: String,
    /// Whether it is required.
    pub required: bool,
}

impl Parameter<'_> {
    /// Whether the SDK sends this parameter itself (auth and API-version headers).
    pub fn is_sdk_managed(&self) -> bool {
        self.location == "header" && is_sdk_managed_header(&self.name)
    }
}

/// One operation of a document.
#[derive(Debug, Clone)]
pub struct Operation<'a> {
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template as written.
    pub path: String,
    /// Matching key: method and path template with parameter names removed.
    pub key: String,
    /// The operation object.
    pub value: &'a Value,
    /// Its JSON pointer.
    pub pointer: String,
    /// Its operationId, if any.
    pub operation_id: Option<&'a str>,
    /// Path-level and operation-level parameters, the latter overriding the former.
    pub parameters: Vec<Parameter<'a>>,
}

impl Operation<'_> {
    /// `METHOD /path/{template}`.
    pub fn display(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// Every operation of a document, in document order.
pub fn collect_operations<'a>(doc: &Document<'a>) -> Vec<Operation<'a>> {
    let mut operations = Vec::new();
    let Some(paths) = doc.root.get("paths").and_then(Value::as_object) else {
        return operations;
    };
    for (path, item) in paths {
        let item_pointer = child("/paths", path);
        let (item, item_pointer) = doc.follow(item, item_pointer);
        let Some(item_map) = item.as_object() else {
            continue;
        };
        let template_names = template_parameter_names(path);
        for method in METHODS {
            let Some(value) = item_map.get(method) else {
                continue;
            };
            let pointer = child(&item_pointer, method);
            let mut parameters: Vec<Parameter<'_>> = Vec::new();
            let sources = [
                (
                    item_map.get("parameters"),
                    child(&item_pointer, "parameters"),
                ),
                (value.get("parameters"), child(&pointer, "parameters")),
            ];
            for (list, list_pointer) in sources {
                let Some(list) = list.and_then(Value::as_array) else {
                    continue;
                };
                for (i, raw) in list.iter().enumerate() {
                    let Some(parameter) = read_parameter(
                        doc,
                        raw,
                        child(&list_pointer, &i.to_string()),
                        &template_names,
                    ) else {
                        continue;
                    };
                    parameters.retain(|p| p.key != parameter.key);
                    parameters.push(parameter);
                }
            }
            operations.push(Operation {
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                key: format!("{} {}", method.to_ascii_uppercase(), path_shape(path)),
                value,
                pointer,
                operation_id: value.get("operationId").and_then(Value::as_str),
                parameters,
            });
        }
    }
    operations
}

fn read_parameter<'a>(
    doc: &Document<'a>,
    raw: &'a Value,
    pointer: String,
    template_names: &[&str],
) -> Option<Parameter<'a>> {
    let (value, pointer) = doc.follow(raw, pointer);
    let name = value.get("name").and_then(Value::as_str)?;
    let location = value.get("in").and_then(Value::as_str)?;
    let key = match location {
        "header" => format!("header:{}", name.to_ascii_lowercase()),
        "path" => match template_names.iter().position(|n| *n == name) {
            Some(index) => format!("path#{index}"),
            None => format!("path:{name}"),
        },
        other => format!("{other}:{name}"),
    };
    Some(Parameter {
        location: location.to_string(),
        name: name.to_string(),
        key,
        value,
        pointer,
        // Path parameters are always required, whatever the document says.
        required: location == "path"
            || value.get("required").and_then(Value::as_bool) == Some(true),
    })
}

/// `/v2/orgs/{orgId}/teams/{id}` → `/v2/orgs/{}/teams/{}`.
pub fn path_shape(path: &str) -> String {
    let mut shape = String::with_capacity(path.len());
    let mut in_braces = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_braces = true;
                shape.push_str("{}");
            }
            '}' => in_braces = false,
            _ if in_braces => {}
            _ => shape.push(c),
        }
    }
    shape
}

/// The parameter names of a path template, in order.
fn template_parameter_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .collect()
}

/// Compares the operations of two documents.
pub fn diff_operations<'a>(
    old_ops: &[Operation<'a>],
    new_ops: &[Operation<'a>],
    differ: &mut SchemaDiffer<'a>,
    out: &mut Findings,
) {
    let new_by_key: HashMap<&str, &Operation<'a>> =
        new_ops.iter().map(|op| (op.key.as_str(), op)).collect();
    let old_by_key: HashMap<&str, &Operation<'a>> =
        old_ops.iter().map(|op| (op.key.as_str(), op)).collect();
    let removed: Vec<&Operation<'a>> = old_ops
        .iter()
        .filter(|op| !new_by_key.contains_key(op.key.as_str()))
        .collect();
    let added: Vec<&Operation<'a>> = new_ops
        .iter()
        .filter(|op| !old_by_key.contains_key(op.key.as_str()))
        .collect();
    let same_id = |op: &Operation<'a>, others: &[&Operation<'a>]| -> Option<String> {
        let id = op.operation_id?;
        others
            .iter()
            .find(|o| o.operation_id == Some(id))
            .map(|o| o.display())
    };
    for op in &removed {
        let moved_to = same_id(op, &added);
        let site = operation_site(
            op,
            op,
            Direction::Request,
            Facts {
                method_name_kept: moved_to.is_some(),
                ..Facts::default()
            },
        );
        let detail = match &moved_to {
            Some(target) => format!(
                "operation removed; it moved to {target} (same operationId `{}`)",
                op.operation_id.unwrap_or_default()
            ),
            None => "operation removed".to_string(),
        };
        out.push(ChangeKind::OperationRemoved, &site, detail);
    }
    for op in &added {
        let site = operation_site(op, op, Direction::Request, Facts::default());
        let detail = match same_id(op, &removed) {
            Some(source) => format!("operation added; it moved here from {source}"),
            None => "operation added".to_string(),
        };
        out.push(ChangeKind::OperationAdded, &site, detail);
    }
    for old in old_ops {
        if let Some(new) = new_by_key.get(old.key.as_str()) {
            diff_operation(old, new, differ, out);
        }
    }
}

fn operation_site(
    old: &Operation<'_>,
    new: &Operation<'_>,
    direction: Direction,
    facts: Facts,
) -> Site {
    Site {
        subject: Subject::Operation(new.display()),
        direction,
        facts,
        old_pointer: old.pointer.clone(),
        new_pointer: new.pointer.clone(),
        field: String::new(),
    }
}

fn diff_operation<'a>(
    old: &Operation<'a>,
    new: &Operation<'a>,
    differ: &mut SchemaDiffer<'a>,
    out: &mut Findings,
) {
    let site = operation_site(old, new, Direction::Request, Facts::default());
    if old.operation_id != new.operation_id {
        let old_method = old.operation_id.map(method_name);
        let new_method = new.operation_id.map(method_name);
        let kept = old_method == new_method;
        let site = operation_site(
            old,
            new,
            Direction::Request,
            Facts {
                method_name_kept: kept,
                ..Facts::default()
            },
        );
        out.push(
            ChangeKind::OperationIdChanged,
            &site.descend("operationId", "operationId", String::new()),
            format!(
                "operationId changed from `{}` to `{}` (method `{}` → `{}`)",
                old.operation_id.unwrap_or("(none)"),
                new.operation_id.unwrap_or("(none)"),
                old_method.unwrap_or_default(),
                new_method.unwrap_or_default()
            ),
        );
    }
    let deprecated =
        |op: &Operation<'_>| op.value.get("deprecated").and_then(Value::as_bool) == Some(true);
    if !deprecated(old) && deprecated(new) {
        out.push(
            ChangeKind::OperationDeprecated,
            &site,
            "operation deprecated".to_string(),
        );
    }
    for key in ["summary", "description", "tags", "externalDocs"] {
        if old.value.get(key) != new.value.get(key) {
            out.documentation_edits += 1;
        }
    }
    diff_parameters(old, new, &site, differ, out);
    diff_request_body(old, new, &site, differ, out);
    diff_responses(old, new, &site, differ, out);
}

fn diff_parameters<'a>(
    old: &Operation<'a>,
    new: &Operation<'a>,
    site: &Site,
    differ: &mut SchemaDiffer<'a>,
    out: &mut Findings,
) {
    let parameter_site = |old_p: &Parameter<'_>, new_p: &Parameter<'_>, managed: bool| Site {
        facts: Facts {
            sdk_managed_header: managed,
            ..Facts::default()
        },
        old_pointer: old_p.pointer.clone(),
        new_pointer: new_p.pointer.clone(),
        field: format!("{} parameter `{}`", new_p.location, new_p.name),
        ..site.clone()
    };
    for old_p in &old.parameters {
        let Some(new_p) = new.parameters.iter().find(|p| p.key == old_p.key) else {
            if is_template_slot(old_p) {
                continue;
            }
            let s = parameter_site(old_p, old_p, old_p.is_sdk_managed());
            out.push(
                ChangeKind::ParameterRemoved,
                &s,
                format!("{} was removed", s.field),
            );
            continue;
        };
        let s = parameter_site(old_p, new_p, new_p.is_sdk_managed());
        match (old_p.required, new_p.required) {
            (false, true) => out.push(
                ChangeKind::ParameterBecameRequired,
                &s,
                format!("{} became required", s.field),
            ),
            (true, false) => out.push(
                ChangeKind::ParameterBecameOptional,
                &s,
                format!("{} became optional", s.field),
            ),
            _ => {}
        }
        for key in ["description", "example", "examples", "deprecated"] {
            if old_p.value.get(key) != new_p.value.get(key) {
                out.documentation_edits += 1;
            }
        }
        if let (Some(old_schema), Some(new_schema)) =
            (old_p.value.get("schema"), new_p.value.get("schema"))
        {
            differ.diff(
                old_schema,
                new_schema,
                &s.descend("schema", "schema", s.field.clone()),
                out,
            );
        }
    }
    for new_p in &new.parameters {
        if is_template_slot(new_p) || old.parameters.iter().any(|p| p.key == new_p.key) {
            continue;
        }
        let s = parameter_site(new_p, new_p, new_p.is_sdk_managed());
        let (kind, word) = if new_p.required {
            (ChangeKind::RequiredParameterAdded, "required")
        } else {
            (ChangeKind::OptionalParameterAdded, "optional")
        };
        out.push(kind, &s, format!("{word} {} was added", s.field));
    }
}

/// A path parameter that fills a `{slot}` of the template. Both operations have the same
/// template shape, so the slot exists on both sides whether or not it is declared (Cal.com
/// leaves many undeclared): declaring or undeclaring it changes nothing for a client.
fn is_template_slot(parameter: &Parameter<'_>) -> bool {
    parameter.key.starts_with("path#")
}

fn diff_request_body<'a>(
    old: &Operation<'a>,
    new: &Operation<'a>,
    site: &Site,
    differ: &mut SchemaDiffer<'a>,
    out: &mut Findings,
) {
    let old_body = old.value.get("requestBody").map(|b| {
        differ
            .old_doc()
            .follow(b, child(&old.pointer, "requestBody"))
    });
    let new_body = new.value.get("requestBody").map(|b| {
        differ
            .new_doc()
            .follow(b, child(&new.pointer, "requestBody"))
    });
    let required = |b: &Value| b.get("required").and_then(Value::as_bool) == Some(true);
    let body_site = |old_pointer: &str, new_pointer: &str| Site {
        old_pointer: old_pointer.to_string(),
        new_pointer: new_pointer.to_string(),
        field: "body".to_string(),
        ..site.clone()
    };
    match (old_body, new_body) {
        (None, None) => {}
        (Some((_, old_pointer)), None) => out.push(
            ChangeKind::RequestBodyRemoved,
            &body_site(&old_pointer, &old_pointer),
            "request body was removed".to_string(),
        ),
        (None, Some((body, new_pointer))) => {
            let kind = if required(body) {
                ChangeKind::RequiredRequestBodyAdded
            } else {
                ChangeKind::OptionalRequestBodyAdded
            };
            out.push(
                kind,
                &body_site(&new_pointer, &new_pointer),
                "request body was added".to_string(),
            );
        }
        (Some((old_b, old_pointer)), Some((new_b, new_pointer))) => {
            let s = body_site(&old_pointer, &new_pointer);
            match (required(old_b), required(new_b)) {
                (false, true) => out.push(
                    ChangeKind::RequestBodyBecameRequired,
                    &s,
                    "request body became required".to_string(),
                ),
                (true, false) => out.push(
                    ChangeKind::RequestBodyBecameOptional,
                    &s,
                    "request body became optional".to_string(),
                ),
                _ => {}
            }
            if old_b.get("description") != new_b.get("description") {
                out.documentation_edits += 1;
            }
            diff_content(
                old_b,
                new_b,
                &s,
                (
                    ChangeKind::RequestMediaTypeRemoved,
                    ChangeKind::RequestMediaTypeAdded,
                ),
                differ,
                out,
            );
        }
    }
}

/// Compares the `content` maps of two bodies: media types removed/added, and the schemas of
/// the media types both have.
fn diff_content<'a>(
    old: &'a Value,
    new: &'a Value,
    site: &Site,
    (removed_kind, added_kind): (ChangeKind, ChangeKind),
    differ: &mut SchemaDiffer<'a>,
    out: &mut Findings,
) {
    let content = |body: &'a Value| {
        body.as_object()
            .map_or(empty_map(), |b| object_at(b, "content"))
    };
    let old_content = content(old);
    let new_content = content(new);
    let content_site = site.descend("content", "content", site.field.clone());
    for (media, old_media) in old_content {
        let s = content_site.descend(media, media, site.field.clone());
        let Some(new_media) = new_content.get(media) else {
            out.push(
                removed_kind,
                &s,
                format!("media type `{media}` of the {} was removed", site.field),
            );
            continue;
        };
        for key in ["example", "examples"] {
            if old_media.get(key) != new_media.get(key) {
                out.documentation_edits += 1;
            }
        }
        if let (Some(old_schema), Some(new_schema)) =
            (old_media.get("schema"), new_media.get("schema"))
        {
            differ.diff(
                old_schema,
                new_schema,
                &s.descend("schema", "schema", site.field.clone()),
                out,
            );
        }
    }
    for media in new_content.keys().filter(|m| !old_content.contains_key(*m)) {
        let s = content_site.descend(media, media, site.field.clone());
        out.push(
            added_kind,
            &s,
            format!("media type `{media}` was added to the {}", site.field),
        );
    }
}

fn diff_responses<'a>(
    old: &Operation<'a>,
    new: &Operation<'a>,
    site: &Site,
    differ: &mut SchemaDiffer<'a>,
    out: &mut Findings,
) {
    let old_success = success_responses(differ.old_doc(), old);
    let new_success = success_responses(differ.new_doc(), new);
    let response_site =
        |status_old: &str, old_pointer: &str, status_new: &str, new_pointer: &str| Site {
            direction: Direction::Response,
            old_pointer: old_pointer.to_string(),
            new_pointer: new_pointer.to_string(),
            field: if status_old == status_new {
                format!("response {status_new}")
            } else {
                format!("response {status_old}→{status_new}")
            },
            ..site.clone()
        };
    let mut unmatched_new: Vec<&(String, &Value, String)> = new_success
        .iter()
        .filter(|(status, _, _)| !old_success.iter().any(|(s, _, _)| s == status))
        .collect();
    for (status, old_response, old_pointer) in &old_success {
        let matched = new_success.iter().find(|(s, _, _)| s == status);
        let counterpart = match matched {
            Some(found) => Some(found),
            None => {
                let s = response_site(status, old_pointer, status, old_pointer);
                out.push(
                    ChangeKind::SuccessStatusRemoved,
                    &s,
                    format!("success status {status} was removed"),
                );
                // The generated method returns the success body whatever its status: a
                // 200 that became a 201 keeps comparing bodies.
                if unmatched_new.is_empty() {
                    None
                } else {
                    Some(unmatched_new.remove(0))
                }
            }
        };
        if let Some((new_status, new_response, new_pointer)) = counterpart {
            let s = response_site(status, old_pointer, new_status, new_pointer);
            if old_response.get("description") != new_response.get("description") {
                out.documentation_edits += 1;
            }
            diff_content(
                old_response,
                new_response,
                &s,
                (
                    ChangeKind::ResponseMediaTypeRemoved,
                    ChangeKind::ResponseMediaTypeAdded,
                ),
                differ,
                out,
            );
        }
    }
    for (status, _, new_pointer) in &new_success {
        if !old_success.iter().any(|(s, _, _)| s == status) {
            let s = response_site(status, new_pointer, status, new_pointer);
            out.push(
                ChangeKind::SuccessStatusAdded,
                &s,
                format!("success status {status} was added"),
            );
        }
    }
}

/// The 2xx responses of an operation (status, resolved response, pointer), in order.
fn success_responses<'a>(
    doc: Document<'a>,
    op: &Operation<'a>,
) -> Vec<(String, &'a Value, String)> {
    let Some(responses) = op.value.get("responses").and_then(Value::as_object) else {
        return Vec::new();
    };
    let responses_pointer = child(&op.pointer, "responses");
    responses
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .map(|(status, response)| {
            let (value, pointer) = doc.follow(response, child(&responses_pointer, status));
            (status.clone(), value, pointer)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_shapes_ignore_parameter_names() {
        assert_eq!(path_shape("/v2/orgs/{orgId}"), path_shape("/v2/orgs/{id}"));
        assert_eq!(template_parameter_names("/a/{x}/b/{y}"), vec!["x", "y"]);
    }
}
