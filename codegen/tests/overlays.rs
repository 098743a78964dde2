//! Overlays: the repository's corrections on every real document, a user's overlay through
//! the command line, and malformed overlays.

mod common;

use std::path::{Path, PathBuf};

use common::{run, shared_documents};

use calcom_codegen::overlay::{self, Origin, Overlay};
use serde_json::{json, Value};

fn manifest(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn repository_overlays() -> Vec<Overlay> {
    overlay::OverlaySources::repository_and(Vec::new())
        .load()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn load(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON")
}

#[test]
fn every_repository_action_gives_its_reason_and_evidence() {
    for overlay in repository_overlays() {
        assert_eq!(overlay.origin, Origin::Repository);
        for (i, action) in overlay.actions.iter().enumerate() {
            assert!(
                action.description.contains("Evidence:")
                    && (action.description.contains(".ts:")
                        || action.description.contains(".prisma:")),
                "{} action {i} cites no source line: {}",
                overlay.file.display(),
                action.description
            );
        }
    }
}

#[test]
fn the_vendored_document_has_none_of_the_targets() {
    let path = manifest("../openapi/openapi.json");
    let mut doc = load(&path);
    let before = doc.clone();
    let reports = overlay::apply(&mut doc, &repository_overlays());
    assert_eq!(doc, before);
    assert!(reports.iter().all(|r| r.applied.is_empty()));
}

/// Actions applied per shared document (measured; README and the report cite them).
const APPLIED: &[(&str, usize)] = &[
    ("2025-03-05_340b5ab0.json", 13),
    ("2025-03-05_524c0d81.json", 13),
    ("2025-03-28_e67e073f.json", 13),
    ("2025-03-31_69548e6e.json", 13),
    ("2025-05-02_0f0c2b8b.json", 14),
    ("2025-05-06_d4a3894a.json", 14),
    ("2025-07-10_e6c36af3.json", 20),
    ("2025-07-11_94a537bf.json", 20),
    ("2025-09-26_6c9ac763.json", 26),
];

/// The pointer of the first value that differs (documents are too large to print).
fn first_difference(a: &Value, b: &Value, at: String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x
            .iter()
            .find_map(|(k, v)| match y.get(k) {
                Some(w) => first_difference(v, w, format!("{at}/{k}")),
                None => Some(format!("{at}/{k}")),
            })
            .or_else(|| (x.len() != y.len()).then(|| at.clone())),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| first_difference(v, w, format!("{at}/{i}"))),
        _ => (a != b).then_some(at),
    }
}

#[test]
fn repository_overlays_apply_to_every_shared_document_once() {
    let Some(docs) = shared_documents() else {
        return;
    };
    let overlays = repository_overlays();
    let total: usize = overlays.iter().map(|o| o.actions.len()).sum();
    let mut measured = Vec::new();
    for path in &docs {
        let mut doc = load(path);
        let reports = overlay::apply(&mut doc, &overlays);
        let applied: usize = reports.iter().map(|r| r.applied.len()).sum();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        println!("{name}: {applied}/{total} actions applied");
        measured.push((name.to_string(), applied));
        // Written so that a corrected document is left alone: a second run changes nothing.
        let once = doc.clone();
        overlay::apply(&mut doc, &overlays);
        assert!(
            doc == once,
            "{name}: the overlays are not idempotent: {:?}",
            first_difference(&once, &doc, String::new())
        );
    }
    let expected: Vec<(String, usize)> = APPLIED.iter().map(|(n, c)| (n.to_string(), *c)).collect();
    assert_eq!(measured, expected);
}

#[test]
fn the_newest_document_says_what_the_server_sends() {
    let Some(docs) = shared_documents() else {
        return;
    };
    let Some(path) = docs
        .iter()
        .find(|p| p.ends_with("2025-09-26_6c9ac763.json"))
    else {
        panic!("2025-09-26_6c9ac763.json is missing from ../shared/calcom-openapi");
    };
    let mut doc = load(path);
    let reports = overlay::apply(&mut doc, &repository_overlays());
    assert!(reports.iter().all(|r| r.unmatched.is_empty()));
    let at = |p: &str| doc.pointer(p).cloned().unwrap_or(Value::Null);
    let schemas = "/components/schemas";
    assert_eq!(
        at(&format!(
            "{schemas}/AssignedOptionOutput/properties/assignedUserIds/items/type"
        )),
        "integer"
    );
    let step = at(&format!("{schemas}/WorkflowStepOutputDto"));
    assert_eq!(
        step["properties"]["includeCalendarEvent"]["type"],
        "boolean"
    );
    assert_eq!(step["properties"]["email"]["example"], "");
    assert!(step["required"].as_array().is_some_and(|r| r
        .iter()
        .filter(|n| *n == "includeCalendarEvent")
        .count()
        == 1));
    // The step inputs are booleans too.
    assert_eq!(
        at(&format!(
            "{schemas}/WorkflowEmailHostStepDto/properties/includeCalendarEvent/type"
        )),
        "boolean"
    );
    assert_eq!(
        at(&format!("{schemas}/WorkflowOutput/properties/createdAt")),
        json!({"type": "string", "format": "date-time", "description": "Timestamp of creation", "example": "2024-05-12T10:00:00.000Z"})
    );
    assert_eq!(
        at(&format!("{schemas}/GetWorkflowOutput/properties/data")),
        json!({"description": "workflow", "allOf": [{"$ref": "#/components/schemas/WorkflowOutput"}]})
    );
    let reassign = at(&format!(
        "{schemas}/ReassignBookingOutput_2024_08_13/properties/data"
    ));
    assert_eq!(
        reassign["allOf"],
        json!([{"$ref": "#/components/schemas/ReassignBookingOutputData_2024_08_13"}])
    );
    assert!(reassign.get("oneOf").is_none());
    assert_eq!(
        at(&format!(
            "{schemas}/ReassignBookingOutputData_2024_08_13/required"
        )),
        json!(["bookingUid", "reassignedTo"])
    );
    assert_eq!(
        at(&format!(
            "{schemas}/GetReservedSlotOutput_2024_09_04/properties/data"
        )),
        json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/GetReservedSlotOutputData_2024_09_04"}]})
    );
    assert_eq!(
        at(&format!(
            "{schemas}/ReserveSlotOutput_2024_09_04/properties/slotDuration/example"
        )),
        30
    );
    assert_eq!(
        at("/paths/~1v2~1slots/get/responses/200/content/application~1json/schema"),
        json!({"$ref": "#/components/schemas/GetSlotsOutput_2024_09_04"})
    );
    assert_eq!(
        at(&format!("{schemas}/AvailableSlot_2024_09_04/required")),
        json!(["start"])
    );
    for dto in ["CreateWebhookInputDto", "UpdateWebhookInputDto"] {
        let triggers = at(&format!("{schemas}/{dto}/properties/triggers"));
        assert_eq!(triggers["type"], "array", "{dto}");
        assert!(triggers.get("enum").is_none(), "{dto}");
        assert_eq!(triggers["items"]["enum"].as_array().map(Vec::len), Some(18));
    }
    // The answers' outputs already were arrays: untouched.
    assert_eq!(
        at(&format!(
            "{schemas}/TeamWebhookOutputDto/properties/triggers/type"
        )),
        "array"
    );
}

