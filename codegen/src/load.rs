//! Reading a document from disk and checking that it is OpenAPI 3.0 before anything else looks at it.

use std::path::Path;

use serde_json::Value;

use calcom_spec::pointer::from_tokens as pointer;

use crate::error::CodegenError;

/// Parameter locations OpenAPI 3.0 defines.
const PARAMETER_LOCATIONS: [&str; 4] = ["path", "query", "header", "cookie"];

/// Reads `path`, parses it as JSON and checks the OpenAPI 3.0 skeleton.
pub fn load(path: &Path) -> Result<Value, CodegenError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CodegenError::unreadable(path, "", format!("cannot read the file: {e}")))?;
    parse(path, &text)
}

/// Parses `text` (the contents of `path`) and checks the OpenAPI 3.0 skeleton.
pub fn parse(path: &Path, text: &str) -> Result<Value, CodegenError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        CodegenError::unreadable(
            path,
            "",
            format!(
                "not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    validate_skeleton(path, &doc)?;
    Ok(doc)
}

/// The checks that make a JSON value an OpenAPI 3.0 document we can walk safely.
fn validate_skeleton(path: &Path, doc: &Value) -> Result<(), CodegenError> {
    let unreadable = |ptr: String, reason: String| CodegenError::unreadable(path, ptr, reason);
    let Some(root) = doc.as_object() else {
        return Err(unreadable(
            String::new(),
            "the document is not a JSON object".into(),
        ));
    };
    match root.get("openapi").and_then(Value::as_str) {
        Some(v) if v.trim().starts_with("3.0.") => {}
        Some(v) => {
            return Err(unreadable(
                "/openapi".into(),
                format!("OpenAPI version {v:?} is not supported; only 3.0.x is"),
            ))
        }
        None => {
            let reason = if root.contains_key("swagger") {
                "this is a Swagger 2.0 document; only OpenAPI 3.0.x is supported"
            } else {
                "not an OpenAPI document: the `openapi` version field is missing"
            };
            return Err(unreadable("/openapi".into(), reason.into()));
        }
    }
    if !root.get("info").is_some_and(Value::is_object) {
        return Err(unreadable(
            "/info".into(),
            "`info` is missing or not an object".into(),
        ));
    }
    let Some(paths) = root.get("paths").and_then(Value::as_object) else {
        return Err(unreadable(
            "/paths".into(),
            "`paths` is missing or not an object".into(),
        ));
    };
    for (template, item) in paths {
        let item_ptr = pointer(["paths", template.as_str()]);
        let Some(item) = item.as_object() else {
            return Err(unreadable(item_ptr, "a path item must be an object".into()));
        };
        if item.contains_key("$ref") {
            return Err(CodegenError::unsupported(
                path,
                item_ptr,
                "path items given by `$ref` are not supported",
            ));
        }
        if let Some(params) = item.get("parameters") {
            check_parameters(path, &format!("{item_ptr}/parameters"), params)?;
        }
        for method in calcom_spec::HTTP_METHODS {
            let Some(op) = item.get(method) else { continue };
            let op_ptr = format!("{item_ptr}/{method}");
            let Some(op) = op.as_object() else {
                return Err(unreadable(op_ptr, "an operation must be an object".into()));
            };
            if let Some(params) = op.get("parameters") {
                check_parameters(path, &format!("{op_ptr}/parameters"), params)?;
            }
        }
    }
    if let Some(components) = root.get("components") {
        if !components.is_object() {
            return Err(unreadable(
                "/components".into(),
                "`components` must be an object".into(),
            ));
        }
    }
    Ok(())
}

fn check_parameters(path: &Path, ptr: &str, params: &Value) -> Result<(), CodegenError> {
    let Some(params) = params.as_array() else {
        return Err(CodegenError::unreadable(
            path,
            ptr,
            "`parameters` must be an array",
        ));
    };
    for (i, param) in params.iter().enumerate() {
        let param_ptr = format!("{ptr}/{i}");
        if param.get("$ref").is_some() {
            continue;
        }
        let name = param.get("name").and_then(Value::as_str);
        let location = param.get("in").and_then(Value::as_str);
        match (name, location) {
            (None, _) => {
                return Err(CodegenError::unreadable(
                    path,
                    param_ptr,
                    "a parameter needs a string `name`",
                ))
            }
            (Some(_), Some(loc)) if PARAMETER_LOCATIONS.contains(&loc) => {}
            (Some(name), other) => {
                return Err(CodegenError::unreadable(
                    path,
                    format!("{param_ptr}/in"),
                    format!(
                        "parameter `{name}` has location {}; expected one of path, query, header, cookie",
                        other.map_or_else(|| "(none)".to_string(), |l| format!("{l:?}"))
                    ),
                ))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Value, CodegenError> {
        parse(Path::new("t.json"), text)
    }

    #[test]
    fn rejects_invalid_json_with_position() {
        let e = parse_str("{\"openapi\": ").unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::UnreadableInput);
        assert!(e.reason.contains("not valid JSON (line 1"), "{e}");
    }

    #[test]
    fn rejects_documents_that_are_not_openapi_3_0() {
        let e = parse_str(r#"{"swagger": "2.0", "paths": {}}"#).unwrap_err();
        assert!(e.reason.contains("Swagger 2.0"), "{e}");
        let e = parse_str(r#"{"openapi": "3.1.0", "info": {}, "paths": {}}"#).unwrap_err();
        assert_eq!(e.pointer, "/openapi");
        let e = parse_str(r#"[1, 2]"#).unwrap_err();
        assert!(e.reason.contains("not a JSON object"));
    }

    #[test]
    fn rejects_missing_paths() {
        let e = parse_str(r#"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}}"#)
            .unwrap_err();
        assert_eq!(e.pointer, "/paths");
    }

    #[test]
    fn rejects_unknown_parameter_location_with_its_pointer() {
        let e = parse_str(
            r#"{"openapi": "3.0.0", "info": {}, "paths": {"/a/{id}": {"get": {
                "parameters": [{"name": "id", "in": "body"}]}}}}"#,
        )
        .unwrap_err();
        assert_eq!(e.pointer, "/paths/~1a~1{id}/get/parameters/0/in");
        assert!(e.reason.contains("\"body\""), "{e}");
    }

    #[test]
    fn accepts_a_minimal_document() {
        parse_str(r#"{"openapi": "3.0.3", "info": {}, "paths": {}}"#).unwrap();
    }
}
