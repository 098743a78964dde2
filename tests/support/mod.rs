//! The integration tests' one helper tree, shared by `tests/it` and the suites that need a
//! binary of their own (`tests/from_env.rs`, `tests/secrets.rs`; `tests/forward_compat.rs` takes
//! only the modules that hold for any document):
//!
//! - here: wiremock servers and answers for the vendored operation, a recording sleeper;
//! - `raw`: raw TCP servers on 127.0.0.1 for fault injection;
//! - `managed_user`: a mock Cal.com that issues and refreshes managed-user tokens;
//! - `doc`, `synth`, `values`, `schemas`, `deviations`, `report`: the round-trip suites'
//!   normalised document, instance synthesiser, checkers and accepted deviations;
//! - `prism`: the Prism mock server; `compat`: the forward-compatibility comparison.

#![allow(dead_code)]

pub mod compat;
pub mod deviations;
pub mod doc;
pub mod managed_user;
pub mod prism;
pub mod raw;
pub mod report;
#[cfg(feature = "schemars")]
pub mod schemas;
pub mod stack;
pub mod synth;
pub mod values;

// `calcom_for_each_schema!` and `CALCOM_SKIPPED_SCHEMAS`, generated with the client.
include!(concat!(env!("OUT_DIR"), "/calcom_schema_registry.rs"));

use std::sync::{Arc, Mutex};
use std::time::Duration;

use calcom::testing::Sleeper;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The path of the vendored operation for org 42, credential `cred_1`.
pub const CRED_PATH: &str = "/v2/organizations/42/delegation-credentials/cred_1";

/// A realistic success answer for the delegation-credentials PATCH.
pub fn success_body() -> Value {
    json!({
        "status": "success",
        "data": {
            "id": "cred_1",
            "enabled": true,
            "domain": "acme.com",
            "organizationId": 42,
            "workspacePlatform": {"name": "Google", "slug": "google"},
            "createdAt": "2025-01-02T03:04:05.000Z",
            "updatedAt": "2025-09-26T10:00:00.000Z"
        }
    })
}

/// Cal.com's error envelope.
pub fn cal_error_body(status_path: &str, code: &str, message: &str, details: Value) -> Value {
    json!({
        "status": "error",
        "timestamp": "2025-09-26T10:00:00.000Z",
        "path": status_path,
        "error": {"code": code, "message": message, "details": details}
    })
}

/// Mounts a 200 success answer for the vendored operation.
pub async fn mount_success(server: &MockServer) {
    Mock::given(method("PATCH"))
        .and(path(CRED_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(success_body()))
        .mount(server)
        .await;
}

/// A sleeper that records every delay and returns at once.
pub fn recording_sleeper() -> (Sleeper, Arc<Mutex<Vec<Duration>>>) {
    let delays = Arc::new(Mutex::new(Vec::new()));
    let recorded = delays.clone();
    let sleeper: Sleeper = Arc::new(move |d| {
        recorded.lock().unwrap().push(d);
        Box::pin(async {})
    });
    (sleeper, delays)
}

/// Every request the server received.
pub async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}

/// One header of a received request, as text.
pub fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Sends the vendored PATCH with an empty body and converts the error.
pub async fn patch(
    client: &calcom::Client,
) -> calcom::Result<calcom::types::UpdateDelegationCredentialOutput> {
    let response = client
        .update_delegation_credential()
        .org_id(42)
        .credential_id("cred_1")
        .send()
        .await?;
    Ok(response.into_inner())
}

/// A server on 127.0.0.1 that accepts connections and closes them at once; counts them.
pub async fn closing_server() -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(socket);
        }
    });
    (format!("http://{addr}"), accepted)
}

/// An in-memory writer for capturing `tracing` output.
#[derive(Clone, Default)]
pub struct Buffer(pub Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Answers `first` `times` times, then 200.
pub async fn answers_then_ok(first: ResponseTemplate, times: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(CRED_PATH))
        .respond_with(first)
        .up_to_n_times(times)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(CRED_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(success_body()))
        .mount(&server)
        .await;
    server
}
