//! oneOf branches ordered so that decoding never drops fields.
//!
//! typify decodes a `oneOf` as an untagged enum: the first branch that accepts the
//! object wins, and fields it does not know are dropped. Cal.com's unions overlap: a
//! recurring booking (`recurringBookingUid` and all of a booking's fields) is also a valid
//! plain booking, and came second, so `recurringBookingUid` was silently lost. This pass
//! puts a branch before every branch whose properties are a strict subset of its own, so
//! the branch that accounts for the most fields is tried first. Branches that are not in
//! that relation keep their order.

use std::collections::BTreeSet;

use calcom_spec::refs::Document;
use serde_json::{json, Value};

use super::{for_each_schema, Context};
use crate::report::PassReport;

/// A stable topological order: `i` before `j` when branch `i`'s properties strictly
/// contain branch `j`'s; otherwise the document's order.
pub fn order(props: &[BTreeSet<String>]) -> Vec<usize> {
    let n = props.len();
    let must_precede =
        |a: usize, b: usize| props[a].len() > props[b].len() && props[a].is_superset(&props[b]);
    let mut placed = vec![false; n];
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        // The first unplaced branch in document order, unless a branch must precede it:
        // then that one (and so on; the relation is a strict partial order, so this ends).
        let Some(mut next) = (0..n).find(|&j| !placed[j]) else {
            break;
        };
        while let Some(i) = (0..n).find(|&i| !placed[i] && must_precede(i, next)) {
            next = i;
        }
        placed[next] = true;
        out.push(next);
    }
    out
}

/// Reorders overlapping `oneOf`/`anyOf` branches, most specific first.
pub fn run(doc: &mut Value, _ctx: &mut Context, report: &mut PassReport) {
    // The walk below mutates the document: resolve against a copy of its schemas.
    let schemas = json!({"components": {"schemas": doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or_else(|| json!({}))}});
    let resolver = Document::new(&schemas);
    for_each_schema(doc, &mut |ptr, schema| {
        for key in ["oneOf", "anyOf"] {
            let Some(branches) = schema.get_mut(key).and_then(Value::as_array_mut) else {
                continue;
            };
            let props: Vec<BTreeSet<String>> = branches
                .iter()
                .map(|b| resolver.property_names(b))
                .collect();
            let new_order = order(&props);
            if new_order.iter().enumerate().all(|(i, &j)| i == j) {
                continue;
            }
            let old = std::mem::take(branches);
            *branches = new_order.iter().map(|&i| old[i].clone()).collect();
            report.change(
                format!("{ptr}/{key}"),
                format!("branches reordered {new_order:?}: a branch with more fields is tried before its subsets"),
            );
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::normalise_with;
    use serde_json::json;

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn supersets_go_first_and_the_rest_keeps_its_order() {
        let props = [
            set(&["a", "b"]),
            set(&["x"]),
            set(&["a", "b", "c"]),
            set(&["y"]),
        ];
        assert_eq!(order(&props), [2, 0, 1, 3]);
        let disjoint = [set(&["a"]), set(&["b", "c"])];
        assert_eq!(order(&disjoint), [0, 1]);
    }

    #[test]
    fn reorders_refs_resolved_through_all_of() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {
            "Booking": {"type": "object", "properties": {"uid": {"type": "string"}}},
            "Recurring": {"allOf": [{"$ref": "#/components/schemas/Booking"}],
                          "properties": {"recurringBookingUid": {"type": "string"}}},
            "Out": {"type": "object", "properties": {"data": {"oneOf": [
                {"$ref": "#/components/schemas/Booking"},
                {"$ref": "#/components/schemas/Recurring"}]}}}
        }}});
        let (_, report) = normalise_with(&mut doc, run);
        assert_eq!(report.changes, 1);
        assert_eq!(
            doc["components"]["schemas"]["Out"]["properties"]["data"]["oneOf"][0]["$ref"],
            "#/components/schemas/Recurring"
        );
    }
}
