//! The messages of the builders' setters when a value does not convert (see
//! `calcom_codegen::setter_messages`): one function each, instead of a `format!` in every
//! setter.

use std::fmt::Display;

/// typify's builder setters: `error converting supplied value for {field}: {error}`.
#[doc(hidden)]
pub fn supplied_value(field: &str, error: impl Display) -> String {
    format!("error converting supplied value for {field}: {error}")
}

/// progenitor's body setters: `conversion to {target} for {field} failed: {error}`.
#[doc(hidden)]
pub fn failed(target: &str, field: &str, error: impl Display) -> String {
    format!("conversion to {target} for {field} failed: {error}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_messages_are_the_generators_own() {
        assert_eq!(
            super::supplied_value("hidden", "not a bool"),
            "error converting supplied value for hidden: not a bool"
        );
        assert_eq!(
            super::failed("`CreateInput`", "body", 7),
            "conversion to `CreateInput` for body failed: 7"
        );
    }
}
