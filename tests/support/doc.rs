//! The normalised OpenAPI document the client was generated from, with `$ref` and
//! `allOf` helpers shared by the synthesiser and the checkers.

use serde_json::{Map, Value};

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
        schema
            .get("$ref")?
            .as_str()?
            .strip_prefix("#/components/schemas/")
    }

    /// Follows `$ref`s until a schema that is not a reference (a dangling one gives `{}`).
    pub fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        static EMPTY: Value = Value::Null;
        let mut current = schema;
        for _ in 0..64 {
            match Self::ref_name(current) {
                Some(name) => match self.component(name) {
                    Some(target) => current = target,
                    None => return &EMPTY,
                },
                None => return current,
            }
        }
        current
    }

    /// `schema` with its `allOf` members merged in, when they all describe objects:
    /// properties and required names are united, other keywords of the outer schema win.
    /// Returns `None` when there is no `allOf` or it cannot be merged as objects.
    pub fn merge_all_of(&self, schema: &Value) -> Option<Value> {
        let members = schema.get("allOf")?.as_array()?;
        let mut merged = Map::new();
        let mut properties = Map::new();
        let mut required: Vec<Value> = Vec::new();
        for member in members {
            let member = self.resolve(member);
            let member = self.merge_all_of(member).unwrap_or_else(|| member.clone());
            if !is_object_like(&member) {
                return None;
            }
            absorb(&member, &mut merged, &mut properties, &mut required);
        }
        let mut outer = schema.clone();
        if let Some(o) = outer.as_object_mut() {
            o.remove("allOf");
        }
        absorb(&outer, &mut merged, &mut properties, &mut required);
        merged.insert("type".into(), "object".into());
        if !properties.is_empty() {
            merged.insert("properties".into(), Value::Object(properties));
        }
        if !required.is_empty() {
            merged.insert("required".into(), Value::Array(required));
        }
        Some(Value::Object(merged))
    }
}

fn absorb(
    member: &Value,
    merged: &mut Map<String, Value>,
    properties: &mut Map<String, Value>,
    required: &mut Vec<Value>,
) {
    let Some(m) = member.as_object() else { return };
    for (k, v) in m {
        match k.as_str() {
            "properties" => {
                if let Some(p) = v.as_object() {
                    for (name, s) in p {
                        properties.insert(name.clone(), s.clone());
                    }
                }
            }
            "required" => {
                for r in v.as_array().into_iter().flatten() {
                    if !required.contains(r) {
                        required.push(r.clone());
                    }
                }
            }
            _ => {
                merged.insert(k.clone(), v.clone());
            }
        }
    }
}

/// `true` for a schema that describes an object (or says nothing about its type).
pub fn is_object_like(schema: &Value) -> bool {
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => true,
        Some(_) => false,
        None => {
            schema.get("properties").is_some()
                || !(schema.get("enum").is_some()
                    || schema.get("oneOf").is_some()
                    || schema.get("anyOf").is_some()
                    || schema.get("items").is_some())
        }
    }
}

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

/// Escapes one JSON pointer segment.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
