//! Decode throughput of the largest list answers of the full document, typed (the generated
//! types) against `serde_json::Value`, in MB/s.
//!
//! Only meaningful for a client generated from the full document; with the vendored one
//! (one operation) it prints a skip and exits:
//!
//! ```sh
//! CALCOM_OPENAPI_SPEC=../shared/calcom-openapi/2025-09-26_6c9ac763.json \
//!   CARGO_TARGET_DIR=target-bench cargo bench --bench decode
//! ```
//!
//! The JSON is synthesised from the normalised document the build wrote to `OUT_DIR`:
//! every optional property present, `oneOf` branches rotated item by item, the document's
//! own `example` for a scalar when it has the right type, and `ITEMS` items in the top-level
//! `data` list. Each body is checked to decode into its type before it is timed. The typed
//! decoders are chosen at compile time from the schema registry the generator writes
//! (`calcom_for_each_schema!`), so only the types below are instantiated, and the bench
//! compiles for any document.

use std::time::Duration;

use criterion::{Criterion, Throughput};
use serde_json::{json, Map, Value};

/// Items in each synthesised list.
const ITEMS: usize = 200;

/// The answers measured: the schema name of the typed body.
const TARGETS: &[&str] = &[
    "GetBookingsOutput_2024_08_13",
    "GetEventTypesOutput_2024_06_14",
    "GetSchedulesOutput_2024_06_11",
    "GetOrganizationUsersResponseDTO",
];

type Decoder = fn(&[u8]) -> Result<(), String>;

fn decode_as<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<(), String> {
    let value: T = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    std::hint::black_box(value);
    Ok(())
}

include!(concat!(env!("OUT_DIR"), "/calcom_schema_registry.rs"));

/// The typed decoders of [`TARGETS`] that this build's document has.
fn typed_decoders() -> Vec<(&'static str, Decoder)> {
    #[allow(unused_mut)] // mutated only when the document has one of the targets
    let mut found: Vec<(&'static str, Decoder)> = Vec::new();
    macro_rules! pick {
        ("GetBookingsOutput_2024_08_13", $t:ty) => {
            found.push(("GetBookingsOutput_2024_08_13", decode_as::<$t>))
        };
        ("GetEventTypesOutput_2024_06_14", $t:ty) => {
            found.push(("GetEventTypesOutput_2024_06_14", decode_as::<$t>))
        };
        ("GetSchedulesOutput_2024_06_11", $t:ty) => {
            found.push(("GetSchedulesOutput_2024_06_11", decode_as::<$t>))
        };
        ("GetOrganizationUsersResponseDTO", $t:ty) => {
            found.push(("GetOrganizationUsersResponseDTO", decode_as::<$t>))
        };
        ($other:literal, $t:ty) => {};
    }
    calcom_for_each_schema!(pick);
    found
}

// ---------------------------------------------------------------------------------------
// A small synthesiser of realistic instances.

struct Synth<'a> {
    schemas: &'a Map<String, Value>,
    /// Rotates `oneOf` branches, enum values and scalars from item to item.
    seed: usize,
}

impl Synth<'_> {
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        let mut schema = schema;
        for _ in 0..16 {
            match schema.get("$ref").and_then(Value::as_str) {
                Some(r) => {
                    let name = r.rsplit('/').next().unwrap_or_default();
                    schema = self.schemas.get(name).unwrap_or(&Value::Null);
                }
                None => break,
            }
        }
        schema
    }

    fn instance(&self, schema: &Value, depth: usize) -> Value {
        let schema = self.resolve(schema);
        if depth > 12 {
            return Value::Null;
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for part in all {
                if let Value::Object(m) = self.instance(part, depth + 1) {
                    merged.extend(m);
                }
            }
            if let Value::Object(own) = self.object(schema, depth) {
                merged.extend(own);
            }
            return Value::Object(merged);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                if !branches.is_empty() {
                    let branch = &branches[self.seed % branches.len()];
                    return self.instance(branch, depth + 1);
                }
            }
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            if !values.is_empty() {
                return values[self.seed % values.len()].clone();
            }
        }
        let ty = schema.get("type").and_then(Value::as_str).unwrap_or("");
        let example = schema.get("example");
        let example_of = |pred: fn(&Value) -> bool| example.filter(|e| pred(e)).cloned();
        match ty {
            "string" => {
                let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
                match format {
                    "date-time" => json!(format!(
                        "2025-09-{:02}T{:02}:30:00.000Z",
                        1 + self.seed % 28,
                        self.seed % 24
                    )),
                    "date" => json!(format!("2025-09-{:02}", 1 + self.seed % 28)),
                    "uri" => json!(format!("https://cal.com/acme/item-{}", self.seed)),
                    _ => example_of(Value::is_string)
                        .unwrap_or_else(|| json!(format!("value {} of the list", self.seed))),
                }
            }
            "integer" => example_of(Value::is_i64).unwrap_or_else(|| json!(1000 + self.seed)),
            "number" => {
                example_of(Value::is_number).unwrap_or_else(|| json!(self.seed as f64 + 0.5))
            }
            "boolean" => {
                example_of(Value::is_boolean).unwrap_or(json!(self.seed.is_multiple_of(2)))
            }
            "array" => {
                let items = schema.get("items").unwrap_or(&Value::Null);
                let n = if depth > 6 { 0 } else { 2 };
                Value::Array(
                    (0..n)
                        .map(|i| self.with_seed(self.seed + i).instance(items, depth + 1))
                        .collect(),
                )
            }
            _ if schema.get("properties").is_some() || ty == "object" => self.object(schema, depth),
            // Free-form: what such a field usually holds.
            _ => example
                .cloned()
                .unwrap_or_else(|| json!({"note": "free-form"})),
        }
    }

    fn object(&self, schema: &Value, depth: usize) -> Value {
        let mut out = Map::new();
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (name, prop) in props {
                let value = self.instance(prop, depth + 1);
                if !value.is_null() {
                    out.insert(name.clone(), value);
                }
            }
        }
        Value::Object(out)
    }

    fn with_seed(&self, seed: usize) -> Synth<'_> {
        Synth {
            schemas: self.schemas,
            seed,
        }
    }
}

