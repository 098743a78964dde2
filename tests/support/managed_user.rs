//! A mock Cal.com for managed users on 127.0.0.1: it accepts only the current access
//! token, answers older ones with 498 like Cal.com, and rotates the pair on every refresh
//! (the refresh token used stops working), so a second refresh racing the first fails.
//!
//! Built on hyper rather than wiremock because a handler can wait: the race test holds
//! the refresh answer until every concurrent call has met its 498.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use reqwest::header::HeaderMap;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use super::{cal_error_body, success_body};

/// The platform client the mock knows.
pub const CLIENT_ID: &str = "clid_managed";
/// Its secret key.
pub const SECRET_KEY: &str = "sk_managed";

/// One request the mock received.
#[derive(Debug, Clone)]
pub struct Received {
    /// HTTP method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

impl Received {
    /// One header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON (`Null` when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// What the mock holds; tests read and change it through [`TokenServer::state`].
pub struct TokenState {
    /// The platform client id the refresh wants in its path.
    pub client_id: String,
    /// The secret key it wants in `x-cal-secret-key`.
    pub secret_key: String,
    /// Prefix of every token (`{prefix}access-{n}`, `{prefix}refresh-{n}`).
    pub prefix: String,
    /// The access token accepted now (`None`: none is).
    pub valid_access: Option<String>,
    /// The refresh token that works now.
    pub refresh: String,
    /// Successful refreshes so far.
    pub generation: u64,
    /// Answer expired tokens with 401 `ACCESS_TOKEN_IS_EXPIRED` instead of 498.
    pub expired_as_401: bool,
    /// The refresh hands out a pair whose access token the API answers with 498 at once.
    pub refreshed_tokens_expired: bool,
    /// When set, the refresh answers this status and body instead of refreshing.
    pub refresh_failure: Option<(u16, Value)>,
    /// Close the connection of a refresh request without answering.
    pub refresh_connection_drops: bool,
    /// Hold refresh answers until this many calls have been answered as expired
    /// (at most 30 s, so that a broken client cannot hang the test).
    pub hold_refresh_until_expired: Option<usize>,
    /// Lifetime of the access tokens the refresh hands out, in milliseconds.
    pub access_lifetime_ms: i64,
    /// Calls answered as expired.
    pub expired_answers: usize,
    /// Refresh requests that arrived (counted before any hold).
    pub refresh_arrivals: usize,
    /// Refresh and force-refresh requests, in order.
    pub refreshes: Vec<Received>,
    /// Every other request, in order.
    pub calls: Vec<Received>,
}

impl TokenState {
    /// The `Authorization` of every API call, in order.
    pub fn call_tokens(&self) -> Vec<String> {
        self.calls
            .iter()
            .map(|c| c.header("authorization").unwrap_or("-").to_string())
            .collect()
    }
}

/// The access token handed out by refresh number `n` (`0`: the one the test starts with).
pub fn access(prefix: &str, n: u64) -> String {
    format!("{prefix}access-{n}")
}

/// The refresh token handed out with it.
pub fn refresh(prefix: &str, n: u64) -> String {
    format!("{prefix}refresh-{n}")
}

/// The mock server; stops when dropped.
pub struct TokenServer {
    uri: String,
    state: Arc<Mutex<TokenState>>,
    _connections: tokio::task::JoinHandle<()>,
}

impl Drop for TokenServer {
    fn drop(&mut self) {
        self._connections.abort();
    }
}

impl TokenServer {
    /// A mock whose current pair is `{prefix}access-0` (already expired: answered with
    /// 498) and `{prefix}refresh-0`.
    pub async fn start(prefix: &str) -> Self {
        Self::start_with_client(prefix, CLIENT_ID, SECRET_KEY).await
    }

