//! Catch-all variants: answers with values the document did not list still decode.
//!
//! Cal.com adds enum values and `oneOf` branches to its answers all the time. The
//! generator (`calcom_codegen::catch_all`) gives every enum that occurs in an answer an
//! `Unknown(UnknownValue)` variant and every untagged union an `Unknown(UnknownJson)`
//! variant; both keep the raw value and serialise back to it. Neither can be built by
//! hand, so requests send only documented values.
//!
//! A catch-all must never make a union pick the wrong branch: while a union tries its
//! branches, enums inside them are strict (an unknown value fails the branch, exactly as
//! without catch-alls). Only when no branch decodes is the union tried again with enums
//! open, except single-valued enums (those are tags saying which branch it is), and when
//! that fails too, the union keeps the raw JSON. The mode lives in a thread-local: decoding
//! is synchronous, and every change is undone when the attempt ends.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::{Serialize, Serializer};
use serde_json::Value;

/// The raw value of an enum value the document did not list (yet).
///
/// Match the documented variants and end with a `_` arm (the enums are
/// `#[non_exhaustive]`): when a later document adds the value as a variant, the code still
/// compiles, and the value then arrives as the new variant instead of `Unknown`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(Box<str>);

impl UnknownValue {
    /// The value as Cal.com sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for UnknownValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// The raw JSON of an answer that matched none of a union's documented branches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownJson(Box<Value>);

impl UnknownJson {
    /// The JSON as Cal.com sent it.
    pub fn as_json(&self) -> &Value {
        &self.0
    }

    /// The JSON, owned.
    pub fn into_json(self) -> Value {
        *self.0
    }
}

impl Serialize for UnknownJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// How enums treat values they do not list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Outside unions: every enum keeps unknown values.
    Open,
    /// While a union tries its branches: unknown values fail the branch.
    Strict,
    /// While a union tries its branches again: enums with more than one value keep
    /// unknown values, single-valued ones (tags) do not.
    Lenient,
}

thread_local! {
    static MODE: Cell<Mode> = const { Cell::new(Mode::Open) };
}

fn mode() -> Mode {
    MODE.with(Cell::get)
}

/// Runs `f` in `mode`, restoring the previous mode afterwards (also on panic).
fn with_mode<T>(mode: Mode, f: impl FnOnce() -> T) -> T {
    struct Restore(Mode);
    impl Drop for Restore {
        fn drop(&mut self) {
            MODE.with(|m| m.set(self.0));
        }
    }
    let _restore = Restore(MODE.with(|m| m.replace(mode)));
    f()
}

/// Decodes a string enum with a catch-all: `known` maps documented values, `unknown`
/// wraps the others (when the current mode allows).
#[doc(hidden)]
pub fn deserialize_enum<'de, D, T>(
    deserializer: D,
    expected: &'static [&'static str],
    known: fn(&str) -> Option<T>,
    unknown: fn(UnknownValue) -> T,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct EnumVisitor<T> {
        expected: &'static [&'static str],
        known: fn(&str) -> Option<T>,
        unknown: fn(UnknownValue) -> T,
    }
    impl<T> Visitor<'_> for EnumVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "one of {:?}", self.expected)
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            if let Some(known) = (self.known)(value) {
                return Ok(known);
            }
            let keep = match mode() {
                Mode::Open => true,
                Mode::Strict => false,
                Mode::Lenient => self.expected.len() > 1,
            };
            if keep {
                Ok((self.unknown)(UnknownValue(value.into())))
            } else {
                Err(E::unknown_variant(value, self.expected))
            }
        }
    }
    deserializer.deserialize_str(EnumVisitor {
        expected,
        known,
        unknown,
    })
}

/// Decodes one branch of a union strictly (`#[serde(deserialize_with)]` of the generated
/// unions' branch attempts).
#[doc(hidden)]
pub fn strict<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    with_mode(Mode::Strict, || T::deserialize(deserializer))
}

/// One branch of a union, decoded from buffered JSON.
#[doc(hidden)]
pub type Branch<T> = fn(&Value) -> Result<T, serde_json::Error>;

/// Tries `branches` in order, each strictly; the first that decodes wins.
pub(crate) fn first_strict<T>(
    value: &Value,
    mut branches: impl Iterator<Item = Branch<T>>,
) -> Option<T> {
    with_mode(Mode::Strict, || branches.find_map(|b| b(value).ok()))
}

