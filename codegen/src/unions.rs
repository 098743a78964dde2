//! Key-aware decoding of untagged unions of objects.
//!
//! typify turns a `oneOf` of objects without a discriminator into a
//! `#[serde(untagged)]` enum, and serde tries its variants in order, ignoring unknown
//! keys. When the branches are disjoint and all their properties optional, the first
//! variant accepts every object: `{"disabled": true}` decoded as an empty
//! `BaseBookingLimitsDuration` and lost `disabled`. For every untagged enum whose variants
//! are all structs and where serde's order can lose keys, this replaces the derived
//! `Deserialize` with one that first tries the variants whose properties account for every
//! key of the object, in order, and only then, so that a field Cal.com adds later still
//! decodes, every variant in order (`calcom::unions::decode_untagged`). Unions where the
//! order is safe keep serde's derive, which decodes faster.

use std::collections::HashMap;

use proc_macro2::Ident;
use quote::quote;
use syn::{Fields, Item};

use crate::syn_items::remove_derive;

/// Rewrites the untagged enums of `types` in `client`; returns their names.
pub fn key_aware_unions(client: &mut syn::File) -> Vec<String> {
    let Some(types) = crate::syn_items::module_mut(&mut client.items, "types") else {
        return Vec::new();
    };
    let keys = struct_keys(types);
    let mut rewritten = Vec::new();
    let mut impls = Vec::new();
    for item in types.iter_mut() {
        let Item::Enum(e) = item else { continue };
        if !is_untagged(&e.attrs) {
            continue;
        }
        let variants: Option<Vec<(Ident, Ident, &Keys)>> = e
            .variants
            .iter()
            .map(|v| {
                let Fields::Unnamed(fields) = &v.fields else {
                    return None;
                };
                let [field] = fields.unnamed.iter().collect::<Vec<_>>()[..] else {
                    return None;
                };
                let syn::Type::Path(ty) = &field.ty else {
                    return None;
                };
                let ident = ty.path.get_ident()?;
                Some((
                    v.ident.clone(),
                    ident.clone(),
                    keys.get(&ident.to_string())?,
                ))
            })
            .collect();
        let Some(variants) = variants else { continue };
        let order_is_safe = variants.iter().enumerate().all(|(i, (_, _, earlier))| {
            variants[i + 1..]
                .iter()
                .all(|(_, _, later)| !earlier.can_swallow(later))
        });
        if variants.len() < 2 || order_is_safe || !remove_derive(&mut e.attrs, "Deserialize") {
            continue;
        }
        let name = &e.ident;
        let label = name.to_string();
        let arms = variants.iter().map(|(variant, ty, keys)| {
            let keys = &keys.all;
            quote! {
                (&[#(#keys),*], |value: &::serde_json::Value| {
                    <#ty as ::serde::Deserialize>::deserialize(value).map(#name::#variant)
                })
            }
        });
        impls.push(syn::parse_quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                where
                    D: ::serde::Deserializer<'de>,
                {
                    let variants: &[calcom::unions::Variant<Self>] = &[#(#arms),*];
                    calcom::unions::decode_untagged(deserializer, #label, variants)
                }
            }
        });
        rewritten.push(label);
    }
    types.extend(impls);
    rewritten
}

/// The JSON keys of a struct.
struct Keys {
    /// Every property.
    all: Vec<String>,
    /// The properties it cannot decode without.
    required: Vec<String>,
}

impl Keys {
    /// Whether this variant, tried first, decodes an object of `later` and drops some of
    /// its keys: it requires nothing `later` lacks, and `later` has keys it does not know.
    fn can_swallow(&self, later: &Keys) -> bool {
        self.required.iter().all(|k| later.all.contains(k))
            && later.all.iter().any(|k| !self.all.contains(k))
    }
}

/// The JSON keys of every struct with named fields and no flattened field, by name.
fn struct_keys(items: &[Item]) -> HashMap<String, Keys> {
    let mut out = HashMap::new();
    for item in items {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(fields) = &s.fields else {
            continue;
        };
        let mut keys = Keys {
            all: Vec::new(),
            required: Vec::new(),
        };
        let complete = fields.named.iter().all(|f| {
            let serde = serde_words(&f.attrs);
            if serde.iter().any(|(k, _)| k == "flatten") {
                return false;
            }
            let Some(ident) = f.ident.as_ref().map(ToString::to_string) else {
                return false;
            };
            let renamed = serde
                .iter()
                .find_map(|(k, v)| if k == "rename" { v.clone() } else { None });
            let key = renamed.unwrap_or_else(|| ident.strip_prefix("r#").unwrap_or(&ident).into());
            // serde fills a missing `Option` field with `None`, and a `default` one.
            let optional = serde.iter().any(|(k, _)| k == "default") || is_option(&f.ty);
            if !optional {
                keys.required.push(key.clone());
            }
            keys.all.push(key);
            true
        });
        if complete {
            out.insert(s.ident.to_string(), keys);
        }
    }
    out
}

fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// The `key` or `key = "value"` words of `#[serde(...)]` attributes.
pub(crate) fn serde_words(attrs: &[syn::Attribute]) -> Vec<(String, Option<String>)> {
    let mut words = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let value = match meta.value() {
                Ok(v) => match v.parse::<syn::Expr>()? {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => Some(s.value()),
                    _ => None,
                },
                Err(_) => None,
            };
            words.push((key, value));
            Ok(())
        });
    }
    words
}

pub(crate) fn is_untagged(attrs: &[syn::Attribute]) -> bool {
    serde_words(attrs).iter().any(|(k, _)| k == "untagged")
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn client() -> syn::File {
        syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                #[serde(untagged)]
                pub enum Limits {
                    Base(BaseLimits),
                    Disabled(Disabled),
                }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                #[serde(untagged)]
                pub enum Ordered {
                    Disabled(Disabled),
                    Base(BaseLimits),
                }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                #[serde(untagged)]
                pub enum Mixed {
                    Text(::std::string::String),
                    Base(BaseLimits),
                }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct BaseLimits {
                    #[serde(default, skip_serializing_if = "Option::is_none")]
                    pub day: Option<f64>,
                    #[serde(rename = "type")]
                    pub type_: Option<String>,
                }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct Disabled {
                    pub disabled: bool,
                }
            }
        }
    }

    #[test]
    fn rewrites_unions_of_structs_only() {
        let mut file = client();
        assert_eq!(key_aware_unions(&mut file), ["Limits"]);
        let src = file.to_token_stream().to_string();
        assert!(
            src.contains("# [derive (:: serde :: Serialize , Clone , Debug)] # [serde (untagged)] pub enum Limits"),
            "{src}"
        );
        assert!(src.contains("(& [\"day\" , \"type\"]"), "{src}");
        assert!(src.contains("(& [\"disabled\"]"), "{src}");
        assert!(
            src.contains(
                "calcom :: unions :: decode_untagged (deserializer , \"Limits\" , variants)"
            ),
            "{src}"
        );
        // A union whose order cannot lose keys (Disabled requires `disabled`, which Base
        // objects never have; Base comes last) keeps serde's derive, and so does one with a
        // string variant.
        assert!(
            src.contains("# [derive (:: serde :: Deserialize , :: serde :: Serialize , Clone , Debug)] # [serde (untagged)] pub enum Ordered"),
            "{src}"
        );
        assert!(
            src.contains("# [derive (:: serde :: Deserialize , :: serde :: Serialize , Clone , Debug)] # [serde (untagged)] pub enum Mixed"),
            "{src}"
        );
    }
}
