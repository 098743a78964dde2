//! The data model of a comparison: what the checker reads from a document (operations and
//! their parameters) and what it learns across the two (schema renames). It depends on no
//! other module of the crate, so the comparing modules can all depend on it.

use std::collections::BTreeMap;

use calcom_spec::headers;
use calcom_spec::naming::{method_names, OperationKey};
use calcom_spec::pointer::child;
use calcom_spec::refs::Document;
use calcom_spec::HTTP_METHODS;
use serde_json::Value;

/// Keys that only document a schema: edits to them are counted, never listed.
pub const DOCUMENTATION_KEYS: [&str; 7] = [
    "description",
    "example",
    "examples",
    "title",
    "externalDocs",
    "deprecated",
    "summary",
];

/// One parameter of an operation, after following `$ref`s.
#[derive(Debug, Clone)]
pub struct Parameter<'a> {
    /// `query`, `header`, `path` or `cookie`.
    pub location: String,
    /// The name as written.
    pub name: String,
    /// Matching key: location plus name (lower-cased for headers), or the position in the
    /// path template for path parameters, whose names are ignored.
    pub key: String,
    /// The parameter object.
    pub value: &'a Value,
    /// Its JSON pointer.
    pub pointer: String,
    /// Whether it is required.
    pub required: bool,
}

impl Parameter<'_> {
    /// Whether the SDK sends this parameter itself (auth and API-version headers).
    pub fn is_sdk_managed(&self) -> bool {
        self.location == "header" && headers::is_sdk_managed_header(&self.name)
    }
}

/// One operation of a document.
#[derive(Debug, Clone)]
pub struct Operation<'a> {
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template as written.
    pub path: String,
    /// Matching key: method and path template with parameter names removed.
    pub key: String,
    /// The operation object.
    pub value: &'a Value,
    /// Its JSON pointer.
    pub pointer: String,
    /// Its operationId, if any.
    pub operation_id: Option<&'a str>,
    /// Path-level and operation-level parameters, the latter overriding the former.
    pub parameters: Vec<Parameter<'a>>,
    /// The method the generated client has for it: the generator's own naming
    /// ([`calcom_spec::naming::method_names`]) over the whole document.
    pub method_name: String,
}

impl Operation<'_> {
    /// `METHOD /path/{template}`.
    pub fn display(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// Every operation of a document, in document order.
pub fn collect_operations<'a>(doc: &Document<'a>) -> Vec<Operation<'a>> {
    let mut operations = Vec::new();
    let Some(paths) = doc.root.get("paths").and_then(Value::as_object) else {
        return operations;
    };
    for (path, item) in paths {
        let item_pointer = child("/paths", path);
        let (item, item_pointer) = doc.follow(item, item_pointer);
        let Some(item_map) = item.as_object() else {
            continue;
        };
        let template_names = template_parameter_names(path);
        for method in HTTP_METHODS {
            let Some(value) = item_map.get(method) else {
                continue;
            };
            let pointer = child(&item_pointer, method);
            let mut parameters: Vec<Parameter<'_>> = Vec::new();
            let sources = [
                (
                    item_map.get("parameters"),
                    child(&item_pointer, "parameters"),
                ),
                (value.get("parameters"), child(&pointer, "parameters")),
            ];
            for (list, list_pointer) in sources {
                let Some(list) = list.and_then(Value::as_array) else {
                    continue;
                };
                for (i, raw) in list.iter().enumerate() {
                    let Some(parameter) = read_parameter(
                        doc,
                        raw,
                        child(&list_pointer, &i.to_string()),
                        &template_names,
                    ) else {
                        continue;
                    };
                    parameters.retain(|p| p.key != parameter.key);
                    parameters.push(parameter);
                }
            }
            operations.push(Operation {
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                key: format!("{} {}", method.to_ascii_uppercase(), path_shape(path)),
                value,
                pointer,
                operation_id: value.get("operationId").and_then(Value::as_str),
                parameters,
                method_name: String::new(),
            });
        }
    }
    let keys: Vec<OperationKey<'_>> = operations
        .iter()
        .map(|op| OperationKey {
            method: &op.method,
            path: &op.path,
            operation_id: op.operation_id,
        })
        .collect();
    let names = method_names(&keys);
    drop(keys);
    for (op, name) in operations.iter_mut().zip(names) {
        op.method_name = name.name;
    }
    operations
}

