//! Fault injection: raw TCP servers on 127.0.0.1 answering what no well-behaved server
//! would (cut-off bodies, resets, broken chunks, silence, one byte at a time, garbage,
//! too much), and calls dropped half-way. Every case asserts the exact error variant, how
//! many connections the client made, and an upper bound on time (against hangs: the bounds
//! are generous, not performance figures).

use crate::support as common;

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use calcom::{Client, ClientBuilder, Error};
use common::raw::{answer, answer_keep_alive, head, RawServer, Step};
use common::{patch, recording_sleeper, success_body};

type Delays = Arc<Mutex<Vec<Duration>>>;

/// Generous bound on any one case.
const BOUND: Duration = Duration::from_secs(10);

fn ok_body() -> String {
    success_body().to_string()
}

fn builder(url: &str) -> ClientBuilder {
    Client::builder()
        .api_key("cal_live_faults")
        .base_url(url)
        .timeout(Duration::from_secs(5))
}

/// Runs `call`, fails the test if it takes longer than [`BOUND`].
async fn bounded<T>(call: impl Future<Output = T>) -> T {
    let started = Instant::now();
    let out = tokio::time::timeout(BOUND, call)
        .await
        .expect("the call hung");
    assert!(started.elapsed() < BOUND);
    out
}

/// A client that retries PATCH twice, recording back-offs instead of sleeping.
fn retrying(url: &str) -> (Client, Delays) {
    let (sleeper, delays) = recording_sleeper();
    let client = builder(url)
        .retry_non_idempotent(true)
        .max_retries(2)
        .sleeper(sleeper)
        .build()
        .unwrap();
    (client, delays)
}

// ---------------------------------------------------------------------------------------
// A connection that breaks while the body is read.

