//! The generated structs decode through a `Deserialize` impl written here instead of
//! serde's derive, because that derive is most of what the crate costs to compile.
//!
//! For every struct, serde's derive writes a field-name enum with its own `Deserialize` impl
//! and visitor (`visit_str`, `visit_bytes`, `visit_u64`), a `visit_seq` that decodes the
//! struct from a JSON array, and a `visit_map` that spells out the duplicate and missing
//! checks of every field. Type checking and borrow checking those bodies was about half of
//! the crate's front-end time on the full document (`-Z self-profile`, see benches/README).
//! The impl written here has only `visit_map`: keys are matched against one `const` list
//! of names by `calcom::de::FieldIndex`, and each field is one call to `calcom::de::field`
//! (errors are returned by a `match`, not `?`, see [`or_return`]);
//! a missing field is `None` for an `Option`, `calcom::de::required` for any other type
//! without a default (serde's rule, for types that decode a missing value themselves),
//! `calcom::de::present` (a required nullable field, which typify marks
//! `deserialize_with = "Option::deserialize"`), the type's `Default`, or the function its
//! `default = "…"` names.
//!
//! Only what serde's attributes on typify's structs say is supported: `rename`, `default`,
//! `default = "…"`, `skip_serializing_if` (ignored: read by `lean_serialize`) and that
//! one `deserialize_with`. A struct with any other serde attribute, a container attribute,
//! generics or unnamed fields keeps the derive, and the build report names it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::{Field, Item, Token};

use crate::syn_items::{module_mut, segment_names};
use crate::unions::serde_words;
use crate::written_impls::{replace_derive, Written};

/// What `typify` writes for a required nullable field.
const OPTION_DESERIALIZE: &str = "::std::option::Option::deserialize";

/// Replaces serde's derived `Deserialize` of every struct in `types` that it can.
pub fn write_struct_impls(client: &mut syn::File) -> Written {
    let outcome = replace_derive(client, "Deserialize", |name, fields| {
        Ok(impl_tokens(name, &plan(fields)?))
    });
    if outcome.written > 0 {
        if let Some(types) = module_mut(&mut client.items, "types") {
            types.splice(0..0, short_names());
        }
    }
    outcome
}

/// The names the written impls use, imported once at the top of `types`: the impls are
/// parsed again after they are written (about a tenth of the build script's run time on
/// the event-types tags), and `__Some` is one token where `::std::option::Option::Some` is
/// ten. The leading underscores keep them apart from the generated types' names.
fn short_names() -> Vec<Item> {
    vec![
        syn::parse_quote! {
            #[allow(unused_imports)]
            use ::std::option::Option::{self as __Option, None as __None, Some as __Some};
        },
        syn::parse_quote! {
            #[allow(unused_imports)]
            use ::std::result::Result::{self as __Result, Err as __Err, Ok as __Ok};
        },
        syn::parse_quote! {
            #[allow(unused_imports)]
            use ::calcom::de as __de;
        },
    ]
}

/// How one field is decoded.
struct FieldPlan {
    ident: syn::Ident,
    ty: syn::Type,
    /// The JSON key.
    key: String,
    missing: Missing,
}

/// What a field is when its key is absent.
enum Missing {
    /// serde's rule for a field without a default (`calcom::de::required`).
    Required,
    /// An error even for an `Option` (`calcom::de::present`).
    Present,
    /// `Default::default()`.
    Default,
    /// The function `default = "…"` names.
    DefaultWith(syn::ExprPath),
}

/// The fields' plans, or why the struct keeps the derive.
fn plan(fields: &Punctuated<Field, Token![,]>) -> Result<Vec<FieldPlan>, String> {
    fields
        .iter()
        .map(|f| {
            let ident = f.ident.clone().ok_or("a field without a name")?;
            let mut plan = FieldPlan {
                key: ident.unraw().to_string(),
                ident,
                ty: f.ty.clone(),
                missing: Missing::Required,
            };
            for (word, value) in serde_words(&f.attrs) {
                read_field_word(&word, value, &mut plan)
                    .map_err(|e| format!("field `{}`: {e}", plan.key))?;
            }
            // serde's rule for a missing `Option` is `None`: written out, it needs no call
            // (and no second `Deserialize` bound) to compile.
            if matches!(plan.missing, Missing::Required) && is_option(&plan.ty) {
                plan.missing = Missing::Default;
            }
            Ok(plan)
        })
        .collect()
}

/// `Option<…>`, `std::option::Option<…>` or `::std::option::Option<…>` (what typify writes).
fn is_option(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    if p.qself.is_some() {
        return false;
    }
    let names = segment_names(&p.path);
    matches!(
        names
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice(),
        ["Option"] | ["std" | "core", "option", "Option"]
    )
}

/// What one `#[serde(...)]` word of a field (`rename = "…"`, `default`) says about decoding.
fn read_field_word(word: &str, value: Option<String>, plan: &mut FieldPlan) -> Result<(), String> {
    let string = |value: Option<String>| value.ok_or(format!("`{word}` without a string"));
    match word {
        "rename" => plan.key = string(value)?,
        "default" => {
            plan.missing = match value {
                Some(path) => Missing::DefaultWith(
                    syn::parse_str(&path).map_err(|e| format!("`default = {path:?}`: {e}"))?,
                ),
                None => Missing::Default,
            }
        }
        "skip_serializing_if" => {
            string(value)?;
        }
        "deserialize_with" if string(value)? == OPTION_DESERIALIZE => {
            plan.missing = Missing::Present
        }
        "deserialize_with" => return Err("deserialize_with other than Option::deserialize".into()),
        _ => return Err(format!("serde attribute `{word}`")),
    }
    Ok(())
}

