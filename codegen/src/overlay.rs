//! OpenAPI Overlays (Overlay Specification 1.0.0): corrections applied to the raw document
//! before normalisation.
//!
//! An overlay is a JSON file `{"overlay": "1.0.0", "info": {"title", "version"}, "actions":
//! [...]}`; each action has a `target` (an RFC 9535 JSONPath, matched by `serde_json_path`),
//! an optional `description`, and either `update` (merged into every matched node: objects
//! merge recursively, arrays are appended to, anything else replaces) or `remove: true`
//! (every matched node is taken out of its parent). Actions run in order, each on the
//! result of the one before, so a structural change is written as a `remove` followed by
//! an `update`.
//!
//! The repository's overlays ([`Origin::Repository`], `openapi/overlays/`) apply wherever
//! their target exists and stay silent where it does not; a user's overlay
//! ([`Origin::User`], `CALCOM_OPENAPI_OVERLAYS`) whose action matches nothing gets a warning.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value};
use serde_json_path::{JsonPath, PathElement};

use calcom_spec::pointer::from_tokens as pointer;

use crate::error::CodegenError;

/// The only Overlay Specification version supported.
pub const OVERLAY_VERSION: &str = "1.0.0";

/// Where an overlay comes from, which decides what an action that matches nothing means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// The repository's own corrections: written for every document that has the target.
    Repository,
    /// An overlay the user asked for: an action that matches nothing is a mistake.
    User,
}

/// What an action does to each node its target matches.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Merge this value into the node.
    Update(Value),
    /// Remove the node from its parent.
    Remove,
}

/// One action of an overlay.
#[derive(Debug, Clone)]
pub struct Action {
    /// The action's JSONPath, as written.
    pub target: String,
    path: JsonPath,
    /// The action's `description` (for the repository's: the reason and the evidence).
    pub description: String,
    /// Update or remove.
    pub change: Change,
}

/// A parsed overlay file.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// The file it was read from.
    pub file: PathBuf,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// Where it comes from.
    pub origin: Origin,
    /// Its actions, in order.
    pub actions: Vec<Action>,
}

/// What one action did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionReport {
    /// The action's index in its overlay's `actions`.
    pub index: usize,
    /// `update` or `remove`.
    pub kind: &'static str,
    /// The action's target.
    pub target: String,
    /// The action's description.
    pub description: String,
    /// JSON pointers (into the document as it was when the action ran) of every node it changed.
    pub pointers: Vec<String>,
}

/// What one overlay file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverlayReport {
    /// The overlay file.
    pub file: String,
    /// `info.title`.
    pub title: String,
    /// Repository or user.
    pub origin: Origin,
    /// Number of actions in the file.
    pub actions: usize,
    /// Actions whose target matched at least one node.
    pub applied: Vec<ActionReport>,
    /// Actions whose target matched nothing (a warning for user overlays).
    pub unmatched: Vec<ActionReport>,
}

impl OverlayReport {
    /// Number of actions that changed the document.
    pub fn applied_count(&self) -> usize {
        self.applied.len()
    }
}

/// Reads and parses an overlay file.
pub fn load(file: &Path, origin: Origin) -> Result<Overlay, CodegenError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CodegenError::unreadable(file, "", format!("cannot read the overlay: {e}")))?;
    parse(file, &text, origin)
}

/// Parses `text`, the contents of the overlay file `file`.
///
/// Every problem is reported with the JSON pointer into the overlay file.
pub fn parse(file: &Path, text: &str, origin: Origin) -> Result<Overlay, CodegenError> {
    let bad = |ptr: String, reason: String| CodegenError::unreadable(file, ptr, reason);
    let root: Value = serde_json::from_str(text).map_err(|e| {
        bad(
            String::new(),
            format!(
                "the overlay is not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    let Some(root) = root.as_object() else {
        return Err(bad(
            String::new(),
            "an overlay must be a JSON object".into(),
        ));
    };
    match root.get("overlay").and_then(Value::as_str) {
        Some(OVERLAY_VERSION) => {}
        Some(other) => {
            return Err(bad(
                "/overlay".into(),
                format!("overlay version {other:?} is not supported; only {OVERLAY_VERSION} is"),
            ))
        }
        None => {
            return Err(bad(
                "/overlay".into(),
                "not an overlay: the `overlay` version string is missing".into(),
            ))
        }
    }
    let info = root
        .get("info")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("/info".into(), "`info` is missing or not an object".into()))?;
    let info_string = |key: &str| {
        info.get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| {
                bad(
                    pointer(["info", key]),
                    format!("`info.{key}` must be a string"),
                )
            })
    };
    let title = info_string("title")?;
    let version = info_string("version")?;
    let actions = root
        .get("actions")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            bad(
                "/actions".into(),
                "`actions` is missing or not an array".into(),
            )
        })?;
    if actions.is_empty() {
        return Err(bad(
            "/actions".into(),
            "`actions` must hold at least one action".into(),
        ));
    }
    let actions = actions
        .iter()
        .enumerate()
        .map(|(i, action)| parse_action(file, i, action))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Overlay {
        file: file.to_path_buf(),
        title,
        version,
        origin,
        actions,
    })
}

