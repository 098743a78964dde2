//! Which operations reach each component schema, and in which direction.

use std::collections::{BTreeSet, HashMap};

use crate::model::Operation;
use crate::report::Direction;
use calcom_spec::refs::{collect_schema_refs, Document};

/// The operations (indexes into the operation list) that use one component schema.
#[derive(Debug, Clone, Default)]
pub struct ComponentUse {
    /// Operations that send it (parameters, request body).
    pub request: BTreeSet<usize>,
    /// Operations that receive it (responses).
    pub response: BTreeSet<usize>,
}

/// Transitive use of every component schema by the operations of one document.
#[derive(Debug, Default)]
pub struct Reach {
    uses: HashMap<String, ComponentUse>,
}

impl Reach {
    /// Walks every operation's parameters, request body and responses through `$ref`s.
    pub fn compute(doc: &Document<'_>, operations: &[Operation<'_>]) -> Reach {
        let graph = schema_graph(doc);
        let mut uses: HashMap<String, ComponentUse> = HashMap::new();
        for (index, op) in operations.iter().enumerate() {
            let mut request_roots = Vec::new();
            for parameter in &op.parameters {
                collect_schema_refs(doc, parameter.value, &mut request_roots);
            }
            if let Some(body) = op.value.get("requestBody") {
                collect_schema_refs(doc, body, &mut request_roots);
            }
            let mut response_roots = Vec::new();
            if let Some(responses) = op.value.get("responses") {
                collect_schema_refs(doc, responses, &mut response_roots);
            }
            for name in closure(&graph, request_roots) {
                uses.entry(name.to_string())
                    .or_default()
                    .request
                    .insert(index);
            }
            for name in closure(&graph, response_roots) {
                uses.entry(name.to_string())
                    .or_default()
                    .response
                    .insert(index);
            }
        }
        Reach { uses }
    }

    /// How the schema is used; `Unused` when no operation reaches it.
    pub fn direction(&self, name: &str) -> Direction {
        match self.uses.get(name) {
            Some(u) if !u.request.is_empty() && !u.response.is_empty() => Direction::Both,
            Some(u) if !u.request.is_empty() => Direction::Request,
            Some(u) if !u.response.is_empty() => Direction::Response,
            _ => Direction::Unused,
        }
    }

    /// The indexes of the operations that reach the schema, in either direction.
    pub fn operations(&self, name: &str) -> BTreeSet<usize> {
        self.uses
            .get(name)
            .map(|u| u.request.union(&u.response).copied().collect())
            .unwrap_or_default()
    }
}

/// Direct `$ref`s of each component schema.
fn schema_graph<'a>(doc: &Document<'a>) -> HashMap<&'a str, Vec<&'a str>> {
    let mut graph = HashMap::new();
    if let Some(schemas) = doc.schemas() {
        for (name, schema) in schemas {
            let mut refs = Vec::new();
            collect_schema_refs(doc, schema, &mut refs);
            graph.insert(name.as_str(), refs);
        }
    }
    graph
}

/// Every schema reachable from the roots. Dangling names are included (they are used, just
/// not defined); the visited set is the cycle guard.
fn closure<'a>(graph: &HashMap<&'a str, Vec<&'a str>>, roots: Vec<&'a str>) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(name) = stack.pop() {
        if seen.insert(name) {
            if let Some(next) = graph.get(name) {
                stack.extend(next.iter().copied());
            }
        }
    }
    seen
}

/// A schema value's direct refs, exposed for tests of the graph walk.
#[cfg(test)]
fn direct_refs(value: &serde_json::Value) -> Vec<String> {
    let doc = Document::new(value);
    let mut out = Vec::new();
    collect_schema_refs(&doc, value, &mut out);
    out.into_iter().map(String::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::collect_operations;
    use serde_json::json;

    #[test]
    fn reach_is_transitive_and_survives_cycles() {
        let doc = json!({
            "openapi": "3.0.0",
            "paths": {"/a": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}}}}
            }}},
            "components": {"schemas": {
                "In": {"properties": {"node": {"$ref": "#/components/schemas/Node"}}},
                "Out": {"properties": {"node": {"$ref": "#/components/schemas/Node"}, "x": {"$ref": "#/components/schemas/Missing"}}},
                "Node": {"properties": {"next": {"$ref": "#/components/schemas/Node"}}},
                "Lonely": {}
            }}
        });
        let d = Document::new(&doc);
        let ops = collect_operations(&d);
        let reach = Reach::compute(&d, &ops);
        assert_eq!(reach.direction("In"), Direction::Request);
        assert_eq!(reach.direction("Out"), Direction::Response);
        assert_eq!(reach.direction("Node"), Direction::Both);
        assert_eq!(reach.direction("Missing"), Direction::Response);
        assert_eq!(reach.direction("Lonely"), Direction::Unused);
        assert_eq!(
            direct_refs(&doc["components"]["schemas"]["Node"]),
            vec!["Node"]
        );
    }
}
