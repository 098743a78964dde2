//! Why an answer of a newer document does not fit the older document's schema: every place
//! where a JSON value leaves the older schema, attributed to the change in the newer
//! document that put it there (`tests/forward_compat.rs`).

use serde_json::Value;

use super::doc::{nullable, required, Doc};

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// An object member.
    Key(String),
    /// An array item.
    Index(usize),
}

/// `data[3].status` (`.` for the whole value), as serde_path_to_error writes paths.
pub fn display(path: &[Seg]) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Whether one path lies inside the other (or they are equal).
pub fn overlaps(a: &[Seg], b: &[Seg]) -> bool {
    let n = a.len().min(b.len());
    a[..n] == b[..n]
}

/// What a change means for a client generated from the older document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// The newer document allows more: a new enum value, union branch or property.
    Additive,
    /// The newer document took something away or changed it: a property removed or no
    /// longer required, a type changed, a value that became nullable.
    Breaking,
    /// The value leaves the older schema, but not because of a change between the two
    /// documents (a fault of the synthesiser or of this classifier).
    Unattributed,
}

impl Class {
    /// The label the suite prints.
    pub fn label(self) -> &'static str {
        match self {
            Class::Additive => "additive",
            Class::Breaking => "breaking",
            Class::Unattributed => "unattributed",
        }
    }
}

/// One place where an answer leaves the older schema.
#[derive(Debug, Clone)]
pub struct Cause {
    /// Where in the answer.
    pub path: Vec<Seg>,
    /// What the change is for the older client.
    pub class: Class,
    /// The change, in words.
    pub change: String,
}

/// Compares values against the older document's schemas, attributing each departure to
/// the newer document.
pub struct Classifier<'d> {
    /// The older document (the client's), normalised.
    pub old: &'d Doc,
    /// The newer document, normalised.
    pub new: &'d Doc,
}

const MAX_DEPTH: usize = 64;

