//! The schema round-trip checker: the JSON Schema schemars derives for a generated type,
//! compared with the component schema of the normalised document.
//!
//! Equivalence, node by node (after following `$ref`s, merging `allOf` of objects and
//! reading schemars' `anyOf [T, null]` / `type: [T, "null"]` as a nullable `T`):
//! - the same kind: object, array, union (`oneOf`/`anyOf`), enum, scalar or any value;
//! - objects: the same property names, the same required set, each property equivalent;
//!   a free-form object stays free-form;
//! - arrays: equivalent items;
//! - unions: the same number of branches, equivalent in order;
//! - enums: the same set of values;
//! - scalars: the same type and format;
//! - the same nullability.
//!
//! Differences allowed by [`deviations::schema`](super::deviations::schema) are counted,
//! not reported. A `$ref` to another component that the Rust side answers with that
//! component's own type is not descended into: that component is checked on its own.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{Map, Value};

use super::deviations::{schema as dev, Deviation};
use super::doc::{escape, Doc};

/// The JSON Schema (draft 7, as a JSON value) schemars derives for `T`.
pub fn json_schema<T: schemars::JsonSchema>() -> Value {
    let root = schemars::schema_for!(T);
    serde_json::to_value(root).expect("schemars schemas are JSON")
}

/// Derives the JSON Schema of a type.
pub type JsonSchemaFn = fn() -> Value;

/// One difference, at a JSON pointer into the normalised document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Where, in the document.
    pub pointer: String,
    /// What differs.
    pub what: String,
}

/// A node of either side, reduced to what the equivalence compares.
#[derive(Debug, Clone)]
struct Node {
    schema: Value,
    nullable: bool,
    /// The component (expected side) or definition (actual side) it came from.
    reference: Option<String>,
    merged: bool,
}

/// Compares the two sides.
pub struct Compare<'d> {
    doc: &'d Doc,
    /// Component name → the schemars definition name of its Rust type.
    types: &'d BTreeMap<String, String>,
    definitions: Map<String, Value>,
    visited: HashSet<(String, String)>,
    depth: usize,
    /// Equivalence rules used, by id, with counts.
    pub applied: BTreeMap<&'static str, usize>,
    /// Differences found.
    pub mismatches: Vec<Mismatch>,
}

/// Deepest nesting compared; deeper means a recursion the reference shortcut missed.
const MAX_DEPTH: usize = 48;

const TYPED_STRING_FORMATS: [&str; 3] = ["date-time", "date", "uuid"];

impl<'d> Compare<'d> {
    /// A comparison against `root`, the schemars output for one type.
    pub fn new(doc: &'d Doc, types: &'d BTreeMap<String, String>, root: &Value) -> Self {
        let definitions = root
            .get("definitions")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        Compare {
            doc,
            types,
            definitions,
            visited: HashSet::new(),
            depth: 0,
            applied: BTreeMap::new(),
            mismatches: Vec::new(),
        }
    }

    fn apply(&mut self, d: Deviation) {
        *self.applied.entry(d.id).or_default() += 1;
    }

    fn mismatch(&mut self, pointer: &str, what: impl Into<String>) {
        self.mismatches.push(Mismatch {
            pointer: pointer.into(),
            what: what.into(),
        });
    }

    fn expected_node(&self, schema: &Value) -> Node {
        let mut nullable = super::doc::nullable(schema);
        let mut reference = None;
        let mut current = schema.clone();
        for _ in 0..32 {
            if let Some(name) = Doc::ref_name(&current) {
                reference.get_or_insert_with(|| name.to_string());
                current = self.doc.resolve(&current).clone();
                nullable |= super::doc::nullable(&current);
                continue;
            }
            if let Some([only]) = current
                .get("allOf")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
            {
                if Doc::ref_name(only).is_some() {
                    current = only.clone();
                    continue;
                }
            }
            if let Some(merged) = self.doc.merge_all_of(&current) {
                nullable |= super::doc::nullable(&merged);
                return Node {
                    schema: merged,
                    nullable,
                    reference,
                    merged: true,
                };
            }
            if let Some([only]) = current
                .get("allOf")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
            {
                let only = only.clone();
                current = only;
                nullable |= super::doc::nullable(&current);
                continue;
            }
            break;
        }
        Node {
            schema: current,
            nullable,
            reference,
            merged: false,
        }
    }

