//! Managed users: access tokens that refresh themselves.
//!
//! ```text
//! cargo run --example managed_user
//! ```
//!
//! Never leaves the machine: it starts a mock Cal.com on 127.0.0.1 that behaves like the
//! real one for managed users. The access token the client starts with has expired, so
//! the first call is answered with HTTP 498; the client refreshes the pair
//! (`POST /v2/oauth/{clientId}/refresh` with the platform client's secret key), hands the
//! new pair to the callback (printed redacted here; persist it in your own code), and
//! replays the call with the new token. Each refresh rotates the pair, so a second client
//! still holding the old refresh token is refused, with a typed error.
//!
//! In your own code, `Client::from_env()` reads `CALCOM_CLIENT_ID`, `CALCOM_SECRET_KEY`,
//! `CALCOM_ACCESS_TOKEN` and `CALCOM_REFRESH_TOKEN` into the same configuration.

use std::error::Error as StdError;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use calcom::{Client, Error, ManagedUserTokens};
use serde_json::{json, Value};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The platform OAuth client the mock knows. Not real: these exist only in this file.
const DEMO_CLIENT_ID: &str = "managed-user-demo-client";
const DEMO_SECRET_KEY: &str = "managed-user-demo-secret";
/// The pair the managed user had stored an hour ago: its access token has expired.
const STORED_ACCESS_TOKEN: &str = "demo-access-token-0";
const STORED_REFRESH_TOKEN: &str = "demo-refresh-token-0";

type BoxError = Box<dyn StdError + Send + Sync>;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            let mut source = e.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), BoxError> {
    let mock = MockCalCom::start().await;
    println!(
        "Mock Cal.com listening on {} (nothing leaves this machine)\n",
        mock.server.uri()
    );

    let refreshes = Arc::new(AtomicUsize::new(0));
    let counted = refreshes.clone();
    let client = Client::builder()
        .platform_client(DEMO_CLIENT_ID, DEMO_SECRET_KEY)
        .managed_user_tokens(STORED_ACCESS_TOKEN, STORED_REFRESH_TOKEN)
        .on_tokens_refreshed(move |tokens: &ManagedUserTokens| {
            counted.fetch_add(1, Ordering::SeqCst);
            // Persist `tokens.refresh_token.expose_secret()` here: the old one is gone.
            println!("   callback: the client refreshed the pair; store it:");
            println!("     {tokens:?}");
        })
        .base_url(mock.server.uri())
        .build()?;

    println!("1. A call with the stored (expired) access token");
    let updated = client
        .update_delegation_credential()
        .org_id(42)
        .credential_id("cred_demo_1")
        .body_map(|b| b.enabled(true))
        .send()
        .await
        .map_err(Error::from)?;
    println!(
        "   result:   credential {} enabled: {}",
        updated.data.id, updated.data.enabled
    );
    let log = mock.log();
    for line in &log {
        println!("   wire:     {line}");
    }
    let expected = [
        "PATCH with the old access token -> 498 ACCESS_TOKEN_IS_EXPIRED",
        "POST /v2/oauth/{clientId}/refresh -> 200, new pair #1",
        "PATCH with access token #1 -> 200",
    ];
    if log != expected || refreshes.load(Ordering::SeqCst) != 1 {
        return Err(format!("unexpected exchange: {log:?}").into());
    }

    let now = client
        .tokens()
        .ok_or("the client has no managed user's tokens")?;
    println!("\n2. The client now holds the new pair (tokens never print):");
    println!("   {now:?}");

    println!("\n3. Another client still holding the old pair cannot refresh: it was rotated");
    let stale = Client::builder()
        .platform_client(DEMO_CLIENT_ID, DEMO_SECRET_KEY)
        .managed_user_tokens(STORED_ACCESS_TOKEN, STORED_REFRESH_TOKEN)
        .base_url(mock.server.uri())
        .build()?;
    match stale
        .update_delegation_credential()
        .org_id(42)
        .credential_id("cred_demo_1")
        .send()
        .await
        .map_err(Error::from)
    {
        Ok(_) => return Err("a rotated refresh token was accepted".into()),
        Err(e) => {
            let api = e
                .token_refresh()
                .and_then(|cause| cause.api())
                .ok_or_else(|| format!("expected a refused refresh, got: {e}"))?;
            println!("   error:    {e}");
            println!("   refresh:  {api}");
            println!(
                "   (recover with client.force_refresh_tokens(user_id), which needs only the \
                 platform client)"
            );
        }
    }
    println!("\nDone.");
    Ok(())
}

/// What the mock holds: the one access token and the one refresh token that work now.
struct Tokens {
    generation: u64,
    access: String,
    refresh: String,
    log: Vec<String>,
}

/// A mock Cal.com for one managed user, on 127.0.0.1.
struct MockCalCom {
    server: MockServer,
    tokens: Arc<Mutex<Tokens>>,
}

