//! Every accepted difference of the round-trip suites, in one place, with its reason.
//!
//! A difference that is not described here fails the suites. Two kinds:
//! - *normalisations*: deliberate, harmless changes of representation, applied by the
//!   checkers wherever they occur (each has an id the checkers cite);
//! - *known failures*: schemas that fail for a documented reason the generator does not
//!   (yet) fix. A listed schema that passes is reported too, so the list cannot go stale.

/// One accepted difference.
#[derive(Debug, Clone, Copy)]
pub struct Deviation {
    /// Short id the checkers cite.
    pub id: &'static str,
    /// Why it is accepted.
    pub reason: &'static str,
}

/// Value round trip: JSON in, Rust value, JSON out.
pub mod value {
    use super::Deviation;

    /// `10` and `10.0` (and `1e1`) are the same number; a `type: number` field is an
    /// `f64` and serialises with a fraction.
    pub const NUMBER_REPR: Deviation = Deviation {
        id: "number-repr",
        reason: "numbers are compared by value: an f64 field writes 10 as 10.0",
    };
    /// `date-time` values are `chrono::DateTime<Utc>`.
    pub const DATE_TIME_UTC: Deviation = Deviation {
        id: "date-time-utc",
        reason: "date-times are compared as instants: DateTime<Utc> writes every offset as Z and \
                 only the fraction digits it needs",
    };
    /// typify serialises an optional array with `skip_serializing_if = "Vec::is_empty"`.
    pub const EMPTY_ARRAY_OMITTED: Deviation = Deviation {
        id: "empty-array-omitted",
        reason: "an optional array is a Vec with #[serde(default)]: [] and absent are the same \
                 value and [] is not written",
    };
    /// typify serialises an optional free-form object or map skipping it when empty.
    pub const EMPTY_MAP_OMITTED: Deviation = Deviation {
        id: "empty-map-omitted",
        reason: "an optional free-form object or map is a Map with #[serde(default)]: {} and \
                 absent are the same value and {} is not written",
    };
    /// typify types an optional property as `Option<T>`, nullable or not.
    pub const OPTIONAL_NULL_OMITTED: Deviation = Deviation {
        id: "optional-null-omitted",
        reason: "an optional nullable property is Option<T> (not Option<Option<T>>): null and \
                 absent both read as None, which is not written. A request cannot send an \
                 explicit null to clear such a field",
    };
    /// typify fills absent optional properties that have a `default` with it.
    pub const DEFAULT_FILLED: Deviation = Deviation {
        id: "default-filled",
        reason: "an absent optional property with a schema `default` reads as the default and \
                 is written out: the same meaning by the schema",
    };

    /// Every value normalisation.
    pub const ALL: &[Deviation] = &[
        NUMBER_REPR,
        DATE_TIME_UTC,
        EMPTY_ARRAY_OMITTED,
        EMPTY_MAP_OMITTED,
        OPTIONAL_NULL_OMITTED,
        DEFAULT_FILLED,
    ];

    /// Schemas whose value round trip fails for a known reason: (schema, reason).
    /// (`ReassignBookingOutput_2024_08_13`, whose data required itself, was one until the
    /// repository's overlays gave the data a schema of its own.)
    pub const KNOWN_FAILURES: &[(&str, &str)] = &[];
}

/// Schema round trip: the JSON Schema schemars derives for the Rust type against the
/// component schema of the normalised document.
pub mod schema {
    use super::Deviation;

    /// An optional property is `Option<T>`: schemars adds `null` to its type.
    pub const OPTION_ADDS_NULL: Deviation = Deviation {
        id: "option-adds-null",
        reason: "an optional property is Option<T>, which schemars describes as nullable: \
                 nullability is compared for required properties and array items only",
    };
    /// schemars names the default format of Rust number types.
    pub const DEFAULT_NUMBER_FORMAT: Deviation = Deviation {
        id: "default-number-format",
        reason: "a number or integer without a format is f64 / i64 (or a narrower integer typify \
                 picks from the bounds): schemars writes its format (double, int64, uint64, …)",
    };
    /// Formats that typify keeps as `String`.
    pub const UNTYPED_STRING_FORMAT: Deviation = Deviation {
        id: "untyped-string-format",
        reason: "string formats other than date-time, date and uuid (uri, email, …) are plain \
                 String: schemars writes no format",
    };
    /// `allOf` is merged into one struct.
    pub const ALL_OF_MERGED: Deviation = Deviation {
        id: "all-of-merged",
        reason: "allOf of objects becomes one struct: both sides are compared after merging the \
                 members' properties and required lists",
    };
    /// oneOf is an untagged enum, which schemars writes as anyOf.
    pub const ONE_OF_AS_ANY_OF: Deviation = Deviation {
        id: "one-of-as-any-of",
        reason: "oneOf becomes an untagged enum, which schemars writes as anyOf; branches are \
                 compared in order",
    };

