//! Synthesises JSON instances of a schema of the normalised document.
//!
//! The synthesiser walks the schema and asks a [`Source`] for every decision: which
//! `oneOf`/`anyOf` branch or `enum` value, whether an optional property is present,
//! whether a nullable value is `null`, how long an array is, which string or number.
//! [`Plan`] answers deterministically (minimal, maximal, branch *k*, nulls);
//! [`Stream`] answers from a list of numbers a property-based test generates, so that
//! shrinking the list shrinks the instance (smaller numbers mean simpler choices).

use serde_json::{json, Map, Value};

use super::doc::{nullable, required, Doc};

/// Beyond this many `$ref` hops, optional properties are left out and arrays are empty,
/// so recursive schemas stay finite.
const SOFT_DEPTH: usize = 6;
/// A schema that still recurses here requires itself: it has no finite instance.
const HARD_DEPTH: usize = 40;

/// Answers the synthesiser's questions.
pub trait Source {
    /// Picks one of `n` (> 0) alternatives (branches, enum values, booleans).
    fn pick(&mut self, n: usize) -> usize;
    /// Whether to include an optional property.
    fn optional(&mut self) -> bool;
    /// Whether a nullable value is `null`.
    fn null(&mut self) -> bool;
    /// Number of array items (or map entries).
    fn len(&mut self) -> usize;
    /// A number for scalars: 0 gives the simplest value.
    fn number(&mut self) -> u32;
}

/// A deterministic plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Include every optional property (and one item in arrays and maps).
    pub maximal: bool,
    /// Make every nullable value `null`.
    pub nulls: bool,
    /// Take branch / enum value `pick % n` at every choice.
    pub pick: usize,
}

impl Plan {
    /// A short label for reports.
    pub fn label(&self) -> String {
        format!(
            "{}{}, pick {}",
            if self.maximal { "maximal" } else { "minimal" },
            if self.nulls { ", nulls" } else { "" },
            self.pick
        )
    }
}

impl Source for Plan {
    fn pick(&mut self, n: usize) -> usize {
        self.pick % n
    }
    fn optional(&mut self) -> bool {
        self.maximal
    }
    fn null(&mut self) -> bool {
        self.nulls
    }
    fn len(&mut self) -> usize {
        usize::from(self.maximal)
    }
    fn number(&mut self) -> u32 {
        self.pick as u32
    }
}

/// Choices read from a list of numbers (0 once the list is used up).
#[derive(Debug, Clone)]
pub struct Stream {
    choices: Vec<u32>,
    next: usize,
}

impl Stream {
    /// A stream over `choices`.
    pub fn new(choices: Vec<u32>) -> Stream {
        Stream { choices, next: 0 }
    }
    fn take(&mut self) -> u32 {
        let v = self.choices.get(self.next).copied().unwrap_or(0);
        self.next += 1;
        v
    }
}

impl Source for Stream {
    fn pick(&mut self, n: usize) -> usize {
        self.take() as usize % n
    }
    fn optional(&mut self) -> bool {
        self.take() % 2 == 1
    }
    fn null(&mut self) -> bool {
        self.take() % 3 == 2
    }
    fn len(&mut self) -> usize {
        (self.take() % 4) as usize
    }
    fn number(&mut self) -> u32 {
        self.take()
    }
}

/// The synthesiser.
pub struct Synth<'d, S> {
    doc: &'d Doc,
    source: S,
    /// The largest number of alternatives met at one choice (branches, enum values).
    pub max_choices: usize,
    /// Set when a schema recursed past [`HARD_DEPTH`].
    pub too_deep: bool,
}

impl<'d, S: Source> Synth<'d, S> {
    /// A synthesiser over `doc` asking `source`.
    pub fn new(doc: &'d Doc, source: S) -> Self {
        Synth {
            doc,
            source,
            max_choices: 1,
            too_deep: false,
        }
    }

