//! Handing the normalised document to progenitor, safely, and formatting what it returns.
//!
//! progenitor and typify panic on some inputs. Every call into them runs under
//! `catch_unwind`, with the panic hook quiet for that thread only ([`Quiet`]); when the whole document fails, the failing
//! operations and schemas are found by bisection, left out, and reported as skipped, so
//! one unsupported corner never takes the whole client down.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe, PanicHookInfo};
use std::path::Path;
use std::sync::Once;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor_impl::{
    CrateVers, GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle,
};
use serde_json::{json, Value};

use calcom_spec::pointer::from_tokens as pointer;

use crate::emit::registry::{schema_types, SchemaType};
use crate::error::CodegenError;
use crate::report::Skipped;
use calcom_spec::HTTP_METHODS;

/// Extra derives and other knobs of the generated code.
#[derive(Debug, Clone, Default)]
pub struct GenerateOptions {
    /// Derive `schemars::JsonSchema` on every generated type.
    pub json_schema: bool,
    /// Generate only these operations (and the schemas they reach).
    pub selection: crate::select::Selection,
    /// Overlays applied, in order, to the document before anything else ([`crate::overlay`]).
    pub overlays: Vec<crate::overlay::Overlay>,
    /// Also generate the typed httpmock helpers (`mock.rs`).
    pub mock: bool,
}

/// The generated client and what was left out of it.
pub struct Generation {
    /// Tokens of the client (types, builders, `Client`).
    pub tokens: TokenStream,
    /// Operations and schemas that could not be generated.
    pub skipped: Vec<Skipped>,
    /// Number of component schemas that became free-form because they could not be generated.
    pub schemas_skipped: usize,
    /// The document as generated (after removing what was skipped).
    pub document: Value,
    /// The Rust type of every component schema, in document order.
    pub schema_types: Vec<SchemaType>,
}

fn settings(options: &GenerateOptions) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote::quote! { crate::client::ClientState })
        .with_crate("calcom", CrateVers::Any, None)
        .with_derive("PartialEq");
    if options.json_schema {
        settings.with_derive("schemars::JsonSchema");
    }
    settings
}

thread_local! {
    /// Whether this thread is inside a generator run, whose panics are caught and reported.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Installs the quiet hook once per process, over whatever hook is installed by then.
static QUIET_HOOK: Once = Once::new();

/// Puts over the current panic hook one that says nothing for a thread inside a generator
/// run ([`Quiet`]) and hands every other panic to the hook it replaced.
///
/// The hook is process-wide: swapping it for a silent one around each run, as before,
/// also silenced any other thread (a concurrent test, the build's other work) that
/// panicked meanwhile. The thread-local flag keeps the silence to the run's own thread.
pub(crate) fn install_quiet_hook_over_current() {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
        // `try_with`: a panic while the thread's locals are being destroyed still reports.
        if !QUIET.try_with(Cell::get).unwrap_or(false) {
            previous(info);
        }
    }));
}

/// Marks the current thread as inside a generator run until dropped, which also happens
/// when unwinding; restores what was there, so runs may nest.
struct Quiet {
    was: bool,
}

impl Quiet {
    fn enter() -> Self {
        QUIET_HOOK.call_once(install_quiet_hook_over_current);
        Self {
            was: QUIET.replace(true),
        }
    }
}

impl Drop for Quiet {
    fn drop(&mut self) {
        QUIET.set(self.was);
    }
}

/// Runs progenitor once; `Err` carries its error or panic message.
fn try_generate(doc: &Value, options: &GenerateOptions) -> Result<TokenStream, String> {
    try_generate_with_types(doc, options).map(|(tokens, _)| tokens)
}

/// [`try_generate`], also returning the Rust type of every component schema (`Err` when
/// typify's types do not line up with the components: our fault, not the document's, so
/// it is kept apart from the generator's own failures, which bisection isolates).
fn try_generate_with_types(
    doc: &Value,
    options: &GenerateOptions,
) -> Result<(TokenStream, Result<Vec<SchemaType>, String>), String> {
    let spec: OpenAPI = match serde_path_to_error::deserialize(doc) {
        Ok(spec) => spec,
        Err(e) => {
            return Err(format!(
                "at /{}: {}",
                e.path().to_string().replace('.', "/"),
                e.inner()
            ))
        }
    };
    generate_with_types(&spec, options)
}

