//! Expectations on real Cal.com history, each number checked against the documents with
//! python/jq beforehand. Skipped (with a message) when ../shared is absent.

mod common;

use std::collections::BTreeSet;

use calcom_drift::{compare, Change, ChangeKind, Direction, Severity};
use common::{real, real_documents, shared_dir};

fn of_kind(changes: &[Change], kind: ChangeKind) -> Vec<&Change> {
    changes.iter().filter(|c| c.kind == kind).collect()
}

#[test]
fn phone_numbers_path_became_phones() {
    let Some(dir) = shared_dir() else { return };
    let report = compare(
        &real(&dir, "2025-05-02_0f0c2b8b"),
        &real(&dir, "2025-05-06_d4a3894a"),
    );
    let removed = of_kind(&report.changes, ChangeKind::OperationRemoved);
    let added = of_kind(&report.changes, ChangeKind::OperationAdded);
    assert_eq!(removed.len(), 6);
    assert_eq!(added.len(), 6);
    assert_eq!(
        report.changes.len(),
        12,
        "nothing else changed: {:#?}",
        report.changes
    );
    for change in &removed {
        let op = change.operation.as_deref().unwrap_or_default();
        assert!(
            op.starts_with("GET ") && op.contains("/verified-resources/phone-numbers"),
            "{op}"
        );
        assert_eq!(change.severity, Severity::Breaking);
        // The operationId (and so the method) survives at the new path.
        assert!(!change.compile_break);
        let target = op.replace("/phone-numbers", "/phones");
        let expected_prefix = format!(
            "operation removed; it moved to {}",
            target.split('{').next().unwrap_or_default()
        );
        assert!(
            change.detail.starts_with(&expected_prefix),
            "{}",
            change.detail
        );
    }
    for change in &added {
        let op = change.operation.as_deref().unwrap_or_default();
        assert!(op.contains("/verified-resources/phones"), "{op}");
        assert!(
            change.detail.contains("moved here from"),
            "{}",
            change.detail
        );
    }
    assert_eq!(report.summary.breaking, 6);
    assert_eq!(report.summary.operations_with_breaking_change, 6);
    assert_eq!(report.summary.compile_breaks, 0);
}

#[test]
fn dwd_schemas_renamed_to_delegation_credential() {
    let Some(dir) = shared_dir() else { return };
    let report = compare(
        &real(&dir, "2025-03-05_340b5ab0"),
        &real(&dir, "2025-03-05_524c0d81"),
    );
    let renamed: BTreeSet<(String, String)> = of_kind(&report.changes, ChangeKind::SchemaRenamed)
        .iter()
        .map(|c| {
            let old = c.detail.split('`').nth(1).unwrap_or_default().to_string();
            (old, c.component.clone().unwrap_or_default())
        })
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("CreateDwdInput", "CreateDelegationCredentialInput"),
        ("CreateDwdOutput", "CreateDelegationCredentialOutput"),
        ("DwdOutput", "DelegationCredentialOutput"),
        ("UpdateDwdInput", "UpdateDelegationCredentialInput"),
        ("UpdateDwdOutput", "UpdateDelegationCredentialOutput"),
    ]
    .iter()
    .map(|(o, n)| (o.to_string(), n.to_string()))
    .collect();
    assert_eq!(renamed, expected);
    assert_eq!(report.count_kind(ChangeKind::SchemaRemoved), 0);
    assert_eq!(report.count_kind(ChangeKind::SchemaAdded), 0);
    // The operations refer to the renamed schemas: no ref-target changes reported.
    assert_eq!(report.count_kind(ChangeKind::RefTargetChanged), 0);

    let id_changes = of_kind(&report.changes, ChangeKind::OperationIdChanged);
    assert_eq!(id_changes.len(), 2);
    assert!(id_changes
        .iter()
        .all(|c| c.severity == Severity::Warning && c.compile_break));
    assert!(id_changes.iter().any(|c| c
        .detail
        .contains("`create_dwd` → `create_delegation_credential`")));

    // domainWideDelegationCredentialId → delegationCredentialId in 6 schemas (4 response,
    // 2 request) and one query parameter.
    let removed = of_kind(&report.changes, ChangeKind::PropertyRemoved);
    assert_eq!(removed.len(), 6);
    assert!(removed.iter().all(|c| c
        .location
        .ends_with("/properties/domainWideDelegationCredentialId")));
    let response_removals = removed
        .iter()
        .filter(|c| c.direction == Some(Direction::Response))
        .count();
    assert_eq!(response_removals, 4);
    assert!(removed
        .iter()
        .all(|c| (c.severity == Severity::Breaking) == (c.direction == Some(Direction::Response))));
    assert_eq!(report.count_kind(ChangeKind::OptionalPropertyAdded), 6);
    let parameter = of_kind(&report.changes, ChangeKind::ParameterRemoved);
    assert_eq!(parameter.len(), 1);
    assert_eq!(
        parameter[0].operation.as_deref(),
        Some("DELETE /v2/selected-calendars")
    );
    assert!(parameter[0]
        .detail
        .contains("domainWideDelegationCredentialId"));
    assert_eq!(report.count_kind(ChangeKind::OptionalParameterAdded), 1);
    // Only typo fixes in descriptions otherwise: 2 RadioGroupField schemas with one edit,
    // 4 event-type inputs with two.
    assert_eq!(report.summary.documentation_edits, 10);
}