impl Classifier<'_> {
    /// Every departure of `value` (an instance of `new_schema`) from `old_schema`.
    pub fn causes(&self, old_schema: &Value, new_schema: &Value, value: &Value) -> Vec<Cause> {
        let mut out = Vec::new();
        self.walk(old_schema, new_schema, value, &mut Vec::new(), &mut out, 0);
        out
    }

    /// Whether `value` conforms to `schema` of `doc`.
    fn conforms(doc: &Doc, schema: &Value, value: &Value) -> bool {
        let same = Classifier { old: doc, new: doc };
        let mut out = Vec::new();
        same.walk(schema, schema, value, &mut Vec::new(), &mut out, 0);
        out.is_empty()
    }

    /// Resolves `$ref`s and merges `allOf`s; `nullable` of the reference itself is kept.
    fn flatten(doc: &Doc, schema: &Value) -> (Value, bool) {
        let mut is_nullable = nullable(schema);
        let mut current = schema.clone();
        for _ in 0..16 {
            let resolved = doc.resolve(&current).clone();
            is_nullable |= nullable(&resolved);
            if let Some(merged) = doc.merge_all_of(&resolved) {
                current = merged;
                is_nullable |= nullable(&current);
                continue;
            }
            match resolved.get("allOf").and_then(Value::as_array) {
                Some(members) if members.len() == 1 => {
                    current = members[0].clone();
                    is_nullable |= nullable(&current);
                }
                _ => return (resolved, is_nullable),
            }
        }
        (current, is_nullable)
    }

    fn walk(
        &self,
        old_schema: &Value,
        new_schema: &Value,
        value: &Value,
        path: &mut Vec<Seg>,
        out: &mut Vec<Cause>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let (o, o_nullable) = Self::flatten(self.old, old_schema);
        let (n, n_nullable) = Self::flatten(self.new, new_schema);
        let mut push = |class, change: String, path: &Vec<Seg>| {
            out.push(Cause {
                path: path.clone(),
                class,
                change,
            })
        };
        if value.is_null() {
            if o_nullable || o.is_null() || is_free(&o) {
                return;
            }
            if n_nullable {
                push(Class::Breaking, "became nullable".into(), path);
            } else {
                push(
                    Class::Unattributed,
                    "null where neither document allows it".into(),
                    path,
                );
            }
            return;
        }
        if let Some(values) = o.get("enum").and_then(Value::as_array) {
            if !values.contains(value) {
                let in_new = n
                    .get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|v| v.contains(value));
                if in_new {
                    push(Class::Additive, format!("new enum value {value}"), path);
                } else if n.get("enum").is_none() {
                    push(
                        Class::Breaking,
                        format!("enum restriction dropped: {value} is not an old value"),
                        path,
                    );
                } else {
                    push(
                        Class::Unattributed,
                        format!("{value} is in neither document's enum"),
                        path,
                    );
                }
            }
            return;
        }
        let old_branches = branches(&o);
        if let Some(old_branches) = old_branches {
            if old_branches
                .iter()
                .any(|b| Self::conforms(self.old, b, value))
            {
                return;
            }
            let new_branches = branches(&n).unwrap_or_else(|| vec![n.clone()]);
            let Some(from) = new_branches
                .iter()
                .find(|b| Self::conforms(self.new, b, value))
            else {
                push(
                    Class::Unattributed,
                    "matches no branch of either document".into(),
                    path,
                );
                return;
            };
            match counterpart(&old_branches, from) {
                Some(old_branch) => self.walk(old_branch, from, value, path, out, depth + 1),
                None => push(
                    Class::Additive,
                    format!("new union branch {}", branch_name(from)),
                    path,
                ),
            }
            return;
        }
        if let Some(new_branches) = branches(&n) {
            // The newer document made a plain schema a union: follow the branch the value
            // came from.
            if let Some(from) = new_branches
                .iter()
                .find(|b| Self::conforms(self.new, b, value))
            {
                self.walk(&o, from, value, path, out, depth + 1);
                return;
            }
        }
        if let Some(ty) = o.get("type").and_then(Value::as_str) {
            if !type_matches(ty, value) {
                let new_ty = n.get("type").and_then(Value::as_str).unwrap_or("any");
                let class = if new_ty != ty || n.get("enum").is_some() {
                    Class::Breaking
                } else {
                    Class::Unattributed
                };
                push(
                    class,
                    format!("type changed: {ty} -> {new_ty} ({})", json_type(value)),
                    path,
                );
                return;
            }
        }
        match value {
            Value::Object(members) => {
                let old_props = o.get("properties").and_then(Value::as_object);
                let new_props = n.get("properties").and_then(Value::as_object);
                let new_required = required(&n);
                for name in required(&o) {
                    if members.contains_key(name) {
                        continue;
                    }
                    let change = if new_props.is_some_and(|p| p.contains_key(name)) {
                        if new_required.contains(&name) {
                            push(
                                Class::Unattributed,
                                format!("required property `{name}` missing"),
                                path,
                            );
                            continue;
                        }
                        format!("property `{name}` no longer required")
                    } else {
                        format!("property `{name}` removed")
                    };
                    push(Class::Breaking, change, path);
                }
                let empty = Value::Object(Default::default());
                for (key, member) in members {
                    let new_prop = new_props
                        .and_then(|p| p.get(key))
                        .or_else(|| n.get("additionalProperties").filter(|a| a.is_object()))
                        .unwrap_or(&empty);
                    path.push(Seg::Key(key.clone()));
                    match old_props.and_then(|p| p.get(key)) {
                        Some(old_prop) => {
                            self.walk(old_prop, new_prop, member, path, out, depth + 1)
                        }
                        None => match o.get("additionalProperties") {
                            Some(Value::Bool(false)) => out.push(Cause {
                                path: path.clone(),
                                class: Class::Additive,
                                change: format!("new property `{key}`"),
                            }),
                            Some(extra @ Value::Object(_)) => {
                                self.walk(extra, new_prop, member, path, out, depth + 1)
                            }
                            _ => {}
                        },
                    }
                    path.pop();
                }
            }
            Value::Array(items) => {
                let empty = Value::Object(Default::default());
                let old_items = o.get("items").unwrap_or(&empty);
                let new_items = n.get("items").unwrap_or(&empty);
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    self.walk(old_items, new_items, item, path, out, depth + 1);
                    path.pop();
                }
            }
            Value::String(text) => {
                let format = o.get("format").and_then(Value::as_str);
                let bad_format = match format {
                    Some("date-time") => chrono::DateTime::parse_from_rfc3339(text).is_err(),
                    Some("date") => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err(),
                    _ => false,
                };
                if bad_format {
                    let new_format = n.get("format").and_then(Value::as_str).unwrap_or("none");
                    push(
                        Class::Breaking,
                        format!(
                            "type changed: format {} -> {new_format}",
                            format.unwrap_or("")
                        ),
                        path,
                    );
                }
                if let Some(pattern) = o.get("pattern").and_then(Value::as_str) {
                    let matches = regress::Regex::new(pattern)
                        .map(|re| re.find(text).is_some())
                        .unwrap_or(true);
                    if !matches {
                        push(
                            Class::Breaking,
                            format!("type changed: pattern {pattern} no longer holds"),
                            path,
                        );
                    }
                }
                let len = text.chars().count() as u64;
                let min = o.get("minLength").and_then(Value::as_u64);
                let max = o.get("maxLength").and_then(Value::as_u64);
                if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
                    push(
                        Class::Breaking,
                        "type changed: length limits no longer hold".into(),
                        path,
                    );
                }
            }
            _ => {}
        }
    }
}

