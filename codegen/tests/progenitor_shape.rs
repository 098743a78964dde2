//! Golden test of the shape of progenitor's output that the generator's syn readers rely on.
//!
//! The operation registry reads the `Client` methods and the builders' setters and `send`
//! (`src/emit/operation_registry.rs`), the key-aware unions and catch-alls rewrite
//! typify's untagged and string enums (`src/unions.rs`, `src/catch_all.rs`), the API
//! snapshot reads builder structs and `types` (`src/emit/api_snapshot.rs`), and the schema
//! registry pairs component names with typify's type order (`src/emit/registry.rs`). None
//! of that is an API progenitor promises, so `progenitor-impl` and `typify` are pinned
//! exactly (codegen/Cargo.toml); this test shows what an upgrade changes. It generates the
//! tiny `tests/fixtures/progenitor_shape.json` and compares, with `tests/golden/progenitor_shape.txt`,
//! what the readers produced from it and a skeleton of the generated client (items,
//! attributes, signatures; no doc comments, no bodies).
//!
//! Regenerate the golden file with `CALCOM_BLESS=1 cargo test -p calcom-codegen --test progenitor_shape`.

use std::path::{Path, PathBuf};

use syn::{Attribute, Fields, ImplItem, Item};

const FIXTURE: &str = "tests/fixtures/progenitor_shape.json";
const GOLDEN: &str = "tests/golden/progenitor_shape.txt";

fn manifest_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Attributes without doc comments, which carry whole schemas and are not read.
fn keep_attrs(attrs: &mut Vec<Attribute>) {
    attrs.retain(|a| !a.path().is_ident("doc"));
}

fn keep_fields(fields: &mut Fields) {
    for field in fields.iter_mut() {
        keep_attrs(&mut field.attrs);
    }
}

/// The items of a module as the readers see them: types with their attributes, impls
/// with their method signatures (empty bodies), nested modules by name only below the top.
fn skeleton(items: &[Item], top: bool) -> Vec<Item> {
    let mut out = Vec::new();
    for item in items {
        let mut item = item.clone();
        match &mut item {
            Item::Struct(s) => {
                keep_attrs(&mut s.attrs);
                keep_fields(&mut s.fields);
            }
            Item::Enum(e) => {
                keep_attrs(&mut e.attrs);
                for v in e.variants.iter_mut() {
                    keep_attrs(&mut v.attrs);
                    keep_fields(&mut v.fields);
                }
            }
            Item::Type(t) => keep_attrs(&mut t.attrs),
            Item::Impl(block) => {
                keep_attrs(&mut block.attrs);
                block.items.retain(|i| matches!(i, ImplItem::Fn(_)));
                for i in block.items.iter_mut() {
                    if let ImplItem::Fn(f) = i {
                        keep_attrs(&mut f.attrs);
                        f.block = syn::parse_quote!({});
                    }
                }
            }
            Item::Fn(f) => {
                keep_attrs(&mut f.attrs);
                *f.block = syn::parse_quote!({});
            }
            Item::Mod(m) => {
                keep_attrs(&mut m.attrs);
                let read = top && (m.ident == "types" || m.ident == "builder");
                match &mut m.content {
                    Some((_, inner)) if read => *inner = skeleton(inner, false),
                    Some((_, inner)) => inner.clear(),
                    None => {}
                }
            }
            _ => continue,
        }
        out.push(item);
    }
    out
}

fn current() -> String {
    let fixture = manifest_path(FIXTURE);
    let doc = calcom_codegen::load(&fixture).unwrap_or_else(|e| panic!("{e}"));
    let options = calcom_codegen::GenerateOptions::default();
    // The relative name keeps the machine's paths out of the golden file.
    let output = calcom_codegen::generate_value(Path::new(FIXTURE), doc, &options)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        output.report.skipped.is_empty(),
        "the fixture must generate whole: {:?}",
        output.report.skipped
    );
    let snapshot =
        calcom_codegen::api_snapshot(&fixture, &options).unwrap_or_else(|e| panic!("{e}"));
    let client = syn::parse_file(&output.client).unwrap_or_else(|e| panic!("{e}"));
    let skeleton = syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: skeleton(&client.items, true),
    };
    let mut out = String::from(
        "# progenitor's output shape for tests/fixtures/progenitor_shape.json\n\
         # (tests/progenitor_shape.rs; regenerate with CALCOM_BLESS=1)\n",
    );
    out.push_str("\n## Key-aware unions (src/unions.rs)\n");
    for name in &output.report.key_aware_unions {
        out.push_str(&format!("{name}\n"));
    }
    out.push_str("\n## Catch-alls (src/catch_all.rs)\n");
    for line in &output.report.catch_alls {
        out.push_str(&format!("{line}\n"));
    }
    out.push_str("\n## Schema registry (src/emit/registry.rs)\n");
    out.push_str(&output.registry);
    out.push_str("\n## Operation registry (src/emit/operation_registry.rs)\n");
    out.push_str(&output.operation_registry);
    out.push_str("\n## API snapshot (src/emit/api_snapshot.rs)\n");
    out.push_str(&snapshot);
    out.push_str("\n## Skeleton of the generated client\n");
    out.push_str(&prettyplease::unparse(&skeleton));
    out
}

#[test]
fn progenitor_output_keeps_the_shape_the_readers_expect() {
    let now = current();
    let golden = manifest_path(GOLDEN);
    if std::env::var_os("CALCOM_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&golden, &now).unwrap_or_else(|e| panic!("{}: {e}", golden.display()));
        return;
    }
    let committed = std::fs::read_to_string(&golden).unwrap_or_default();
    if committed == now {
        return;
    }
    let first_difference = committed
        .lines()
        .zip(now.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| committed.lines().count().min(now.lines().count()));
    let line = |text: &str| {
        text.lines()
            .nth(first_difference)
            .unwrap_or("(end of file)")
            .to_string()
    };
    panic!(
        "progenitor's output shape changed: review the syn readers in codegen/src/ \
         (emit/operation_registry.rs, unions.rs, catch_all.rs, request_builders.rs, emit/api_snapshot.rs, \
         emit/registry.rs, pagination.rs) and regenerate with CALCOM_BLESS=1 \
         (`CALCOM_BLESS=1 cargo test -p calcom-codegen --test progenitor_shape`), then \
         review `git diff codegen/{GOLDEN}`.\n\
         first difference at line {}:\n  committed: {}\n  now:       {}",
        first_difference + 1,
        line(&committed),
        line(&now),
    );
}
