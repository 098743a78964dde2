//! Secrets never print: not in `Debug` or `Display` of anything the crate hands out,
//! and not in `tracing` output (nor `log` output, bridged into it) at TRACE level during
//! real requests. One test in this file, because it installs the global subscriber.

#[path = "support/mod.rs"]
mod common;

use calcom::types::{self, GoogleServiceAccountKeyInput};
use calcom::{Client, ServiceAccountKey};
use common::managed_user::{access, refresh, TokenServer};
use common::{cal_error_body, received, recording_sleeper, success_body, Buffer, CRED_PATH};
use serde_json::json;
use tracing_subscriber::util::SubscriberInitExt;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MARK: &str = "SENTINEL";
const API_KEY: &str = "cal_live_SENTINEL_api_key_5f3a";
const CLIENT_ID: &str = "SENTINEL_client_id_77";
const PLATFORM_SECRET: &str = "SENTINEL_platform_secret_9c1";
const ACCESS_TOKEN: &str = "SENTINEL_access_token_e02";
const PRIVATE_KEY: &str =
    "-----BEGIN PRIVATE KEY-----\nMIIEvSENTINELprivatekey==\n-----END PRIVATE KEY-----\n";

/// Everything formatted so far, checked at the end.
#[derive(Default)]
struct Shown(Vec<(String, String)>);

impl Shown {
    fn debug(&mut self, what: &str, value: &dyn std::fmt::Debug) {
        self.0
            .push((format!("{what} (Debug)"), format!("{value:?}")));
        self.0
            .push((format!("{what} (Debug, alternate)"), format!("{value:#?}")));
    }
    fn both(&mut self, what: &str, value: &(impl std::fmt::Debug + std::fmt::Display)) {
        self.debug(what, value);
        self.0
            .push((format!("{what} (Display)"), format!("{value}")));
    }
    /// An error and every cause under it.
    fn chain(&mut self, what: &str, error: &(dyn std::error::Error + 'static)) {
        let mut cause = Some(error);
        let mut depth = 0;
        while let Some(e) = cause {
            self.0
                .push((format!("{what} (cause {depth}, Debug)"), format!("{e:?}")));
            self.0
                .push((format!("{what} (cause {depth}, Display)"), format!("{e}")));
            cause = e.source();
            depth += 1;
        }
    }
}

fn key() -> ServiceAccountKey {
    ServiceAccountKey::google(PRIVATE_KEY, "sa@acme.iam.gserviceaccount.com", "1234567890")
}

#[tokio::test]
async fn sentinel_secrets_never_appear_in_formatting_or_traces() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish()
        .try_init()
        .expect("the only subscriber in this test binary");

