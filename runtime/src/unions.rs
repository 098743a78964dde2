//! Decoding of the generated untagged unions of objects (`oneOf` without a discriminator).
//!
//! serde's `#[serde(untagged)]` takes the first variant that decodes, and a struct whose
//! properties are all optional decodes from any object, dropping what it does not know. The
//! generator (`calcom_codegen::unions`) makes such unions call [`decode_untagged`] instead,
//! which prefers a variant whose properties account for every key of the object.

use serde::de::{Deserialize, Deserializer};
use serde_json::Value;

use crate::catch_all::{fallback, first_strict, Branch, UnknownJson};

/// One variant of a union: its JSON property names, and how to decode it.
pub type Variant<T> = (
    &'static [&'static str],
    fn(&Value) -> Result<T, serde_json::Error>,
);

/// Decodes an untagged union of objects.
///
/// The first variant, in declaration order, whose properties include every key of the
/// object and which decodes, wins. If none does (Cal.com sent a field the document does not
/// describe yet), the first variant that decodes wins, as with serde's untagged enums.
/// Variants are tried strictly (enum values the document does not list fail them); when
/// none decodes, [`crate::catch_all::fallback`] decides.
#[doc(hidden)]
pub fn decode_untagged<'de, D, T>(
    deserializer: D,
    name: &str,
    variants: &[Variant<T>],
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    decode_untagged_or(deserializer, name, variants, None)
}

/// [`decode_untagged`] for a union with a catch-all: the raw JSON goes into `unknown` when
/// no variant decodes.
#[doc(hidden)]
pub fn decode_untagged_or<'de, D, T>(
    deserializer: D,
    name: &str,
    variants: &[Variant<T>],
    unknown: Option<fn(UnknownJson) -> T>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Value::deserialize(deserializer)?;
    let accounts_for_every_key = |keys: &[&str]| match &value {
        Value::Object(object) => object.keys().all(|k| keys.contains(&k.as_str())),
        _ => false,
    };
    // Each variant is tried once: those accounting for every key first, then the others.
    let ordered = || {
        let exact = variants
            .iter()
            .filter(|(keys, _)| accounts_for_every_key(keys));
        let rest = variants
            .iter()
            .filter(|(keys, _)| !accounts_for_every_key(keys));
        exact.chain(rest).map(|(_, decode)| *decode)
    };
    match first_strict(&value, ordered()) {
        Some(found) => Ok(found),
        None => {
            let branches: Vec<Branch<T>> = ordered().collect();
            fallback(value, name, &branches, unknown)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Range {
        day: Option<u32>,
        week: Option<u32>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Disabled {
        disabled: bool,
    }

    #[derive(Debug, PartialEq)]
    enum Limit {
        Range(Range),
        Disabled(Disabled),
    }

    fn decode(value: Value) -> Result<Limit, serde_json::Error> {
        let variants: &[Variant<Limit>] = &[
            (&["day", "week"], |v| {
                Range::deserialize(v).map(Limit::Range)
            }),
            (&["disabled"], |v| {
                Disabled::deserialize(v).map(Limit::Disabled)
            }),
        ];
        decode_untagged(value, "Limit", variants)
    }

    #[test]
    fn the_variant_that_accounts_for_every_key_wins() {
        assert_eq!(
            decode(json!({"disabled": true})).unwrap(),
            Limit::Disabled(Disabled { disabled: true })
        );
        assert_eq!(
            decode(json!({"day": 1})).unwrap(),
            Limit::Range(Range {
                day: Some(1),
                week: None
            })
        );
    }

    #[test]
    fn unknown_keys_fall_back_to_the_first_variant_that_decodes() {
        assert_eq!(
            decode(json!({"day": 1, "newField": "x"})).unwrap(),
            Limit::Range(Range {
                day: Some(1),
                week: None
            })
        );
    }

    #[test]
    fn nothing_matching_is_an_error_naming_the_union() {
        let err = decode(json!("text")).unwrap_err().to_string();
        assert!(err.contains("untagged enum Limit"), "{err}");
    }
}
