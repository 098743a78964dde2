//! Every generated operation against Prism.
//!
//! Prism (`@stoplight/prism-cli`, installed by `scripts/install-prism.sh`) serves a mock of
//! the *original* document the client was generated from, with the repository's overlays
//! applied (`openapi/overlays/`: the corrections of what Cal.com documents wrongly) but
//! before normalisation, and
//! rejects any request that does not conform to it (422). It answers with the document's
//! examples, or values it derives from the schemas.
//!
//! Every operation is called through the generated client with the minimal request
//! (required parameters, minimal body) and the maximal one (every parameter, every body
//! property), values synthesised from the normalised schemas, and the client's configured
//! auth. Where Prism rejects the first `oneOf` branch or enum value, the next is tried. An
//! operation passes when Prism accepts both requests (2xx) and both answers decode into
//! the generated type.
//!
//! A failure is excused only with a reason, and mostly only when Prism confirms it:
//! - a rejected request that Prism on the *relaxed* document (the normalised one with every
//!   `oneOf` read as `anyOf`) accepts: the document rejects it for a normalisation the
//!   generator reports, or for overlapping `oneOf` branches; the report names the constraint
//!   (kinds listed in `support/deviations.rs`);
//! - an answer that does not decode and that Prism started with `--errors` refuses to send:
//!   the document's example violates the document's schema;
//! - the generator's `CALCOM_OPERATION_DEFECTS` and this file's [`KNOWN_FAILURES`].
//!
//! `prism/controls.rs` tests the tests: the suite's judgement must fail deliberately broken
//! request and answer types. `CALCOM_PRISM_DEBUG=<method name>` prints every request of one
//! operation with Prism's violations.
//!
//! The vendored document runs in the README's test command (Prism is installed with
//! `scripts/install-prism.sh` when missing and npm is there; otherwise the suite is skipped
//! with the reason, except in CI); `.ci/run` runs the full document:
//! `CALCOM_OPENAPI_SPEC=../shared/calcom-openapi/2025-09-26_6c9ac763.json
//! CARGO_TARGET_DIR=target-full cargo test --test it -- prism:: --nocapture`.

use crate::support;

use std::collections::HashMap;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;

use calcom::{Client, Error, ResponseValue};
use serde::de::DeserializeOwned;
use serde_json::Value;

use support::deviations::prism as defects;
use support::doc::{normalised, Doc};
use support::prism::{Prism, Violation};
use support::report::Suite;
use support::synth::{Source, Synth};

#[path = "prism/controls.rs"]
mod controls;

include!(concat!(env!("OUT_DIR"), "/calcom_operation_registry.rs"));

/// Operations that fail for a reason neither Prism nor the generator can confirm, with
/// the reason. A listed operation that passes fails the suite (the list cannot go stale).
/// (`get_reserved_slot`, whose answer required itself, was one until the repository's
/// overlays gave its data a schema of its own.)
const KNOWN_FAILURES: &[(&str, &str)] = &[];

/// The values of one request: parameters by (location, name), and the JSON body.
#[derive(Debug, Default, Clone)]
struct Request {
    /// The operation's method name, HTTP method and path template.
    operation: &'static str,
    method: &'static str,
    path: &'static str,
    params: HashMap<(&'static str, &'static str), Value>,
    body: Option<Value>,
}

/// Why a call did not end with a decoded answer.
#[derive(Debug)]
enum Failure {
    /// A synthesised value does not convert to the setter's type: a synthesiser fault.
    Convert(String),
    /// What `send()` returned.
    Client(Error),
}

type Call =
    for<'a> fn(&'a Client, &'a Request) -> Pin<Box<dyn Future<Output = Result<(), Failure>> + 'a>>;

/// One operation of the registry.
#[derive(Clone)]
struct Operation {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    /// (location, name, required)
    params: Vec<(&'static str, &'static str, bool)>,
    body: bool,
    call: Call,
}

/// A value converted into the type the builder setter takes.
fn typed<T: DeserializeOwned>(value: &Value, what: &str) -> Result<T, Failure> {
    serde_json::from_value(value.clone()).map_err(|e| {
        Failure::Convert(format!(
            "synthesised {what} {value} does not convert to its Rust type: {e}"
        ))
    })
}

/// The outcome of `send()`: accepted and decoded, or why not.
fn settle<T, E>(result: Result<ResponseValue<T>, E>) -> Result<(), Failure>
where
    Error: From<E>,
{
    result
        .map(drop)
        .map_err(|e| Failure::Client(Error::from(e)))
}

impl Failure {
    /// Prism's violations, when Prism answered with its problem document.
    fn violations(&self) -> Vec<Violation> {
        match self {
            Failure::Client(Error::Api(api)) => support::prism::violations(&api.body),
            _ => Vec::new(),
        }
    }