    fn actual_node(&self, schema: &Value) -> Node {
        let mut nullable = false;
        let mut reference = None;
        let mut current = schema.clone();
        for _ in 0..32 {
            if current == Value::Bool(true) {
                current = Value::Object(Map::new());
            }
            if let Some(name) = current
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/definitions/"))
            {
                reference.get_or_insert_with(|| name.to_string());
                current = self.definitions.get(name).cloned().unwrap_or(Value::Null);
                continue;
            }
            // `type: [T, "null"]`.
            if let Some(types) = current.get("type").and_then(Value::as_array) {
                let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
                if rest.len() < types.len() {
                    nullable = true;
                    current["type"] = match rest.as_slice() {
                        [one] => one.clone(),
                        _ => Value::Array(rest),
                    };
                }
            }
            if let Some(values) = current.get("enum").and_then(Value::as_array) {
                if values.contains(&Value::Null) {
                    nullable = true;
                    let rest: Vec<Value> =
                        values.iter().filter(|v| !v.is_null()).cloned().collect();
                    current["enum"] = Value::Array(rest);
                }
            }
            // `anyOf [T, {type: null}]`, `allOf [T]`.
            let mut unwrapped = None;
            for key in ["anyOf", "oneOf"] {
                if let Some(branches) = current.get(key).and_then(Value::as_array) {
                    let rest: Vec<&Value> =
                        branches.iter().filter(|b| !is_null_schema(b)).collect();
                    if rest.len() < branches.len() {
                        nullable = true;
                        unwrapped = Some(match rest.as_slice() {
                            [one] => (*one).clone(),
                            _ => {
                                let mut c = current.clone();
                                c[key] = Value::Array(rest.into_iter().cloned().collect());
                                c
                            }
                        });
                    }
                }
            }
            if let Some(u) = unwrapped {
                current = u;
                continue;
            }
            if let Some([only]) = current
                .get("allOf")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
            {
                current = only.clone();
                continue;
            }
            if let Some(members) = current.get("allOf").and_then(Value::as_array) {
                // `#[serde(flatten)]`: merge the members as objects.
                let mut merged = current.clone();
                if let Some(m) = merged.as_object_mut() {
                    m.remove("allOf");
                }
                for m in members.clone() {
                    let node = self.actual_node(&m);
                    merge_object(&mut merged, &node.schema);
                }
                current = merged;
                continue;
            }
            break;
        }
        Node {
            schema: current,
            nullable,
            reference,
            merged: false,
        }
    }

    /// Compares the expected schema with the actual one at `ptr`; `optional` is set for
    /// the schema of a property that is not required.
    pub fn schemas(&mut self, expected: &Value, actual: &Value, ptr: &str, optional: bool) {
        if self.depth > MAX_DEPTH {
            return self.mismatch(ptr, "nested too deep to compare (unbounded recursion?)");
        }
        self.depth += 1;
        self.node(expected, actual, ptr, optional);
        self.depth -= 1;
    }

