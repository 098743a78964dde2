//! The rule table: the severity of each kind of change and whether it breaks compilation of
//! code written against the old generated client.
//!
//! `compile_break` follows the SDK's generated interface: progenitor's builder style
//! (one setter per parameter, `.body(..)`/`.body_map(..)` for the request body; a missing
//! required value is an error at `send()`, not at compile time), methods named from
//! operationIds, types from component schema names, and plain structs with public fields
//! (so a field added to a request type breaks struct literals). The README has the same
//! table with the reasons.

use crate::report::{ChangeKind, Direction, Severity};

/// What a rule needs to know about a change besides its kind and direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// The parameter is a header the SDK fills in itself (`Authorization`,
    /// `x-cal-secret-key`, `x-cal-client-id`, `cal-api-version`), so callers never pass it.
    pub sdk_managed_header: bool,
    /// The generated method keeps its name (an operation that moved keeps its operationId,
    /// or an operationId changed only in its `…Controller_` prefix).
    pub method_name_kept: bool,
    /// The change is in a component schema that no operation reaches.
    pub unused_component: bool,
}

/// The outcome of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// Wire-level severity.
    pub severity: Severity,
    /// Whether code written against the old client stops compiling.
    pub compile_break: bool,
}

const fn verdict(severity: Severity, compile_break: bool) -> Verdict {
    Verdict {
        severity,
        compile_break,
    }
}

use Severity::{Breaking, Info, Warning};

/// Classifies a change. `Both` takes the worse of the request and response verdicts.
pub fn classify(kind: ChangeKind, direction: Direction, facts: Facts) -> Verdict {
    let mut result = match direction {
        Direction::Both | Direction::Unused => {
            let request = rule(kind, Direction::Request, facts);
            let response = rule(kind, Direction::Response, facts);
            verdict(
                request.severity.max(response.severity),
                request.compile_break || response.compile_break,
            )
        }
        single => rule(kind, single, facts),
    };
    if facts.unused_component && result.severity == Breaking {
        // No operation sends or receives this schema: nothing can fail on the wire, but
        // the generated type still changes.
        result.severity = Warning;
    }
    result
}

fn rule(kind: ChangeKind, direction: Direction, facts: Facts) -> Verdict {
    let request = direction == Direction::Request;
    if facts.sdk_managed_header {
        return sdk_header_rule(kind);
    }
    match kind {
        ChangeKind::OperationRemoved => verdict(Breaking, !facts.method_name_kept),
        ChangeKind::OperationAdded => verdict(Info, false),
        ChangeKind::OperationIdChanged if facts.method_name_kept => verdict(Info, false),
        ChangeKind::OperationIdChanged => verdict(Warning, true),
        ChangeKind::OperationDeprecated => verdict(Info, false),
        ChangeKind::RequiredParameterAdded => verdict(Breaking, false),
        ChangeKind::OptionalParameterAdded => verdict(Info, false),
        ChangeKind::ParameterRemoved => verdict(Warning, true),
        ChangeKind::ParameterBecameRequired => verdict(Breaking, false),
        ChangeKind::ParameterBecameOptional => verdict(Info, false),
        ChangeKind::RequiredRequestBodyAdded => verdict(Breaking, false),
        ChangeKind::OptionalRequestBodyAdded => verdict(Info, false),
        ChangeKind::RequestBodyRemoved => verdict(Warning, true),
        ChangeKind::RequestBodyBecameRequired => verdict(Breaking, false),
        ChangeKind::RequestBodyBecameOptional => verdict(Info, false),
        ChangeKind::RequestMediaTypeRemoved => verdict(Breaking, true),
        ChangeKind::RequestMediaTypeAdded => verdict(Info, false),
        ChangeKind::SuccessStatusRemoved => verdict(Breaking, false),
        ChangeKind::SuccessStatusAdded => verdict(Info, false),
        ChangeKind::ResponseMediaTypeRemoved => verdict(Breaking, true),
        ChangeKind::ResponseMediaTypeAdded => verdict(Info, false),
        ChangeKind::RequiredPropertyAdded if request => verdict(Breaking, true),
        ChangeKind::RequiredPropertyAdded => verdict(Info, false),
        ChangeKind::OptionalPropertyAdded if request => verdict(Info, true),
        ChangeKind::OptionalPropertyAdded => verdict(Info, false),
        ChangeKind::PropertyRemoved if request => verdict(Warning, true),
        ChangeKind::PropertyRemoved => verdict(Breaking, true),
        ChangeKind::PropertyBecameRequired if request => verdict(Breaking, true),
        ChangeKind::PropertyBecameRequired => verdict(Info, true),
        ChangeKind::PropertyBecameOptional if request => verdict(Info, true),
        ChangeKind::PropertyBecameOptional => verdict(Breaking, true),
        ChangeKind::TypeChanged | ChangeKind::FormatChanged => verdict(Breaking, true),
        ChangeKind::BecameNullable if request => verdict(Info, true),
        ChangeKind::BecameNullable => verdict(Breaking, true),
        ChangeKind::BecameNonNullable if request => verdict(Breaking, true),
        ChangeKind::BecameNonNullable => verdict(Info, true),
        ChangeKind::EnumValueAdded if request => verdict(Info, false),
        ChangeKind::EnumValueAdded => verdict(Warning, true),
        ChangeKind::EnumValueRemoved if request => verdict(Breaking, true),
        ChangeKind::EnumValueRemoved => verdict(Info, true),
        ChangeKind::EnumAdded if request => verdict(Breaking, true),
        ChangeKind::EnumAdded => verdict(Info, true),
        ChangeKind::EnumRemoved if request => verdict(Info, true),
        ChangeKind::EnumRemoved => verdict(Warning, true),
        ChangeKind::OneOfBranchAdded if request => verdict(Info, false),
        ChangeKind::OneOfBranchAdded => verdict(Breaking, true),
        ChangeKind::OneOfBranchRemoved if request => verdict(Breaking, true),
        ChangeKind::OneOfBranchRemoved => verdict(Info, true),
        ChangeKind::AllOfChanged => verdict(Warning, true),
        ChangeKind::ConstraintTightened if request => verdict(Breaking, false),
        ChangeKind::ConstraintTightened => verdict(Info, false),
        ChangeKind::ConstraintLoosened if request => verdict(Info, false),
        ChangeKind::ConstraintLoosened => verdict(Warning, false),
        ChangeKind::RefTargetChanged => verdict(Warning, true),
        ChangeKind::DefaultChanged => verdict(Info, false),
        ChangeKind::SchemaAdded => verdict(Info, false),
        ChangeKind::SchemaRemoved => verdict(Warning, true),
        ChangeKind::SchemaRenamed => verdict(Warning, true),
    }
}