    /// Prism refused a request (4xx).
    fn is_rejected_request(&self) -> bool {
        matches!(self, Failure::Client(Error::Api(api)) if api.status.is_client_error())
    }

    /// Prism refused to send its answer because the answer violates the document.
    fn is_answer_violation(&self) -> bool {
        matches!(self, Failure::Client(Error::Api(api)) if api.status.as_u16() == 500)
            && self
                .violations()
                .iter()
                .any(|v| v.location.first().map(String::as_str) == Some("response"))
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Convert(text) => f.write_str(text),
            Failure::Client(Error::Api(api)) => {
                let violations = self.violations();
                if violations.is_empty() {
                    let body = api.body_text().unwrap_or("<binary>");
                    write!(f, "{} {}", api.status, shorten(body, 400))
                } else {
                    let list: Vec<String> = violations
                        .iter()
                        .take(4)
                        .map(|v| format!("{} [{}]: {}", v.location.join("."), v.code, v.message))
                        .collect();
                    write!(f, "{}: {}", api.status, list.join("; "))
                }
            }
            Failure::Client(Error::Decode { body, path, source }) => write!(
                f,
                "answer does not decode at {path} ({source}): {}",
                shorten(&String::from_utf8_lossy(body), 400)
            ),
            Failure::Client(other) => write!(f, "{other}"),
        }
    }
}

fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// Every generated operation, with a function that calls it through the client.
fn registry() -> Vec<Operation> {
    let mut operations = Vec::new();
    macro_rules! operation {
        ($op:ident, $method:literal, $path:literal,
         [$(($loc:ident, $name:literal, $setter:ident, $ty:ty, $required:literal)),*],
         [$(($body:ty, $body_required:literal))?]) => {{
            fn call<'a>(
                client: &'a Client,
                request: &'a Request,
            ) -> Pin<Box<dyn Future<Output = Result<(), Failure>> + 'a>> {
                Box::pin(async move {
                    let _ = request; // unused by operations without parameters or body
                    #[allow(unused_mut)]
                    let mut builder = client.$op();
                    $(
                        if let Some(v) = request.params.get(&(stringify!($loc), $name)) {
                            builder = builder.$setter(typed::<$ty>(v, concat!("parameter ", $name))?);
                        }
                    )*
                    $(
                        if let Some(v) = &request.body {
                            builder = builder.body(typed::<$body>(v, "body")?);
                        }
                    )?
                    settle(builder.send().await)
                })
            }
            operations.push(Operation {
                name: stringify!($op),
                method: $method,
                path: $path,
                params: vec![$((stringify!($loc), $name, $required)),*],
                body: !<[&str]>::is_empty(&[$(stringify!($body))?]),
                call,
            });
        }};
    }
    calcom_for_each_operation!(operation);
    operations
}

/// The synthesiser's choices for a request: minimal or maximal, and which `oneOf` branch
/// or enum value. Scalars are always the simplest valid value.
#[derive(Debug, Clone, Copy)]
struct Plan {
    maximal: bool,
    pick: usize,
}

impl Plan {
    fn label(&self) -> String {
        let kind = if self.maximal { "maximal" } else { "minimal" };
        format!("{kind} request")
    }
}

impl Source for Plan {
    fn pick(&mut self, n: usize) -> usize {
        self.pick % n
    }
    fn optional(&mut self) -> bool {
        self.maximal
    }
    fn null(&mut self) -> bool {
        false
    }
    fn len(&mut self) -> usize {
        usize::from(self.maximal)
    }
    fn number(&mut self) -> u32 {
        0
    }
}

/// The first minimal request.
const MINIMAL: Plan = Plan {
    maximal: false,
    pick: 0,
};

/// Branches tried per request before Prism's rejection stands.
const MAX_PICKS: usize = 4;

/// The request for `operation` under `plan`, synthesised from the normalised document,
/// and the largest number of alternatives met at one choice.
fn synthesise(doc: &Doc, operation: &Operation, plan: Plan) -> Result<(Request, usize), String> {
    let op = doc
        .operation(operation.path, operation.method)
        .ok_or_else(|| {
            format!(
                "{} {} is not in the document",
                operation.method, operation.path
            )
        })?;
    let declared = op.get("parameters").and_then(Value::as_array);
    let mut request = Request {
        operation: operation.name,
        method: operation.method,
        path: operation.path,
        ..Request::default()
    };
    let mut choices = 1;
    for &(location, name, required) in &operation.params {
        if !required && !plan.maximal {
            continue;
        }
        let schema = declared
            .into_iter()
            .flatten()
            .find(|p| p["in"] == location && p["name"] == name)
            .and_then(|p| p.get("schema"))
            .ok_or_else(|| format!("{location} parameter `{name}` has no schema"))?;
        let mut synth = Synth::new(doc, plan);
        request
            .params
            .insert((location, name), synth.instance(schema));
        choices = choices.max(synth.max_choices);
    }
    if operation.body {
        let schema = op
            .pointer("/requestBody/content/application~1json/schema")
            .ok_or("the request body has no application/json schema")?;
        let mut synth = Synth::new(doc, plan);
        request.body = Some(synth.instance(schema));
        choices = choices.max(synth.max_choices);
    }
    Ok((request, choices))
}

