//! Google's JSON key file, and the strict `ServiceAccountKey` decoder.

use crate::support as common;

use calcom::types::GoogleServiceAccountKeyInput;
use calcom::{Client, KeyFileError, ServiceAccountKey};
use common::{mount_success, received};
use serde_json::{json, Value};
use wiremock::MockServer;

const PRIVATE_KEY: &str =
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANSENTINEL\n-----END PRIVATE KEY-----\n";

fn google_key_file() -> Value {
    // The shape Google Cloud hands out.
    json!({
        "type": "service_account",
        "project_id": "acme-calendar",
        "private_key_id": "0123456789abcdef",
        "private_key": PRIVATE_KEY,
        "client_email": "cal-sync@acme-calendar.iam.gserviceaccount.com",
        "client_id": "109876543210987654321",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/cal-sync",
        "universe_domain": "googleapis.com"
    })
}

/// A file in the temp directory, removed on drop.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> Self {
        let path = std::env::temp_dir().join(format!("calcom-test-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[tokio::test]
async fn a_google_key_file_loads_and_goes_into_the_body() {
    let file = TempFile::new("google.json", &google_key_file().to_string());
    let key = GoogleServiceAccountKeyInput::from_json_key_file(&file.0).unwrap();
    assert_eq!(
        key.client_email,
        "cal-sync@acme-calendar.iam.gserviceaccount.com"
    );
    assert_eq!(key.client_id, "109876543210987654321");
    assert_eq!(key.private_key.expose_secret(), PRIVATE_KEY);

    let server = MockServer::start().await;
    mount_success(&server).await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    client
        .update_delegation_credential()
        .org_id(42)
        .credential_id("cred_1")
        .body_map(|b| b.service_account_key(key))
        .send()
        .await
        .unwrap();
    let sent: Value = serde_json::from_slice(&received(&server).await[0].body).unwrap();
    // Only the three documented fields are sent, not the rest of Google's file.
    assert_eq!(
        sent,
        json!({"serviceAccountKey": [{
            "private_key": PRIVATE_KEY,
            "client_email": "cal-sync@acme-calendar.iam.gserviceaccount.com",
            "client_id": "109876543210987654321"
        }]})
    );
}

#[test]
fn a_missing_file_names_the_path() {
    let path = std::env::temp_dir().join("calcom-test-no-such-key-file.json");
    let e = GoogleServiceAccountKeyInput::from_json_key_file(&path).unwrap_err();
    assert!(matches!(e, KeyFileError::Io { .. }), "{e:?}");
    assert!(
        e.to_string().contains("calcom-test-no-such-key-file.json"),
        "{e}"
    );
}

#[test]
fn a_missing_or_empty_field_is_named() {
    for field in ["private_key", "client_email", "client_id"] {
        let mut json = google_key_file();
        json.as_object_mut().unwrap().remove(field);
        let file = TempFile::new(&format!("missing-{field}.json"), &json.to_string());
        let e = GoogleServiceAccountKeyInput::from_json_key_file(&file.0).unwrap_err();
        assert!(
            matches!(e, KeyFileError::MissingField(f) if f == field),
            "{field}: {e:?}"
        );
        assert!(e.to_string().contains(field), "{e}");
        assert!(!e.to_string().contains("SENTINEL"), "{e}");

        let mut json = google_key_file();
        json[field] = json!("");
        let e = GoogleServiceAccountKeyInput::from_json_key(&json.to_string()).unwrap_err();
        assert!(
            matches!(e, KeyFileError::MissingField(f) if f == field),
            "{field}: {e:?}"
        );
        json[field] = json!(12);
        let e = GoogleServiceAccountKeyInput::from_json_key(&json.to_string()).unwrap_err();
        assert!(
            matches!(e, KeyFileError::MissingField(f) if f == field),
            "{field}: {e:?}"
        );
    }
}

#[test]
fn a_file_of_another_type_is_refused() {
    let mut json = google_key_file();
    json["type"] = json!("authorized_user");
    let file = TempFile::new("wrong-type.json", &json.to_string());
    let e = GoogleServiceAccountKeyInput::from_json_key_file(&file.0).unwrap_err();
    assert!(
        matches!(&e, KeyFileError::WrongType { found } if found == "\"authorized_user\""),
        "{e:?}"
    );
    assert!(e.to_string().contains("service_account"), "{e}");

    json.as_object_mut().unwrap().remove("type");
    let e = GoogleServiceAccountKeyInput::from_json_key(&json.to_string()).unwrap_err();
    assert!(
        matches!(&e, KeyFileError::WrongType { found } if found == "missing"),
        "{e:?}"
    );

    for not_an_object in ["[1, 2]", "\"service_account\"", "{\"type\": \"service_acc"] {
        let e = GoogleServiceAccountKeyInput::from_json_key(not_an_object).unwrap_err();
        assert!(
            matches!(e, KeyFileError::NotJson { .. }),
            "{not_an_object}: {e:?}"
        );
    }
}

#[test]
fn a_key_that_fits_both_variants_is_an_ambiguity_error_not_a_guess() {
    let both = json!({"private_key": PRIVATE_KEY, "client_email": "e@x", "tenant_id": "t", "client_id": "c"});
    let e = serde_json::from_value::<ServiceAccountKey>(both)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("ambiguous"), "{e}");
    assert!(
        e.contains("GoogleServiceAccountKeyInput") && e.contains("MicrosoftServiceAccountKeyInput"),
        "{e}"
    );
    assert!(!e.contains("SENTINEL"), "{e}");

    let neither = json!({"private_key": PRIVATE_KEY, "client_id": "c"});
    let e = serde_json::from_value::<ServiceAccountKey>(neither)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("[private_key, client_id]") || e.contains("[client_id, private_key]"),
        "{e}"
    );
    assert!(!e.contains("SENTINEL"), "{e}");

    // An extra field is not silently dropped either.
    let extra = json!({"private_key": "k", "client_email": "e", "client_id": "c", "type": "service_account"});
    assert!(serde_json::from_value::<ServiceAccountKey>(extra).is_err());

    // Each exact shape decodes to its variant, inside a whole request body too.
    let body: calcom::types::UpdateDelegationCredentialInput = serde_json::from_value(json!({
        "enabled": true,
        "serviceAccountKey": [
            {"private_key": "g", "client_email": "e", "client_id": "c"},
            {"private_key": "m", "tenant_id": "t", "client_id": "c"}
        ]
    }))
    .unwrap();
    assert_eq!(
        body.service_account_key,
        vec![
            ServiceAccountKey::google("g", "e", "c"),
            ServiceAccountKey::microsoft("m", "t", "c")
        ]
    );
}