#[test]
fn auth_headers_documented_and_four_operations_dropped() {
    let Some(dir) = shared_dir() else { return };
    let report = compare(
        &real(&dir, "2025-03-28_e67e073f"),
        &real(&dir, "2025-03-31_69548e6e"),
    );
    let removed: BTreeSet<&str> = of_kind(&report.changes, ChangeKind::OperationRemoved)
        .iter()
        .filter_map(|c| c.operation.as_deref())
        .collect();
    let expected: BTreeSet<&str> = [
        "GET /v2/provider/{clientId}",
        "GET /v2/provider/{clientId}/access-token",
        "GET /v2/oauth-clients/{clientId}/managed-users",
        "GET /v2/timezones",
    ]
    .into_iter()
    .collect();
    assert_eq!(removed, expected);
    assert_eq!(report.count_kind(ChangeKind::OperationAdded), 0);

    let count = |kind, header: &str| {
        of_kind(&report.changes, kind)
            .iter()
            .filter(|c| {
                c.detail
                    .to_ascii_lowercase()
                    .contains(&format!("header parameter `{header}`"))
            })
            .count()
    };
    assert_eq!(
        count(ChangeKind::RequiredParameterAdded, "authorization"),
        64
    );
    assert_eq!(
        count(ChangeKind::OptionalParameterAdded, "authorization"),
        48
    );
    assert_eq!(
        count(ChangeKind::RequiredParameterAdded, "x-cal-secret-key"),
        12
    );
    assert_eq!(
        count(ChangeKind::OptionalParameterAdded, "x-cal-secret-key"),
        52
    );
    assert_eq!(
        count(ChangeKind::OptionalParameterAdded, "x-cal-client-id"),
        52
    );
    for change in of_kind(&report.changes, ChangeKind::RequiredParameterAdded) {
        assert_eq!(change.severity, Severity::Warning, "{change:?}");
        assert!(!change.compile_break);
    }
    // The 4 removed operations are the only breaking changes.
    assert_eq!(report.summary.breaking, 4);
    assert_eq!(report.summary.operations_with_breaking_change, 4);
}

#[test]
fn webhook_trigger_removed_and_language_added() {
    let Some(dir) = shared_dir() else { return };
    let report = compare(
        &real(&dir, "2025-07-10_e6c36af3"),
        &real(&dir, "2025-07-11_94a537bf"),
    );
    let removed = of_kind(&report.changes, ChangeKind::EnumValueRemoved);
    assert_eq!(removed.len(), 2);
    for change in &removed {
        assert_eq!(change.severity, Severity::Breaking);
        assert_eq!(change.direction, Some(Direction::Request));
        assert!(change.detail.contains("RESERVATION_EXPIRED"));
        assert_eq!(change.affected_operations.len(), 4);
    }
    let components: BTreeSet<&str> = removed
        .iter()
        .filter_map(|c| c.component.as_deref())
        .collect();
    assert_eq!(
        components,
        BTreeSet::from(["CreateWebhookInputDto", "UpdateWebhookInputDto"])
    );

    let added = of_kind(&report.changes, ChangeKind::EnumValueAdded);
    assert_eq!(added.len(), 2);
    for change in &added {
        assert_eq!(change.severity, Severity::Warning);
        assert_eq!(change.direction, Some(Direction::Response));
        assert!(change.detail.contains("\"bn\""));
    }
    let components: BTreeSet<&str> = added
        .iter()
        .filter_map(|c| c.component.as_deref())
        .collect();
    assert_eq!(
        components,
        BTreeSet::from(["BookingAttendee", "SeatedAttendee"])
    );

    let properties = of_kind(&report.changes, ChangeKind::OptionalPropertyAdded);
    assert_eq!(properties.len(), 6);
    assert!(properties.iter().all(|c| c.severity == Severity::Info
        && c.direction == Some(Direction::Response)
        && c.location.ends_with("/properties/rescheduledToUid")));

    assert_eq!(report.changes.len(), 10);
    assert_eq!(report.summary.breaking, 2);
    assert_eq!(report.summary.warning, 2);
    assert_eq!(report.summary.info, 6);
    // 4 POST and 4 PATCH webhook operations take the two input schemas.
    assert_eq!(report.summary.operations_with_breaking_change, 8);
    // rescheduledFromUid got a description in the 6 booking outputs.
    assert_eq!(report.summary.documentation_edits, 6);
}

#[test]
fn every_document_compared_with_itself_has_no_changes() {
    let Some(dir) = shared_dir() else { return };
    let documents = real_documents(&dir);
    assert!(documents.len() >= 9);
    for (name, doc) in &documents {
        let report = compare(doc, doc);
        assert!(
            report.changes.is_empty(),
            "{name}: {:#?}",
            report.changes.first()
        );
        assert_eq!(report.summary.documentation_edits, 0, "{name}");
    }
}

#[test]
fn every_pair_of_documents_compares_without_panicking() {
    let Some(dir) = shared_dir() else { return };
    let documents = real_documents(&dir);
    for (old_name, old) in &documents {
        for (new_name, new) in &documents {
            let report = compare(old, new);
            let json = calcom_drift::render_json(&report);
            assert!(json.contains("\"summary\""), "{old_name} -> {new_name}");
            let _ = calcom_drift::render_markdown(&report);
            let _ = calcom_drift::render_text(&report);
        }
    }
}

#[test]
fn the_full_history_span_has_sensible_counts() {
    let Some(dir) = shared_dir() else { return };
    let report = compare(
        &real(&dir, "2025-03-05_340b5ab0"),
        &real(&dir, "2025-09-26_6c9ac763"),
    );
    assert_eq!(report.summary.operations_old, 166);
    assert_eq!(report.summary.operations_new, 230);
    assert_eq!(report.summary.schemas_old, 280);
    assert_eq!(report.summary.schemas_new, 404);
    assert!(report.summary.breaking > 0);
}
