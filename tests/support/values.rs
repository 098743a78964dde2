//! The value round-trip checker: JSON instance → generated Rust type → JSON, compared
//! with the instance under the normalisations of [`deviations::value`](super::deviations::value).

use std::cell::RefCell;
use std::collections::BTreeMap;

use proptest::collection::vec;
use proptest::prelude::any;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::deviations::{value as dev, Deviation};
use super::doc::{escape, required, Doc};
use super::synth::{instances, Stream, Synth};

/// Decodes JSON text into a Rust type and encodes it again.
pub type RoundTripFn = fn(&str) -> Result<Value, String>;

/// The round trip through `T`, as the client does it: from text, to text.
pub fn roundtrip<T: DeserializeOwned + Serialize>(text: &str) -> Result<Value, String> {
    let value: T = serde_json::from_str(text).map_err(|e| format!("does not decode: {e}"))?;
    let out = serde_json::to_string(&value).map_err(|e| format!("does not encode: {e}"))?;
    serde_json::from_str(&out).map_err(|e| format!("encodes invalid JSON: {e}"))
}

/// One difference, at a JSON pointer into the instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Where, in the instance.
    pub pointer: String,
    /// What differs.
    pub what: String,
}

/// Normalisations applied, by id, with counts.
pub type Applied = BTreeMap<&'static str, usize>;

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 160 {
        format!("{}…", s.chars().take(160).collect::<String>())
    } else {
        s
    }
}

/// Compares an instance with its round-tripped value.
pub struct Compare<'d> {
    doc: &'d Doc,
    /// Normalisations used so far.
    pub applied: Applied,
    /// Differences found so far.
    pub mismatches: Vec<Mismatch>,
}

impl<'d> Compare<'d> {
    /// A fresh comparison over `doc`.
    pub fn new(doc: &'d Doc) -> Self {
        Compare {
            doc,
            applied: Applied::new(),
            mismatches: Vec::new(),
        }
    }

    fn apply(&mut self, d: Deviation) {
        *self.applied.entry(d.id).or_default() += 1;
    }

    fn mismatch(&mut self, pointer: &str, what: String) {
        self.mismatches.push(Mismatch {
            pointer: if pointer.is_empty() {
                "/".into()
            } else {
                pointer.into()
            },
            what,
        });
    }

    /// Compares `expected` (the instance of `schema`) with `actual` (its round trip).
    pub fn values(&mut self, schema: &Value, expected: &Value, actual: &Value, ptr: &str) {
        if expected == actual {
            return;
        }
        let schema = self.effective(schema);
        if let (Some(e), Some(a)) = (expected.as_f64(), actual.as_f64()) {
            if expected.is_number() && actual.is_number() && e == a {
                self.apply(dev::NUMBER_REPR);
                return;
            }
        }
        if let (Some(e), Some(a)) = (expected.as_str(), actual.as_str()) {
            let instant = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
            if let (Some(e), Some(a)) = (instant(e), instant(a)) {
                if e == a && schema.get("format").and_then(Value::as_str) == Some("date-time") {
                    self.apply(dev::DATE_TIME_UTC);
                    return;
                }
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                return self.branches(branches, expected, actual, ptr);
            }
        }
        match (expected, actual) {
            (Value::Object(e), Value::Object(a)) => self.objects(&schema, e, a, ptr),
            (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
                let items = schema.get("items").cloned().unwrap_or(Value::Null);
                for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                    self.values(&items, ev, av, &format!("{ptr}/{i}"));
                }
            }
            _ => self.mismatch(
                ptr,
                format!("expected {}, got {}", short(expected), short(actual)),
            ),
        }
    }

    /// The schema with `$ref`s followed and `allOf` merged.
    fn effective(&self, schema: &Value) -> Value {
        let resolved = self.doc.resolve(schema);
        if let Some(merged) = self.doc.merge_all_of(resolved) {
            return merged;
        }
        match resolved
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([only]) => self.effective(only),
            _ => resolved.clone(),
        }
    }

    fn branches(&mut self, branches: &[Value], expected: &Value, actual: &Value, ptr: &str) {
        let mut best: Option<Compare<'d>> = None;
        for branch in branches {
            let mut sub = Compare::new(self.doc);
            sub.values(branch, expected, actual, ptr);
            if sub.mismatches.is_empty() {
                for (k, n) in sub.applied {
                    *self.applied.entry(k).or_default() += n;
                }
                return;
            }
            if best
                .as_ref()
                .is_none_or(|b| sub.mismatches.len() < b.mismatches.len())
            {
                best = Some(sub);
            }
        }
        if let Some(best) = best {
            self.mismatches.extend(best.mismatches);
        }
    }

    fn objects(
        &mut self,
        schema: &Value,
        expected: &serde_json::Map<String, Value>,
        actual: &serde_json::Map<String, Value>,
        ptr: &str,
    ) {
        let required = required(schema);
        let properties = schema.get("properties");
        let extra = schema.get("additionalProperties").filter(|v| v.is_object());
        let mut keys: Vec<&String> = expected.keys().collect();
        keys.extend(actual.keys().filter(|k| !expected.contains_key(*k)));
        for key in keys {
            let p = format!("{ptr}/{}", escape(key));
            let prop = properties
                .and_then(|props| props.get(key))
                .or(extra)
                .cloned()
                .unwrap_or(Value::Null);
            let optional = !required.contains(&key.as_str());
            match (expected.get(key), actual.get(key)) {
                (Some(e), Some(a)) => self.values(&prop, e, a, &p),
                (Some(e), None) if optional && e.is_null() => {
                    self.apply(dev::OPTIONAL_NULL_OMITTED)
                }
                (Some(Value::Array(e)), None) if optional && e.is_empty() => {
                    self.apply(dev::EMPTY_ARRAY_OMITTED)
                }
                (Some(Value::Object(e)), None) if optional && e.is_empty() => {
                    self.apply(dev::EMPTY_MAP_OMITTED)
                }
                (Some(e), None) => self.mismatch(&p, format!("{} dropped", short(e))),
                (None, Some(a)) if optional && self.is_default(&prop, a) => {
                    self.apply(dev::DEFAULT_FILLED)
                }
                (None, Some(a)) => self.mismatch(&p, format!("{} added", short(a))),
                (None, None) => {}
            }
        }
    }

    fn is_default(&self, prop: &Value, value: &Value) -> bool {
        let default = prop
            .get("default")
            .or_else(|| self.doc.resolve(prop).get("default"));
        let Some(default) = default else { return false };
        let mut sub = Compare::new(self.doc);
        sub.values(prop, default, value, "");
        sub.mismatches.is_empty()
    }
}

