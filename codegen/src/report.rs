//! What the normaliser and the generator did to a document, for people and for CI.

use serde::Serialize;

/// One change a pass made, located by JSON pointer into the original document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// JSON pointer of the value that was changed.
    pub pointer: String,
    /// What was done, in a few words.
    pub detail: String,
}

/// The changes one normalisation pass made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PassReport {
    /// The pass's name, as listed by `calcom-codegen check`.
    pub name: &'static str,
    /// Number of changes (the length of `details`).
    pub changes: usize,
    /// Every change, in document order.
    pub details: Vec<Change>,
    /// Things worth a human's attention, such as a dangling `$ref`.
    pub warnings: Vec<Change>,
}

impl PassReport {
    /// An empty report for the pass `name`.
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            ..Self::default()
        }
    }

    /// Records one change.
    pub fn change(&mut self, pointer: impl Into<String>, detail: impl Into<String>) {
        self.details.push(Change {
            pointer: pointer.into(),
            detail: detail.into(),
        });
        self.changes = self.details.len();
    }

    /// Records one change that also deserves a warning.
    pub fn warn(&mut self, pointer: impl Into<String>, detail: impl Into<String>) {
        let change = Change {
            pointer: pointer.into(),
            detail: detail.into(),
        };
        self.warnings.push(change.clone());
        self.details.push(change);
        self.changes = self.details.len();
    }
}

/// A part of the document that was left out of the generated client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// JSON pointer of the operation or schema.
    pub pointer: String,
    /// Why it could not be generated.
    pub reason: String,
}

/// One line a name, indented, after `prefix` (the verbose lists of [`Report::to_text`]).
fn push_names(out: &mut String, prefix: &str, names: &[String]) {
    for name in names {
        out.push_str(&format!("    {prefix}{name}\n"));
    }
}

/// The line of a pass that replaces a serde derive with a written impl (`lean_deserialize`,
/// `lean_serialize`), when it did anything, and the structs that keep the derive.
fn push_written(
    out: &mut String,
    verbose: bool,
    label: &str,
    how: &str,
    written: usize,
    kept: &[String],
) {
    if written + kept.len() == 0 {
        return;
    }
    out.push_str(&format!(
        "{label:<24} {written:>5} structs {how}; {} keep serde's derive\n",
        kept.len()
    ));
    if verbose {
        push_names(out, "kept: ", kept);
    }
}

