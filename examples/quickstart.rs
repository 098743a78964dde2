//! Quickstart: update an organisation's delegation credential with each kind of credential.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! By default this never leaves the machine: it starts a mock Cal.com on 127.0.0.1 that
//! checks the auth headers like the real API (a Cal.com-style 401 when they are missing or
//! wrong), then calls it with an API key, a platform OAuth client and a managed user's
//! access token, and finally makes one call with a wrong key to show the typed error.
//!
//! To call the real API instead, set `CALCOM_API_KEY` and name the credential:
//!
//! ```text
//! CALCOM_API_KEY=cal_live_… cargo run --example quickstart -- --org-id 42 --credential-id cred_1
//! ```
//!
//! That sends a PATCH with an empty body (which changes nothing) unless `--enabled true` or
//! `--enabled false` is given. `CALCOM_BASE_URL` overrides `https://api.cal.com`.

use std::error::Error as StdError;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use calcom::types::UpdateDelegationCredentialOutput;
use calcom::{Client, Error, ServiceAccountKey};
use serde_json::json;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Credentials the mock server accepts. They are not real: they exist only in this file.
const DEMO_API_KEY: &str = "cal_live_quickstart_demo_key";
const DEMO_CLIENT_ID: &str = "quickstart-platform-client";
const DEMO_SECRET_KEY: &str = "quickstart-platform-secret";
const DEMO_ACCESS_TOKEN: &str = "quickstart-managed-user-token";

const DEMO_ORG_ID: i64 = 42;
const DEMO_CREDENTIAL_ID: &str = "cred_demo_1";

const USAGE: &str = "\
usage: cargo run --example quickstart [-- --org-id N --credential-id ID [--enabled true|false]]

Without arguments, runs against a mock Cal.com on 127.0.0.1 (nothing leaves the machine).
With CALCOM_API_KEY set and both --org-id and --credential-id, calls the real API
(CALCOM_BASE_URL overrides https://api.cal.com) with an empty PATCH body, or with
{\"enabled\": …} when --enabled is given.";

type BoxError = Box<dyn StdError + Send + Sync>;

#[tokio::main]
async fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            // Each error says what happened once and leaves the cause to `source()`.
            let mut source = e.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}

/// Command-line arguments.
#[derive(Debug, Default)]
struct Args {
    org_id: Option<i64>,
    credential_id: Option<String>,
    enabled: Option<bool>,
}

impl Args {
    /// `Ok(None)` for `--help`.
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
        let mut parsed = Args::default();
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) => (name.to_string(), Some(value.to_string())),
                None => (arg, None),
            };
            if name == "-h" || name == "--help" {
                return Ok(None);
            }
            if !matches!(name.as_str(), "--org-id" | "--credential-id" | "--enabled") {
                return Err(format!("unknown argument `{name}`"));
            }
            let value = match inline.or_else(|| args.next()) {
                Some(v) if !v.is_empty() => v,
                _ => return Err(format!("{name} needs a value")),
            };
            match name.as_str() {
                "--org-id" => {
                    let id = value
                        .parse::<i64>()
                        .map_err(|_| format!("--org-id must be a number, not `{value}`"))?;
                    parsed.org_id = Some(id);
                }
                "--credential-id" => parsed.credential_id = Some(value),
                _ => {
                    let enabled = value
                        .parse::<bool>()
                        .map_err(|_| format!("--enabled must be true or false, not `{value}`"))?;
                    parsed.enabled = Some(enabled);
                }
            }
        }
        Ok(Some(parsed))
    }
}

async fn run(args: Args) -> Result<(), BoxError> {
    let has_key = std::env::var_os("CALCOM_API_KEY").is_some_and(|v| !v.is_empty());
    match (&args.org_id, &args.credential_id, has_key) {
        (Some(org_id), Some(credential_id), true) => {
            return real_api(*org_id, credential_id, args.enabled).await;
        }
        (None, None, true) => println!(
            "note: CALCOM_API_KEY is set, but the real API is called only with \
             --org-id and --credential-id; using the local mock.\n"
        ),
        (Some(_), Some(_), false) => println!(
            "note: --org-id and --credential-id are given, but CALCOM_API_KEY is not set; \
             using the local mock.\n"
        ),
        (None, None, false) => {}
        _ => return Err("give both --org-id and --credential-id, or neither".into()),
    }
    mock_demo().await
}