/// [`try_generate_with_types`] for a document already deserialised.
fn generate_with_types(
    spec: &OpenAPI,
    options: &GenerateOptions,
) -> Result<(TokenStream, Result<Vec<SchemaType>, String>), String> {
    run_guarded(spec, options, |generator, spec| {
        let tokens = generator.generate_tokens(spec)?;
        Ok((tokens, schema_types(spec, generator)))
    })
}

/// Runs `f` on a fresh progenitor generator with our settings, under `catch_unwind` and
/// [`Quiet`]; `Err` carries its error or panic message.
pub(crate) fn run_guarded<T>(
    spec: &OpenAPI,
    options: &GenerateOptions,
    f: impl FnOnce(&mut Generator, &OpenAPI) -> Result<T, progenitor_impl::Error>,
) -> Result<T, String> {
    let settings = settings(options);
    let result = {
        let _quiet = Quiet::enter();
        panic::catch_unwind(AssertUnwindSafe(|| {
            let mut generator = Generator::new(&settings);
            f(&mut generator, spec)
        }))
    };
    match result {
        Ok(Ok(generated)) => Ok(generated),
        Ok(Err(e)) => Err(first_line(&e.to_string())),
        Err(payload) => Err(first_line(&panic_message(payload.as_ref()))),
    }
}

/// The first line of an error: progenitor appends whole debug dumps of the offending value.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim_end();
    line.trim_end_matches(['{', ' ']).to_string()
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    format!("generator panicked: {text}")
}

/// Checks that the normalised document deserialises as OpenAPI, pointing at the first
/// value that does not.
pub fn parse_openapi(file: &Path, doc: &Value) -> Result<OpenAPI, CodegenError> {
    serde_path_to_error::deserialize(doc).map_err(|e| {
        let ptr = locate_invalid(doc).unwrap_or_else(|| path_to_pointer(&e.path().to_string()));
        CodegenError::unreadable(file, ptr, format!("not valid OpenAPI 3.0: {}", e.inner()))
    })
}

/// openapiv3 flattens maps, which hides the path of a bad value from serde_path_to_error.
/// Deserialising each operation and each component schema on its own finds it.
fn locate_invalid(doc: &Value) -> Option<String> {
    fn deeper<T: serde::de::DeserializeOwned>(value: &Value, base: &str) -> Option<String> {
        let err = serde_path_to_error::deserialize::<_, T>(value).err()?;
        let inner = path_to_pointer(&err.path().to_string());
        Some(format!("{base}{inner}"))
    }
    // The innermost schema that does not parse, if a schema is the culprit.
    let mut failing: Vec<String> = Vec::new();
    let mut copy = doc.clone();
    crate::passes::for_each_schema(&mut copy, &mut |ptr, schema| {
        let value = Value::Object(schema.clone());
        if serde_json::from_value::<openapiv3::ReferenceOr<openapiv3::Schema>>(value).is_err() {
            failing.push(ptr.to_string());
        }
    });
    let innermost = failing.iter().find(|p| {
        !failing.iter().any(|q| {
            q.len() > p.len() && q.starts_with(p.as_str()) && q.as_bytes()[p.len()] == b'/'
        })
    });
    if let Some(found) = innermost {
        return Some(found.clone());
    }
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in HTTP_METHODS {
                if let Some(op) = item.get(method) {
                    let base = pointer(["paths", path.as_str(), method]);
                    if let Some(found) = deeper::<openapiv3::Operation>(op, &base) {
                        return Some(found);
                    }
                }
            }
        }
    }
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)?;
    schemas.iter().find_map(|(name, schema)| {
        let base = pointer(["components", "schemas", name.as_str()]);
        deeper::<openapiv3::ReferenceOr<openapiv3::Schema>>(schema, &base)
    })
}

/// `paths./v2/a.get.parameters[0]` (serde_path_to_error) → `/paths/~1v2~1a/get/parameters/0`.
fn path_to_pointer(path: &str) -> String {
    if path == "." {
        return String::new();
    }
    let mut segments = Vec::new();
    // Keys may contain dots (`/v2/a.json`): split on dots that follow a non-`/` segment
    // start is ambiguous, so keep it simple and faithful to serde_path_to_error's format.
    for part in path.split('.') {
        let mut rest = part;
        while let Some(open) = rest.find('[') {
            if open > 0 {
                segments.push(rest[..open].to_string());
            }
            let close = rest[open..].find(']').map_or(rest.len(), |c| open + c);
            segments.push(rest[open + 1..close].to_string());
            rest = rest.get(close + 1..).unwrap_or("");
        }
        if !rest.is_empty() {
            segments.push(rest.to_string());
        }
    }
    pointer(segments)
}

