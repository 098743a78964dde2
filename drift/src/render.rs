//! Text, JSON and Markdown renderings of a report.

use std::fmt::Write as _;

use crate::report::{Change, DriftReport, Severity};

/// How many affected operations a change lists before "and N more".
const LISTED_OPERATIONS: usize = 5;

/// Pretty-printed JSON in the documented format.
pub fn render_json(report: &DriftReport) -> String {
    // Serialising plain structs of strings, numbers and vectors cannot fail; fall back to
    // an empty object rather than panicking should that ever change.
    serde_json::to_string_pretty(report).unwrap_or_else(|_| "{}".to_string()) + "\n"
}

/// A plain-text listing for terminals and CI logs.
pub fn render_text(report: &DriftReport) -> String {
    let mut out = String::new();
    let s = &report.summary;
    let _ = writeln!(
        out,
        "{} breaking, {} warning, {} info ({} would break compilation of code using the old client)",
        s.breaking, s.warning, s.info, s.compile_breaks
    );
    let _ = writeln!(
        out,
        "{} operations with a breaking change; {} documentation edits (not listed)",
        s.operations_with_breaking_change, s.documentation_edits
    );
    let _ = writeln!(
        out,
        "operations {} -> {}, component schemas {} -> {}",
        s.operations_old, s.operations_new, s.schemas_old, s.schemas_new
    );
    for change in &report.changes {
        out.push('\n');
        let _ = writeln!(
            out,
            "{:<8}  {}  {}{}{}",
            change.severity.as_str().to_uppercase(),
            change.kind.as_str(),
            subject(change),
            change
                .direction
                .map(|d| format!("  [{}]", direction_name(d)))
                .unwrap_or_default(),
            if change.compile_break {
                "  (compile break)"
            } else {
                ""
            }
        );
        let _ = writeln!(out, "    {}", change.detail);
        let _ = writeln!(out, "    at {}", change.location);
        if !change.affected_operations.is_empty() {
            let _ = writeln!(
                out,
                "    affects {} operation(s): {}",
                change.affected_operations.len(),
                listed_operations(change)
            );
        }
    }
    if report.changes.is_empty() {
        out.push_str("\nno changes\n");
    }
    out
}

/// A pull-request comment: a summary table, then breaking changes, warnings and (folded)
/// info.
pub fn render_markdown(report: &DriftReport) -> String {
    let mut out = String::new();
    let s = &report.summary;
    out.push_str("## Cal.com OpenAPI drift\n\n");
    out.push_str("| | count |\n|---|---:|\n");
    let rows = [
        ("🔴 breaking", s.breaking),
        ("🟠 warning", s.warning),
        ("🔵 info", s.info),
        (
            "changes that break compilation against the old client",
            s.compile_breaks,
        ),
        (
            "operations with a breaking change",
            s.operations_with_breaking_change,
        ),
        ("documentation edits (not listed)", s.documentation_edits),
    ];
    for (label, count) in rows {
        let _ = writeln!(out, "| {label} | {count} |");
    }
    let _ = writeln!(
        out,
        "\nOperations {} → {}, component schemas {} → {}.",
        s.operations_old, s.operations_new, s.schemas_old, s.schemas_new
    );
    let sections = [
        (Severity::Breaking, "Breaking changes", false),
        (Severity::Warning, "Warnings", false),
        (Severity::Info, "Info", true),
    ];
    for (severity, title, folded) in sections {
        let changes: Vec<&Change> = report
            .changes
            .iter()
            .filter(|c| c.severity == severity)
            .collect();
        if changes.is_empty() {
            continue;
        }
        if folded {
            let _ = writeln!(
                out,
                "\n<details><summary>{title} ({})</summary>\n",
                changes.len()
            );
        } else {
            let _ = writeln!(out, "\n### {title} ({})\n", changes.len());
        }
        out.push_str("| kind | where | detail | compile break | affected operations |\n");
        out.push_str("|---|---|---|:---:|---|\n");
        for change in changes {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                change.kind.as_str(),
                cell(&subject(change)),
                cell(&change.detail),
                if change.compile_break { "yes" } else { "no" },
                cell(&listed_operations(change))
            );
        }
        if folded {
            out.push_str("\n</details>\n");
        }
    }
    if report.changes.is_empty() {
        out.push_str("\nNo changes.\n");
    }
    out
}

fn subject(change: &Change) -> String {
    match (&change.operation, &change.component) {
        (Some(op), _) => op.clone(),
        (None, Some(component)) => format!("schema {component}"),
        (None, None) => change.location.clone(),
    }
}

fn direction_name(direction: crate::report::Direction) -> &'static str {
    match direction {
        crate::report::Direction::Request => "request",
        crate::report::Direction::Response => "response",
        crate::report::Direction::Both => "request+response",
        crate::report::Direction::Unused => "unused",
    }
}

fn listed_operations(change: &Change) -> String {
    let ops = &change.affected_operations;
    let mut text = ops
        .iter()
        .take(LISTED_OPERATIONS)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if ops.len() > LISTED_OPERATIONS {
        let _ = write!(text, " and {} more", ops.len() - LISTED_OPERATIONS);
    }
    text
}

/// Makes text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
