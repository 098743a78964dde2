//! Structural comparison of two schemas. References to the same component schema (after
//! renames) stop the walk: each component is compared once, by `components.rs`.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::finding::{Findings, Site};
use crate::json::{array_at, object_at};
use crate::model::{Renames, DOCUMENTATION_KEYS};
use crate::report::ChangeKind;
use calcom_spec::pointer::schema as schema_pointer;
use calcom_spec::refs::{schema_ref_name, Document};

/// Nesting beyond this is not compared (a guard against pathological inline schemas).
const MAX_DEPTH: usize = 64;

/// Compares schemas of the old and new document, writing into `findings`.
pub struct SchemaDiffer<'a> {
    old: Document<'a>,
    new: Document<'a>,
    renames: &'a Renames,
    /// The old/new schema pairs being compared right now, by address: the cycle guard for
    /// recursive schemas compared through a `$ref` on one side only.
    in_progress: HashSet<(usize, usize)>,
    depth: usize,
}

impl<'a> SchemaDiffer<'a> {
    /// A differ for one pair of documents.
    pub fn new(old: Document<'a>, new: Document<'a>, renames: &'a Renames) -> Self {
        SchemaDiffer {
            old,
            new,
            renames,
            in_progress: HashSet::new(),
            depth: 0,
        }
    }

