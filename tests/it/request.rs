//! The request the vendored operation sends, and the typed answer it decodes.

use crate::support as common;

use calcom::types::{UpdateDelegationCredentialInput, UpdateDelegationCredentialOutputStatus};
use calcom::{Client, ServiceAccountKey};
use chrono::{DateTime, TimeZone, Utc};
use common::{header, mount_success, received, success_body, CRED_PATH};
use serde_json::json;
use wiremock::matchers::{body_json, header as header_is, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn patch_sends_path_body_and_decodes_the_typed_answer() {
    let server = MockServer::start().await;
    let key = ServiceAccountKey::google(
        "-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----\n",
        "sa@acme.iam.gserviceaccount.com",
        "1234567890",
    );
    let expected_body = json!({
        "enabled": true,
        "serviceAccountKey": [{
            "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----\n",
            "client_email": "sa@acme.iam.gserviceaccount.com",
            "client_id": "1234567890"
        }]
    });
    Mock::given(method("PATCH"))
        .and(path(CRED_PATH))
        .and(header_is("content-type", "application/json"))
        .and(body_json(&expected_body))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(success_body())
                .insert_header("x-request-id", "req-ok-1"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("cal_live_abc")
        .base_url(server.uri())
        .build()
        .unwrap();

    let response = client
        .update_delegation_credential()
        .org_id(42)
        .credential_id("cred_1")
        // One key, no Vec: `From<ServiceAccountKey> for Vec<ServiceAccountKey>`.
        .body_map(|b| b.enabled(true).service_account_key(key))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("req-ok-1")
    );
    let out = response.into_inner();
    assert_eq!(out.status, UpdateDelegationCredentialOutputStatus::Success);
    assert_eq!(out.data.id, "cred_1");
    assert!(out.data.enabled);
    assert_eq!(out.data.domain, "acme.com");
    assert_eq!(out.data.organization_id, 42);
    assert_eq!(out.data.workspace_platform.slug, "google");
    let created: DateTime<Utc> = out.data.created_at;
    assert_eq!(created, Utc.with_ymd_and_hms(2025, 1, 2, 3, 4, 5).unwrap());
    assert_eq!(
        out.data.updated_at,
        Utc.with_ymd_and_hms(2025, 9, 26, 10, 0, 0).unwrap()
    );

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method.as_str(), "PATCH");
    assert_eq!(r.url.path(), CRED_PATH);
    assert_eq!(r.url.query(), None);
    assert_eq!(header(r, "accept"), Some("application/json"));
    // progenitor's `api-version: <info.version>` is not Cal.com's header: not sent.
    assert_eq!(header(r, "api-version"), None);
    let sent: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(sent, expected_body);
}

#[tokio::test]
async fn a_whole_body_and_a_microsoft_key_serialise_as_documented() {
    let server = MockServer::start().await;
    mount_success(&server).await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let body = UpdateDelegationCredentialInput {
        enabled: Some(false),
        service_account_key: vec![ServiceAccountKey::microsoft("ms_key", "tenant_1", "app_1")],
    };
    client
        .update_delegation_credential()
        .org_id(42)
        .credential_id("cred_1")
        .body(body)
        .send()
        .await
        .unwrap();
    // An empty builder sends `{}`: nothing the caller did not set.
    client
        .update_delegation_credential()
        .org_id(42)
        .credential_id("cred_1")
        .send()
        .await
        .unwrap();
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    let first: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(
        first,
        json!({"enabled": false, "serviceAccountKey": [
            {"private_key": "ms_key", "tenant_id": "tenant_1", "client_id": "app_1"}
        ]})
    );
    let second: serde_json::Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert_eq!(second, json!({}));
}

#[tokio::test]
async fn path_parameters_are_percent_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/v2/organizations/7/delegation-credentials/a%2Fb%20c"))
        .respond_with(ResponseTemplate::new(200).set_body_json(success_body()))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    client
        .update_delegation_credential()
        .org_id(7)
        .credential_id("a/b c")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_base_url_with_a_trailing_slash_or_a_path_prefix_works() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(format!("/proxy{CRED_PATH}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(success_body()))
        .expect(2)
        .mount(&server)
        .await;
    for base in [
        format!("{}/proxy", server.uri()),
        format!("{}/proxy/", server.uri()),
    ] {
        let client = Client::builder().base_url(base).build().unwrap();
        common::patch(&client).await.unwrap();
    }
}

#[tokio::test]
async fn api_version_for_sends_a_version_on_an_operation_that_documents_none() {
    let server = MockServer::start().await;
    mount_success(&server).await;
    // A client-wide version applies only where the document gives one…
    let client = Client::builder()
        .base_url(server.uri())
        .api_version("2024-08-13")
        .build()
        .unwrap();
    common::patch(&client).await.unwrap();
    // …a per-operation one always.
    let client = Client::builder()
        .base_url(server.uri())
        .api_version_for("update_delegation_credential", "2025-01-01")
        .build()
        .unwrap();
    common::patch(&client).await.unwrap();
    let requests = received(&server).await;
    assert_eq!(header(&requests[0], "cal-api-version"), None);
    assert_eq!(header(&requests[1], "cal-api-version"), Some("2025-01-01"));
}

#[tokio::test]
async fn requests_can_be_spawned() {
    fn assert_send<T: Send + 'static>(t: T) -> T {
        t
    }
    let server = MockServer::start().await;
    mount_success(&server).await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let task = tokio::spawn(assert_send(async move { common::patch(&client).await }));
    assert_eq!(task.await.unwrap().unwrap().data.id, "cred_1");
}

#[tokio::test]
async fn missing_path_parameters_are_reported_before_sending() {
    let server = MockServer::start().await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let e: calcom::Error = client
        .update_delegation_credential()
        .credential_id("cred_1")
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(
        matches!(&e, calcom::Error::InvalidRequest(m) if m.contains("org_id")),
        "{e:?}"
    );
    assert_eq!(received(&server).await.len(), 0);
}
