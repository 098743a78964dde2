//! Managed users' tokens on the wire: a call that meets an expired access token (498, or
//! 401 `ACCESS_TOKEN_IS_EXPIRED`) refreshes once for every concurrent call and every
//! clone, replays once with the new token, and hands the new pair to the callback first.
//! Against a mock Cal.com on 127.0.0.1 that rotates the pair on every refresh.

use crate::support as common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use calcom::progenitor_client::{self, ClientHooks, OperationInfo};
use calcom::CredentialError;
use calcom::{Client, ClientBuilder, ConfigError, Error, ManagedUserTokens, TokenRefreshError};
use chrono::{TimeDelta, Utc};
use common::managed_user::{access, refresh, TokenServer, CLIENT_ID, SECRET_KEY};
use common::{cal_error_body, patch};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A client for the mock with the pair `{prefix}access-0` / `{prefix}refresh-0`.
fn builder(server: &TokenServer, prefix: &str) -> ClientBuilder {
    Client::builder()
        .platform_client(CLIENT_ID, SECRET_KEY)
        .managed_user_tokens(access(prefix, 0), refresh(prefix, 0))
        .base_url(server.uri())
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Counts the callback's calls and keeps the pairs it was given.
fn recording_callback() -> (
    impl Fn(&ManagedUserTokens) + Send + Sync + 'static,
    Arc<Mutex<Vec<ManagedUserTokens>>>,
) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    (
        move |tokens: &ManagedUserTokens| record.lock().unwrap().push(tokens.clone()),
        seen,
    )
}

/// Any method and path, through the client's own hooks (auth, refresh, retries, error
/// capture): the vendored document has one PATCH operation, and the refresh must work
/// for every method.
async fn call(
    client: &Client,
    base: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> calcom::Result<Value> {
    let mut request = reqwest::Request::new(method, format!("{base}{path}").parse().unwrap());
    if let Some(body) = body {
        request.headers_mut().insert(
            reqwest::header::CONTENT_TYPE,
            "application/json".parse().unwrap(),
        );
        *request.body_mut() = Some(serde_json::to_vec(&body).unwrap().into());
    }
    // The operation whose auth table accepts `Authorization`.
    let info = OperationInfo {
        operation_id: "update_delegation_credential",
    };
    client.pre::<()>(&mut request, &info).await?;
    let response = client
        .exec(request, &info)
        .await
        .map_err(progenitor_client::Error::<()>::CommunicationError)?;
    if !response.status().is_success() {
        return Err(progenitor_client::Error::<()>::UnexpectedResponse(response).into());
    }
    Ok(response.json().await.unwrap())
}

#[tokio::test]
async fn patch_meets_498_then_refreshes_and_replays_with_the_new_token() {
    let server = TokenServer::start("p-").await;
    let client = builder(&server, "p-").build().unwrap();
    let updated = client
        .update_delegation_credential()
        .org_id(42)
        .credential_id("cred_1")
        .body_map(|b| b.enabled(true))
        .send()
        .await
        .unwrap();
    assert!(updated.data.enabled);

    let state = server.state();
    assert_eq!(
        state.call_tokens(),
        [bearer("p-access-0"), bearer("p-access-1")]
    );
    // The new token replaced the old one: one `Authorization` on each request.
    for c in &state.calls {
        assert_eq!(c.headers.get_all("authorization").iter().count(), 1);
    }
    // The replay is the same request: same method, path and body.
    assert_eq!(state.calls[1].method, "PATCH");
    assert_eq!(state.calls[1].path, state.calls[0].path);
    assert_eq!(state.calls[1].json(), json!({"enabled": true}));
    assert_eq!(state.calls[1].json(), state.calls[0].json());
    // One refresh, as Cal.com wants it: the secret key, the refresh token in the body,
    // no bearer token.
    assert_eq!(state.refreshes.len(), 1);
    let r = &state.refreshes[0];
    assert_eq!(r.path, format!("/v2/oauth/{CLIENT_ID}/refresh"));
    assert_eq!(r.header("x-cal-secret-key"), Some(SECRET_KEY));
    assert_eq!(r.header("authorization"), None);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json(), json!({"refreshToken": "p-refresh-0"}));
    drop(state);

    let tokens = client.tokens().unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "p-access-1");
    assert_eq!(tokens.refresh_token.expose_secret(), "p-refresh-1");
    let now = Utc::now();
    let access_at = tokens.access_token_expires_at.unwrap();
    assert!(access_at > now + TimeDelta::minutes(55), "{access_at}");
    assert!(tokens.refresh_token_expires_at.unwrap() > now + TimeDelta::days(360));
}

