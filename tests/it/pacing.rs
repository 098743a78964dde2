//! `.pace_requests(true)`: after an answer says the rate-limit window is used up, the next
//! calls wait for its reset. The sleeper records the waits instead of sleeping.

use crate::support as common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use calcom::{Client, Error, MAX_PACING_WAIT};
use common::{
    answers_then_ok, cal_error_body, patch, received, recording_sleeper, success_body, CRED_PATH,
};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

type Delays = Arc<Mutex<Vec<Duration>>>;

/// A 200 that uses up Cal.com's default window, resetting in `reset`.
fn exhausted(reset: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(success_body())
        .insert_header("x-ratelimit-limit-default", "120")
        .insert_header("x-ratelimit-remaining-default", "0")
        .insert_header("x-ratelimit-reset-default", reset)
}

fn client(base: &str, pace: bool) -> (Client, Delays) {
    let (sleeper, delays) = recording_sleeper();
    let client = Client::builder()
        .api_key("cal_live_pacing")
        .base_url(base)
        .sleeper(sleeper)
        .pace_requests(pace)
        .build()
        .unwrap();
    (client, delays)
}

fn delays(d: &Delays) -> Vec<Duration> {
    d.lock().unwrap().clone()
}

fn within(d: Duration, low: u64, high: u64) -> bool {
    d > Duration::from_secs(low) && d <= Duration::from_secs(high)
}

#[tokio::test]
async fn without_pacing_nothing_waits() {
    let server = answers_then_ok(exhausted("30"), 1).await;
    let (client, d) = client(&server.uri(), false);
    patch(&client).await.unwrap();
    patch(&client).await.unwrap();
    assert!(delays(&d).is_empty());
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn the_call_after_an_exhausted_window_waits_for_its_reset_once() {
    let server = answers_then_ok(exhausted("30"), 1).await;
    let (client, d) = client(&server.uri(), true);
    patch(&client).await.unwrap();
    assert!(delays(&d).is_empty());
    patch(&client).await.unwrap();
    patch(&client).await.unwrap();
    let d = delays(&d);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(within(d[0], 29, 30), "{d:?}");
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn clones_share_the_pause() {
    let server = answers_then_ok(exhausted("12"), 1).await;
    let (client, d) = client(&server.uri(), true);
    patch(&client).await.unwrap();
    // Another handle made from the client, before and after: both see the pause.
    let clone = client.clone();
    let retrying = client.retrying_non_idempotent();
    patch(&retrying).await.unwrap();
    assert_eq!(delays(&d).len(), 1);
    // Waited out by `retrying`: `clone` does not wait again.
    patch(&clone).await.unwrap();
    assert_eq!(delays(&d).len(), 1);
    assert!(within(delays(&d)[0], 11, 12), "{:?}", delays(&d));
}

#[tokio::test]
async fn a_reset_given_as_a_unix_instant_is_read_as_one() {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let server = answers_then_ok(exhausted(&(now + 20).to_string()), 1).await;
    let (client, d) = client(&server.uri(), true);
    patch(&client).await.unwrap();
    patch(&client).await.unwrap();
    let d = delays(&d);
    assert!(d.len() == 1 && within(d[0], 17, 20), "{d:?}");
}

#[tokio::test]
async fn the_wait_is_capped_at_one_window() {
    let server = answers_then_ok(exhausted("86400"), 1).await;
    let (client, d) = client(&server.uri(), true);
    patch(&client).await.unwrap();
    patch(&client).await.unwrap();
    let d = delays(&d);
    assert!(d.len() == 1 && d[0] <= MAX_PACING_WAIT, "{d:?}");
    assert_eq!(MAX_PACING_WAIT, Duration::from_secs(60));
}

#[tokio::test]
async fn a_cal_com_429_is_retried_after_its_reset_and_not_waited_for_twice() {
    // What Cal.com sends: ThrottlerException, the -Default headers, no Retry-After.
    let throttled = ResponseTemplate::new(429)
        .set_body_json(cal_error_body(
            CRED_PATH,
            "ThrottlerException",
            "ThrottlerException: Too Many Requests",
            json!(null),
        ))
        .insert_header("x-ratelimit-limit-default", "120")
        .insert_header("x-ratelimit-remaining-default", "0")
        .insert_header("x-ratelimit-reset-default", "5");
    let server = answers_then_ok(throttled.clone(), 1).await;
    let (pacing, d) = client(&server.uri(), true);
    patch(&pacing.retrying_non_idempotent()).await.unwrap();
    let d = delays(&d);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(within(d[0], 4, 5), "{d:?}");
    // Not retried (PATCH by default): the 429 comes back with what it said.
    let server = server_always(throttled).await;
    let (pacing, _) = client(&server.uri(), true);
    let e = patch(&pacing).await.unwrap_err();
    let Error::Api(api) = &e else { panic!("{e:?}") };
    assert_eq!(api.code.as_deref(), Some("ThrottlerException"));
    assert_eq!(api.retry_after, None);
    assert_eq!(api.rate_limit.remaining, Some(0));
    assert_eq!(api.rate_limit.limit, Some(120));
    assert_eq!(api.rate_limit.reset, Some(Duration::from_secs(5)));
}

async fn server_always(answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(answer)
        .mount(&server)
        .await;
    server
}
