//! `cal-api-version` is sent by the client, with the value each operation expects.
//!
//! The header is a required parameter on some operations, with the value in its schema's
//! `default` or, in older documents, only in its description ("Must be set to
//! 2024-08-13"). The pass removes the parameter and records the value per operation.

use serde_json::Value;

use calcom_spec::headers::API_VERSION_HEADER;

use super::{for_each_operation, parameters_mut, Context};
use crate::report::PassReport;

/// Finds the first `YYYY-MM-DD` in `text`.
fn find_date(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(9)).find_map(|i| {
        let candidate = text.get(i..i + 10)?;
        let b = candidate.as_bytes();
        let shape_ok = b.iter().enumerate().all(|(j, c)| match j {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
        let bounded = i + 10 == bytes.len() || !bytes[i + 10].is_ascii_digit();
        (shape_ok && bounded && (i == 0 || !bytes[i - 1].is_ascii_digit())).then_some(candidate)
    })
}

fn version_of(param: &Value) -> Option<String> {
    let schema = param.get("schema");
    let from_schema = schema
        .and_then(|s| s.get("default"))
        .or_else(|| {
            schema
                .and_then(|s| s.get("enum"))
                .and_then(Value::as_array)
                .filter(|e| e.len() == 1)
                .and_then(|e| e.first())
        })
        .and_then(Value::as_str);
    from_schema.map(str::to_string).or_else(|| {
        param
            .get("description")
            .and_then(Value::as_str)
            .and_then(find_date)
            .map(str::to_string)
    })
}

/// Removes `cal-api-version` parameters and records their values per operation.
pub fn run(doc: &mut Value, ctx: &mut Context, report: &mut PassReport) {
    for_each_operation(doc, |ptr, path, method, op| {
        let Some(params) = parameters_mut(op) else {
            return;
        };
        let Some(index) = params
            .iter()
            .position(|p| super::is_parameter(p, "header", API_VERSION_HEADER))
        else {
            return;
        };
        let param = params.remove(index);
        if params.is_empty() {
            op.remove("parameters");
        }
        let required = param.get("required").and_then(Value::as_bool) == Some(true);
        let version = version_of(&param);
        let param_ptr = format!("{ptr}/parameters/{index}");
        match (&version, required) {
            (Some(v), _) => {
                report.change(param_ptr, format!("cal-api-version {v} sent by the client"))
            }
            (None, true) => report.warn(
                param_ptr,
                "required cal-api-version has no default and no date in its description; \
                 the client cannot send it unless the user sets a version",
            ),
            (None, false) => report.change(
                param_ptr,
                "optional cal-api-version without a value removed",
            ),
        }
        if let Some(record) = ctx.operation_mut(path, method) {
            record.api_version = version;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::normalise_with;
    use serde_json::json;

    #[test]
    fn finds_dates_only_when_well_formed() {
        assert_eq!(find_date("Must be set to 2024-08-13"), Some("2024-08-13"));
        assert_eq!(find_date("2024-06-14."), Some("2024-06-14"));
        assert_eq!(find_date("v12024-06-141"), None);
        assert_eq!(find_date("no date"), None);
    }

    #[test]
    fn records_default_or_description_date() {
        let mut doc = json!({"paths": {
            "/a": {"get": {"operationId": "a", "parameters": [
                {"name": "cal-api-version", "in": "header", "required": true,
                 "schema": {"type": "string", "default": "2024-09-04"}},
                {"name": "take", "in": "query"}]}},
            "/b": {"get": {"operationId": "b", "parameters": [
                {"name": "cal-api-version", "in": "header", "required": true,
                 "description": "Must be set to 2024-08-13", "schema": {"type": "string"}}]}},
            "/c": {"get": {"operationId": "c", "parameters": [
                {"name": "cal-api-version", "in": "header", "required": true}]}}
        }});
        let (ctx, report) = normalise_with(&mut doc, run);
        assert_eq!(ctx.operations[0].api_version.as_deref(), Some("2024-09-04"));
        assert_eq!(ctx.operations[1].api_version.as_deref(), Some("2024-08-13"));
        assert_eq!(ctx.operations[2].api_version, None);
        assert_eq!(report.changes, 3);
        assert_eq!(report.warnings.len(), 1);
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert!(doc["paths"]["/b"]["get"].get("parameters").is_none());
    }
}
