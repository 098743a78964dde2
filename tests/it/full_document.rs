//! Tests that need operations the vendored one-operation document does not have.
//!
//! They compile only in a build from the full document: the generator sets
//! `cfg(calcom_operation = "…")` for every generated method, and this file needs three.
//!
//! ```text
//! CALCOM_OPENAPI_SPEC=../shared/calcom-openapi/2025-09-26_6c9ac763.json \
//!     CARGO_TARGET_DIR=target-full cargo test --test it -- full_document::
//! ```

#[cfg(not(all(
    calcom_operation = "get_booking",
    calcom_operation = "get_default_schedule",
    calcom_operation = "get_managed_users"
)))]
#[test]
fn skipped_without_the_full_document() {
    assert_eq!(calcom::operations::OPERATIONS.len(), 1);
    eprintln!(
        "skipped: tests/it/full_document.rs needs a build from the full Cal.com document \
         (CALCOM_OPENAPI_SPEC=../shared/calcom-openapi/2025-09-26_6c9ac763.json)"
    );
}

#[cfg(all(
    calcom_operation = "get_booking",
    calcom_operation = "get_default_schedule",
    calcom_operation = "get_managed_users"
))]
use crate::support as common;

#[cfg(all(
    calcom_operation = "get_booking",
    calcom_operation = "get_default_schedule",
    calcom_operation = "get_managed_users"
))]
mod full {
    use calcom::operations::{self, HeaderUse};
    use calcom::{Client, Error};
    use serde_json::json;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::common::{cal_error_body, header, received, recording_sleeper};