    /// [`start`](Self::start) for another platform client.
    pub async fn start_with_client(prefix: &str, client_id: &str, secret_key: &str) -> Self {
        let state = Arc::new(Mutex::new(TokenState {
            client_id: client_id.to_string(),
            secret_key: secret_key.to_string(),
            prefix: prefix.to_string(),
            valid_access: None,
            refresh: refresh(prefix, 0),
            generation: 0,
            expired_as_401: false,
            refreshed_tokens_expired: false,
            refresh_failure: None,
            refresh_connection_drops: false,
            hold_refresh_until_expired: None,
            access_lifetime_ms: 3_600_000,
            expired_answers: 0,
            refresh_arrivals: 0,
            refreshes: Vec::new(),
            calls: Vec::new(),
        }));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let uri = format!("http://{}", listener.local_addr().unwrap());
        let shared = state.clone();
        let task = tokio::spawn(async move {
            // Dropping the set (when the accept loop is aborted) stops every connection.
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                let state = shared.clone();
                connections.spawn(async move {
                    let service = service_fn(move |request| handle(state.clone(), request));
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            uri,
            state,
            _connections: task,
        }
    }

    /// The state, shared (for callbacks that look at what the server received).
    pub fn shared(&self) -> Arc<Mutex<TokenState>> {
        self.state.clone()
    }

    /// The mock's state.
    pub fn state(&self) -> MutexGuard<'_, TokenState> {
        self.state.lock().unwrap()
    }

    /// The base URL.
    pub fn uri(&self) -> String {
        self.uri.clone()
    }

    /// Refresh requests received so far.
    pub fn refresh_requests(&self) -> usize {
        self.state().refreshes.len()
    }
}

type Answer = hyper::Response<Full<Bytes>>;

fn answer(status: u16, body: &Value) -> Answer {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("x-request-id", format!("req-{status}"))
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}

async fn handle(
    state: Arc<Mutex<TokenState>>,
    request: hyper::Request<hyper::body::Incoming>,
) -> Result<Answer, std::io::Error> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let received = Received {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        headers: parts.headers,
        body,
    };
    let segments: Vec<&str> = received.path.split('/').collect();
    let refresh = received.method == "POST"
        && (matches!(segments[..], ["", "v2", "oauth", _, "refresh"])
            || matches!(
                segments[..],
                ["", "v2", "oauth-clients", _, "users", _, "force-refresh"]
            ));
    if refresh {
        state.lock().unwrap().refresh_arrivals += 1;
        hold(&state).await;
        let mut state = state.lock().unwrap();
        if state.refresh_connection_drops {
            state.refreshes.push(received);
            // hyper closes the connection when the service fails.
            return Err(std::io::Error::other("dropping the refresh connection"));
        }
        Ok(answer_refresh(&mut state, received))
    } else {
        Ok(answer_call(&mut state.lock().unwrap(), received))
    }
}

/// Waits until enough calls met an expired token, when the test asks for it.
async fn hold(state: &Mutex<TokenState>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let ready = {
            let s = state.lock().unwrap();
            s.hold_refresh_until_expired
                .is_none_or(|n| s.expired_answers >= n)
        };
        if ready || tokio::time::Instant::now() > deadline {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// `POST /v2/oauth/{clientId}/refresh` and `…/force-refresh`, as Cal.com answers them.
fn answer_refresh(state: &mut TokenState, request: Received) -> Answer {
    let path = request.path.clone();
    let force = path.ends_with("/force-refresh");
    let secret_ok = request.header("x-cal-secret-key") == Some(state.secret_key.as_str());
    let client_ok = path.split('/').nth(3) == Some(state.client_id.as_str());
    let given = request.json()["refreshToken"].as_str().map(str::to_string);
    state.refreshes.push(request);
    if !secret_ok || !client_ok {
        return answer(
            401,
            &cal_error_body(
                &path,
                "UnauthorizedException",
                "ApiAuthStrategy - oAuth client - Invalid client secret",
                Value::Null,
            ),
        );
    }
    if let Some((status, body)) = &state.refresh_failure {
        return answer(*status, body);
    }
    if !force && given.as_deref() != Some(state.refresh.as_str()) {
        // Cal.com: the refresh token was deleted by an earlier refresh.
        return answer(
            400,
            &cal_error_body(
                &path,
                "BadRequestException",
                "Invalid OAuthClient credentials.",
                Value::Null,
            ),
        );
    }
    state.generation += 1;
    let n = state.generation;
    let new_access = access(&state.prefix, n);
    let new_refresh = refresh(&state.prefix, n);
    state.valid_access = (!state.refreshed_tokens_expired).then(|| new_access.clone());
    state.refresh = new_refresh.clone();
    let now = chrono::Utc::now().timestamp_millis();
    answer(
        200,
        &json!({
            "status": "success",
            "data": {
                "accessToken": new_access,
                "refreshToken": new_refresh,
                "accessTokenExpiresAt": now + state.access_lifetime_ms,
                "refreshTokenExpiresAt": now + 365 * 24 * 3_600_000i64,
            }
        }),
    )
}

/// Any API call: 200 for the current access token (echoing the method and body), 498
/// (or 401) for a token the mock issued earlier, 401 for anything else.
fn answer_call(state: &mut TokenState, request: Received) -> Answer {
    let path = request.path.clone();
    let token = request
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string();
    let method = request.method.clone();
    let echo = request.json();
    state.calls.push(request);
    if state.valid_access.as_deref() == Some(token.as_str()) {
        let mut body = success_body();
        body["method"] = json!(method);
        body["echo"] = echo;
        return answer(200, &body);
    }
    let issued = (0..=state.generation).any(|n| token == access(&state.prefix, n));
    if !issued {
        return answer(
            401,
            &cal_error_body(
                &path,
                "UnauthorizedException",
                "ApiAuthStrategy - access token - Invalid Access Token",
                Value::Null,
            ),
        );
    }
    state.expired_answers += 1;
    let expired = json!({
        "status": "error",
        "timestamp": "2025-09-26T10:00:00.000Z",
        "path": path,
        "error": {"code": "HttpException", "message": "ACCESS_TOKEN_IS_EXPIRED"}
    });
    answer(if state.expired_as_401 { 401 } else { 498 }, &expired)
}