/// The whole story of one generation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Operations in the document.
    pub operations_total: usize,
    /// Operations that became client methods.
    pub operations_generated: usize,
    /// Component schemas in the document.
    pub schemas_total: usize,
    /// Component schemas that became Rust types.
    pub schemas_generated: usize,
    /// Each overlay file, in the order they were applied (before normalisation).
    pub overlays: Vec<crate::overlay::OverlayReport>,
    /// Each normalisation pass, in the order they ran.
    pub passes: Vec<PassReport>,
    /// Everything left out, with the reason.
    pub skipped: Vec<Skipped>,
    /// Untagged unions whose derived decoding was replaced by key-aware decoding
    /// (`unions.rs`); filled when the client is generated, not by `check`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub key_aware_unions: Vec<String>,
    /// Answer enums and unions given a catch-all variant (`catch_all.rs`), and the
    /// unions outside answers whose branches decode strictly; filled when the client is
    /// generated, not by `check`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub catch_alls: Vec<String>,
    /// Struct builders kept because a request carries the type (`request_builders.rs`);
    /// filled when the client is generated, not by `check`.
    #[serde(skip_serializing_if = "is_zero")]
    pub request_builders: usize,
    /// Types that occur only in answers, whose builder was removed (`request_builders.rs`);
    /// filled when the client is generated, not by `check`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub answer_only_builders: Vec<String>,
    /// `TryFrom<&str>`-style conversions removed from enums that occur only in answers
    /// (`request_builders.rs`); filled when the client is generated.
    #[serde(skip_serializing_if = "is_zero")]
    pub answer_only_string_conversions: usize,
    /// Path parameters the generated `send()`s encode in place, and operations whose
    /// progenitor `api-version` header is not built (`send_rewrites.rs`); filled when the
    /// client is generated.
    #[serde(skip_serializing_if = "is_zero")]
    pub path_segments_in_place: usize,
    /// See `path_segments_in_place`.
    #[serde(skip_serializing_if = "is_zero")]
    pub version_headers_dropped: usize,
    /// `send()`s whose request is built in a block that ends before the answer is awaited
    /// (`send_rewrites.rs`), so the call's future does not keep it.
    #[serde(skip_serializing_if = "is_zero")]
    pub requests_scoped: usize,
    /// `send()`s that call `calcom::runner::exec_buffered`, which hands the answer's body on
    /// beside the response (`send_rewrites.rs`).
    #[serde(skip_serializing_if = "is_zero")]
    pub buffered_execs: usize,
    /// Non-generic generated functions marked `#[inline]`, so that they are compiled where
    /// they are used (`inline_fns.rs`); filled when the client is generated.
    #[serde(skip_serializing_if = "is_zero")]
    pub inlined_fns: usize,
    /// Setters whose conversion error message is built by `calcom::conversion` instead of
    /// a `format!` of their own (`setter_messages.rs`); filled when the client is generated.
    #[serde(skip_serializing_if = "is_zero")]
    pub shared_setter_messages: usize,
    /// `send()`s that return `calcom::runner::send`'s future instead of being an `async fn`
    /// (`send_runner.rs`); filled when the client is generated.
    #[serde(skip_serializing_if = "is_zero")]
    pub sends_handed_to_runner: usize,
    /// `send()`s left an `async fn` of their own (not in the shape the runner takes).
    #[serde(skip_serializing_if = "is_zero")]
    pub sends_kept_async: usize,
    /// Types identical to another, made aliases of it so they compile once
    /// (`identical_types.rs`); filled when the client is generated.
    #[serde(skip_serializing_if = "is_zero")]
    pub identical_types: usize,
    /// Each type kept by that merge, with its aliases.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identical_type_groups: Vec<(String, Vec<String>)>,
    /// Types identical to another that stayed apart: merging would have given a type two
    /// impls of one trait.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identical_types_kept_apart: Vec<String>,
    /// Structs that decode through the written `Deserialize` impl instead of serde's derive
    /// (`lean_deserialize.rs`); filled when the client is generated.
    #[serde(skip_serializing_if = "is_zero")]
    pub lean_deserialize: usize,
    /// Structs that keep serde's derived `Deserialize`, each with the reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub serde_derive_kept: Vec<String>,
    /// Structs that encode through the written `Serialize` impl instead of serde's derive
    /// (`lean_serialize.rs`); filled when the client is generated.
    #[serde(skip_serializing_if = "is_zero")]
    pub lean_serialize: usize,
    /// Structs that keep serde's derived `Serialize`, each with the reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub serialize_derive_kept: Vec<String>,
    /// The paginated list operations, which get a `stream()` (`pagination.rs`).
    pub paginated_operations: Vec<String>,
    /// The `CALCOM_TAGS` / `CALCOM_OPERATIONS` selection, when one was applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection: Option<String>,
}

impl Report {
    /// The closing line of `calcom-codegen check`.
    pub fn summary_line(&self) -> String {
        format!(
            "operations: {}/{} generated, schemas: {}/{} generated, skipped: {}",
            self.operations_generated,
            self.operations_total,
            self.schemas_generated,
            self.schemas_total,
            self.skipped.len()
        )
    }

    /// Overlay actions that changed the document, over all overlay files.
    pub fn overlay_actions_applied(&self) -> usize {
        self.overlays.iter().map(|o| o.applied.len()).sum()
    }

    /// One line for the overlays, one per overlay file, and (verbose) every applied action
    /// with its description and the pointers it changed; unmatched user actions always.
    fn overlays_text(&self, verbose: bool, out: &mut String) {
        if self.overlays.is_empty() {
            return;
        }
        let total: usize = self.overlays.iter().map(|o| o.actions).sum();
        out.push_str(&format!(
            "{:<24} {:>5} of {} actions applied\n",
            "overlays",
            self.overlay_actions_applied(),
            total
        ));
        for file in &self.overlays {
            out.push_str(&format!(
                "    {} ({}, {}): {}/{} applied\n",
                file.file,
                match file.origin {
                    crate::overlay::Origin::Repository => "repository",
                    crate::overlay::Origin::User => "user",
                },
                file.title,
                file.applied.len(),
                file.actions
            ));
            if verbose {
                for a in &file.applied {
                    out.push_str(&format!(
                        "      [{}] {} {}: {}\n",
                        a.index, a.kind, a.target, a.description
                    ));
                    for p in &a.pointers {
                        out.push_str(&format!("          {p}\n"));
                    }
                }
            }
            if file.origin == crate::overlay::Origin::User {
                for a in &file.unmatched {
                    out.push_str(&format!(
                        "    warning: action {} matches nothing: {}\n",
                        a.index, a.target
                    ));
                }
            }
        }
    }

