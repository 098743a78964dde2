//! Generation speed: load + normalise + generate + format, as `build.rs` runs it.
//!
//! `cargo bench -p calcom-codegen --bench generate` (optimised, like build.rs with the
//! workspace's profile overrides). Prints the median of several runs per document; the
//! full documents are read from `../shared/calcom-openapi/` and skipped when it is absent.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use calcom_codegen::{generate_file, GenerateOptions};

fn median_time(path: &Path, runs: usize) -> Option<(Duration, usize)> {
    let mut times = Vec::with_capacity(runs);
    let mut lines = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let out = match generate_file(path, &GenerateOptions::default()) {
            Ok(out) => out,
            Err(e) => {
                eprintln!("{e}");
                return None;
            }
        };
        times.push(start.elapsed());
        lines = out.client.lines().count();
    }
    times.sort();
    Some((times[runs / 2], lines))
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut docs = vec![root.join("../openapi/openapi.json")];
    let shared = root.join("../../shared/calcom-openapi/2025-09-26_6c9ac763.json");
    if shared.exists() {
        docs.push(shared);
    } else {
        println!("skipped the full document: {} is absent", shared.display());
    }
    println!("{:<40} {:>12} {:>10}", "document", "median", "lines");
    for doc in docs {
        let name = doc
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match median_time(&doc, 7) {
            Some((t, lines)) => println!(
                "{name:<40} {:>9.1} ms {lines:>10}",
                t.as_secs_f64() * 1000.0
            ),
            None => println!("{name:<40} failed"),
        }
    }
}
