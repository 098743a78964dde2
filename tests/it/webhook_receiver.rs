//! The webhook receiver example against signed, forged, tampered and unsigned deliveries.

#[allow(dead_code)]
#[path = "../../examples/webhook_receiver.rs"]
mod receiver;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use calcom::webhooks::{self, SIGNATURE_HEADER};
use calcom::SecretString;
use tokio::net::TcpListener;

/// A sentinel: it must never appear in anything the receiver prints or answers.
const SECRET: &str = "whsec_SENTINEL_receiver_7f2d";

const DELIVERY: &str = r#"{"triggerEvent":"BOOKING_CREATED","createdAt":"2025-09-26T10:00:00.000Z","payload":{"uid":"bk_42","title":"Intro call","startTime":"2025-10-01T09:00:00Z"}}"#;

#[tokio::test]
async fn verifies_deliveries_and_stops_after_the_limit() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let printed = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = printed.clone();
    let limits = receiver::Limits {
        max_deliveries: Some(6),
        // Only against a hang: the limit above is what stops it.
        timeout: Some(Duration::from_secs(60)),
    };
    let server = tokio::spawn(receiver::serve(
        listener,
        SecretString::new(SECRET),
        limits,
        move |line| sink.lock().unwrap().push(line),
    ));

    calcom::ensure_tls_provider();
    let http = reqwest::Client::new();
    let post = |body: &'static str, signature: Option<String>| {
        let mut request = http.post(&url).body(body);
        if let Some(signature) = signature {
            request = request.header(SIGNATURE_HEADER, signature);
        }
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }
    };
    let signed = webhooks::sign(&SecretString::new(SECRET), DELIVERY.as_bytes());

    let (status, text) = post(DELIVERY, Some(signed.clone())).await;
    assert_eq!(status, 200, "{text}");
    assert!(
        text.contains("BOOKING_CREATED") && text.contains("bk_42"),
        "{text}"
    );

    // Signed with another secret.
    let forged = webhooks::sign(&SecretString::new("whsec_attacker"), DELIVERY.as_bytes());
    let (status, text) = post(DELIVERY, Some(forged)).await;
    assert_eq!(status, 401, "{text}");
    assert!(text.contains("does not match"), "{text}");

    // The right signature of another body.
    let tampered = DELIVERY.replace("bk_42", "bk_43").leak();
    let (status, text) = post(tampered, Some(signed)).await;
    assert_eq!(status, 401, "{text}");

    let (status, text) = post(DELIVERY, Some("no-secret-provided".into())).await;
    assert_eq!(status, 401, "{text}");
    assert!(text.contains("no-secret-provided"), "{text}");

    let (status, text) = post(DELIVERY, None).await;
    assert_eq!(status, 401, "{text}");
    assert!(text.contains("no X-Cal-Signature-256"), "{text}");

    // A custom payload template, correctly signed, is accepted and shown as it came.
    let custom = r#"{"event":"booked","who":"Bob"}"#;
    let signature = webhooks::sign(&SecretString::new(SECRET), custom.as_bytes());
    let (status, text) = post(custom, Some(signature)).await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("custom payload"), "{text}");

    // The sixth answer was the last: the receiver stops on its own.
    let answered = tokio::time::timeout(Duration::from_secs(30), server)
        .await
        .expect("the receiver did not stop after its last delivery")
        .unwrap()
        .unwrap();
    assert_eq!(answered, 6);

    let printed = printed.lock().unwrap();
    assert!(printed[0].starts_with("listening on http://127.0.0.1:"));
    assert_eq!(printed.len(), 7, "{printed:#?}");
    for line in printed.iter() {
        assert!(!line.contains(SECRET), "the secret was printed: {line}");
    }
}

#[tokio::test]
async fn stops_at_its_timeout_without_deliveries() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let limits = receiver::Limits {
        max_deliveries: None,
        timeout: Some(Duration::from_millis(50)),
    };
    let answered = tokio::time::timeout(
        Duration::from_secs(30),
        receiver::serve(listener, SecretString::new(SECRET), limits, |_| {}),
    )
    .await
    .expect("the receiver ignored its timeout")
    .unwrap();
    assert_eq!(answered, 0);
}
