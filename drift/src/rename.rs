//! Detection of renamed component schemas: a schema removed and another added with an equal
//! or near-equal body, used by the same operations, is one rename rather than a removal
//! and an addition (e.g. `CreateDwdInput` → `CreateDelegationCredentialInput`).

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

use calcom_spec::refs::Document;

use crate::model::{Operation, Renames, DOCUMENTATION_KEYS};
use crate::reach::Reach;

/// Shape similarity (Jaccard index of the flattened bodies) from which two schemas count as
/// the same schema under another name.
const MIN_SIMILARITY: f64 = 0.8;

/// Everything rename detection needs about one document.
pub struct Side<'d, 'a> {
    /// The document.
    pub doc: &'d Document<'a>,
    /// Its operations.
    pub operations: &'d [Operation<'a>],
    /// Which operations reach which schema.
    pub reach: &'d Reach,
}

/// Pairs removed and added schemas whose bodies are (nearly) equal and whose users are the
/// same operations; ties are broken by name similarity.
pub fn detect_renames(old: &Side<'_, '_>, new: &Side<'_, '_>) -> Renames {
    let (Some(old_schemas), Some(new_schemas)) = (old.doc.schemas(), new.doc.schemas()) else {
        return Renames::default();
    };
    let removed: Vec<&String> = old_schemas
        .keys()
        .filter(|n| !new_schemas.contains_key(*n))
        .collect();
    let added: Vec<&String> = new_schemas
        .keys()
        .filter(|n| !old_schemas.contains_key(*n))
        .collect();
    if removed.is_empty() || added.is_empty() {
        return Renames::default();
    }
    let added_shapes: Vec<HashSet<String>> = added
        .iter()
        .map(|n| shape(&new_schemas[n.as_str()]))
        .collect();
    let added_users: Vec<BTreeSet<&str>> = added.iter().map(|n| users(new, n)).collect();

    let mut candidates = Vec::new();
    for old_name in &removed {
        let old_shape = shape(&old_schemas[old_name.as_str()]);
        let old_users = users(old, old_name);
        for (i, new_name) in added.iter().enumerate() {
            let same_users = if old_users.is_empty() || added_users[i].is_empty() {
                old_users.is_empty() && added_users[i].is_empty()
            } else {
                !old_users.is_disjoint(&added_users[i])
            };
            if !same_users {
                continue;
            }
            let similarity = jaccard(&old_shape, &added_shapes[i]);
            if similarity >= MIN_SIMILARITY {
                candidates.push((
                    similarity,
                    name_similarity(old_name, new_name),
                    *old_name,
                    *new_name,
                ));
            }
        }
    }
    // Best matches first; names break ties so that CreateX pairs with CreateY.
    candidates.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1.total_cmp(&a.1))
            .then(a.2.cmp(b.2))
            .then(a.3.cmp(b.3))
    });
    let mut renames = Renames::default();
    let mut taken: HashSet<&str> = HashSet::new();
    for (_, _, old_name, new_name) in candidates {
        if renames.is_renamed(old_name) || taken.contains(new_name.as_str()) {
            continue;
        }
        taken.insert(new_name);
        renames
            .old_to_new
            .insert(old_name.clone(), new_name.clone());
    }
    renames
}

/// The operations (as `METHOD /path-template-without-names` keys) that reach a schema.
fn users<'d>(side: &Side<'d, '_>, name: &str) -> BTreeSet<&'d str> {
    side.reach
        .operations(name)
        .into_iter()
        .filter_map(|i| side.operations.get(i).map(|op| op.key.as_str()))
        .collect()
}

/// A schema body as a set of `path=value` facts, without documentation and with `$ref`
/// targets left out (a renamed schema refers to other renamed schemas).
fn shape(schema: &Value) -> HashSet<String> {
    let mut facts = HashSet::new();
    flatten(schema, String::new(), &mut facts);
    facts
}

fn flatten(value: &Value, path: String, facts: &mut HashSet<String>) {
    match value {
        Value::Object(map) => {
            if map.is_empty() {
                facts.insert(format!("{path}={{}}"));
            }
            for (key, child) in map {
                if DOCUMENTATION_KEYS.contains(&key.as_str()) {
                    continue;
                }
                if key == "$ref" {
                    facts.insert(format!("{path}/$ref"));
                } else {
                    flatten(child, format!("{path}/{key}"), facts);
                }
            }
        }
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            // Enums and `required` lists: order does not matter.
            for item in items {
                facts.insert(format!("{path}[]={item}"));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(item, format!("{path}/{i}"), facts);
            }
        }
        scalar => {
            facts.insert(format!("{path}={scalar}"));
        }
    }
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 1.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// Shared prefix plus shared suffix over the longer length.
fn name_similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    (prefix + suffix) as f64 / longest as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_similarity_prefers_shared_prefix_and_suffix() {
        assert!(
            name_similarity("CreateDwdInput", "CreateDelegationCredentialInput")
                > name_similarity("CreateDwdInput", "UpdateDelegationCredentialInput")
        );
        assert_eq!(name_similarity("abc", "abc"), 1.0);
    }

    #[test]
    fn shapes_ignore_documentation_and_ref_targets() {
        let a = serde_json::json!({"type": "object", "description": "x", "properties": {"d": {"$ref": "#/components/schemas/A"}}});
        let b = serde_json::json!({"type": "object", "description": "y", "properties": {"d": {"$ref": "#/components/schemas/B"}}});
        assert_eq!(jaccard(&shape(&a), &shape(&b)), 1.0);
    }
}
