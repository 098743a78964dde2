//! The generator behind the `calcom` crate.
//!
//! Pipeline: [`load`] a document → apply its [`overlay`]s → check its `$ref`s → [`normalise`]
//! it into something progenitor accepts, recording every change → generate the client with
//! progenitor, isolating and reporting anything it cannot handle → rewrite the parts of
//! progenitor's output the client layer refines (catch-all variants, key-aware unions,
//! decode paths, pagination) → [`format`](fn@format) it, and write the tables and registries beside it.
//! `build.rs` of the `calcom` crate calls [`build_script`]; the `calcom-codegen` binary
//! calls [`check`].
//!
//! The modules are private, as in progenitor-impl; what they offer is re-exported here.

#![deny(missing_docs)]

use std::path::{Path, PathBuf};

use serde_json::Value;

mod catch_all;
mod decode_paths;
mod emit;
mod error;
mod generate;
mod identical_types;
mod inline_fns;
mod lean_deserialize;
mod lean_serialize;
mod load;
mod mock;
pub mod overlay;
mod pagination;
mod passes;
mod refs;
mod report;
mod request_builders;
mod select;
mod send_rewrites;
mod send_runner;
mod setter_messages;
mod spec_path;
mod syn_items;
mod type_graph;
mod unions;
mod written_impls;

pub use error::{CodegenError, ErrorKind};
pub use generate::{format, GenerateOptions};
pub use load::{load, parse};
pub use passes::{normalise, AuthUse, Context, HeaderUse, OperationRecord};
pub use report::{PassReport, Report};
pub use select::Selection;

use emit::{api_snapshot, operation_registry, registry, tables};
use spec_path::{SpecPath, SPEC_VAR};

/// Everything one generation produces.
pub struct Output {
    /// The client source (types, builders, `Client`), formatted.
    pub client: String,
    /// The per-operation table source.
    pub operations: String,
    /// The normalised document the client was generated from.
    pub normalised: Value,
    /// The document as published with the overlays applied, before normalisation.
    pub overlaid: Value,
    /// The schema registry source read by the round-trip tests (`emit/registry.rs`).
    pub registry: String,
    /// The operation registry source read by the Prism suite (`emit/operation_registry.rs`).
    pub operation_registry: String,
    /// The typed httpmock helpers, when [`GenerateOptions::mock`] asked for them.
    pub mock: Option<String>,
    /// What was changed and what was left out.
    pub report: Report,
    /// The operations that were generated, in document order.
    pub records: Vec<passes::OperationRecord>,
}

fn count_operations(doc: &Value) -> usize {
    doc.get("paths")
        .and_then(Value::as_object)
        .map(|paths| {
            paths
                .values()
                .map(|item| {
                    calcom_spec::HTTP_METHODS
                        .iter()
                        .filter(|m| item.get(**m).is_some())
                        .count()
                })
                .sum()
        })
        .unwrap_or(0)
}

fn count_schemas(doc: &Value) -> usize {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map_or(0, |s| s.len())
}

/// What [`pipeline`] hands to the formatting step.
struct Pipeline {
    report: Report,
    generation: generate::Generation,
    records: Vec<passes::OperationRecord>,
    normalised: Value,
    overlaid: Value,
}

/// Loads, normalises and generates, but does not format; what `check` and `build.rs`
/// share.
fn pipeline(file: &Path, doc: Value, options: &GenerateOptions) -> Result<Pipeline, CodegenError> {
    let mut doc = doc;
    // Overlays correct the document as published, before anything reads it.
    let overlays = overlay::apply(&mut doc, &options.overlays);
    let overlaid = doc.clone();
    refs::check_alias_cycles(file, &doc)?;
    let mut report = Report {
        operations_total: count_operations(&doc),
        schemas_total: count_schemas(&doc),
        overlays,
        ..Report::default()
    };
    let (ctx, passes) = passes::normalise(&mut doc);
    report.passes = passes;
    let selected = select::apply(&mut doc, &ctx.operations, &options.selection)
        .map_err(|reason| CodegenError::unsupported(file, "/paths", reason))?;
    if !options.selection.is_all() {
        report.selection = Some(format!(
            "{}: {} operations and {} schemas left out",
            options.selection.describe(),
            selected.operations_dropped,
            selected.schemas_dropped
        ));
    }
    let generation = generate::generate(file, &doc, options)?;
    report.skipped = generation.skipped.clone();
    report.paginated_operations = pagination::find(&generation.document, &ctx.operations)
        .into_iter()
        .map(|p| p.name)
        .collect();
    report.operations_generated = count_operations(&generation.document);
    report.schemas_generated =
        count_schemas(&generation.document).saturating_sub(generation.schemas_skipped);
    Ok(Pipeline {
        report,
        generation,
        records: ctx.operations,
        normalised: doc,
        overlaid,
    })
}

