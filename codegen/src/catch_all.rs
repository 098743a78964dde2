//! Catch-all variants for the enums and untagged unions that occur in answers.
//!
//! A client generated last month must keep decoding what Cal.com sends today, and Cal.com
//! adds enum values and `oneOf` branches to answers all the time. This rewrite of the
//! generated code walks the Rust types reachable from every operation's answer type and:
//!
//! - gives each string enum an `Unknown(calcom::UnknownValue)` variant that keeps the raw
//!   value: `#[non_exhaustive]`, a hand-written `Deserialize` (`calcom::catch_all::deserialize_enum`),
//!   `Serialize` of the raw value (`#[serde(untagged)]` variant), `Display` of the raw
//!   value; `FromStr`/`TryFrom` still accept only documented values, so a request cannot
//!   carry an undocumented one by accident; `Copy` goes (the raw value is a string);
//! - gives each untagged union an `Unknown(calcom::UnknownJson)` variant that keeps the
//!   raw JSON when no branch matches. Branches are tried strictly first (serde's derived
//!   untagged decoding, with `calcom::catch_all::strict` on each branch, so an open enum
//!   never makes a wrong branch match), then with multi-valued enums open, then the raw
//!   JSON is kept (`calcom::catch_all::fallback`). Key-aware unions
//!   ([`crate::unions`]) get the same through `calcom::unions::decode_untagged_or`.
//!
//! Untagged unions outside answers that contain an opened enum get the strict attempts
//! too, without a catch-all. The catch-all variants are `#[schemars(skip)]`: the JSON
//! Schema stays the document's.

use std::collections::{HashMap, HashSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use syn::visit_mut::VisitMut;
use syn::{Fields, Item};

use crate::syn_items::{derives, last_segment, module_mut, remove_derive};
use crate::type_graph::{reach, referenced_names, type_graph};
use crate::unions::{is_untagged, serde_words};

/// What the rewrite did, by Rust type name.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CatchAlls {
    /// String enums that got `Unknown(UnknownValue)`.
    pub enums: Vec<String>,
    /// Untagged unions that got `Unknown(UnknownJson)`.
    pub unions: Vec<String>,
    /// Untagged unions outside answers whose branches are now tried strictly.
    pub strict_unions: Vec<String>,
}

impl CatchAlls {
    /// One line per type for the generator's report: `enum Name`, `union Name`,
    /// `strict union Name`.
    pub fn describe(&self) -> Vec<String> {
        let tagged = |kind: &str, names: &[String]| {
            names
                .iter()
                .map(|n| format!("{kind} {n}"))
                .collect::<Vec<_>>()
        };
        [
            tagged("enum", &self.enums),
            tagged("union", &self.unions),
            tagged("strict union", &self.strict_unions),
        ]
        .concat()
    }
}

/// Rewrites the answer enums and unions of the `types` module of `client`.
pub fn open_answer_types(client: &mut syn::File) -> CatchAlls {
    let roots: Vec<String> = crate::emit::operation_registry::response_types(client)
        .values()
        .flat_map(referenced_names)
        .collect();
    let Some(types) = module_mut(&mut client.items, "types") else {
        return CatchAlls::default();
    };
    let edges = type_graph(types);
    let in_answers = reach(&edges, roots.iter().cloned());
    let schemars = types.iter().any(|item| match item {
        Item::Struct(s) => derives(&s.attrs, "JsonSchema"),
        Item::Enum(e) => derives(&e.attrs, "JsonSchema"),
        _ => false,
    });

    let mut done = CatchAlls::default();
    let mut extra: Vec<Item> = Vec::new();
    let mut opened_names: Vec<(String, Ident)> = Vec::new();
    for item in types.iter_mut() {
        let Item::Enum(e) = item else { continue };
        let name = e.ident.to_string();
        if in_answers.contains(&name) && string_enum(e).is_some() {
            opened_names.push((name.clone(), catch_all_name(e)));
            extra.push(open_enum(e, schemars));
            done.enums.push(name);
        }
    }
    let opened: HashMap<String, Ident> = opened_names.into_iter().collect();
    let key_aware = key_aware_unions(types);
    let mut key_aware_unknown: HashMap<String, Ident> = HashMap::new();
    for item in types.iter_mut() {
        let Item::Enum(e) = item else { continue };
        let name = e.ident.to_string();
        let Some(branches) = union_branches(e) else {
            continue;
        };
        let answer = in_answers.contains(&name);
        if key_aware.contains(&name) {
            if answer {
                let unknown = add_unknown_variant(e, schemars);
                key_aware_unknown.insert(name.clone(), unknown);
                done.unions.push(name);
            }
            continue;
        }
        let reaches_open = reach(
            &edges,
            branches.iter().flat_map(|(_, ty)| referenced_names(ty)),
        )
        .iter()
        .any(|n| opened.contains_key(n));
        if !answer && !reaches_open {
            continue;
        }
        if !remove_derive(&mut e.attrs, "Deserialize") {
            continue;
        }
        let unknown = if answer {
            done.unions.push(name.clone());
            Some(add_unknown_variant(e, schemars))
        } else {
            done.strict_unions.push(name.clone());
            None
        };
        extra.push(strict_union(&e.ident, &branches, unknown.as_ref()));
    }
    // Key-aware unions already have a hand-written `Deserialize`: give it the catch-all.
    for item in types.iter_mut() {
        if let Item::Impl(block) = item {
            let Some(name) = last_segment(&block.self_ty) else {
                continue;
            };
            if let Some(unknown) = key_aware_unknown.get(&name) {
                OpenKeyAware(unknown.clone()).visit_item_impl_mut(block);
            }
        }
    }
    // Display writes an unknown value as it came.
    for item in types.iter_mut() {
        if let Item::Impl(block) = item {
            let is_display = block
                .trait_
                .as_ref()
                .and_then(|(_, path, _)| path.segments.last())
                .is_some_and(|s| s.ident == "Display");
            let catch_all = last_segment(&block.self_ty).and_then(|n| opened.get(&n).cloned());
            if let (true, Some(unknown)) = (is_display, catch_all) {
                DisplayUnknown(unknown).visit_item_impl_mut(block);
            }
        }
    }
    types.extend(extra);
    done
}

