//! Lookups in the generated `syn::File` that every rewrite and writer of it needs.

use syn::punctuated::Punctuated;
use syn::{Item, Token};

/// The items of the inline module `name` among `items` (`types`, `builder`).
pub(crate) fn module<'a>(items: &'a [Item], name: &str) -> Option<&'a [Item]> {
    items.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| items.as_slice()),
        _ => None,
    })
}

/// [`module`], to change its items.
pub(crate) fn module_mut<'a>(items: &'a mut [Item], name: &str) -> Option<&'a mut Vec<Item>> {
    items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// Walks `module` with `visitor` unless it is the generated `types`, which hold no `send()`
/// and no operation builder: skipping them is most of a `send()` rewrite's time.
pub(crate) fn visit_unless_types<V: syn::visit_mut::VisitMut + ?Sized>(
    visitor: &mut V,
    module: &mut syn::ItemMod,
) {
    if module.ident != "types" {
        syn::visit_mut::visit_item_mod_mut(visitor, module);
    }
}

/// The last path segment of a type (`types::Output` → `Output`); `None` for other types.
pub(crate) fn last_segment(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The names of a path's segments (`::std::option::Option` → `std`, `option`, `Option`).
pub(crate) fn segment_names(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// The identifiers in token text (`a :: B < c >` → `a`, `B`, `c`): what the rewrites that
/// look for a name in printed tokens compare against.
pub(crate) fn identifiers<C: FromIterator<String>>(tokens: &str) -> C {
    tokens
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|t| t.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        .map(str::to_string)
        .collect()
}

/// The type arguments of `ty` when its last path segment is `outer` (`Result<A, B>` → `[A, B]`).
pub(crate) fn type_arguments<'a>(ty: &'a syn::Type, outer: &str) -> Option<Vec<&'a syn::Type>> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != outer {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
    )
}

/// What a generated `send()` resolves to: its return type, or the `Output` of the
/// `impl Future<Output = …>` it returns once handed to the runner (`send_runner.rs`).
pub(crate) fn send_output(sig: &syn::Signature) -> Option<&syn::Type> {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    let syn::Type::ImplTrait(imp) = ty.as_ref() else {
        return Some(ty);
    };
    imp.bounds.iter().find_map(|bound| {
        let syn::TypeParamBound::Trait(t) = bound else {
            return None;
        };
        let last = t.path.segments.last()?;
        if last.ident != "Future" {
            return None;
        }
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        args.args.iter().find_map(|a| match a {
            syn::GenericArgument::AssocType(assoc) if assoc.ident == "Output" => Some(&assoc.ty),
            _ => None,
        })
    })
}

/// The paths of a `#[derive(...)]` attribute; `None` for any other attribute.
fn derive_paths(attr: &syn::Attribute) -> Option<Punctuated<syn::Path, Token![,]>> {
    if !attr.path().is_ident("derive") {
        return None;
    }
    attr.parse_args_with(Punctuated::parse_terminated).ok()
}

/// Whether a derive's last path segment is `name` (`::serde::Deserialize` is `Deserialize`).
fn is_derive(path: &syn::Path, name: &str) -> bool {
    path.segments.last().is_some_and(|s| s.ident == name)
}

/// Whether `attrs` derive `name` (`Deserialize`, `JsonSchema`).
pub(crate) fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs
        .iter()
        .filter_map(derive_paths)
        .any(|paths| paths.iter().any(|p| is_derive(p, name)))
}

/// Drops the derive named `name` (`Deserialize`, `Copy`) from the `#[derive(...)]` list;
/// false when it was not there.
pub(crate) fn remove_derive(attrs: &mut [syn::Attribute], name: &str) -> bool {
    for attr in attrs.iter_mut() {
        let Some(paths) = derive_paths(attr) else {
            continue;
        };
        if !paths.iter().any(|p| is_derive(p, name)) {
            continue;
        }
        let kept = paths.iter().filter(|p| !is_derive(p, name));
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        return true;
    }
    false
}