#[test]
fn check_applies_a_users_overlay_and_warns_about_what_matches_nothing() {
    let user = manifest("tests/fixtures/overlays/user_description.json");
    let spec = manifest("../openapi/openapi.json");
    let (code, stdout, stderr) = run(&[
        "check",
        &spec.display().to_string(),
        "--verbose",
        "--overlays",
        &user.display().to_string(),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("overlays                     1 of 28 actions applied"),
        "{stdout}"
    );
    assert!(
        stdout.contains("(user, A user's overlay for the vendored document): 1/2 applied"),
        "{stdout}"
    );
    assert!(stdout.contains("[0] update $.components.schemas.UpdateDelegationCredentialInput.properties.enabled: document what enabled does"), "{stdout}");
    assert!(
        stdout.contains("/components/schemas/UpdateDelegationCredentialInput/properties/enabled\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("warning: action 1 matches nothing: $.components.schemas.NoSuchSchema"),
        "{stdout}"
    );
    // Non-verbose output still counts.
    let (_, stdout, _) = run(&[
        "check",
        &spec.display().to_string(),
        &format!("--overlays={}", user.display()),
    ]);
    assert!(stdout.contains("1 of 28 actions applied"), "{stdout}");
    assert!(!stdout.contains("document what enabled does"), "{stdout}");
    let (_, json_out, _) = run(&[
        "check",
        &spec.display().to_string(),
        "--json",
        "--overlays",
        &user.display().to_string(),
    ]);
    let report: Value = serde_json::from_str(&json_out).expect("one JSON object");
    assert_eq!(report["overlays"][1]["origin"], "user");
    assert_eq!(
        report["overlays"][1]["applied"][0]["pointers"][0],
        "/components/schemas/UpdateDelegationCredentialInput/properties/enabled"
    );
}

#[test]
fn a_malformed_overlay_names_the_file_the_pointer_and_the_reason() {
    let bad = manifest("tests/fixtures/overlays/bad_target.json");
    let spec = manifest("../openapi/openapi.json");
    let (code, stdout, stderr) = run(&[
        "check",
        &spec.display().to_string(),
        "--overlays",
        &bad.display().to_string(),
    ]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains(&format!(
            "{}: at /actions/1/target: `$.paths[?@.get` is not an RFC 9535 JSONPath",
            bad.display()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let missing = manifest("tests/fixtures/overlays/absent.json");
    let (code, _, stderr) = run(&[
        "check",
        &spec.display().to_string(),
        "--overlays",
        &missing.display().to_string(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read the overlay"), "{stderr}");
}

#[test]
fn drift_says_whether_overlays_were_applied() {
    let spec = manifest("../openapi/openapi.json").display().to_string();
    let (code, stdout, _) = run(&["drift", &spec, &spec]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.starts_with("documents compared as published (no overlays"),
        "{stdout}"
    );
    let (code, stdout, _) = run(&["drift", &spec, &spec, "--overlays"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.starts_with("documents compared with overlays applied: "),
        "{stdout}"
    );
    assert!(stdout
        .lines()
        .next()
        .is_some_and(|l| l.contains("calcom-server-corrections.json")));
    let (_, _, stderr) = run(&["drift", &spec, &spec, "--format", "json"]);
    assert!(stderr.contains("as published"), "{stderr}");
}

#[test]
fn drift_with_overlays_compares_the_corrected_documents() {
    let Some(docs) = shared_documents() else {
        return;
    };
    let newest = docs
        .iter()
        .find(|p| p.ends_with("2025-09-26_6c9ac763.json"))
        .expect("newest");
    let older = docs
        .iter()
        .find(|p| p.ends_with("2025-07-11_94a537bf.json"))
        .expect("older");
    let (_, published, _) = run(&[
        "drift",
        &older.display().to_string(),
        &newest.display().to_string(),
        "--fail-on",
        "never",
        "--format",
        "json",
    ]);
    let (_, overlaid, _) = run(&[
        "drift",
        &older.display().to_string(),
        &newest.display().to_string(),
        "--fail-on",
        "never",
        "--format",
        "json",
        "--overlays",
    ]);
    assert_ne!(published, overlaid, "the overlays change what is compared");
}