    /// Answers everything with Cal.com's 404, so that only the request matters.
    async fn not_found_server() -> MockServer {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(404).set_body_json(cal_error_body(
                "/v2/bookings/b1",
                "NotFoundException",
                "Booking not found",
                json!(null),
            )))
            .mount(&server)
            .await;
        server
    }

    #[test]
    fn the_table_describes_the_operations_used_here() {
        assert!(operations::OPERATIONS.len() > 1);
        let booking = operations::find("get_booking").unwrap();
        assert_eq!(
            (booking.method, booking.path),
            ("GET", "/v2/bookings/{bookingUid}")
        );
        assert_eq!(booking.api_version, Some("2024-08-13"));
        let schedule = operations::find("get_default_schedule").unwrap();
        assert_eq!(schedule.api_version, Some("2024-06-11"));
        assert_eq!(schedule.auth.authorization, HeaderUse::Required);
        let users = operations::find("get_managed_users").unwrap();
        assert_eq!(
            (users.method, users.path),
            ("GET", "/v2/oauth-clients/{clientId}/users")
        );
        assert_eq!(users.api_version, None);
        assert_eq!(users.auth.secret_key, HeaderUse::Required);
        assert_eq!(users.auth.authorization, HeaderUse::Absent);
    }

    #[tokio::test]
    async fn each_operation_sends_its_own_cal_api_version() {
        let server = not_found_server().await;
        let client = Client::builder()
            .api_key("cal_live_x")
            .base_url(server.uri())
            .build()
            .unwrap();
        let e: Error = client
            .get_booking()
            .booking_uid("b1")
            .send()
            .await
            .unwrap_err()
            .into();
        assert_eq!(
            e.api().and_then(|a| a.code.as_deref()),
            Some("NotFoundException")
        );
        let _ = client.get_default_schedule().send().await;
        let platform = Client::builder()
            .platform_client("clid", "sk")
            .base_url(server.uri())
            .build()
            .unwrap();
        let _ = platform.get_managed_users().client_id("clid").send().await;

        let requests = received(&server).await;
        assert_eq!(requests.len(), 3);
        assert_eq!(requests[0].url.path(), "/v2/bookings/b1");
        assert_eq!(header(&requests[0], "cal-api-version"), Some("2024-08-13"));
        assert_eq!(requests[1].url.path(), "/v2/schedules/default");
        assert_eq!(header(&requests[1], "cal-api-version"), Some("2024-06-11"));
        assert_eq!(requests[2].url.path(), "/v2/oauth-clients/clid/users");
        assert_eq!(header(&requests[2], "cal-api-version"), None);
    }

    #[tokio::test]
    async fn a_client_can_override_the_version_for_all_or_one_operation() {
        let server = not_found_server().await;
        let all = Client::builder()
            .api_key("cal_live_x")
            .base_url(server.uri())
            .api_version("2099-01-01")
            .build()
            .unwrap();
        let _ = all.get_booking().booking_uid("b1").send().await;
        let _ = all.get_default_schedule().send().await;
        let one = Client::builder()
            .api_key("cal_live_x")
            .base_url(server.uri())
            .api_version("2099-01-01")
            .api_version_for("get_booking", "2024-04-15")
            .build()
            .unwrap();
        let _ = one.get_booking().booking_uid("b1").send().await;
        let _ = one.get_default_schedule().send().await;
        let platform = Client::builder()
            .platform_client("clid", "sk")
            .base_url(server.uri())
            .api_version("2099-01-01")
            .build()
            .unwrap();
        let _ = platform.get_managed_users().client_id("clid").send().await;

        let versions: Vec<Option<String>> = received(&server)
            .await
            .iter()
            .map(|r| header(r, "cal-api-version").map(str::to_string))
            .collect();
        let v = |s: &str| Some(s.to_string());
        assert_eq!(
            versions,
            [
                v("2099-01-01"),
                v("2099-01-01"),
                v("2024-04-15"),
                v("2099-01-01"),
                // An operation that documents no version gets none from a client-wide default.
                None,
            ]
        );
    }

    #[tokio::test]
    async fn a_required_header_the_client_cannot_send_is_refused_before_sending() {
        let server = not_found_server().await;
        // The managed-users operation requires the platform secret; an API key cannot do.
        let api_key = Client::builder()
            .api_key("cal_live_SENTINEL")
            .base_url(server.uri())
            .build()
            .unwrap();
        let e: Error = api_key
            .get_managed_users()
            .client_id("clid")
            .send()
            .await
            .unwrap_err()
            .into();
        let Error::MissingCredentials(missing) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(missing.operation, "get_managed_users");
        assert_eq!(
            missing.to_string(),
            "operation `get_managed_users` requires platform client credentials \
             (`x-cal-client-id` and `x-cal-secret-key`), but the client is configured with an API key"
        );
        // The default schedule requires `Authorization`; a platform client alone cannot do.
        let platform = Client::builder()
            .platform_client("clid", "sk_SENTINEL")
            .base_url(server.uri())
            .build()
            .unwrap();
        let e: Error = platform
            .get_default_schedule()
            .send()
            .await
            .unwrap_err()
            .into();
        assert!(
            matches!(&e, Error::MissingCredentials(m) if m.needs.contains("`Authorization: Bearer`")
                && m.has == "platform client credentials"),
            "{e:?}"
        );
        assert!(!format!("{e} {e:?}").contains("SENTINEL"));
        // Nor can a client with no credentials.
        let none = Client::builder().base_url(server.uri()).build().unwrap();
        let e: Error = none.get_default_schedule().send().await.unwrap_err().into();
        assert!(
            matches!(&e, Error::MissingCredentials(m) if m.has == "no credentials"),
            "{e:?}"
        );

        assert_eq!(
            received(&server).await.len(),
            0,
            "a refused request was sent"
        );
    }

    #[tokio::test]
    async fn only_the_headers_an_operation_accepts_are_sent() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v2/oauth-clients/clid/users"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"status": "success", "data": []})),
            )
            .mount(&server)
            .await;
        let client = Client::builder()
            .platform_client("clid", "sk_1")
            .access_token("tok_1")
            .base_url(server.uri())
            .build()
            .unwrap();
        let users = client
            .get_managed_users()
            .client_id("clid")
            .send()
            .await
            .unwrap();
        assert!(users.into_inner().data.is_empty());
        let requests = received(&server).await;
        // The operation documents only `x-cal-secret-key`.
        assert_eq!(header(&requests[0], "x-cal-secret-key"), Some("sk_1"));
        assert_eq!(header(&requests[0], "x-cal-client-id"), None);
        assert_eq!(header(&requests[0], "authorization"), None);
    }

    #[tokio::test]
    async fn get_is_retried_on_503_by_default() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v2/oauth-clients/clid/users"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(2)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v2/oauth-clients/clid/users"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"status": "success", "data": []})),
            )
            .mount(&server)
            .await;
        let (sleeper, delays) = recording_sleeper();
        let client = Client::builder()
            .platform_client("clid", "sk_1")
            .base_url(server.uri())
            .sleeper(sleeper)
            .build()
            .unwrap();
        client
            .get_managed_users()
            .client_id("clid")
            .send()
            .await
            .unwrap();
        assert_eq!(received(&server).await.len(), 3);
        let delays = delays.lock().unwrap().clone();
        assert_eq!(delays.len(), 2);
        assert!(delays[0] <= calcom::RETRY_BASE_DELAY, "{delays:?}");
        assert!(delays[1] >= calcom::RETRY_BASE_DELAY / 2 * 2, "{delays:?}");

        // `max_retries(0)` turns it off for GET too.
        server.reset().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503))
            .mount(&server)
            .await;
        let e: Error = client
            .with_max_retries(0)
            .get_managed_users()
            .client_id("clid")
            .send()
            .await
            .unwrap_err()
            .into();
        assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(received(&server).await.len(), 1);
    }
}
