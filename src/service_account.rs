//! Service-account keys for delegation credentials: one readable union, constructors,
//! Google's JSON key file, and a decoder that never guesses.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::types::{GoogleServiceAccountKeyInput, MicrosoftServiceAccountKeyInput};
use crate::SecretString;

/// Fields of a Google service-account key in Cal.com's document.
const GOOGLE_FIELDS: [&str; 3] = ["private_key", "client_email", "client_id"];
/// Fields of a Microsoft service-account key in Cal.com's document.
const MICROSOFT_FIELDS: [&str; 3] = ["private_key", "tenant_id", "client_id"];

/// A Google or Microsoft service-account key (the document's `serviceAccountKey` oneOf).
///
/// Decoding picks the variant whose fields account for every field of the object; an
/// object that fits both, or neither, is an error that names them, never a silent guess.
#[derive(Debug, Clone, PartialEq)]
pub enum ServiceAccountKey {
    /// A Google Workspace service account.
    Google(GoogleServiceAccountKeyInput),
    /// A Microsoft 365 (Entra ID) application.
    Microsoft(MicrosoftServiceAccountKeyInput),
}

impl ServiceAccountKey {
    /// A Google key from its parts.
    pub fn google(
        private_key: impl Into<SecretString>,
        client_email: impl Into<String>,
        client_id: impl Into<String>,
    ) -> Self {
        Self::Google(GoogleServiceAccountKeyInput {
            private_key: private_key.into(),
            client_email: client_email.into(),
            client_id: client_id.into(),
        })
    }

    /// A Microsoft key from its parts.
    pub fn microsoft(
        private_key: impl Into<SecretString>,
        tenant_id: impl Into<String>,
        client_id: impl Into<String>,
    ) -> Self {
        Self::Microsoft(MicrosoftServiceAccountKeyInput {
            private_key: private_key.into(),
            tenant_id: tenant_id.into(),
            client_id: client_id.into(),
        })
    }
}

impl From<GoogleServiceAccountKeyInput> for ServiceAccountKey {
    fn from(key: GoogleServiceAccountKeyInput) -> Self {
        Self::Google(key)
    }
}

impl From<MicrosoftServiceAccountKeyInput> for ServiceAccountKey {
    fn from(key: MicrosoftServiceAccountKeyInput) -> Self {
        Self::Microsoft(key)
    }
}

/// One key where the document wants a list: `.service_account_key(key)` in the body builder.
impl From<ServiceAccountKey> for Vec<ServiceAccountKey> {
    fn from(key: ServiceAccountKey) -> Self {
        vec![key]
    }
}

impl From<GoogleServiceAccountKeyInput> for Vec<ServiceAccountKey> {
    fn from(key: GoogleServiceAccountKeyInput) -> Self {
        vec![key.into()]
    }
}

impl From<MicrosoftServiceAccountKeyInput> for Vec<ServiceAccountKey> {
    fn from(key: MicrosoftServiceAccountKeyInput) -> Self {
        vec![key.into()]
    }
}

impl Serialize for ServiceAccountKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Google(k) => k.serialize(serializer),
            Self::Microsoft(k) => k.serialize(serializer),
        }
    }
}

/// Whether `object` has every field in `fields`.
fn has_all(object: &Map<String, Value>, fields: &[&str]) -> bool {
    fields.iter().all(|f| object.contains_key(*f))
}

/// Whether `object` has exactly the fields in `fields`.
fn fits(object: &Map<String, Value>, fields: &[&str]) -> bool {
    object.keys().all(|k| fields.contains(&k.as_str())) && has_all(object, fields)
}

impl<'de> Deserialize<'de> for ServiceAccountKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let object = Map::<String, Value>::deserialize(deserializer)?;
        // Every field of both variants: either could be meant, so say so rather than
        // calling it neither (or picking one).
        if has_all(&object, &GOOGLE_FIELDS) && has_all(&object, &MICROSOFT_FIELDS) {
            return Err(D::Error::custom(
                "ambiguous service-account key: it has the fields of both GoogleServiceAccountKeyInput (client_email) and MicrosoftServiceAccountKeyInput (tenant_id); send only one variant's fields",
            ));
        }
        let google = fits(&object, &GOOGLE_FIELDS);
        let microsoft = fits(&object, &MICROSOFT_FIELDS);
        let value = Value::Object(object);
        // Field errors only: serde_json's messages could quote a private key.
        let field_error = |variant: &str| {
            D::Error::custom(format!("invalid {variant} service-account key fields"))
        };
        if google {
            return serde_json::from_value(value)
                .map(Self::Google)
                .map_err(|_| field_error("Google"));
        }
        if microsoft {
            return serde_json::from_value(value)
                .map(Self::Microsoft)
                .map_err(|_| field_error("Microsoft"));
        }
        let keys: Vec<&str> = value
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        Err(D::Error::custom(format!(
            "service-account key with fields [{}] is neither GoogleServiceAccountKeyInput [{}] nor MicrosoftServiceAccountKeyInput [{}]",
            keys.join(", "),
            GOOGLE_FIELDS.join(", "),
            MICROSOFT_FIELDS.join(", ")
        )))
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for ServiceAccountKey {
    fn schema_name() -> String {
        "ServiceAccountKey".into()
    }

    fn json_schema(gen: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        use schemars::schema::{Schema, SchemaObject, SubschemaValidation};
        Schema::Object(SchemaObject {
            subschemas: Some(Box::new(SubschemaValidation {
                one_of: Some(vec![
                    gen.subschema_for::<GoogleServiceAccountKeyInput>(),
                    gen.subschema_for::<MicrosoftServiceAccountKeyInput>(),
                ]),
                ..Default::default()
            })),
            ..Default::default()
        })
    }
}