/// Generates the client from the normalised `doc`, leaving out what cannot be generated.
pub fn generate(
    file: &Path,
    doc: &Value,
    options: &GenerateOptions,
) -> Result<Generation, CodegenError> {
    // Deserialised once: the first attempt, which almost always succeeds, reuses it.
    let spec = parse_openapi(file, doc)?;
    let first_error = match generate_with_types(&spec, options) {
        Ok((tokens, schema_types)) => {
            return Ok(Generation {
                tokens,
                skipped: Vec::new(),
                schemas_skipped: 0,
                document: doc.clone(),
                schema_types: schema_types.map_err(|e| schema_types_error(file, e))?,
            })
        }
        Err(e) => e,
    };

    let mut document = doc.clone();
    let mut skipped = Vec::new();

    // Schemas first: every operation depends on them.
    let schema_names: Vec<String> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    let without_paths = |d: &Value| {
        let mut d = d.clone();
        d["paths"] = json!({});
        d
    };
    if try_generate(&without_paths(&document), options).is_err() {
        let bad = bisect(&schema_names, &mut |subset| {
            let mut d = without_paths(&document);
            for name in subset {
                free_form_schema(&mut d, name);
            }
            try_generate(&d, options).is_ok()
        });
        for name in &bad {
            let mut single = without_paths(&document);
            for other in schema_names.iter().filter(|n| *n != name) {
                free_form_schema(&mut single, other);
            }
            let reason = try_generate(&single, options)
                .err()
                .unwrap_or_else(|| "fails only together with other schemas".into());
            free_form_schema(&mut document, name);
            skipped.push(Skipped {
                pointer: pointer(["components", "schemas", name]),
                reason: format!("{reason}; typed as a free-form JSON value"),
            });
        }
        if let Err(e) = try_generate(&without_paths(&document), options) {
            return Err(CodegenError::unsupported(file, "/components/schemas", e));
        }
    }
    let schemas_skipped = skipped.len();

    let operations = operation_keys(&document);
    if try_generate(&document, options).is_err() {
        let bad = bisect(&operations, &mut |subset| {
            let mut d = document.clone();
            for key in subset {
                remove_operation(&mut d, key);
            }
            try_generate(&d, options).is_ok()
        });
        for key in &bad {
            let mut single = document.clone();
            for other in operations.iter().filter(|k| *k != key) {
                remove_operation(&mut single, other);
            }
            let reason = try_generate(&single, options)
                .err()
                .unwrap_or_else(|| "fails only together with other operations".into());
            remove_operation(&mut document, key);
            skipped.push(Skipped {
                pointer: pointer(["paths", key.0.as_str(), key.1.as_str()]),
                reason,
            });
        }
    }
    match try_generate_with_types(&document, options) {
        Ok((tokens, schema_types)) => Ok(Generation {
            tokens,
            skipped,
            schemas_skipped,
            document,
            schema_types: schema_types.map_err(|e| schema_types_error(file, e))?,
        }),
        Err(e) => Err(CodegenError::unsupported(
            file,
            "",
            format!("generation failed ({first_error}), and still fails after leaving out what could be isolated: {e}"),
        )),
    }
}

fn schema_types_error(file: &Path, reason: String) -> CodegenError {
    CodegenError::unsupported(file, "/components/schemas", reason)
}

/// The smallest set of `items` whose removal makes `ok_without` pass, found by halving.
/// `ok_without(subset)` must report whether generation succeeds with `subset` removed.
fn bisect<T: Clone>(items: &[T], ok_without: &mut dyn FnMut(&[T]) -> bool) -> Vec<T> {
    if !ok_without(items) {
        // Removing everything does not help: the fault is elsewhere.
        return Vec::new();
    }
    let mut culprits = Vec::new();
    let mut removed: Vec<T> = Vec::new();
    find_culprits(items, &mut removed, &mut culprits, ok_without);
    culprits
}

/// Finds culprits among `candidates`, with `removed` already taken out.
fn find_culprits<T: Clone>(
    candidates: &[T],
    removed: &mut Vec<T>,
    culprits: &mut Vec<T>,
    ok_without: &mut dyn FnMut(&[T]) -> bool,
) {
    if candidates.is_empty() {
        return;
    }
    let with_culprits_removed: Vec<T> = removed.iter().chain(culprits.iter()).cloned().collect();
    if ok_without(&with_culprits_removed) {
        return;
    }
    if candidates.len() == 1 {
        culprits.push(candidates[0].clone());
        return;
    }
    let (left, right) = candidates.split_at(candidates.len() / 2);
    // Look for culprits in the left half with the right half removed, then in the right.
    let mark = removed.len();
    removed.extend_from_slice(right);
    find_culprits(left, removed, culprits, ok_without);
    removed.truncate(mark);
    find_culprits(right, removed, culprits, ok_without);
}

