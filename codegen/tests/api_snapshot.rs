//! The committed snapshot of the generated public API matches the vendored document.
//!
//! Rewrite it with `cargo run -p calcom-codegen -- api openapi/openapi.json --write openapi/generated-api.txt`.

use std::path::Path;

#[test]
fn committed_api_snapshot_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let snapshot =
        calcom_codegen::api_snapshot(&root.join("openapi/openapi.json"), &Default::default())
            .unwrap_or_else(|e| panic!("{e}"));
    let committed =
        std::fs::read_to_string(root.join("openapi/generated-api.txt")).unwrap_or_default();
    assert!(
        committed == snapshot,
        "openapi/generated-api.txt is out of date: run `cargo run -p calcom-codegen -- api openapi/openapi.json --write openapi/generated-api.txt`\n--- generated now ---\n{snapshot}"
    );
    assert!(snapshot.contains("fn update_delegation_credential()  PATCH /v2/organizations/{orgId}/delegation-credentials/{credentialId}"));
}
