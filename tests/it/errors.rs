//! Every variant of `calcom::Error`, produced by a real exchange.

use crate::support as common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use calcom::{Client, Error};
use common::{cal_error_body, closing_server, patch, received, CRED_PATH};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server_answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(CRED_PATH))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

fn client(base: &str) -> Client {
    Client::builder()
        .api_key("cal_live_x")
        .base_url(base)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_401_with_a_cal_com_body_is_an_api_error_with_everything_it_said() {
    let body = cal_error_body(
        CRED_PATH,
        "UnauthorizedException",
        "Invalid API Key",
        json!({"message": "Invalid API Key", "error": "Unauthorized", "statusCode": 401}),
    );
    let server = server_answering(
        ResponseTemplate::new(401)
            .set_body_json(&body)
            .insert_header("x-request-id", "7f1c2a9e-req"),
    )
    .await;
    let e = patch(&client(&server.uri())).await.unwrap_err();
    let Error::Api(api) = &e else {
        panic!("not an API error: {e:?}")
    };
    assert_eq!(api.status, 401);
    assert_eq!(api.code.as_deref(), Some("UnauthorizedException"));
    assert_eq!(api.message.as_deref(), Some("Invalid API Key"));
    assert_eq!(
        api.details.as_ref().and_then(|d| d.get("statusCode")),
        Some(&json!(401))
    );
    assert_eq!(api.request_id.as_deref(), Some("7f1c2a9e-req"));
    assert_eq!(e.request_id(), Some("7f1c2a9e-req"));
    assert_eq!(e.status(), Some(reqwest::StatusCode::UNAUTHORIZED));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&api.body).unwrap(),
        body
    );
    assert_eq!(
        e.to_string(),
        "Cal.com answered 401 Unauthorized UnauthorizedException: Invalid API Key [request id 7f1c2a9e-req]"
    );
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn a_500_with_an_html_body_keeps_the_raw_body_and_displays_on_one_line() {
    let html = "<!DOCTYPE html>\n<html>\n<head><title>500</title></head>\n<body>\n<h1>Internal Server Error</h1>\n</body>\n</html>\n";
    let server =
        server_answering(ResponseTemplate::new(500).set_body_raw(html, "text/html; charset=utf-8"))
            .await;
    let e = patch(&client(&server.uri())).await.unwrap_err();
    let Error::Api(api) = &e else {
        panic!("not an API error: {e:?}")
    };
    assert_eq!(api.status, 500);
    assert_eq!(api.code, None);
    assert_eq!(api.message, None);
    assert_eq!(api.body_text(), Some(html));
    let shown = e.to_string();
    assert!(!shown.contains('\n'), "{shown:?}");
    assert!(
        shown.contains("500 Internal Server Error") && shown.contains("text/html"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_429_carries_retry_after_and_the_rate_limit_headers() {
    let server = server_answering(
        ResponseTemplate::new(429)
            .set_body_json(cal_error_body(
                CRED_PATH,
                "ThrottlerException",
                "ThrottlerException: Too Many Requests",
                json!(null),
            ))
            .insert_header("retry-after", "7")
            .insert_header("x-ratelimit-limit-default", "120")
            .insert_header("x-ratelimit-remaining-default", "0")
            .insert_header("x-ratelimit-reset-default", "7"),
    )
    .await;
    // PATCH is not retried by default, so the 429 comes straight back.
    let e = patch(&client(&server.uri())).await.unwrap_err();
    let Error::Api(api) = &e else {
        panic!("not an API error: {e:?}")
    };
    assert_eq!(api.status, 429);
    assert_eq!(api.code.as_deref(), Some("ThrottlerException"));
    assert_eq!(api.details, None);
    assert_eq!(api.retry_after, Some(Duration::from_secs(7)));
    assert_eq!(api.rate_limit.limit, Some(120));
    assert_eq!(api.rate_limit.remaining, Some(0));
    assert_eq!(api.rate_limit.reset, Some(Duration::from_secs(7)));
    assert!(e.to_string().ends_with("(retry after 7.0 s)"), "{e}");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn a_dropped_connection_is_a_connection_error() {
    let (base, accepted) = closing_server().await;
    let e = patch(&client(&base)).await.unwrap_err();
    assert!(matches!(e, Error::Connection(_)), "{e:?}");
    assert!(
        e.to_string().starts_with("connection to Cal.com failed"),
        "{e}"
    );
    assert_says_each_cause_once(&error_chain(&e));
    assert_eq!(e.status(), None);
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_refused_connection_is_a_connection_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let e = patch(&client(&format!("http://{addr}"))).await.unwrap_err();
    assert!(matches!(e, Error::Connection(_)), "{e:?}");
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout() {
    let server = server_answering(
        ResponseTemplate::new(200)
            .set_body_json(common::success_body())
            .set_delay(Duration::from_secs(5)),
    )
    .await;
    let client = Client::builder()
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let e = patch(&client).await.unwrap_err();
    assert!(matches!(e, Error::Timeout(_)), "{e:?}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(e.to_string().contains("timed out"), "{e}");
    assert_says_each_cause_once(&error_chain(&e));
}

#[tokio::test]
async fn a_success_body_that_does_not_decode_is_a_decode_error_with_the_body() {
    let body = r#"{"status":"success","data":{"id":"cred_1","enabled":"yes"}}"#;
    let server =
        server_answering(ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
    let e = patch(&client(&server.uri())).await.unwrap_err();
    let Error::Decode {
        body: kept,
        path,
        source,
    } = &e
    else {
        panic!("not a decode error: {e:?}")
    };
    assert_eq!(kept.as_ref(), body.as_bytes());
    // The path names the value that failed, the source what was expected.
    assert_eq!(path, "data.enabled");
    assert!(source.is_data(), "{source}");
    assert!(
        source.to_string().contains("expected a boolean"),
        "{source}"
    );
    let shown = e.to_string();
    assert!(shown.contains("at data.enabled"), "{shown}");
    assert!(shown.contains(&format!("{} bytes", body.len())), "{shown}");
    assert!(std::error::Error::source(&e).is_some());
    assert_says_each_cause_once(&error_chain(&e));
}

#[tokio::test]
async fn a_success_body_that_is_not_json_is_a_decode_error() {
    let server = server_answering(
        ResponseTemplate::new(200).set_body_raw("<html>maintenance</html>", "text/html"),
    )
    .await;
    let e = patch(&client(&server.uri())).await.unwrap_err();
    assert!(
        matches!(&e, Error::Decode { body, path, .. }
            if body.as_ref() == b"<html>maintenance</html>" && path == "."),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_redirect_loop_is_a_redirect_error() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", CRED_PATH))
        .mount(&server)
        .await;
    let e = patch(&client(&server.uri())).await.unwrap_err();
    let Error::Redirect {
        status,
        from_origin,
        to_origin,
        reason,
    } = &e
    else {
        panic!("not a redirect error: {e:?}")
    };
    assert_eq!(*status, 307);
    assert_eq!(*reason, calcom::RedirectReason::Loop);
    assert_eq!(from_origin, &server.uri());
    assert_eq!(to_origin, &server.uri());
    assert!(e.to_string().starts_with("Cal.com answered 307"), "{e}");
    // The loop is seen on its first repetition: one request, no redirect followed.
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn invalid_requests_are_refused_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server.uri());
    let e: Error = client
        .update_delegation_credential()
        .org_id(42)
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(
        matches!(&e, Error::InvalidRequest(m) if m.contains("credential_id")),
        "{e:?}"
    );
    assert!(e.to_string().starts_with("invalid request:"), "{e}");
    assert_eq!(received(&server).await.len(), 0);
}

#[test]
fn configuration_errors_convert() {
    fn build() -> calcom::Result<Client> {
        Ok(Client::builder().api_key("not_a_key").build()?)
    }
    let e = build().unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    assert_eq!(e.to_string(), "invalid client configuration");
    // The reason is the source, said once: an anyhow/eyre report of the chain names it once.
    let chain = error_chain(&e);
    assert_eq!(chain.len(), 2, "{chain:?}");
    assert!(chain[1].contains("does not start with `cal_`"), "{chain:?}");
    assert_says_each_cause_once(&chain);
}

/// `Display` of `e` and of each of its sources.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut chain = vec![e.to_string()];
    let mut source = e.source();
    while let Some(cause) = source {
        chain.push(cause.to_string());
        source = cause.source();
    }
    chain
}

/// No message repeats the text of the cause after it.
fn assert_says_each_cause_once(chain: &[String]) {
    for pair in chain.windows(2) {
        assert!(
            !pair[0].contains(pair[1].as_str()),
            "{:?} repeats its cause {:?}",
            pair[0],
            pair[1]
        );
    }
}
