//! Auth is configured once on the client, not passed to every method.
//!
//! Cal.com documents its credentials as ordinary header parameters on each operation
//! (`Authorization`, `x-cal-secret-key`, `x-cal-client-id`). This pass removes them from
//! the operations and records, per operation, which of them the document accepts and
//! which it requires; the client layer uses that table to send the right headers and to
//! refuse a call its configured credentials cannot satisfy.

use serde_json::Value;

use calcom_spec::headers::AUTH_HEADERS;

use super::{for_each_operation, parameters_mut, Context, HeaderUse};
use crate::report::PassReport;

/// Removes auth header parameters and records their use per operation.
pub fn run(doc: &mut Value, ctx: &mut Context, report: &mut PassReport) {
    for_each_operation(doc, |ptr, path, method, op| {
        let Some(params) = parameters_mut(op) else {
            return;
        };
        let mut found = Vec::new();
        params.retain(|p| {
            let is_header = p.get("in").and_then(Value::as_str) == Some("header");
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            match AUTH_HEADERS
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
            {
                Some(i) if is_header => {
                    let required = p.get("required").and_then(Value::as_bool) == Some(true);
                    found.push((i, required));
                    false
                }
                _ => true,
            }
        });
        if found.is_empty() {
            return;
        }
        if params.is_empty() {
            op.remove("parameters");
        }
        let Some(record) = ctx.operation_mut(path, method) else {
            return;
        };
        let mut removed = Vec::new();
        for (i, required) in found {
            let usage = if required {
                HeaderUse::Required
            } else {
                HeaderUse::Optional
            };
            if let Some(header) = record.auth.header_mut(i) {
                *header = usage;
            }
            removed.push(format!(
                "{}{}",
                AUTH_HEADERS[i],
                if required { " (required)" } else { "" }
            ));
        }
        report.change(
            format!("{ptr}/parameters"),
            format!("auth headers moved to the client: {}", removed.join(", ")),
        );
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::normalise_with;
    use serde_json::json;

    #[test]
    fn removes_auth_headers_and_records_their_use() {
        let mut doc = json!({"paths": {"/a": {"get": {"operationId": "a", "parameters": [
            {"name": "authorization", "in": "header", "required": true},
            {"name": "x-cal-client-id", "in": "header"},
            {"name": "take", "in": "query"}
        ]}, "post": {"operationId": "b", "parameters": [
            {"name": "x-cal-secret-key", "in": "header", "required": true}
        ]}}}});
        let (ctx, report) = normalise_with(&mut doc, run);
        assert_eq!(report.changes, 2);
        let get = &ctx.operations[0].auth;
        assert_eq!(get.authorization, HeaderUse::Required);
        assert_eq!(get.client_id, HeaderUse::Optional);
        assert_eq!(get.secret_key, HeaderUse::Absent);
        assert_eq!(ctx.operations[1].auth.secret_key, HeaderUse::Required);
        let params = doc["paths"]["/a"]["get"]["parameters"].as_array().unwrap();
        assert_eq!(params.len(), 1);
        assert!(doc["paths"]["/a"]["post"].get("parameters").is_none());
    }

    #[test]
    fn leaves_a_query_parameter_named_authorization_alone() {
        let mut doc = json!({"paths": {"/a": {"get": {"parameters": [
            {"name": "Authorization", "in": "query"}]}}}});
        let (_, report) = normalise_with(&mut doc, run);
        assert_eq!(report.changes, 0);
    }
}
