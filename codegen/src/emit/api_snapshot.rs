//! A human-readable summary of the generated public API, committed to the repository so
//! that every change to it shows up in review (as oxide.rs does with `xtask generate --check`).
//!
//! One block per method (HTTP method, path, each builder setter with its type, the
//! response type), then one block per generated type (its fields or variants).

use quote::ToTokens;
use syn::{Fields, GenericArgument, Item, PathArguments, Type};

use crate::passes::OperationRecord;
use crate::syn_items::module;

/// Renders a type compactly: `Vec<types::Foo>`, not `:: std :: vec :: Vec < types :: Foo >`.
fn type_string(ty: &impl ToTokens) -> String {
    let raw = ty.to_token_stream().to_string();
    let chars: Vec<char> = raw.chars().collect();
    let word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() || *c == '_');
    let mut s = String::with_capacity(raw.len());
    for (i, c) in chars.iter().enumerate() {
        // Keep a space only between two words (`dyn Trait`, `&'a mut T`).
        if *c == ' ' && !(word(chars.get(i.wrapping_sub(1))) && word(chars.get(i + 1))) {
            continue;
        }
        s.push(*c);
    }
    let mut s = s.replace(',', ", ");
    for prefix in [
        "::std::string::",
        "::std::vec::",
        "::std::option::",
        "::std::collections::",
        "::chrono::offset::",
        "::serde_json::",
    ] {
        s = s.replace(prefix, "");
    }
    s.replace("<::", "<").trim_start_matches("::").to_string()
}

/// The first generic argument of `Result<T, _>` / `ResponseValue<T>`.
fn first_generic(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// Renders the snapshot for a generated client and its operation records.
pub fn render(client_source: &str, records: &[OperationRecord]) -> Result<String, syn::Error> {
    let file = syn::parse_file(client_source)?;
    let mut out = String::from(
        "# Public API of the generated calcom client (regenerate: see README, \"API snapshot\")\n\n## Methods\n",
    );
    let builders = module(&file.items, "builder").unwrap_or_default();
    let mut records: Vec<&OperationRecord> = records.iter().collect();
    records.sort_by(|a, b| a.name.cmp(&b.name));
    for record in records {
        let builder_name = heck::ToUpperCamelCase::to_upper_camel_case(record.name.as_str());
        let mut setters = Vec::new();
        let mut response = String::from("?");
        let mut stream = None;
        for item in builders {
            match item {
                Item::Struct(s) if s.ident == builder_name => {
                    for field in &s.fields {
                        let Some(name) = &field.ident else { continue };
                        if name == "client" {
                            continue;
                        }
                        let ty = first_generic(&field.ty)
                            .map_or_else(|| type_string(&field.ty), type_string);
                        let ty = ty.replace("types::builder::", "types::");
                        setters.push(format!("    .{name}({ty})"));
                    }
                }
                Item::Impl(imp)
                    if type_string(&imp.self_ty).starts_with(&format!("{builder_name}<")) =>
                {
                    for it in &imp.items {
                        let syn::ImplItem::Fn(f) = it else { continue };
                        if f.sig.ident == "stream" {
                            stream = crate::pagination::snapshot_line(&f.sig, type_string);
                        }
                        if f.sig.ident != "send" {
                            continue;
                        }
                        if let Some(ty) = crate::syn_items::send_output(&f.sig) {
                            if let Some(ok) = first_generic(ty).and_then(first_generic) {
                                response = type_string(ok);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        out.push_str(&format!(
            "\nfn {}()  {} {}\n",
            record.name, record.method, record.path
        ));
        for s in setters {
            out.push_str(&s);
            out.push('\n');
        }
        out.push_str(&format!("    -> {response}\n"));
        if let Some(stream) = stream {
            out.push_str(&stream);
        }
    }
    out.push_str("\n## Types\n");
    for item in module(&file.items, "types").unwrap_or_default() {
        match item {
            Item::Struct(s) => {
                out.push_str(&format!("\nstruct {}\n", s.ident));
                if let Fields::Named(named) = &s.fields {
                    for f in &named.named {
                        if let Some(name) = &f.ident {
                            out.push_str(&format!("    {name}: {}\n", type_string(&f.ty)));
                        }
                    }
                } else if let Fields::Unnamed(unnamed) = &s.fields {
                    for f in &unnamed.unnamed {
                        out.push_str(&format!("    ({})\n", type_string(&f.ty)));
                    }
                }
            }
            Item::Enum(e) => {
                out.push_str(&format!("\nenum {}\n", e.ident));
                for v in &e.variants {
                    match &v.fields {
                        Fields::Unit => out.push_str(&format!("    {}\n", v.ident)),
                        Fields::Unnamed(u) => {
                            let tys: Vec<String> =
                                u.unnamed.iter().map(|f| type_string(&f.ty)).collect();
                            out.push_str(&format!("    {}({})\n", v.ident, tys.join(", ")));
                        }
                        Fields::Named(n) => {
                            let fs: Vec<String> = n
                                .named
                                .iter()
                                .filter_map(|f| {
                                    Some(format!("{}: {}", f.ident.as_ref()?, type_string(&f.ty)))
                                })
                                .collect();
                            out.push_str(&format!("    {} {{ {} }}\n", v.ident, fs.join(", ")));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}
