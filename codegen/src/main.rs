//! `calcom-codegen`: check a document, or compare two.
//!
//! ```text
//! calcom-codegen check SPEC [--json] [--verbose]
//! calcom-codegen drift OLD NEW [--format text|json|markdown] [--fail-on breaking|warning|never]
//! ```

use std::path::Path;
use std::process::ExitCode;

use calcom_codegen::{ErrorKind, GenerateOptions};

const USAGE: &str = "usage:\n  calcom-codegen check SPEC [--json] [--verbose]\n  calcom-codegen drift OLD NEW [--format text|json|markdown] [--fail-on breaking|warning|never]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("check") => check(&args[2..]),
        Some("drift") => ExitCode::from(exit_byte(calcom_drift::run_cli(&args[2..]))),
        Some("-h") | Some("--help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn exit_byte(code: i32) -> u8 {
    u8::try_from(code).unwrap_or(2)
}

fn check(args: &[String]) -> ExitCode {
    let mut spec = None;
    let mut json = false;
    let mut verbose = false;
    for arg in args {
        match arg.as_str() {
            "--json" => json = true,
            "--verbose" | "-v" => verbose = true,
            other if spec.is_none() && !other.starts_with('-') => spec = Some(other),
            other => {
                eprintln!("unexpected argument {other:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(spec) = spec else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match calcom_codegen::check(Path::new(spec), &GenerateOptions::default()) {
        Ok(report) => {
            if json {
                match serde_json::to_string_pretty(&report) {
                    Ok(text) => println!("{text}"),
                    Err(e) => {
                        eprintln!("cannot serialise the report: {e}");
                        return ExitCode::from(2);
                    }
                }
            } else {
                print!("{}", report.to_text(verbose));
            }
            if report.skipped.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            match e.kind {
                ErrorKind::UnreadableInput => ExitCode::from(2),
                ErrorKind::Unsupported | ErrorKind::Output => ExitCode::from(1),
            }
        }
    }
}
