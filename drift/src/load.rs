//! Reading an input (file path or http(s) URL) into a JSON value, and checking that it is
//! an OpenAPI 3.x document.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

/// How long a download may take in total.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// Why an input could not be used. The message names the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The path or URL as given.
    pub input: String,
    /// What went wrong.
    pub reason: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.input, self.reason)
    }
}

impl std::error::Error for LoadError {}

/// Reads, parses and checks one input.
pub fn load_document(input: &str) -> Result<Value, LoadError> {
    let fail = |reason: String| LoadError {
        input: input.to_string(),
        reason,
    };
    let text = if is_url(input) {
        fetch(input).map_err(fail)?
    } else {
        std::fs::read_to_string(input).map_err(|e| fail(format!("cannot read file: {e}")))?
    };
    let value: Value =
        serde_json::from_str(&text).map_err(|e| fail(format!("not valid JSON: {e}")))?;
    check_openapi(&value).map_err(fail)?;
    Ok(value)
}

/// Whether the input is an http(s) URL rather than a file path.
pub fn is_url(input: &str) -> bool {
    let lower = input.get(..8).unwrap_or(input).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

#[cfg(feature = "fetch")]
fn fetch(url: &str) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(FETCH_TIMEOUT))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .call()
        .map_err(|e| format!("cannot fetch: {e}"))?;
    response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .map_err(|e| format!("cannot read the response body: {e}"))
}

#[cfg(not(feature = "fetch"))]
fn fetch(_url: &str) -> Result<String, String> {
    Err("reading a URL needs the `fetch` feature of calcom-drift; give a file path".into())
}

/// Checks for an `openapi: 3.x` field and a `paths` object.
pub fn check_openapi(value: &Value) -> Result<(), String> {
    let Some(root) = value.as_object() else {
        return Err("not an OpenAPI document: the top level is not a JSON object".into());
    };
    match root.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.") => {}
        Some(version) => {
            return Err(format!(
                "not an OpenAPI 3.x document: `openapi` is \"{version}\""
            ))
        }
        None if root.contains_key("swagger") => {
            return Err("not an OpenAPI 3.x document: this is Swagger 2.0".into())
        }
        None => return Err("not an OpenAPI 3.x document: no `openapi` version field".into()),
    }
    if !root.get("paths").is_some_and(Value::is_object) {
        return Err("not an OpenAPI 3.x document: no `paths` object".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accepts_only_openapi_3() {
        assert!(check_openapi(&json!({"openapi": "3.0.0", "paths": {}})).is_ok());
        assert!(check_openapi(&json!({"openapi": "3.1.0", "paths": {}})).is_ok());
        assert!(check_openapi(&json!({"swagger": "2.0", "paths": {}})).is_err());
        assert!(check_openapi(&json!({"openapi": "3.0.0"})).is_err());
        assert!(check_openapi(&json!([1, 2])).is_err());
    }

    #[test]
    fn recognises_urls() {
        assert!(is_url("https://example.org/x.json"));
        assert!(is_url("HTTP://127.0.0.1:1/x"));
        assert!(!is_url("openapi/openapi.json"));
        assert!(!is_url("http"));
    }
}
