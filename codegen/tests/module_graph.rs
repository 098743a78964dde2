//! No crate of the workspace has a cycle among its top-level modules.
//!
//! A cycle (`error` uses `retry` uses `error`) means neither module can be read, tested or
//! moved without the other. Each `crate::<module>` path in a module's files (tests inside
//! `#[cfg(test)] mod … { … }` left out) is an edge from that module to `<module>`; the test
//! fails naming the cycle. `cargo test -p calcom-codegen --test module_graph -- --nocapture`
//! prints every crate's graph.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// Top-level module → the top-level modules it uses.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// The crates of the workspace, by their `src` folder relative to this crate.
const CRATES: [(&str, &str); 4] = [
    ("calcom", "../src"),
    ("calcom-codegen", "src"),
    ("calcom-drift", "../drift/src"),
    ("calcom-spec", "../spec/src"),
];

#[test]
fn no_crate_has_a_module_cycle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (name, src) in CRATES {
        let graph = crate_graph(&root.join(src));
        assert!(graph.len() > 1, "{name}: no modules found in {src}");
        println!("{name}:");
        for (module, uses) in &graph {
            let uses: Vec<&str> = uses.iter().map(String::as_str).collect();
            println!("  {module} -> {}", uses.join(", "));
        }
        if let Some(cycle) = find_cycle(&graph) {
            panic!("{name}: module cycle {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn a_cycle_is_found() {
    fn edge(graph: &mut Graph, a: &str, b: &str) {
        graph.entry(a.into()).or_default().insert(b.into());
        graph.entry(b.into()).or_default();
    }
    let mut graph = Graph::new();
    edge(&mut graph, "operations", "schemas");
    edge(&mut graph, "schemas", "rename");
    edge(&mut graph, "rename", "model");
    assert_eq!(find_cycle(&graph), None);
    edge(&mut graph, "rename", "operations");
    assert_eq!(
        find_cycle(&graph),
        Some(vec![
            "operations".to_string(),
            "schemas".into(),
            "rename".into(),
            "operations".into()
        ])
    );
}

#[test]
fn paths_in_tests_and_groups_are_read() {
    let source = "use crate::{a, b::c};\nfn f() { crate::d::g(); }\n\
                  #[cfg(test)]\nmod tests { use crate::e; }";
    let tokens: TokenStream = source.parse().unwrap();
    let mut used = BTreeSet::new();
    collect_uses(tokens, &mut used);
    let used: Vec<&str> = used.iter().map(String::as_str).collect();
    assert_eq!(used, ["a", "b", "d"]);
}

/// The module graph of the crate whose sources are in `src`.
fn crate_graph(src: &Path) -> Graph {
    let mut graph = Graph::new();
    for entry in fs::read_dir(src).unwrap_or_else(|e| panic!("{}: {e}", src.display())) {
        let path = entry.unwrap().path();
        let Some(module) = top_level_module(&path) else {
            continue;
        };
        let mut used = BTreeSet::new();
        for file in rust_files(&path) {
            let text = fs::read_to_string(&file).unwrap();
            let tokens: TokenStream = text
                .parse()
                .unwrap_or_else(|e| panic!("{}: {e:?}", file.display()));
            collect_uses(tokens, &mut used);
        }
        used.remove(&module);
        graph.entry(module).or_default().extend(used);
    }
    // Only edges between modules of this crate (not `crate::SomeReexport`).
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for uses in graph.values_mut() {
        uses.retain(|u| modules.contains(u));
    }
    graph
}

/// `error` for `src/error.rs`, `client` for `src/client/`; `None` for the crate roots.
fn top_level_module(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    if path.is_dir() {
        return Some(stem.to_string());
    }
    let is_root = matches!(stem, "lib" | "main");
    (path.extension()? == "rs" && !is_root).then(|| stem.to_string())
}

fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    for entry in fs::read_dir(path).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() || p.extension().is_some_and(|e| e == "rs") {
            files.extend(rust_files(&p));
        }
    }
    files
}

/// Adds the first segment of every `crate::…` path in `tokens`, skipping `#[cfg(test)]`
/// modules.
fn collect_uses(tokens: TokenStream, used: &mut BTreeSet<String>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        if is_cfg_test(&tokens, i) {
            // `# [cfg(test)] mod name { … }`: skip to the end of the module's body.
            i += 2;
            while i < tokens.len() && !is_group(&tokens[i], Delimiter::Brace) {
                i += 1;
            }
            i += 1;
            continue;
        }
        match &tokens[i] {
            TokenTree::Ident(ident) if ident == "crate" && is_path_sep(&tokens, i + 1) => {
                match tokens.get(i + 3) {
                    Some(TokenTree::Ident(first)) => {
                        used.insert(first.to_string());
                    }
                    Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => {
                        group_heads(group.stream(), used);
                    }
                    _ => {}
                }
                i += 3;
            }
            TokenTree::Group(group) => {
                collect_uses(group.stream(), used);
                i += 1;
            }
            _ => i += 1,
        }
    }
}

/// The first identifier of each comma-separated entry of a `use crate::{…}` group.
fn group_heads(stream: TokenStream, used: &mut BTreeSet<String>) {
    let mut at_start = true;
    for token in stream {
        match &token {
            TokenTree::Ident(ident) if at_start => {
                used.insert(ident.to_string());
                at_start = false;
            }
            TokenTree::Punct(p) if p.as_char() == ',' => at_start = true,
            _ => at_start = false,
        }
    }
}

fn is_path_sep(tokens: &[TokenTree], i: usize) -> bool {
    let colon =
        |t: Option<&TokenTree>| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == ':');
    colon(tokens.get(i)) && colon(tokens.get(i + 1))
}

fn is_group(token: &TokenTree, delimiter: Delimiter) -> bool {
    matches!(token, TokenTree::Group(g) if g.delimiter() == delimiter)
}

/// `#` followed by `[cfg(test)]`.
fn is_cfg_test(tokens: &[TokenTree], i: usize) -> bool {
    let hash = matches!(tokens.get(i), Some(TokenTree::Punct(p)) if p.as_char() == '#');
    let attribute = match tokens.get(i + 1) {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => {
            g.stream().to_string().replace(' ', "") == "cfg(test)"
        }
        _ => false,
    };
    hash && attribute
}

/// A cycle of the graph as `a -> b -> … -> a`, if there is one (depth-first search).
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit<'g>(
        node: &'g str,
        graph: &'g Graph,
        stack: &mut Vec<&'g str>,
        done: &mut BTreeSet<&'g str>,
    ) -> Option<Vec<String>> {
        if let Some(start) = stack.iter().position(|n| *n == node) {
            let mut cycle: Vec<String> = stack[start..].iter().map(|s| s.to_string()).collect();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if !done.insert(node) {
            return None;
        }
        stack.push(node);
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}