/// What a union does when no branch decoded strictly: inside another union's strict
/// attempt it fails; otherwise it tries the branches again with multi-valued enums open,
/// and when that fails too, keeps the raw JSON in `unknown` (if the union has one).
#[doc(hidden)]
pub fn fallback<T, E: de::Error>(
    raw: Value,
    name: &str,
    branches: &[Branch<T>],
    unknown: Option<fn(UnknownJson) -> T>,
) -> Result<T, E> {
    let outer = mode();
    let no_match = || {
        E::custom(format!(
            "data did not match any variant of untagged enum {name}"
        ))
    };
    if outer == Mode::Strict {
        return Err(no_match());
    }
    if let Some(found) = with_mode(Mode::Lenient, || branches.iter().find_map(|b| b(&raw).ok())) {
        return Ok(found);
    }
    match unknown {
        Some(wrap) if outer == Mode::Open => Ok(wrap(UnknownJson(Box::new(raw)))),
        _ => Err(no_match()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq)]
    enum Status {
        Accepted,
        Unknown(UnknownValue),
    }

    impl<'de> Deserialize<'de> for Status {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_enum(
                d,
                &["accepted", "pending"],
                |v| (v == "accepted").then_some(Status::Accepted),
                Status::Unknown,
            )
        }
    }

    #[derive(Debug, PartialEq)]
    enum Tag {
        Google,
        Unknown(UnknownValue),
    }

    impl<'de> Deserialize<'de> for Tag {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_enum(
                d,
                &["google"],
                |v| (v == "google").then_some(Tag::Google),
                Tag::Unknown,
            )
        }
    }

    #[test]
    fn unknown_values_are_kept_outside_unions() {
        let s: Status = serde_json::from_value(json!("held")).unwrap();
        assert_eq!(s, Status::Unknown(UnknownValue("held".into())));
        let Status::Unknown(raw) = s else { panic!() };
        assert_eq!(raw.as_str(), "held");
        assert_eq!(serde_json::to_value(&raw).unwrap(), json!("held"));
        let t: Tag = serde_json::from_value(json!("apple")).unwrap();
        assert!(matches!(t, Tag::Unknown(_)));
    }

    #[test]
    fn strict_attempts_refuse_unknown_values_and_restore_the_mode() {
        let strict: Result<Status, _> = with_mode(Mode::Strict, || {
            serde_json::from_value::<Status>(json!("held"))
        });
        assert!(strict.unwrap_err().to_string().contains("unknown variant"));
        let lenient: Tag =
            with_mode(Mode::Lenient, || serde_json::from_value(json!("google"))).unwrap();
        assert_eq!(lenient, Tag::Google);
        let tag = with_mode(Mode::Lenient, || serde_json::from_value::<Tag>(json!("x")));
        assert!(
            tag.is_err(),
            "single-valued enums are tags in a lenient retry"
        );
        assert_eq!(mode(), Mode::Open);
    }

    #[derive(Debug, PartialEq)]
    enum Union {
        Status(Status),
        Tag(Tag),
        Unknown(UnknownJson),
    }

    fn decode_union(value: Value) -> Result<Union, serde_json::Error> {
        let branches: &[Branch<Union>] = &[
            |v| Status::deserialize(v).map(Union::Status),
            |v| Tag::deserialize(v).map(Union::Tag),
        ];
        match first_strict(&value, branches.iter().copied()) {
            Some(found) => Ok(found),
            None => fallback(value, "Union", branches, Some(Union::Unknown)),
        }
    }

    #[test]
    fn unions_try_strictly_then_leniently_then_keep_the_raw_json() {
        // Documented values pick their own branch: the open `Status` does not swallow
        // `google`.
        assert_eq!(
            decode_union(json!("google")).unwrap(),
            Union::Tag(Tag::Google)
        );
        // A new value decodes into the first branch that accepts it with enums open.
        assert_eq!(
            decode_union(json!("held")).unwrap(),
            Union::Status(Status::Unknown(UnknownValue("held".into())))
        );
        // Nothing fits: the raw JSON is kept.
        let raw = decode_union(json!({"x": 1})).unwrap();
        let Union::Unknown(raw) = raw else {
            panic!("{raw:?}")
        };
        assert_eq!(raw.as_json(), &json!({"x": 1}));
        assert_eq!(serde_json::to_value(&raw).unwrap(), json!({"x": 1}));
        // Inside another union's strict attempt, a union without a match fails.
        let inner = with_mode(Mode::Strict, || decode_union(json!({"x": 1})));
        assert!(inner.is_err());
    }
}
