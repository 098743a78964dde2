//! Secrets in request and response bodies are typed so they never print.
//!
//! Properties named like a credential (`private_key`, `secret`, `clientSecret`,
//! `password`, `accessToken`, `refreshToken`, `apiKey`) and typed as strings are mapped
//! to `calcom::SecretString`, whose `Debug` prints `<redacted>` and which serialises as
//! the plain string. The mapping uses typify's `x-rust-type` extension.

use serde_json::{json, Value};

use super::{for_each_schema, Context};
use crate::report::PassReport;

const SENSITIVE_NAMES: [&str; 12] = [
    "private_key",
    "privateKey",
    "secret",
    "secretKey",
    "secret_key",
    "clientSecret",
    "client_secret",
    "password",
    "accessToken",
    "refreshToken",
    "apiKey",
    "api_key",
];

/// `true` for property names that hold a credential.
pub fn is_sensitive(name: &str) -> bool {
    SENSITIVE_NAMES.contains(&name)
}

/// Marks string properties with credential names as `calcom::SecretString`.
pub fn run(doc: &mut Value, _ctx: &mut Context, report: &mut PassReport) {
    for_each_schema(doc, &mut |ptr, schema| {
        let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            return;
        };
        for (name, prop) in props.iter_mut() {
            if !is_sensitive(name) {
                continue;
            }
            let Some(prop) = prop.as_object_mut() else {
                continue;
            };
            if prop.get("type").and_then(Value::as_str) != Some("string")
                || prop.contains_key("enum")
            {
                continue;
            }
            prop.insert(
                "x-rust-type".into(),
                json!({"crate": "calcom", "version": "*", "path": "calcom::SecretString"}),
            );
            report.change(
                format!(
                    "{ptr}/properties/{}",
                    calcom_spec::pointer::escape_token(name)
                ),
                format!("`{name}` is a secret: redacted in Debug"),
            );
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::normalise_with;

    #[test]
    fn marks_string_secrets_only() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {"K": {"type": "object",
        "properties": {
            "private_key": {"type": "string"},
            "client_id": {"type": "string"},
            "password": {"type": "object"}
        }}}}});
        let (_, report) = normalise_with(&mut doc, run);
        let props = &doc["components"]["schemas"]["K"]["properties"];
        assert_eq!(
            props["private_key"]["x-rust-type"]["path"],
            "calcom::SecretString"
        );
        assert!(props["client_id"].get("x-rust-type").is_none());
        assert!(props["password"].get("x-rust-type").is_none());
        assert_eq!(report.changes, 1);
    }
}
