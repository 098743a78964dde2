//! Every generated operation against Prism.
//!
//! Prism (`@stoplight/prism-cli`, installed by `scripts/install-prism.sh`) serves a mock of
//! the *original* document the client was generated from, before normalisation, and
//! rejects any request that does not conform to it (422). It answers with the document's
//! examples, or values it derives from the schemas.
//!
//! Every operation is called through the generated client with the minimal request
//! (required parameters, minimal body) and the maximal one (every parameter, every body
//! property), values synthesised from the normalised schemas, and the client's configured
//! auth. Where Prism rejects the first `oneOf` branch or enum value, the next is tried. An
//! operation passes when Prism accepts both requests (2xx) and both answers decode into
//! the generated type. Failures excused, each with its reason: what the document itself
//! makes impossible (the generator's `CALCOM_OPERATION_DEFECTS`, and the unsatisfiable
//! constraints listed in `support/deviations.rs`), and answers that do not decode because
//! the document's example violates the document's schema, which a second Prism run with
//! `--errors` must confirm for the same request.
//!
//! The vendored document runs in the README's test command (skipped, with the reason, when
//! Prism is not installed, except in CI); `.ci/run` runs the full document:
//! `CALCOM_OPENAPI_SPEC=../shared/calcom-openapi/2025-09-26_6c9ac763.json
//! CARGO_TARGET_DIR=target-full cargo test --test prism -- --nocapture`.

#[macro_use]
mod support;

use std::collections::HashMap;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;

use calcom::{Client, Error, ResponseValue};
use serde::de::DeserializeOwned;
use serde_json::Value;

use support::deviations::prism as defects;
use support::doc::{normalised, Doc};
use support::prism::Prism;
use support::report::Suite;
use support::synth::{Source, Synth};

include!(concat!(env!("OUT_DIR"), "/calcom_operation_registry.rs"));

/// Operations that fail for a reason neither Prism nor the generator can confirm, with
/// the reason. A listed operation that passes fails the suite (the list cannot go stale).
const KNOWN_FAILURES: &[(&str, &str)] = &[(
    "get_reserved_slot",
    "GetReservedSlotOutput_2024_09_04 requires itself (`data`: nullable allOf [itself], \
     required), so only `null` ends it; Prism's example answer ends it with `{}`, which the \
     document forbids and the client refuses, but Prism's --errors does not follow the cycle",
)];

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

/// One validation problem Prism reported.
#[derive(Debug, Clone)]
struct Violation {
    location: Vec<String>,
    code: String,
    message: String,
}

