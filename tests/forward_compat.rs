//! Forward compatibility: does a client generated from an older document decode what a
//! newer document says Cal.com sends?
//!
//! The client under test is built from `CALCOM_OPENAPI_SPEC` (the older document);
//! `CALCOM_COMPAT_NEWER` names a newer one. For every operation in both (same method and
//! path template, path-parameter names ignored), the newer document's success answers are
//! synthesised (minimal, maximal, one per enum value and `oneOf`/`anyOf` branch, nulls: the
//! round-trip synthesiser, on the newer document with the overlays the client was built with,
//! normalised by the generator's own passes)
//! and decoded into the older client's answer type. Every answer is compared with the older
//! schema ([`compat::Classifier`]): each place it departs from it is attributed to the
//! change in the newer document, *additive* (new enum value, union branch, property) or
//! *breaking* (property removed or no longer required, type changed, became nullable).
//!
//! A failure is classified by the departures at its JSON path. A breaking failure is
//! *explained* when the drift checker (`calcom_drift::compare`) reports a breaking change
//! for that operation; any other failure that is not additive is *unexplained*. The suite
//! fails when a failure is unexplained, or when an answer whose only departures are
//! additive does not decode. The last three lines it prints are the figures.
//!
//! ```text
//! CALCOM_OPENAPI_SPEC=../shared/calcom-openapi/2025-07-10_e6c36af3.json \
//! CALCOM_COMPAT_NEWER=../shared/calcom-openapi/2025-07-11_94a537bf.json \
//!     CARGO_TARGET_DIR=target-full cargo test --test forward_compat -- --nocapture
//! ```
//!
//! A binary of its own, not a module of `tests/it`: it is built from older documents, where
//! the other suites' types (written against the vendored or the full document) do not exist.

/// The document-independent part of `tests/support`: its root also holds helpers for the
/// vendored operation, which an older document may not have. Shared with `tests/it`, so not
/// every helper is used here.
#[allow(dead_code, unused_imports)]
mod support {
    pub mod compat;
    pub mod doc;
    pub mod stack;
    pub mod synth;
}

use support::compat;

use std::collections::HashMap;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;

use compat::{Class, Classifier, Seg};
use support::doc::{normalised, Doc};

include!(concat!(env!("OUT_DIR"), "/calcom_operation_registry.rs"));

/// Decodes an answer body into the client's type; on failure, the JSON path and reason.
type Decoder = fn(&[u8]) -> Result<(), (Vec<Seg>, String)>;

fn decode_as<T: DeserializeOwned>(body: &[u8]) -> Result<(), (Vec<Seg>, String)> {
    let mut de = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => {
            drop(value);
            Ok(())
        }
        Err(e) => {
            let path = e
                .path()
                .iter()
                .filter_map(|s| match s {
                    serde_path_to_error::Segment::Seq { index } => Some(Seg::Index(*index)),
                    serde_path_to_error::Segment::Map { key } => Some(Seg::Key(key.clone())),
                    _ => None,
                })
                .collect();
            Err((path, e.into_inner().to_string()))
        }
    }
}

/// One generated operation of the older client.
struct Operation {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    decode: Option<Decoder>,
}

fn operations() -> Vec<Operation> {
    let mut decoders: HashMap<&'static str, Decoder> = HashMap::new();
    macro_rules! response {
        ($op:ident, $ty:ty) => {
            decoders.insert(stringify!($op), decode_as::<$ty> as Decoder);
        };
    }
    calcom_for_each_response!(response);
    let mut out = Vec::new();
    macro_rules! operation {
        ($op:ident, $method:literal, $path:literal, [$($params:tt)*], [$($body:tt)*]) => {
            out.push(Operation {
                name: stringify!($op),
                method: $method,
                path: $path,
                decode: decoders.get(stringify!($op)).copied(),
            });
        };
    }
    calcom_for_each_operation!(operation);
    out
}

/// Method and path template with the parameter names removed (the drift checker's
/// path shape, so both match operations the same way).
fn key(method: &str, path: &str) -> String {
    format!(
        "{} {}",
        method.to_ascii_uppercase(),
        calcom_drift::model::path_shape(path)
    )
}

/// The operations of a document by [`key`]: (path as written, operation).
fn operations_by_key(doc: &Value) -> HashMap<String, (String, &Value)> {
    let mut out = HashMap::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
            if let Some(op) = item.get(method) {
                out.insert(key(method, path), (path.clone(), op));
            }
        }
    }
    out
}

