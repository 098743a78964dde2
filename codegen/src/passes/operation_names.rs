//! Method names: the operationId without its `…Controller_` prefix, in snake_case.
//!
//! `OrganizationsDelegationCredentialController_updateDelegationCredential` becomes
//! `update_delegation_credential`, and `BookingsController_2024_08_13_getBooking` becomes
//! `get_booking`. Where several operations would get the same name, each of them is
//! qualified by its controller (`organizations_teams_create_team`, `teams_create_team`),
//! then by its version, then by a counter; every such rename is reported. A name the
//! hand-written layer already defines on `Client` ([`RESERVED_METHOD_NAMES`]) is qualified
//! the same way. The new name is written back as the operationId, because progenitor names
//! methods and builders from it.

use std::collections::{BTreeMap, HashSet};

use heck::ToSnakeCase;
use serde_json::Value;

use super::{for_each_operation, Context};
use crate::report::PassReport;

/// Inherent methods of `Client` that are not operations: progenitor's constructors and the
/// client layer's (`src/client.rs`). Two inherent methods with one name do not compile, so
/// an operation named like one (`OAuthFlowController_refreshTokens`) is qualified.
pub const RESERVED_METHOD_NAMES: &[&str] = &[
    "builder",
    "builder_from_env",
    "force_refresh_tokens",
    "from_env",
    "new",
    "new_with_client",
    "refresh_tokens",
    "retrying_non_idempotent",
    "tokens",
    "with_max_retries",
];

/// The parts of a Cal.com operationId.
#[derive(Debug, Clone, PartialEq, Eq)]
struct IdParts {
    /// `OrganizationsTeams` for `OrganizationsTeamsController_createTeam`.
    controller: Option<String>,
    /// `2024_08_13` for versioned controllers.
    version: Option<String>,
    /// `createTeam`.
    action: String,
}

fn split_operation_id(id: &str) -> IdParts {
    let Some((prefix, rest)) = id.split_once("Controller_") else {
        return IdParts {
            controller: None,
            version: None,
            action: id.to_string(),
        };
    };
    let segments: Vec<&str> = rest.split('_').collect();
    let is_date = segments.len() >= 4
        && segments[0].len() == 4
        && segments[..3]
            .iter()
            .all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()));
    let (version, action) = if is_date {
        (Some(segments[..3].join("_")), segments[3..].join("_"))
    } else {
        (None, rest.to_string())
    };
    IdParts {
        controller: Some(prefix.to_string()),
        version,
        action,
    }
}

/// A name for an operation without an operationId: `get_v2_bookings_by_uid`.
fn name_from_path(method: &str, path: &str) -> String {
    let words: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(param) => format!("by_{param}"),
                None => s.to_string(),
            },
        )
        .collect();
    format!("{method}_{}", words.join("_")).to_snake_case()
}

/// Renames every operationId to its method name; see the module documentation.
pub fn run(doc: &mut Value, ctx: &mut Context, report: &mut PassReport) {
    // First: the short name of every operation, and which short names collide.
    let parts: Vec<(IdParts, String)> = ctx
        .operations
        .iter()
        .map(|r| {
            if r.operation_id.is_empty() {
                let name = name_from_path(&r.method.to_ascii_lowercase(), &r.path);
                (split_operation_id(&name), name)
            } else {
                let parts = split_operation_id(&r.operation_id);
                let short = parts.action.to_snake_case();
                (parts, short)
            }
        })
        .collect();
    let mut by_short: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, (_, short)) in parts.iter().enumerate() {
        by_short.entry(short.as_str()).or_default().push(i);
    }
    let mut names: Vec<String> = parts.iter().map(|(_, s)| s.clone()).collect();
    let reserved = |name: &str| RESERVED_METHOD_NAMES.contains(&name);
    for (_, indices) in by_short
        .iter()
        .filter(|(short, v)| v.len() > 1 || reserved(short))
    {
        for &i in indices {
            let (p, short) = &parts[i];
            names[i] = match &p.controller {
                Some(c) => format!("{}_{short}", c.to_snake_case()),
                None => short.clone(),
            };
        }
        // Still equal within the group: the controller has several versions.
        let clashing: Vec<usize> = indices
            .iter()
            .copied()
            .filter(|&i| indices.iter().any(|&j| j != i && names[j] == names[i]))
            .collect();
        for i in clashing {
            if let Some(v) = &parts[i].0.version {
                names[i] = format!("{}_{v}", names[i]);
            }
        }
    }
    // Last resort, deterministic in document order: a counter.
    let mut seen: HashSet<String> = RESERVED_METHOD_NAMES
        .iter()
        .map(|s| s.to_string())
        .collect();
    for name in names.iter_mut() {
        if !seen.insert(name.clone()) {
            let base = name.clone();
            let mut n = 2;
            while !seen.insert(format!("{base}_{n}")) {
                n += 1;
            }
            *name = format!("{base}_{n}");
        }
    }

    let mut index = 0;
    for_each_operation(doc, |ptr, _path, _method, op| {
        let Some(record) = ctx.operations.get_mut(index) else {
            return;
        };
        index += 1;
        let name = names[index - 1].clone();
        let short = &parts[index - 1].1;
        if record.operation_id.is_empty() {
            report.change(
                format!("{ptr}/operationId"),
                format!("no operationId: named `{name}` from the method and path"),
            );
        } else if &name != short {
            let taken_by = if reserved(short) {
                "the client layer"
            } else {
                "another operation"
            };
            report.change(
                format!("{ptr}/operationId"),
                format!(
                    "`{}` renamed `{name}`: `{short}` is taken by {taken_by}",
                    record.operation_id
                ),
            );
        }
        op.insert("operationId".into(), Value::String(name.clone()));
        record.name = name;
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::normalise_with;
    use serde_json::json;

    #[test]
    fn splits_controller_version_and_action() {
        assert_eq!(
            split_operation_id("BookingsController_2024_08_13_getBooking"),
            IdParts {
                controller: Some("Bookings".into()),
                version: Some("2024_08_13".into()),
                action: "getBooking".into()
            }
        );
        assert_eq!(
            split_operation_id(
                "OrganizationsDelegationCredentialController_updateDelegationCredential"
            )
            .action,
            "updateDelegationCredential"
        );
        assert_eq!(split_operation_id("plainId").controller, None);
    }

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
