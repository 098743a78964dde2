//! The normalised OpenAPI document the client was generated from, with `$ref` and
//! `allOf` helpers shared by the synthesiser and the checkers.

use serde_json::Value;

/// The normalised document (`OUT_DIR/openapi.normalised.json`).
pub struct Doc {
    root: Value,
}

/// The normalised document of this build.
pub fn normalised() -> Doc {
    Doc::parse(include_str!(concat!(
        env!("OUT_DIR"),
        "/openapi.normalised.json"
    )))
}

impl Doc {
    /// Parses a document.
    pub fn parse(text: &str) -> Doc {
        Doc {
            root: serde_json::from_str(text).expect("the normalised document is JSON"),
        }
    }

    /// Wraps a document value.
    pub fn from_value(root: Value) -> Doc {
        Doc { root }
    }

    /// The whole document.
    pub fn root(&self) -> &Value {
        &self.root
    }

    /// The operation at `path` and `method` (any case).
    pub fn operation(&self, path: &str, method: &str) -> Option<&Value> {
        self.root
            .get("paths")?
            .get(path)?
            .get(method.to_ascii_lowercase())
    }

    /// Component schema names, in document order.
    pub fn component_names(&self) -> Vec<String> {
        self.root
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|s| s.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The component schema `name`.
    pub fn component(&self, name: &str) -> Option<&Value> {
        self.root.pointer("/components/schemas")?.get(name)
    }

    /// The component name a `$ref` points at.
    pub fn ref_name(schema: &Value) -> Option<&str> {
        calcom_spec::refs::schema_ref_name(schema)
    }

    /// The generator's own `$ref` resolver over this document.
    fn view(&self) -> calcom_spec::refs::Document<'_> {
        calcom_spec::refs::Document::new(&self.root)
    }

    /// Follows `$ref`s until a schema that is not a reference (a dangling one, or a loop,
    /// gives `null`).
    pub fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        static NULL: Value = Value::Null;
        self.view().resolve_schema(schema).unwrap_or(&NULL)
    }

    /// `schema` with its `allOf` members merged in, when they all describe objects
    /// (see [`calcom_spec::refs::Document::merge_all_of`]).
    pub fn merge_all_of(&self, schema: &Value) -> Option<Value> {
        self.view().merge_all_of(schema)
    }
}

pub use calcom_spec::pointer::escape_token as escape;

/// The names in a schema's `required` list.
pub fn required(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// `true` when the schema says `nullable: true`.
pub fn nullable(schema: &Value) -> bool {
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
}
