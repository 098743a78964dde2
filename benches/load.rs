//! Load: 10,000 calls of the seed PATCH, 256 in flight, on one client, against the
//! loopback keep-alive server of the request bench (benches/common), through
//! `calcom::Client` and through hand-written `reqwest` sending the same bytes, in the same
//! run and the same process.
//!
//! ```sh
//! cargo bench --bench load
//! CALCOM_LOAD_CALLS=10000 CALCOM_LOAD_IN_FLIGHT=256 CALCOM_LOAD_ROUNDS=25 CALCOM_LOAD_WORKERS=2 cargo bench --bench load
//! ```
//!
//! The server runs in this process, on its own thread; each client runs in a child process
//! of its own (this executable again, `CALCOM_LOAD_CHILD=ours|hand`), so that its peak RSS
//! (`VmHWM` from /proc/self/status) is its own and not what an earlier run left in the
//! allocator. Each round runs both (alternating which goes first). For each run it prints
//! calls per second, failures, the peak RSS and the RSS (`VmRSS`) when the 1,000th and the
//! last call completed, and each round's ratio (calcom / hand-written, the two runs back to
//! back). The summary gives the median throughputs and the median of the rounds' ratios,
//! and exits with status 1 when a check fails: no failures, that median ratio ≥ 0.95 (25
//! rounds by default: single rounds on this 2-core machine range from about 0.8 to 1.1),
//! and no memory growth: our RSS growth
//! between the first and the last 1,000 calls no larger than the hand-written client's plus
//! 512 KiB (both grow a little as the allocator and the pool settle; a leak of 100 bytes a
//! call would add 0.9 MB over the 9,000 calls in between).

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
    /// Calls per second of CPU time of the client's process: less sensitive to other load
    /// on the machine than wall time.
    calls_per_cpu_sec: Option<f64>,
    failures: usize,
    peak_rss_kib: Option<u64>,
    rss_after_first_kib: Option<u64>,
    rss_after_last_kib: Option<u64>,
}

/// CPU time of this process's live threads, from /proc/self/task/*/schedstat (nanoseconds
/// on CPU). The client's process runs only the client: the server is in the parent.
fn process_cpu() -> Option<Duration> {
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let text = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += text.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(total))
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
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(AtomicUsize::new(0));
    let first_error: Arc<Mutex<Option<String>>> = Arc::default();
    let rss_first = Arc::new(Mutex::new(None));
    let rss_last = Arc::new(Mutex::new(None));
    let started = Instant::now();
    let cpu_before = process_cpu();
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
    let cpu = process_cpu()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    if let Some(e) = first_error.lock().unwrap().as_ref() {
        println!("  first failure: {e}");
    }
    let rss_first = *rss_first.lock().unwrap();
    let rss_last = *rss_last.lock().unwrap();
    Run {
        calls_per_sec: calls as f64 / elapsed.as_secs_f64(),
        calls_per_cpu_sec: cpu.map(|c| calls as f64 / c.as_secs_f64()),
        failures: failures.load(Ordering::Relaxed),
        peak_rss_kib: status_kib("VmHWM"),
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
    calcom::ensure_tls_provider();
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
        "  {name:<22} {:>6.0} calls/s ({:>6.0} per client CPU-second), {} failures, peak RSS {}, RSS after first 1,000 {} / after last {}",
        r.calls_per_sec,
        r.calls_per_cpu_sec.unwrap_or(f64::NAN),
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

/// In a child process: one run of one client, printed as a `RESULT` line.
fn child(which: &str, base: &str, calls: usize, in_flight: usize) {
    // As an application would run it: tokio's multi-thread runtime (`CALCOM_LOAD_WORKERS`
    // workers, 2 by default: the machine's cores), or one thread with 0.
    let workers = env_usize("CALCOM_LOAD_WORKERS", 2);
    let rt = if workers == 0 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(workers);
        b
    }
    .enable_all()
    .build()
    .unwrap();
    let r = match which {
        "ours" => {
            let client = ours_client(base);
            run(&rt, calls, in_flight, move || {
                let c = client.clone();
                async move { try_ours(&c).await }
            })
        }
        "hand" => {
            let http = hand_client();
            let b = base.to_string();
            run(&rt, calls, in_flight, move || {
                let (h, b) = (http.clone(), b.clone());
                async move { try_hand_written(&h, &b).await }
            })
        }
        other => panic!("CALCOM_LOAD_CHILD: unknown {other:?}"),
    };
    let n = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
    println!(
        "RESULT {} {} {} {} {} {}",
        r.calls_per_sec,
        r.calls_per_cpu_sec
            .map(|v| v.to_string())
            .unwrap_or_else(|| "-".into()),
        r.failures,
        n(r.peak_rss_kib),
        n(r.rss_after_first_kib),
        n(r.rss_after_last_kib)
    );
}

