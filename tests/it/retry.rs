//! Retry rules, with a sleeper that records the delays instead of waiting.

use crate::support as common;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use calcom::{Client, ClientBuilder, Error};
use calcom::{RETRY_BASE_DELAY as BASE_DELAY, RETRY_MAX_BACKOFF as MAX_BACKOFF};
use common::{
    answers_then_ok, cal_error_body, closing_server, patch, received, recording_sleeper,
    success_body, CRED_PATH,
};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, ResponseTemplate};

type Delays = Arc<Mutex<Vec<Duration>>>;

fn builder(base: &str) -> (ClientBuilder, Delays) {
    let (sleeper, delays) = recording_sleeper();
    let b = Client::builder()
        .api_key("cal_live_x")
        .base_url(base)
        .sleeper(sleeper);
    (b, delays)
}

fn delays(d: &Delays) -> Vec<Duration> {
    d.lock().unwrap().clone()
}

fn unavailable() -> ResponseTemplate {
    ResponseTemplate::new(503).set_body_raw("upstream unavailable", "text/plain")
}

#[tokio::test]
async fn patch_is_not_retried_by_default() {
    let server = answers_then_ok(unavailable(), 1).await;
    let (b, d) = builder(&server.uri());
    let e = patch(&b.build().unwrap()).await.unwrap_err();
    assert_eq!(
        e.status(),
        Some(reqwest::StatusCode::SERVICE_UNAVAILABLE),
        "{e:?}"
    );
    assert_eq!(received(&server).await.len(), 1);
    assert!(delays(&d).is_empty());
}

