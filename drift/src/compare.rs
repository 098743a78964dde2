//! The whole comparison: operations, renames, components, then classification.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::classify::classify;
use crate::components::{diff_components, Usage};
use crate::finding::{Finding, Findings, Subject};
use crate::model::{collect_operations, Operation};
use crate::operations::diff_operations;
use crate::reach::Reach;
use crate::rename::{detect_renames, Side};
use crate::report::{Change, ChangeKind, DriftReport, Summary};
use crate::schemas::SchemaDiffer;
use calcom_spec::refs::Document;

/// Compares two OpenAPI documents and classifies every change for a client.
///
/// Never panics on odd input: missing sections are treated as empty and dangling `$ref`s
/// as opaque names.
pub fn compare(old: &Value, new: &Value) -> DriftReport {
    let old_doc = Document::new(old);
    let new_doc = Document::new(new);
    let old_ops = collect_operations(&old_doc);
    let new_ops = collect_operations(&new_doc);
    let old_reach = Reach::compute(&old_doc, &old_ops);
    let new_reach = Reach::compute(&new_doc, &new_ops);
    let renames = detect_renames(
        &Side {
            doc: &old_doc,
            operations: &old_ops,
            reach: &old_reach,
        },
        &Side {
            doc: &new_doc,
            operations: &new_ops,
            reach: &new_reach,
        },
    );

    let mut findings = Findings::default();
    let mut differ = SchemaDiffer::new(old_doc, new_doc, &renames);
    diff_operations(&old_ops, &new_ops, &mut differ, &mut findings);
    let usage = Usage {
        old: &old_reach,
        new: &new_reach,
    };
    diff_components(
        old_doc,
        new_doc,
        &renames,
        &usage,
        &mut differ,
        &mut findings,
    );

    let affected = AffectedOperations {
        old_ops: &old_ops,
        new_ops: &new_ops,
        old_reach: &old_reach,
        new_reach: &new_reach,
    };
    let changes = findings
        .items
        .into_iter()
        .map(|finding| to_change(finding, &affected))
        .collect();
    let summary = Summary {
        documentation_edits: findings.documentation_edits,
        operations_old: old_ops.len(),
        operations_new: new_ops.len(),
        schemas_old: old_doc.schema_count(),
        schemas_new: new_doc.schema_count(),
        ..Summary::default()
    };
    DriftReport::from_changes(changes, summary)
}

/// Looks up the operations a component reaches in either document.
struct AffectedOperations<'r, 'a> {
    old_ops: &'r [Operation<'a>],
    new_ops: &'r [Operation<'a>],
    old_reach: &'r Reach,
    new_reach: &'r Reach,
}

impl AffectedOperations<'_, '_> {
    /// `METHOD /path` of every operation reaching the schema, new paths preferred; one entry
    /// per operation even when its parameter names changed.
    fn list(&self, name: &str, old_name: &str) -> Vec<String> {
        let mut by_key: BTreeMap<&str, String> = BTreeMap::new();
        for i in self.old_reach.operations(old_name) {
            if let Some(op) = self.old_ops.get(i) {
                by_key.insert(&op.key, op.display());
            }
        }
        for i in self.new_reach.operations(name) {
            if let Some(op) = self.new_ops.get(i) {
                by_key.insert(&op.key, op.display());
            }
        }
        let mut list: Vec<String> = by_key.into_values().collect();
        list.sort();
        list
    }
}

fn to_change(finding: Finding, affected: &AffectedOperations<'_, '_>) -> Change {
    let verdict = classify(finding.kind, finding.direction, finding.facts);
    let (operation, component, affected_operations, direction) = match finding.subject {
        Subject::Operation(op) => {
            let whole_operation = matches!(
                finding.kind,
                ChangeKind::OperationAdded
                    | ChangeKind::OperationRemoved
                    | ChangeKind::OperationIdChanged
                    | ChangeKind::OperationDeprecated
            );
            let direction = (!whole_operation).then_some(finding.direction);
            (Some(op), None, Vec::new(), direction)
        }
        Subject::Component { name, old_name } => {
            let list = affected.list(&name, &old_name);
            (None, Some(name), list, Some(finding.direction))
        }
    };
    Change {
        kind: finding.kind,
        severity: verdict.severity,
        operation,
        component,
        direction,
        location: finding.location,
        detail: finding.detail,
        affected_operations,
        compile_break: verdict.compile_break,
    }
}