    /// A required nullable property is `Option<T>` too.
    pub const REQUIRED_NULLABLE_AS_OPTION: Deviation = Deviation {
        id: "required-nullable-as-option",
        reason: "a required nullable property is Option<T> without a serde default (absent does \
                 not decode, null does); schemars 0.8 never lists an Option field as required",
    };
    /// Numeric enum values written as f64.
    pub const ENUM_NUMBER_REPR: Deviation = Deviation {
        id: "enum-number-repr",
        reason: "numeric enum values are compared by value: schemars writes the f64 12 as 12.0",
    };

    /// Every schema equivalence rule that is not plain equality.
    pub const ALL: &[Deviation] = &[
        OPTION_ADDS_NULL,
        REQUIRED_NULLABLE_AS_OPTION,
        ENUM_NUMBER_REPR,
        DEFAULT_NUMBER_FORMAT,
        UNTYPED_STRING_FORMAT,
        ALL_OF_MERGED,
        ONE_OF_AS_ANY_OF,
    ];

    /// Schemas whose schema round trip fails for a known reason: (schema, reason).
    pub const KNOWN_FAILURES: &[(&str, &str)] = &[];
}

/// Prism suite: requests the original document rejects whatever value is sent, because a
/// constraint of the document cannot be satisfied. The client sends what the API takes
/// (the normalised reading); Prism validates against the document as written. A rejected
/// request is excused only when Prism on the relaxed document (the normalised document with
/// every oneOf read as anyOf) accepts the same request; these kinds name the constraint in
/// the report.
pub mod prism {
    /// A kind of unsatisfiable constraint, recognised in one of Prism's violations.
    #[derive(Debug, Clone, Copy)]
    pub struct Defect {
        /// Short id the suite cites.
        pub id: &'static str,
        /// Prism's violation code (`type`, `pattern`, `enum`, …).
        pub code: &'static str,
        /// Text Prism's message contains.
        pub message: &'static str,
        /// Whether the rejected value must be a JSON array (an enum of strings on an array).
        pub value_is_array: bool,
        /// Why no value satisfies it.
        pub reason: &'static str,
    }

    /// Every excused kind.
    pub const DEFECTS: &[Defect] = &[
        Defect {
            id: "regex-literal-pattern",
            code: "pattern",
            message: "must match pattern \"/",
            value_is_array: false,
            reason:
                "the pattern is written as a JavaScript regex literal (/^…$/): the slashes are \
                     part of the regex, so no value matches (schema-shapes strips them)",
        },
        Defect {
            id: "constant-name-pattern",
            code: "pattern",
            message: "must match pattern \"TIME_FORMAT_HH_MM\"",
            value_is_array: false,
            reason: "the pattern is the name of a constant (TIME_FORMAT_HH_MM), not a regex: it \
                     rejects the document's own example (schema-shapes drops it)",
        },
        Defect {
            id: "object-typed-scalar",
            code: "type",
            message: "must be object",
            value_is_array: false,
            reason:
                "the property is `type: object` with a string enum or a boolean default/example: \
                     no value is both (schema-shapes types it as the scalar the API takes)",
        },
        Defect {
            id: "enum-on-array",
            code: "enum",
            message: "must be equal to one of the allowed values",
            value_is_array: true,
            reason: "the enum of strings is on the array, not on its items: no array equals a \
                     string (schema-shapes moves the enum to the items)",
        },
    ];

    /// Why a request the relaxed document accepts is excused.
    pub const RELAXED_ACCEPTS: &str = "the original document rejects the request, the \
        normalised one with oneOf read as anyOf accepts it";

    /// Prism's message for a oneOf violation.
    pub const ONE_OF: &str = "must match exactly one schema in oneOf";

    /// Why oneOf violations are excused when the relaxed document accepts the request.
    pub const ONE_OF_OVERLAP: &str = "the oneOf branches overlap (no discriminator, a branch \
        is a subset of another): the request matches more than one, and oneOf requires \
        exactly one (oneof-order puts supersets first so that the client decodes them)";

    /// Why an answer that Prism refuses to send is excused.
    pub const EXAMPLE_VIOLATES_SCHEMA: &str = "Prism answers with the document's own example, \
        which violates the document's schema (Prism with --errors refuses to send it)";
}