#[tokio::test]
async fn a_200_cut_short_of_its_content_length_is_a_connection_error() {
    let mut short = head(200, 500);
    short.extend_from_slice(br#"{"status":"succ"#);
    let server = RawServer::always(vec![Step::Write(short)]).await;
    let client = builder(&server.url).build().unwrap();
    let e = bounded(patch(&client)).await.unwrap_err();
    assert!(matches!(e, Error::Connection(_)), "{e:?}");
    // PATCH is not retried by default.
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn a_cut_short_body_is_retried_like_a_failed_connect() {
    let mut short = head(200, 500);
    short.extend_from_slice(b"{\"status\"");
    let server = RawServer::start(vec![
        vec![Step::Write(short.clone())],
        vec![Step::Write(short)],
        vec![Step::Write(answer(200, &ok_body()))],
    ])
    .await;
    let (client, delays) = retrying(&server.url);
    let out = bounded(patch(&client)).await.unwrap();
    assert_eq!(out.data.id, "cred_1");
    assert_eq!(server.accepted(), 3);
    assert_eq!(delays.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_500_cut_short_is_a_connection_error_not_an_api_error() {
    let mut short = head(500, 200);
    short.extend_from_slice(b"{\"statusCode\":500,");
    let server = RawServer::always(vec![Step::Write(short)]).await;
    let (client, delays) = retrying(&server.url);
    let e = bounded(patch(&client)).await.unwrap_err();
    assert!(matches!(e, Error::Connection(_)), "{e:?}");
    assert_eq!(server.accepted(), 3);
    assert_eq!(delays.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_reset_during_the_headers_is_a_connection_error() {
    let server = RawServer::always(vec![
        Step::Write(b"HTTP/1.1 200 OK\r\ncontent-ty".to_vec()),
        Step::Reset,
    ])
    .await;
    let (client, delays) = retrying(&server.url);
    let e = bounded(patch(&client)).await.unwrap_err();
    assert!(matches!(e, Error::Connection(_)), "{e:?}");
    assert_eq!(server.accepted(), 3);
    assert_eq!(delays.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_reset_mid_body_is_a_connection_error_and_retried() {
    let body = ok_body();
    let mut first = head(200, body.len());
    first.extend_from_slice(&body.as_bytes()[..20]);
    let server = RawServer::start(vec![
        vec![
            Step::Write(first),
            Step::Pause(Duration::from_millis(20)),
            Step::Reset,
        ],
        vec![Step::Write(answer(200, &body))],
    ])
    .await;
    let client = builder(&server.url).build().unwrap();
    let e = bounded(patch(&client)).await.unwrap_err();
    assert!(matches!(e, Error::Connection(_)), "{e:?}");
    // The same answer with retries on succeeds on the second connection.
    let server = RawServer::start(vec![
        vec![
            Step::Write({
                let mut h = head(200, body.len());
                h.extend_from_slice(&body.as_bytes()[..20]);
                h
            }),
            Step::Pause(Duration::from_millis(20)),
            Step::Reset,
        ],
        vec![Step::Write(answer(200, &body))],
    ])
    .await;
    let (client, _) = retrying(&server.url);
    bounded(patch(&client)).await.unwrap();
    assert_eq!(server.accepted(), 2);
}

#[tokio::test]
async fn a_broken_chunk_is_a_connection_error() {
    let broken = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{\"sta\r\nZZ-not-a-size\r\n".to_vec();
    let server = RawServer::always(vec![Step::Write(broken)]).await;
    let client = builder(&server.url).build().unwrap();
    let e = bounded(patch(&client)).await.unwrap_err();
    assert!(matches!(e, Error::Connection(_)), "{e:?}");
}

#[tokio::test]
async fn a_chunked_body_without_its_last_chunk_is_a_connection_error() {
    let cut = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{\"sta\r\n".to_vec();
    let server = RawServer::always(vec![Step::Write(cut)]).await;
    let (client, delays) = retrying(&server.url);
    let e = bounded(patch(&client)).await.unwrap_err();
    assert!(matches!(e, Error::Connection(_)), "{e:?}");
    assert_eq!(server.accepted(), 3);
    assert_eq!(delays.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_broken_status_line_is_a_connection_error() {
    let server = RawServer::always(vec![Step::Write(b"HELLO THERE\r\n\r\n".to_vec())]).await;
    let client = builder(&server.url).build().unwrap();
    let e = bounded(patch(&client)).await.unwrap_err();
    assert!(matches!(e, Error::Connection(_)), "{e:?}");
}

#[tokio::test]
async fn a_complete_answer_leaves_its_connection_reusable() {
    // Buffering the body inside the attempt must not cost keep-alive: two calls, one
    // connection (a success, then an error answer, then a success again).
    let body = ok_body();
    let error = r#"{"statusCode":404,"message":"Not Found"}"#;
    let server = RawServer::always(vec![
        Step::Write(answer_keep_alive(200, &body)),
        Step::NextRequest,
        Step::Write(answer_keep_alive(404, error)),
        Step::NextRequest,
        Step::Write(answer(200, &body)),
    ])
    .await;
    let client = builder(&server.url).build().unwrap();
    bounded(patch(&client)).await.unwrap();
    let e = bounded(patch(&client)).await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(404), "{e:?}");
    bounded(patch(&client)).await.unwrap();
    assert_eq!((server.accepted(), server.requests()), (1, 3));
}

// ---------------------------------------------------------------------------------------
// Silence and slowness.

#[tokio::test]
async fn an_answer_that_never_starts_is_a_timeout() {
    let server = RawServer::always(vec![Step::Hang]).await;
    let client = builder(&server.url)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let e = bounded(patch(&client)).await.unwrap_err();
    assert!(matches!(e, Error::Timeout(_)), "{e:?}");
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn a_body_that_drips_past_the_timeout_is_a_timeout_and_retried() {
    let body = ok_body();
    let server = RawServer::start(vec![
        vec![
            Step::Write(head(200, body.len())),
            Step::Drip(body.clone().into_bytes(), Duration::from_millis(50)),
        ],
        vec![Step::Write(answer(200, &body))],
    ])
    .await;
    let (sleeper, delays) = recording_sleeper();
    let client = builder(&server.url)
        .timeout(Duration::from_millis(400))
        .retry_non_idempotent(true)
        .sleeper(sleeper)
        .build()
        .unwrap();
    bounded(patch(&client)).await.unwrap();
    assert_eq!(server.accepted(), 2);
    assert_eq!(delays.lock().unwrap().len(), 1);
    // Without retries the timeout comes back.
    let server = RawServer::always(vec![
        Step::Write(head(200, body.len())),
        Step::Drip(body.into_bytes(), Duration::from_millis(50)),
    ])
    .await;
    let client = builder(&server.url)
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let e = bounded(patch(&client)).await.unwrap_err();
    assert!(matches!(e, Error::Timeout(_)), "{e:?}");
}

#[tokio::test]
async fn answers_in_one_byte_writes_are_read_whole() {
    let server = RawServer::always(vec![Step::Drip(answer(200, &ok_body()), Duration::ZERO)]).await;
    let client = builder(&server.url).build().unwrap();
    let out = bounded(patch(&client)).await.unwrap();
    assert_eq!(out.data.id, "cred_1");
    let error = common::cal_error_body(
        common::CRED_PATH,
        "NotFoundException",
        "no such credential",
        serde_json::json!(null),
    )
    .to_string();
    let server = RawServer::always(vec![Step::Drip(answer(404, &error), Duration::ZERO)]).await;
    let client = builder(&server.url).build().unwrap();
    let e = bounded(patch(&client)).await.unwrap_err();
    let Error::Api(api) = &e else { panic!("{e:?}") };
    assert_eq!(api.code.as_deref(), Some("NotFoundException"));
    assert_eq!(api.body_text(), Some(error.as_str()));
}

// ---------------------------------------------------------------------------------------
// Complete answers that are wrong: never retried.

#[tokio::test]
async fn a_garbage_success_body_is_a_decode_error_and_never_retried() {
    for garbage in ["\u{0}\u{1}binary\u{7f}", "{\"status\":", "[]", "null", ""] {
        let server = RawServer::always(vec![Step::Write(answer(200, garbage))]).await;
        let (client, delays) = retrying(&server.url);
        let e = bounded(patch(&client)).await.unwrap_err();
        assert!(
            matches!(&e, Error::Decode { body, .. } if body.as_ref() == garbage.as_bytes()),
            "{garbage:?}: {e:?}"
        );
        assert_eq!(server.accepted(), 1, "{garbage:?}");
        assert!(delays.lock().unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_garbage_error_body_is_kept_raw() {
    let server = RawServer::always(vec![Step::Write(answer(400, "<<garbage>>"))]).await;
    let client = builder(&server.url).build().unwrap();
    let e = bounded(patch(&client)).await.unwrap_err();
    let Error::Api(api) = &e else { panic!("{e:?}") };
    assert_eq!((api.status.as_u16(), api.code.as_ref()), (400, None));
    assert_eq!(api.body_text(), Some("<<garbage>>"));
}

#[tokio::test]
async fn nest_js_validation_errors_on_the_wire() {
    let body = r#"{"statusCode":400,"message":["start must be a valid ISO 8601 date string","eventTypeId must be an integer number"],"error":"Bad Request"}"#;
    let server = RawServer::always(vec![Step::Write(answer(400, body))]).await;
    let client = builder(&server.url).build().unwrap();
    let e = bounded(patch(&client)).await.unwrap_err();
    let Error::Api(api) = &e else { panic!("{e:?}") };
    assert_eq!(api.code.as_deref(), Some("Bad Request"));
    assert_eq!(
        api.message.as_deref(),
        Some("start must be a valid ISO 8601 date string; eventTypeId must be an integer number")
    );
    assert_eq!(
        api.details
            .as_ref()
            .and_then(|d| d.as_array())
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        e.to_string(),
        "Cal.com answered 400 Bad Request: start must be a valid ISO 8601 date string; \
         eventTypeId must be an integer number"
    );
}

// ---------------------------------------------------------------------------------------
// Too much.

#[tokio::test]
async fn an_announced_body_over_the_limit_is_refused_before_reading() {
    let server = RawServer::start(vec![
        vec![Step::Write(head(200, 10_000_000)), Step::Hang],
        vec![Step::Write(answer(200, &ok_body()))],
    ])
    .await;
    let (sleeper, delays) = recording_sleeper();
    let client = builder(&server.url)
        .max_response_bytes(1024)
        .retry_non_idempotent(true)
        .sleeper(sleeper)
        .build()
        .unwrap();
    let e = bounded(patch(&client)).await.unwrap_err();
    let Error::ResponseTooLarge { status, limit } = &e else {
        panic!("{e:?}")
    };
    assert_eq!((*status, *limit), (Some(reqwest::StatusCode::OK), 1024));
    assert!(e.to_string().contains("1024 bytes"), "{e}");
    // Not retried; and the client is usable after (on a new connection).
    assert!(delays.lock().unwrap().is_empty());
    bounded(patch(&client)).await.unwrap();
    assert_eq!(server.accepted(), 2);
}

#[tokio::test]
async fn an_endless_chunked_body_is_cut_off_while_streaming() {
    // 64 KiB chunks, forever (until the client hangs up).
    let chunk = {
        let mut c = format!("{:x}\r\n", 65536).into_bytes();
        c.extend(std::iter::repeat_n(b'x', 65536));
        c.extend_from_slice(b"\r\n");
        c
    };
    let endless: Vec<Step> = std::iter::once(Step::Write(
        b"HTTP/1.1 500 X\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n"
            .to_vec(),
    ))
    .chain([Step::Repeat(chunk, 100_000)])
    .collect();
    let server = RawServer::start(vec![endless, vec![Step::Write(answer(200, &ok_body()))]]).await;
    let client = builder(&server.url)
        .max_response_bytes(1024 * 1024)
        .build()
        .unwrap();
    let e = bounded(patch(&client)).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::ResponseTooLarge {
                status: Some(s),
                limit: 1_048_576
            } if s == 500
        ),
        "{e:?}"
    );
    bounded(patch(&client)).await.unwrap();
    assert_eq!(server.accepted(), 2);
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_read() {
    let body = ok_body();
    let server = RawServer::always(vec![
        Step::Write(head(200, body.len())),
        Step::Drip(body.clone().into_bytes(), Duration::ZERO),
    ])
    .await;
    let client = builder(&server.url)
        .max_response_bytes(body.len() as u64)
        .build()
        .unwrap();
    bounded(patch(&client)).await.unwrap();
    let client = builder(&server.url)
        .max_response_bytes(body.len() as u64 - 1)
        .build()
        .unwrap();
    let e = bounded(patch(&client)).await.unwrap_err();
    assert!(matches!(e, Error::ResponseTooLarge { .. }), "{e:?}");
}

// ---------------------------------------------------------------------------------------
// Cancellation: a dropped call leaves the client usable and nothing running.

/// Tasks alive on this test's runtime.
fn alive_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

/// Drops `call` after `after`, then checks that the same client completes a call, and that
/// once client and server are gone no task is left.
async fn cancel_then_succeed(first: Vec<Step>, builder: ClientBuilder, after: Duration) {
    let baseline = alive_tasks();
    let server = RawServer::start(vec![first, vec![Step::Write(answer(200, &ok_body()))]]).await;
    let client = builder.base_url(&server.url).build().unwrap();
    let started = Instant::now();
    let dropped = tokio::time::timeout(after, patch(&client)).await;
    assert!(dropped.is_err(), "the call finished before it was dropped");
    assert!(started.elapsed() < BOUND);
    let out = bounded(patch(&client)).await.unwrap();
    assert_eq!(out.data.id, "cred_1");
    drop(client);
    drop(server);
    assert_no_task_left(baseline).await;
}

/// Once client and server are dropped, the runtime has no more tasks than at `baseline`.
async fn assert_no_task_left(baseline: usize) {
    // Aborted tasks and closed connections wind down asynchronously: wait for them.
    let deadline = Instant::now() + BOUND;
    while alive_tasks() > baseline {
        assert!(
            Instant::now() < deadline,
            "{} tasks still alive",
            alive_tasks() - baseline
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn dropped_before_anything_was_sent() {
    cancel_then_succeed(vec![Step::Hang], builder(""), Duration::ZERO).await;
}

#[tokio::test]
async fn dropped_while_waiting_for_the_headers() {
    cancel_then_succeed(vec![Step::Hang], builder(""), Duration::from_millis(100)).await;
}

#[tokio::test]
async fn dropped_mid_body() {
    let body = ok_body();
    cancel_then_succeed(
        vec![
            Step::Write(head(200, body.len())),
            Step::Drip(body.into_bytes(), Duration::from_millis(100)),
        ],
        builder(""),
        Duration::from_millis(300),
    )
    .await;
}

#[tokio::test]
async fn dropped_during_a_back_off() {
    // The real sleeper: the first back-off is at least 250 ms.
    cancel_then_succeed(
        vec![Step::Write(answer(503, "{}"))],
        builder("").retry_non_idempotent(true),
        Duration::from_millis(100),
    )
    .await;
}

#[tokio::test]
async fn dropped_while_pacing() {
    // An answer that uses up the window makes the next call wait (the real sleeper);
    // that call is dropped while it waits, and the one after it waits too, then succeeds.
    let exhausted = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\nx-ratelimit-limit-default: 120\r\n\
         x-ratelimit-remaining-default: 0\r\nx-ratelimit-reset-default: 3\r\ncontent-length: {}\r\n\r\n{}",
        ok_body().len(),
        ok_body()
    );
    let baseline = alive_tasks();
    let server = RawServer::always(vec![Step::Write(exhausted.into_bytes())]).await;
    let client = builder(&server.url).pace_requests(true).build().unwrap();
    bounded(patch(&client)).await.unwrap();
    let dropped = tokio::time::timeout(Duration::from_millis(100), patch(&client)).await;
    assert!(dropped.is_err(), "the second call did not wait");
    // It was waiting, not sending.
    assert_eq!(server.requests(), 1);
    bounded(patch(&client)).await.unwrap();
    assert_eq!(server.requests(), 2);
    drop(client);
    drop(server);
    assert_no_task_left(baseline).await;
}
