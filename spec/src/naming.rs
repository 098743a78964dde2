//! The method name of each operation: the operationId without its `…Controller_` prefix
//! (and version), in snake_case.
//!
//! `OrganizationsDelegationCredentialController_updateDelegationCredential` becomes
//! `update_delegation_credential`, and `BookingsController_2024_08_13_getBooking` becomes
//! `get_booking`. Where several operations would get the same name, each of them is
//! qualified by its controller (`organizations_teams_create_team`, `teams_create_team`),
//! then by its version, then by a counter. A name the hand-written client layer already
//! defines on `Client` ([`RESERVED_METHOD_NAMES`]) is qualified the same way.
//!
//! The generator names methods with [`method_names`]; the drift checker predicts them
//! with the same function, so a verdict such as "this rename breaks compilation" is about
//! the names users really call.

use std::collections::{BTreeMap, HashSet};

use heck::ToSnakeCase;

/// Inherent methods of `Client` that are not operations: progenitor's constructors and the
/// client layer's (`src/client.rs` of calcom). Two inherent methods with one name do not compile, so
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
pub struct IdParts {
    /// `OrganizationsTeams` for `OrganizationsTeamsController_createTeam`.
    pub controller: Option<String>,
    /// `2024_08_13` for versioned controllers: three all-digit segments, the first of four.
    pub version: Option<String>,
    /// `createTeam`.
    pub action: String,
}

/// Splits `BookingsController_2024_08_13_getBooking` into controller, version and action.
pub fn split_operation_id(id: &str) -> IdParts {
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

/// The name of an operation before collisions are resolved: its action in snake_case.
pub fn short_name(operation_id: &str) -> String {
    split_operation_id(operation_id).action.to_snake_case()
}

/// A name for an operation without an operationId: `get_v2_bookings_by_uid`.
pub fn name_from_path(method: &str, path: &str) -> String {
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
    format!("{}_{}", method.to_ascii_lowercase(), words.join("_")).to_snake_case()
}

/// What [`method_names`] needs to know of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationKey<'a> {
    /// The HTTP method, any case.
    pub method: &'a str,
    /// The path template.
    pub path: &'a str,
    /// The operationId; `None` or empty when the document has none.
    pub operation_id: Option<&'a str>,
}

/// Why an operation's method name is not its short name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualified {
    /// Named from its method and path: the operation has no operationId.
    NoOperationId,
    /// Its short name is a method of the client layer ([`RESERVED_METHOD_NAMES`]).
    TakenByClientLayer,
    /// Its short name is another operation's too.
    TakenByAnotherOperation,
}

/// The method name of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodName {
    /// The name the generated client has.
    pub name: String,
    /// The name before collisions were resolved.
    pub short: String,
    /// Why `name` is not `short` (or why there is no operationId); `None` when it is.
    pub qualified: Option<Qualified>,
}

/// The method name of every operation of a document, given in document order; the result
/// is in the same order. Deterministic: the same operations always get the same names.
pub fn method_names(operations: &[OperationKey<'_>]) -> Vec<MethodName> {
    let parts: Vec<(IdParts, String, bool)> = operations
        .iter()
        .map(|op| match op.operation_id.filter(|id| !id.is_empty()) {
            Some(id) => {
                let parts = split_operation_id(id);
                let short = parts.action.to_snake_case();
                (parts, short, true)
            }
            None => {
                let name = name_from_path(op.method, op.path);
                (split_operation_id(&name), name, false)
            }
        })
        .collect();
    let mut by_short: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, (_, short, _)) in parts.iter().enumerate() {
        by_short.entry(short.as_str()).or_default().push(i);
    }
    let mut names: Vec<String> = parts.iter().map(|(_, s, _)| s.clone()).collect();
    let reserved = |name: &str| RESERVED_METHOD_NAMES.contains(&name);
    for indices in by_short
        .iter()
        .filter(|(short, v)| v.len() > 1 || reserved(short))
        .map(|(_, v)| v)
    {
        for &i in indices {
            let (p, short, _) = &parts[i];
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
    names
        .into_iter()
        .zip(parts)
        .map(|(name, (_, short, has_id))| {
            let qualified = if !has_id {
                Some(Qualified::NoOperationId)
            } else if name == short {
                None
            } else if reserved(&short) {
                Some(Qualified::TakenByClientLayer)
            } else {
                Some(Qualified::TakenByAnotherOperation)
            };
            MethodName {
                name,
                short,
                qualified,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(ops: &[(&str, &str, Option<&str>)]) -> Vec<String> {
        let keys: Vec<OperationKey<'_>> = ops
            .iter()
            .map(|&(method, path, operation_id)| OperationKey {
                method,
                path,
                operation_id,
            })
            .collect();
        method_names(&keys).into_iter().map(|m| m.name).collect()
    }

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
        assert_eq!(split_operation_id("plainId").controller, None);
        // Only a four-digit year makes a version.
        assert_eq!(split_operation_id("AController_24_08_13_get").version, None);
    }

    #[test]
    fn short_names_strip_controller_and_version() {
        assert_eq!(
            short_name("OrganizationsDwdController_createDwd"),
            "create_dwd"
        );
        assert_eq!(
            short_name("OrganizationsDelegationCredentialController_updateDelegationCredential"),
            "update_delegation_credential"
        );
        assert_eq!(
            short_name("BookingsController_2024_08_13_getBooking"),
            "get_booking"
        );
        assert_eq!(short_name("getHTTPThing"), "get_http_thing");
    }

    #[test]
    fn collisions_are_qualified_by_controller_then_version_then_counter() {
        assert_eq!(
            names(&[
                (
                    "post",
                    "/v2/orgs/{orgId}/teams",
                    Some("OrganizationsTeamsController_createTeam")
                ),
                ("post", "/v2/teams", Some("TeamsController_createTeam")),
                (
                    "get",
                    "/v2/bookings/{uid}",
                    Some("BookingsController_2024_08_13_getBooking")
                ),
                ("get", "/v2/a", Some("AController_2024_01_01_list")),
                ("get", "/v2/b", Some("AController_2024_02_02_list")),
                ("delete", "/v2/c/{id}", None),
                ("get", "/v2/d", Some("x")),
                ("get", "/v2/e", Some("x")),
            ]),
            [
                "organizations_teams_create_team",
                "teams_create_team",
                "get_booking",
                "a_list_2024_01_01",
                "a_list_2024_02_02",
                "delete_v2_c_by_id",
                "x",
                "x_2",
            ]
        );
    }

    #[test]
    fn names_the_client_layer_defines_are_qualified() {
        let keys = [
            OperationKey {
                method: "POST",
                path: "/v2/oauth/{clientId}/refresh",
                operation_id: Some("OAuthFlowController_refreshTokens"),
            },
            OperationKey {
                method: "GET",
                path: "/v2/tokens",
                operation_id: Some("tokens"),
            },
            OperationKey {
                method: "GET",
                path: "/v2/me",
                operation_id: Some("MeController_getMe"),
            },
        ];
        let got = method_names(&keys);
        let names: Vec<&str> = got.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["o_auth_flow_refresh_tokens", "tokens_2", "get_me"]);
        assert_eq!(got[0].qualified, Some(Qualified::TakenByClientLayer));
        assert_eq!(got[2].qualified, None);
    }
}
