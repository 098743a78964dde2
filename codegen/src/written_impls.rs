//! What `lean_deserialize` and `lean_serialize` share: finding the structs whose serde derive
//! they replace, and putting the written impl in the derive's place.

use proc_macro2::TokenStream;
use syn::punctuated::Punctuated;
use syn::{Field, Fields, Item, Token};

use crate::syn_items::{derives, module_mut, remove_derive};

/// What a pass did to the `types` module.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Structs that go through the written impl.
    pub written: usize,
    /// Structs that keep serde's derive, each with the reason.
    pub kept: Vec<String>,
}

/// The derives that read a field's `#[serde(...)]` attributes.
const SERDE_ATTRIBUTE_READERS: [&str; 3] = ["Deserialize", "Serialize", "JsonSchema"];

/// Replaces serde's derived `derive` (`Deserialize` or `Serialize`) of every struct in `types`
/// with the impl `write` returns for its name and fields.
///
/// A generic struct, one with a container attribute or unnamed fields, one for which `write`
/// returns `Err(reason)` and one whose written impl does not parse keep the derive, and are
/// named with the reason. The struct's serde attributes go when no remaining derive reads
/// them.
pub(crate) fn replace_derive(
    client: &mut syn::File,
    derive: &str,
    mut write: impl FnMut(&syn::Ident, &Punctuated<Field, Token![,]>) -> Result<TokenStream, String>,
) -> Written {
    let mut outcome = Written::default();
    let Some(types) = module_mut(&mut client.items, "types") else {
        return outcome;
    };
    let mut out = Vec::with_capacity(types.len());
    for mut item in std::mem::take(types) {
        let written = match &mut item {
            Item::Struct(s) if derives(&s.attrs, derive) => {
                match writable(s).and_then(|fields| parse(write(&s.ident, fields)?)) {
                    Ok(written) => {
                        take_derive(s, derive);
                        Some(written)
                    }
                    Err(reason) => {
                        outcome.kept.push(format!("{} ({reason})", s.ident));
                        None
                    }
                }
            }
            _ => None,
        };
        out.push(item);
        if let Some(items) = written {
            out.extend(items);
            outcome.written += 1;
        }
    }
    *types = out;
    outcome
}

/// The struct's named fields, or why the struct keeps the derive.
fn writable(s: &syn::ItemStruct) -> Result<&Punctuated<Field, Token![,]>, String> {
    if !s.generics.params.is_empty() {
        return Err("generic".into());
    }
    if s.attrs.iter().any(|a| a.path().is_ident("serde")) {
        return Err("container attribute".into());
    }
    match &s.fields {
        Fields::Named(named) => Ok(&named.named),
        _ => Err("unnamed fields".into()),
    }
}

/// The written impl's items; `Err` names a type the writer got wrong.
fn parse(tokens: TokenStream) -> Result<Vec<Item>, String> {
    syn::parse2::<syn::File>(tokens)
        .map(|file| file.items)
        .map_err(|e| format!("the written impl does not parse: {e}"))
}

/// Takes `derive` out of the struct's derives, and its fields' serde attributes when no
/// remaining derive reads them.
fn take_derive(s: &mut syn::ItemStruct, derive: &str) {
    remove_derive(&mut s.attrs, derive);
    if SERDE_ATTRIBUTE_READERS
        .iter()
        .any(|reader| derives(&s.attrs, reader))
    {
        return;
    }
    for field in s.fields.iter_mut() {
        field.attrs.retain(|a| !a.path().is_ident("serde"));
    }
}

/// A written-impl pass (`lean_deserialize::write_struct_impls`, `lean_serialize::…`).
#[cfg(test)]
pub(crate) type Pass = fn(&mut syn::File) -> Written;

/// Runs a written-impl pass on `src`: the file it leaves, formatted, and what it did.
#[cfg(test)]
pub(crate) fn run_pass(pass: Pass, src: &str) -> (String, Written) {
    let mut file: syn::File = syn::parse_str(src).expect("fixture parses");
    let outcome = pass(&mut file);
    (prettyplease::unparse(&file), outcome)
}