/// Headers the SDK sends from its own configuration never appear in method signatures, so
/// they never break compilation; what can change is which credentials or API version the
/// caller must configure.
fn sdk_header_rule(kind: ChangeKind) -> Verdict {
    match kind {
        // The caller must now configure that credential, or calls fail at run time.
        ChangeKind::RequiredParameterAdded | ChangeKind::ParameterBecameRequired => {
            verdict(Warning, false)
        }
        // `cal-api-version` pins the response shapes: a different default or value set
        // means the SDK now asks for another API version.
        ChangeKind::DefaultChanged
        | ChangeKind::EnumValueRemoved
        | ChangeKind::EnumAdded
        | ChangeKind::TypeChanged
        | ChangeKind::FormatChanged
        | ChangeKind::ConstraintTightened => verdict(Warning, false),
        _ => verdict(Info, false),
    }
}

pub use calcom_spec::headers::is_sdk_managed_header;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_directions_take_the_worse_verdict() {
        let v = classify(
            ChangeKind::PropertyRemoved,
            Direction::Both,
            Facts::default(),
        );
        assert_eq!(v, verdict(Breaking, true));
        let v = classify(
            ChangeKind::PropertyRemoved,
            Direction::Request,
            Facts::default(),
        );
        assert_eq!(v, verdict(Warning, true));
    }

    #[test]
    fn unused_components_are_never_breaking() {
        let facts = Facts {
            unused_component: true,
            ..Facts::default()
        };
        let v = classify(ChangeKind::PropertyRemoved, Direction::Unused, facts);
        assert_eq!(v, verdict(Warning, true));
    }

    #[test]
    fn sdk_headers_never_break_compilation() {
        let facts = Facts {
            sdk_managed_header: true,
            ..Facts::default()
        };
        let v = classify(
            ChangeKind::RequiredParameterAdded,
            Direction::Request,
            facts,
        );
        assert_eq!(v, verdict(Warning, false));
        assert!(is_sdk_managed_header("X-Cal-Secret-Key"));
        assert!(!is_sdk_managed_header("x-request-id"));
    }

    #[test]
    fn moved_operations_keep_their_method() {
        let facts = Facts {
            method_name_kept: true,
            ..Facts::default()
        };
        let v = classify(ChangeKind::OperationRemoved, Direction::Request, facts);
        assert_eq!(v, verdict(Breaking, false));
    }
}
