//! Load: 10,000 calls of the seed PATCH, 256 in flight, on one client, against the
//! loopback keep-alive server of the request bench (benches/common), through
//! `calcom::Client` and through hand-written `reqwest` sending the same bytes, in the same
//! run and the same process.
//!
//! ```sh
//! cargo bench --bench load
//! CALCOM_LOAD_CALLS=10000 CALCOM_LOAD_IN_FLIGHT=256 CALCOM_LOAD_ROUNDS=3 cargo bench --bench load
//! ```
//!
//! Each round runs both clients one after the other (alternating which goes first), each a
//! fresh client with a cold pool. For each run it prints calls per second, failures, the
//! peak RSS of the run (`VmHWM` from /proc/self/status, reset before the run through
//! /proc/self/clear_refs) and the RSS after the first and after the last 1,000 calls. The
//! summary compares the median throughputs, and exits with status 1 when a check fails:
//! no failures, ratio ≥ 0.95, RSS after the last 1,000 calls not above the RSS after the
//! first 1,000 by more than 1 MiB (allocator noise; a leak of even 100 bytes a call would
//! be 0.9 MB over 9,000 calls, so the figures are printed too).

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use calcom::Client;

mod common;
use common::{try_hand_written, try_ours, Server, API_KEY, USER_AGENT};

/// One run's figures.
#[derive(Debug, Clone, Copy)]
struct Run {
    calls_per_sec: f64,
    failures: usize,
    peak_rss_kib: Option<u64>,
    rss_after_first_kib: Option<u64>,
    rss_after_last_kib: Option<u64>,
}

/// A field of /proc/self/status, in KiB (`VmRSS`, `VmHWM`).
fn status_kib(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Resets the peak RSS to the current RSS (Linux: writing 5 to clear_refs).
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `calls` calls of `call`, `in_flight` at a time (that many worker tasks pulling from one
/// counter), on `rt`. Records the RSS when the 1,000th call and the last call complete.
fn run<F, Fut, T, E>(rt: &tokio::runtime::Runtime, calls: usize, in_flight: usize, call: F) -> Run
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<T, E>> + Send,
    E: std::fmt::Display,
{
    let window = 1000.min(calls);
    let peak_reset = reset_peak_rss();
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(AtomicUsize::new(0));
    let first_error: Arc<Mutex<Option<String>>> = Arc::default();
    let rss_first = Arc::new(Mutex::new(None));
    let rss_last = Arc::new(Mutex::new(None));
    let started = Instant::now();
    rt.block_on(async {
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..in_flight {
            let (next, done, failures) = (next.clone(), done.clone(), failures.clone());
            let (first_error, rss_first, rss_last) =
                (first_error.clone(), rss_first.clone(), rss_last.clone());
            let call = call.clone();
            workers.spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < calls {
                    if let Err(e) = call().await {
                        failures.fetch_add(1, Ordering::Relaxed);
                        first_error.lock().unwrap().get_or_insert(e.to_string());
                    }
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if n == window {
                        *rss_first.lock().unwrap() = status_kib("VmRSS");
                    }
                    if n == calls {
                        *rss_last.lock().unwrap() = status_kib("VmRSS");
                    }
                }
            });
        }
        while workers.join_next().await.is_some() {}
    });
    let elapsed = started.elapsed();
    if let Some(e) = first_error.lock().unwrap().as_ref() {
        println!("  first failure: {e}");
    }
    let rss_first = *rss_first.lock().unwrap();
    let rss_last = *rss_last.lock().unwrap();
    Run {
        calls_per_sec: calls as f64 / elapsed.as_secs_f64(),
        failures: failures.load(Ordering::Relaxed),
        peak_rss_kib: if peak_reset {
            status_kib("VmHWM")
        } else {
            None
        },
        rss_after_first_kib: rss_first,
        rss_after_last_kib: rss_last,
    }
}

fn ours_client(base: &str) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(base)
        .build()
        .unwrap()
}

fn hand_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(calcom::DEFAULT_TIMEOUT)
        .connect_timeout(calcom::DEFAULT_CONNECT_TIMEOUT)
        .user_agent(USER_AGENT)
        .build()
        .unwrap()
}

fn kib(v: Option<u64>) -> String {
    v.map(|k| format!("{:.1} MiB", k as f64 / 1024.0))
        .unwrap_or_else(|| "n/a".into())
}