/// A Google JSON key file that cannot be used. Never quotes the key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyFileError {
    /// The file could not be read.
    #[error("cannot read the key file {path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The text is not a JSON object.
    #[error("the key file is not a JSON object (line {line}, column {column})")]
    NotJson {
        /// Line of the syntax error.
        line: usize,
        /// Column of the syntax error.
        column: usize,
    },
    /// `type` is not `service_account`.
    #[error("the key file's `type` is {found}, not \"service_account\": create a key for a service account in Google Cloud")]
    WrongType {
        /// The `type` found (quoted), or `missing`.
        found: String,
    },
    /// A required field is missing or not a string.
    #[error("the key file has no string field `{0}`")]
    MissingField(&'static str),
}

impl GoogleServiceAccountKeyInput {
    /// Reads the JSON key that Google Cloud hands out for a service account
    /// (`{"type": "service_account", "private_key": …, "client_email": …, "client_id": …}`).
    pub fn from_json_key(json: &str) -> Result<Self, KeyFileError> {
        let value: Value = serde_json::from_str(json).map_err(|e| KeyFileError::NotJson {
            line: e.line(),
            column: e.column(),
        })?;
        let Some(object) = value.as_object() else {
            return Err(KeyFileError::NotJson { line: 1, column: 1 });
        };
        match object.get("type") {
            Some(Value::String(t)) if t == "service_account" => {}
            Some(Value::String(t)) => {
                return Err(KeyFileError::WrongType {
                    found: format!("{t:?}"),
                })
            }
            Some(_) => {
                return Err(KeyFileError::WrongType {
                    found: "not a string".into(),
                })
            }
            None => {
                return Err(KeyFileError::WrongType {
                    found: "missing".into(),
                })
            }
        }
        let field = |name: &'static str| {
            object
                .get(name)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .ok_or(KeyFileError::MissingField(name))
        };
        Ok(Self {
            private_key: SecretString::new(field("private_key")?),
            client_email: field("client_email")?.to_string(),
            client_id: field("client_id")?.to_string(),
        })
    }

    /// Reads a Google JSON key file from disk.
    pub fn from_json_key_file(path: impl AsRef<Path>) -> Result<Self, KeyFileError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| KeyFileError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json_key(&text)
    }
}

impl fmt::Display for ServiceAccountKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Google(k) => write!(f, "Google service account {}", k.client_email),
            Self::Microsoft(k) => write!(
                f,
                "Microsoft application {} in tenant {}",
                k.client_id, k.tenant_id
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_each_variant_and_refuses_to_guess() {
        let g: ServiceAccountKey = serde_json::from_value(
            json!({"private_key": "k", "client_email": "e", "client_id": "c"}),
        )
        .unwrap();
        assert_eq!(g, ServiceAccountKey::google("k", "e", "c"));
        let m: ServiceAccountKey =
            serde_json::from_value(json!({"private_key": "k", "tenant_id": "t", "client_id": "c"}))
                .unwrap();
        assert_eq!(m, ServiceAccountKey::microsoft("k", "t", "c"));
        let both = json!({"private_key": "SENTINEL", "client_email": "e", "tenant_id": "t", "client_id": "c"});
        let e = serde_json::from_value::<ServiceAccountKey>(both)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("GoogleServiceAccountKeyInput")
                && e.contains("MicrosoftServiceAccountKeyInput"),
            "{e}"
        );
        assert!(!e.contains("SENTINEL"));
    }

    #[test]
    fn serialises_as_the_plain_object() {
        let k = ServiceAccountKey::microsoft("k", "t", "c");
        assert_eq!(
            serde_json::to_value(&k).unwrap(),
            json!({"private_key": "k", "tenant_id": "t", "client_id": "c"})
        );
    }

    #[test]
    fn reads_google_key_files() {
        let file = json!({"type": "service_account", "project_id": "p", "private_key_id": "id",
            "private_key": "-----BEGIN PRIVATE KEY-----\nSENTINEL\n-----END PRIVATE KEY-----\n",
            "client_email": "sa@p.iam.gserviceaccount.com", "client_id": "123",
            "token_uri": "https://oauth2.googleapis.com/token"});
        let key = GoogleServiceAccountKeyInput::from_json_key(&file.to_string()).unwrap();
        assert_eq!(key.client_email, "sa@p.iam.gserviceaccount.com");
        assert!(!format!("{key:?}").contains("SENTINEL"));
        let mut wrong = file.clone();
        wrong["type"] = json!("authorized_user");
        let e = GoogleServiceAccountKeyInput::from_json_key(&wrong.to_string()).unwrap_err();
        assert!(e.to_string().contains("\"authorized_user\""), "{e}");
        let mut missing = file.clone();
        missing.as_object_mut().unwrap().remove("client_email");
        let e = GoogleServiceAccountKeyInput::from_json_key(&missing.to_string()).unwrap_err();
        assert!(matches!(e, KeyFileError::MissingField("client_email")));
        let e = GoogleServiceAccountKeyInput::from_json_key("{\"private_key\": \"SENTINEL")
            .unwrap_err();
        assert!(!e.to_string().contains("SENTINEL"));
    }
}