    fn node(&mut self, expected: &Value, actual: &Value, ptr: &str, optional: bool) {
        let e = self.expected_node(expected);
        let a = self.actual_node(actual);
        if e.merged {
            self.apply(dev::ALL_OF_MERGED);
        }
        if e.nullable != a.nullable {
            if optional && a.nullable {
                self.apply(dev::OPTION_ADDS_NULL);
            } else {
                self.mismatch(
                    ptr,
                    format!(
                        "nullable: document {}, Rust type {}",
                        e.nullable, a.nullable
                    ),
                );
            }
        }
        // Another component answered with its own type: checked on its own.
        if let (Some(er), Some(ar)) = (&e.reference, &a.reference) {
            if self.types.get(er) == Some(ar) {
                return;
            }
            if !self.visited.insert((er.clone(), ar.clone())) {
                return;
            }
        }
        let (es, as_) = (&e.schema, &a.schema);
        let (ek, ak) = (kind(es), kind(as_));
        if ek != ak {
            return self.mismatch(
                ptr,
                format!(
                    "document has {ek} {}, Rust type has {ak} {}",
                    brief(es),
                    brief(as_)
                ),
            );
        }
        match ek {
            Kind::Any => {}
            Kind::Enum => {
                let set = |s: &Value| -> BTreeSet<String> {
                    s["enum"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|v| !v.is_null())
                        .map(|v| match v.as_f64() {
                            Some(n) => format!("{n}"),
                            None => v.to_string(),
                        })
                        .collect()
                };
                let (ev, av) = (set(es), set(as_));
                if ev == av && es["enum"] != as_["enum"] {
                    self.apply(dev::ENUM_NUMBER_REPR);
                }
                if ev != av {
                    self.mismatch(
                        &format!("{ptr}/enum"),
                        format!(
                            "only in the document: {:?}; only in the Rust type: {:?}",
                            ev.difference(&av).collect::<Vec<_>>(),
                            av.difference(&ev).collect::<Vec<_>>()
                        ),
                    );
                }
            }
            Kind::Union => {
                let (ekey, ebranches) = branches(es);
                let (akey, abranches) = branches(as_);
                if ekey != akey {
                    self.apply(dev::ONE_OF_AS_ANY_OF);
                }
                if ebranches.len() != abranches.len() {
                    return self.mismatch(
                        &format!("{ptr}/{ekey}"),
                        format!(
                            "{} branches in the document, {} in the Rust type",
                            ebranches.len(),
                            abranches.len()
                        ),
                    );
                }
                for (i, (eb, ab)) in ebranches.iter().zip(&abranches).enumerate() {
                    self.schemas(eb, ab, &format!("{ptr}/{ekey}/{i}"), false);
                }
            }
            Kind::Array => {
                let ei = es
                    .get("items")
                    .cloned()
                    .unwrap_or(Value::Object(Map::new()));
                let ai = as_
                    .get("items")
                    .cloned()
                    .unwrap_or(Value::Object(Map::new()));
                self.schemas(&ei, &ai, &format!("{ptr}/items"), false);
            }
            Kind::Object => self.objects(es, as_, ptr),
            Kind::Scalar => self.scalars(es, as_, ptr),
        }
    }