    let mut shown = Shown::default();
    let server = MockServer::start().await;
    // Success only with the sentinel credentials; 401 otherwise (Cal.com style).
    Mock::given(method("PATCH"))
        .and(path(CRED_PATH))
        .and(header(
            "authorization",
            format!("Bearer {API_KEY}").as_str(),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(success_body())
                .insert_header("x-request-id", "req-ok"),
        )
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(CRED_PATH))
        .and(header("x-cal-secret-key", PLATFORM_SECRET))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(cal_error_body(
                    CRED_PATH,
                    "UnauthorizedException",
                    "Invalid Access Token",
                    json!({"reason": "expired"}),
                ))
                .insert_header("x-request-id", "req-401"),
        )
        .mount(&server)
        .await;

    // Builders and clients, in each mode.
    let (sleeper, _) = recording_sleeper();
    let builder = Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .sleeper(sleeper.clone());
    shown.debug("API-key builder", &builder);
    let api_client = builder.build().unwrap();
    shown.debug("API-key client", &api_client);
    let builder = Client::builder()
        .platform_client(CLIENT_ID, PLATFORM_SECRET)
        .access_token(ACCESS_TOKEN)
        .base_url(server.uri())
        .retry_non_idempotent(true)
        .sleeper(sleeper);
    shown.debug("platform builder", &builder);
    let platform_client = builder.build().unwrap();
    shown.debug("platform client", &platform_client);
    let token_client = Client::builder()
        .access_token(ACCESS_TOKEN)
        .build()
        .unwrap();
    shown.debug("access-token client", &token_client);
    shown.debug(
        "retrying client",
        &platform_client.retrying_non_idempotent(),
    );

    // `Credentials`, `Bearer` and the auth headers on their own: runtime/src/auth.rs
    // (`credentials_never_show_their_secrets`), now that the module is private.
    shown.both("secret string", &calcom::SecretString::new(PLATFORM_SECRET));

    // Keys and bodies.
    shown.both("service-account key", &key());
    shown.both(
        "Microsoft key",
        &ServiceAccountKey::microsoft(PRIVATE_KEY, "tenant", "app"),
    );
    let google_file = json!({"type": "service_account", "private_key": PRIVATE_KEY,
        "client_email": "sa@acme.iam.gserviceaccount.com", "client_id": "1234567890"});
    let from_file = GoogleServiceAccountKeyInput::from_json_key(&google_file.to_string()).unwrap();
    shown.debug("key from a key file", &from_file);
    let body = types::UpdateDelegationCredentialInput {
        enabled: Some(true),
        service_account_key: vec![key()],
    };
    shown.debug("request body", &body);
    shown.debug(
        "body builder",
        &types::UpdateDelegationCredentialInput::builder().service_account_key(key()),
    );
    shown.debug(
        "key builder",
        &GoogleServiceAccountKeyInput::builder().private_key(PRIVATE_KEY),
    );
    shown.debug(
        "operation builder",
        &api_client
            .update_delegation_credential()
            .org_id(42)
            .credential_id("cred_1")
            .body_map(|b| b.service_account_key(key())),
    );

    // Errors that had a secret in hand.
    for bad in [
        Client::builder().api_key(format!("{API_KEY}\r\nX-Evil: 1")),
        Client::builder().api_key(format!("live_{MARK}")),
        Client::builder()
            .api_key(API_KEY)
            .access_token(ACCESS_TOKEN),
        Client::builder().platform_client(CLIENT_ID, format!("{PLATFORM_SECRET} ")),
        Client::builder().access_token(format!("{ACCESS_TOKEN}\n")),
    ] {
        shown.debug("refused builder", &bad);
        let e = bad.build().unwrap_err();
        shown.both("config error", &e);
        shown.both("config error as calcom::Error", &calcom::Error::from(e));
    }
    // `MissingCredentials` with platform secrets in hand: src/auth.rs, as above.
    let mut wrong_type = google_file.clone();
    wrong_type["type"] = json!("authorized_user");
    let e = GoogleServiceAccountKeyInput::from_json_key(&wrong_type.to_string()).unwrap_err();
    shown.both("key file error", &e);
    let e = GoogleServiceAccountKeyInput::from_json_key(&format!("{{\"private_key\": \"{MARK}"))
        .unwrap_err();
    shown.both("key file syntax error", &e);
    for bad in [
        json!({"private_key": PRIVATE_KEY, "client_email": "e", "tenant_id": "t", "client_id": "c"}),
        json!({"private_key": PRIVATE_KEY, "client_id": "c"}),
        json!({"private_key": PRIVATE_KEY, "client_email": 5, "client_id": "c"}),
        json!({"private_key": [PRIVATE_KEY], "client_email": "e", "client_id": "c"}),
    ] {
        let e = serde_json::from_value::<ServiceAccountKey>(bad).unwrap_err();
        shown.both("key decoding error", &e);
    }

    // Real requests, traced: success with a key in the body, a 503 retried into a 401.
    let ok = api_client
        .update_delegation_credential()
        .org_id(42)
        .credential_id("cred_1")
        .body_map(|b| b.enabled(true).service_account_key(key()))
        .send()
        .await
        .unwrap();
    shown.debug("response", &ok);
    let e: calcom::Error = platform_client
        .update_delegation_credential()
        .org_id(42)
        .credential_id("cred_1")
        .body_map(|b| b.service_account_key(key()))
        .send()
        .await
        .unwrap_err()
        .into();
    assert_eq!(e.status(), Some(reqwest::StatusCode::UNAUTHORIZED), "{e:?}");
    shown.both("401", &e);
    let e: calcom::Error = token_client
        .update_delegation_credential()
        .credential_id("cred_1")
        .send()
        .await
        .unwrap_err()
        .into();
    shown.both("invalid request", &e);

    // Transport errors too (they carry the URL, never the headers).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_addr = closed.local_addr().unwrap();
    drop(closed);
    let unreachable = Client::builder()
        .api_key(API_KEY)
        .platform_client(CLIENT_ID, PLATFORM_SECRET)
        .base_url(format!("http://{closed_addr}"))
        .max_retries(0)
        .build()
        .unwrap();
    let e = common::patch(&unreachable).await.unwrap_err();
    assert!(matches!(e, calcom::Error::Connection(_)), "{e:?}");
    shown.both("connection error", &e);

    // Managed users: the refresh request, the callback, the replay, refresh failures.
    let mu = "SENTINEL_mu_";
    let token_server = TokenServer::start_with_client(mu, CLIENT_ID, PLATFORM_SECRET).await;
    let from_callback = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let record = from_callback.clone();
    let builder = Client::builder()
        .platform_client(CLIENT_ID, PLATFORM_SECRET)
        .managed_user_tokens(access(mu, 0), refresh(mu, 0))
        .base_url(token_server.uri())
        .on_tokens_refreshed(move |tokens| {
            record
                .lock()
                .unwrap()
                .push(format!("{tokens:?} {tokens:#?}"));
        });
    shown.debug("managed-user builder", &builder);
    let managed = builder.build().unwrap();
    shown.debug("managed-user client", &managed);
    common::patch(&managed).await.unwrap();
    shown.debug("managed-user client after a refresh", &managed);
    shown.debug("managed-user tokens", &managed.tokens().unwrap());
    let failures = [
        (
            Some((
                400,
                cal_error_body(
                    "/v2/oauth/x/refresh",
                    "BadRequestException",
                    "Invalid OAuthClient credentials.",
                    json!(null),
                ),
            )),
            false,
            "refused refresh",
        ),
        (
            Some((
                200,
                json!({"status": "success", "data": {"accessToken": format!("{MARK} bad")}}),
            )),
            false,
            "undecodable refresh",
        ),
        (None, true, "broken refresh connection"),
    ];
    for (failure, drops, what) in failures {
        {
            let mut state = token_server.state();
            state.valid_access = None;
            state.refresh_failure = failure;
            state.refresh_connection_drops = drops;
        }
        let e = common::patch(&managed).await.unwrap_err();
        assert!(e.token_refresh().is_some(), "{what}: {e:?}");
        shown.both(what, &e);
        shown.chain(what, &e);
    }
    let e = Client::builder()
        .platform_client(CLIENT_ID, PLATFORM_SECRET)
        .managed_user_tokens(access(mu, 0), refresh(mu, 0))
        .base_url(format!("http://{closed_addr}"))
        .build()
        .unwrap()
        .refresh_tokens()
        .await
        .unwrap_err();
    assert!(
        matches!(
            e.token_refresh(),
            Some(calcom::TokenRefreshError::Transport(_))
        ),
        "{e:?}"
    );
    shown.both("unreachable refresh", &e);
    shown.chain("unreachable refresh", &e);
    for bad in [
        Client::builder().managed_user_tokens(access(mu, 0), refresh(mu, 0)),
        Client::builder()
            .platform_client(CLIENT_ID, PLATFORM_SECRET)
            .access_token(ACCESS_TOKEN)
            .managed_user_tokens(access(mu, 0), refresh(mu, 0)),
        Client::builder()
            .platform_client(CLIENT_ID, PLATFORM_SECRET)
            .managed_user_tokens(access(mu, 0), format!("{MARK}\r\n")),
    ] {
        shown.debug("refused managed-user builder", &bad);
        let e = bad.build().unwrap_err();
        shown.both("managed-user config error", &e);
    }
    let callback_text = from_callback.lock().unwrap().clone();
    assert_eq!(callback_text.len(), 1);
    for text in callback_text {
        shown
            .0
            .push(("the pair given to the callback".into(), text));
    }
    // The tokens did travel: in the refresh body, and on the replay.
    {
        let state = token_server.state();
        let first = &state.refreshes[0];
        assert_eq!(first.header("x-cal-secret-key"), Some(PLATFORM_SECRET));
        assert_eq!(first.json()["refreshToken"], refresh(mu, 0));
        assert_eq!(
            state.calls[1].header("authorization"),
            Some(&*format!("Bearer {}", access(mu, 1)))
        );
    }

    // The secrets did reach the server: the test is looking at the right values.
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    assert_eq!(
        common::header(&requests[0], "authorization"),
        Some(&*format!("Bearer {API_KEY}"))
    );
    assert!(String::from_utf8_lossy(&requests[0].body).contains("MIIEvSENTINEL"));
    assert_eq!(
        common::header(&requests[2], "x-cal-secret-key"),
        Some(PLATFORM_SECRET)
    );
    assert_eq!(
        common::header(&requests[2], "authorization"),
        Some(&*format!("Bearer {ACCESS_TOKEN}"))
    );

    let traces = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    // The subscriber saw the requests (so an empty capture cannot pass).
    assert!(traces.contains("calcom.request"), "{traces}");
    assert!(traces.contains("retrying"), "{traces}");
    assert!(traces.contains("UnauthorizedException"), "{traces}");
    assert!(traces.contains("calcom.token_refresh"), "{traces}");
    assert!(traces.contains("token refresh failed"), "{traces}");
    assert!(traces.contains("replaying with the refreshed"), "{traces}");
    assert!(
        !traces.contains(MARK),
        "a secret reached the traces:\n{traces}"
    );
    for (what, text) in &shown.0 {
        assert!(!text.is_empty(), "{what}");
        assert!(!text.contains(MARK), "{what} shows a secret: {text}");
    }
}
