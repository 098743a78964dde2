//! Runs the drift checker directly, without the `calcom-codegen` binary:
//! `cargo run -p calcom-drift --example drift -- OLD NEW [--format …] [--fail-on …]`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(calcom_drift::run_cli(&args));
}