/// A list answer of `name` with [`ITEMS`] items in `data`, each item from a different seed.
fn synthesise(schemas: &Map<String, Value>, name: &str, rotate: bool) -> Option<Value> {
    let schema = schemas.get(name)?;
    let synth = Synth { schemas, seed: 0 };
    let mut body = synth.instance(schema, 0);
    let items = schema.pointer("/properties/data/items")?;
    let data = (0..ITEMS)
        .map(|i| {
            let seed = if rotate { i } else { 0 };
            let mut item = synth.with_seed(seed).instance(items, 1);
            // Distinct ids, as a real list has.
            if let Some(id) = item.get_mut("id") {
                if id.is_i64() {
                    *id = json!(i as i64 + 1);
                }
            }
            item
        })
        .collect();
    body.as_object_mut()?
        .insert("data".into(), Value::Array(data));
    Some(body)
}

fn main() {
    let decoders = typed_decoders();
    if decoders.is_empty() {
        println!(
            "decode: skipped: this build's document has none of {TARGETS:?} (the vendored \
             document has one operation); run with CALCOM_OPENAPI_SPEC set to the full \
             document, see benches/README.md"
        );
        return;
    }
    let normalised = concat!(env!("OUT_DIR"), "/openapi.normalised.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(normalised).unwrap()).unwrap();
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .unwrap();

    let mut bodies = Vec::new();
    for (name, decode) in &decoders {
        // Branches rotated per item; if the mix does not decode, one branch for all.
        let body = [true, false].into_iter().find_map(|rotate| {
            let value = synthesise(schemas, name, rotate)?;
            let bytes = serde_json::to_vec(&value).ok()?;
            match decode(&bytes) {
                Ok(()) => Some(bytes),
                Err(e) => {
                    println!("{name}: synthesised body (rotate={rotate}) does not decode: {e}");
                    None
                }
            }
        });
        match body {
            Some(bytes) => bodies.push((*name, *decode, bytes)),
            None => println!("{name}: skipped"),
        }
    }

    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut results = Vec::new();
    for (name, decode, bytes) in &bodies {
        let mut group = c.benchmark_group(format!("decode/{name}"));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("typed", |b| {
            b.iter(|| decode(std::hint::black_box(bytes)).unwrap())
        });
        group.bench_function("value", |b| {
            b.iter(|| decode_as::<Value>(std::hint::black_box(bytes)).unwrap())
        });
        group.finish();
        results.push((*name, bytes.len()));
    }
    c.final_summary();

    println!(
        "\n{:<36} {:>10} {:>14} {:>14} {:>7}",
        "answer", "bytes", "typed MB/s", "Value MB/s", "ratio"
    );
    for (name, len) in results {
        let typed = median_ns(name, "typed");
        let value = median_ns(name, "value");
        let mbps = |ns: Option<f64>| ns.map(|ns| len as f64 / (ns / 1e9) / 1e6);
        match (mbps(typed), mbps(value)) {
            (Some(t), Some(v)) => {
                println!("{name:<36} {len:>10} {t:>14.1} {v:>14.1} {:>6.2}x", t / v)
            }
            _ => println!("{name:<36} {len:>10} (criterion's estimates not found)"),
        }
    }
}

/// The median of one benchmark of this run, in nanoseconds, from criterion's estimates.
fn median_ns(group: &str, bench: &str) -> Option<f64> {
    let home = match std::env::var_os("CRITERION_HOME") {
        Some(home) => std::path::PathBuf::from(home),
        None => std::path::PathBuf::from(
            std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into()),
        )
        .join("criterion"),
    };
    // criterion replaces `/` in group names by `_` in its folder names.
    let path = home
        .join(format!("decode_{group}"))
        .join(bench)
        .join("new/estimates.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    v.pointer("/median/point_estimate")?.as_f64()
}