/// The value of the request body at a Prism location (`["body", "a", "0"]`).
fn body_value<'a>(request: &'a Request, location: &[String]) -> Option<&'a Value> {
    let (first, rest) = location.split_first()?;
    if first != "body" {
        return None;
    }
    rest.iter()
        .try_fold(request.body.as_ref()?, |v, key| match v {
            Value::Array(items) => items.get(key.parse::<usize>().ok()?),
            Value::Object(map) => map.get(key),
            _ => None,
        })
}

/// What in the original document makes it reject a request the relaxed one accepts: the
/// listed unsatisfiable constraints Prism's violations show, overlapping oneOf branches,
/// else the violations themselves.
fn describe_rejection(request: &Request, violations: &[Violation]) -> String {
    let mut reasons: Vec<String> = Vec::new();
    for v in violations {
        if v.message.contains(defects::ONE_OF) {
            let overlap = format!("oneof-overlap: {}", defects::ONE_OF_OVERLAP);
            if !reasons.contains(&overlap) {
                reasons.push(overlap);
            }
            continue;
        }
        let defect = defects::DEFECTS.iter().find(|d| {
            d.code == v.code
                && v.message.contains(d.message)
                && (!d.value_is_array
                    || body_value(request, &v.location).is_some_and(Value::is_array))
        });
        let reason = match defect {
            Some(d) => format!("{}: {}", d.id, d.reason),
            None => format!("{}: {}", v.location.join("."), v.message),
        };
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    format!("{} ({})", defects::RELAXED_ACCEPTS, reasons.join("; "))
}

/// The three servers, and a client for each.
struct Servers {
    /// Prism on the original document: the suite's server.
    plain: Client,
    /// The same, refusing to send an answer that violates the document (`--errors`):
    /// asked only to explain an answer of the plain server that does not decode.
    validating: Client,
    /// Prism on the relaxed document (`support::prism::write_relaxed`): asked only to
    /// explain a rejected request.
    relaxed: Client,
}

/// What one request kind (minimal or maximal) of one operation came to.
#[derive(Debug)]
enum Outcome {
    Passed,
    Excused(String, String),
    Failed(String),
}

async fn exercise(servers: &Servers, doc: &Doc, operation: &Operation, maximal: bool) -> Outcome {
    let mut rejection = None;
    let mut excuse = None;
    for pick in 0..MAX_PICKS {
        let plan = Plan { maximal, pick };
        let (request, choices) = match synthesise(doc, operation, plan) {
            Ok(r) => r,
            Err(e) => return Outcome::Failed(e),
        };
        let failure = match (operation.call)(&servers.plain, &request).await {
            Ok(()) => return Outcome::Passed,
            Err(f) => f,
        };
        let debug = std::env::var("CALCOM_PRISM_DEBUG").is_ok_and(|op| op == operation.name);
        if debug {
            println!(
                "debug {} pick {pick}: {}\n  violations: {:#?}",
                plan.label(),
                serde_json::to_string(&request.body).unwrap_or_default(),
                failure.violations()
            );
        }
        if !failure.is_rejected_request() {
            // Accepted, but the answer did not decode: excused only when Prism itself finds
            // that the answer (the document's example) violates the document.
            let check = (operation.call)(&servers.validating, &request).await;
            if debug {
                println!("debug validating: {check:?}");
            }
            return match check {
                Err(check) if check.is_answer_violation() => Outcome::Excused(
                    defects::EXAMPLE_VIOLATES_SCHEMA.to_string(),
                    format!("{failure}; Prism --errors: {check}"),
                ),
                _ => Outcome::Failed(failure.to_string()),
            };
        }
        if excuse.is_none() {
            // Rejected: excused when the relaxed document accepts the same request (its
            // answer is judged on the requests the original accepts).
            let check = (operation.call)(&servers.relaxed, &request).await;
            if debug {
                println!(
                    "debug relaxed: {:#?}",
                    check.as_ref().map_err(Failure::violations)
                );
            }
            if check
                .as_ref()
                .err()
                .is_none_or(|f| !f.is_rejected_request())
            {
                excuse = Some(describe_rejection(&request, &failure.violations()));
            }
        }
        rejection = Some(failure);
        if pick + 1 >= choices {
            break;
        }
    }
    match (rejection, excuse) {
        (Some(failure), Some(reason)) => Outcome::Excused(reason, failure.to_string()),
        (Some(failure), None) => Outcome::Failed(failure.to_string()),
        (None, _) => Outcome::Failed("no request was tried".into()),
    }
}

/// The result of the whole run: the suite and the excuses found.
struct Run {
    suite: Suite,
    excused: Vec<(String, String)>,
}

/// Calls every operation with both request kinds.
async fn run(servers: &Servers, doc: &Doc, operations: &[Operation]) -> Run {
    let mut out = Run {
        suite: Suite {
            name: "prism",
            unit: "operations accepted and decoded",
            total: operations.len(),
            passed: Vec::new(),
            failed: Vec::new(),
            applied: Vec::new(),
        },
        excused: Vec::new(),
    };
    for operation in operations {
        let mut failures = Vec::new();
        let mut reasons: Vec<String> = Vec::new();
        let mut unexcused = false;
        for maximal in [false, true] {
            let label = Plan { maximal, pick: 0 }.label();
            match exercise(servers, doc, operation, maximal).await {
                Outcome::Passed => {}
                Outcome::Excused(why, text) => {
                    reasons.push(why);
                    failures.push(format!("{label}: {text}"));
                }
                Outcome::Failed(text) => {
                    unexcused = true;
                    failures.push(format!("{label}: {text}"));
                }
            }
        }
        if failures.is_empty() {
            out.suite.passed.push(operation.name.to_string());
            continue;
        }
        if !unexcused {
            reasons.sort_unstable();
            reasons.dedup();
            out.excused
                .push((operation.name.to_string(), reasons.join("; ")));
        }
        out.suite
            .failed
            .push((operation.name.to_string(), failures));
    }
    out
}

/// A client that sends every credential the document's operations may ask for.
fn client(base_url: &str) -> Client {
    Client::builder()
        .api_key("cal_test_prism_suite")
        .platform_client("prism-client-id", "prism-secret-key")
        .base_url(base_url)
        .max_retries(0)
        .build()
        .expect("a valid client configuration")
}

/// Starts the three Prism servers (plain and validating on the original document, plain on
/// the relaxed one made from `doc`), or says why the suite cannot run.
fn start_prisms(doc: &Doc) -> Option<[Prism; 3]> {
    let command = match support::prism::installed() {
        Ok(command) => command,
        Err(reason) => {
            assert!(!support::prism::required(), "{reason}");
            println!("skipped: {reason}");
            return None;
        }
    };
    // The document as published with the repository's overlays applied (and any of
    // CALCOM_OPENAPI_OVERLAYS), not normalised: the generator writes it next to the client.
    let document = Path::new(concat!(env!("OUT_DIR"), "/openapi.overlaid.json"));
    println!(
        "prism serves {} ({CALCOM_SOURCE_DOCUMENT} with the overlays)",
        document.display()
    );
    let relaxed = Path::new(env!("CARGO_TARGET_TMPDIR")).join("prism-relaxed-openapi.json");
    support::prism::write_relaxed(doc.root(), &relaxed)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", relaxed.display()));
    let start = |document: &Path, extra: &'static [&'static str]| {
        let command = command.clone();
        let document = document.to_path_buf();
        std::thread::spawn(move || Prism::start(&command, &document, extra))
    };
    let started = [
        start(document, &[]),
        start(document, &["--errors", "true"]),
        start(&relaxed, &[]),
    ]
    .map(|thread| match thread.join().expect("the starting thread") {
        Ok(prism) => prism,
        Err(e) => panic!("{e}"),
    });
    Some(started)
}