impl MockCalCom {
    async fn start() -> Self {
        let tokens = Arc::new(Mutex::new(Tokens {
            generation: 0,
            // The stored access token has expired: no access token is valid yet.
            access: String::new(),
            refresh: STORED_REFRESH_TOKEN.to_string(),
            log: Vec::new(),
        }));
        let server = MockServer::builder().start().await;
        Mock::given(method("POST"))
            .and(path_regex(r"^/v2/oauth/[^/]+/refresh$"))
            .respond_with(Refresh(tokens.clone()))
            .mount(&server)
            .await;
        Mock::given(method("PATCH"))
            .and(path_regex(
                r"^/v2/organizations/[0-9]+/delegation-credentials/[^/]+$",
            ))
            .respond_with(Api(tokens.clone()))
            .mount(&server)
            .await;
        Self { server, tokens }
    }

    fn log(&self) -> Vec<String> {
        self.tokens
            .lock()
            .map(|t| t.log.clone())
            .unwrap_or_default()
    }
}

fn cal_error(status: u16, path: &str, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "status": "error",
        "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "path": path,
        "error": {"code": code, "message": message}
    }))
}

/// `POST /v2/oauth/{clientId}/refresh`: rotates the pair, like Cal.com.
struct Refresh(Arc<Mutex<Tokens>>);

impl Respond for Refresh {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path();
        let Ok(mut tokens) = self.0.lock() else {
            return ResponseTemplate::new(500);
        };
        let secret = request
            .headers
            .get("x-cal-secret-key")
            .and_then(|v| v.to_str().ok());
        if secret != Some(DEMO_SECRET_KEY) || path.split('/').nth(3) != Some(DEMO_CLIENT_ID) {
            tokens.log.push(format!("POST {path} -> 401"));
            return cal_error(401, path, "UnauthorizedException", "Invalid client secret");
        }
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        if body["refreshToken"].as_str() != Some(tokens.refresh.as_str()) {
            tokens.log.push(
                "POST /v2/oauth/{clientId}/refresh -> 400, refresh token already used".into(),
            );
            return cal_error(
                400,
                path,
                "BadRequestException",
                "Invalid OAuthClient credentials.",
            );
        }
        tokens.generation += 1;
        let n = tokens.generation;
        tokens.access = format!("demo-access-token-{n}");
        tokens.refresh = format!("demo-refresh-token-{n}");
        tokens.log.push(format!(
            "POST /v2/oauth/{{clientId}}/refresh -> 200, new pair #{n}"
        ));
        let now = chrono::Utc::now().timestamp_millis();
        ResponseTemplate::new(200).set_body_json(json!({
            "status": "success",
            "data": {
                "accessToken": tokens.access,
                "refreshToken": tokens.refresh,
                "accessTokenExpiresAt": now + 60 * 60 * 1000,
                "refreshTokenExpiresAt": now + 365 * 24 * 60 * 60 * 1000i64,
            }
        }))
    }
}

/// The delegation-credentials PATCH: 200 for the current access token, 498 for an
/// expired one, 401 for anything else.
struct Api(Arc<Mutex<Tokens>>);

impl Respond for Api {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path();
        let Ok(mut tokens) = self.0.lock() else {
            return ResponseTemplate::new(500);
        };
        let token = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default()
            .to_string();
        if !tokens.access.is_empty() && token == tokens.access {
            let line = format!("PATCH with access token #{} -> 200", tokens.generation);
            tokens.log.push(line);
            let body: Value = serde_json::from_slice(&request.body).unwrap_or(json!({}));
            let segments: Vec<&str> = path.split('/').collect();
            return ResponseTemplate::new(200).set_body_json(json!({
                "status": "success",
                "data": {
                    "id": segments.get(5).copied().unwrap_or_default(),
                    "enabled": body["enabled"].as_bool().unwrap_or(false),
                    "domain": "acme.com",
                    "organizationId": segments.get(3).and_then(|s| s.parse::<i64>().ok()).unwrap_or(0),
                    "workspacePlatform": {"name": "Google", "slug": "google"},
                    "createdAt": "2025-06-02T09:30:00.000Z",
                    "updatedAt": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                }
            }));
        }
        let issued = (0..=tokens.generation).any(|n| token == format!("demo-access-token-{n}"));
        if issued {
            let which = if token == STORED_ACCESS_TOKEN {
                "the old access token".to_string()
            } else {
                "an expired access token".to_string()
            };
            tokens
                .log
                .push(format!("PATCH with {which} -> 498 ACCESS_TOKEN_IS_EXPIRED"));
            return cal_error(498, path, "HttpException", "ACCESS_TOKEN_IS_EXPIRED");
        }
        tokens.log.push("PATCH with an unknown token -> 401".into());
        cal_error(401, path, "UnauthorizedException", "Invalid Access Token")
    }
}
