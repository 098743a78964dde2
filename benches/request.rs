//! Request overhead: the seed PATCH through `calcom::Client` against the same bytes sent by
//! a hand-written `reqwest` call, both to a loopback HTTP/1.1 server started here.
//!
//! ```sh
//! cargo bench --bench request                 # criterion: medians of both, one run
//! CALCOM_BENCH_ALLOCS_ONLY=1 cargo bench --bench request   # only the allocations per call
//! CALCOM_BENCH_ONLY=ours:200 valgrind --tool=callgrind target/release/deps/request-…  # see only()
//! ```
//!
//! Before timing, the bench sends one request each way and checks that the server received
//! the same method, path, headers and body bytes from both; then it counts the allocations
//! of one call of each (a counting global allocator, on the calling thread only: the server
//! runs on its own thread). The server answers every request with the same fixed success
//! body, and is stopped at the end.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use calcom::Client;
use criterion::Criterion;

// The loopback server and the two ways of sending the request, shared with the load bench.
mod common;
use common::{hand_written, ours, Server, API_KEY, USER_AGENT};

// ---------------------------------------------------------------------------------------
// Counting allocator (per thread, so the server thread does not count).

struct Counting;

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

fn bump(size: usize) {
    // `try_with`: allocations during thread teardown must not panic.
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
    let _ = BYTES.try_with(|c| c.set(c.get() + size as u64));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn counted() -> (u64, u64) {
    (ALLOCS.with(Cell::get), BYTES.with(Cell::get))
}

struct Setup {
    server: Server,
    rt: tokio::runtime::Runtime,
    client: Client,
    http: reqwest::Client,
    base: String,
}

fn setup() -> Setup {
    let server = Server::start();
    let base = server.url();
    // One thread: the client's connection task runs on the calling thread, so the
    // allocation count covers everything the call does on the client side.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(&base)
        .build()
        .unwrap();
    let http = reqwest::Client::builder()
        .timeout(calcom::DEFAULT_TIMEOUT)
        .connect_timeout(calcom::DEFAULT_CONNECT_TIMEOUT)
        .user_agent(USER_AGENT)
        .build()
        .unwrap();
    Setup {
        server,
        rt,
        client,
        http,
        base,
    }
}

/// Sends one request each way and checks that the server saw the same thing.
fn verify_same_bytes(s: &Setup) {
    let a = s.rt.block_on(ours(&s.client));
    let b = s.rt.block_on(hand_written(&s.http, &s.base));
    assert_eq!(a, b, "both decode the same answer");
    let seen = s.server.seen.lock().unwrap();
    let (ours_seen, hand_seen) = (&seen[seen.len() - 2], &seen[seen.len() - 1]);
    if ours_seen != hand_seen {
        eprintln!("ours:         {ours_seen:#?}\nhand-written: {hand_seen:#?}");
        panic!("the two requests differ");
    }
    println!(
        "same request both ways: {} {} with {} headers ({}) and a {}-byte body",
        ours_seen.method,
        ours_seen.path,
        ours_seen.headers.len(),
        ours_seen
            .headers
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        ours_seen.body.len()
    );
}

/// Allocations (count, bytes) of one call, after the connection is warm; the minimum over
/// a few calls (the first calls of a pooled connection allocate buffers once).
fn allocations<F: FnMut()>(mut call: F) -> (u64, u64) {
    let mut best = (u64::MAX, u64::MAX);
    for _ in 0..20 {
        let before = counted();
        call();
        let after = counted();
        let this = (after.0 - before.0, after.1 - before.1);
        if this.0 < best.0 {
            best = this;
        }
    }
    best
}

fn report_allocations(s: &Setup) {
    let ours_a = allocations(|| {
        s.rt.block_on(ours(&s.client));
    });
    let hand_a = allocations(|| {
        s.rt.block_on(hand_written(&s.http, &s.base));
    });
    println!(
        "allocations per call: calcom {} ({} bytes), hand-written reqwest {} ({} bytes), \
         difference {:+}",
        ours_a.0,
        ours_a.1,
        hand_a.0,
        hand_a.1,
        ours_a.0 as i64 - hand_a.0 as i64
    );
    // A future is moved (copied) as it is built and awaited: its size is a cost per call.
    println!(
        "future size: calcom {} bytes, hand-written reqwest {} bytes",
        std::mem::size_of_val(&ours(&s.client)),
        std::mem::size_of_val(&hand_written(&s.http, &s.base))
    );
}

fn bench(c: &mut Criterion, s: &Setup) {
    let mut group = c.benchmark_group("patch_delegation_credential");
    group.bench_function("calcom_client", |b| {
        b.to_async(&s.rt).iter(|| ours(&s.client))
    });
    group.bench_function("hand_written_reqwest", |b| {
        b.to_async(&s.rt).iter(|| hand_written(&s.http, &s.base))
    });
    group.finish();
}

/// Where criterion writes its results (its own rule: `CRITERION_HOME`, else
/// `$CARGO_TARGET_DIR/criterion`, else `target/criterion`).
fn criterion_home() -> std::path::PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into());
    std::path::PathBuf::from(target).join("criterion")
}

/// The median of one benchmark of this run, in nanoseconds, from criterion's estimates.
fn median_ns(bench: &str) -> Option<f64> {
    let path = criterion_home()
        .join("patch_delegation_credential")
        .join(bench)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.pointer("/median/point_estimate")?.as_f64()
}

fn report_medians() {
    match (
        median_ns("calcom_client"),
        median_ns("hand_written_reqwest"),
    ) {
        (Some(ours), Some(hand)) => println!(
            "median per call: calcom {:.1} µs, hand-written reqwest {:.1} µs, ratio {:.3}x",
            ours / 1000.0,
            hand / 1000.0,
            ours / hand
        ),
        _ => println!(
            "medians: criterion's estimates not found under {} (filtered run?)",
            criterion_home().display()
        ),
    }
}

/// `CALCOM_BENCH_ONLY=ours:N` or `hand:N`: N calls of one kind and nothing else, for an
/// instruction count under `valgrind --tool=callgrind` (load-independent; subtract a run
/// with N=0 for the setup).
fn only(spec: &str, s: &Setup) {
    let (which, n) = spec.split_once(':').unwrap_or((spec, "100"));
    let n: usize = n.parse().unwrap();
    for _ in 0..n {
        match which {
            "ours" => drop(s.rt.block_on(ours(&s.client))),
            "hand" => drop(s.rt.block_on(hand_written(&s.http, &s.base))),
            other => panic!("CALCOM_BENCH_ONLY: unknown {other:?} (ours or hand)"),
        }
    }
}

fn benches() {
    let s = setup();
    let only_spec = std::env::var("CALCOM_BENCH_ONLY").ok();
    if let Some(spec) = &only_spec {
        only(spec, &s);
    } else {
        verify_same_bytes(&s);
        report_allocations(&s);
    }
    let only_allocs = std::env::var_os("CALCOM_BENCH_ALLOCS_ONLY").is_some();
    if !only_allocs && only_spec.is_none() {
        let mut c = Criterion::default().configure_from_args();
        bench(&mut c, &s);
        c.final_summary();
        report_medians();
    }
    let Setup { server, rt, .. } = s;
    drop(rt);
    server.stop();
}

fn main() {
    benches();
}