/// One PATCH to the real API, configured from the environment.
async fn real_api(org_id: i64, credential_id: &str, enabled: Option<bool>) -> Result<(), BoxError> {
    let client = Client::from_env()?;
    let base = std::env::var("CALCOM_BASE_URL").unwrap_or_else(|_| calcom::DEFAULT_BASE_URL.into());
    println!(
        "Calling {base}: PATCH /v2/organizations/{org_id}/delegation-credentials/{credential_id}"
    );
    let mut request = client
        .update_delegation_credential()
        .org_id(org_id)
        .credential_id(credential_id);
    if let Some(enabled) = enabled {
        request = request.body_map(|b| b.enabled(enabled));
    }
    match request.send().await {
        Ok(response) => {
            print_credential(&response.into_inner());
            Ok(())
        }
        Err(e) => {
            let e = Error::from(e);
            print_api_details(&e);
            Err(e.into())
        }
    }
}

/// The three kinds of credentials against the mock, then one deliberate error.
async fn mock_demo() -> Result<(), BoxError> {
    let server = MockServer::builder().start().await;
    Mock::given(method("PATCH"))
        .and(path_regex(
            r"^/v2/organizations/[0-9]+/delegation-credentials/[^/]+$",
        ))
        .respond_with(MockCalCom::default())
        .mount(&server)
        .await;
    println!(
        "Mock Cal.com listening on {} (nothing leaves this machine)\n",
        server.uri()
    );

    println!("1. API key (Authorization: Bearer cal_…), enabling the credential with a Google key");
    let client = Client::builder()
        .api_key(DEMO_API_KEY)
        .base_url(server.uri())
        .build()?;
    let key = ServiceAccountKey::google(
        "-----BEGIN PRIVATE KEY-----\n(demo key)\n-----END PRIVATE KEY-----\n",
        "cal-delegation@acme-calendar.iam.gserviceaccount.com",
        "109876543210987654321",
    );
    let updated = client
        .update_delegation_credential()
        .org_id(DEMO_ORG_ID)
        .credential_id(DEMO_CREDENTIAL_ID)
        .body_map(|b| b.enabled(true).service_account_key(key))
        .send()
        .await
        .map_err(Error::from)?;
    print_credential(&updated.into_inner());

    println!("\n2. Platform OAuth client (x-cal-client-id + x-cal-secret-key), disabling it");
    let client = Client::builder()
        .platform_client(DEMO_CLIENT_ID, DEMO_SECRET_KEY)
        .base_url(server.uri())
        .build()?;
    let updated = client
        .update_delegation_credential()
        .org_id(DEMO_ORG_ID)
        .credential_id(DEMO_CREDENTIAL_ID)
        .body_map(|b| b.enabled(false))
        .send()
        .await
        .map_err(Error::from)?;
    print_credential(&updated.into_inner());

    println!("\n3. Managed user's access token (Authorization: Bearer …), changing nothing");
    let client = Client::builder()
        .access_token(DEMO_ACCESS_TOKEN)
        .base_url(server.uri())
        .build()?;
    let updated = client
        .update_delegation_credential()
        .org_id(DEMO_ORG_ID)
        .credential_id(DEMO_CREDENTIAL_ID)
        .send()
        .await
        .map_err(Error::from)?;
    print_credential(&updated.into_inner());

    println!("\n4. A wrong API key, to show the typed error");
    let client = Client::builder()
        .api_key("cal_live_not_the_right_key")
        .base_url(server.uri())
        .build()?;
    match client
        .update_delegation_credential()
        .org_id(DEMO_ORG_ID)
        .credential_id(DEMO_CREDENTIAL_ID)
        .send()
        .await
    {
        Ok(_) => return Err("the mock accepted a wrong API key".into()),
        Err(e) => {
            let e = Error::from(e);
            if e.status() != Some(reqwest::StatusCode::UNAUTHORIZED) {
                return Err(format!("expected a 401 from the mock, got: {e}").into());
            }
            println!("   error:        {e}");
            print_api_details(&e);
        }
    }

    println!("\n5. A key that cannot be an API key is refused before anything is sent");
    match Client::builder().api_key("live_missing_prefix").build() {
        Ok(_) => return Err("a key without the `cal_` prefix was accepted".into()),
        Err(e) => println!("   {e}"),
    }

    println!(
        "\nDone. Run with CALCOM_API_KEY set and --org-id/--credential-id to call the real API."
    );
    Ok(())
}