/// `expr?` without the `?`: every error in `visit_map` is already `A::Error`, and the
/// operator's `From` conversion and `Try` impls are type checked at each use (about a
/// twentieth of the crate's front-end time on the event-types tags).
fn or_return(expr: TokenStream) -> TokenStream {
    quote! {
        match #expr {
            __Ok(value) => value,
            __Err(error) => return __Err(error),
        }
    }
}

fn impl_tokens(name: &syn::Ident, fields: &[FieldPlan]) -> TokenStream {
    let type_name = name.to_string();
    let keys = fields.iter().map(|f| &f.key);
    let slots: Vec<_> = (0..fields.len())
        .map(|i| format_ident!("__field{i}"))
        .collect();
    let declare = fields.iter().zip(&slots).map(|(f, slot)| {
        let ty = &f.ty;
        quote!(let mut #slot: __Option<#ty> = __None;)
    });
    // The key as a literal, not `Self::FIELDS[i]`: an index is a bounds check to compile.
    let arms = fields.iter().zip(&slots).enumerate().map(|(i, (f, slot))| {
        let key = &f.key;
        quote!(__Some(#i) => __de::field(&mut map, &mut #slot, #key),)
    });
    let build = fields.iter().zip(&slots).map(|(f, slot)| {
        let ident = &f.ident;
        let key = &f.key;
        let value = match &f.missing {
            Missing::Required => or_return(quote!(__de::required(#slot, #key))),
            Missing::Present => or_return(quote!(__de::present(#slot, #key))),
            Missing::Default => quote!(#slot.unwrap_or_default()),
            Missing::DefaultWith(path) => quote!(#slot.unwrap_or_else(#path)),
        };
        quote!(#ident: #value,)
    });
    quote! {
        impl __de::VisitMap for #name {
            const NAME: &'static str = #type_name;
            const FIELDS: &'static [&'static str] = &[#(#keys),*];
            fn visit_map<'de, A>(mut map: A) -> __Result<Self, A::Error>
            where
                A: ::serde::de::MapAccess<'de>,
            {
                #(#declare)*
                loop {
                    let index = match map.next_key_seed(__de::FieldIndex(Self::FIELDS)) {
                        __Ok(__Some(index)) => index,
                        __Ok(__None) => break,
                        __Err(error) => return __Err(error),
                    };
                    let decoded = match index {
                        #(#arms)*
                        _ => __de::skip(&mut map),
                    };
                    if let __Err(error) = decoded {
                        return __Err(error);
                    }
                }
                __Ok(Self { #(#build)* })
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> __Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                __de::deserialize_struct(deserializer)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(src: &str) -> (String, Written) {
        crate::written_impls::run_pass(write_struct_impls, src)
    }

    #[test]
    fn a_typify_struct_gets_the_written_impl_and_keeps_its_other_derives() {
        let (out, outcome) = run(crate::written_impls::TYPIFY_STRUCT);
        assert_eq!(
            outcome,
            Written {
                written: 1,
                kept: vec![]
            }
        );
        assert!(
            out.contains("#[derive(::serde::Serialize, Clone, Debug)]"),
            "{out}"
        );
        let squash = |s: &str| s.split_whitespace().collect::<String>();
        assert!(
            squash(&out).contains(&squash(
                r#"const FIELDS: &'static [&'static str] = &["eventUid", "calId", "tags", "type", "note","#
            )),
            "{out}"
        );
        assert!(
            out.contains(r#"match __de::required(__field0, "eventUid") {"#),
            "{out}"
        );
        assert!(
            out.contains(r#"match __de::present(__field1, "calId") {"#),
            "{out}"
        );
        assert!(
            out.contains(r#"__de::field(&mut map, &mut __field3, "type")"#),
            "{out}"
        );
        assert!(!out.contains('?'), "{out}");
        assert!(out.contains("use ::calcom::de as __de;"), "{out}");
        assert!(out.contains("tags: __field2.unwrap_or_default()"), "{out}");
        assert!(
            out.contains("r#type: __field3.unwrap_or_else(defaults::default_bool::<true>)"),
            "{out}"
        );
        assert!(
            out.contains("impl __de::VisitMap for Booking {")
                && out.contains(r#"const NAME: &'static str = "Booking";"#)
                && out.contains("__de::deserialize_struct(deserializer)"),
            "{out}"
        );
        // A missing Option is None, as with serde's derive.
        assert!(out.contains("note: __field4.unwrap_or_default()"), "{out}");
        // Serialize still reads the renames.
        assert!(out.contains(r#"#[serde(rename = "eventUid")]"#), "{out}");
    }

    #[test]
    fn serde_attributes_go_when_no_remaining_derive_reads_them() {
        let (out, outcome) = run(r#"
            pub mod types {
                #[derive(::serde::Deserialize, Clone)]
                pub struct Answer {
                    #[serde(rename = "a")]
                    pub b: i64,
                }
            }
        "#);
        assert_eq!(outcome.written, 1);
        assert!(!out.contains("#[serde"), "{out}");
        assert!(out.contains("#[derive(Clone)]"), "{out}");
    }

    #[test]
    fn a_custom_decoder_keeps_the_derive_and_is_named() {
        // What neither written impl can take: `written_impls`' tests.
        let (_, outcome) = run(r#"
            pub mod types {
                #[derive(::serde::Deserialize)]
                pub struct Other {
                    #[serde(deserialize_with = "crate::custom")]
                    pub x: i64,
                }
            }
        "#);
        assert_eq!(outcome.written, 0);
        assert_eq!(
            outcome.kept,
            ["Other (field `x`: deserialize_with other than Option::deserialize)"]
        );
    }
}
