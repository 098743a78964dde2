//! Descriptions become doc comments that rustdoc will not run as doctests.
//!
//! Markdown in the document is not Rust: a fenced block without a language, or a line
//! indented by four spaces, would be compiled as a doctest and fail. Fences get the
//! `text` language and indentation is capped at three spaces outside fences.

use serde_json::Value;

use super::{walk_values, Context};
use crate::report::PassReport;

/// Makes one description safe for rustdoc; `None` when it already is.
pub fn sanitise(text: &str) -> Option<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut changed = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(lang) = trimmed.strip_prefix("```") {
            if in_fence {
                in_fence = false;
                out.push(line.to_string());
            } else {
                in_fence = true;
                let lang = lang.trim();
                if lang == "text" {
                    out.push(line.to_string());
                } else {
                    changed = true;
                    out.push("```text".to_string());
                }
            }
            continue;
        }
        let indent = line.len() - trimmed.len();
        // Four spaces (or a tab) of indentation make an indented code block.
        let code_indent = indent >= 4 || (indent > 0 && line[..indent].contains('\t'));
        if !in_fence && code_indent {
            changed = true;
            out.push(format!("   {trimmed}"));
        } else {
            out.push(line.to_string());
        }
    }
    if in_fence {
        changed = true;
        out.push("```".to_string());
    }
    changed.then(|| out.join("\n"))
}

/// Sanitises every `description` and `summary` string in the document.
pub fn run(doc: &mut Value, _ctx: &mut Context, report: &mut PassReport) {
    let mut ptr = String::new();
    walk_values(doc, &mut ptr, &mut |p, value| {
        let Some(map) = value.as_object_mut() else {
            return;
        };
        for key in ["description", "summary"] {
            let Some(Value::String(text)) = map.get_mut(key) else {
                continue;
            };
            if let Some(clean) = sanitise(text) {
                *text = clean;
                report.change(format!("{p}/{key}"), "markdown made doctest-safe");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_get_text_and_indentation_is_capped() {
        let input = "Example:\n```\nlet x = 1;\n```\n    indented code\n  - list item";
        let out = sanitise(input).unwrap();
        assert_eq!(
            out,
            "Example:\n```text\nlet x = 1;\n```\n   indented code\n  - list item"
        );
        assert_eq!(sanitise("plain `code` text"), None);
        assert_eq!(sanitise("```text\nok\n```"), None);
        assert_eq!(sanitise("```json\n{}"), Some("```text\n{}\n```".into()));
    }
}