/// The (variant, JSON value) pairs of an enum whose variants are all unit variants and
/// that derives serde's externally tagged `Deserialize`.
fn string_enum(e: &syn::ItemEnum) -> Option<Vec<(Ident, String)>> {
    if !derives(&e.attrs, "Deserialize")
        || serde_words(&e.attrs)
            .iter()
            .any(|(k, _)| matches!(k.as_str(), "untagged" | "tag" | "content"))
    {
        return None;
    }
    e.variants
        .iter()
        .map(|v| {
            if !matches!(v.fields, Fields::Unit) {
                return None;
            }
            let renamed =
                serde_words(&v.attrs)
                    .into_iter()
                    .find_map(|(k, v)| if k == "rename" { v } else { None });
            Some((
                v.ident.clone(),
                renamed.unwrap_or_else(|| v.ident.to_string()),
            ))
        })
        .collect::<Option<Vec<_>>>()
        .filter(|values| !values.is_empty())
}

/// Adds the catch-all to a string enum and returns its `Deserialize`.
fn open_enum(e: &mut syn::ItemEnum, schemars: bool) -> Item {
    let values = string_enum(e).unwrap_or_default();
    remove_derive(&mut e.attrs, "Deserialize");
    remove_derive(&mut e.attrs, "Copy");
    e.attrs.push(syn::parse_quote!(#[non_exhaustive]));
    let skip = schemars_skip(schemars);
    let unknown = catch_all_name(e);
    e.variants.push(syn::parse_quote! {
        /// A value the document did not list (yet), as Cal.com sent it.
        #[serde(untagged)]
        #skip
        #unknown(::calcom::UnknownValue)
    });
    let name = &e.ident;
    let texts: Vec<&String> = values.iter().map(|(_, t)| t).collect();
    let arms = values
        .iter()
        .map(|(variant, text)| quote! { #text => Some(Self::#variant), });
    syn::parse_quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                ::calcom::catch_all::deserialize_enum(
                    deserializer,
                    &[#(#texts),*],
                    |value| match value {
                        #(#arms)*
                        _ => None,
                    },
                    Self::#unknown,
                )
            }
        }
    }
}

/// The catch-all's name: `Unknown`, or `Undocumented` when the document itself lists an
/// `unknown` value (Cal.com's location types do).
fn catch_all_name(e: &syn::ItemEnum) -> Ident {
    let taken = |name: &str| e.variants.iter().any(|v| v.ident == name);
    let name = ["Unknown", "Undocumented", "UnknownValue"]
        .into_iter()
        .find(|n| !taken(n))
        .unwrap_or("CalcomUnknown");
    Ident::new(name, Span::call_site())
}

fn schemars_skip(schemars: bool) -> TokenStream {
    if schemars {
        quote!(#[schemars(skip)])
    } else {
        quote!()
    }
}

/// The (variant, type) of every variant of an untagged union of newtype variants.
fn union_branches(e: &syn::ItemEnum) -> Option<Vec<(Ident, syn::Type)>> {
    if !is_untagged(&e.attrs) {
        return None;
    }
    e.variants
        .iter()
        .map(|v| match &v.fields {
            Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                Some((v.ident.clone(), f.unnamed[0].ty.clone()))
            }
            _ => None,
        })
        .collect::<Option<Vec<_>>>()
        .filter(|b| !b.is_empty())
}

/// Adds the catch-all variant to a union; returns its name.
fn add_unknown_variant(e: &mut syn::ItemEnum, schemars: bool) -> Ident {
    let skip = schemars_skip(schemars);
    let unknown = catch_all_name(e);
    e.attrs.push(syn::parse_quote!(#[non_exhaustive]));
    e.variants.push(syn::parse_quote! {
        /// An answer that matched none of the documented branches, as Cal.com sent it.
        #skip
        #unknown(::calcom::UnknownJson)
    });
    unknown
}

/// `Deserialize` for an untagged union: serde's derived untagged decoding over a private
/// copy of the union whose branches decode strictly and whose last branch keeps the raw
/// JSON for `calcom::catch_all::fallback`.
fn strict_union(name: &Ident, branches: &[(Ident, syn::Type)], catch_all: Option<&Ident>) -> Item {
    let label = name.to_string();
    let attempts = branches.iter().map(|(variant, ty)| {
        quote! { #variant(#[serde(deserialize_with = "::calcom::catch_all::strict")] #ty), }
    });
    let taken = branches
        .iter()
        .map(|(variant, _)| quote! { Attempt::#variant(value) => Ok(Self::#variant(value)), });
    let retries = branches.iter().map(|(variant, ty)| {
        quote! {
            |value: &::serde_json::Value| {
                <#ty as ::serde::Deserialize>::deserialize(value).map(#name::#variant)
            }
        }
    });
    let unknown = match catch_all {
        Some(variant) => quote!(Some(Self::#variant)),
        None => quote!(None),
    };
    let raw = Ident::new("__Raw", Span::call_site());
    syn::parse_quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                #[derive(::serde::Deserialize)]
                #[serde(untagged)]
                enum Attempt {
                    #(#attempts)*
                    #raw(::serde_json::Value),
                }
                match <Attempt as ::serde::Deserialize>::deserialize(deserializer)? {
                    #(#taken)*
                    Attempt::#raw(raw) => {
                        let branches: &[::calcom::catch_all::Branch<Self>] = &[#(#retries),*];
                        ::calcom::catch_all::fallback(raw, #label, branches, #unknown)
                    }
                }
            }
        }
    }
}

/// Unions whose `Deserialize` [`crate::unions`] already wrote by hand.
fn key_aware_unions(items: &[Item]) -> HashSet<String> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(block) => {
                let is_deserialize = block
                    .trait_
                    .as_ref()
                    .and_then(|(_, path, _)| path.segments.last())
                    .is_some_and(|s| s.ident == "Deserialize");
                let mut calls = FindsKeyAware(false);
                calls.visit_item_impl_mut(&mut block.clone());
                (is_deserialize && calls.0).then(|| last_segment(&block.self_ty))?
            }
            _ => None,
        })
        .collect()
}

struct FindsKeyAware(bool);

impl VisitMut for FindsKeyAware {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        if is_decode_untagged(&call.func) {
            self.0 = true;
        }
        syn::visit_mut::visit_expr_call_mut(self, call);
    }
}

fn is_decode_untagged(func: &syn::Expr) -> bool {
    matches!(func, syn::Expr::Path(p)
        if p.path.segments.last().is_some_and(|s| s.ident == "decode_untagged"))
}

/// `calcom::unions::decode_untagged(d, name, variants)` becomes
/// `calcom::unions::decode_untagged_or(d, name, variants, Some(Self::Unknown))`.
struct OpenKeyAware(Ident);

impl VisitMut for OpenKeyAware {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        if is_decode_untagged(&call.func) {
            if let syn::Expr::Path(p) = call.func.as_mut() {
                if let Some(last) = p.path.segments.last_mut() {
                    last.ident = Ident::new("decode_untagged_or", Span::call_site());
                }
            }
            let unknown = &self.0;
            call.args.push(syn::parse_quote!(Some(Self::#unknown)));
        }
        syn::visit_mut::visit_expr_call_mut(self, call);
    }
}

/// Adds `Self::Unknown(ref value) => f.write_str(value.as_str())` to `Display`'s match.
struct DisplayUnknown(Ident);

impl VisitMut for DisplayUnknown {
    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        let unknown = &self.0;
        m.arms.push(syn::parse_quote! {
            Self::#unknown(ref value) => f.write_str(value.as_str()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn client() -> syn::File {
        syn::parse_quote! {
            impl Client {
                pub fn get_booking(&self) -> builder::GetBooking<'_> { todo!() }
            }
            pub mod builder {
                impl<'a> GetBooking<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Output>, Error<()>> { todo!() }
                }
            }
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
                pub struct Output {
                    pub status: Status,
                    pub item: ::std::vec::Vec<Item>,
                    pub location: LocationType,
                }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, PartialEq)]
                pub enum Status {
                    #[serde(rename = "accepted")]
                    Accepted,
                    #[serde(rename = "pending")]
                    Pending,
                }
                impl ::std::fmt::Display for Status {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match *self {
                            Self::Accepted => f.write_str("accepted"),
                            Self::Pending => f.write_str("pending"),
                        }
                    }
                }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
                #[serde(untagged)]
                pub enum Item {
                    Text(::std::string::String),
                    Number(f64),
                }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, PartialEq)]
                pub enum LocationType {
                    #[serde(rename = "unknown")]
                    Unknown,
                }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, PartialEq)]
                pub enum RequestOnly {
                    #[serde(rename = "a")]
                    A,
                }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
                #[serde(untagged)]
                pub enum RequestUnion {
                    Status(Status),
                    Other(::std::string::String),
                }
            }
        }
    }

    #[test]
    fn opens_answer_enums_and_unions_only() {
        let mut file = client();
        let done = open_answer_types(&mut file);
        assert_eq!(done.enums, ["Status", "LocationType"]);
        assert_eq!(done.unions, ["Item"]);
        assert_eq!(done.strict_unions, ["RequestUnion"]);
        let src = file.to_token_stream().to_string();
        assert!(
            src.contains("# [derive (:: serde :: Serialize , Clone , Debug , PartialEq)] # [non_exhaustive] pub enum Status"),
            "{src}"
        );
        assert!(
            src.contains("# [serde (untagged)] Unknown (:: calcom :: UnknownValue)"),
            "{src}"
        );
        assert!(
            src.contains("& [\"accepted\" , \"pending\"]")
                && src.contains("\"pending\" => Some (Self :: Pending)"),
            "{src}"
        );
        assert!(
            src.contains("Self :: Unknown (ref value) => f . write_str (value . as_str ())"),
            "{src}"
        );
        assert!(src.contains("Unknown (:: calcom :: UnknownJson)"), "{src}");
        assert!(
            src.contains("deserialize_with = \"::calcom::catch_all::strict\""),
            "{src}"
        );
        assert!(
            src.contains(":: calcom :: catch_all :: fallback (raw , \"Item\" , branches , Some (Self :: Unknown))"),
            "{src}"
        );
        assert!(
            src.contains(
                ":: calcom :: catch_all :: fallback (raw , \"RequestUnion\" , branches , None)"
            ),
            "{src}"
        );
        // A request-only enum keeps its derive and gets no catch-all.
        assert!(
            src.contains("# [derive (:: serde :: Deserialize , :: serde :: Serialize , Clone , Copy , Debug , PartialEq)] pub enum RequestOnly"),
            "{src}"
        );
        assert!(
            !src.contains("schemars"),
            "no schemars without its derive: {src}"
        );
    }

    #[test]
    fn key_aware_unions_get_the_catch_all_in_their_decoder() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub fn get(&self) -> builder::Get<'_> { todo!() }
            }
            pub mod builder {
                impl<'a> Get<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Limits>, Error<()>> { todo!() }
                }
            }
            pub mod types {
                #[derive(::serde::Serialize, Clone, Debug)]
                #[serde(untagged)]
                pub enum Limits { Base(Base), Disabled(Disabled) }
                impl<'de> ::serde::Deserialize<'de> for Limits {
                    fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                    where D: ::serde::Deserializer<'de> {
                        let variants: &[calcom::unions::Variant<Self>] = &[];
                        calcom::unions::decode_untagged(deserializer, "Limits", variants)
                    }
                }
                pub struct Base { pub day: Option<f64> }
                pub struct Disabled { pub disabled: bool }
            }
        };
        let done = open_answer_types(&mut file);
        assert_eq!(done.unions, ["Limits"]);
        let src = file.to_token_stream().to_string();
        assert!(
            src.contains("calcom :: unions :: decode_untagged_or (deserializer , \"Limits\" , variants , Some (Self :: Unknown))"),
            "{src}"
        );
        assert!(src.contains("Unknown (:: calcom :: UnknownJson)"), "{src}");
    }
}