fn parse_action(file: &Path, index: usize, action: &Value) -> Result<Action, CodegenError> {
    let at = |key: Option<&str>| {
        let i = index.to_string();
        match key {
            Some(key) => pointer(["actions", i.as_str(), key]),
            None => pointer(["actions", i.as_str()]),
        }
    };
    let bad = |ptr: String, reason: String| CodegenError::unreadable(file, ptr, reason);
    let Some(action) = action.as_object() else {
        return Err(bad(at(None), "an action must be an object".into()));
    };
    let target = action
        .get("target")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            bad(
                at(Some("target")),
                "`target` must be a JSONPath string".into(),
            )
        })?;
    let path = JsonPath::parse(target).map_err(|e| {
        bad(
            at(Some("target")),
            format!("`{target}` is not an RFC 9535 JSONPath: {e}"),
        )
    })?;
    let description = match action.get("description") {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(bad(
                at(Some("description")),
                "`description` must be a string".into(),
            ))
        }
    };
    let remove = match action.get("remove") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(bad(at(Some("remove")), "`remove` must be a boolean".into())),
    };
    let change = match (action.get("update"), remove) {
        (Some(_), true) => {
            return Err(bad(
                at(None),
                "an action has either `update` or `remove: true`, not both".into(),
            ))
        }
        (Some(update), false) => Change::Update(update.clone()),
        (None, true) => Change::Remove,
        (None, false) => {
            return Err(bad(
                at(None),
                "an action needs `update` or `remove: true`".into(),
            ))
        }
    };
    Ok(Action {
        target: target.to_string(),
        path,
        description,
        change,
    })
}

/// One step of a normalized path: an object member or an array index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Name(String),
    Index(usize),
}

fn steps_of(location: &serde_json_path::NormalizedPath<'_>) -> Vec<Step> {
    location
        .iter()
        .map(|element| match element {
            PathElement::Name(name) => Step::Name(name.to_string()),
            PathElement::Index(i) => Step::Index(*i),
        })
        .collect()
}

fn pointer_of(steps: &[Step]) -> String {
    pointer(steps.iter().map(|s| match s {
        Step::Name(n) => n.clone(),
        Step::Index(i) => i.to_string(),
    }))
}

fn node_mut<'a>(doc: &'a mut Value, steps: &[Step]) -> Option<&'a mut Value> {
    steps.iter().try_fold(doc, |node, step| match (step, node) {
        (Step::Name(n), Value::Object(map)) => map.get_mut(n),
        (Step::Index(i), Value::Array(items)) => items.get_mut(*i),
        _ => None,
    })
}

/// Overlay 1.0.0 merge: objects merge member by member, arrays are appended to, and any
/// other value (or a value of another kind) replaces the target.
fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                match target.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(target), Value::Array(update)) => target.extend(update.iter().cloned()),
        (target, update) => *target = update.clone(),
    }
}

fn remove_at(doc: &mut Value, steps: &[Step]) -> bool {
    let Some((last, parent)) = steps.split_last() else {
        // The root itself: an empty document is all that is left.
        *doc = Value::Object(Map::new());
        return true;
    };
    match (node_mut(doc, parent), last) {
        (Some(Value::Object(map)), Step::Name(n)) => map.shift_remove(n).is_some(),
        (Some(Value::Array(items)), Step::Index(i)) if *i < items.len() => {
            items.remove(*i);
            true
        }
        _ => false,
    }
}

/// Applies one action; returns the pointers of the nodes it changed.
fn apply_action(doc: &mut Value, action: &Action) -> Vec<String> {
    let mut matched: Vec<Vec<Step>> = action
        .path
        .query_located(doc)
        .locations()
        .map(steps_of)
        .collect();
    let pointers: Vec<String> = matched.iter().map(|s| pointer_of(s)).collect();
    match &action.change {
        Change::Update(update) => {
            for steps in &matched {
                if let Some(node) = node_mut(doc, steps) {
                    merge(node, update);
                }
            }
        }
        Change::Remove => {
            // Deepest and highest indexes first, so that no removal shifts a later one.
            matched.sort();
            matched.dedup();
            for steps in matched.iter().rev() {
                remove_at(doc, steps);
            }
        }
    }
    pointers
}