/// The `oneOf`/`anyOf` branches of a schema.
fn branches(schema: &Value) -> Option<Vec<Value>> {
    ["oneOf", "anyOf"].iter().find_map(|key| {
        schema
            .get(*key)
            .and_then(Value::as_array)
            .filter(|b| !b.is_empty())
            .cloned()
    })
}

/// The old branch that is the same schema as `new_branch`: the same component, or the
/// same inline schema.
fn counterpart<'a>(old_branches: &'a [Value], new_branch: &Value) -> Option<&'a Value> {
    let name = Doc::ref_name(new_branch);
    old_branches
        .iter()
        .find(|b| match (Doc::ref_name(b), name) {
            (Some(a), Some(b)) => a == b,
            (None, None) => *b == new_branch,
            _ => false,
        })
}

fn branch_name(branch: &Value) -> String {
    match Doc::ref_name(branch) {
        Some(name) => name.to_string(),
        None => format!(
            "(inline {})",
            branch
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("schema")
        ),
    }
}

/// A schema that accepts anything.
fn is_free(schema: &Value) -> bool {
    schema.as_object().is_some_and(|o| {
        o.keys()
            .all(|k| matches!(k.as_str(), "description" | "example" | "title"))
    })
}

fn type_matches(ty: &str, value: &Value) -> bool {
    match ty {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn docs() -> (Doc, Doc) {
        let old = Doc::from_value(json!({"components": {"schemas": {
            "Booking": {"type": "object", "required": ["id", "status"], "properties": {
                "id": {"type": "string"},
                "status": {"type": "string", "enum": ["accepted", "pending"]},
                "item": {"oneOf": [{"$ref": "#/components/schemas/A"}]},
                "count": {"type": "integer"}
            }},
            "A": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}
        }}}));
        let new = Doc::from_value(json!({"components": {"schemas": {
            "Booking": {"type": "object", "required": ["status"], "properties": {
                "id": {"type": "string"},
                "status": {"type": "string", "enum": ["accepted", "pending", "held"]},
                "item": {"oneOf": [{"$ref": "#/components/schemas/A"},
                                   {"$ref": "#/components/schemas/B"}]},
                "count": {"type": "integer", "nullable": true}
            }},
            "A": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
            "B": {"type": "object", "required": ["b"], "properties": {"b": {"type": "number"}}}
        }}}));
        (old, new)
    }

    #[test]
    fn attributes_each_departure_to_its_change() {
        let (old, new) = docs();
        let c = Classifier {
            old: &old,
            new: &new,
        };
        let schema = json!({"$ref": "#/components/schemas/Booking"});
        let causes = c.causes(
            &schema,
            &schema,
            &json!({"status": "held", "item": {"b": 1}, "count": null}),
        );
        let got: Vec<(String, Class, String)> = causes
            .iter()
            .map(|c| (display(&c.path), c.class, c.change.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    ".".to_string(),
                    Class::Breaking,
                    "property `id` no longer required".to_string()
                ),
                (
                    "status".into(),
                    Class::Additive,
                    "new enum value \"held\"".into()
                ),
                ("item".into(), Class::Additive, "new union branch B".into()),
                ("count".into(), Class::Breaking, "became nullable".into()),
            ]
        );
        let fits = c.causes(&schema, &schema, &json!({"id": "x", "status": "pending"}));
        assert!(fits.is_empty(), "{fits:?}");
    }

    #[test]
    fn paths_overlap_when_one_contains_the_other() {
        let a = [Seg::Key("data".into()), Seg::Index(3)];
        let b = [Seg::Key("data".into())];
        assert!(overlaps(&a, &b) && overlaps(&b, &a));
        assert!(!overlaps(&a, &[Seg::Key("meta".into())]));
        assert_eq!(display(&a), "data[3]");
        assert_eq!(display(&[]), ".");
    }
}
