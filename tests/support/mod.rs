//! Shared helpers of the round-trip suites (`tests/roundtrip_*.rs`): the normalised
//! document, the instance synthesiser, the checkers, the accepted deviations and the
//! schema registry the generator writes to `OUT_DIR`.

#![allow(dead_code)]

pub mod deviations;
pub mod doc;
pub mod prism;
pub mod report;
#[cfg(feature = "schemars")]
pub mod schemas;
pub mod synth;
pub mod values;

/// Runs `f` on a thread with a large stack: deep generated types decode recursively.
pub fn with_big_stack(f: impl FnOnce() + Send + 'static) {
    let handle = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .expect("spawn the suite thread");
    if let Err(panic) = handle.join() {
        std::panic::resume_unwind(panic);
    }
}

// `calcom_for_each_schema!` and `CALCOM_SKIPPED_SCHEMAS`, generated with the client.
include!(concat!(env!("OUT_DIR"), "/calcom_schema_registry.rs"));