#[tokio::test]
async fn get_post_and_delete_are_replayed_with_the_new_token() {
    let server = TokenServer::start("m-").await;
    let base = server.uri();
    let client = builder(&server, "m-").build().unwrap();
    let cases = [
        (Method::GET, "/v2/me", None),
        (
            Method::POST,
            "/v2/bookings",
            Some(json!({"start": "2025-10-01T09:00:00Z", "eventTypeId": 7})),
        ),
        (Method::DELETE, "/v2/webhooks/wh_1", None),
    ];
    for (n, (method, path, body)) in cases.into_iter().enumerate() {
        let n = n as u64;
        // The token the client holds has expired on the server.
        server.state().valid_access = None;
        let answer = call(&client, &base, method.clone(), path, body.clone())
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e:?}"));
        assert_eq!(answer["method"], method.as_str());
        assert_eq!(answer["echo"], body.clone().unwrap_or(Value::Null));
        let state = server.state();
        let calls = &state.calls[state.calls.len() - 2..];
        assert_eq!(
            calls
                .iter()
                .map(|c| (
                    c.method.as_str(),
                    c.path.as_str(),
                    c.header("authorization")
                ))
                .collect::<Vec<_>>(),
            [
                (method.as_str(), path, Some(&*bearer(&access("m-", n)))),
                (method.as_str(), path, Some(&*bearer(&access("m-", n + 1)))),
            ],
            "{method} {path}"
        );
        assert_eq!(calls[1].body, calls[0].body, "{method} {path}");
        assert_eq!(state.refreshes.len() as u64, n + 1);
    }
}

#[tokio::test]
async fn a_second_expired_answer_after_the_refresh_is_returned() {
    let server = TokenServer::start("s-").await;
    server.state().refreshed_tokens_expired = true;
    let (callback, refreshed) = recording_callback();
    let client = builder(&server, "s-")
        .on_tokens_refreshed(callback)
        .build()
        .unwrap();
    let e = patch(&client).await.unwrap_err();
    assert!(e.is_token_expired(), "{e:?}");
    assert_eq!(e.status().map(|s| s.as_u16()), Some(498));
    assert_eq!(
        e.api().and_then(|a| a.message.as_deref()),
        Some("ACCESS_TOKEN_IS_EXPIRED")
    );
    // Replayed once, refreshed once: no loop.
    assert_eq!(
        server.state().call_tokens(),
        [bearer("s-access-0"), bearer("s-access-1")]
    );
    assert_eq!(server.refresh_requests(), 1);
    // The refresh itself succeeded: its pair is kept and was handed out.
    assert_eq!(refreshed.lock().unwrap().len(), 1);
    assert_eq!(
        client.tokens().unwrap().refresh_token.expose_secret(),
        "s-refresh-1"
    );
}

#[tokio::test]
async fn a_401_saying_access_token_is_expired_refreshes_too_but_other_401s_do_not() {
    let server = TokenServer::start("u-").await;
    server.state().expired_as_401 = true;
    let client = builder(&server, "u-").build().unwrap();
    patch(&client).await.unwrap();
    assert_eq!(
        server.state().call_tokens(),
        [bearer("u-access-0"), bearer("u-access-1")]
    );
    assert_eq!(server.refresh_requests(), 1);

    // A token the server never issued: a plain 401, returned as it is.
    let stranger = Client::builder()
        .platform_client(CLIENT_ID, SECRET_KEY)
        .managed_user_tokens("not-issued", "u-refresh-1")
        .base_url(server.uri())
        .build()
        .unwrap();
    let e = patch(&stranger).await.unwrap_err();
    assert_eq!(e.status(), Some(StatusCode::UNAUTHORIZED), "{e:?}");
    assert!(!e.is_token_expired());
    assert_eq!(server.refresh_requests(), 1);
}