    /// An instance of `schema`.
    pub fn instance(&mut self, schema: &Value) -> Value {
        self.value(schema, 0)
    }

    fn pick(&mut self, n: usize) -> usize {
        self.max_choices = self.max_choices.max(n);
        self.source.pick(n)
    }

    fn value(&mut self, schema: &Value, depth: usize) -> Value {
        if depth > HARD_DEPTH {
            self.too_deep = true;
            return Value::Null;
        }
        // `nullable` next to `$ref` is ignored by OpenAPI 3.0, but it is what Cal.com
        // means (and sends): honour it.
        // Past the soft depth a nullable value is null: recursion through it ends there.
        if nullable(schema) && (depth > SOFT_DEPTH || self.source.null()) {
            return Value::Null;
        }
        if Doc::ref_name(schema).is_some() {
            let target = self.doc.resolve(schema);
            return self.value(target, depth + 1);
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            if !values.is_empty() {
                let i = self.pick(values.len());
                return values[i].clone();
            }
        }
        if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
            if let Some(merged) = self.doc.merge_all_of(schema) {
                return self.object(&merged, depth);
            }
            if let [only] = members.as_slice() {
                return self.value(only, depth);
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                if !branches.is_empty() {
                    let i = self.pick(branches.len());
                    return self.value(&branches[i], depth);
                }
            }
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => self.string(schema),
            Some("integer") => self.integer(schema),
            Some("number") => self.number(schema),
            Some("boolean") => Value::Bool(self.pick(2) == 1),
            Some("array") => {
                let n = if depth > SOFT_DEPTH {
                    0
                } else {
                    self.source.len()
                };
                let items = schema.get("items").cloned().unwrap_or(json!({}));
                Value::Array((0..n).map(|_| self.value(&items, depth + 1)).collect())
            }
            Some("object") => self.object(schema, depth),
            _ if schema.get("properties").is_some() => self.object(schema, depth),
            _ => self.any(depth),
        }
    }

    fn object(&mut self, schema: &Value, depth: usize) -> Value {
        let mut out = Map::new();
        let required = required(schema);
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, prop) in properties.into_iter().flatten() {
            let present = required.contains(&name.as_str())
                || (depth <= SOFT_DEPTH && self.source.optional());
            if present {
                let v = self.value(prop, depth + 1);
                out.insert(name.clone(), v);
            }
        }
        match schema.get("additionalProperties") {
            Some(Value::Object(extra)) if !extra.is_empty() => {
                let n = if depth > SOFT_DEPTH {
                    0
                } else {
                    self.source.len()
                };
                let extra = Value::Object(extra.clone());
                for i in 0..n {
                    let v = self.value(&extra, depth + 1);
                    out.insert(format!("key{i}"), v);
                }
            }
            Some(Value::Bool(false)) => {}
            _ if properties.is_none() => {
                // A free-form object: any members.
                let n = if depth > SOFT_DEPTH {
                    0
                } else {
                    self.source.len()
                };
                for i in 0..n {
                    let v = self.any(depth + 1);
                    out.insert(format!("extra{i}"), v);
                }
            }
            _ => {}
        }
        Value::Object(out)
    }

    /// Any JSON value (for schemas that do not constrain it).
    fn any(&mut self, depth: usize) -> Value {
        let kind = if depth > SOFT_DEPTH {
            0
        } else {
            self.source.number() % 6
        };
        let n = self.source.number();
        match kind {
            0 => json!({}),
            1 => json!(format!("any {n}")),
            2 => json!(n),
            3 => json!([n, "x", null, true]),
            4 => json!({"nested": {"n": n, "f": 0.5}}),
            _ => Value::Null,
        }
    }

    fn string(&mut self, schema: &Value) -> Value {
        let n = self.source.number();
        match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => return json!(date_time(n)),
            Some("date") => return json!(date(n)),
            // Validating servers (Prism) check these formats.
            Some("uri" | "url") => return json!(format!("https://example.com/{n}")),
            Some("email") => return json!(format!("user{n}@example.com")),
            Some("uuid") => return json!(format!("00000000-0000-4000-8000-{n:012}")),
            _ => {}
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            return json!(from_pattern(pattern, n));
        }
        let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        let mut s = text(n);
        while s.chars().count() < min {
            s.push('x');
        }
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
            s = s.chars().take(max as usize).collect();
        }
        json!(s)
    }

    fn integer(&mut self, schema: &Value) -> Value {
        let n = i64::from(self.source.number() % 100_000);
        let v = match (bound(schema, "minimum"), bound(schema, "maximum")) {
            (Some(lo), Some(hi)) if hi >= lo => lo as i64 + n % ((hi - lo) as i64 + 1),
            (Some(lo), _) => lo.ceil() as i64 + n,
            (None, Some(hi)) => hi.floor() as i64 - n,
            (None, None) if n % 2 == 1 => -n,
            (None, None) => n,
        };
        json!(v)
    }

    fn number(&mut self, schema: &Value) -> Value {
        let n = self.source.number();
        // Halves and quarters are exact in binary: no rounding noise in the comparison.
        let base = f64::from(n % 10_000) * 0.25 + 0.5;
        if n % 4 == 3 && bound(schema, "minimum").is_none() && bound(schema, "maximum").is_none() {
            // Servers write whole numbers without a fraction.
            return json!(n % 10_000);
        }
        let v = match (bound(schema, "minimum"), bound(schema, "maximum")) {
            (Some(lo), Some(hi)) if hi >= lo => lo + (base % (hi - lo + 1.0)).min(hi - lo),
            (Some(lo), _) => lo + base,
            (None, Some(hi)) => hi - base,
            (None, None) if n % 2 == 1 => -base,
            (None, None) => base,
        };
        json!(v)
    }
}

