//! Which auth headers each credential mode sends, and which credentials `build()` refuses.

use crate::support as common;

use calcom::CredentialError;
use calcom::{Client, ConfigError};
use common::{header, mount_success, patch, received};
use wiremock::MockServer;

async fn one_request(builder: calcom::ClientBuilder) -> wiremock::Request {
    let server = MockServer::start().await;
    mount_success(&server).await;
    let client = builder.base_url(server.uri()).build().unwrap();
    patch(&client).await.unwrap();
    let mut requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    requests.remove(0)
}

#[tokio::test]
async fn api_key_is_sent_as_bearer() {
    let r = one_request(Client::builder().api_key("cal_live_0123abcd")).await;
    assert_eq!(
        header(&r, "authorization"),
        Some("Bearer cal_live_0123abcd")
    );
    assert_eq!(header(&r, "x-cal-client-id"), None);
    assert_eq!(header(&r, "x-cal-secret-key"), None);
}

#[tokio::test]
async fn platform_client_sends_id_and_secret_without_authorization() {
    let r = one_request(Client::builder().platform_client("clid_1", "sk_platform_1")).await;
    assert_eq!(header(&r, "x-cal-client-id"), Some("clid_1"));
    assert_eq!(header(&r, "x-cal-secret-key"), Some("sk_platform_1"));
    assert_eq!(header(&r, "authorization"), None);
}

#[tokio::test]
async fn access_token_is_sent_as_bearer() {
    let r = one_request(Client::builder().access_token("eyJhbGciOi.token")).await;
    assert_eq!(header(&r, "authorization"), Some("Bearer eyJhbGciOi.token"));
    assert_eq!(header(&r, "x-cal-client-id"), None);
    assert_eq!(header(&r, "x-cal-secret-key"), None);
}

#[tokio::test]
async fn platform_client_and_access_token_together() {
    let r = one_request(
        Client::builder()
            .platform_client("clid_1", "sk_platform_1")
            .access_token("managed_user_token"),
    )
    .await;
    assert_eq!(
        header(&r, "authorization"),
        Some("Bearer managed_user_token")
    );
    assert_eq!(header(&r, "x-cal-client-id"), Some("clid_1"));
    assert_eq!(header(&r, "x-cal-secret-key"), Some("sk_platform_1"));
}

#[tokio::test]
async fn no_credentials_sends_no_auth_headers_for_an_all_optional_operation() {
    let r = one_request(Client::builder()).await;
    assert_eq!(header(&r, "authorization"), None);
    assert_eq!(header(&r, "x-cal-client-id"), None);
    assert_eq!(header(&r, "x-cal-secret-key"), None);
    // The vendored operation documents no `cal-api-version`, so none is sent.
    assert_eq!(header(&r, "cal-api-version"), None);
}

#[tokio::test]
async fn user_agent_defaults_to_the_crate_and_can_be_replaced() {
    let r = one_request(Client::builder().api_key("cal_x")).await;
    assert_eq!(
        header(&r, "user-agent"),
        Some(concat!("calcom-rust/", env!("CARGO_PKG_VERSION")))
    );
    let r = one_request(Client::builder().api_key("cal_x").user_agent("my-app/2.0")).await;
    assert_eq!(header(&r, "user-agent"), Some("my-app/2.0"));
}

/// A `build()` error, checked not to quote `secret`.
fn refused(builder: calcom::ClientBuilder, secret: &str) -> ConfigError {
    let e = builder.build().unwrap_err();
    let shown = format!("{e} {e:?}");
    assert!(
        !shown.contains(secret),
        "error quotes the credential: {shown}"
    );
    // Not even a recognisable part of it.
    assert!(!shown.contains("SENTINEL"), "{shown}");
    e
}

#[test]
fn api_keys_without_the_cal_prefix_are_refused() {
    let e = refused(
        Client::builder().api_key("live_SENTINEL_123"),
        "live_SENTINEL_123",
    );
    assert!(
        matches!(e, ConfigError::Credential(CredentialError::ApiKeyPrefix)),
        "{e:?}"
    );
    assert!(e.to_string().contains("`cal_`"), "{e}");
    // A Bearer-prefixed key is a common mistake: refused too.
    let e = refused(
        Client::builder().api_key("Bearer cal_SENTINEL"),
        "cal_SENTINEL",
    );
    assert!(matches!(e, ConfigError::Credential(_)), "{e:?}");
}

#[test]
fn credentials_that_cannot_be_header_values_are_refused() {
    let bad = [
        "cal_SENTINEL\r\nX-Injected: 1",
        "cal_SENTINEL\n",
        "cal_SENTINEL\r",
        "cal_SENT INEL",
        "cal_SENTINEL\t",
        "cal_SENTINEL\0",
        "cal_SENTINEL\u{7f}",
        "cal_SENTINELé",
    ];
    for key in bad {
        let e = refused(Client::builder().api_key(key), key);
        assert!(
            matches!(
                e,
                ConfigError::Credential(CredentialError::NotHeaderSafe("API key"))
            ),
            "{key:?}: {e:?}"
        );
        let e = refused(Client::builder().access_token(key), key);
        assert!(
            matches!(
                e,
                ConfigError::Credential(CredentialError::NotHeaderSafe("access token"))
            ),
            "{key:?}: {e:?}"
        );
        let e = refused(Client::builder().platform_client("clid", key), key);
        assert!(
            matches!(
                e,
                ConfigError::Credential(CredentialError::NotHeaderSafe("platform secret key"))
            ),
            "{key:?}: {e:?}"
        );
        let e = refused(Client::builder().platform_client(key, "sk"), key);
        assert!(
            matches!(
                e,
                ConfigError::Credential(CredentialError::NotHeaderSafe("platform client id"))
            ),
            "{key:?}: {e:?}"
        );
    }
    let e = refused(Client::builder().api_key(""), "SENTINEL");
    assert!(
        matches!(
            e,
            ConfigError::Credential(CredentialError::Empty("API key"))
        ),
        "{e:?}"
    );
}

#[test]
fn an_api_key_and_an_access_token_together_are_refused() {
    let e = refused(
        Client::builder()
            .api_key("cal_SENTINEL_a")
            .access_token("SENTINEL_b"),
        "SENTINEL",
    );
    assert!(
        matches!(e, ConfigError::Credential(CredentialError::TwoBearers)),
        "{e:?}"
    );
}

#[test]
fn other_settings_are_checked_at_build_time() {
    let e = Client::builder().base_url("not a url").build().unwrap_err();
    assert!(matches!(e, ConfigError::BaseUrl { .. }), "{e:?}");
    let e = Client::builder()
        .base_url("ftp://example.com")
        .build()
        .unwrap_err();
    assert!(matches!(e, ConfigError::BaseUrl { .. }), "{e:?}");
    let e = Client::builder()
        .user_agent("bad\nagent")
        .build()
        .unwrap_err();
    assert!(matches!(e, ConfigError::Invalid(_)), "{e:?}");
    let e = Client::builder()
        .api_version("2024\r\n")
        .build()
        .unwrap_err();
    assert!(matches!(e, ConfigError::Invalid(_)), "{e:?}");
    let e = Client::builder()
        .api_version_for("no_such_operation", "2024-08-13")
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("no_such_operation"), "{e}");
    // A config error converts into the crate's error with `?`.
    let e: calcom::Error = e.into();
    assert!(
        matches!(e, calcom::Error::Config(ConfigError::Invalid(_))),
        "{e:?}"
    );
}
