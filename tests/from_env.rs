//! `Client::from_env` / `builder_from_env`. Environment variables are process-wide, so
//! this file holds one test that walks through every case in turn.

#[path = "support/mod.rs"]
mod common;

use calcom::{Client, ConfigError};
use common::{header, mount_success, patch, received};
use wiremock::MockServer;

const VARS: [&str; 6] = [
    "CALCOM_API_KEY",
    "CALCOM_CLIENT_ID",
    "CALCOM_SECRET_KEY",
    "CALCOM_ACCESS_TOKEN",
    "CALCOM_REFRESH_TOKEN",
    "CALCOM_BASE_URL",
];

fn set_only(vars: &[(&str, &str)]) {
    for name in VARS {
        std::env::remove_var(name);
    }
    for (name, value) in vars {
        std::env::set_var(name, value);
    }
}

/// The error `from_env` gives with exactly `vars` set; checks it names `variable` and
/// does not quote any value.
fn env_error(vars: &[(&str, &str)], variable: &str) -> String {
    set_only(vars);
    let e = Client::from_env().unwrap_err();
    let shown = e.to_string();
    assert!(
        shown.contains(variable),
        "{vars:?}: `{shown}` does not name {variable}"
    );
    if let ConfigError::Env { name, .. } = &e {
        assert_eq!(*name, variable, "{vars:?}");
    }
    for (name, value) in vars {
        if *name == "CALCOM_BASE_URL" || value.is_empty() {
            continue; // not a secret: quoting it helps
        }
        assert!(
            !shown.contains(value) && !format!("{e:?}").contains(value),
            "{vars:?}: `{shown}` quotes a value"
        );
    }
    shown
}

#[tokio::test]
async fn from_env_names_the_variable_at_fault() {
    // Nothing set.
    let e = env_error(&[], "CALCOM_API_KEY");
    assert!(
        e.contains("CALCOM_CLIENT_ID") && e.contains("CALCOM_ACCESS_TOKEN"),
        "{e}"
    );
    // Empty counts as unset.
    env_error(&[("CALCOM_API_KEY", "")], "CALCOM_API_KEY");
    // A key without the prefix.
    let e = env_error(&[("CALCOM_API_KEY", "live_SENTINEL")], "CALCOM_API_KEY");
    assert!(e.contains("cal_"), "{e}");
    // A key with a line break.
    env_error(
        &[("CALCOM_API_KEY", "cal_SENTINEL\r\nX: 1")],
        "CALCOM_API_KEY",
    );
    // Half a platform client.
    env_error(
        &[("CALCOM_CLIENT_ID", "clid_SENTINEL")],
        "CALCOM_SECRET_KEY",
    );
    env_error(&[("CALCOM_SECRET_KEY", "sk_SENTINEL")], "CALCOM_CLIENT_ID");
    // Values that cannot be sent.
    env_error(
        &[
            ("CALCOM_CLIENT_ID", "clid SENTINEL"),
            ("CALCOM_SECRET_KEY", "sk"),
        ],
        "CALCOM_CLIENT_ID",
    );
    env_error(
        &[
            ("CALCOM_CLIENT_ID", "clid"),
            ("CALCOM_SECRET_KEY", "sk\nSENTINEL"),
        ],
        "CALCOM_SECRET_KEY",
    );
    env_error(
        &[("CALCOM_ACCESS_TOKEN", "tok\rSENTINEL")],
        "CALCOM_ACCESS_TOKEN",
    );
    // Two bearer credentials.
    env_error(
        &[
            ("CALCOM_API_KEY", "cal_SENTINEL"),
            ("CALCOM_ACCESS_TOKEN", "tok_SENTINEL"),
        ],
        "CALCOM_ACCESS_TOKEN",
    );
    // A refresh token without the access token, or without the platform client.
    env_error(
        &[
            ("CALCOM_CLIENT_ID", "clid"),
            ("CALCOM_SECRET_KEY", "sk"),
            ("CALCOM_REFRESH_TOKEN", "rt_SENTINEL"),
        ],
        "CALCOM_ACCESS_TOKEN",
    );
    let e = env_error(
        &[
            ("CALCOM_ACCESS_TOKEN", "tok_SENTINEL"),
            ("CALCOM_REFRESH_TOKEN", "rt_SENTINEL"),
        ],
        "CALCOM_CLIENT_ID",
    );
    assert!(e.contains("CALCOM_SECRET_KEY"), "{e}");
    env_error(
        &[
            ("CALCOM_CLIENT_ID", "clid_x"),
            ("CALCOM_SECRET_KEY", "sk_x"),
            ("CALCOM_ACCESS_TOKEN", "tok_SENTINEL"),
            ("CALCOM_REFRESH_TOKEN", "rt\nSENTINEL"),
        ],
        "CALCOM_REFRESH_TOKEN",
    );
    // A base URL that is not one.
    env_error(
        &[
            ("CALCOM_API_KEY", "cal_x"),
            ("CALCOM_BASE_URL", "not a url"),
        ],
        "CALCOM_BASE_URL",
    );

    // A working configuration, pointed at a local server through CALCOM_BASE_URL.
    let server = MockServer::start().await;
    mount_success(&server).await;
    let uri = server.uri();
    set_only(&[
        ("CALCOM_API_KEY", "cal_live_env"),
        ("CALCOM_BASE_URL", &uri),
    ]);
    let client = Client::from_env().unwrap();
    patch(&client).await.unwrap();
    set_only(&[
        ("CALCOM_CLIENT_ID", "clid_env"),
        ("CALCOM_SECRET_KEY", "sk_env"),
        ("CALCOM_ACCESS_TOKEN", "tok_env"),
        ("CALCOM_BASE_URL", &uri),
    ]);
    // The builder can be adjusted before building.
    let client = Client::builder_from_env()
        .unwrap()
        .max_retries(0)
        .build()
        .unwrap();
    patch(&client).await.unwrap();
    // With the refresh token too: a managed user whose tokens refresh themselves.
    set_only(&[
        ("CALCOM_CLIENT_ID", "clid_env"),
        ("CALCOM_SECRET_KEY", "sk_env"),
        ("CALCOM_ACCESS_TOKEN", "tok_env"),
        ("CALCOM_REFRESH_TOKEN", "rt_env"),
    ]);
    let tokens = Client::from_env().unwrap().tokens().unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "tok_env");
    assert_eq!(tokens.refresh_token.expose_secret(), "rt_env");
    set_only(&[]);

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(
        header(&requests[0], "authorization"),
        Some("Bearer cal_live_env")
    );
    assert_eq!(header(&requests[0], "x-cal-secret-key"), None);
    assert_eq!(
        header(&requests[1], "authorization"),
        Some("Bearer tok_env")
    );
    assert_eq!(header(&requests[1], "x-cal-client-id"), Some("clid_env"));
    assert_eq!(header(&requests[1], "x-cal-secret-key"), Some("sk_env"));
}