/// Applies every overlay, in order, to `doc`; reports what each action did.
pub fn apply(doc: &mut Value, overlays: &[Overlay]) -> Vec<OverlayReport> {
    overlays
        .iter()
        .map(|overlay| {
            let mut report = OverlayReport {
                file: overlay.file.display().to_string(),
                title: overlay.title.clone(),
                origin: overlay.origin,
                actions: overlay.actions.len(),
                applied: Vec::new(),
                unmatched: Vec::new(),
            };
            for (index, action) in overlay.actions.iter().enumerate() {
                let pointers = apply_action(doc, action);
                let entry = ActionReport {
                    index,
                    kind: match action.change {
                        Change::Update(_) => "update",
                        Change::Remove => "remove",
                    },
                    target: action.target.clone(),
                    description: action.description.clone(),
                    pointers,
                };
                if entry.pointers.is_empty() {
                    report.unmatched.push(entry);
                } else {
                    report.applied.push(entry);
                }
            }
            report
        })
        .collect()
}

/// One warning per action of a user's overlay that matched nothing in `document` (the
/// repository's own stay silent: they are written for every document).
pub fn unmatched_user_actions(reports: &[OverlayReport], document: &Path) -> Vec<String> {
    reports
        .iter()
        .filter(|file| file.origin == Origin::User)
        .flat_map(|file| {
            file.unmatched.iter().map(move |action| {
                format!(
                    "overlay {} action {} matches nothing in {}: {}",
                    file.file,
                    action.index,
                    document.display(),
                    action.target
                )
            })
        })
        .collect()
}

/// The repository's overlays: every `*.json` file of `dir`, in file-name order (none when
/// the folder is absent).
pub fn repository_files(dir: &Path) -> Result<Vec<PathBuf>, CodegenError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(CodegenError::unreadable(
                dir,
                "",
                format!("cannot list the overlays: {e}"),
            ))
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Ok(files)
}

/// Splits a comma-separated list of overlay paths (`CALCOM_OPENAPI_OVERLAYS`), each
/// resolved against `base` when relative.
pub fn user_files(list: &str, base: &Path) -> Vec<PathBuf> {
    list.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| base.join(p))
        .collect()
}

/// Which overlays to apply: the repository's folder (if any) and the user's files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OverlaySources {
    /// `openapi/overlays/` of the repository; `None` applies no repository overlay.
    pub repository_dir: Option<PathBuf>,
    /// The user's overlay files, applied after the repository's.
    pub user_files: Vec<PathBuf>,
}

impl OverlaySources {
    /// The repository folder that ships with this generator (`openapi/overlays/` beside
    /// the `codegen/` crate), plus `user_files`.
    pub fn repository_and(user_files: Vec<PathBuf>) -> Self {
        Self {
            repository_dir: Some(default_repository_dir()),
            user_files,
        }
    }

    /// Every overlay file, repository ones first.
    pub fn files(&self) -> Result<Vec<(PathBuf, Origin)>, CodegenError> {
        let mut files: Vec<(PathBuf, Origin)> = match &self.repository_dir {
            Some(dir) => repository_files(dir)?
                .into_iter()
                .map(|f| (f, Origin::Repository))
                .collect(),
            None => Vec::new(),
        };
        files.extend(self.user_files.iter().cloned().map(|f| (f, Origin::User)));
        Ok(files)
    }

    /// Loads every overlay file.
    pub fn load(&self) -> Result<Vec<Overlay>, CodegenError> {
        self.files()?
            .into_iter()
            .map(|(file, origin)| load(&file, origin))
            .collect()
    }
}