#[test]
fn every_operation_is_accepted_by_prism_and_its_answer_decodes() {
    // Deep generated types decode recursively: a large stack.
    support::stack::with_big_stack(|| {
        let doc = normalised();
        let Some([plain, validating, relaxed]) = start_prisms(&doc) else {
            return;
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let operations = registry();
        let servers = Servers {
            plain: client(&plain.url),
            validating: client(&validating.url),
            relaxed: client(&relaxed.url),
        };
        let outcome = runtime.block_on(run(&servers, &doc, &operations));
        // The controls run against the same server: a check that cannot fail proves nothing.
        runtime.block_on(controls::run(
            &servers,
            &doc,
            &operations,
            &outcome.suite.passed,
        ));
        let mut known: Vec<(&str, &str)> = outcome
            .excused
            .iter()
            .map(|(n, r)| (n.as_str(), r.as_str()))
            .collect();
        known.extend_from_slice(CALCOM_OPERATION_DEFECTS);
        known.extend_from_slice(KNOWN_FAILURES);
        let verdict = outcome
            .suite
            .verdict(&known, CALCOM_UNCALLABLE_PARAMETERS, &[]);
        assert!(
            CALCOM_UNCALLABLE_PARAMETERS.is_empty(),
            "parameters without a builder setter: {CALCOM_UNCALLABLE_PARAMETERS:?}"
        );
        verdict.print_and_assert();
    });
}