fn operation_keys(doc: &Value) -> Vec<(String, String)> {
    let mut keys = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for m in HTTP_METHODS {
                if item.get(m).is_some() {
                    keys.push((path.clone(), m.to_string()));
                }
            }
        }
    }
    keys
}

fn remove_operation(doc: &mut Value, key: &(String, String)) {
    if let Some(item) = doc
        .get_mut("paths")
        .and_then(|p| p.get_mut(&key.0))
        .and_then(Value::as_object_mut)
    {
        item.remove(&key.1);
    }
}

fn free_form_schema(doc: &mut Value, name: &str) {
    if let Some(schema) = doc
        .pointer_mut("/components/schemas")
        .and_then(|s| s.get_mut(name))
    {
        *schema = json!({});
    }
}

/// Formats generated tokens as Rust source.
pub fn format(file: &Path, tokens: TokenStream) -> Result<String, CodegenError> {
    Ok(prettyplease::unparse(&parse(file, tokens)?))
}

/// Parses generated tokens, so that they can be both read ([`crate::operation_registry`])
/// and formatted without parsing twice.
pub fn parse(file: &Path, tokens: TokenStream) -> Result<syn::File, CodegenError> {
    syn::parse2(tokens).map_err(|e| {
        CodegenError::unsupported(file, "", format!("generated code does not parse: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bisect_finds_every_culprit() {
        let items: Vec<u32> = (0..20).collect();
        let bad = [3u32, 11, 17];
        let mut calls = 0;
        let found = bisect(&items, &mut |removed| {
            calls += 1;
            bad.iter().all(|b| removed.contains(b))
        });
        assert_eq!(found, bad);
        assert!(calls < 40, "bisection used {calls} runs");
        assert!(bisect(&items, &mut |_| true).is_empty());
    }

    /// The message of a panic, as the hook sees it.
    fn hook_message(info: &PanicHookInfo<'_>) -> String {
        let payload = info.payload();
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default()
    }

    #[test]
    fn quiet_runs_silence_only_their_own_thread() {
        use std::sync::{Arc, Barrier, Mutex};

        static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());
        // The process-wide hook first, so that it is not put over the test's hooks later.
        drop(Quiet::enter());
        // The "previous" hook records what reaches it, then passes it on as before.
        let original: Arc<dyn Fn(&PanicHookInfo<'_>) + Send + Sync> = Arc::from(panic::take_hook());
        let passed_on = Arc::clone(&original);
        panic::set_hook(Box::new(move |info| {
            SEEN.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(hook_message(info));
            passed_on(info);
        }));
        install_quiet_hook_over_current();

        // The quiet thread is inside its run while the loud thread panics.
        let entered = Arc::new(Barrier::new(2));
        let loud_done = Arc::new(Barrier::new(2));
        let quiet = {
            let (entered, loud_done) = (Arc::clone(&entered), Arc::clone(&loud_done));
            std::thread::spawn(move || {
                let _quiet = Quiet::enter();
                entered.wait();
                loud_done.wait();
                panic::catch_unwind(|| panic!("quiet-7f3a: inside a generator run")).is_err()
            })
        };
        let loud = std::thread::spawn(move || {
            entered.wait();
            let caught = panic::catch_unwind(|| panic!("loud-7f3a: another thread")).is_err();
            loud_done.wait();
            caught
        });
        let caught = (quiet.join(), loud.join());
        // Back to the hooks as they were (the process-wide quiet hook included).
        panic::set_hook(Box::new(move |info| original(info)));

        assert!(matches!(caught, (Ok(true), Ok(true))), "{caught:?}");
        let seen: Vec<String> = SEEN
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|m| m.contains("7f3a"))
            .cloned()
            .collect();
        assert_eq!(seen, ["loud-7f3a: another thread"]);
    }

    #[test]
    fn converts_serde_paths_to_pointers() {
        assert_eq!(
            path_to_pointer("paths./v2/a.get.parameters[0].in"),
            "/paths/~1v2~1a/get/parameters/0/in"
        );
        assert_eq!(path_to_pointer("."), "");
    }
}
