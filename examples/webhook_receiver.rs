//! A Cal.com webhook receiver: verifies each delivery's signature and prints it.
//!
//! ```text
//! CALCOM_WEBHOOK_SECRET=… cargo run --example webhook_receiver -- [--port N] [--max-deliveries N] [--timeout SECS]
//! ```
//!
//! It listens on 127.0.0.1 only (`--port 0`, the default, picks a free port) and prints
//! `listening on http://127.0.0.1:PORT/` first. Every POST is answered:
//!
//! - `401` when the `X-Cal-Signature-256` signature is missing, malformed, `no-secret-provided`
//!   or does not match the body and the secret (the answer says which);
//! - `200` when it matches: the event is printed (trigger, time, booking uid and title for
//!   booking events; custom payload templates are printed as they came);
//! - `400` for a verified body whose envelope is invalid, `405` for other methods, `413` for
//!   bodies over 1 MiB.
//!
//! It runs until stopped, unless `--max-deliveries N` (exit after answering N requests) or
//! `--timeout SECS` (exit after that long) is given. With `CI` set and neither given, it
//! exits after 30 seconds, so it can never hang a CI run. Expose it to Cal.com through a
//! tunnel of your choice; the secret is the one set on the webhook in Cal.com.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use calcom::webhooks::{self, WebhookError, WebhookEvent};
use calcom::SecretString;
use http_body_util::{BodyExt, Full, Limited};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinSet;

const USAGE: &str = "\
usage: CALCOM_WEBHOOK_SECRET=… cargo run --example webhook_receiver -- [--port N] [--max-deliveries N] [--timeout SECS]";

/// Bodies larger than this are refused: Cal.com's deliveries are a few KiB.
const MAX_BODY: usize = 1 << 20;

/// When the receiver stops on its own.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    /// Stop after answering this many requests.
    pub max_deliveries: Option<u64>,
    /// Stop after this long.
    pub timeout: Option<Duration>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let (port, limits) = match parse_args(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let secret = match std::env::var("CALCOM_WEBHOOK_SECRET") {
        Ok(secret) if !secret.is_empty() => SecretString::new(secret),
        _ => {
            eprintln!("error: set CALCOM_WEBHOOK_SECRET to the webhook's secret\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match serve(listener, secret, limits, |line| println!("{line}")).await {
        Ok(answered) => {
            println!("stopped after {answered} requests");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<(u16, Limits), String> {
    let mut port = 0;
    let mut limits = Limits::default();
    let mut args = args.peekable();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--max-deliveries" => {
                limits.max_deliveries = Some(
                    value()?
                        .parse()
                        .map_err(|e| format!("--max-deliveries: {e}"))?,
                )
            }
            "--timeout" => {
                let secs: u64 = value()?.parse().map_err(|e| format!("--timeout: {e}"))?;
                limits.timeout = Some(Duration::from_secs(secs));
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if std::env::var_os("CI").is_some()
        && limits.max_deliveries.is_none()
        && limits.timeout.is_none()
    {
        limits.timeout = Some(Duration::from_secs(30));
    }
    Ok((port, limits))
}

/// Answers deliveries on `listener` until a limit is reached; returns how many requests
/// were answered. `print` receives one line per delivery (never the secret).
pub async fn serve(
    listener: TcpListener,
    secret: SecretString,
    limits: Limits,
    print: impl Fn(String) + Send + Sync + 'static,
) -> std::io::Result<u64> {
    print(format!("listening on http://{}/", listener.local_addr()?));
    let secret = Arc::new(secret);
    let print = Arc::new(print);
    let answered = Arc::new(AtomicU64::new(0));
    let limit_reached = Arc::new(Notify::new());
    let deadline = async {
        match limits.timeout {
            Some(timeout) => tokio::time::sleep(timeout).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(deadline);
    let mut connections = JoinSet::new();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => accepted?.0,
            _ = limit_reached.notified() => break,
            _ = &mut deadline => break,
        };
        let (secret, print, answered, limit_reached) = (
            secret.clone(),
            print.clone(),
            answered.clone(),
            limit_reached.clone(),
        );
        connections.spawn(async move {
            let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                let (secret, print, answered, limit_reached) = (
                    secret.clone(),
                    print.clone(),
                    answered.clone(),
                    limit_reached.clone(),
                );
                async move {
                    let (status, line) = answer(&secret, request).await;
                    print(format!("{} {line}", status.as_u16()));
                    let count = answered.fetch_add(1, Ordering::SeqCst) + 1;
                    if limits.max_deliveries.is_some_and(|max| count >= max) {
                        limit_reached.notify_one();
                    }
                    let response = Response::builder()
                        .status(status)
                        .header("content-type", "text/plain; charset=utf-8")
                        .body(Full::new(Bytes::from(line + "\n")))
                        .unwrap_or_default();
                    Ok::<_, Infallible>(response)
                }
            });
            // One request per connection: the last answer is written before we exit.
            let _ = http1::Builder::new()
                .keep_alive(false)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
    // Let the connections in flight finish writing their answers.
    while connections.join_next().await.is_some() {}
    Ok(answered.load(Ordering::SeqCst))
}

/// The status and one line (the answer's body, and what is printed) for one request.
async fn answer(
    secret: &SecretString,
    request: Request<hyper::body::Incoming>,
) -> (StatusCode, String) {
    if request.method() != Method::POST {
        return (StatusCode::METHOD_NOT_ALLOWED, "only POST".into());
    }
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                "body too large or broken".into(),
            )
        }
    };
    let verified = webhooks::signature_from_headers(&parts.headers)
        .and_then(|signature| webhooks::verify(secret, &body, signature));
    if let Err(e) = verified {
        return (StatusCode::UNAUTHORIZED, format!("rejected: {e}"));
    }
    match WebhookEvent::parse(&body) {
        Ok(event) => {
            let mut line = format!("{} created {}", event.trigger_event, event.created_at);
            if let Ok(booking) = event.booking() {
                line += &format!(
                    " booking {} {:?}",
                    booking.uid.as_deref().unwrap_or("?"),
                    booking.title.as_deref().unwrap_or_default()
                );
            }
            (StatusCode::OK, line)
        }
        Err(WebhookError::CustomPayload(value)) => {
            (StatusCode::OK, format!("custom payload: {value}"))
        }
        Err(WebhookError::NotJson(_)) => (
            StatusCode::OK,
            format!("custom payload: {}", String::from_utf8_lossy(&body)),
        ),
        Err(e) => (
            StatusCode::BAD_REQUEST,
            format!("verified but unreadable: {e}"),
        ),
    }
}
