//! `calcom-codegen check`: output and exit codes.

mod common;

use std::path::Path;

use common::run;

fn path(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(rel)
        .display()
        .to_string()
}

#[test]
fn vendored_spec_checks_clean() {
    let (code, stdout, _) = run(&["check", &path("../openapi/openapi.json")]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(
        stdout.lines().last(),
        Some("operations: 1/1 generated, schemas: 6/6 generated, skipped: 0")
    );
    assert!(stdout.contains("auth-headers"));
}

#[test]
fn json_report_has_the_documented_fields() {
    let (code, stdout, _) = run(&[
        "check",
        &path("tests/fixtures/unsupported_parts.json"),
        "--json",
    ]);
    assert_eq!(code, 1, "something was skipped");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    assert_eq!(report["operations_total"], 3);
    assert_eq!(report["operations_generated"], 1);
    assert_eq!(report["schemas_total"], 0);
    assert!(report["passes"].as_array().is_some_and(|p| !p.is_empty()));
    assert_eq!(report["passes"][0]["name"], "operation-names");
    assert_eq!(report["skipped"][0]["pointer"], "/paths/~1b/get");
}

#[test]
fn unreadable_input_exits_2() {
    let (code, _, stderr) = run(&["check", &path("tests/fixtures/not_json.json")]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not valid JSON"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let (code, _, _) = run(&["check", &path("tests/fixtures/swagger2.json")]);
    assert_eq!(code, 2);
    let (code, _, _) = run(&["check"]);
    assert_eq!(code, 2);
}
