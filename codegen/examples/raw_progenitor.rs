//! progenitor's own output for a document, for the size and compile-time comparisons of
//! `scripts/bench-compile.sh` and `benches/README.md`. Never used by the build.
//!
//! ```sh
//! cargo run --release -p calcom-codegen --example raw_progenitor -- DOC MODE OUT.rs
//! ```
//!
//! MODE:
//! - `raw`: the document as it is, progenitor's default settings (positional interface, no
//!   hooks): what progenitor does without our normaliser;
//! - `default`: the normalised document, progenitor's default settings: a standalone crate
//!   (no `calcom::` types), the raw-progenitor peer of the compile-time comparison;
//! - `positional` / `builder`: the normalised document with the settings `build.rs` uses,
//!   and the given interface style: what the builder interface costs in lines.
//!
//! Prints the number of lines written, or the error (panics are caught and reported).

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::process::ExitCode;

use openapiv3::OpenAPI;
use progenitor_impl::{
    CrateVers, GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle,
};

fn settings(mode: &str) -> Option<GenerationSettings> {
    let mut settings = GenerationSettings::new();
    match mode {
        "raw" | "default" => {}
        "positional" | "builder" => {
            let style = if mode == "builder" {
                InterfaceStyle::Builder
            } else {
                InterfaceStyle::Positional
            };
            settings
                .with_interface(style)
                .with_tag(TagStyle::Merged)
                .with_hooks(HooksMode::Expected)
                .with_inner_type(quote::quote! { crate::client::ClientState })
                .with_crate("calcom", CrateVers::Any, None)
                .with_derive("PartialEq");
        }
        _ => return None,
    }
    Some(settings)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [doc, mode, out] = args.as_slice() else {
        eprintln!("usage: raw_progenitor DOC raw|default|positional|builder OUT.rs");
        return ExitCode::from(2);
    };
    let Some(settings) = settings(mode) else {
        eprintln!("unknown mode {mode:?}");
        return ExitCode::from(2);
    };
    let path = Path::new(doc);
    let mut value = match calcom_codegen::load(path) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if mode != "raw" {
        calcom_codegen::normalise(&mut value);
    }
    let spec: OpenAPI = match serde_json::from_value(value) {
        Ok(spec) => spec,
        Err(e) => {
            println!("{mode}: not valid OpenAPI for openapiv3: {e}");
            return ExitCode::from(1);
        }
    };
    panic::set_hook(Box::new(|_| {}));
    let generated = panic::catch_unwind(AssertUnwindSafe(|| {
        Generator::new(&settings).generate_tokens(&spec)
    }));
    let _ = panic::take_hook();
    let tokens = match generated {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => {
            println!(
                "{mode}: progenitor failed: {}",
                e.to_string().lines().next().unwrap_or("")
            );
            return ExitCode::from(1);
        }
        Err(payload) => {
            let text = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            println!(
                "{mode}: progenitor panicked: {}",
                text.lines().next().unwrap_or("")
            );
            return ExitCode::from(1);
        }
    };
    let source = match calcom_codegen::format(path, tokens) {
        Ok(s) => s,
        Err(e) => {
            println!("{mode}: {e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = std::fs::write(out, &source) {
        eprintln!("cannot write {out}: {e}");
        return ExitCode::from(2);
    }
    println!("{mode}: {} lines -> {out}", source.lines().count());
    ExitCode::SUCCESS
}
