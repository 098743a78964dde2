//! A thread with a stack big enough for the generated types.

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
