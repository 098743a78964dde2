//! Operations: collecting them from a document and comparing matched pairs (parameters,
//! request bodies, success responses). Schemas inside them go to `SchemaDiffer`.

use std::collections::HashMap;

use serde_json::Value;

use crate::classify::Facts;
use crate::finding::{Findings, Site, Subject};
use crate::json::{empty_map, object_at};
use crate::model::{Operation, Parameter};
use crate::report::{ChangeKind, Direction};
use crate::schemas::SchemaDiffer;
use calcom_spec::pointer::child;
use calcom_spec::refs::Document;

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
    let same_id = |op: &Operation<'a>, others: &[&'_ Operation<'a>]| -> Option<String> {
        let id = op.operation_id?;
        others
            .iter()
            .find(|o| o.operation_id == Some(id))
            .map(|o| o.display())
    };
    for op in &removed {
        let moved_to = op
            .operation_id
            .and_then(|id| added.iter().find(|o| o.operation_id == Some(id)));
        let site = operation_site(
            op,
            op,
            Direction::Request,
            Facts {
                // Moved with its operationId: code still compiles if the method kept its name
                // (a new neighbour with the same name would qualify it).
                method_name_kept: moved_to.is_some_and(|to| to.method_name == op.method_name),
                ..Facts::default()
            },
        );
        let detail = match moved_to {
            Some(target) if target.method_name == op.method_name => format!(
                "operation removed; it moved to {} (same operationId `{}`)",
                target.display(),
                op.operation_id.unwrap_or_default()
            ),
            Some(target) => format!(
                "operation removed; it moved to {} (same operationId `{}`, but method `{}` → `{}`)",
                target.display(),
                op.operation_id.unwrap_or_default(),
                op.method_name,
                target.method_name
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
    // The method name can change with the operationId, or without it, when another operation
    // now shares the short name and both are qualified.
    if old.operation_id != new.operation_id || old.method_name != new.method_name {
        let kept = old.method_name == new.method_name;
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
                old.method_name,
                new.method_name
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
