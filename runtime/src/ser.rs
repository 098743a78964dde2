//! What the generated structs' `Serialize` impls share (see `calcom_codegen::lean_serialize`).
//!
//! serde's derive writes, for every struct, a body that checks the result of each
//! `serialize_field` with `?` and counts the fields to write in one expression. Type
//! checking and borrow checking those bodies was about a fifth of the crate's front-end
//! time on the event-types tags (`-Z self-profile`, see benches/README). The impl written
//! by the generator makes one call per field on [`Fields`], which keeps the first error and
//! skips the rest, so the per-struct body has no `?` and no `Result` to check.
//!
//! The output is what the derive writes: `serialize_struct` with the same length, the same
//! keys in the same order, and `skip_field` where `skip_serializing_if` holds.

use serde::ser::{Serialize, SerializeStruct, Serializer};

/// A struct being written: the serializer's state, or the first error it returned.
#[doc(hidden)]
pub struct Fields<S: Serializer> {
    state: Result<S::SerializeStruct, S::Error>,
}

impl<S: Serializer> Fields<S> {
    /// `serialize_struct(name, len)`; an error is kept for [`Fields::end`].
    #[inline]
    pub fn begin(serializer: S, name: &'static str, len: usize) -> Self {
        Self {
            state: serializer.serialize_struct(name, len),
        }
    }

    /// Writes `key: value`, unless an earlier call failed.
    #[inline]
    pub fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) {
        if let Ok(state) = &mut self.state {
            if let Err(error) = state.serialize_field(key, value) {
                self.state = Err(error);
            }
        }
    }

    /// [`Fields::field`], or `skip_field(key)` when `skip` (the field's
    /// `skip_serializing_if` held), unless an earlier call failed.
    #[inline]
    pub fn field_unless<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
        skip: bool,
    ) {
        if let Ok(state) = &mut self.state {
            let written = if skip {
                state.skip_field(key)
            } else {
                state.serialize_field(key, value)
            };
            if let Err(error) = written {
                self.state = Err(error);
            }
        }
    }

    /// Ends the struct, or returns the first error.
    #[inline]
    pub fn end(self) -> Result<S::Ok, S::Error> {
        match self.state {
            Ok(state) => state.end(),
            Err(error) => Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A struct written as the generator writes one, beside the same struct with serde's
    // derive: the two must write the same JSON.
    struct Written {
        id: i64,
        note: Option<String>,
        tags: Vec<String>,
    }

    impl Serialize for Written {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut fields = Fields::begin(
                serializer,
                "Written",
                1 + usize::from(!Option::is_none(&self.note))
                    + usize::from(!Vec::is_empty(&self.tags)),
            );
            fields.field("id", &self.id);
            fields.field_unless("note", &self.note, Option::is_none(&self.note));
            fields.field_unless("tags", &self.tags, Vec::is_empty(&self.tags));
            fields.end()
        }
    }

    #[derive(serde::Serialize)]
    struct Derived {
        id: i64,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        tags: Vec<String>,
    }

    #[test]
    fn writes_what_the_derive_writes() {
        for (note, tags) in [
            (None, vec![]),
            (Some("n".to_string()), vec![]),
            (None, vec!["a".to_string(), "b".to_string()]),
            (Some("n".to_string()), vec!["a".to_string()]),
        ] {
            let written = Written {
                id: 7,
                note: note.clone(),
                tags: tags.clone(),
            };
            let derived = Derived { id: 7, note, tags };
            assert_eq!(
                serde_json::to_string(&written).ok(),
                serde_json::to_string(&derived).ok()
            );
        }
    }

    /// A value that refuses to be written.
    struct Refuses;

    impl Serialize for Refuses {
        fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("refused"))
        }
    }

    struct WithBadField;

    impl Serialize for WithBadField {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut fields = Fields::begin(serializer, "WithBadField", 3);
            fields.field("a", &1);
            fields.field("b", &Refuses);
            fields.field("c", &3);
            fields.end()
        }
    }

    #[test]
    fn the_first_error_is_returned() {
        let err = serde_json::to_string(&WithBadField)
            .err()
            .map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("refused"));
        let mut buffer = Vec::new();
        let result = WithBadField.serialize(&mut serde_json::Serializer::new(&mut buffer));
        assert!(result.is_err());
        // Nothing was written after the failing field's key.
        assert_eq!(String::from_utf8_lossy(&buffer), r#"{"a":1,"b":"#);
    }
}