    /// Human-readable report: one line per pass, then skipped items, then the summary line.
    pub fn to_text(&self, verbose: bool) -> String {
        let mut out = String::new();
        self.overlays_text(verbose, &mut out);
        for pass in &self.passes {
            out.push_str(&format!("{:<24} {:>5} changes\n", pass.name, pass.changes));
            if verbose {
                for c in &pass.details {
                    out.push_str(&format!("    {} {}\n", c.pointer, c.detail));
                }
            }
            for w in &pass.warnings {
                out.push_str(&format!("    warning: {} {}\n", w.pointer, w.detail));
            }
        }
        if !self.key_aware_unions.is_empty() {
            out.push_str(&format!(
                "{:<24} {:>5} unions\n",
                "key-aware-unions",
                self.key_aware_unions.len()
            ));
            if verbose {
                push_names(&mut out, "", &self.key_aware_unions);
            }
        }
        if !self.catch_alls.is_empty() {
            out.push_str(&format!(
                "{:<24} {:>5} types\n",
                "catch-alls",
                self.catch_alls.len()
            ));
            if verbose {
                push_names(&mut out, "", &self.catch_alls);
            }
        }
        if self.request_builders + self.answer_only_builders.len() > 0 {
            out.push_str(&format!(
                "{:<24} {:>5} kept (request types), {} removed (answer-only types); {} string conversions of answer-only enums removed\n",
                "builders",
                self.request_builders,
                self.answer_only_builders.len(),
                self.answer_only_string_conversions
            ));
            if verbose {
                push_names(&mut out, "removed: ", &self.answer_only_builders);
            }
        }
        if self.path_segments_in_place + self.version_headers_dropped > 0 {
            out.push_str(&format!(
                "{:<24} {:>5} path parameters encoded in place, {} operations without progenitor's api-version header, {} whose request ends before the answer is awaited, {} through exec_buffered (of {})\n",
                "send() rewrites",
                self.path_segments_in_place,
                self.version_headers_dropped,
                self.requests_scoped,
                self.buffered_execs,
                self.operations_generated
            ));
        }
        if self.inlined_fns > 0 {
            out.push_str(&format!(
                "{:<24} {:>5} non-generic functions #[inline]: compiled where they are used\n",
                "inline functions", self.inlined_fns
            ));
        }
        if self.shared_setter_messages > 0 {
            out.push_str(&format!(
                "{:<24} {:>5} builder setters format their conversion error through calcom::conversion\n",
                "setter messages", self.shared_setter_messages
            ));
        }
        if self.sends_handed_to_runner + self.sends_kept_async > 0 {
            out.push_str(&format!(
                "{:<24} {:>5} send()s return calcom::runner::send's future; {} stay async fns (another shape)\n",
                "send() runner", self.sends_handed_to_runner, self.sends_kept_async
            ));
        }
        if self.identical_types + self.identical_types_kept_apart.len() > 0 {
            out.push_str(&format!(
                "{:<24} {:>5} types made aliases of {} identical ones (compiled once); {} kept apart (merging would duplicate a trait impl)\n",
                "identical types",
                self.identical_types,
                self.identical_type_groups.len(),
                self.identical_types_kept_apart.len()
            ));
            if verbose {
                for (kept, aliases) in &self.identical_type_groups {
                    out.push_str(&format!("    {kept}: {}\n", aliases.join(", ")));
                }
                push_names(&mut out, "kept apart: ", &self.identical_types_kept_apart);
            }
        }
        push_written(
            &mut out,
            verbose,
            "lean Deserialize",
            "decode through the written impl (visit_map only)",
            self.lean_deserialize,
            &self.serde_derive_kept,
        );
        push_written(
            &mut out,
            verbose,
            "lean Serialize",
            "encode through the written impl (calcom::ser::Fields)",
            self.lean_serialize,
            &self.serialize_derive_kept,
        );
        out.push_str(&format!(
            "paginated operations: {}\n",
            self.paginated_operations.len()
        ));
        if verbose {
            push_names(&mut out, "", &self.paginated_operations);
        }
        if let Some(selection) = &self.selection {
            out.push_str(&format!("selection: {selection}\n"));
        }
        for s in &self.skipped {
            out.push_str(&format!("skipped: {} {}\n", s.pointer, s.reason));
        }
        out.push_str(&self.summary_line());
        out.push('\n');
        out
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}