#[tokio::test]
async fn refreshes_before_sending_when_the_access_token_expires_within_a_minute() {
    let server = TokenServer::start("x-").await;
    server.state().valid_access = Some(access("x-", 0));
    let tokens = ManagedUserTokens {
        access_token_expires_at: Some(Utc::now() + TimeDelta::seconds(30)),
        ..ManagedUserTokens::new(access("x-", 0), refresh("x-", 0))
    };
    let client = Client::builder()
        .platform_client(CLIENT_ID, SECRET_KEY)
        .managed_user(tokens)
        .base_url(server.uri())
        .build()
        .unwrap();
    patch(&client).await.unwrap();
    // The old token was still valid, but the call went out with the new one.
    assert_eq!(server.state().call_tokens(), [bearer("x-access-1")]);
    assert_eq!(server.refresh_requests(), 1);
    // The new token lives an hour: no refresh for the next call.
    patch(&client).await.unwrap();
    assert_eq!(server.refresh_requests(), 1);

    // An expiry half an hour away: no refresh.
    let server = TokenServer::start("y-").await;
    server.state().valid_access = Some(access("y-", 0));
    let tokens = ManagedUserTokens {
        access_token_expires_at: Some(Utc::now() + TimeDelta::minutes(30)),
        ..ManagedUserTokens::new(access("y-", 0), refresh("y-", 0))
    };
    let client = Client::builder()
        .platform_client(CLIENT_ID, SECRET_KEY)
        .managed_user(tokens)
        .base_url(server.uri())
        .build()
        .unwrap();
    patch(&client).await.unwrap();
    assert_eq!(server.state().call_tokens(), [bearer("y-access-0")]);
    assert_eq!(server.refresh_requests(), 0);
}