/// `openapi/overlays/` of the workspace this generator was built in.
pub fn default_repository_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/overlays");
    dir.canonicalize().unwrap_or(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: Value, origin: Origin) -> Overlay {
        let text =
            json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions})
                .to_string();
        parse(Path::new("o.json"), &text, origin).unwrap()
    }

    fn parse_err(text: &str) -> CodegenError {
        parse(Path::new("o.json"), text, Origin::User).unwrap_err()
    }

    #[test]
    fn update_merges_objects_appends_arrays_and_replaces_scalars() {
        let mut doc = json!({"a": {"type": "object", "keep": 1, "list": [1], "inner": {"x": 1}}});
        let o = overlay(
            json!([{"target": "$.a", "update": {"type": "boolean", "list": [2], "inner": {"y": 2}, "new": true}}]),
            Origin::User,
        );
        let report = apply(&mut doc, &[o]);
        assert_eq!(
            doc,
            json!({"a": {"type": "boolean", "keep": 1, "list": [1, 2], "inner": {"x": 1, "y": 2}, "new": true}})
        );
        assert_eq!(report[0].applied[0].pointers, vec!["/a"]);
    }

    #[test]
    fn remove_then_update_changes_structure_and_filters_select() {
        let mut doc = json!({"s": {
            "A": {"properties": {"t": {"type": "string", "enum": ["x"]}}},
            "B": {"properties": {"t": {"type": "array"}}}
        }});
        let o = overlay(
            json!([
                {"target": "$.s[?@.properties.t.type == 'string'].properties.t", "remove": true},
                {"target": "$.s.A.properties", "update": {"t": {"type": "array", "items": {"type": "string"}}}}
            ]),
            Origin::Repository,
        );
        let report = apply(&mut doc, &[o]);
        assert_eq!(
            doc["s"]["A"]["properties"]["t"],
            json!({"type": "array", "items": {"type": "string"}})
        );
        assert_eq!(doc["s"]["B"]["properties"]["t"], json!({"type": "array"}));
        assert_eq!(report[0].applied.len(), 2);
        assert_eq!(report[0].applied[0].pointers, vec!["/s/A/properties/t"]);
    }

    #[test]
    fn removing_array_items_removes_each_once() {
        let mut doc = json!({"l": [1, 2, 3, 4]});
        let o = overlay(
            json!([{"target": "$.l[?@ > 1]", "remove": true}]),
            Origin::User,
        );
        apply(&mut doc, &[o]);
        assert_eq!(doc, json!({"l": [1]}));
    }

    #[test]
    fn unmatched_actions_are_reported_and_pointers_escaped() {
        let mut doc = json!({"paths": {"/v2/a": {"get": {}}}});
        let o = overlay(
            json!([
                {"target": "$.paths['/v2/a'].get", "update": {"x": 1}, "description": "why"},
                {"target": "$.nothing", "remove": true}
            ]),
            Origin::User,
        );
        let report = apply(&mut doc, &[o]);
        assert_eq!(report[0].applied[0].pointers, vec!["/paths/~1v2~1a/get"]);
        assert_eq!(report[0].applied[0].description, "why");
        assert_eq!(report[0].unmatched.len(), 1);
        assert_eq!(report[0].unmatched[0].index, 1);
    }

    #[test]
    fn only_unmatched_user_actions_are_warned_about() {
        let actions = json!([{"target": "$.absent", "remove": true}]);
        let mut doc = json!({});
        let reports = apply(
            &mut doc,
            &[
                overlay(actions.clone(), Origin::Repository),
                overlay(actions, Origin::User),
            ],
        );
        assert_eq!(
            unmatched_user_actions(&reports, Path::new("spec.json")),
            vec!["overlay o.json action 0 matches nothing in spec.json: $.absent"]
        );
    }

    #[test]
    fn malformed_overlays_name_the_pointer_and_the_reason() {
        let e = parse_err("{");
        assert!(e.reason.contains("not valid JSON"), "{e}");
        let e = parse_err(r#"{"overlay": "2.0.0", "info": {}, "actions": []}"#);
        assert_eq!(e.pointer, "/overlay");
        let e = parse_err(r#"{"overlay": "1.0.0", "info": {"title": "t"}, "actions": []}"#);
        assert_eq!(e.pointer, "/info/version");
        let e = parse_err(
            r#"{"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$[", "remove": true}]}"#,
        );
        assert_eq!(e.pointer, "/actions/0/target");
        assert!(e.reason.contains("JSONPath"), "{e}");
        let e = parse_err(
            r#"{"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$"}]}"#,
        );
        assert_eq!(e.pointer, "/actions/0");
        let e = parse_err(
            r#"{"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$", "remove": "yes"}]}"#,
        );
        assert_eq!(e.pointer, "/actions/0/remove");
        assert_eq!(e.file, Path::new("o.json"));
    }

    #[test]
    fn user_lists_split_on_commas_and_resolve_against_the_base() {
        assert_eq!(
            user_files(" a.json, /abs/b.json,,", Path::new("/crate")),
            vec![PathBuf::from("/crate/a.json"), PathBuf::from("/abs/b.json")]
        );
    }
}