fn bound(schema: &Value, key: &str) -> Option<f64> {
    schema.get(key).and_then(Value::as_f64)
}

/// A string: plain for 0, then with characters that need escaping or are not ASCII.
fn text(n: u32) -> String {
    const SAMPLES: [&str; 8] = [
        "text",
        "",
        "with \"quotes\" and \\ backslash",
        "line\nbreak\ttab",
        "Zoë – café ☕",
        "emoji 😀",
        "  spaced  ",
        "<b>html</b> & more",
    ];
    let s = SAMPLES[n as usize % SAMPLES.len()];
    if n as usize >= SAMPLES.len() {
        format!("{s} {n}")
    } else {
        s.to_string()
    }
}

/// An RFC 3339 date-time: UTC for 0, then with fractions and offsets.
fn date_time(n: u32) -> String {
    if n == 0 {
        return "2024-05-06T07:08:09Z".into();
    }
    let day = 1 + n % 28;
    let hour = n % 24;
    let minute = (n / 7) % 60;
    let offset = match n % 4 {
        0 => "Z".to_string(),
        1 => "+02:00".to_string(),
        2 => "-05:30".to_string(),
        _ => "+00:00".to_string(),
    };
    let fraction = match n % 3 {
        0 => String::new(),
        1 => format!(".{:03}", n % 1000),
        _ => format!(".{:09}", n),
    };
    format!(
        "20{:02}-{:02}-{day:02}T{hour:02}:{minute:02}:{:02}{fraction}{offset}",
        n % 50,
        1 + n % 12,
        n % 60
    )
}

/// An RFC 3339 full-date.
fn date(n: u32) -> String {
    if n == 0 {
        return "2024-05-06".into();
    }
    format!("20{:02}-{:02}-{:02}", n % 50, 1 + n % 12, 1 + n % 28)
}

