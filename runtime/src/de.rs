//! What the generated structs' `Deserialize` impls share (see `calcom_codegen::lean_deserialize`).
//!
//! serde's derive writes, for every struct, a field-name enum with its own `Deserialize`
//! impl and visitor, a `visit_seq` that decodes the struct from a JSON array, and a
//! `visit_map` that repeats the per-field work inline. The generated impls keep only
//! `visit_map` (a [`VisitMap`] impl) and call these helpers, written once, for the rest:
//! the crate's compile time is mostly the type checking and borrow checking of those
//! derived bodies.
//!
//! The answers decode as they did with the derive (the same field names, defaults, errors
//! for a missing, duplicate or mistyped field, unknown fields ignored), with one
//! difference: a JSON array is not accepted where an object is expected.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

/// A struct whose `Deserialize` impl the generator writes: its name, its keys and its
/// `visit_map`. The visitor, its `expecting` and the `deserialize_struct` call are written
/// once, here ([`deserialize_struct`]), instead of once per struct.
#[doc(hidden)]
pub trait VisitMap: Sized {
    /// The struct's name, as serde's derive gives it to `deserialize_struct`.
    const NAME: &'static str;
    /// The JSON keys of its fields, in order.
    const FIELDS: &'static [&'static str];
    /// Decodes the struct from the entries of a map.
    fn visit_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of a [`VisitMap`] struct: what serde's derive does, with the
/// struct's own `visit_map`.
#[doc(hidden)]
#[inline]
pub fn deserialize_struct<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: VisitMap,
{
    deserializer.deserialize_struct(T::NAME, T::FIELDS, StructVisitor(PhantomData))
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: VisitMap> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit_map(map)
    }
}

/// The position of a key in a struct's field names, or `None` for a key it does not have.
///
/// The seed of `MapAccess::next_key_seed`: matches the key without allocating.
#[doc(hidden)]
pub struct FieldIndex(pub &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldIndex {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldIndex {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|name| *name == key))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|name| name.as_bytes() == key))
    }

    // What serde's derive accepts from formats that name fields by position.
    fn visit_u64<E: de::Error>(self, index: u64) -> Result<Self::Value, E> {
        Ok(usize::try_from(index).ok().filter(|i| *i < self.0.len()))
    }
}

/// Decodes the value of field `name` into `slot`; a second value for it is an error.
#[doc(hidden)]
#[inline]
pub fn field<'de, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads past the value of a key the struct does not have.
#[doc(hidden)]
#[inline]
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// A field without a default: its value, or what serde's derive does when it is missing
/// (an `Option` is `None`, anything else is a "missing field" error).
#[doc(hidden)]
#[inline]
pub fn required<'de, T, E>(slot: Option<T>, name: &'static str) -> Result<T, E>
where
    T: Deserialize<'de>,
    E: de::Error,
{
    match slot {
        Some(value) => Ok(value),
        None => T::deserialize(Missing(name, PhantomData)),
    }
}

/// A field that must be present even when its type could be absent (a required nullable
/// field: `null` is a value, a missing key is an error).
#[doc(hidden)]
#[inline]
pub fn present<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// The value of a missing field, as serde's derive decodes it: `None` for an `Option`, an
/// error for anything else.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A struct written as the generator writes one: a required field, a required nullable
    // field, an optional field with a default.
    #[derive(Debug, PartialEq)]
    struct Sample {
        id: i64,
        note: Option<String>,
        tags: Vec<String>,
        maybe: Option<i64>,
    }

    impl VisitMap for Sample {
        const NAME: &'static str = "Sample";
        const FIELDS: &'static [&'static str] = &["id", "note", "tags", "maybe"];
        fn visit_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Sample, A::Error> {
            let mut id: Option<i64> = None;
            let mut note: Option<Option<String>> = None;
            let mut tags: Option<Vec<String>> = None;
            let mut maybe: Option<Option<i64>> = None;
            while let Some(index) = map.next_key_seed(FieldIndex(Self::FIELDS))? {
                match index {
                    Some(0) => field(&mut map, &mut id, "id")?,
                    Some(1) => field(&mut map, &mut note, "note")?,
                    Some(2) => field(&mut map, &mut tags, "tags")?,
                    Some(3) => field(&mut map, &mut maybe, "maybe")?,
                    _ => skip(&mut map)?,
                }
            }
            Ok(Sample {
                id: required(id, "id")?,
                note: present(note, "note")?,
                tags: tags.unwrap_or_default(),
                maybe: required(maybe, "maybe")?,
            })
        }
    }

    impl<'de> Deserialize<'de> for Sample {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize_struct(deserializer)
        }
    }

    fn decode(json: &str) -> Result<Sample, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn decodes_fields_defaults_and_unknown_keys() {
        let s = decode(r#"{"extra":{"a":[1]},"note":null,"id":7,"tags":["x"]}"#);
        assert_eq!(
            s,
            Ok(Sample {
                id: 7,
                note: None,
                tags: vec!["x".into()],
                maybe: None
            })
        );
        let s = decode(r#"{"id":1,"note":"n","maybe":3}"#);
        assert_eq!(
            s.map(|s| (s.note, s.tags, s.maybe)),
            Ok((Some("n".into()), vec![], Some(3)))
        );
    }

    #[test]
    fn errors_say_what_serde_says() {
        assert!(decode(r#"{"note":null}"#)
            .unwrap_err()
            .starts_with("missing field `id`"));
        assert!(decode(r#"{"id":1}"#)
            .unwrap_err()
            .starts_with("missing field `note`"));
        assert!(decode(r#"{"id":1,"id":2,"note":null}"#)
            .unwrap_err()
            .starts_with("duplicate field `id`"));
        assert!(decode(r#"{"id":"1","note":null}"#)
            .unwrap_err()
            .starts_with("invalid type: string \"1\", expected i64"));
        assert!(decode(r#"[1, null]"#)
            .unwrap_err()
            .starts_with("invalid type: sequence, expected struct Sample"));
    }

    #[test]
    fn escaped_keys_and_buffered_values_match_too() {
        // An escaped key is not borrowed from the input: it arrives through visit_str.
        let s = decode(r#"{"i\u0064":2,"note":null}"#).map(|s| s.id);
        assert_eq!(s, Ok(2));
        // Through serde_json::Value (owned strings), as the unions decode their branches.
        let v: serde_json::Value = serde_json::from_str(r#"{"id":3,"note":"a"}"#).unwrap();
        assert_eq!(Sample::deserialize(v).map(|s| s.id).ok(), Some(3));
    }

    #[test]
    fn the_json_path_of_a_failure_is_kept() {
        let json = r#"{"id":1,"note":null,"tags":["a",2]}"#;
        let de = &mut serde_json::Deserializer::from_str(json);
        let err = serde_path_to_error::deserialize::<_, Sample>(de).unwrap_err();
        assert_eq!(err.path().to_string(), "tags[1]");
    }
}
