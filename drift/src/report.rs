//! The drift report: the changes found between two documents and their summary.

use std::collections::BTreeSet;

use serde::Serialize;

/// How much a change matters to a client of the API, oasdiff-style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Harmless for existing clients (additions, loosened request rules).
    Info,
    /// Existing clients keep working on the wire but may need attention.
    Warning,
    /// Requests or responses of existing clients can fail.
    Breaking,
}

impl Severity {
    /// The lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Breaking => "breaking",
        }
    }
}

/// Which way the data of a schema travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Sent by the client (parameters, request bodies).
    Request,
    /// Sent by the server (response bodies).
    Response,
    /// Used in both directions.
    Both,
    /// A component schema that no operation reaches.
    Unused,
}

impl Direction {
    /// Combines the directions of two uses of the same schema.
    pub fn merge(self, other: Direction) -> Direction {
        match (self, other) {
            (Direction::Unused, d) | (d, Direction::Unused) => d,
            (a, b) if a == b => a,
            _ => Direction::Both,
        }
    }
}

/// What changed. The serialised names are the `kind` values of the JSON format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// An operation (method + path template) is gone.
    OperationRemoved,
    /// A new operation.
    OperationAdded,
    /// The operationId of an operation changed.
    OperationIdChanged,
    /// An operation became deprecated.
    OperationDeprecated,
    /// A new required parameter.
    RequiredParameterAdded,
    /// A new optional parameter.
    OptionalParameterAdded,
    /// A parameter is gone.
    ParameterRemoved,
    /// An optional parameter became required.
    ParameterBecameRequired,
    /// A required parameter became optional.
    ParameterBecameOptional,
    /// An operation got a required request body it did not have.
    RequiredRequestBodyAdded,
    /// An operation got an optional request body it did not have.
    OptionalRequestBodyAdded,
    /// An operation lost its request body.
    RequestBodyRemoved,
    /// An optional request body became required.
    RequestBodyBecameRequired,
    /// A required request body became optional.
    RequestBodyBecameOptional,
    /// A request media type is gone.
    RequestMediaTypeRemoved,
    /// A new request media type.
    RequestMediaTypeAdded,
    /// A success (2xx) response status is gone.
    SuccessStatusRemoved,
    /// A new success (2xx) response status.
    SuccessStatusAdded,
    /// A media type of a success response is gone.
    ResponseMediaTypeRemoved,
    /// A new media type of a success response.
    ResponseMediaTypeAdded,
    /// A new required object property.
    RequiredPropertyAdded,
    /// A new optional object property.
    OptionalPropertyAdded,
    /// An object property is gone.
    PropertyRemoved,
    /// An optional property became required.
    PropertyBecameRequired,
    /// A required property became optional.
    PropertyBecameOptional,
    /// The JSON type changed.
    TypeChanged,
    /// The `format` changed, appeared or disappeared.
    FormatChanged,
    /// The value may now be null.
    BecameNullable,
    /// The value may no longer be null.
    BecameNonNullable,
    /// A new enum value.
    EnumValueAdded,
    /// An enum value is gone.
    EnumValueRemoved,
    /// A free value became restricted to an enum.
    EnumAdded,
    /// An enum restriction was dropped.
    EnumRemoved,
    /// A new `oneOf`/`anyOf` branch.
    OneOfBranchAdded,
    /// A `oneOf`/`anyOf` branch is gone.
    OneOfBranchRemoved,
    /// An `allOf` member appeared or disappeared.
    AllOfChanged,
    /// A validation keyword now accepts fewer values.
    ConstraintTightened,
    /// A validation keyword now accepts more values.
    ConstraintLoosened,
    /// A `$ref` now points to a different component schema.
    RefTargetChanged,
    /// A `default` value changed.
    DefaultChanged,
    /// A new component schema.
    SchemaAdded,
    /// A component schema is gone.
    SchemaRemoved,
    /// A component schema got a new name (same body, references updated).
    SchemaRenamed,
}

impl ChangeKind {
    /// The snake_case name used in every output format.
    pub fn as_str(self) -> &'static str {
        KIND_NAMES
            .iter()
            .find(|(kind, _)| *kind == self)
            .map_or("unknown", |(_, name)| name)
    }
}