fn print_run(name: &str, r: &Run) {
    println!(
        "  {name:<22} {:>9.0} calls/s, {} failures, peak RSS {}, RSS after first 1,000 {} / after last {}",
        r.calls_per_sec,
        r.failures,
        kib(r.peak_rss_kib),
        kib(r.rss_after_first_kib),
        kib(r.rss_after_last_kib),
    );
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that names another bench skips this one.
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with("--") && !"load".contains(a.as_str()))
    {
        return;
    }
    let calls = env_usize("CALCOM_LOAD_CALLS", 10_000);
    let in_flight = env_usize("CALCOM_LOAD_IN_FLIGHT", 256);
    let rounds = env_usize("CALCOM_LOAD_ROUNDS", 3).max(1);
    let server = Server::start();
    let base = server.url();
    // One client thread, as in the request bench; the server has its own thread.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    println!("load: {calls} calls, {in_flight} in flight, one client, {rounds} rounds");

    // Warm-up: both paths once, so that the first measured run does not pay for lazy
    // initialisation (TLS roots are not loaded for http, but the allocator's arenas are).
    {
        let client = ours_client(&base);
        run(&rt, 1000, in_flight, move || {
            let c = client.clone();
            async move { try_ours(&c).await }
        });
        let http = hand_client();
        let b = base.clone();
        run(&rt, 1000, in_flight, move || {
            let (h, b) = (http.clone(), b.clone());
            async move { try_hand_written(&h, &b).await }
        });
    }

    let mut ours_runs = Vec::new();
    let mut hand_runs = Vec::new();
    for round in 0..rounds {
        println!("round {}:", round + 1);
        let run_ours = |rt: &tokio::runtime::Runtime| {
            let client = ours_client(&base);
            run(rt, calls, in_flight, move || {
                let c = client.clone();
                async move { try_ours(&c).await }
            })
        };
        let run_hand = |rt: &tokio::runtime::Runtime| {
            let http = hand_client();
            let b = base.clone();
            run(rt, calls, in_flight, move || {
                let (h, b) = (http.clone(), b.clone());
                async move { try_hand_written(&h, &b).await }
            })
        };
        let (o, h) = if round % 2 == 0 {
            let o = run_ours(&rt);
            (o, run_hand(&rt))
        } else {
            let h = run_hand(&rt);
            (run_ours(&rt), h)
        };
        print_run("calcom", &o);
        print_run("hand-written reqwest", &h);
        ours_runs.push(o);
        hand_runs.push(h);
        // Let closed connections wind down between rounds.
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(rt);
    server.stop();

    let ours_cps = median(ours_runs.iter().map(|r| r.calls_per_sec).collect());
    let hand_cps = median(hand_runs.iter().map(|r| r.calls_per_sec).collect());
    let ratio = ours_cps / hand_cps;
    let failures: usize = ours_runs.iter().chain(&hand_runs).map(|r| r.failures).sum();
    let growth_kib = |runs: &[Run]| {
        runs.iter()
            .filter_map(|r| Some(r.rss_after_last_kib? as i64 - r.rss_after_first_kib? as i64))
            .max()
    };
    let peak = |runs: &[Run]| runs.iter().filter_map(|r| r.peak_rss_kib).max();
    println!(
        "median: calcom {ours_cps:.0} calls/s, hand-written reqwest {hand_cps:.0} calls/s, \
         ratio {ratio:.3}; peak RSS calcom {}, hand-written {}; largest RSS growth first -> \
         last 1,000 calls: calcom {:+} KiB, hand-written {:+} KiB; failures {failures}",
        kib(peak(&ours_runs)),
        kib(peak(&hand_runs)),
        growth_kib(&ours_runs).unwrap_or(0),
        growth_kib(&hand_runs).unwrap_or(0),
    );
    let mut ok = true;
    let mut check = |what: &str, pass: bool| {
        println!("check {what}: {}", if pass { "ok" } else { "FAILED" });
        ok &= pass;
    };
    check("failures = 0", failures == 0);
    check("throughput ratio >= 0.95", ratio >= 0.95);
    check(
        "no RSS growth between the first and the last 1,000 calls (<= 1 MiB)",
        growth_kib(&ours_runs).is_some_and(|g| g <= 1024),
    );
    if !ok {
        std::process::exit(1);
    }
}
