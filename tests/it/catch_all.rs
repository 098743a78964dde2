//! Catch-all variants on the wire: an answer with an enum value the document does not list
//! decodes, keeps the raw value and encodes back to it; requests cannot carry one.

use crate::support as common;

use calcom::types::UpdateDelegationCredentialOutputStatus as Status;
use calcom::Client;
use common::{patch, success_body, CRED_PATH};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server answering `body` (kept alive by the caller) and a client for it.
async fn answering(body: serde_json::Value) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(CRED_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("cal_live_x")
        .base_url(server.uri())
        .build()
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn an_unknown_answer_enum_value_decodes_and_keeps_its_raw_value() {
    let mut body = success_body();
    body["status"] = json!("partially_saved");
    let (_server, client) = answering(body).await;
    let output = patch(&client).await.unwrap();
    let Status::Unknown(raw) = &output.status else {
        panic!("not the catch-all: {:?}", output.status)
    };
    assert_eq!(raw.as_str(), "partially_saved");
    assert_eq!(output.status.to_string(), "partially_saved");
    // Encoding gives back exactly what was received.
    assert_eq!(
        serde_json::to_value(&output).unwrap()["status"],
        json!("partially_saved")
    );
}

#[tokio::test]
async fn documented_values_keep_their_variants() {
    let (_server, client) = answering(success_body()).await;
    let output = patch(&client).await.unwrap();
    assert_eq!(output.status, Status::Success);
}

#[test]
fn only_documented_values_convert_from_text() {
    assert_eq!("error".parse::<Status>().unwrap(), Status::Error);
    assert!("partially_saved".parse::<Status>().is_err());
}