/// The JSON schema of each success answer of an operation: (status, schema).
fn success_answers(op: &Value) -> Vec<(String, Value)> {
    op.get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(status, _)| status.starts_with('2'))
        .filter_map(|(status, response)| {
            let schema = response.pointer("/content/application~1json/schema")?;
            Some((status.clone(), schema.clone()))
        })
        .collect()
}

fn load_normalised(path: &Path) -> Value {
    let mut doc = load_overlaid(path, "CALCOM_COMPAT_NEWER");
    calcom_codegen::normalise(&mut doc);
    doc
}

/// A document with the overlays the client under test was built with (the repository's,
/// then `CALCOM_OPENAPI_OVERLAYS`), so that the older and the newer document are compared
/// as the client sees them: a correction of ours is not a change Cal.com made.
fn load_overlaid(path: &Path, what: &str) -> Value {
    use calcom_codegen::overlay;
    let mut doc = calcom_codegen::load(path).unwrap_or_else(|e| panic!("{what}: {e}"));
    let user = option_env!("CALCOM_OPENAPI_OVERLAYS").unwrap_or("");
    let sources = overlay::OverlaySources::repository_and(overlay::user_files(
        user,
        Path::new(env!("CARGO_MANIFEST_DIR")),
    ));
    let overlays = sources
        .load()
        .unwrap_or_else(|e| panic!("the overlays: {e}"));
    overlay::apply(&mut doc, &overlays);
    doc
}

/// One answer that did not decode.
struct Failure {
    operation: &'static str,
    answer: String,
    path: String,
    class: Class,
    explained: bool,
    cause: String,
}

#[derive(Default)]
struct Figures {
    operations: usize,
    answers: usize,
    decoded: usize,
    additive: usize,
    additive_decoded: usize,
    breaking_failures: usize,
    unexplained: usize,
    failures: Vec<Failure>,
    notes: Vec<String>,
}

fn measure(old: &Doc, new: &Doc, old_raw: &Value, new_raw: &Value) -> Figures {
    let drift = calcom_drift::compare(old_raw, new_raw);
    let broken: Vec<&str> = drift
        .changes
        .iter()
        .filter(|c| c.severity == calcom_drift::Severity::Breaking)
        .flat_map(|c| {
            c.operation
                .iter()
                .map(String::as_str)
                .chain(c.affected_operations.iter().map(String::as_str))
        })
        .collect();
    let new_ops = operations_by_key(new.root());
    let classifier = Classifier { old, new };
    let mut figures = Figures::default();
    for op in operations() {
        let Some((new_path, new_op)) = new_ops.get(&key(op.method, op.path)) else {
            continue;
        };
        let Some(old_op) = old.operation(op.path, op.method) else {
            figures
                .notes
                .push(format!("{}: not in the older document", op.name));
            continue;
        };
        let old_answers = success_answers(old_op);
        let new_answers = success_answers(new_op);
        if new_answers.is_empty() {
            continue;
        }
        let Some(decode) = op.decode else {
            figures.notes.push(format!(
                "{}: the older client does not decode its answer (no JSON type)",
                op.name
            ));
            continue;
        };
        figures.operations += 1;
        let explained = broken.iter().any(|b| {
            *b == format!("{} {}", op.method, op.path) || *b == format!("{} {new_path}", op.method)
        });
        for (status, new_schema) in &new_answers {
            let old_schema = old_answers
                .iter()
                .find(|(s, _)| s == status)
                .map(|(_, s)| s.clone());
            for (label, instance) in support::synth::instances(new, new_schema) {
                if label.contains("recurses without end") {
                    figures.notes.push(format!(
                        "{} {status} {label}: no finite instance, not counted",
                        op.name
                    ));
                    continue;
                }
                figures.answers += 1;
                let answer = format!("{status} {label}");
                let Some(old_schema) = &old_schema else {
                    // The older client does not accept this status as a success at all.
                    figures.breaking_failures += 1;
                    figures.unexplained += usize::from(!explained);
                    figures.failures.push(Failure {
                        operation: op.name,
                        answer,
                        path: ".".into(),
                        class: Class::Breaking,
                        explained,
                        cause: format!("success status {status} is new"),
                    });
                    continue;
                };
                let causes = classifier.causes(old_schema, new_schema, &instance);
                let only_additive =
                    !causes.is_empty() && causes.iter().all(|c| c.class == Class::Additive);
                let body = serde_json::to_vec(&instance).expect("JSON");
                let result = decode(&body);
                if only_additive {
                    figures.additive += 1;
                    figures.additive_decoded += usize::from(result.is_ok());
                }
                let Err((path, reason)) = result else {
                    figures.decoded += 1;
                    continue;
                };
                let here: Vec<&compat::Cause> = causes
                    .iter()
                    .filter(|c| compat::overlaps(&c.path, &path))
                    .collect();
                let class = here
                    .iter()
                    .map(|c| c.class)
                    .filter(|c| *c != Class::Additive)
                    .max()
                    .unwrap_or(if here.is_empty() {
                        Class::Unattributed
                    } else {
                        Class::Additive
                    });
                let mut cause: Vec<String> = here
                    .iter()
                    .map(|c| format!("{} at {}", c.change, compat::display(&c.path)))
                    .collect();
                if cause.is_empty() {
                    cause.push(format!("no change of the newer document here: {reason}"));
                } else {
                    cause.push(format!("decoder: {reason}"));
                }
                let is_explained = match class {
                    Class::Breaking => explained,
                    Class::Additive => true,
                    Class::Unattributed => false,
                };
                if class == Class::Breaking {
                    figures.breaking_failures += 1;
                }
                figures.unexplained += usize::from(!is_explained);
                figures.failures.push(Failure {
                    operation: op.name,
                    answer,
                    path: compat::display(&path),
                    class,
                    explained: is_explained,
                    cause: cause.join("; "),
                });
            }
        }
    }
    figures
}