/// A string matching an ECMAScript `pattern`, generated from the regex itself.
fn from_pattern(pattern: &str, seed: u32) -> String {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    // Anchors are implied: the generated string is the whole match.
    let body = pattern.strip_prefix('^').unwrap_or(pattern);
    let body = body.strip_suffix('$').unwrap_or(body);
    let body = ecmascript_classes(body);
    let Ok(strategy) = proptest::string::string_regex(&body) else {
        return format!("pattern {pattern} is not supported by the synthesiser");
    };
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..4].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    match strategy.new_tree(&mut runner) {
        Ok(tree) => tree.current(),
        Err(e) => format!("pattern {pattern}: {e}"),
    }
}

/// ECMAScript's `\d`, `\w` (and their negations) are ASCII-only; Rust regex's are Unicode.
fn ecmascript_classes(pattern: &str) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('d') => out.push_str("[0-9]"),
            Some('D') => out.push_str("[^0-9]"),
            Some('w') => out.push_str("[A-Za-z0-9_]"),
            Some('W') => out.push_str("[^A-Za-z0-9_]"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Every deterministic instance of `schema`: minimal and maximal with every branch and
/// enum value taken at least once, and maximal with every nullable value `null`.
/// Duplicates are removed.
pub fn instances(doc: &Doc, schema: &Value) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    let push = |plan: Plan, out: &mut Vec<(String, Value)>| -> usize {
        let mut synth = Synth::new(doc, plan);
        let v = synth.instance(schema);
        if synth.too_deep {
            out.push((format!("{} (schema recurses without end)", plan.label()), v));
        } else if !out.iter().any(|(_, o)| *o == v) {
            out.push((plan.label(), v));
        }
        synth.max_choices
    };
    let mut choices = 1;
    for maximal in [false, true] {
        let mut pick = 0;
        while pick < choices {
            let plan = Plan {
                maximal,
                nulls: false,
                pick,
            };
            choices = choices.max(push(plan, &mut out));
            pick += 1;
        }
    }
    let nulls = Plan {
        maximal: true,
        nulls: true,
        pick: 0,
    };
    push(nulls, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Doc {
        Doc::from_value(json!({"components": {"schemas": {
            "Obj": {"type": "object", "required": ["kind", "at"], "properties": {
                "kind": {"type": "string", "enum": ["a", "b", "c"]},
                "at": {"type": "string", "format": "date-time"},
                "note": {"type": "string", "nullable": true},
                "tags": {"type": "array", "items": {"oneOf": [
                    {"type": "string"}, {"type": "number"}]}},
                "phone": {"type": "string", "pattern": "^\\+[1-9]\\d{1,14}$"},
                "child": {"$ref": "#/components/schemas/Obj"}
            }}
        }}}))
    }

    #[test]
    fn covers_every_enum_value_branch_and_null() {
        let doc = doc();
        let schema = doc.component("Obj").unwrap().clone();
        let all = instances(&doc, &schema);
        for kind in ["a", "b", "c"] {
            assert!(
                all.iter().any(|(_, v)| v["kind"] == kind),
                "{kind}: {all:#?}"
            );
        }
        assert!(all.iter().any(|(_, v)| v["tags"][0].is_string()));
        assert!(all.iter().any(|(_, v)| v["tags"][0].is_number()));
        assert!(all
            .iter()
            .any(|(_, v)| v["note"].is_null() && v.get("note").is_some()));
        let minimal = &all[0].1;
        assert_eq!(minimal.as_object().unwrap().len(), 2, "{minimal}");
        assert_eq!(minimal["at"], "2024-05-06T07:08:09Z");
    }

    #[test]
    fn recursion_is_finite_and_patterns_match() {
        let doc = doc();
        let schema = doc.component("Obj").unwrap().clone();
        let mut synth = Synth::new(&doc, Stream::new(vec![1; 500]));
        let v = synth.instance(&schema);
        assert!(!synth.too_deep);
        let re = regress::Regex::new("^\\+[1-9]\\d{1,14}$").unwrap();
        let mut node = &v;
        while let Some(phone) = node.get("phone") {
            assert!(re.find(phone.as_str().unwrap()).is_some(), "{phone}");
            node = &node["child"];
        }
    }
}