    fn objects(&mut self, es: &Value, as_: &Value, ptr: &str) {
        let props = |s: &Value| {
            s.get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let (ep, ap) = (props(es), props(as_));
        let names = |m: &Map<String, Value>| m.keys().cloned().collect::<BTreeSet<String>>();
        let (en, an) = (names(&ep), names(&ap));
        for missing in en.difference(&an) {
            self.mismatch(
                &format!("{ptr}/properties/{}", escape(missing)),
                "property missing from the Rust type",
            );
        }
        for extra in an.difference(&en) {
            self.mismatch(
                &format!("{ptr}/properties/{}", escape(extra)),
                "property only in the Rust type",
            );
        }
        let req = |s: &Value| -> BTreeSet<String> {
            s.get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        };
        let (er, mut ar) = (req(es), req(as_));
        for name in er.difference(&req(as_)) {
            if let (Some(e), Some(a)) = (ep.get(name), ap.get(name)) {
                if self.expected_node(e).nullable && self.actual_node(a).nullable {
                    self.apply(dev::REQUIRED_NULLABLE_AS_OPTION);
                    ar.insert(name.clone());
                }
            }
        }
        if er != ar {
            self.mismatch(
                &format!("{ptr}/required"),
                format!(
                    "required only in the document: {:?}; only in the Rust type: {:?}",
                    er.difference(&ar).collect::<Vec<_>>(),
                    ar.difference(&er).collect::<Vec<_>>()
                ),
            );
        }
        for name in en.intersection(&an) {
            self.schemas(
                &ep[name],
                &ap[name],
                &format!("{ptr}/properties/{}", escape(name)),
                !er.contains(name),
            );
        }
        if ep.is_empty() && !ap.is_empty() {
            self.mismatch(
                ptr,
                "free-form object in the document, fixed properties in the Rust type",
            );
        }
        let extra = |s: &Value| {
            s.get("additionalProperties")
                .filter(|v| v.is_object())
                .cloned()
        };
        if let (Some(ee), Some(ae)) = (extra(es), extra(as_)) {
            if !ee.as_object().is_some_and(Map::is_empty) {
                self.schemas(&ee, &ae, &format!("{ptr}/additionalProperties"), false);
            }
        }
    }

    fn scalars(&mut self, es: &Value, as_: &Value, ptr: &str) {
        let et = es.get("type").and_then(Value::as_str).unwrap_or_default();
        let at = as_.get("type").and_then(Value::as_str).unwrap_or_default();
        if et != at {
            return self.mismatch(
                &format!("{ptr}/type"),
                format!("document {et}, Rust type {at}"),
            );
        }
        let ef = es.get("format").and_then(Value::as_str);
        let af = as_.get("format").and_then(Value::as_str);
        match (ef, af) {
            (e, a) if e == a => {}
            (None, Some(_)) if matches!(et, "number" | "integer") => {
                self.apply(dev::DEFAULT_NUMBER_FORMAT)
            }
            (Some(f), None) if et == "string" && !TYPED_STRING_FORMATS.contains(&f) => {
                self.apply(dev::UNTYPED_STRING_FORMAT)
            }
            (e, a) => self.mismatch(
                &format!("{ptr}/format"),
                format!("document {e:?}, Rust type {a:?}"),
            ),
        }
    }
}

fn is_null_schema(s: &Value) -> bool {
    s.get("type").and_then(Value::as_str) == Some("null")
}

fn merge_object(into: &mut Value, from: &Value) {
    let Some(into) = into.as_object_mut() else {
        return;
    };
    for (k, v) in from.as_object().into_iter().flatten() {
        match (k.as_str(), into.get_mut(k)) {
            ("properties", Some(Value::Object(p))) => {
                for (n, s) in v.as_object().into_iter().flatten() {
                    p.insert(n.clone(), s.clone());
                }
            }
            ("required", Some(Value::Array(r))) => {
                for n in v.as_array().into_iter().flatten() {
                    if !r.contains(n) {
                        r.push(n.clone());
                    }
                }
            }
            _ => {
                into.insert(k.clone(), v.clone());
            }
        }
    }
}

/// What a node describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Any,
    Enum,
    Union,
    Array,
    Object,
    Scalar,
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Kind::Any => "any value",
            Kind::Enum => "an enum",
            Kind::Union => "a union",
            Kind::Array => "an array",
            Kind::Object => "an object",
            Kind::Scalar => "a scalar",
        })
    }
}

fn kind(s: &Value) -> Kind {
    if s.get("enum").and_then(Value::as_array).is_some() {
        return Kind::Enum;
    }
    if s.get("oneOf").is_some() || s.get("anyOf").is_some() {
        return Kind::Union;
    }
    match s.get("type").and_then(Value::as_str) {
        Some("array") => Kind::Array,
        Some("object") => Kind::Object,
        Some(_) => Kind::Scalar,
        None if s.get("properties").is_some() => Kind::Object,
        None => Kind::Any,
    }
}

fn branches(s: &Value) -> (&'static str, Vec<Value>) {
    for key in ["oneOf", "anyOf"] {
        if let Some(b) = s.get(key).and_then(Value::as_array) {
            return (key, b.clone());
        }
    }
    ("oneOf", Vec::new())
}

fn brief(s: &Value) -> String {
    let mut keep = Map::new();
    for k in ["type", "format", "$ref"] {
        if let Some(v) = s.get(k) {
            keep.insert(k.into(), v.clone());
        }
    }
    Value::Object(keep).to_string()
}

/// Checks one component: its schemars schema against the normalised document.
pub fn check_schema(
    doc: &Doc,
    types: &BTreeMap<String, String>,
    name: &str,
    json_schema: JsonSchemaFn,
) -> (Vec<Mismatch>, BTreeMap<&'static str, usize>) {
    let root = json_schema();
    let expected = doc.component(name).cloned().unwrap_or(Value::Null);
    let mut cmp = Compare::new(doc, types, &root);
    let mut actual = root.clone();
    if let Some(o) = actual.as_object_mut() {
        o.remove("definitions");
        o.remove("$schema");
        o.remove("title");
    }
    // The root is this component's own type: compare its body.
    let ptr = format!("/components/schemas/{}", escape(name));
    cmp.schemas(&expected, &actual, &ptr, false);
    (cmp.mismatches, cmp.applied)
}
