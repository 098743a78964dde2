//! A change as the differs see it, before classification.

use crate::classify::Facts;
use crate::report::{ChangeKind, Direction};

/// What a change belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// An operation, as `METHOD /path` (new path, or old path for removals).
    Operation(String),
    /// A component schema, by its new name (or old name for removals).
    Component {
        /// The name the schema has in the new document (the old one if it was removed).
        name: String,
        /// The name it had in the old document.
        old_name: String,
    },
}

/// Where in both documents the differ currently is.
#[derive(Debug, Clone)]
pub struct Site {
    /// What the change belongs to.
    pub subject: Subject,
    /// Which way the data travels.
    pub direction: Direction,
    /// Facts for the classifier.
    pub facts: Facts,
    /// JSON pointer into the old document.
    pub old_pointer: String,
    /// JSON pointer into the new document.
    pub new_pointer: String,
    /// A readable name for the place: `request body`, `property data.attendees[].language`.
    pub field: String,
}

impl Site {
    /// The same site one level deeper.
    pub fn descend(&self, old_token: &str, new_token: &str, field: String) -> Site {
        Site {
            subject: self.subject.clone(),
            direction: self.direction,
            facts: self.facts,
            old_pointer: calcom_spec::pointer::child(&self.old_pointer, old_token),
            new_pointer: calcom_spec::pointer::child(&self.new_pointer, new_token),
            field,
        }
    }

    /// The same site with other pointers (after following a `$ref`).
    pub fn at(&self, old_pointer: String, new_pointer: String) -> Site {
        Site {
            old_pointer,
            new_pointer,
            ..self.clone()
        }
    }
}

/// One unclassified change.
#[derive(Debug, Clone)]
pub struct Finding {
    /// What changed.
    pub kind: ChangeKind,
    /// What it belongs to.
    pub subject: Subject,
    /// Which way the data travels.
    pub direction: Direction,
    /// Facts for the classifier.
    pub facts: Facts,
    /// JSON pointer (new document, or old for removals).
    pub location: String,
    /// Human-readable explanation.
    pub detail: String,
}

/// Whether a kind describes something that only exists in the old document, so that its
/// location points into the old document.
pub fn is_removal(kind: ChangeKind) -> bool {
    matches!(
        kind,
        ChangeKind::OperationRemoved
            | ChangeKind::ParameterRemoved
            | ChangeKind::RequestBodyRemoved
            | ChangeKind::RequestMediaTypeRemoved
            | ChangeKind::SuccessStatusRemoved
            | ChangeKind::ResponseMediaTypeRemoved
            | ChangeKind::PropertyRemoved
            | ChangeKind::EnumValueRemoved
            | ChangeKind::EnumRemoved
            | ChangeKind::OneOfBranchRemoved
            | ChangeKind::SchemaRemoved
    )
}

/// Collects findings and documentation edits.
#[derive(Debug, Default)]
pub struct Findings {
    /// The changes found so far.
    pub items: Vec<Finding>,
    /// Description, summary, example and tag edits seen so far.
    pub documentation_edits: usize,
}

impl Findings {
    /// Records a change at a site; the location is picked from the site by the kind.
    pub fn push(&mut self, kind: ChangeKind, site: &Site, detail: String) {
        let location = if is_removal(kind) {
            site.old_pointer.clone()
        } else {
            site.new_pointer.clone()
        };
        self.items.push(Finding {
            kind,
            subject: site.subject.clone(),
            direction: site.direction,
            facts: site.facts,
            location,
            detail,
        });
    }
}