#[test]
fn older_client_decodes_newer_answers() {
    let Some(newer) = std::env::var_os("CALCOM_COMPAT_NEWER").filter(|v| !v.is_empty()) else {
        eprintln!(
            "skipped: set CALCOM_COMPAT_NEWER to a newer Cal.com document (the client under \
             test is built from CALCOM_OPENAPI_SPEC, the older one); .ci/run does it for the \
             shared drift pairs"
        );
        return;
    };
    let newer = Path::new(env!("CARGO_MANIFEST_DIR")).join(newer);
    if !newer.is_file() {
        panic!("CALCOM_COMPAT_NEWER: {} is not a file", newer.display());
    }
    support::stack::with_big_stack(move || {
        let old = normalised();
        let new = Doc::from_value(load_normalised(&newer));
        let old_raw = load_overlaid(Path::new(CALCOM_SOURCE_DOCUMENT), "the older document");
        let new_raw = load_overlaid(&newer, "CALCOM_COMPAT_NEWER");
        let figures = measure(&old, &new, &old_raw, &new_raw);
        println!(
            "older: {CALCOM_SOURCE_DOCUMENT}\nnewer: {}",
            newer.display()
        );
        for note in &figures.notes {
            println!("note: {note}");
        }
        for f in &figures.failures {
            println!(
                "FAIL {} [{}] at {}: {}{} — {}",
                f.operation,
                f.answer,
                f.path,
                f.class.label(),
                match (f.class, f.explained) {
                    (Class::Breaking, true) => " (drift reports a breaking change)",
                    (Class::Breaking, false) => " (UNEXPLAINED: drift reports no breaking change)",
                    (Class::Unattributed, _) => " (UNEXPLAINED)",
                    _ => "",
                },
                f.cause
            );
        }
        println!("breaking failures: {}", figures.breaking_failures);
        println!(
            "forward compatibility: {}/{} answers decode ({} operations)",
            figures.decoded, figures.answers, figures.operations
        );
        println!(
            "additive changes: {}/{} answers decode",
            figures.additive_decoded, figures.additive
        );
        println!("unexplained failures: {}", figures.unexplained);
        assert_eq!(figures.unexplained, 0, "unexplained failures");
        let additive_failures = figures
            .failures
            .iter()
            .filter(|f| f.class == Class::Additive)
            .count();
        assert_eq!(
            additive_failures, 0,
            "failures caused by an additive change"
        );
        assert_eq!(
            figures.additive_decoded, figures.additive,
            "answers with only additive changes that do not decode"
        );
    });
}

#[test]
fn keys_ignore_path_parameter_names() {
    assert_eq!(
        key("get", "/v2/teams/{teamId}/users/{id}"),
        key("GET", "/v2/teams/{team_id}/users/{userId}")
    );
    assert_ne!(key("get", "/v2/teams/{id}"), key("post", "/v2/teams/{id}"));
}
