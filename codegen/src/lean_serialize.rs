//! The generated structs encode through a `Serialize` impl written here instead of serde's
//! derive, for the same reason as `lean_deserialize`: compile time.
//!
//! serde's derive checks every `serialize_field` with `?` and counts the fields to write in
//! one expression; type checking and borrow checking those bodies was about a fifth of the
//! crate's front-end time on the event-types tags (`-Z self-profile`, see benches/README).
//! The impl written here makes one call per field on `calcom::ser::Fields`, which keeps the
//! first error, so the body has no `?` to check. The output is the derive's: the same
//! `serialize_struct` length, keys and order, and `skip_field` where `skip_serializing_if`
//! holds.
//!
//! Only what serde's attributes on typify's structs say is supported: `rename`,
//! `skip_serializing_if = "…"`, and the decoding-only `default` and `deserialize_with`. A
//! struct with any other serde attribute, a container attribute, generics or unnamed
//! fields keeps the derive, and the build report names it.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::{Field, Token};

use crate::unions::serde_words;
use crate::written_impls::{replace_derive, Written};

/// Replaces serde's derived `Serialize` of every struct in `types` that it can.
pub fn write_struct_impls(client: &mut syn::File) -> Written {
    replace_derive(client, "Serialize", |name, fields| {
        Ok(impl_tokens(name, &plan(fields)?))
    })
}

/// How one field is encoded.
struct FieldPlan {
    ident: syn::Ident,
    /// The JSON key.
    key: String,
    /// The function `skip_serializing_if` names.
    skip_if: Option<syn::ExprPath>,
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
                skip_if: None,
            };
            for (word, value) in serde_words(&f.attrs) {
                read_field_word(&word, value, &mut plan)
                    .map_err(|e| format!("field `{}`: {e}", plan.key))?;
            }
            Ok(plan)
        })
        .collect()
}

/// What one `#[serde(...)]` word of a field says about encoding.
fn read_field_word(word: &str, value: Option<String>, plan: &mut FieldPlan) -> Result<(), String> {
    let string = |value: Option<String>| value.ok_or(format!("`{word}` without a string"));
    match word {
        "rename" => plan.key = string(value)?,
        "skip_serializing_if" => {
            let path = string(value)?;
            plan.skip_if = Some(
                syn::parse_str(&path)
                    .map_err(|e| format!("`skip_serializing_if = {path:?}`: {e}"))?,
            );
        }
        // Decoding only (lean_deserialize reads them).
        "default" | "deserialize_with" => {}
        _ => return Err(format!("serde attribute `{word}`")),
    }
    Ok(())
}

fn impl_tokens(name: &syn::Ident, fields: &[FieldPlan]) -> TokenStream {
    let type_name = name.to_string();
    let always = proc_macro2::Literal::usize_unsuffixed(
        fields.iter().filter(|f| f.skip_if.is_none()).count(),
    );
    let sometimes = fields.iter().filter_map(|f| {
        let ident = &f.ident;
        let skip_if = f.skip_if.as_ref()?;
        Some(quote!(+ usize::from(!#skip_if(&self.#ident))))
    });
    let writes = fields.iter().map(|f| {
        let (ident, key) = (&f.ident, &f.key);
        match &f.skip_if {
            Some(skip_if) => {
                quote!(fields.field_unless(#key, &self.#ident, #skip_if(&self.#ident));)
            }
            None => quote!(fields.field(#key, &self.#ident);),
        }
    });
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                let mut fields =
                    ::calcom::ser::Fields::begin(serializer, #type_name, #always #(#sometimes)*);
                #(#writes)*
                fields.end()
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
            out.contains("#[derive(::serde::Deserialize, Clone, Debug)]"),
            "{out}"
        );
        let begin = r#"::calcom::ser::Fields::begin(
            serializer,
            "Booking",
            3 + usize::from(!::std::vec::Vec::is_empty(&self.tags))
                + usize::from(!::std::option::Option::is_none(&self.note)),
        )"#;
        let squash = |s: &str| s.split_whitespace().collect::<String>();
        assert!(squash(&out).contains(&squash(begin)), "{out}");
        assert!(
            out.contains(r#"fields.field("eventUid", &self.event_uid);"#),
            "{out}"
        );
        assert!(
            out.contains(r#"fields.field("calId", &self.cal_id);"#),
            "{out}"
        );
        assert!(
            squash(&out).contains(&squash(
                r#"fields.field_unless("tags", &self.tags, ::std::vec::Vec::is_empty(&self.tags));"#
            )),
            "{out}"
        );
        // A raw identifier's key has no `r#`.
        assert!(
            out.contains(r#"fields.field("type", &self.r#type);"#),
            "{out}"
        );
        // Deserialize still reads the attributes.
        assert!(out.contains(r#"#[serde(rename = "eventUid")]"#), "{out}");
    }

    #[test]
    fn serde_attributes_go_when_no_remaining_derive_reads_them() {
        let (out, outcome) = run(r#"
            pub mod types {
                #[derive(::serde::Serialize, Clone)]
                pub struct Input {
                    #[serde(rename = "a")]
                    pub b: i64,
                }
            }
        "#);
        assert_eq!(outcome.written, 1);
        assert!(!out.contains("#[serde"), "{out}");
        assert!(out.contains("#[derive(Clone)]"), "{out}");
        assert!(out.contains(r#"fields.field("a", &self.b);"#), "{out}");
    }

    #[test]
    fn a_custom_encoder_keeps_the_derive_and_is_named() {
        // What neither written impl can take: `written_impls`' tests. A field attribute
        // only decoding reads is not a reason to keep the derive.
        let (_, outcome) = run(r#"
            pub mod types {
                #[derive(::serde::Serialize)]
                pub struct Custom {
                    #[serde(serialize_with = "crate::custom")]
                    pub x: i64,
                }
                #[derive(::serde::Serialize)]
                pub struct Decoded {
                    #[serde(default = "crate::zero", deserialize_with = "crate::custom")]
                    pub x: i64,
                }
            }
        "#);
        assert_eq!(outcome.written, 1);
        assert_eq!(
            outcome.kept,
            ["Custom (field `x`: serde attribute `serialize_with`)"]
        );
    }
}