#[tokio::test]
async fn patch_is_retried_through_retrying_non_idempotent() {
    let server = answers_then_ok(unavailable(), 1).await;
    let (b, d) = builder(&server.uri());
    let client = b.build().unwrap();
    let out = patch(&client.retrying_non_idempotent()).await.unwrap();
    assert_eq!(out.data.id, "cred_1");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    // The retry is the same request: same method, path, headers and body.
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(
        requests[0].headers.get("authorization"),
        requests[1].headers.get("authorization")
    );
    let d = delays(&d);
    assert_eq!(d.len(), 1);
    assert!(d[0] >= BASE_DELAY / 2 && d[0] <= BASE_DELAY, "{d:?}");
    // The original client is unchanged.
    server.reset().await;
    Mock::given(method("PATCH"))
        .respond_with(unavailable())
        .mount(&server)
        .await;
    patch(&client).await.unwrap_err();
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn retries_stop_after_max_retries_with_growing_backoff() {
    let server = answers_then_ok(unavailable(), 10).await;
    let (b, d) = builder(&server.uri());
    let client = b.retry_non_idempotent(true).max_retries(3).build().unwrap();
    let e = patch(&client).await.unwrap_err();
    let Error::Api(api) = &e else { panic!("{e:?}") };
    assert_eq!(api.status, 503);
    assert_eq!(api.body_text(), Some("upstream unavailable"));
    assert_eq!(received(&server).await.len(), 4);
    let d = delays(&d);
    assert_eq!(d.len(), 3);
    // Retry n waits between half and all of 0.5 s × 2^n.
    for (n, delay) in d.iter().enumerate() {
        let full = (BASE_DELAY * 2u32.pow(n as u32)).min(MAX_BACKOFF);
        assert!(*delay >= full / 2 && *delay <= full, "retry {n}: {delay:?}");
    }
}

#[tokio::test]
async fn backoff_is_capped() {
    let server = answers_then_ok(unavailable(), 100).await;
    let (b, d) = builder(&server.uri());
    let client = b.retry_non_idempotent(true).max_retries(8).build().unwrap();
    patch(&client).await.unwrap_err();
    let d = delays(&d);
    assert_eq!(d.len(), 8);
    assert!(d.iter().all(|d| *d <= MAX_BACKOFF), "{d:?}");
    assert!(d[7] >= MAX_BACKOFF / 2, "{d:?}");
}

#[tokio::test]
async fn max_retries_zero_disables_retries() {
    let server = answers_then_ok(unavailable(), 1).await;
    let (b, d) = builder(&server.uri());
    let client = b.retry_non_idempotent(true).max_retries(0).build().unwrap();
    patch(&client).await.unwrap_err();
    assert_eq!(received(&server).await.len(), 1);
    // `with_max_retries` adjusts an existing client the same way.
    let (b, _) = builder(&server.uri());
    let client = b
        .retry_non_idempotent(true)
        .build()
        .unwrap()
        .with_max_retries(0);
    patch(&client).await.unwrap();
    assert_eq!(received(&server).await.len(), 2);
    assert!(delays(&d).is_empty());
}

#[tokio::test]
async fn a_429_waits_as_long_as_retry_after_says() {
    let throttled = ResponseTemplate::new(429)
        .insert_header("retry-after", "7")
        .set_body_json(cal_error_body(
            CRED_PATH,
            "ThrottlerException",
            "Too Many Requests",
            json!(null),
        ));
    let server = answers_then_ok(throttled, 1).await;
    let (b, d) = builder(&server.uri());
    let client = b.retry_non_idempotent(true).build().unwrap();
    patch(&client).await.unwrap();
    assert_eq!(delays(&d), [Duration::from_secs(7)]);
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn an_exhausted_rate_limit_waits_for_its_reset() {
    let throttled = ResponseTemplate::new(429)
        .insert_header("x-ratelimit-limit-default", "120")
        .insert_header("x-ratelimit-remaining-default", "0")
        .insert_header("x-ratelimit-reset-default", "3");
    let server = answers_then_ok(throttled, 1).await;
    let (b, d) = builder(&server.uri());
    patch(&b.retry_non_idempotent(true).build().unwrap())
        .await
        .unwrap();
    assert_eq!(delays(&d), [Duration::from_secs(3)]);
}

#[tokio::test]
async fn a_huge_retry_after_is_capped() {
    let throttled = ResponseTemplate::new(429).insert_header("retry-after", "86400");
    let server = answers_then_ok(throttled, 1).await;
    let (b, d) = builder(&server.uri());
    patch(&b.retry_non_idempotent(true).build().unwrap())
        .await
        .unwrap();
    assert_eq!(delays(&d), [calcom::RETRY_MAX_SERVER_DELAY]);
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for status in [400u16, 401, 403, 404, 422] {
        let answer = ResponseTemplate::new(status).set_body_json(cal_error_body(
            CRED_PATH,
            "BadRequestException",
            "no",
            json!(null),
        ));
        let server = answers_then_ok(answer, 1).await;
        let (b, d) = builder(&server.uri());
        let client = b.retry_non_idempotent(true).max_retries(5).build().unwrap();
        let e = patch(&client).await.unwrap_err();
        assert_eq!(e.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(received(&server).await.len(), 1, "{status}");
        assert!(delays(&d).is_empty(), "{status}");
    }
}

#[tokio::test]
async fn other_retryable_statuses() {
    for status in [408u16, 500, 502, 504] {
        let server = answers_then_ok(ResponseTemplate::new(status), 1).await;
        let (b, d) = builder(&server.uri());
        patch(&b.retry_non_idempotent(true).build().unwrap())
            .await
            .unwrap();
        assert_eq!(received(&server).await.len(), 2, "{status}");
        assert_eq!(delays(&d).len(), 1, "{status}");
    }
}

#[tokio::test]
async fn dropped_connections_are_retried() {
    let (url, accepted) = closing_server().await;
    let (b, d) = builder(&url);
    let client = b.retry_non_idempotent(true).max_retries(2).build().unwrap();
    let e = patch(&client).await.unwrap_err();
    assert!(matches!(e, Error::Connection(_)), "{e:?}");
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
    assert_eq!(delays(&d).len(), 2);
    // Not by default for PATCH.
    let (b, d) = builder(&url);
    patch(&b.build().unwrap()).await.unwrap_err();
    assert_eq!(accepted.load(Ordering::SeqCst), 4);
    assert!(delays(&d).is_empty());
}

#[tokio::test]
async fn refused_connections_are_retried() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let (b, d) = builder(&format!("http://{addr}"));
    let client = b.retry_non_idempotent(true).max_retries(2).build().unwrap();
    let e = patch(&client).await.unwrap_err();
    assert!(matches!(e, Error::Connection(_)), "{e:?}");
    assert_eq!(delays(&d).len(), 2);
}

#[tokio::test]
async fn timeouts_are_retried_like_connection_failures() {
    let slow = ResponseTemplate::new(200)
        .set_body_json(success_body())
        .set_delay(Duration::from_secs(5));
    let server = answers_then_ok(slow, 10).await;
    let (b, d) = builder(&server.uri());
    let client = b
        .retry_non_idempotent(true)
        .max_retries(2)
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let e = patch(&client).await.unwrap_err();
    assert!(matches!(e, Error::Timeout(_)), "{e:?}");
    // `.timeout(..)` is per attempt: three attempts, two back-offs.
    assert_eq!(delays(&d).len(), 2);
    assert_eq!(received(&server).await.len(), 3);
    // Not by default for PATCH.
    let (b, d) = builder(&server.uri());
    let client = b.timeout(Duration::from_millis(150)).build().unwrap();
    let e = patch(&client).await.unwrap_err();
    assert!(matches!(e, Error::Timeout(_)), "{e:?}");
    assert!(delays(&d).is_empty());
    assert_eq!(received(&server).await.len(), 4);
}
