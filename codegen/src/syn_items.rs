//! Lookups in the generated `syn::File` that every rewrite and writer of it needs.

use syn::Item;

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

/// The last path segment of a type (`types::Output` → `Output`); `None` for other types.
pub(crate) fn last_segment(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
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