    /// The old document.
    pub fn old_doc(&self) -> Document<'a> {
        self.old
    }

    /// The new document.
    pub fn new_doc(&self) -> Document<'a> {
        self.new
    }

    /// Compares two schemas at a site.
    pub fn diff(&mut self, old: &'a Value, new: &'a Value, site: &Site, out: &mut Findings) {
        let old_ref = schema_ref_name(old);
        let new_ref = schema_ref_name(new);
        if let (Some(old_name), Some(new_name)) = (old_ref, new_ref) {
            if self.renames.new_name(old_name) == new_name {
                // The same component: it is compared once on its own.
                return;
            }
            out.push(
                ChangeKind::RefTargetChanged,
                site,
                format!(
                    "{} now refers to `{new_name}` instead of `{old_name}`",
                    readable(&site.field)
                ),
            );
        }
        let Some((old_body, old_pointer)) = self.body(self.old, old, old_ref, &site.old_pointer)
        else {
            return self.dangling(old_ref, new_ref, site, out);
        };
        let Some((new_body, new_pointer)) = self.body(self.new, new, new_ref, &site.new_pointer)
        else {
            return self.dangling(old_ref, new_ref, site, out);
        };
        let key = (
            old_body as *const Value as usize,
            new_body as *const Value as usize,
        );
        if self.depth >= MAX_DEPTH || !self.in_progress.insert(key) {
            return;
        }
        self.depth += 1;
        let site = site.at(old_pointer, new_pointer);
        self.diff_body(old_body, new_body, &site, out);
        self.depth -= 1;
        self.in_progress.remove(&key);
    }

    /// The schema body behind a value: itself, or the component it refers to. `None` for a
    /// dangling reference.
    fn body(
        &self,
        doc: Document<'a>,
        value: &'a Value,
        ref_name: Option<&str>,
        pointer: &str,
    ) -> Option<(&'a Value, String)> {
        match ref_name {
            Some(name) => doc.schema(name).map(|s| (s, schema_pointer(name))),
            None => Some((value, pointer.to_string())),
        }
    }

    /// One side refers to a schema that does not exist: the bodies cannot be compared, so
    /// only a change of reference is reported (once, above, when both sides are refs).
    fn dangling(&self, old: Option<&str>, new: Option<&str>, site: &Site, out: &mut Findings) {
        if old.is_some() && new.is_some() {
            return; // Already reported as a changed ref target.
        }
        out.push(
            ChangeKind::TypeChanged,
            site,
            format!(
                "{} changed between `{}` and `{}`, one of which is a dangling $ref",
                readable(&site.field),
                old.unwrap_or("an inline schema"),
                new.unwrap_or("an inline schema")
            ),
        );
    }

    fn diff_body(&mut self, old: &'a Value, new: &'a Value, site: &Site, out: &mut Findings) {
        let (Some(old_map), Some(new_map)) = (old.as_object(), new.as_object()) else {
            // `true`/`false` schemas or garbage: compare as values.
            if old != new {
                out.push(
                    ChangeKind::TypeChanged,
                    site,
                    format!("{} changed from `{old}` to `{new}`", readable(&site.field)),
                );
            }
            return;
        };
        for key in DOCUMENTATION_KEYS {
            if old_map.get(key) != new_map.get(key) {
                out.documentation_edits += 1;
            }
        }
        if !self.diff_type(old_map, new_map, site, out) {
            return;
        }
        diff_nullable(old_map, new_map, site, out);
        diff_enum(old_map, new_map, site, out);
        if old_map.get("default") != new_map.get("default") {
            out.push(
                ChangeKind::DefaultChanged,
                site,
                format!(
                    "default of {} changed from {} to {}",
                    readable(&site.field),
                    show(old_map.get("default")),
                    show(new_map.get("default"))
                ),
            );
        }
        diff_constraints(old_map, new_map, site, out);
        self.diff_additional_properties(old_map, new_map, site, out);
        self.diff_properties(old_map, new_map, site, out);
        if let (Some(old_items), Some(new_items)) = (old_map.get("items"), new_map.get("items")) {
            let field = format!("{}[]", site.field);
            self.diff(
                old_items,
                new_items,
                &site.descend("items", "items", field),
                out,
            );
        }
        for keyword in ["oneOf", "anyOf"] {
            self.diff_branches(keyword, old_map, new_map, site, out);
        }
        self.diff_branches("allOf", old_map, new_map, site, out);
    }

    /// Reports type and format changes; `false` when the types differ so much that the
    /// rest of the two schemas is not comparable.
    fn diff_type(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        site: &Site,
        out: &mut Findings,
    ) -> bool {
        let old_type = type_names(old);
        let new_type = type_names(new);
        if old_type != new_type {
            out.push(
                ChangeKind::TypeChanged,
                site,
                format!(
                    "type of {} changed from {} to {}",
                    readable(&site.field),
                    describe_type(&old_type),
                    describe_type(&new_type)
                ),
            );
            // An absent type next to properties still describes an object: keep comparing.
            return old_type.is_empty() || new_type.is_empty();
        }
        if old.get("format") != new.get("format") {
            out.push(
                ChangeKind::FormatChanged,
                site,
                format!(
                    "format of {} changed from {} to {}",
                    readable(&site.field),
                    show(old.get("format")),
                    show(new.get("format"))
                ),
            );
        }
        true
    }

    fn diff_additional_properties(
        &mut self,
        old: &'a Map<String, Value>,
        new: &'a Map<String, Value>,
        site: &Site,
        out: &mut Findings,
    ) {
        let old_extra = old.get("additionalProperties");
        let new_extra = new.get("additionalProperties");
        let forbids = |v: Option<&Value>| v == Some(&Value::Bool(false));
        match (old_extra, new_extra) {
            (Some(o), Some(n)) if o.is_object() && n.is_object() => {
                let field = format!("{}{{*}}", site.field);
                let next = site.descend("additionalProperties", "additionalProperties", field);
                self.diff(o, n, &next, out);
            }
            (o, n) if !forbids(o) && forbids(n) => out.push(
                ChangeKind::ConstraintTightened,
                site,
                format!(
                    "{} no longer accepts additional properties",
                    readable(&site.field)
                ),
            ),
            (o, n) if forbids(o) && !forbids(n) => out.push(
                ChangeKind::ConstraintLoosened,
                site,
                format!(
                    "{} now accepts additional properties",
                    readable(&site.field)
                ),
            ),
            _ => {}
        }
    }

    fn diff_properties(
        &mut self,
        old: &'a Map<String, Value>,
        new: &'a Map<String, Value>,
        site: &Site,
        out: &mut Findings,
    ) {
        let old_props = object_at(old, "properties");
        let new_props = object_at(new, "properties");
        let old_required = required_names(old);
        let new_required = required_names(new);
        for (name, old_schema) in old_props {
            let field = join_field(&site.field, name);
            let next = site.descend("properties", "properties", field.clone());
            let next = next.descend(name, name, field.clone());
            let Some(new_schema) = new_props.get(name) else {
                out.push(
                    ChangeKind::PropertyRemoved,
                    &next,
                    format!("property {field} was removed"),
                );
                continue;
            };
            match (
                old_required.contains(name.as_str()),
                new_required.contains(name.as_str()),
            ) {
                (false, true) => out.push(
                    ChangeKind::PropertyBecameRequired,
                    &next,
                    format!("property {field} became required"),
                ),
                (true, false) => out.push(
                    ChangeKind::PropertyBecameOptional,
                    &next,
                    format!("property {field} became optional"),
                ),
                _ => {}
            }
            self.diff(old_schema, new_schema, &next, out);
        }
        for name in new_props.keys().filter(|n| !old_props.contains_key(*n)) {
            let field = join_field(&site.field, name);
            let next = site
                .descend("properties", "properties", field.clone())
                .descend(name, name, field.clone());
            if new_required.contains(name.as_str()) {
                out.push(
                    ChangeKind::RequiredPropertyAdded,
                    &next,
                    format!("required property {field} was added"),
                );
            } else {
                out.push(
                    ChangeKind::OptionalPropertyAdded,
                    &next,
                    format!("optional property {field} was added"),
                );
            }
        }
    }

    /// `oneOf`/`anyOf`/`allOf` members are matched by the component they refer to (through
    /// renames), inline members by their position among the inline members.
    fn diff_branches(
        &mut self,
        keyword: &str,
        old: &'a Map<String, Value>,
        new: &'a Map<String, Value>,
        site: &Site,
        out: &mut Findings,
    ) {
        let old_list = array_at(old, keyword);
        let new_list = array_at(new, keyword);
        if old_list.is_empty() && new_list.is_empty() {
            return;
        }
        let old_keys = self.branch_keys(old_list, true);
        let new_keys = self.branch_keys(new_list, false);
        let (added_kind, removed_kind) = if keyword == "allOf" {
            (ChangeKind::AllOfChanged, ChangeKind::AllOfChanged)
        } else {
            (ChangeKind::OneOfBranchAdded, ChangeKind::OneOfBranchRemoved)
        };
        for (old_index, old_key) in old_keys.iter().enumerate() {
            let field = format!("{} ({keyword} `{old_key}`)", site.field);
            match new_keys.iter().position(|k| k == old_key) {
                Some(new_index) => {
                    let next = site.descend(keyword, keyword, field.clone()).descend(
                        &old_index.to_string(),
                        &new_index.to_string(),
                        field,
                    );
                    self.diff(&old_list[old_index], &new_list[new_index], &next, out);
                }
                None => {
                    let next = site.descend(keyword, keyword, field.clone()).descend(
                        &old_index.to_string(),
                        "",
                        field,
                    );
                    out.push(
                        removed_kind,
                        &next,
                        format!(
                            "{keyword} member `{old_key}` of {} was removed",
                            readable(&site.field)
                        ),
                    );
                }
            }
        }
        for (new_index, new_key) in new_keys.iter().enumerate() {
            if !old_keys.contains(new_key) {
                let field = site.field.clone();
                let next = site.descend(keyword, keyword, field.clone()).descend(
                    "",
                    &new_index.to_string(),
                    field,
                );
                out.push(
                    added_kind,
                    &next,
                    format!(
                        "{keyword} member `{new_key}` was added to {}",
                        readable(&site.field)
                    ),
                );
            }
        }
    }

    fn branch_keys(&self, list: &[Value], old_side: bool) -> Vec<String> {
        let mut inline = 0;
        list.iter()
            .map(|branch| match schema_ref_name(branch) {
                Some(name) if old_side => self.renames.new_name(name).to_string(),
                Some(name) => name.to_string(),
                None => {
                    inline += 1;
                    format!("inline #{inline}")
                }
            })
            .collect()
    }
}