#[tokio::test]
async fn the_expiry_a_refresh_returns_drives_the_next_proactive_refresh() {
    let server = TokenServer::start("e-").await;
    // Tokens the server hands out expire in 30 s: inside the one-minute margin.
    server.state().access_lifetime_ms = 30_000;
    let client = builder(&server, "e-").build().unwrap();
    patch(&client).await.unwrap(); // 498, refresh, replay
    patch(&client).await.unwrap(); // refresh first
    assert_eq!(
        server.state().call_tokens(),
        [
            bearer("e-access-0"),
            bearer("e-access-1"),
            bearer("e-access-2")
        ]
    );
    assert_eq!(server.refresh_requests(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_calls_that_meet_498_share_one_refresh() {
    const CALLS: usize = 50;
    let server = TokenServer::start("r-").await;
    // The refresh is answered only once every call has met its 498.
    server.state().hold_refresh_until_expired = Some(CALLS);
    let (callback, refreshed) = recording_callback();
    let client = builder(&server, "r-")
        .on_tokens_refreshed(callback)
        .build()
        .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CALLS {
        let client = client.clone();
        tasks.spawn(async move { patch(&client).await });
    }
    let results = tokio::time::timeout(Duration::from_secs(60), tasks.join_all())
        .await
        .expect("the calls finish");
    for result in &results {
        assert!(result.is_ok(), "{result:?}");
    }
    let state = server.state();
    assert_eq!(state.expired_answers, CALLS, "every call met a 498");
    assert_eq!(state.refreshes.len(), 1, "exactly one refresh request");
    let tokens = state.call_tokens();
    assert_eq!(tokens.len(), 2 * CALLS);
    let replays = tokens
        .iter()
        .filter(|t| **t == bearer("r-access-1"))
        .count();
    assert_eq!(replays, CALLS, "every call replayed with the new token");
    assert_eq!(refreshed.lock().unwrap().len(), 1, "one callback");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_calls_share_a_failed_refresh_too() {
    const CALLS: usize = 10;
    let server = TokenServer::start("f-").await;
    {
        let mut state = server.state();
        state.hold_refresh_until_expired = Some(CALLS);
        state.refresh_failure = Some((
            400,
            cal_error_body(
                "/v2/oauth/x/refresh",
                "BadRequestException",
                "Invalid refresh token",
                Value::Null,
            ),
        ));
    }
    let client = builder(&server, "f-").build().unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CALLS {
        let client = client.clone();
        tasks.spawn(async move { patch(&client).await });
    }
    let results = tokio::time::timeout(Duration::from_secs(60), tasks.join_all())
        .await
        .expect("the calls finish");
    for result in results {
        let e = result.unwrap_err();
        let api = e.token_refresh().and_then(TokenRefreshError::api);
        assert_eq!(api.map(|a| a.status.as_u16()), Some(400), "{e:?}");
    }
    assert_eq!(server.refresh_requests(), 1);
    assert_eq!(server.state().calls.len(), CALLS, "no replay");
}

#[tokio::test]
async fn clones_share_the_token_state() {
    let server = TokenServer::start("c-").await;
    let client = builder(&server, "c-").build().unwrap();
    let clone = client.clone();
    let fewer_retries = client.with_max_retries(0);
    patch(&clone).await.unwrap();
    // The original and the derived client use the pair the clone's refresh got.
    assert_eq!(
        client.tokens().unwrap().access_token.expose_secret(),
        "c-access-1"
    );
    patch(&client).await.unwrap();
    patch(&fewer_retries).await.unwrap();
    assert_eq!(
        server.state().call_tokens(),
        [
            bearer("c-access-0"),
            bearer("c-access-1"),
            bearer("c-access-1"),
            bearer("c-access-1")
        ]
    );
    assert_eq!(server.refresh_requests(), 1);
}

#[tokio::test]
async fn the_callback_runs_once_per_refresh_before_the_replay() {
    let server = TokenServer::start("k-").await;
    let shared = server.shared();
    // What the server had received when the callback ran.
    let calls_at_callback = Arc::new(Mutex::new(Vec::new()));
    let record = calls_at_callback.clone();
    let pairs = Arc::new(Mutex::new(Vec::<ManagedUserTokens>::new()));
    let keep = pairs.clone();
    let client = builder(&server, "k-")
        .on_tokens_refreshed(move |tokens| {
            record
                .lock()
                .unwrap()
                .push(shared.lock().unwrap().calls.len());
            keep.lock().unwrap().push(tokens.clone());
        })
        .build()
        .unwrap();
    patch(&client).await.unwrap();
    assert_eq!(*calls_at_callback.lock().unwrap(), [1], "before the replay");
    assert_eq!(server.state().calls.len(), 2);
    {
        let pairs = pairs.lock().unwrap();
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].access_token.expose_secret(), "k-access-1");
        assert_eq!(pairs[0].refresh_token.expose_secret(), "k-refresh-1");
        assert!(pairs[0].access_token_expires_at.is_some());
        assert_eq!(pairs[0], client.tokens().unwrap());
    }

    // On demand: through the same path, one more callback.
    let fresh = client.refresh_tokens().await.unwrap();
    assert_eq!(fresh.refresh_token.expose_secret(), "k-refresh-2");
    assert_eq!(fresh, client.tokens().unwrap());
    assert_eq!(pairs.lock().unwrap().len(), 2);
    assert_eq!(server.refresh_requests(), 2);
    // No call is made for an on-demand refresh.
    assert_eq!(server.state().calls.len(), 2);
}

#[tokio::test]
async fn a_failed_refresh_is_typed_keeps_the_old_pair_and_does_not_loop() {
    let refused = cal_error_body(
        "/v2/oauth/clid_managed/refresh",
        "BadRequestException",
        "Invalid refresh token",
        Value::Null,
    );
    // (what the refresh answers, whether its connection drops, what the error is)
    type Case = (Option<(u16, Value)>, bool, &'static str);
    let cases: [Case; 4] = [
        (Some((400, refused)), false, "refused (4xx)"),
        (
            Some((503, json!({"message": "Service Unavailable"}))),
            false,
            "refused (5xx)",
        ),
        (
            Some((
                200,
                json!({"status": "success", "data": {"accessToken": "a"}}),
            )),
            false,
            "decode",
        ),
        (None, true, "transport"),
    ];
    for (failure, drops, kind) in cases {
        let server = TokenServer::start("z-").await;
        {
            let mut state = server.state();
            state.refresh_failure = failure.clone();
            state.refresh_connection_drops = drops;
        }
        let (callback, refreshed) = recording_callback();
        // Retries on: the refresh is never retried all the same (it rotates the pair).
        let client = builder(&server, "z-")
            .retry_non_idempotent(true)
            .max_retries(3)
            .on_tokens_refreshed(callback)
            .build()
            .unwrap();
        let before = client.tokens().unwrap();
        let e = patch(&client).await.unwrap_err();
        let Error::TokenRefresh(cause) = &e else {
            panic!("{kind}: {e:?}")
        };
        match (kind, cause) {
            ("refused (4xx)", TokenRefreshError::Refused(api)) => {
                assert_eq!(api.status, StatusCode::BAD_REQUEST);
                assert_eq!(api.code.as_deref(), Some("BadRequestException"));
                assert_eq!(api.message.as_deref(), Some("Invalid refresh token"));
            }
            ("refused (5xx)", TokenRefreshError::Refused(api)) => {
                assert_eq!(api.status, StatusCode::SERVICE_UNAVAILABLE);
                assert_eq!(api.message.as_deref(), Some("Service Unavailable"));
            }
            ("decode", TokenRefreshError::Decode { status, field }) => {
                assert_eq!(*status, StatusCode::OK);
                assert_eq!(*field, "data.refreshToken");
            }
            ("transport", TokenRefreshError::Transport(source)) => {
                // The URL (it holds the client id) is left out.
                assert_eq!(source.url(), None);
                assert!(!format!("{e:?}").contains(CLIENT_ID), "{e:?}");
            }
            _ => panic!("{kind}: {e:?}"),
        }
        assert!(!e.is_token_expired());
        assert_eq!(
            client.tokens().unwrap(),
            before,
            "{kind}: the old pair is kept"
        );
        assert!(refreshed.lock().unwrap().is_empty(), "{kind}");
        assert_eq!(server.refresh_requests(), 1, "{kind}: one attempt");
        assert_eq!(server.state().calls.len(), 1, "{kind}: no replay");
        // The next call tries once more, and only once.
        patch(&client).await.unwrap_err();
        assert_eq!(server.refresh_requests(), 2, "{kind}");
        // Once the refresh works again, so do the calls.
        {
            let mut state = server.state();
            state.refresh_failure = None;
            state.refresh_connection_drops = false;
        }
        patch(&client).await.unwrap();
        assert_eq!(refreshed.lock().unwrap().len(), 1, "{kind}");
    }
}

#[tokio::test]
async fn a_failed_proactive_refresh_sends_the_old_token_and_tries_only_once() {
    let server = TokenServer::start("q-").await;
    server.state().refresh_failure = Some((503, json!({"message": "down"})));
    let tokens = ManagedUserTokens {
        access_token_expires_at: Some(Utc::now() + TimeDelta::seconds(20)),
        ..ManagedUserTokens::new(access("q-", 0), refresh("q-", 0))
    };
    let client = Client::builder()
        .platform_client(CLIENT_ID, SECRET_KEY)
        .managed_user(tokens)
        .base_url(server.uri())
        .build()
        .unwrap();
    // Still valid on the server: the call succeeds with it.
    server.state().valid_access = Some(access("q-", 0));
    patch(&client).await.unwrap();
    assert_eq!(server.refresh_requests(), 1);
    // Expired on the server: the answer is the refresh failure, without a second attempt.
    server.state().valid_access = None;
    let e = patch(&client).await.unwrap_err();
    assert_eq!(
        e.token_refresh()
            .and_then(TokenRefreshError::api)
            .map(|a| a.status.as_u16()),
        Some(503),
        "{e:?}"
    );
    assert_eq!(server.refresh_requests(), 2, "one attempt per call");
}

#[tokio::test]
async fn force_refresh_recovers_a_lost_refresh_token() {
    let server = TokenServer::start("g-").await;
    let (callback, refreshed) = recording_callback();
    let client = builder(&server, "g-")
        .on_tokens_refreshed(callback)
        .build()
        .unwrap();
    let tokens = client.force_refresh_tokens(7).await.unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "g-access-1");
    assert_eq!(client.tokens().unwrap(), tokens);
    assert_eq!(refreshed.lock().unwrap().len(), 1);
    {
        let state = server.state();
        let r = &state.refreshes[0];
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.path,
            format!("/v2/oauth-clients/{CLIENT_ID}/users/7/force-refresh")
        );
        assert_eq!(r.header("x-cal-secret-key"), Some(SECRET_KEY));
        assert!(r.body.is_empty());
    }
    patch(&client).await.unwrap();
    assert_eq!(server.state().call_tokens(), [bearer("g-access-1")]);

    // A platform client without a managed user's tokens gets the pair, and keeps none.
    let platform = Client::builder()
        .platform_client(CLIENT_ID, SECRET_KEY)
        .base_url(server.uri())
        .build()
        .unwrap();
    let tokens = platform.force_refresh_tokens(7).await.unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "g-access-2");
    assert!(platform.tokens().is_none());

    // Without a platform client there is no secret key to ask with.
    let e = Client::builder()
        .access_token("t")
        .base_url(server.uri())
        .build()
        .unwrap()
        .force_refresh_tokens(7)
        .await
        .unwrap_err();
    assert!(
        matches!(e.token_refresh(), Some(TokenRefreshError::NotConfigured(_))),
        "{e:?}"
    );
    assert_eq!(server.refresh_requests(), 2);
}

