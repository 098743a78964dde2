//! Bad input fails with the file, the JSON pointer and the reason, and never panics.

use std::path::{Path, PathBuf};

use calcom_codegen::{check, CodegenError, ErrorKind, GenerateOptions};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn fails(name: &str) -> CodegenError {
    match check(&fixture(name), &GenerateOptions::default()) {
        Ok(report) => panic!("{name} was accepted: {}", report.summary_line()),
        Err(e) => {
            assert!(
                e.to_string()
                    .starts_with(&fixture(name).display().to_string()),
                "{e}"
            );
            e
        }
    }
}

#[test]
fn invalid_json() {
    let e = fails("not_json.json");
    assert_eq!(e.kind, ErrorKind::UnreadableInput);
    assert!(e.reason.contains("not valid JSON"), "{e}");
}

#[test]
fn not_openapi_3_0() {
    let e = fails("swagger2.json");
    assert_eq!(
        (e.kind, e.pointer.as_str()),
        (ErrorKind::UnreadableInput, "/openapi")
    );
}

#[test]
fn missing_paths() {
    let e = fails("missing_paths.json");
    assert_eq!(e.pointer, "/paths");
}

#[test]
fn ref_loop() {
    let e = fails("ref_loop.json");
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert_eq!(e.pointer, "/components/schemas/A");
    assert!(e.reason.contains("$ref loop"), "{e}");
}

#[test]
fn unknown_parameter_location() {
    let e = fails("unknown_location.json");
    assert_eq!(e.pointer, "/paths/~1a/get/parameters/0/in");
}

#[test]
fn schema_of_the_wrong_shape_is_located() {
    let e = fails("bad_schema.json");
    assert_eq!(e.kind, ErrorKind::UnreadableInput);
    assert!(
        e.pointer == "/paths/~1a/get/responses/200/content/application~1json/schema",
        "pointer {:?}: {e}",
        e.pointer
    );
}

#[test]
fn missing_file() {
    let e = check(
        Path::new("/nonexistent/spec.json"),
        &GenerateOptions::default(),
    )
    .unwrap_err();
    assert!(e.reason.contains("cannot read the file"), "{e}");
}

#[test]
fn unsupported_operations_are_skipped_and_counted() {
    let report = check(
        &fixture("unsupported_parts.json"),
        &GenerateOptions::default(),
    )
    .unwrap();
    assert_eq!(
        (report.operations_generated, report.operations_total),
        (1, 3)
    );
    let pointers: Vec<&str> = report.skipped.iter().map(|s| s.pointer.as_str()).collect();
    assert_eq!(pointers, ["/paths/~1b/get", "/paths/~1c/post"]);
    assert!(
        report.skipped[0].reason.contains("cookie"),
        "{:?}",
        report.skipped
    );
    assert!(
        report.skipped[1].reason.contains("application/xml"),
        "{:?}",
        report.skipped
    );
}

#[test]
fn a_messy_document_is_normalised_and_generated() {
    let out =
        calcom_codegen::generate_file(&fixture("messy.json"), &GenerateOptions::default()).unwrap();
    assert!(out.report.skipped.is_empty());
    let changes = |name: &str| {
        out.report
            .passes
            .iter()
            .find(|p| p.name == name)
            .map_or(0, |p| p.changes)
    };
    assert_eq!(changes("operation-names"), 2, "get_team collides");
    assert_eq!(changes("auth-headers"), 1);
    assert_eq!(changes("api-version"), 1);
    assert_eq!(changes("path-parameters"), 1, "teamId declared");
    assert_eq!(changes("dangling-refs"), 1);
    assert!(changes("schema-shapes") >= 3);
    assert!(out.client.contains("pub fn organizations_teams_get_team("));
    assert!(out.client.contains("pub fn teams_get_team("));
    assert!(out.operations.contains("api_version: Some(\"2024-08-13\")"));
    // Ids and counts are integers; `isDefault` is a boolean, not a map.
    assert!(out.client.contains("pub id: i64"), "id typed as integer");
    assert!(out.client.contains("pub is_default: bool"));
    assert!(out.client.contains("V: std::convert::TryInto<i64>"));
}
