//! What the request-overhead bench (`request.rs`) and the load bench (`load.rs`) share: the
//! loopback keep-alive HTTP/1.1 server, and the seed PATCH sent through `calcom::Client`
//! and by a hand-written `reqwest` call with the same bytes.
#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use calcom::types::UpdateDelegationCredentialOutput;
use calcom::Client;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use reqwest::header::{HeaderValue, ACCEPT};
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

// ---------------------------------------------------------------------------------------
// The loopback server.

/// What the server saw of one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

pub const SUCCESS_BODY: &str = r#"{"status":"success","data":{"id":"cred_1","enabled":true,"domain":"acme.com","organizationId":42,"workspacePlatform":{"name":"Google","slug":"google"},"createdAt":"2025-01-02T03:04:05.000Z","updatedAt":"2025-09-26T10:00:00.000Z"}}"#;

pub struct Server {
    pub addr: SocketAddr,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts the server on its own thread (a current-thread runtime) on 127.0.0.1.
    pub fn start() -> Server {
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let (stop, mut stopped) = oneshot::channel::<()>();
        let (ready, addr) = std::sync::mpsc::channel();
        let record = seen.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                ready.send(listener.local_addr().unwrap()).unwrap();
                loop {
                    let (stream, _) = tokio::select! {
                        accepted = listener.accept() => accepted.unwrap(),
                        _ = &mut stopped => break,
                    };
                    let record = record.clone();
                    tokio::spawn(async move {
                        let service =
                            service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                                let record = record.clone();
                                async move {
                                    let (parts, body) = req.into_parts();
                                    let body = body
                                        .collect()
                                        .await
                                        .map(|b| b.to_bytes())
                                        .unwrap_or_default();
                                    let mut seen = record.lock().unwrap();
                                    // Only the first requests are kept (the verification step).
                                    if seen.len() < 8 {
                                        let mut headers: Vec<(String, String)> = parts
                                            .headers
                                            .iter()
                                            .map(|(n, v)| {
                                                (
                                                    n.to_string(),
                                                    String::from_utf8_lossy(v.as_bytes())
                                                        .into_owned(),
                                                )
                                            })
                                            .collect();
                                        headers.sort();
                                        seen.push(Seen {
                                            method: parts.method.to_string(),
                                            path: parts.uri.to_string(),
                                            headers,
                                            body,
                                        });
                                    }
                                    drop(seen);
                                    let response = hyper::Response::builder()
                                        .status(200)
                                        .header("content-type", "application/json")
                                        .header("x-request-id", "req-bench-1")
                                        .body(Full::new(Bytes::from_static(
                                            SUCCESS_BODY.as_bytes(),
                                        )))
                                        .unwrap();
                                    Ok::<_, Infallible>(response)
                                }
                            });
                        let _ = http1::Builder::new()
                            .keep_alive(true)
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
            });
        });
        let addr = addr.recv().unwrap();
        Server {
            addr,
            seen,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // Connection tasks end with the runtime when the accept loop returns.
            let _ = thread.join();
        }
    }
}

// ---------------------------------------------------------------------------------------
// The two ways of sending the request.

pub const API_KEY: &str = "cal_live_0123456789abcdef0123456789abcdef";
pub const PRIVATE_KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n";
pub const CLIENT_EMAIL: &str = "sync@acme.iam.gserviceaccount.com";
pub const CLIENT_ID: &str = "1234567890";
pub const USER_AGENT: &str = concat!("calcom-rust/", env!("CARGO_PKG_VERSION"));

/// Our client in its default configuration (PATCH is not retried by default, so the request
/// is never cloned), with no tracing subscriber installed.
pub async fn ours(client: &Client) -> UpdateDelegationCredentialOutput {
    try_ours(client).await.unwrap()
}

/// [`ours`], returning the error instead of panicking (the load bench counts failures).
pub async fn try_ours(client: &Client) -> calcom::Result<UpdateDelegationCredentialOutput> {
    Ok(client
        .update_delegation_credential()
        .org_id(42)
        .credential_id("cred_1")
        .body_map(|b| {
            b.enabled(true)
                .service_account_key(calcom::ServiceAccountKey::google(
                    PRIVATE_KEY,
                    CLIENT_EMAIL,
                    CLIENT_ID,
                ))
        })
        .send()
        .await?
        .into_inner())
}

/// The body a hand-written client would declare: the same fields, in the same order.
#[derive(Serialize)]
struct HandBody<'a> {
    enabled: bool,
    #[serde(rename = "serviceAccountKey")]
    service_account_key: [HandKey<'a>; 1],
}

#[derive(Serialize)]
struct HandKey<'a> {
    client_email: &'a str,
    client_id: &'a str,
    private_key: &'a str,
}

/// The hand-written call: the same method, URL, headers and JSON body bytes, decoded into
/// the same generated type. Written as a careful user would: a borrowed body struct, static
/// header values, `bearer_auth` for the key.
pub async fn hand_written(http: &reqwest::Client, base: &str) -> UpdateDelegationCredentialOutput {
    try_hand_written(http, base).await.unwrap()
}

/// What the hand-written call can fail with.
pub type HandError = Box<dyn std::error::Error + Send + Sync>;

/// [`hand_written`], returning the error instead of panicking.
pub async fn try_hand_written(
    http: &reqwest::Client,
    base: &str,
) -> Result<UpdateDelegationCredentialOutput, HandError> {
    let url = format!(
        "{base}/v2/organizations/{}/delegation-credentials/{}",
        42, "cred_1"
    );
    let body = HandBody {
        enabled: true,
        service_account_key: [HandKey {
            client_email: CLIENT_EMAIL,
            client_id: CLIENT_ID,
            private_key: PRIVATE_KEY,
        }],
    };
    let response = http
        .patch(url)
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .bearer_auth(API_KEY)
        .json(&body)
        .send()
        .await?;
    if !response.status().is_success() {
        return Err(format!("status {}", response.status()).into());
    }
    let bytes = response.bytes().await?;
    Ok(serde_json::from_slice(&bytes)?)
}