fn diff_nullable(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    site: &Site,
    out: &mut Findings,
) {
    match (is_nullable(old), is_nullable(new)) {
        (false, true) => out.push(
            ChangeKind::BecameNullable,
            site,
            format!("{} may now be null", readable(&site.field)),
        ),
        (true, false) => out.push(
            ChangeKind::BecameNonNullable,
            site,
            format!("{} may no longer be null", readable(&site.field)),
        ),
        _ => {}
    }
}

fn diff_enum(old: &Map<String, Value>, new: &Map<String, Value>, site: &Site, out: &mut Findings) {
    match (
        old.get("enum").and_then(Value::as_array),
        new.get("enum").and_then(Value::as_array),
    ) {
        (Some(old_values), Some(new_values)) => {
            for value in old_values.iter().filter(|v| !new_values.contains(v)) {
                out.push(
                    ChangeKind::EnumValueRemoved,
                    site,
                    format!(
                        "enum value {value} of {} was removed",
                        readable(&site.field)
                    ),
                );
            }
            for value in new_values.iter().filter(|v| !old_values.contains(v)) {
                out.push(
                    ChangeKind::EnumValueAdded,
                    site,
                    format!("enum value {value} was added to {}", readable(&site.field)),
                );
            }
        }
        (None, Some(_)) => out.push(
            ChangeKind::EnumAdded,
            site,
            format!("{} is now restricted to an enum", readable(&site.field)),
        ),
        (Some(_), None) => out.push(
            ChangeKind::EnumRemoved,
            site,
            format!(
                "{} is no longer restricted to an enum",
                readable(&site.field)
            ),
        ),
        (None, None) => {}
    }
}

