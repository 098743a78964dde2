//! Identical generated types compiled once.
//!
//! Cal.com's document repeats the same inline schema under many names: every answer has its
//! own `{"enum": ["success", "error"]}` status (118 of them in the 2025-09-26 document), the
//! workflow steps their own copies of `action`, `recipient` and `template`, the event-type
//! inputs their own `bookingLimitsCount`. typify writes a type for each, with its derives,
//! serde impls, conversions and builder: about a quarter of the code rustc expands, for
//! types that differ only by name.
//!
//! This rewrite keeps the first type of each group of identical ones and turns the others
//! into aliases of it (`pub type CancelBookingOutput20240813Status =
//! AssignOptionUserOutputStatus;`), so every public name still works, variants included
//! (`CancelBookingOutput20240813Status::Success`), and the code is compiled once.
//!
//! Two types are identical when everything generated for them (the definition, every impl
//! whose self type they are, their builder) is the same once their own name is set aside
//! and docs are left out; types already merged count as their kept type, so parents whose
//! fields differ only by such names merge in a later round. A merge is not made when it
//! would give one type two impls of the same trait (two `From` conversions into one union
//! from what would become the same type): the generated code would not compile.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use proc_macro2::{Ident, Span};
use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::Item;

use crate::syn_items::{identifiers, last_segment, module, module_mut};

/// What the rewrite did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Merged {
    /// Each kept type with the names that became its aliases, in the order generated.
    pub groups: Vec<(String, Vec<String>)>,
    /// Names that were identical to another type but stayed apart, because merging them
    /// would have given a type two impls of one trait.
    pub kept_apart: Vec<String>,
}

impl Merged {
    /// How many types became aliases.
    pub fn aliases(&self) -> usize {
        self.groups.iter().map(|(_, names)| names.len()).sum()
    }
}

/// The placeholder a type's own name becomes in its fingerprint.
const SELF_NAME: &str = "__CalcomSelfType";

/// Merges the identical types of the `types` module of `client` (and their builders).
pub fn merge_identical_types(client: &mut syn::File) -> Merged {
    let Some(types) = module(&client.items, "types") else {
        return Merged::default();
    };
    // Collected once: the retries below only set more names apart.
    let candidates = Candidates::of(types);
    let mut blocked: HashSet<String> = HashSet::new();
    let aliases = loop {
        let aliases = candidates.aliases(&blocked);
        let conflicts = conflicting_names(&client.items, &aliases);
        if conflicts.is_empty() {
            break aliases;
        }
        blocked.extend(conflicts);
    };
    if let Some(types) = module_mut(&mut client.items, "types") {
        apply(types, &aliases);
    }
    // In the module's order (a HashMap's order changed from one build's report to the next).
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for alias in &candidates.names {
        if let Some(kept) = aliases.get(alias) {
            groups.entry(kept.clone()).or_default().push(alias.clone());
        }
    }
    let mut kept_apart: Vec<String> = blocked.into_iter().collect();
    kept_apart.sort();
    Merged {
        groups: groups.into_iter().collect(),
        kept_apart,
    }
}

/// The types that could merge, in the order of the module, with everything generated for
/// each (its items in `types` and `types::builder`).
struct Candidates {
    names: Vec<String>,
    owned: HashMap<String, Vec<Item>>,
    /// Each candidate's fingerprint before any merge, with the names it mentions: the same
    /// on every retry, so computed once (fingerprinting is most of this pass's time).
    first_prints: HashMap<String, Rc<Print>>,
}

/// A fingerprint and the identifiers in it.
type Print = (String, HashSet<String>);

impl Candidates {
    fn of(types: &[Item]) -> Self {
        let names = candidate_names(types);
        let name_set: HashSet<&String> = names.iter().collect();
        let mut owned: HashMap<String, Vec<Item>> = HashMap::new();
        let builders = module(types, "builder").unwrap_or_default();
        for item in types.iter().chain(builders) {
            if let Some(name) = owner(item).filter(|n| name_set.contains(n)) {
                owned.entry(name).or_default().push(item.clone());
            }
        }
        let no_aliases = HashMap::new();
        let first_prints = names
            .iter()
            .map(|name| {
                let print = fingerprint(name, &owned[name], &no_aliases);
                let mentioned = identifiers(&print);
                (name.clone(), Rc::new((print, mentioned)))
            })
            .collect();
        Self {
            names,
            owned,
            first_prints,
        }
    }