/// One fixture for both passes' tests: a struct as typify writes one, with every serde
/// attribute typify gives a field.
#[cfg(test)]
pub(crate) const TYPIFY_STRUCT: &str = r#"
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct Booking {
                    #[serde(rename = "eventUid")]
                    pub event_uid: ::std::string::String,
                    #[serde(rename = "calId", deserialize_with = "::std::option::Option::deserialize")]
                    pub cal_id: ::std::option::Option<::std::string::String>,
                    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                    pub tags: ::std::vec::Vec<::std::string::String>,
                    #[serde(default = "defaults::default_bool::<true>")]
                    pub r#type: bool,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub note: ::std::option::Option<::std::string::String>,
                }
            }
        "#;

/// One fixture for both passes' tests: what each must leave to the derive.
#[cfg(test)]
pub(crate) const UNWRITABLE: &str = r#"
    pub mod types {
        #[derive(::serde::Deserialize, ::serde::Serialize)]
        #[serde(transparent)]
        pub struct Wrapped { pub inner: i64 }
        #[derive(::serde::Deserialize, ::serde::Serialize)]
        pub struct Tuple(pub i64);
        #[derive(::serde::Deserialize, ::serde::Serialize)]
        pub struct Flat {
            #[serde(flatten)]
            pub rest: ::serde_json::Map<String, ::serde_json::Value>,
        }
        #[derive(::serde::Deserialize, ::serde::Serialize)]
        #[serde(untagged)]
        pub enum Union { A(i64) }
    }
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn serde_attributes_stay_while_another_derive_reads_them() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct Both { #[serde(rename = "a")] pub b: i64 }
                #[derive(::serde::Deserialize, Clone)]
                pub struct One { #[serde(rename = "a")] pub b: i64 }
            }
        };
        let outcome = replace_derive(&mut file, "Deserialize", |name, _| {
            Ok(quote!(impl Marker for #name {}))
        });
        assert_eq!(outcome.written, 2);
        let text = prettyplease::unparse(&file);
        assert_eq!(
            text.matches("#[serde(rename = \"a\")]").count(),
            1,
            "{text}"
        );
        assert!(text.contains("#[derive(::serde::Serialize)]"), "{text}");
        assert!(text.contains("#[derive(Clone)]"), "{text}");
        assert_eq!(text.matches("impl Marker for").count(), 2, "{text}");
    }

    #[test]
    fn what_neither_pass_can_write_keeps_the_derive_and_is_named() {
        let passes: [(Pass, &str); 2] = [
            (
                crate::lean_deserialize::write_struct_impls,
                "::serde::Deserialize",
            ),
            (
                crate::lean_serialize::write_struct_impls,
                "::serde::Serialize",
            ),
        ];
        for (pass, derive) in passes {
            let (out, outcome) = run_pass(pass, UNWRITABLE);
            assert_eq!(outcome.written, 0, "{derive}");
            let reasons: Vec<&str> = outcome.kept.iter().map(String::as_str).collect();
            assert_eq!(
                reasons,
                [
                    "Wrapped (container attribute)",
                    "Tuple (unnamed fields)",
                    "Flat (field `rest`: serde attribute `flatten`)",
                ],
                "{derive}"
            );
            assert_eq!(out.matches(derive).count(), 4, "{out}");
        }
    }

    #[test]
    fn an_impl_that_does_not_parse_leaves_the_struct_as_it_was() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Serialize)]
                pub struct S { #[serde(rename = "a")] pub b: i64 }
            }
        };
        let before = prettyplease::unparse(&file);
        let outcome = replace_derive(&mut file, "Serialize", |_, _| Ok(quote!(impl for)));
        assert_eq!(outcome.written, 0);
        assert!(
            outcome.kept[0].starts_with("S (the written impl does not parse"),
            "{:?}",
            outcome.kept
        );
        assert_eq!(prettyplease::unparse(&file), before);
    }
}
