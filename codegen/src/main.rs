//! `calcom-codegen`: check a document, or compare two.
//!
//! ```text
//! calcom-codegen check SPEC [--json] [--verbose] [--tags T1,T2] [--operations OP1,OP2] [--overlays O1,O2]
//! calcom-codegen api SPEC [--check FILE | --write FILE]
//! calcom-codegen drift OLD NEW [--format text|json|markdown] [--fail-on breaking|warning|never] [--overlays[=O1,O2]]
//! ```
//!
//! `check` applies the repository's overlays (`openapi/overlays/`), as the build does, and
//! then those given with `--overlays`; `drift` compares the documents as published unless
//! `--overlays` is given (the repository's, and those listed after `=`).

use std::path::Path;
use std::process::ExitCode;

use calcom_codegen::{overlay, ErrorKind, GenerateOptions};

const USAGE: &str = "usage:\n  calcom-codegen check SPEC [--json] [--verbose] [--tags T1,T2] [--operations OP1,OP2] [--overlays O1,O2]\n  calcom-codegen api SPEC [--check FILE | --write FILE]\n  calcom-codegen drift OLD NEW [--format text|json|markdown] [--fail-on breaking|warning|never] [--overlays[=O1,O2]]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("check") => check(&args[2..]),
        Some("api") => api(&args[2..]),
        Some("drift") => drift(&args[2..]),
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
    let mut tags = None;
    let mut operations = None;
    let mut user_overlays = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--overlays" => match args.next() {
                Some(list) => user_overlays.extend(overlay::user_files(list, Path::new(""))),
                None => {
                    eprintln!("--overlays needs a comma-separated list of files\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            other if other.starts_with("--overlays=") => {
                user_overlays.extend(overlay::user_files(
                    &other["--overlays=".len()..],
                    Path::new(""),
                ));
            }
            "--tags" => tags = args.next().map(String::as_str),
            "--operations" => operations = args.next().map(String::as_str),
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
    let overlays = match overlay::OverlaySources::repository_and(user_overlays).load() {
        Ok(overlays) => overlays,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let options = GenerateOptions {
        selection: calcom_codegen::Selection::parse(tags, operations),
        overlays,
        ..GenerateOptions::default()
    };
    match calcom_codegen::check(Path::new(spec), &options) {
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

/// Prints the public-API snapshot, or compares it with / writes it to a file.
fn api(args: &[String]) -> ExitCode {
    let (spec, mode) = match args {
        [spec] => (spec, None),
        [spec, flag, file] if flag == "--check" || flag == "--write" => {
            (spec, Some((flag.as_str(), file)))
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    // The client the build generates: the repository's overlays applied.
    let options = match overlay::OverlaySources::repository_and(Vec::new()).load() {
        Ok(overlays) => GenerateOptions {
            overlays,
            ..GenerateOptions::default()
        },
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let snapshot = match calcom_codegen::api_snapshot(Path::new(spec), &options) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match mode {
        None => {
            print!("{snapshot}");
            ExitCode::SUCCESS
        }
        Some(("--write", file)) => match std::fs::write(file, &snapshot) {
            Ok(()) => {
                println!("wrote {file}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("cannot write {file}: {e}");
                ExitCode::from(2)
            }
        },
        Some((_, file)) => match std::fs::read_to_string(file) {
            Ok(committed) if committed == snapshot => {
                println!("{file} is up to date");
                ExitCode::SUCCESS
            }
            Ok(_) => {
                eprintln!(
                    "{file} is out of date with {spec}: run `cargo run -p calcom-codegen -- api {spec} --write {file}` and commit it"
                );
                ExitCode::from(1)
            }
            Err(e) => {
                eprintln!("cannot read {file}: {e}");
                ExitCode::from(2)
            }
        },
    }
}

/// `drift`, with `--overlays[=FILES]` taken out of the arguments: the documents are compared
/// as published unless it is given, and the output says which.
fn drift(args: &[String]) -> ExitCode {
    let mut sources = None;
    let mut rest = Vec::new();
    for arg in args {
        if arg == "--overlays" {
            sources = Some(overlay::OverlaySources::repository_and(Vec::new()));
        } else if let Some(list) = arg.strip_prefix("--overlays=") {
            sources = Some(overlay::OverlaySources::repository_and(
                overlay::user_files(list, Path::new("")),
            ));
        } else {
            rest.push(arg.clone());
        }
    }
    let overlays = match sources
        .as_ref()
        .map(overlay::OverlaySources::load)
        .transpose()
    {
        Ok(overlays) => overlays,
        Err(e) => {
            eprintln!("drift: {e}");
            return ExitCode::from(2);
        }
    };
    let note = match &overlays {
        None => {
            "documents compared as published (no overlays; --overlays applies ours)".to_string()
        }
        Some(overlays) => format!(
            "documents compared with overlays applied: {}",
            overlays
                .iter()
                .map(|o| o.file.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let prepare = |input: &str, mut doc: serde_json::Value| {
        if let Some(overlays) = &overlays {
            let reports = overlay::apply(&mut doc, overlays);
            for warning in overlay::unmatched_user_actions(&reports, Path::new(input)) {
                eprintln!("drift: warning: {warning}");
            }
        }
        Ok(doc)
    };
    let preparation = calcom_drift::cli::Preparation {
        note,
        prepare: &prepare,
    };
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = calcom_drift::cli::run_prepared(
        &rest,
        &mut stdout.lock(),
        &mut stderr.lock(),
        Some(&preparation),
    );
    ExitCode::from(exit_byte(code))
}