    /// Every alias to make, resolved to the type it stands for (never to another alias),
    /// leaving the `blocked` names apart.
    fn aliases(&self, blocked: &HashSet<String>) -> HashMap<String, String> {
        let Self {
            names,
            owned,
            first_prints,
        } = self;
        let names = names.as_slice();
        let mut aliases: HashMap<String, String> = HashMap::new();
        // A fingerprint changes only when a name it mentions was merged in the round before.
        let mut prints: HashMap<&String, Rc<Print>> = first_prints
            .iter()
            .map(|(name, print)| (name, Rc::clone(print)))
            .collect();
        let mut merged_last_round: HashSet<String> = HashSet::new();
        loop {
            let mut first_of: HashMap<&String, &String> = HashMap::new();
            let mut merged_now = Vec::new();
            for name in names {
                if aliases.contains_key(name) || blocked.contains(name) {
                    continue;
                }
                let stale = prints
                    .get(name)
                    .is_none_or(|print| !print.1.is_disjoint(&merged_last_round));
                if stale {
                    let print = fingerprint(name, &owned[name], &aliases);
                    let mentioned: HashSet<String> = identifiers(&print);
                    prints.insert(name, Rc::new((print, mentioned)));
                }
            }
            for name in names {
                let Some(entry) = prints.get(name) else {
                    continue;
                };
                let print = &entry.0;
                if aliases.contains_key(name) || blocked.contains(name) {
                    continue;
                }
                match first_of.get(print) {
                    Some(kept) => merged_now.push((name.clone(), (*kept).clone())),
                    None => {
                        first_of.insert(print, name);
                    }
                }
            }
            if merged_now.is_empty() {
                break;
            }
            merged_last_round = merged_now.iter().map(|(alias, _)| alias.clone()).collect();
            aliases.extend(merged_now);
            // A type kept in an earlier round may have merged into another in this one.
            let snapshot = aliases.clone();
            for kept in aliases.values_mut() {
                while let Some(next) = snapshot.get(kept.as_str()) {
                    *kept = next.clone();
                }
            }
        }
        aliases
    }
}

/// The generated structs and enums that could be identical to another, in the order of the
/// module: those whose field or variant names another shares. (Fingerprinting every type
/// costs about a second in the build script, which runs unoptimised; most types are unique
/// by their names alone.)
fn candidate_names(types: &[Item]) -> Vec<String> {
    let shaped: Vec<(String, String)> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some((s.ident.to_string(), shape(&s.fields))),
            Item::Enum(e) => Some((
                e.ident.to_string(),
                e.variants
                    .iter()
                    .map(|v| format!("{}{}", v.ident, shape(&v.fields)))
                    .collect::<Vec<_>>()
                    .join("|"),
            )),
            _ => None,
        })
        .collect();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for (_, key) in &shaped {
        *count.entry(key).or_default() += 1;
    }
    shaped
        .iter()
        .filter(|(_, key)| count[key.as_str()] > 1)
        .map(|(name, _)| name.clone())
        .collect()
}

/// The field names of a struct or variant (their count, for tuple fields).
fn shape(fields: &syn::Fields) -> String {
    let names: Vec<String> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| f.ident.as_ref().map_or(i.to_string(), |n| n.to_string()))
        .collect();
    format!("({})", names.join(","))
}

/// The name an item belongs to: the type it defines, or the self type of an impl.
fn owner(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        Item::Type(t) => Some(t.ident.to_string()),
        Item::Impl(block) => last_segment(&block.self_ty),
        _ => None,
    }
}