fn print_credential(out: &UpdateDelegationCredentialOutput) {
    let c = &out.data;
    println!("   status:       {}", out.status);
    println!(
        "   credential:   {} (organization {})",
        c.id, c.organization_id
    );
    println!("   enabled:      {}", c.enabled);
    println!("   domain:       {}", c.domain);
    println!(
        "   platform:     {} ({})",
        c.workspace_platform.name, c.workspace_platform.slug
    );
    println!(
        "   created at:   {}",
        c.created_at.format("%Y-%m-%d %H:%M:%S UTC")
    );
    println!(
        "   updated at:   {}",
        c.updated_at.format("%Y-%m-%d %H:%M:%S UTC")
    );
}

/// What Cal.com said, field by field, for an API error.
fn print_api_details(e: &Error) {
    if let Error::Api(api) = e {
        println!("   status:       {}", api.status);
        println!("   code:         {}", api.code.as_deref().unwrap_or("-"));
        println!("   message:      {}", api.message.as_deref().unwrap_or("-"));
        println!(
            "   request id:   {}",
            api.request_id.as_deref().unwrap_or("-")
        );
        if let Some(details) = &api.details {
            println!("   details:      {details}");
        }
    }
}

/// Answers the delegation-credentials PATCH like Cal.com: 401 unless the auth headers
/// carry one of the demo credentials, else the updated credential. It remembers
/// `enabled` between calls, like the real thing.
struct MockCalCom {
    requests: AtomicU64,
    enabled: AtomicBool,
}

impl Default for MockCalCom {
    fn default() -> Self {
        Self {
            requests: AtomicU64::new(0),
            enabled: AtomicBool::new(false),
        }
    }
}

impl MockCalCom {
    fn authorised(request: &Request) -> Result<(), &'static str> {
        let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
        let bearer = header("authorization").and_then(|v| v.strip_prefix("Bearer "));
        let platform = (header("x-cal-client-id"), header("x-cal-secret-key"));
        match (bearer, platform) {
            (Some(token), _) if token == DEMO_API_KEY || token == DEMO_ACCESS_TOKEN => Ok(()),
            (Some(token), _) if token.starts_with("cal_") => Err("Invalid API Key"),
            (Some(_), _) => Err("Invalid Access Token"),
            (None, (Some(id), Some(secret)))
                if id == DEMO_CLIENT_ID && secret == DEMO_SECRET_KEY =>
            {
                Ok(())
            }
            (None, (Some(_), Some(_))) => Err("Invalid OAuth client id or secret key"),
            (None, _) => {
                Err("No authentication: send an API key, an access token or an OAuth client")
            }
        }
    }
}

impl Respond for MockCalCom {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        let request_id = format!("mock-{n:04}");
        let path = request.url.path().to_string();
        if let Err(message) = Self::authorised(request) {
            return ResponseTemplate::new(401)
                .insert_header("x-request-id", request_id.as_str())
                .set_body_json(json!({
                    "status": "error",
                    "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    "path": path,
                    "error": {
                        "code": "UnauthorizedException",
                        "message": message,
                        "details": {"message": message, "error": "Unauthorized", "statusCode": 401}
                    }
                }));
        }
        // `/v2/organizations/{orgId}/delegation-credentials/{credentialId}`
        let segments: Vec<&str> = path.split('/').collect();
        let org_id = segments
            .get(3)
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0);
        let credential_id = segments.get(5).copied().unwrap_or_default();
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or(json!({}));
        if let Some(enabled) = body.get("enabled").and_then(|v| v.as_bool()) {
            self.enabled.store(enabled, Ordering::SeqCst);
        }
        let enabled = self.enabled.load(Ordering::SeqCst);
        ResponseTemplate::new(200)
            .insert_header("x-request-id", request_id.as_str())
            .set_body_json(json!({
                "status": "success",
                "data": {
                    "id": credential_id,
                    "enabled": enabled,
                    "domain": "acme.com",
                    "organizationId": org_id,
                    "workspacePlatform": {"name": "Google", "slug": "google"},
                    "createdAt": "2025-06-02T09:30:00.000Z",
                    "updatedAt": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                }
            }))
    }
}
