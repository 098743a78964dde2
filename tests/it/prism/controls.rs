//! Tests of the Prism suite itself: broken calls its judgement must fail.

use std::future::Future;
use std::pin::Pin;

use calcom::{Client, Error};
use serde_json::Value;

use super::support::doc::Doc;
use super::{exercise, synthesise, Call, Failure, Operation, Outcome, Request, Servers, MINIMAL};

/// Tests of the test: the suite's own judgement ([`exercise`]) must fail, not excuse, an
/// operation whose request or answer type is deliberately broken. The broken calls send
/// what the generated call sends, by hand, except for the breakage.
pub async fn run(servers: &Servers, doc: &Doc, operations: &[Operation], passed: &[String]) {
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
            .map_err(|source| {
                Failure::Client(Error::Decode {
                    body,
                    path: ".".into(),
                    source,
                })
            })
    })
}
