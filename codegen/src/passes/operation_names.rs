//! Method names: the operationId without its `…Controller_` prefix, in snake_case.
//!
//! `OrganizationsDelegationCredentialController_updateDelegationCredential` becomes
//! `update_delegation_credential`, and `BookingsController_2024_08_13_getBooking` becomes
//! `get_booking`. Where several operations would get the same name, each of them is
//! qualified by its controller (`organizations_teams_create_team`, `teams_create_team`),
//! then by its version, then by a counter; every such rename is reported. A name the
//! hand-written layer already defines on `Client` ([`RESERVED_METHOD_NAMES`](calcom_spec::naming::RESERVED_METHOD_NAMES)) is qualified
//! the same way. The new name is written back as the operationId, because progenitor names
//! methods and builders from it.
//!
//! The names themselves come from [`calcom_spec::naming`], which the drift checker uses
//! to predict them; this pass applies and reports them.

use calcom_spec::naming::{method_names, OperationKey, Qualified};
use serde_json::Value;

use super::{for_each_operation, Context};
use crate::report::PassReport;

/// Renames every operationId to its method name; see the module documentation.
pub fn run(doc: &mut Value, ctx: &mut Context, report: &mut PassReport) {
    let keys: Vec<OperationKey<'_>> = ctx
        .operations
        .iter()
        .map(|r| OperationKey {
            method: &r.method,
            path: &r.path,
            operation_id: Some(r.operation_id.as_str()),
        })
        .collect();
    // One name per record, by the record's index. Looked up by path and method rather than
    // zipped with the walk in order: a record the walk does not visit (a non-object
    // operation) would otherwise shift every later name onto the wrong operation.
    let mut names: Vec<Option<_>> = method_names(&keys).into_iter().map(Some).collect();
    drop(keys);

    for_each_operation(doc, |ptr, path, method, op| {
        let upper = method.to_ascii_uppercase();
        let index = ctx
            .operations
            .iter()
            .position(|r| r.path == path && r.method == upper);
        let Some((record, method)) = index.and_then(|i| {
            let method = names.get_mut(i)?.take()?;
            Some((ctx.operations.get_mut(i)?, method))
        }) else {
            report.warn(ptr, "no operation record for this operation: left unnamed");
            return;
        };
        match method.qualified {
            Some(Qualified::NoOperationId) => report.change(
                format!("{ptr}/operationId"),
                format!(
                    "no operationId: named `{}` from the method and path",
                    method.name
                ),
            ),
            Some(reason) => {
                let taken_by = if reason == Qualified::TakenByClientLayer {
                    "the client layer"
                } else {
                    "another operation"
                };
                report.change(
                    format!("{ptr}/operationId"),
                    format!(
                        "`{}` renamed `{}`: `{}` is taken by {taken_by}",
                        record.operation_id, method.name, method.short
                    ),
                );
            }
            None => {}
        }
        op.insert("operationId".into(), Value::String(method.name.clone()));
        record.name = method.name;
    });
    for (record, unused) in ctx.operations.iter().zip(&names) {
        if unused.is_some() {
            let ptr = calcom_spec::pointer::from_tokens([
                "paths",
                record.path.as_str(),
                &record.method.to_ascii_lowercase(),
            ]);
            report.warn(ptr, "not an operation object: left unnamed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::normalise_with;
    use serde_json::json;

    #[test]
    fn names_the_client_layer_defines_are_qualified() {
        let mut doc = json!({"openapi": "3.0.0", "info": {}, "paths": {
            "/v2/oauth/{clientId}/refresh": {"post": {"operationId": "OAuthFlowController_refreshTokens"}},
            "/v2/tokens": {"get": {"operationId": "tokens"}},
            "/v2/me": {"get": {"operationId": "MeController_getMe"}}
        }});
        let (ctx, report) = normalise_with(&mut doc, run);
        let names: Vec<&str> = ctx.operations.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["o_auth_flow_refresh_tokens", "tokens_2", "get_me"]);
        assert_eq!(report.changes, 2);
        assert!(
            report.details[0]
                .detail
                .contains("taken by the client layer"),
            "{:?}",
            report.details[0]
        );
    }

    #[test]
    fn a_non_object_operation_does_not_shift_the_names_of_the_others() {
        // collect_operations records `get: true`; the walk skips it. Paired in order, `a`
        // and `b` would have got the names meant for the operation before them.
        let mut doc = json!({"openapi": "3.0.0", "info": {}, "paths": {
            "/v2/x": {"get": true},
            "/v2/a": {"get": {"operationId": "AController_getA"}},
            "/v2/b": {"get": {"operationId": "BController_getB"}}
        }});
        let (ctx, report) = normalise_with(&mut doc, run);
        assert_eq!(doc["paths"]["/v2/a"]["get"]["operationId"], "get_a");
        assert_eq!(doc["paths"]["/v2/b"]["get"]["operationId"], "get_b");
        let names: Vec<&str> = ctx.operations.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["", "get_a", "get_b"]);
        assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
        assert_eq!(report.warnings[0].pointer, "/paths/~1v2~1x/get");
        assert!(report.warnings[0].detail.contains("left unnamed"));
    }

    #[test]
    fn an_operation_without_a_record_is_reported() {
        let mut doc = json!({"openapi": "3.0.0", "info": {}, "paths": {
            "/v2/a": {"get": {"operationId": "AController_getA"}}
        }});
        let mut ctx = Context::default();
        let mut report = PassReport::new("operation names");
        run(&mut doc, &mut ctx, &mut report);
        assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
        assert_eq!(report.warnings[0].pointer, "/paths/~1v2~1a/get");
        assert_eq!(
            doc["paths"]["/v2/a"]["get"]["operationId"],
            "AController_getA"
        );
    }

    #[test]
    fn strips_prefix_and_disambiguates_collisions() {
        let mut doc = json!({"openapi": "3.0.0", "info": {}, "paths": {
            "/v2/orgs/{orgId}/teams": {"post": {"operationId": "OrganizationsTeamsController_createTeam"}},
            "/v2/teams": {"post": {"operationId": "TeamsController_createTeam"}},
            "/v2/bookings/{uid}": {"get": {"operationId": "BookingsController_2024_08_13_getBooking"}},
            "/v2/a": {"get": {"operationId": "AController_2024_01_01_list"}},
            "/v2/b": {"get": {"operationId": "AController_2024_02_02_list"}},
            "/v2/c/{id}": {"delete": {}}
        }});
        let (ctx, report) = normalise_with(&mut doc, run);
        let names: Vec<&str> = ctx.operations.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "organizations_teams_create_team",
                "teams_create_team",
                "get_booking",
                "a_list_2024_01_01",
                "a_list_2024_02_02",
                "delete_v2_c_by_id"
            ]
        );
        assert_eq!(
            doc["paths"]["/v2/teams"]["post"]["operationId"],
            "teams_create_team"
        );
        // Two renames per collision pair, plus the unnamed operation.
        assert_eq!(report.changes, 5);
        assert!(report.details[0].pointer.ends_with("/post/operationId"));
    }
}
