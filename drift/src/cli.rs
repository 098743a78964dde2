//! `drift OLD NEW [--format text|json|markdown] [--fail-on breaking|warning|never]`.

use std::io::Write;

use crate::compare::compare;
use crate::load::load_document;
use crate::render::{render_json, render_markdown, render_text};
use crate::report::{DriftReport, Severity};

/// Exit code: nothing reaches the `--fail-on` level.
pub const EXIT_OK: i32 = 0;
/// Exit code: a change reaches the `--fail-on` level.
pub const EXIT_DRIFT: i32 = 1;
/// Exit code: bad arguments or an unreadable input.
pub const EXIT_INPUT_ERROR: i32 = 2;

const USAGE: &str =
    "usage: drift OLD NEW [--format text|json|markdown] [--fail-on breaking|warning|never]
  OLD, NEW   OpenAPI 3.x documents: file paths or http(s):// URLs
  --format   output format on stdout (default: text)
  --fail-on  exit 1 when a change of this severity or worse is found (default: breaking)
exit codes: 0 nothing reaches --fail-on, 1 something does, 2 unreadable input or bad arguments";

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text.
    Text,
    /// The JSON report.
    Json,
    /// A pull-request comment.
    Markdown,
}

/// Parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Old document (path or URL).
    pub old: String,
    /// New document (path or URL).
    pub new: String,
    /// Output format.
    pub format: Format,
    /// The lowest severity that fails the run; `None` never fails.
    pub fail_on: Option<Severity>,
}

/// Parses the arguments that follow the word `drift`.
pub fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut positional = Vec::new();
    let mut format = Format::Text;
    let mut fail_on = Some(Severity::Breaking);
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let (flag, inline_value) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline_value
                .clone()
                .or_else(|| iter.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "--format" => {
                format = match value("--format")?.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    "markdown" | "md" => Format::Markdown,
                    other => return Err(format!("unknown --format `{other}`")),
                }
            }
            "--fail-on" => {
                fail_on = match value("--fail-on")?.as_str() {
                    "breaking" => Some(Severity::Breaking),
                    "warning" => Some(Severity::Warning),
                    "info" => Some(Severity::Info),
                    "never" => None,
                    other => return Err(format!("unknown --fail-on `{other}`")),
                }
            }
            other if other.starts_with("--") => return Err(format!("unknown option `{other}`")),
            _ => positional.push(arg.clone()),
        }
    }
    let [old, new] = <[String; 2]>::try_from(positional)
        .map_err(|p| format!("expected two documents (OLD NEW), got {}", p.len()))?;
    Ok(Options {
        old,
        new,
        format,
        fail_on,
    })
}

/// Runs the command with the arguments that follow `drift`; returns the exit code.
pub fn run_cli(args: &[String]) -> i32 {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    run_with_output(args, &mut stdout.lock(), &mut stderr.lock())
}

/// `run_cli` writing to the given streams (for tests).
pub fn run_with_output(args: &[String], stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    run_prepared(args, stdout, stderr, None)
}

/// What is done to both documents before they are compared (for example overlays that
/// correct them), and the line that says so in the output.
pub struct Preparation<'a> {
    /// One line naming what was compared ("as published", "with overlays …"): the first
    /// line of text and markdown output, and on stderr with `--format json`.
    pub note: String,
    /// Applied to each loaded document; gets the document's path or URL.
    pub prepare: &'a dyn Fn(&str, serde_json::Value) -> Result<serde_json::Value, String>,
}

/// [`run_with_output`] with the documents prepared before they are compared.
pub fn run_prepared(
    args: &[String],
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    preparation: Option<&Preparation<'_>>,
) -> i32 {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        let _ = writeln!(stdout, "{USAGE}");
        return EXIT_OK;
    }
    let options = match parse_args(args) {
        Ok(options) => options,
        Err(message) => {
            let _ = writeln!(stderr, "drift: {message}\n{USAGE}");
            return EXIT_INPUT_ERROR;
        }
    };
    let documents = load_document(&options.old).and_then(|old| {
        let new = load_document(&options.new)?;
        Ok((old, new))
    });
    let (old, new) = match documents {
        Ok(pair) => pair,
        Err(error) => {
            let _ = writeln!(stderr, "drift: {error}");
            return EXIT_INPUT_ERROR;
        }
    };
    let (old, new) = match preparation {
        None => (old, new),
        Some(p) => match (p.prepare)(&options.old, old)
            .and_then(|old| Ok((old, (p.prepare)(&options.new, new)?)))
        {
            Ok(pair) => pair,
            Err(error) => {
                let _ = writeln!(stderr, "drift: {error}");
                return EXIT_INPUT_ERROR;
            }
        },
    };
    let report = compare(&old, &new);
    let mut rendered = match options.format {
        Format::Text => render_text(&report),
        Format::Json => render_json(&report),
        Format::Markdown => render_markdown(&report),
    };
    if let Some(p) = preparation {
        match options.format {
            Format::Json => {
                let _ = writeln!(stderr, "drift: {}", p.note);
            }
            Format::Text => rendered = format!("{}\n{rendered}", p.note),
            Format::Markdown => rendered = format!("_{}_\n\n{rendered}", p.note),
        }
    }
    if let Err(error) = stdout.write_all(rendered.as_bytes()) {
        let _ = writeln!(stderr, "drift: cannot write the report: {error}");
        return EXIT_INPUT_ERROR;
    }
    exit_code(&report, options.fail_on)
}

/// 1 when a change reaches the threshold, else 0.
pub fn exit_code(report: &DriftReport, fail_on: Option<Severity>) -> i32 {
    match (fail_on, report.highest_severity()) {
        (Some(threshold), Some(highest)) if highest >= threshold => EXIT_DRIFT,
        _ => EXIT_OK,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_flags_in_any_order_and_both_spellings() {
        let o = parse_args(&strings(&["--format=json", "a", "--fail-on", "never", "b"]));
        assert_eq!(
            o,
            Ok(Options {
                old: "a".into(),
                new: "b".into(),
                format: Format::Json,
                fail_on: None
            })
        );
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(parse_args(&strings(&["a"])).is_err());
        assert!(parse_args(&strings(&["a", "b", "--format", "xml"])).is_err());
        assert!(parse_args(&strings(&["a", "b", "--fail-on"])).is_err());
        assert!(parse_args(&strings(&["a", "b", "--bogus"])).is_err());
        let mut out = Vec::new();
        let mut err = Vec::new();
        assert_eq!(
            run_with_output(&strings(&["a"]), &mut out, &mut err),
            EXIT_INPUT_ERROR
        );
        assert!(String::from_utf8_lossy(&err).contains("expected two documents"));
    }
}
