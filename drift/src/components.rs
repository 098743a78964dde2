//! Component schemas: each compared once (through renames), with the direction it is used
//! in; plus schemas added, removed and renamed.

use crate::classify::Facts;
use crate::finding::{Findings, Site, Subject};
use crate::model::Renames;
use crate::reach::Reach;
use crate::report::{ChangeKind, Direction};
use crate::schemas::SchemaDiffer;
use calcom_spec::pointer::schema as schema_pointer;
use calcom_spec::refs::Document;

/// Reach of both documents, for the direction of each component.
pub struct Usage<'r> {
    /// Reach in the old document.
    pub old: &'r Reach,
    /// Reach in the new document.
    pub new: &'r Reach,
}

/// Compares every component schema of the old document with its counterpart.
pub fn diff_components<'a>(
    old_doc: Document<'a>,
    new_doc: Document<'a>,
    renames: &Renames,
    usage: &Usage<'_>,
    differ: &mut SchemaDiffer<'a>,
    out: &mut Findings,
) {
    let (Some(old_schemas), Some(new_schemas)) = (old_doc.schemas(), new_doc.schemas()) else {
        // A document without components: there is nothing to compare schema by schema.
        return;
    };
    for (old_name, old_schema) in old_schemas {
        let new_name = renames.new_name(old_name);
        let direction = usage
            .old
            .direction(old_name)
            .merge(usage.new.direction(new_name));
        let site = Site {
            subject: Subject::Component {
                name: new_name.to_string(),
                old_name: old_name.clone(),
            },
            direction,
            facts: Facts {
                unused_component: direction == Direction::Unused,
                ..Facts::default()
            },
            old_pointer: schema_pointer(old_name),
            new_pointer: schema_pointer(new_name),
            field: String::new(),
        };
        let Some(new_schema) = new_schemas.get(new_name) else {
            out.push(
                ChangeKind::SchemaRemoved,
                &site,
                format!("schema `{old_name}` was removed"),
            );
            continue;
        };
        if new_name != old_name {
            out.push(
                ChangeKind::SchemaRenamed,
                &site,
                format!("schema `{old_name}` was renamed to `{new_name}`"),
            );
        }
        differ.diff(old_schema, new_schema, &site, out);
    }
    for new_name in new_schemas.keys() {
        if old_schemas.contains_key(new_name) || renames.is_rename_target(new_name) {
            continue;
        }
        let direction = usage.new.direction(new_name);
        let site = Site {
            subject: Subject::Component {
                name: new_name.clone(),
                old_name: new_name.clone(),
            },
            direction,
            facts: Facts::default(),
            old_pointer: schema_pointer(new_name),
            new_pointer: schema_pointer(new_name),
            field: String::new(),
        };
        out.push(
            ChangeKind::SchemaAdded,
            &site,
            format!("schema `{new_name}` was added"),
        );
    }
}
