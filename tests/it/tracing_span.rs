//! The `calcom.request` span covers the request only: while a request waits, events of
//! other work polled on the same thread are not logged inside it.

use crate::support as common;

use std::time::Duration;

use calcom::Client;
use common::{success_body, Buffer, CRED_PATH};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn the_request_span_does_not_leak_into_concurrent_work() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(CRED_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(success_body())
                .insert_header("x-request-id", "req-span")
                .set_delay(Duration::from_millis(300)),
        )
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();

    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    // Both futures are polled by this one task: while the request waits for its answer,
    // the other one logs.
    let other = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        tracing::info!("unrelated work");
    };
    let (result, ()) = tokio::join!(common::patch(&client), other);
    result.unwrap();
    tracing::info!("after the request");

    let traces = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    let line = |needle: &str| {
        traces
            .lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no `{needle}` in:\n{traces}"))
            .to_string()
    };
    assert!(
        !line("unrelated work").contains("calcom.request"),
        "{traces}"
    );
    assert!(
        !line("after the request").contains("calcom.request"),
        "{traces}"
    );
}