/// Everything generated for `name`, as text: its own name set aside, docs left out, merged
/// types written as the type they stand for.
fn fingerprint(name: &str, items: &[Item], aliases: &HashMap<String, String>) -> String {
    let mut rename = Rename {
        own: Some(name),
        aliases,
    };
    let mut text = String::new();
    for item in items {
        let mut item = item.clone();
        rename.visit_item_mut(&mut item);
        text.push_str(&item.to_token_stream().to_string());
        text.push('\n');
    }
    text
}

/// Renames type names where they stand for a type: a path's first segment, or one after a
/// module (`types::X`, `super::X`, `builder::X`), but not a variant (`Self::X`, `Enum::X`);
/// and a struct or enum's own name. Drops doc attributes (for fingerprints only).
struct Rename<'a> {
    /// The type whose fingerprint this is: its name becomes [`SELF_NAME`].
    own: Option<&'a str>,
    aliases: &'a HashMap<String, String>,
}

impl Rename<'_> {
    /// A struct or enum's own attributes and name.
    fn definition(&self, attrs: &mut Vec<syn::Attribute>, ident: &mut Ident) {
        without_docs(attrs);
        if let Some(new) = self.renamed(ident) {
            *ident = new;
        }
    }

    fn renamed(&self, ident: &Ident) -> Option<Ident> {
        let text = ident.to_string();
        if self.own == Some(text.as_str()) {
            return Some(Ident::new(SELF_NAME, Span::call_site()));
        }
        self.aliases
            .get(&text)
            .map(|kept| Ident::new(kept, Span::call_site()))
    }
}

fn without_docs(attrs: &mut Vec<syn::Attribute>) {
    attrs.retain(|a| !a.path().is_ident("doc"));
}

impl VisitMut for Rename<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let mut after_module = true;
        for segment in path.segments.iter_mut() {
            let module = segment
                .ident
                .to_string()
                .starts_with(|c: char| c.is_ascii_lowercase());
            if after_module {
                if let Some(new) = self.renamed(&segment.ident) {
                    segment.ident = new;
                }
            }
            after_module = module;
        }
        syn::visit_mut::visit_path_mut(self, path);
    }

    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        self.definition(&mut item.attrs, &mut item.ident);
        syn::visit_mut::visit_item_struct_mut(self, item);
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        self.definition(&mut item.attrs, &mut item.ident);
        syn::visit_mut::visit_item_enum_mut(self, item);
    }

    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        without_docs(&mut item.attrs);
        syn::visit_mut::visit_item_impl_mut(self, item);
    }

    fn visit_impl_item_fn_mut(&mut self, item: &mut syn::ImplItemFn) {
        without_docs(&mut item.attrs);
        syn::visit_mut::visit_impl_item_fn_mut(self, item);
    }

    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        without_docs(&mut field.attrs);
        syn::visit_mut::visit_field_mut(self, field);
    }

    fn visit_variant_mut(&mut self, variant: &mut syn::Variant) {
        without_docs(&mut variant.attrs);
        syn::visit_mut::visit_variant_mut(self, variant);
    }
}

/// Aliases named in the header of a trait impl that the merge would turn into a second
/// impl of the same trait for the same type (`From<A> for U` and `From<B> for U`, B
/// merging into A).
fn conflicting_names(items: &[Item], aliases: &HashMap<String, String>) -> HashSet<String> {
    let mut headers: HashMap<String, Vec<String>> = HashMap::new();
    walk_impls(
        items,
        &[],
        &mut |block: &syn::ItemImpl, modules: &[String]| {
            let Some((_, trait_path, _)) = &block.trait_ else {
                return;
            };
            // `apply` removes an alias's impls from `types` and `types::builder` (the kept type
            // has the same ones); an impl for it anywhere else stays, and counts.
            let removed_with_alias = match modules {
                [types] => types == "types",
                [types, builder] => types == "types" && builder == "builder",
                _ => false,
            };
            if removed_with_alias
                && last_segment(&block.self_ty).is_some_and(|n| aliases.contains_key(&n))
            {
                return;
            }
            let (mut generics, mut trait_path, mut self_ty) = (
                block.generics.clone(),
                trait_path.clone(),
                (*block.self_ty).clone(),
            );
            let original = header_text(&generics, &trait_path, &self_ty);
            let mut rename = Rename { own: None, aliases };
            rename.visit_generics_mut(&mut generics);
            rename.visit_path_mut(&mut trait_path);
            rename.visit_type_mut(&mut self_ty);
            headers
                .entry(header_text(&generics, &trait_path, &self_ty))
                .or_default()
                .push(original);
        },
    );
    let mut names = HashSet::new();
    for originals in headers.values().filter(|o| o.len() > 1) {
        for original in originals {
            names.extend(
                identifiers::<Vec<String>>(original)
                    .into_iter()
                    .filter(|name| aliases.contains_key(name)),
            );
        }
    }
    names
}

