//! The typed httpmock helpers of feature `mock`, used as a user's test would.

#[cfg(not(feature = "mock"))]
#[test]
fn skipped_without_the_mock_feature() {
    eprintln!(
        "skipped: tests/it/mock.rs needs `--features mock` (the README's `--all-features` has it)"
    );
}

#[cfg(feature = "mock")]
use crate::support as common;

#[cfg(feature = "mock")]
mod with_mock {
    use calcom::mock::httpmock::MockServer;
    use calcom::mock::MockServerExt;
    use calcom::types::{UpdateDelegationCredentialInput, UpdateDelegationCredentialOutput};
    use calcom::{Client, Error};
    use serde_json::json;

    use super::common::{cal_error_body, success_body};

    fn client(server: &MockServer) -> Client {
        Client::builder()
            .api_key("cal_live_mock_test")
            .base_url(server.base_url())
            .max_retries(0)
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn typed_when_and_then_drive_the_real_client() {
        let server = MockServer::start_async().await;
        let answer: UpdateDelegationCredentialOutput =
            serde_json::from_value(success_body()).unwrap();
        let expected_body: UpdateDelegationCredentialInput =
            serde_json::from_value(json!({"enabled": true})).unwrap();
        let mock = server.update_delegation_credential(|when, then| {
            when.org_id(42).credential_id("cred_1").body(&expected_body);
            then.ok(&answer);
        });

        let updated = client(&server)
            .update_delegation_credential()
            .org_id(42)
            .credential_id("cred_1")
            .body_map(|b| b.enabled(true))
            .send()
            .await
            .unwrap();
        assert_eq!(updated.into_inner(), answer);
        mock.assert_async().await;
    }

    #[tokio::test]
    async fn a_request_the_matchers_reject_is_not_answered_by_the_mock() {
        let server = MockServer::start_async().await;
        let answer: UpdateDelegationCredentialOutput =
            serde_json::from_value(success_body()).unwrap();
        let mock = server.update_delegation_credential(|when, then| {
            when.org_id(42).credential_id("cred_1");
            then.ok(&answer);
        });
        // Another credential: httpmock answers 404 itself, the typed mock is never hit.
        let e: Error = client(&server)
            .update_delegation_credential()
            .org_id(42)
            .credential_id("cred_2")
            .send()
            .await
            .unwrap_err()
            .into();
        assert_eq!(e.status().map(|s| s.as_u16()), Some(404));
        assert_eq!(mock.calls_async().await, 0);
    }

    #[tokio::test]
    async fn undocumented_answers_go_through_into_inner() {
        let server = MockServer::start_async().await;
        server.update_delegation_credential(|when, then| {
            when.org_id(7);
            then.into_inner().status(401).json_body(cal_error_body(
                "/v2/organizations/7/delegation-credentials/c",
                "UnauthorizedException",
                "Invalid API Key",
                json!(null),
            ));
        });
        let e: Error = client(&server)
            .update_delegation_credential()
            .org_id(7)
            .credential_id("c")
            .send()
            .await
            .unwrap_err()
            .into();
        let api = e.api().expect("an API error");
        assert_eq!(api.status.as_u16(), 401);
        assert_eq!(api.code.as_deref(), Some("UnauthorizedException"));
    }
}
