//! Schema round trip, for every component schema (needs `--features schemars`): the JSON
//! Schema schemars derives for the generated Rust type is compared with the component
//! schema of the normalised document under the equivalence written in
//! `support/schemas.rs`; mismatches are reported by JSON pointer into the document.
//! Differences fail unless allowed in `support/deviations.rs`.
//!
//! Run it on the full document with
//! `CALCOM_OPENAPI_SPEC=../shared/calcom-openapi/2025-09-26_6c9ac763.json
//! CARGO_TARGET_DIR=target-full cargo test --features schemars --test it -- roundtrip_schemas::`.

#![cfg(feature = "schemars")]

use crate::support;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde_json::json;

use support::deviations::schema as dev;
use support::doc::{normalised, Doc};
use support::report::Suite;
use support::schemas::{check_schema, json_schema, JsonSchemaFn};

/// Every component schema with a generated type: (name, schemars name, its JSON Schema).
fn registry() -> Vec<(&'static str, String, JsonSchemaFn)> {
    let mut entries: Vec<(&'static str, String, JsonSchemaFn)> = Vec::new();
    macro_rules! entry {
        ($name:literal, $ty:ty) => {
            entries.push((
                $name,
                <$ty as JsonSchema>::schema_name(),
                json_schema::<$ty> as JsonSchemaFn,
            ));
        };
    }
    calcom_for_each_schema!(entry);
    entries
}

fn run(doc: &Doc, schemas: &[(&'static str, String, JsonSchemaFn)]) -> Suite {
    let types: BTreeMap<String, String> = schemas
        .iter()
        .map(|(n, t, _)| (n.to_string(), t.clone()))
        .collect();
    let names = doc.component_names();
    let mut suite = Suite {
        name: "schema round-trip",
        unit: "schemas",
        total: names.len(),
        passed: Vec::new(),
        failed: Vec::new(),
        applied: Vec::new(),
    };
    let mut applied: BTreeMap<&'static str, usize> = BTreeMap::new();
    for name in &names {
        let Some((_, _, f)) = schemas.iter().find(|(n, _, _)| n == name) else {
            let reason = support::CALCOM_SKIPPED_SCHEMAS
                .iter()
                .find(|(n, _)| n == name)
                .map_or("no generated type in the registry", |(_, r)| *r);
            suite.failed.push((name.clone(), vec![reason.to_string()]));
            continue;
        };
        let (mismatches, used) = check_schema(doc, &types, name, *f);
        for (k, n) in used {
            *applied.entry(k).or_default() += n;
        }
        if mismatches.is_empty() {
            suite.passed.push(name.clone());
        } else {
            let lines = mismatches
                .iter()
                .map(|m| format!("{}: {}", m.pointer, m.what))
                .collect();
            suite.failed.push((name.clone(), lines));
        }
    }
    suite.applied = applied.into_iter().collect();
    suite
}

#[test]
fn every_schema_matches_its_rust_type() {
    support::stack::with_big_stack(|| {
        let doc = normalised();
        let suite = run(&doc, &registry());
        suite
            .verdict(
                dev::KNOWN_FAILURES,
                support::CALCOM_SKIPPED_SCHEMAS,
                dev::ALL,
            )
            .print_and_assert();
    });
}

// ---- tests of the checker itself ------------------------------------------------------

/// A small document written for these tests (not taken from Cal.com).
fn toy_doc() -> Doc {
    Doc::from_value(json!({"components": {"schemas": {
        "Room": {"type": "object", "required": ["name", "opensAt", "capacity"], "properties": {
            "name": {"type": "string"},
            "opensAt": {"type": "string", "format": "date-time"},
            "capacity": {"type": "number"},
            "floor": {"type": "string", "nullable": true},
            "site": {"type": "string", "format": "uri"},
            "level": {"type": "string", "enum": ["low", "high"]},
            "doors": {"type": "array", "items": {"$ref": "#/components/schemas/Door"}}
        }},
        "Door": {"type": "object", "required": ["width"], "properties": {
            "width": {"type": "integer"}
        }}
    }}}))
}

#[derive(JsonSchema)]
#[allow(dead_code)]
enum Level {
    #[serde(rename = "low")]
    Low,
    #[serde(rename = "high")]
    High,
}

#[derive(JsonSchema)]
#[allow(dead_code)]
struct Door {
    width: i64,
}

/// What typify would generate for `Room`.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct Room {
    name: String,
    #[serde(rename = "opensAt")]
    opens_at: chrono::DateTime<chrono::Utc>,
    capacity: f64,
    #[serde(default)]
    floor: Option<String>,
    #[serde(default)]
    site: Option<String>,
    #[serde(default)]
    level: Option<Level>,
    #[serde(default)]
    doors: Vec<Door>,
}

/// `Room` with a property renamed.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct RoomRenamed {
    name: String,
    #[serde(rename = "opensAt")]
    opens_at: chrono::DateTime<chrono::Utc>,
    capacity: f64,
    #[serde(default, rename = "storey")]
    floor: Option<String>,
    #[serde(default)]
    site: Option<String>,
    #[serde(default)]
    level: Option<Level>,
    #[serde(default)]
    doors: Vec<Door>,
}

/// `Room` with wrong types: a date-time as a plain string, an integer width as f64.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct RoomMistyped {
    name: String,
    #[serde(rename = "opensAt")]
    opens_at: String,
    capacity: f64,
    #[serde(default)]
    floor: Option<String>,
    #[serde(default)]
    site: Option<String>,
    #[serde(default)]
    level: Option<Level>,
    #[serde(default)]
    doors: Vec<DoorF64>,
}

#[derive(JsonSchema)]
#[allow(dead_code)]
struct DoorF64 {
    width: f64,
}

fn toy(f: JsonSchemaFn) -> Suite {
    let door = (
        "Door",
        <Door as JsonSchema>::schema_name(),
        json_schema::<Door> as JsonSchemaFn,
    );
    run(&toy_doc(), &[("Room", "Room".to_string(), f), door])
}

#[test]
fn checker_passes_a_faithful_type() {
    let suite = toy(json_schema::<Room>);
    assert!(suite.failed.is_empty(), "{:#?}", suite.failed);
    // Order follows the document's map, which depends on serde_json's `preserve_order`
    // (on in workspace builds, through calcom-codegen): compare as a set.
    let mut passed = suite.passed.clone();
    passed.sort();
    assert_eq!(passed, ["Door", "Room"]);
}

#[test]
fn checker_reports_a_renamed_property_by_pointer() {
    let suite = toy(json_schema::<RoomRenamed>);
    let (name, lines) = &suite.failed[0];
    assert_eq!(name, "Room");
    assert!(
        lines.contains(
            &"/components/schemas/Room/properties/floor: property missing from the Rust type"
                .to_string()
        ),
        "{lines:#?}"
    );
    assert!(
        lines.contains(
            &"/components/schemas/Room/properties/storey: property only in the Rust type"
                .to_string()
        ),
        "{lines:#?}"
    );
    let verdict = suite.verdict(&[], &[], dev::ALL);
    assert_eq!(verdict.unlisted, ["Room"]);
    assert!(
        verdict.text.ends_with("schema round-trip: 1/2 schemas\n"),
        "{}",
        verdict.text
    );
}

#[test]
fn checker_reports_wrong_formats_and_types() {
    let suite = toy(json_schema::<RoomMistyped>);
    let lines = &suite.failed[0].1;
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("/components/schemas/Room/properties/opensAt/format")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l
            .starts_with("/components/schemas/Room/properties/doors/items/properties/width/type")),
        "{lines:#?}"
    );
}