fn header_text(generics: &syn::Generics, trait_path: &syn::Path, self_ty: &syn::Type) -> String {
    format!(
        "{} {} for {}",
        generics.to_token_stream(),
        trait_path.to_token_stream(),
        self_ty.to_token_stream()
    )
}

/// Every impl block in `items`, through inline modules, with the path of modules it is in.
fn walk_impls(
    items: &[Item],
    modules: &[String],
    visit: &mut impl FnMut(&syn::ItemImpl, &[String]),
) {
    for item in items {
        match item {
            Item::Impl(block) => visit(block, modules),
            Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    let mut path = modules.to_vec();
                    path.push(m.ident.to_string());
                    walk_impls(inner, &path, visit);
                }
            }
            _ => {}
        }
    }
}

/// Replaces each alias's definition with `pub type Alias = Kept;` (in `types` and, when it
/// has a builder, in `types::builder`) and removes its impls.
fn apply(types: &mut Vec<Item>, aliases: &HashMap<String, String>) {
    replace_in(types, aliases, true);
    if let Some(builders) = module_mut(types, "builder") {
        replace_in(builders, aliases, false);
    }
}

fn replace_in(items: &mut Vec<Item>, aliases: &HashMap<String, String>, with_note: bool) {
    let mut out = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        let Some(kept) = owner(&item).and_then(|n| aliases.get(&n)) else {
            out.push(item);
            continue;
        };
        let (attrs, ident, vis) = match &item {
            Item::Struct(s) => (&s.attrs, &s.ident, &s.vis),
            Item::Enum(e) => (&e.attrs, &e.ident, &e.vis),
            _ => continue, // an impl of the alias: the kept type has the same one
        };
        let docs: Vec<&syn::Attribute> =
            attrs.iter().filter(|a| a.path().is_ident("doc")).collect();
        let kept = Ident::new(kept, Span::call_site());
        let note = with_note.then(|| {
            format!(
                " The same type as [`{kept}`]: the document describes both identically, so it is compiled once."
            )
        });
        let note = note.map(|n| quote::quote! { #[doc = ""] #[doc = #n] });
        out.push(syn::parse_quote! {
            #(#docs)*
            #note
            #vis type #ident = #kept;
        });
    }
    *items = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged(source: syn::File) -> (Merged, String) {
        let mut file = source;
        let merged = merge_identical_types(&mut file);
        (merged, prettyplease::unparse(&file))
    }

    #[test]
    fn identical_enums_become_aliases_of_the_first() {
        let (merged, text) = merged(syn::parse_quote! {
            pub mod types {
                ///`AStatus`
                #[derive(Clone, Debug)]
                pub enum AStatus { #[serde(rename = "success")] Success, Error }
                impl ::std::fmt::Display for AStatus {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match *self { Self::Success => f.write_str("success"), Self::Error => f.write_str("error") }
                    }
                }
                ///`BStatus`
                #[derive(Clone, Debug)]
                pub enum BStatus { #[serde(rename = "success")] Success, Error }
                impl ::std::fmt::Display for BStatus {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match *self { Self::Success => f.write_str("success"), Self::Error => f.write_str("error") }
                    }
                }
                #[derive(Clone, Debug)]
                pub enum CStatus { Success, Failure }
            }
        });
        assert_eq!(
            merged.groups,
            vec![("AStatus".into(), vec!["BStatus".into()])]
        );
        assert!(text.contains("pub type BStatus = AStatus;"), "{text}");
        assert!(
            text.contains("///`BStatus`"),
            "the alias keeps its docs: {text}"
        );
        assert_eq!(
            text.matches("impl ::std::fmt::Display").count(),
            1,
            "{text}"
        );
        assert!(text.contains("pub enum CStatus"), "{text}");
    }

    #[test]
    fn parents_merge_once_their_fields_have() {
        let (merged, text) = merged(syn::parse_quote! {
            pub mod types {
                pub struct Outer1 { pub status: Status1, pub n: i64 }
                pub struct Outer2 { pub status: Status2, pub n: i64 }
                pub enum Status1 { Success }
                pub enum Status2 { Success }
                pub mod builder {
                    pub struct Outer1 { status: Result<super::Status1, String> }
                    pub struct Outer2 { status: Result<super::Status2, String> }
                    impl ::std::convert::TryFrom<Outer1> for super::Outer1 { type Error = String; }
                    impl ::std::convert::TryFrom<Outer2> for super::Outer2 { type Error = String; }
                }
            }
        });
        assert_eq!(merged.aliases(), 2, "{merged:?}");
        assert!(text.contains("pub type Outer2 = Outer1;"), "{text}");
        assert!(text.contains("pub type Status2 = Status1;"), "{text}");
        assert_eq!(text.matches("TryFrom<Outer").count(), 1, "{text}");
        assert_eq!(
            text.matches("pub type Outer2 = Outer1;").count(),
            2,
            "types and builder: {text}"
        );
    }

    #[test]
    fn a_variant_named_like_a_type_is_not_renamed() {
        // U2's variant is called A2, U1's A: merging A2 into A must not merge the unions,
        // whose variants users name.
        let (merged, text) = merged(syn::parse_quote! {
            pub mod types {
                pub struct A { pub n: i64 }
                pub struct A2 { pub n: i64 }
                pub enum U1 { A(A) }
                pub enum U2 { A2(A2) }
            }
        });
        assert_eq!(merged.groups, vec![("A".into(), vec!["A2".into()])]);
        assert!(text.contains("pub enum U2"), "{text}");
    }

    #[test]
    fn a_merge_that_would_duplicate_an_impl_is_not_made() {
        let (merged, text) = merged(syn::parse_quote! {
            pub mod types {
                pub struct A { pub n: i64 }
                pub struct B { pub n: i64 }
                pub enum U { A(A), B(B) }
                impl ::std::convert::From<A> for U { fn from(value: A) -> Self { Self::A(value) } }
                impl ::std::convert::From<B> for U { fn from(value: B) -> Self { Self::B(value) } }
            }
        });
        assert_eq!(merged.aliases(), 0, "{merged:?}");
        assert_eq!(merged.kept_apart, vec!["B".to_string()]);
        assert!(text.contains("pub struct B"), "{text}");
    }

    #[test]
    fn an_impl_outside_the_types_module_counts() {
        // Both have an impl of the same trait outside `types`, which the merge would not
        // remove: merging would make them two impls for one type.
        let (merged, _) = merged(syn::parse_quote! {
            pub mod types {
                pub struct A { pub n: i64 }
                pub struct B { pub n: i64 }
            }
            impl Paged for types::A {}
            impl Paged for types::B {}
        });
        assert_eq!(merged.aliases(), 0, "{merged:?}");
        assert_eq!(merged.kept_apart, vec!["B".to_string()]);
    }

    #[test]
    fn types_that_differ_are_left_alone() {
        let (merged, _) = merged(syn::parse_quote! {
            pub mod types {
                pub struct A { pub n: i64 }
                pub struct B { pub n: u64 }
                #[derive(Clone)]
                pub struct C { pub n: i64 }
            }
        });
        assert_eq!(merged.aliases(), 0, "{merged:?}");
    }
}