fn read_parameter<'a>(
    doc: &Document<'a>,
    raw: &'a Value,
    pointer: String,
    template_names: &[&str],
) -> Option<Parameter<'a>> {
    let (value, pointer) = doc.follow(raw, pointer);
    let name = value.get("name").and_then(Value::as_str)?;
    let location = value.get("in").and_then(Value::as_str)?;
    let key = match location {
        "header" => format!("header:{}", name.to_ascii_lowercase()),
        "path" => match template_names.iter().position(|n| *n == name) {
            Some(index) => format!("path#{index}"),
            None => format!("path:{name}"),
        },
        other => format!("{other}:{name}"),
    };
    Some(Parameter {
        location: location.to_string(),
        name: name.to_string(),
        key,
        value,
        pointer,
        // Path parameters are always required, whatever the document says.
        required: location == "path"
            || value.get("required").and_then(Value::as_bool) == Some(true),
    })
}

/// `/v2/orgs/{orgId}/teams/{id}` → `/v2/orgs/{}/teams/{}`.
pub fn path_shape(path: &str) -> String {
    let mut shape = String::with_capacity(path.len());
    let mut in_braces = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_braces = true;
                shape.push_str("{}");
            }
            '}' => in_braces = false,
            _ if in_braces => {}
            _ => shape.push(c),
        }
    }
    shape
}

/// The parameter names of a path template, in order.
pub fn template_parameter_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .collect()
}

/// Old schema name → new schema name, for every detected rename.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Renames {
    pub(crate) old_to_new: BTreeMap<String, String>,
}

impl Renames {
    /// The name a schema of the old document has in the new one (itself when not renamed).
    pub fn new_name<'n>(&'n self, old_name: &'n str) -> &'n str {
        self.old_to_new
            .get(old_name)
            .map_or(old_name, String::as_str)
    }

    /// Whether an old name was renamed.
    pub fn is_renamed(&self, old_name: &str) -> bool {
        self.old_to_new.contains_key(old_name)
    }

    /// Whether a new name is the target of a rename.
    pub fn is_rename_target(&self, new_name: &str) -> bool {
        self.old_to_new.values().any(|n| n == new_name)
    }

    /// Every rename, old name first, sorted by old name.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.old_to_new
            .iter()
            .map(|(o, n)| (o.as_str(), n.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_shapes_ignore_parameter_names() {
        assert_eq!(path_shape("/v2/orgs/{orgId}"), path_shape("/v2/orgs/{id}"));
        assert_eq!(template_parameter_names("/a/{x}/b/{y}"), vec!["x", "y"]);
    }

    #[test]
    fn operations_carry_the_generators_method_names() {
        let doc = serde_json::json!({"paths": {
            "/v2/orgs/{orgId}/teams": {"post": {"operationId": "OrganizationsTeamsController_createTeam"}},
            "/v2/teams": {"post": {"operationId": "TeamsController_createTeam"}},
            "/v2/me": {"get": {"operationId": "MeController_2024_08_13_getMe"}},
            "/v2/x/{id}": {"delete": {}}
        }});
        let names: Vec<String> = collect_operations(&Document::new(&doc))
            .into_iter()
            .map(|op| op.method_name)
            .collect();
        assert_eq!(
            names,
            [
                "organizations_teams_create_team",
                "teams_create_team",
                "get_me",
                "delete_v2_x_by_id"
            ]
        );
    }
}