/// Loads, normalises and generates the client for `file` without compiling it.
pub fn check(file: &Path, options: &GenerateOptions) -> Result<Report, CodegenError> {
    let doc = load::load(file)?;
    Ok(pipeline(file, doc, options)?.report)
}

/// Generates the formatted client and its tables for `file`.
pub fn generate_file(file: &Path, options: &GenerateOptions) -> Result<Output, CodegenError> {
    let doc = load::load(file)?;
    generate_value(file, doc, options)
}

/// Generates the formatted client and its tables from an already parsed document.
pub fn generate_value(
    file: &Path,
    doc: Value,
    options: &GenerateOptions,
) -> Result<Output, CodegenError> {
    let Pipeline {
        mut report,
        generation,
        records,
        normalised,
        overlaid,
    } = pipeline(file, doc, options)?;
    let mut client = generate::parse(file, generation.tokens)?;
    let builders = request_builders::remove_answer_only_builders(&mut client);
    report.request_builders = builders.kept;
    report.answer_only_builders = builders.removed;
    report.answer_only_string_conversions = builders.string_conversions_removed;
    report.key_aware_unions = unions::key_aware_unions(&mut client);
    report.catch_alls = catch_all::open_answer_types(&mut client).describe();
    let merged = identical_types::merge_identical_types(&mut client);
    report.identical_types = merged.aliases();
    report.identical_type_groups = merged.groups;
    report.identical_types_kept_apart = merged.kept_apart;
    // After the merge: an alias shares the impl of the type it names.
    let lean = lean_deserialize::write_struct_impls(&mut client);
    report.lean_deserialize = lean.written;
    report.serde_derive_kept = lean.kept;
    let lean = lean_serialize::write_struct_impls(&mut client);
    report.lean_serialize = lean.written;
    report.serialize_derive_kept = lean.kept;
    decode_paths::located_decode_errors(&mut client);
    let sends = send_rewrites::rewrite_sends(&mut client);
    report.path_segments_in_place = sends.path_segments;
    report.version_headers_dropped = sends.version_headers;
    report.requests_scoped = sends.requests_scoped;
    report.buffered_execs = sends.buffered_execs;
    report.shared_setter_messages = setter_messages::shared_setter_messages(&mut client);
    let runners = send_runner::hand_sends_to_runner(&mut client);
    report.sends_handed_to_runner = runners.handed_over;
    report.sends_kept_async = runners.kept;
    pagination::add_streams_to_client(&mut client, &generation.document, &records, &mut report);
    // Last: every function generated so far, streams included.
    report.inlined_fns = inline_fns::inline_generated_fns(&mut client);
    let generated: Vec<passes::OperationRecord> = records
        .into_iter()
        .filter(|r| {
            generation
                .document
                .get("paths")
                .and_then(|p| p.get(&r.path))
                .and_then(|item| item.get(r.method.to_ascii_lowercase()))
                .is_some()
        })
        .collect();
    let operations = generate::format(
        file,
        tables::operations_table(&generated.iter().collect::<Vec<_>>()),
    )?;
    let registry = registry::registry_source(&generation.schema_types, &report.skipped)
        .map_err(|e| CodegenError::unsupported(file, "/components/schemas", e))?;
    let registry = generate::format(file, registry)?;
    let operation_registry = operation_registry::registry_source(
        &generated,
        &generation.document,
        &operation_registry::builder_setters(&client),
        &file.display().to_string(),
    );
    let responses = operation_registry::responses_source(
        &generated,
        &operation_registry::response_types(&client),
    );
    let operation_registry =
        generate::format(file, quote::quote! { #operation_registry #responses })?;
    let mock = mock::mock_source(file, &generation.document, options)?;
    Ok(Output {
        client: prettyplease::unparse(&client),
        operation_registry,
        mock,
        operations,
        registry,
        normalised,
        overlaid,
        report,
        records: generated,
    })
}

/// The human-readable public-API snapshot of the client generated from `file`.
pub fn api_snapshot(file: &Path, options: &GenerateOptions) -> Result<String, CodegenError> {
    let output = generate_file(file, options)?;
    api_snapshot::render(&output.client, &output.records).map_err(|e| {
        CodegenError::unsupported(file, "", format!("generated code does not parse: {e}"))
    })
}

/// What `build.rs` of the `calcom` crate runs.
///
/// Reads `openapi/openapi.json` (or `CALCOM_OPENAPI_SPEC`), writes `calcom_client.rs`,
/// `calcom_operations.rs`, `calcom_schema_registry.rs`, `calcom_operation_registry.rs`,
/// `openapi.normalised.json`, `openapi.overlaid.json` (the document with the overlays of
/// `openapi/overlays/` and `CALCOM_OPENAPI_OVERLAYS` applied) and
/// `codegen-report.txt` to `OUT_DIR`, prints the `rerun-if` lines and one warning per
/// skipped item. On failure it prints the error (file, JSON pointer, reason) and exits
/// with status 1: no backtrace.
pub fn build_script() {
    if let Err(e) = try_build_script() {
        eprintln!("error: calcom could not generate its client: {e}");
        println!("cargo:warning=calcom: {e}");
        std::process::exit(1);
    }
}

fn try_build_script() -> Result<(), CodegenError> {
    println!("cargo:rerun-if-env-changed=CALCOM_OPENAPI_SPEC");
    println!("cargo:rerun-if-changed=build.rs");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let spec_path = SpecPath::resolve(std::env::var_os(SPEC_VAR).as_deref(), &manifest_dir);
    let spec = spec_path.path.clone();
    println!("cargo:rerun-if-changed={}", spec.display());
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or_else(|| {
        CodegenError::unreadable(&spec, "", "OUT_DIR is not set: run from a build script")
    })?);
    println!("cargo:rerun-if-env-changed=CALCOM_TAGS");
    println!("cargo:rerun-if-env-changed=CALCOM_OPERATIONS");
    let env = |name: &str| std::env::var(name).ok();
    // Overlays: the repository's `openapi/overlays/*.json`, then CALCOM_OPENAPI_OVERLAYS.
    println!("cargo:rerun-if-env-changed=CALCOM_OPENAPI_OVERLAYS");
    let sources = overlay::OverlaySources {
        repository_dir: Some(manifest_dir.join("openapi/overlays")),
        user_files: overlay::user_files(
            env("CALCOM_OPENAPI_OVERLAYS").as_deref().unwrap_or(""),
            &manifest_dir,
        ),
    };
    println!(
        "cargo:rerun-if-changed={}",
        manifest_dir.join("openapi/overlays").display()
    );
    for (file, _) in sources.files()? {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    let options = GenerateOptions {
        json_schema: std::env::var_os("CARGO_FEATURE_SCHEMARS").is_some(),
        selection: select::Selection::parse(
            env("CALCOM_TAGS").as_deref(),
            env("CALCOM_OPERATIONS").as_deref(),
        ),
        overlays: sources.load()?,
        // Cargo tells build scripts the enabled features: the `mock` feature of calcom.
        mock: std::env::var_os("CARGO_FEATURE_MOCK").is_some(),
    };
    let output = generate_file(&spec, &options).map_err(|mut e| {
        if e.kind == ErrorKind::UnreadableInput && !spec.exists() {
            if let Some(hint) = spec_path.hint_when_missing() {
                e.reason = format!("{}\n{hint}", e.reason);
            }
        }
        e
    })?;
    for warning in overlay::unmatched_user_actions(&output.report.overlays, &spec) {
        println!("cargo:warning=calcom: {warning}");
    }
    for pass in &output.report.passes {
        for warning in &pass.warnings {
            println!(
                "cargo:warning=calcom: {} in {}: {} {}",
                pass.name,
                spec.display(),
                warning.pointer,
                warning.detail
            );
        }
    }
    for item in &output.report.skipped {
        println!(
            "cargo:warning=calcom: skipped {} in {}: {}",
            item.pointer,
            spec.display(),
            item.reason
        );
    }
    let write = |name: &str, contents: &str| {
        std::fs::write(out_dir.join(name), contents).map_err(|e| CodegenError {
            file: out_dir.join(name),
            pointer: String::new(),
            reason: format!("cannot write generated file: {e}"),
            kind: ErrorKind::Output,
        })
    };
    // Code that calls a generated method can be compiled only when the method exists:
    // `#[cfg(calcom_operation = "get_booking")]`.
    println!("cargo::rustc-check-cfg=cfg(calcom_operation, values(any()))");
    for record in &output.records {
        println!("cargo::rustc-cfg=calcom_operation=\"{}\"", record.name);
    }
    // Hand-written code that wraps generated types compiles only when they were generated
    // (a CALCOM_TAGS selection may leave them out).
    println!("cargo::rustc-check-cfg=cfg(calcom_service_account_key)");
    let generated_schema = |name: &str| {
        output
            .normalised
            .pointer("/components/schemas")
            .and_then(|s| s.get(name))
            .is_some()
    };
    if passes::named_unions::SERVICE_ACCOUNT_KEY_TYPES
        .iter()
        .all(|name| generated_schema(name))
    {
        println!("cargo::rustc-cfg=calcom_service_account_key");
    }
    write("calcom_client.rs", &output.client)?;
    write("calcom_operations.rs", &output.operations)?;
    write("calcom_schema_registry.rs", &output.registry)?;
    write("calcom_operation_registry.rs", &output.operation_registry)?;
    if let Some(mock) = &output.mock {
        write("calcom_mock.rs", mock)?;
    }
    write(
        "openapi.normalised.json",
        &serde_json::to_string_pretty(&output.normalised).unwrap_or_default(),
    )?;
    // What the Prism suite serves: the document as published, corrected, not normalised.
    write(
        "openapi.overlaid.json",
        &serde_json::to_string_pretty(&output.overlaid).unwrap_or_default(),
    )?;
    write("codegen-report.txt", &output.report.to_text(true))?;
    Ok(())
}