/// Whether a larger value of a numeric keyword accepts more (`maxLength`) or fewer
/// (`minLength`) values.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bound {
    Upper,
    Lower,
}

const NUMERIC_CONSTRAINTS: [(&str, Bound); 8] = [
    ("maxLength", Bound::Upper),
    ("maxItems", Bound::Upper),
    ("maxProperties", Bound::Upper),
    ("maximum", Bound::Upper),
    ("minLength", Bound::Lower),
    ("minItems", Bound::Lower),
    ("minProperties", Bound::Lower),
    ("minimum", Bound::Lower),
];

fn diff_constraints(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    site: &Site,
    out: &mut Findings,
) {
    for (keyword, bound) in NUMERIC_CONSTRAINTS {
        let old_value = old.get(keyword).and_then(Value::as_f64);
        let new_value = new.get(keyword).and_then(Value::as_f64);
        let tightened = match (old_value, new_value) {
            (None, Some(_)) => Some(true),
            (Some(_), None) => Some(false),
            (Some(o), Some(n)) if o != n => Some((n < o) == (bound == Bound::Upper)),
            _ => None,
        };
        push_constraint(
            tightened,
            keyword,
            old.get(keyword),
            new.get(keyword),
            site,
            out,
        );
    }
    // OpenAPI 3.0 booleans: `true` excludes the bound itself.
    for keyword in ["exclusiveMaximum", "exclusiveMinimum", "uniqueItems"] {
        let flag = |m: &Map<String, Value>| m.get(keyword).and_then(Value::as_bool) == Some(true);
        let tightened = match (flag(old), flag(new)) {
            (false, true) => Some(true),
            (true, false) => Some(false),
            _ => None,
        };
        push_constraint(
            tightened,
            keyword,
            old.get(keyword),
            new.get(keyword),
            site,
            out,
        );
    }
    // Patterns and multiples cannot be compared: any new or different one may reject
    // values that were valid.
    for keyword in ["pattern", "multipleOf"] {
        let tightened = match (old.get(keyword), new.get(keyword)) {
            (Some(_), None) => Some(false),
            (o, Some(n)) if o != Some(n) => Some(true),
            _ => None,
        };
        push_constraint(
            tightened,
            keyword,
            old.get(keyword),
            new.get(keyword),
            site,
            out,
        );
    }
}

fn push_constraint(
    tightened: Option<bool>,
    keyword: &str,
    old: Option<&Value>,
    new: Option<&Value>,
    site: &Site,
    out: &mut Findings,
) {
    let Some(tightened) = tightened else { return };
    let kind = if tightened {
        ChangeKind::ConstraintTightened
    } else {
        ChangeKind::ConstraintLoosened
    };
    out.push(
        kind,
        site,
        format!(
            "{keyword} of {} changed from {} to {}",
            readable(&site.field),
            show(old),
            show(new)
        ),
    );
}

/// The JSON types a schema allows, without `null` (which is nullability), sorted.
fn type_names(schema: &Map<String, Value>) -> Vec<String> {
    let mut names: Vec<String> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect(),
        _ => Vec::new(),
    };
    names.retain(|t| t != "null");
    names.sort();
    names
}

fn describe_type(names: &[String]) -> String {
    if names.is_empty() {
        "(none)".to_string()
    } else {
        format!("`{}`", names.join("|"))
    }
}

/// `nullable: true` (3.0) or `null` among the types (3.1).
fn is_nullable(schema: &Map<String, Value>) -> bool {
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
        || match schema.get("type") {
            Some(Value::Array(ts)) => ts.iter().any(|t| t == "null"),
            Some(Value::String(t)) => t == "null",
            _ => false,
        }
}

fn required_names(schema: &Map<String, Value>) -> HashSet<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// How a field path reads in a message: the root of a component is "the schema".
pub fn readable(field: &str) -> &str {
    if field.is_empty() {
        "the schema"
    } else {
        field
    }
}

fn join_field(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

fn show(value: Option<&Value>) -> String {
    value.map_or_else(|| "(none)".to_string(), |v| format!("`{v}`"))
}
