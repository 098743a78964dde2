//! Which generated types mention which: the graph the rewrites of the generated code walk
//! (catch-alls from the answers, builders from the requests).

use std::collections::{HashMap, HashSet};

use syn::visit_mut::VisitMut;
use syn::Item;

/// Names of the types (last path segments) a type mentions.
pub(crate) fn referenced_names(ty: &syn::Type) -> Vec<String> {
    // syn is built without `visit`: walk a copy mutably.
    struct Names(Vec<String>);
    impl VisitMut for Names {
        fn visit_path_segment_mut(&mut self, segment: &mut syn::PathSegment) {
            self.0.push(segment.ident.to_string());
            syn::visit_mut::visit_path_segment_mut(self, segment);
        }
    }
    let mut names = Names(Vec::new());
    names.visit_type_mut(&mut ty.clone());
    names.0
}

/// For every type of the module, the types its fields and variants mention.
pub(crate) fn type_graph(items: &[Item]) -> HashMap<String, Vec<String>> {
    let mut graph: HashMap<String, Vec<String>> = HashMap::new();
    for item in items {
        let (name, fields): (String, Vec<&syn::Type>) = match item {
            Item::Struct(s) => (
                s.ident.to_string(),
                s.fields.iter().map(|f| &f.ty).collect(),
            ),
            Item::Enum(e) => (
                e.ident.to_string(),
                e.variants
                    .iter()
                    .flat_map(|v| v.fields.iter().map(|f| &f.ty))
                    .collect(),
            ),
            Item::Type(t) => (t.ident.to_string(), vec![t.ty.as_ref()]),
            _ => continue,
        };
        let names = fields.into_iter().flat_map(referenced_names).collect();
        graph.insert(name, names);
    }
    graph
}

/// Every type of `graph` reachable from `roots` (roots included).
pub(crate) fn reach(
    graph: &HashMap<String, Vec<String>>,
    roots: impl IntoIterator<Item = String>,
) -> HashSet<String> {
    let mut seen = HashSet::new();
    let mut todo: Vec<String> = roots.into_iter().collect();
    while let Some(name) = todo.pop() {
        let Some(next) = graph.get(&name) else {
            continue;
        };
        if seen.insert(name) {
            todo.extend(next.iter().cloned());
        }
    }
    seen
}
