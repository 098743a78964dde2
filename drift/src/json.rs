//! "Missing means empty" lookups into JSON objects, for comparing two documents where
//! either side may leave a keyword out.

use std::sync::LazyLock;

use serde_json::{Map, Value};

static EMPTY_MAP: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

/// An empty JSON object that lives forever, for "missing means empty" lookups.
pub fn empty_map() -> &'static Map<String, Value> {
    &EMPTY_MAP
}

/// The object under `key`, or an empty one when it is missing or not an object.
pub fn object_at<'a>(value: &'a Map<String, Value>, key: &str) -> &'a Map<String, Value> {
    value
        .get(key)
        .and_then(Value::as_object)
        .unwrap_or(empty_map())
}

/// The array under `key`, or an empty one when it is missing or not an array.
pub fn array_at<'a>(value: &'a Map<String, Value>, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}
