//! Value round trip, for every component schema of the document the client was
//! generated from: JSON instances synthesised from the normalised schema (minimal,
//! maximal, every `oneOf`/`anyOf` branch and `enum` value, nullable values as `null`,
//! then random ones from a property-based pass with a fixed seed) are decoded into the
//! generated Rust type, encoded again and compared with the instance. Differences fail
//! unless they are a normalisation listed in `support/deviations.rs`.
//!
//! Run it on the full document with
//! `CALCOM_OPENAPI_SPEC=../shared/calcom-openapi/2025-09-26_6c9ac763.json
//! CARGO_TARGET_DIR=target-full cargo test --test it -- roundtrip_values::`.

use crate::support;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use support::deviations::value as dev;
use support::doc::{normalised, Doc};
use support::report::Suite;
use support::values::{check_schema, roundtrip, RoundTripFn};

/// Every component schema with a generated type, and its round trip.
fn registry() -> Vec<(&'static str, RoundTripFn)> {
    let mut entries: Vec<(&'static str, RoundTripFn)> = Vec::new();
    macro_rules! entry {
        ($name:literal, $ty:ty) => {
            entries.push(($name, roundtrip::<$ty> as RoundTripFn));
        };
    }
    calcom_for_each_schema!(entry);
    entries
}

/// Runs the checker over `schemas` (name, round trip) of `doc`.
fn run(doc: &Doc, schemas: &[(&'static str, RoundTripFn)], random: bool) -> Suite {
    let names = doc.component_names();
    let mut suite = Suite {
        name: "value round-trip",
        unit: "schemas",
        total: names.len(),
        passed: Vec::new(),
        failed: Vec::new(),
        applied: Vec::new(),
    };
    let mut applied = support::values::Applied::new();
    for name in &names {
        let Some((_, rt)) = schemas.iter().find(|(n, _)| n == name) else {
            let reason = support::CALCOM_SKIPPED_SCHEMAS
                .iter()
                .find(|(n, _)| n == name)
                .map_or("no generated type in the registry", |(_, r)| *r);
            suite.failed.push((name.clone(), vec![reason.to_string()]));
            continue;
        };
        let schema = doc.component(name).expect("listed component").clone();
        let outcome = check_schema(doc, &schema, *rt, random);
        for (k, n) in outcome.applied {
            *applied.entry(k).or_default() += n;
        }
        if outcome.failures.is_empty() {
            suite.passed.push(name.clone());
        } else {
            suite.failed.push((name.clone(), outcome.failures));
        }
    }
    suite.applied = applied.into_iter().collect();
    suite
}

#[test]
fn every_schema_round_trips_its_values() {
    support::stack::with_big_stack(|| {
        let doc = normalised();
        // A schema of the document without a registry entry fails in `run`.
        let suite = run(&doc, &registry(), true);
        suite
            .verdict(
                dev::KNOWN_FAILURES,
                support::CALCOM_SKIPPED_SCHEMAS,
                dev::ALL,
            )
            .print_and_assert();
    });
}

#[test]
fn registry_names_exactly_the_documents_schemas() {
    let doc = normalised();
    let mut documented = doc.component_names();
    let mut registered: Vec<String> = registry()
        .iter()
        .map(|(n, _)| n.to_string())
        .chain(
            support::CALCOM_SKIPPED_SCHEMAS
                .iter()
                .map(|(n, _)| n.to_string()),
        )
        .collect();
    documented.sort();
    registered.sort();
    assert_eq!(documented, registered);
}

// ---- tests of the checker itself ------------------------------------------------------

/// A small document written for these tests (not taken from Cal.com).
fn toy_doc() -> Doc {
    Doc::from_value(json!({"components": {"schemas": {
        "Meeting": {"type": "object", "required": ["title", "startsAt", "seats"], "properties": {
            "title": {"type": "string"},
            "startsAt": {"type": "string", "format": "date-time"},
            "seats": {"type": "number"},
            "note": {"type": "string", "nullable": true},
            "tags": {"type": "array", "items": {"type": "string"}},
            "kind": {"type": "string", "enum": ["online", "onsite"]}
        }}
    }}}))
}

#[derive(Serialize, Deserialize)]
enum Kind {
    #[serde(rename = "online")]
    Online,
    #[serde(rename = "onsite")]
    Onsite,
}

/// What typify would generate for `Meeting`.
#[derive(Serialize, Deserialize)]
struct Meeting {
    title: String,
    #[serde(rename = "startsAt")]
    starts_at: chrono::DateTime<chrono::Utc>,
    seats: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<Kind>,
}

/// `Meeting` with one property renamed: its JSON name no longer matches the schema.
#[derive(Serialize, Deserialize)]
struct MeetingRenamed {
    title: String,
    #[serde(rename = "startsAt")]
    starts_at: chrono::DateTime<chrono::Utc>,
    seats: f64,
    #[serde(rename = "notes", default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<Kind>,
}

/// `Meeting` with an enum that lost a value.
#[derive(Serialize, Deserialize)]
struct MeetingNarrowEnum {
    title: String,
    #[serde(rename = "startsAt")]
    starts_at: chrono::DateTime<chrono::Utc>,
    seats: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<OnlineOnly>,
}

#[derive(Serialize, Deserialize)]
enum OnlineOnly {
    #[serde(rename = "online")]
    Online,
}

fn toy_suite(rt: RoundTripFn) -> Suite {
    run(&toy_doc(), &[("Meeting", rt)], true)
}

#[test]
fn checker_passes_a_faithful_type() {
    let suite = toy_suite(roundtrip::<Meeting>);
    assert_eq!(suite.passed, ["Meeting"], "{:?}", suite.failed);
    // Nulls (deterministic), offsets and whole numbers (random pass) need these.
    let ids: Vec<&str> = suite.applied.iter().map(|(id, _)| *id).collect();
    for id in ["optional-null-omitted", "date-time-utc", "number-repr"] {
        assert!(ids.contains(&id), "{id} not applied: {ids:?}");
    }
}

#[test]
fn checker_reports_a_renamed_field() {
    let suite = toy_suite(roundtrip::<MeetingRenamed>);
    assert!(suite.passed.is_empty());
    let (name, failures) = &suite.failed[0];
    assert_eq!(name, "Meeting");
    assert!(
        failures
            .iter()
            .any(|f| f.contains("/note:") && f.contains("dropped")),
        "{failures:#?}"
    );
    let verdict = suite.verdict(&[], &[], dev::ALL);
    assert_eq!(verdict.unlisted, ["Meeting"]);
    assert!(
        verdict.text.ends_with("value round-trip: 0/1 schemas\n"),
        "{}",
        verdict.text
    );
}

#[test]
fn checker_reports_a_missing_enum_value() {
    let suite = toy_suite(roundtrip::<MeetingNarrowEnum>);
    let failures = &suite.failed.first().expect("a failure").1;
    assert!(
        failures
            .iter()
            .any(|f| f.contains("does not decode") && f.contains("onsite")),
        "{failures:#?}"
    );
}

#[test]
fn listed_failures_pass_the_verdict_and_stale_ones_fail_it() {
    let broken = toy_suite(roundtrip::<MeetingRenamed>);
    let listed = broken.verdict(&[("Meeting", "test reason")], &[], dev::ALL);
    assert!(listed.unlisted.is_empty() && listed.stale.is_empty());
    assert!(listed.text.contains("FAIL (listed) Meeting: test reason"));
    let good = toy_suite(roundtrip::<Meeting>);
    let stale = good.verdict(&[("Meeting", "test reason")], &[], dev::ALL);
    assert_eq!(stale.stale, ["Meeting"]);
}

#[test]
fn checker_compares_numbers_and_instants_not_text() {
    let doc = toy_doc();
    let schema = doc.component("Meeting").unwrap().clone();
    let instance: Value =
        json!({"title": "t", "startsAt": "2024-01-01T01:00:00+01:00", "seats": 2});
    let (mismatches, applied) =
        support::values::check_instance(&doc, &schema, roundtrip::<Meeting>, &instance);
    assert!(mismatches.is_empty(), "{mismatches:?}");
    assert!(applied.contains_key("date-time-utc") && applied.contains_key("number-repr"));
    let later: Value = json!({"title": "t", "startsAt": "2024-01-01T01:00:00Z", "seats": 2});
    let out = roundtrip::<Meeting>(&instance.to_string()).unwrap();
    let mut cmp = support::values::Compare::new(&doc);
    cmp.values(&schema, &later, &out, "");
    assert_eq!(cmp.mismatches.len(), 1, "one hour apart must differ");
    assert_eq!(cmp.mismatches[0].pointer, "/startsAt");
}
