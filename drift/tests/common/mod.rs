//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use calcom_drift::{Change, ChangeKind, DriftReport};
use serde_json::{json, Value};

/// `../shared/calcom-openapi`, or `None` (after printing why) when it is absent.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/calcom-openapi");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: {} is absent (the real Cal.com documents are not available here)",
            dir.display()
        );
        None
    }
}

/// Every real document, sorted by name.
pub fn real_documents(dir: &std::path::Path) -> Vec<(String, Value)> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the shared folder is readable")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let doc = calcom_drift::load_document(&dir.join(&n).to_string_lossy())
                .expect("a shared document loads");
            (n, doc)
        })
        .collect()
}

/// One real document by file stem.
pub fn real(dir: &std::path::Path, stem: &str) -> Value {
    calcom_drift::load_document(&dir.join(format!("{stem}.json")).to_string_lossy())
        .expect("a shared document loads")
}

/// A one-operation API: `POST /v2/things/{id}` taking `In` and returning `Out`, with extra
/// parameters.
pub fn api(in_schema: Value, out_schema: Value, parameters: Value) -> Value {
    let mut params =
        vec![json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}})];
    if let Some(extra) = parameters.as_array() {
        params.extend(extra.iter().cloned());
    }
    json!({
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/v2/things/{id}": {"post": {
            "operationId": "ThingsController_createThing",
            "parameters": params,
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
            "responses": {"201": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}}}}
        }}},
        "components": {"schemas": {"In": in_schema, "Out": out_schema}}
    })
}

/// An object schema with the given properties and required list.
pub fn object(properties: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": properties, "required": required})
}

/// The only change of a kind; fails the test when there is not exactly one.
pub fn only(report: &DriftReport, kind: ChangeKind) -> Change {
    let found: Vec<&Change> = report.changes.iter().filter(|c| c.kind == kind).collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {kind:?}, got {}: {:#?}",
        found.len(),
        report.changes
    );
    found[0].clone()
}