impl Failure {
    /// Prism's violations, when Prism answered with its problem document.
    fn violations(&self) -> Vec<Violation> {
        let Failure::Client(Error::Api(api)) = self else {
            return Vec::new();
        };
        let Ok(problem) = serde_json::from_slice::<Value>(&api.body) else {
            return Vec::new();
        };
        let list = problem["validation"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        list.iter()
            .map(|v| Violation {
                location: v["location"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_string))
                    .collect(),
                code: v["code"].as_str().unwrap_or_default().to_string(),
                message: v["message"].as_str().unwrap_or_default().to_string(),
            })
            .collect()
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
            Failure::Client(Error::Decode { body, source }) => write!(
                f,
                "answer does not decode ({source}): {}",
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

/// The normalised document with every `oneOf` read as `anyOf`, written for Prism.
///
/// A request it accepts differs from the original document only by the generator's
/// reported normalisations and by matching more than one `oneOf` branch.
fn relaxed_document() -> std::path::PathBuf {
    fn relax(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if let Some(branches) = map.remove("oneOf") {
                    map.insert("anyOf".into(), branches);
                }
                map.values_mut().for_each(relax);
            }
            Value::Array(items) => items.iter_mut().for_each(relax),
            _ => {}
        }
    }
    let mut doc: Value = serde_json::from_str(include_str!(concat!(
        env!("OUT_DIR"),
        "/openapi.normalised.json"
    )))
    .expect("the normalised document is JSON");
    relax(&mut doc);
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("prism-relaxed-openapi.json");
    std::fs::write(&path, doc.to_string()).expect("write the relaxed document");
    path
}

/// The three servers, and a client for each.
struct Servers {
    /// Prism on the original document: the suite's server.
    plain: Client,
    /// The same, refusing to send an answer that violates the document (`--errors`):
    /// asked only to explain an answer of the plain server that does not decode.
    validating: Client,
    /// Prism on the relaxed document (see [`relaxed_document`]): asked only to explain a
    /// rejected request.
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
/// the relaxed one), or says why the suite cannot run.
fn start_prisms() -> Option<[Prism; 3]> {
    let command = match support::prism::installed() {
        Ok(command) => command,
        Err(reason) => {
            assert!(!support::prism::required(), "{reason}");
            println!("skipped: {reason}");
            return None;
        }
    };
    let document = Path::new(CALCOM_SOURCE_DOCUMENT);
    let relaxed = relaxed_document();
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
    support::with_big_stack(|| {
        let Some([plain, validating, relaxed]) = start_prisms() else {
            return;
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let doc = normalised();
        let operations = registry();
        let servers = Servers {
            plain: client(&plain.url),
            validating: client(&validating.url),
            relaxed: client(&relaxed.url),
        };
        let outcome = runtime.block_on(run(&servers, &doc, &operations));
        // The controls run against the same server: a check that cannot fail proves nothing.
        runtime.block_on(controls(&servers, &doc, &operations, &outcome.suite.passed));
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

/// Tests of the test: the suite's own judgement ([`exercise`]) must fail, not excuse, an
/// operation whose request or answer type is deliberately broken. The broken calls send
/// what the generated call sends, by hand, except for the breakage.
async fn controls(servers: &Servers, doc: &Doc, operations: &[Operation], passed: &[String]) {
    let passing = || {
        operations
            .iter()
            .filter(|op| passed.iter().any(|p| p == op.name))
    };
    // 1. Request type broken: body properties renamed, path parameters not numbers.
    let breakable = passing().find(|op| {
        synthesise(doc, op, MINIMAL).is_ok_and(|(r, _)| {
            r.body
                .as_ref()
                .and_then(Value::as_object)
                .is_some_and(|b| !b.is_empty())
                || r.params
                    .iter()
                    .any(|((loc, _), v)| *loc == "path" && v.is_number())
        })
    });
    match breakable {
        Some(op) => must_fail(servers, doc, op, broken_request, "request").await,
        None => println!("control: no passing operation has a request type to break"),
    }
    // 2. Answer type broken: the answer is decoded into a type whose `status` is renamed.
    let decodable = passing()
        .find(|op| op.method == "GET")
        .or_else(|| passing().next());
    if let Some(op) = decodable {
        must_fail(servers, doc, op, broken_answer, "answer").await;
    }
}

/// Judges `op` called through `call` (a broken one) and requires a failure, not an excuse.
async fn must_fail(servers: &Servers, doc: &Doc, op: &Operation, call: Call, broken: &str) {
    let broken_op = Operation { call, ..op.clone() };
    let outcome = exercise(servers, doc, &broken_op, false).await;
    assert!(
        matches!(outcome, Outcome::Failed(_)),
        "{} with its {broken} type broken was not failed: {outcome:?}",
        op.name
    );
    println!("control: {} with its {broken} type broken fails", op.name);
}

/// What a generated call sends, sent by hand: path, query, auth and version headers, body.
async fn send_by_hand(
    client: &Client,
    request: &Request,
    rename_body: bool,
    path_value: impl Fn(&Value) -> String,
) -> Result<(reqwest::StatusCode, bytes::Bytes), Failure> {
    use calcom::progenitor_client::ClientInfo;
    let mut path = request.path.to_string();
    let mut query = Vec::new();
    for ((location, name), value) in &request.params {
        match *location {
            "path" => path = path.replace(&format!("{{{name}}}"), &path_value(value)),
            "query" => query.push((*name, plain_text(value))),
            _ => {}
        }
    }
    let method = reqwest::Method::from_bytes(request.method.as_bytes())
        .map_err(|e| Failure::Convert(e.to_string()))?;
    let mut builder = reqwest::Client::new()
        .request(method, format!("{}{path}", client.baseurl()))
        .query(&query)
        .header("authorization", "Bearer cal_test_prism_suite")
        .header("x-cal-client-id", "prism-client-id")
        .header("x-cal-secret-key", "prism-secret-key");
    if let Some(version) = calcom::operations::find(request.operation).and_then(|o| o.api_version) {
        builder = builder.header(calcom::API_VERSION_HEADER, version);
    }
    if let Some(body) = &request.body {
        let body = match body {
            Value::Object(map) if rename_body => Value::Object(
                map.iter()
                    .map(|(k, v)| (format!("{k}Renamed"), v.clone()))
                    .collect(),
            ),
            other => other.clone(),
        };
        builder = builder.json(&body);
    }
    let response = builder
        .send()
        .await
        .map_err(|e| Failure::Client(Error::Connection(e)))?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| Failure::Client(Error::Connection(e)))?;
    if !status.is_success() {
        let api = calcom::ApiError::from_parts(status, headers, body);
        return Err(Failure::Client(Error::Api(Box::new(api))));
    }
    Ok((status, body))
}

fn plain_text(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_string)
}

fn broken_request<'a>(
    client: &'a Client,
    request: &'a Request,
) -> Pin<Box<dyn Future<Output = Result<(), Failure>> + 'a>> {
    Box::pin(async move {
        let not_a_number = |v: &Value| {
            if v.is_number() {
                "not-a-number".to_string()
            } else {
                plain_text(v)
            }
        };
        send_by_hand(client, request, true, not_a_number)
            .await
            .map(drop)
    })
}

fn broken_answer<'a>(
    client: &'a Client,
    request: &'a Request,
) -> Pin<Box<dyn Future<Output = Result<(), Failure>> + 'a>> {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct RenamedStatus {
        #[serde(rename = "statusRenamed")]
        status: String,
    }
    Box::pin(async move {
        let (_, body) = send_by_hand(client, request, false, plain_text).await?;
        serde_json::from_slice::<RenamedStatus>(&body)
            .map(drop)
            .map_err(|source| Failure::Client(Error::Decode { body, source }))
    })
}
