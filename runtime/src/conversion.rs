//! The messages of the builders' setters when a value does not convert (see
//! `calcom_codegen::setter_messages`): one function each, instead of a `format!` in every
//! setter.

use std::fmt::Display;

/// typify's builder setters: `error converting supplied value for {field}: {error}`.
#[doc(hidden)]
pub fn supplied_value(field: &str, error: impl Display) -> String {
    format!("error converting supplied value for {field}: {error}")
}

/// A typify builder setter's whole conversion: `value.try_into()`, its error turned into
/// [`supplied_value`]'s message. One generic function instead of a closure in every
/// setter, which rustc would type check and borrow check once per setter.
#[doc(hidden)]
#[inline]
pub fn convert<T, U>(value: T, field: &str) -> Result<U, String>
where
    T: TryInto<U>,
    T::Error: Display,
{
    value.try_into().map_err(|e| supplied_value(field, e))
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
            super::convert::<_, u8>(300_i64, "count"),
            Err::<u8, _>(
                "error converting supplied value for count: out of range integral type conversion attempted"
                    .to_string()
            )
        );
        assert_eq!(super::convert::<_, u8>(30_i64, "count"), Ok(30));
        assert_eq!(
            super::failed("`CreateInput`", "body", 7),
            "conversion to `CreateInput` for body failed: 7"
        );
    }
}