#[tokio::test]
async fn an_access_token_alone_keeps_todays_behaviour() {
    let server = TokenServer::start("a-").await;
    let client = Client::builder()
        .platform_client(CLIENT_ID, SECRET_KEY)
        .access_token(access("a-", 0))
        .base_url(server.uri())
        .build()
        .unwrap();
    let e = patch(&client).await.unwrap_err();
    assert!(e.is_token_expired(), "{e:?}");
    assert_eq!(server.refresh_requests(), 0);
    assert_eq!(server.state().calls.len(), 1);
    assert!(client.tokens().is_none());
    let e = client.refresh_tokens().await.unwrap_err();
    assert!(
        matches!(e.token_refresh(), Some(TokenRefreshError::NotConfigured(_))),
        "{e:?}"
    );
    assert!(e.to_string().contains("could not be refreshed"), "{e}");
}

#[test]
fn misconfigurations_are_refused_with_the_reason() {
    let message = |b: ClientBuilder| b.build().unwrap_err().to_string();
    let e = message(Client::builder().managed_user_tokens("a", "r"));
    assert!(
        e.contains("platform_client") && e.contains("secret key"),
        "{e}"
    );
    let e = message(Client::builder().on_tokens_refreshed(|_| {}));
    assert!(e.contains("managed_user_tokens"), "{e}");
    let e = message(
        Client::builder()
            .platform_client("id", "sk")
            .access_token("a")
            .managed_user_tokens("a", "r"),
    );
    assert!(e.contains("access_token") && e.contains("both"), "{e}");
    let e = Client::builder()
        .api_key("cal_live_x")
        .platform_client("id", "sk")
        .managed_user_tokens("a", "r")
        .build()
        .unwrap_err();
    assert!(
        matches!(e, ConfigError::Credential(CredentialError::TwoBearers)),
        "{e:?}"
    );
    for (access_token, refresh_token, what) in [
        ("", "r", "access token"),
        ("a", "", "refresh token"),
        ("a", "r\nX: 1", "refresh token"),
    ] {
        let e = Client::builder()
            .platform_client("id", "sk")
            .managed_user_tokens(access_token, refresh_token)
            .build()
            .unwrap_err();
        assert!(e.to_string().contains(what), "{what}: {e}");
    }
    Client::builder()
        .platform_client("id", "sk")
        .managed_user_tokens("a", "r")
        .on_tokens_refreshed(|_| {})
        .build()
        .unwrap();
}

/// Polls `done` (an upper bound against hangs, not a timing assertion).
async fn wait_for(what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn a_refresh_completes_and_is_kept_when_its_call_is_dropped() {
    let server = TokenServer::start("d-").await;
    // Hold the refresh answer until released.
    server.state().hold_refresh_until_expired = Some(usize::MAX);
    let (callback, refreshed) = recording_callback();
    let client = builder(&server, "d-")
        .on_tokens_refreshed(callback)
        .build()
        .unwrap();
    let call = tokio::spawn({
        let client = client.clone();
        async move { patch(&client).await }
    });
    // The refresh request is on the wire: drop the call that started it.
    wait_for("the refresh request", || {
        server.state().refresh_arrivals == 1
    })
    .await;
    call.abort();
    assert!(call.await.unwrap_err().is_cancelled());
    server.state().hold_refresh_until_expired = None;
    // The refresh still completes: its pair is stored and handed to the callback.
    wait_for("the refresh completes", || {
        !refreshed.lock().unwrap().is_empty()
    })
    .await;
    assert_eq!(
        client.tokens().unwrap().refresh_token.expose_secret(),
        "d-refresh-1"
    );
    patch(&client).await.unwrap();
    assert_eq!(server.refresh_requests(), 1);
}