/// Every kind with its serialised name, in rule-table order.
pub const KIND_NAMES: &[(ChangeKind, &str)] = &[
    (ChangeKind::OperationRemoved, "operation_removed"),
    (ChangeKind::OperationAdded, "operation_added"),
    (ChangeKind::OperationIdChanged, "operation_id_changed"),
    (ChangeKind::OperationDeprecated, "operation_deprecated"),
    (
        ChangeKind::RequiredParameterAdded,
        "required_parameter_added",
    ),
    (
        ChangeKind::OptionalParameterAdded,
        "optional_parameter_added",
    ),
    (ChangeKind::ParameterRemoved, "parameter_removed"),
    (
        ChangeKind::ParameterBecameRequired,
        "parameter_became_required",
    ),
    (
        ChangeKind::ParameterBecameOptional,
        "parameter_became_optional",
    ),
    (
        ChangeKind::RequiredRequestBodyAdded,
        "required_request_body_added",
    ),
    (
        ChangeKind::OptionalRequestBodyAdded,
        "optional_request_body_added",
    ),
    (ChangeKind::RequestBodyRemoved, "request_body_removed"),
    (
        ChangeKind::RequestBodyBecameRequired,
        "request_body_became_required",
    ),
    (
        ChangeKind::RequestBodyBecameOptional,
        "request_body_became_optional",
    ),
    (
        ChangeKind::RequestMediaTypeRemoved,
        "request_media_type_removed",
    ),
    (
        ChangeKind::RequestMediaTypeAdded,
        "request_media_type_added",
    ),
    (ChangeKind::SuccessStatusRemoved, "success_status_removed"),
    (ChangeKind::SuccessStatusAdded, "success_status_added"),
    (
        ChangeKind::ResponseMediaTypeRemoved,
        "response_media_type_removed",
    ),
    (
        ChangeKind::ResponseMediaTypeAdded,
        "response_media_type_added",
    ),
    (ChangeKind::RequiredPropertyAdded, "required_property_added"),
    (ChangeKind::OptionalPropertyAdded, "optional_property_added"),
    (ChangeKind::PropertyRemoved, "property_removed"),
    (
        ChangeKind::PropertyBecameRequired,
        "property_became_required",
    ),
    (
        ChangeKind::PropertyBecameOptional,
        "property_became_optional",
    ),
    (ChangeKind::TypeChanged, "type_changed"),
    (ChangeKind::FormatChanged, "format_changed"),
    (ChangeKind::BecameNullable, "became_nullable"),
    (ChangeKind::BecameNonNullable, "became_non_nullable"),
    (ChangeKind::EnumValueAdded, "enum_value_added"),
    (ChangeKind::EnumValueRemoved, "enum_value_removed"),
    (ChangeKind::EnumAdded, "enum_added"),
    (ChangeKind::EnumRemoved, "enum_removed"),
    (ChangeKind::OneOfBranchAdded, "one_of_branch_added"),
    (ChangeKind::OneOfBranchRemoved, "one_of_branch_removed"),
    (ChangeKind::AllOfChanged, "all_of_changed"),
    (ChangeKind::ConstraintTightened, "constraint_tightened"),
    (ChangeKind::ConstraintLoosened, "constraint_loosened"),
    (ChangeKind::RefTargetChanged, "ref_target_changed"),
    (ChangeKind::DefaultChanged, "default_changed"),
    (ChangeKind::SchemaAdded, "schema_added"),
    (ChangeKind::SchemaRemoved, "schema_removed"),
    (ChangeKind::SchemaRenamed, "schema_renamed"),
];

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What changed.
    pub kind: ChangeKind,
    /// How much it matters on the wire.
    pub severity: Severity,
    /// `METHOD /path/{template}` for changes inside an operation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// The component schema name for changes inside a component.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    /// Which way the changed data travels, where that matters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// JSON pointer into the new document, or into the old one for removals.
    pub location: String,
    /// A human-readable explanation.
    pub detail: String,
    /// The operations a component change reaches (through `$ref`s), `METHOD /path` each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub affected_operations: Vec<String>,
    /// Whether code written against the old generated client would stop compiling.
    pub compile_break: bool,
}

/// Counts over all changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Changes classified breaking.
    pub breaking: usize,
    /// Changes classified warning.
    pub warning: usize,
    /// Changes classified info.
    pub info: usize,
    /// Changes that break compilation of code written against the old client.
    pub compile_breaks: usize,
    /// Distinct operations with at least one breaking change (directly or through a schema).
    pub operations_with_breaking_change: usize,
    /// Description, summary, example and tag edits: counted, never listed.
    pub documentation_edits: usize,
    /// Operations in the old document.
    pub operations_old: usize,
    /// Operations in the new document.
    pub operations_new: usize,
    /// Component schemas in the old document.
    pub schemas_old: usize,
    /// Component schemas in the new document.
    pub schemas_new: usize,
}

/// Everything `compare` found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DriftReport {
    /// Counts.
    pub summary: Summary,
    /// The changes, breaking first, then warning, then info.
    pub changes: Vec<Change>,
}

impl DriftReport {
    /// Builds a report from classified changes, sorting them and filling the counts that
    /// depend on them.
    pub fn from_changes(mut changes: Vec<Change>, mut summary: Summary) -> DriftReport {
        changes.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.operation.is_none().cmp(&b.operation.is_none()))
                .then_with(|| a.operation.cmp(&b.operation))
                .then_with(|| a.component.cmp(&b.component))
                .then_with(|| a.location.cmp(&b.location))
        });
        let count = |severity| changes.iter().filter(|c| c.severity == severity).count();
        summary.breaking = count(Severity::Breaking);
        summary.warning = count(Severity::Warning);
        summary.info = count(Severity::Info);
        summary.compile_breaks = changes.iter().filter(|c| c.compile_break).count();
        let mut broken: BTreeSet<&str> = BTreeSet::new();
        for change in changes.iter().filter(|c| c.severity == Severity::Breaking) {
            if let Some(op) = &change.operation {
                broken.insert(op);
            }
            broken.extend(change.affected_operations.iter().map(String::as_str));
        }
        summary.operations_with_breaking_change = broken.len();
        DriftReport { summary, changes }
    }

    /// The highest severity present, if there is any change.
    pub fn highest_severity(&self) -> Option<Severity> {
        self.changes.iter().map(|c| c.severity).max()
    }

    /// The number of changes of exactly this kind.
    pub fn count_kind(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_match_the_serialised_names() {
        for (kind, name) in KIND_NAMES {
            assert_eq!(
                serde_json::to_value(kind).ok(),
                Some(serde_json::json!(name))
            );
            assert_eq!(kind.as_str(), *name);
        }
    }

    #[test]
    fn directions_merge() {
        assert_eq!(
            Direction::Request.merge(Direction::Response),
            Direction::Both
        );
        assert_eq!(
            Direction::Unused.merge(Direction::Response),
            Direction::Response
        );
        assert_eq!(
            Direction::Request.merge(Direction::Request),
            Direction::Request
        );
    }
}