/// Runs one client in a child process and reads its figures.
fn spawn_child(which: &str, base: &str) -> Run {
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .env("CALCOM_LOAD_CHILD", which)
        .env("CALCOM_LOAD_URL", base)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!(
        "{}",
        stdout
            .lines()
            .filter(|l| !l.starts_with("RESULT"))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    );
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .unwrap_or_else(|| {
            panic!(
                "child {which} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let f: Vec<&str> = line.split(' ').collect();
    let kib = |s: &str| s.parse().ok();
    Run {
        calls_per_sec: f[0].parse().unwrap(),
        calls_per_cpu_sec: f[1].parse().ok(),
        failures: f[2].parse().unwrap(),
        peak_rss_kib: kib(f[3]),
        rss_after_first_kib: kib(f[4]),
        rss_after_last_kib: kib(f[5]),
    }
}

fn main() {
    let calls = env_usize("CALCOM_LOAD_CALLS", 10_000);
    let in_flight = env_usize("CALCOM_LOAD_IN_FLIGHT", 256);
    if let (Ok(which), Ok(base)) = (
        std::env::var("CALCOM_LOAD_CHILD"),
        std::env::var("CALCOM_LOAD_URL"),
    ) {
        child(&which, &base, calls, in_flight);
        return;
    }
    // `cargo bench` passes `--bench`; a filter that names another bench skips this one.
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with("--") && !"load".contains(a.as_str()))
    {
        return;
    }
    let rounds = env_usize("CALCOM_LOAD_ROUNDS", 25).max(1);
    let server = Server::start();
    let base = server.url();
    println!(
        "load: {calls} calls, {in_flight} in flight, one client, {rounds} rounds, client \
         runtime workers: {} (0: current thread)",
        env_usize("CALCOM_LOAD_WORKERS", 2)
    );
    let mut ours_runs = Vec::new();
    let mut hand_runs = Vec::new();
    for round in 0..rounds {
        println!("round {}:", round + 1);
        let (o, h) = if round % 2 == 0 {
            let o = spawn_child("ours", &base);
            (o, spawn_child("hand", &base))
        } else {
            let h = spawn_child("hand", &base);
            (spawn_child("ours", &base), h)
        };
        print_run("calcom", &o);
        print_run("hand-written reqwest", &h);
        println!(
            "  ratio                   {:.3}",
            o.calls_per_sec / h.calls_per_sec
        );
        ours_runs.push(o);
        hand_runs.push(h);
    }
    server.stop();

    let ours_cps = median(ours_runs.iter().map(|r| r.calls_per_sec).collect());
    let hand_cps = median(hand_runs.iter().map(|r| r.calls_per_sec).collect());
    // The checked ratio pairs the two runs of each round (back to back, so they share the
    // machine's load of that moment) and takes the median over rounds: the ratio of the
    // medians mixes runs from different moments of a noisy machine.
    let ratio = median(
        ours_runs
            .iter()
            .zip(&hand_runs)
            .map(|(o, h)| o.calls_per_sec / h.calls_per_sec)
            .collect(),
    );
    let ratio_of_medians = ours_cps / hand_cps;
    let cpu_median = |runs: &[Run]| {
        let v: Vec<f64> = runs.iter().filter_map(|r| r.calls_per_cpu_sec).collect();
        (!v.is_empty()).then(|| median(v))
    };
    let cpu_ratio = cpu_median(&ours_runs)
        .zip(cpu_median(&hand_runs))
        .map(|(o, h)| o / h);
    let failures: usize = ours_runs.iter().chain(&hand_runs).map(|r| r.failures).sum();
    let growth_kib = |runs: &[Run]| {
        runs.iter()
            .filter_map(|r| Some(r.rss_after_last_kib? as i64 - r.rss_after_first_kib? as i64))
            .max()
    };
    let peak = |runs: &[Run]| runs.iter().filter_map(|r| r.peak_rss_kib).max();
    let (ours_growth, hand_growth) = (growth_kib(&ours_runs), growth_kib(&hand_runs));
    println!(
        "median: calcom {ours_cps:.0} calls/s, hand-written reqwest {hand_cps:.0} calls/s \
         (ratio of the medians {ratio_of_medians:.3}); median of the rounds' ratios {ratio:.3} \
         (per client CPU-second: {}); largest peak RSS calcom {}, hand-written {}; largest RSS growth \
         first -> last 1,000 calls: calcom {:+} KiB, hand-written {:+} KiB; failures {failures}",
        cpu_ratio.map(|r| format!("{r:.3}")).unwrap_or_else(|| "n/a".into()),
        kib(peak(&ours_runs)),
        kib(peak(&hand_runs)),
        ours_growth.unwrap_or(0),
        hand_growth.unwrap_or(0),
    );
    let mut ok = true;
    let mut check = |what: &str, pass: bool| {
        println!("check {what}: {}", if pass { "ok" } else { "FAILED" });
        ok &= pass;
    };
    check("failures = 0", failures == 0);
    check(
        "throughput ratio (median of the rounds') >= 0.95",
        ratio >= 0.95,
    );
    check(
        "no memory growth (calcom's RSS growth <= hand-written's + 512 KiB)",
        matches!((ours_growth, hand_growth), (Some(o), Some(h)) if o <= h + 512),
    );
    if !ok {
        std::process::exit(1);
    }
}
