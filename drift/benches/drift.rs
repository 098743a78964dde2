//! Median time of `compare` on the two largest consecutive documents (2025-07-11 vs
//! 2025-09-26). Run with `cargo bench -p calcom-drift`. Skipped when ../shared is absent.

use std::path::PathBuf;
use std::time::{Duration, Instant};

const ITERATIONS: usize = 50;

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/calcom-openapi");
    if !dir.is_dir() {
        println!("skipped: {} is absent", dir.display());
        return;
    }
    let load = |stem: &str| {
        let path = dir.join(format!("{stem}.json"));
        calcom_drift::load_document(&path.to_string_lossy())
    };
    let (old, new) = match (load("2025-07-11_94a537bf"), load("2025-09-26_6c9ac763")) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(e), _) | (_, Err(e)) => {
            println!("skipped: {e}");
            return;
        }
    };
    let mut times: Vec<Duration> = (0..ITERATIONS)
        .map(|_| {
            let start = Instant::now();
            let report = calcom_drift::compare(&old, &new);
            let elapsed = start.elapsed();
            std::hint::black_box(report);
            elapsed
        })
        .collect();
    times.sort();
    let median = times[ITERATIONS / 2];
    println!(
        "compare 2025-07-11 vs 2025-09-26: median {:.2} ms over {ITERATIONS} runs (min {:.2} ms, max {:.2} ms)",
        median.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[ITERATIONS - 1].as_secs_f64() * 1e3
    );
}