/// The outcome of checking one schema.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Instances checked (deterministic and random).
    pub instances: usize,
    /// Failure descriptions; empty when the schema round-trips.
    pub failures: Vec<String>,
    /// Normalisations applied.
    pub applied: Applied,
}

/// Round-trips one instance; returns the differences (or the decode error) and what was
/// normalised.
pub fn check_instance(
    doc: &Doc,
    schema: &Value,
    rt: RoundTripFn,
    instance: &Value,
) -> (Vec<Mismatch>, Applied) {
    match rt(&instance.to_string()) {
        Err(e) => (
            vec![Mismatch {
                pointer: "/".into(),
                what: e,
            }],
            Applied::new(),
        ),
        Ok(actual) => {
            let mut cmp = Compare::new(doc);
            cmp.values(schema, instance, &actual, "");
            (cmp.mismatches, cmp.applied)
        }
    }
}

fn describe(label: &str, instance: &Value, mismatches: &[Mismatch]) -> String {
    let list: Vec<String> = mismatches
        .iter()
        .take(4)
        .map(|m| format!("{}: {}", m.pointer, m.what))
        .collect();
    format!(
        "[{label}] {} — instance {}",
        list.join("; "),
        short(instance)
    )
}

/// Number of random instances per schema (`PROPTEST_CASES` overrides it).
const DEFAULT_CASES: u32 = 48;
/// The fixed seed of the random pass (`PROPTEST_RNG_SEED` overrides it).
const DEFAULT_SEED: u64 = 0x0ca1_c0de_2025;

/// The proptest configuration: fixed seed and case count unless the environment says
/// otherwise.
pub fn proptest_config() -> Config {
    let mut config = Config::default();
    if matches!(config.rng_seed, RngSeed::Random) {
        config.rng_seed = RngSeed::Fixed(DEFAULT_SEED);
    }
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = DEFAULT_CASES;
    }
    config.failure_persistence = None;
    config
}

/// Checks `schema` against the type behind `rt`: every deterministic instance, then
/// random ones from a property-based pass.
pub fn check_schema(doc: &Doc, schema: &Value, rt: RoundTripFn, random: bool) -> Outcome {
    let mut outcome = Outcome::default();
    for (label, instance) in instances(doc, schema) {
        outcome.instances += 1;
        if label.contains("recurses") {
            outcome
                .failures
                .push(format!("[{label}] no finite instance"));
            continue;
        }
        let (mismatches, applied) = check_instance(doc, schema, rt, &instance);
        for (k, n) in applied {
            *outcome.applied.entry(k).or_default() += n;
        }
        if !mismatches.is_empty() {
            outcome
                .failures
                .push(describe(&label, &instance, &mismatches));
        }
    }
    if !random || !outcome.failures.is_empty() {
        return outcome;
    }
    let applied = RefCell::new(Applied::new());
    let count = RefCell::new(0usize);
    let mut runner = TestRunner::new(proptest_config());
    let result = runner.run(&vec(any::<u32>(), 0..128), |choices| {
        let mut synth = Synth::new(doc, Stream::new(choices));
        let instance = synth.instance(schema);
        if synth.too_deep {
            return Ok(());
        }
        *count.borrow_mut() += 1;
        let (mismatches, used) = check_instance(doc, schema, rt, &instance);
        for (k, n) in used {
            *applied.borrow_mut().entry(k).or_default() += n;
        }
        if mismatches.is_empty() {
            Ok(())
        } else {
            Err(TestCaseError::fail(describe(
                "random",
                &instance,
                &mismatches,
            )))
        }
    });
    outcome.instances += count.into_inner();
    for (k, n) in applied.into_inner() {
        *outcome.applied.entry(k).or_default() += n;
    }
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, _)) => outcome.failures.push(format!("{reason} (shrunk)")),
        Err(TestError::Abort(reason)) => outcome
            .failures
            .push(format!("random pass aborted: {reason}")),
    }
    outcome
}
