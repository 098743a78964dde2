//! The schema registry: every component schema and the Rust type generated for it.
//!
//! The round-trip test suites of the `calcom` crate include the registry source
//! (`calcom_schema_registry.rs` in `OUT_DIR`) so that no schema can be forgotten: a schema
//! added to the document is tested the moment the client is regenerated. The registry is
//! only read by tests; it adds nothing to the library itself.

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor_impl::Generator;
use quote::quote;

use crate::report::Skipped;

/// One component schema and the Rust type typify generated for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaType {
    /// The key under `components/schemas`.
    pub name: String,
    /// The Rust type as a path usable outside the crate (`::calcom::types::Foo`, or a
    /// native type such as `::serde_json::Value` or `::calcom::SecretString`).
    pub rust_type: String,
}

/// The Rust type of every component schema of `spec`, read from the generator that just
/// generated it.
///
/// typify gives the component schemas the first type ids, in document order, before it
/// converts any of them (`TypeSpace::add_ref_types`), and `iter_types` walks types in id
/// order: the first `n` types are the `n` components. Their names are typify's own, so
/// this stays right whatever typify does to a name (case, sanitising, collisions).
/// `Err` when typify's types do not line up with the components ([`pair_with_types`]).
pub fn schema_types(spec: &OpenAPI, generator: &Generator) -> Result<Vec<SchemaType>, String> {
    let names = spec
        .components
        .iter()
        .flat_map(|c| c.schemas.keys().cloned())
        .collect();
    let idents = generator
        .get_type_space()
        .iter_types()
        .map(|ty| ty.ident().to_string().replace(' ', ""));
    pair_with_types(names, idents)
}

/// Pairs each component name with the type ident (`types::Foo`, `::serde_json::Value`) at
/// the same position of typify's type order.
///
/// The pairing rests on typify's ordering, which no API promises: a typify that ordered
/// differently would label every schema with its neighbour's type, and the round-trip
/// tests would then test the wrong types. So it checks that there is a type for every
/// component, and that every type typify named after a schema is named after this one.
fn pair_with_types(
    names: Vec<String>,
    idents: impl Iterator<Item = String>,
) -> Result<Vec<SchemaType>, String> {
    let expected = names.len();
    let mut idents = idents;
    let mut out = Vec::with_capacity(expected);
    for (position, name) in names.into_iter().enumerate() {
        let Some(ident) = idents.next() else {
            return Err(format!(
                "typify generated {position} types for {expected} component schemas: \
                 the schema registry cannot pair schemas with types (did typify change?)"
            ));
        };
        let rust_type = match ident.strip_prefix("types::") {
            Some(rest) => {
                // typify names a component's type after its key, sanitised and in
                // PascalCase: letters and digits match once case and separators go.
                if squash(rest) != squash(&name) {
                    return Err(format!(
                        "component schema {position} `{name}` lines up with typify's type \
                         `{rest}`: typify's type order no longer follows the components \
                         (did typify change?)"
                    ));
                }
                format!("::calcom::types::{rest}")
            }
            // A native type (`::serde_json::Value`, an `x-rust-type`): nothing to compare.
            None => ident,
        };
        out.push(SchemaType { name, rust_type });
    }
    Ok(out)
}

/// Letters and digits only, lower case: `zeta_Input_2024` and `ZetaInput2024` compare equal.
fn squash(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Rust source of the registry.
///
/// - `calcom_for_each_schema!(callback)` expands to `callback!("Name", RustType);` for
///   every component schema that has a generated type;
/// - `CALCOM_SKIPPED_SCHEMAS` lists `(name, reason)` for the components the generator
///   could not type and made free-form JSON values.
pub fn registry_source(types: &[SchemaType], skipped: &[Skipped]) -> Result<TokenStream, String> {
    let skipped: Vec<(String, &str)> = skipped
        .iter()
        .filter_map(|s| {
            let name = s.pointer.strip_prefix("/components/schemas/")?;
            Some((
                name.replace("~1", "/").replace("~0", "~"),
                s.reason.as_str(),
            ))
        })
        .collect();
    let mut calls = Vec::new();
    for t in types {
        if skipped.iter().any(|(n, _)| *n == t.name) {
            continue;
        }
        let name = &t.name;
        let ty: syn::Type = syn::parse_str(&t.rust_type).map_err(|e| {
            format!(
                "type `{}` of schema {name} does not parse: {e}",
                t.rust_type
            )
        })?;
        calls.push(quote! { $callback!(#name, #ty); });
    }
    let skipped_rows = skipped.iter().map(|(n, r)| quote! { (#n, #r) });
    Ok(quote! {
        /// Calls `$callback!("SchemaName", RustType);` once for every component schema
        /// of the document that has a generated Rust type, in document order.
        #[allow(unused_macros)]
        macro_rules! calcom_for_each_schema {
            ($callback:ident) => {
                #(#calls)*
            };
        }

        /// Component schemas the generator could not type (now free-form JSON values),
        /// with the reason it gave.
        #[allow(dead_code)]
        pub const CALCOM_SKIPPED_SCHEMAS: &[(&str, &str)] = &[#(#skipped_rows),*];
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn generate(doc: serde_json::Value) -> Vec<SchemaType> {
        let spec: OpenAPI = serde_json::from_value(doc).expect("valid OpenAPI");
        let mut generator = Generator::new(&progenitor_impl::GenerationSettings::new());
        generator.generate_tokens(&spec).expect("generates");
        schema_types(&spec, &generator).expect("types line up with the components")
    }

    #[test]
    fn names_every_component_with_typify_names() {
        let types = generate(json!({
            "openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {
                "zeta_Input_2024": {"type": "object", "properties": {
                    "inner": {"type": "object", "properties": {"a": {"type": "string"}}}}},
                "Alias": {"$ref": "#/components/schemas/zeta_Input_2024"},
                "Text": {"type": "string"},
                "Free": {},
                "Kind": {"type": "string", "enum": ["a", "b"]}
            }}
        }));
        let got: Vec<(&str, &str)> = types
            .iter()
            .map(|t| (t.name.as_str(), t.rust_type.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("zeta_Input_2024", "::calcom::types::ZetaInput2024"),
                ("Alias", "::calcom::types::Alias"),
                ("Text", "::calcom::types::Text"),
                ("Free", "::calcom::types::Free"),
                ("Kind", "::calcom::types::Kind"),
            ]
        );
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn pairs_names_with_types_in_order() {
        let types = pair_with_types(
            strings(&["zeta_Input_2024", "Free"]),
            strings(&[
                "types::ZetaInput2024",
                "::serde_json::Value",
                "types::Inner",
            ])
            .into_iter(),
        )
        .expect("lines up");
        assert_eq!(
            types,
            [
                SchemaType {
                    name: "zeta_Input_2024".into(),
                    rust_type: "::calcom::types::ZetaInput2024".into(),
                },
                SchemaType {
                    name: "Free".into(),
                    rust_type: "::serde_json::Value".into(),
                },
            ]
        );
    }

    #[test]
    fn fewer_types_than_components_is_an_error() {
        let err = pair_with_types(strings(&["A", "B"]), strings(&["types::A"]).into_iter())
            .expect_err("one type for two components");
        assert!(
            err.contains("typify generated 1 types for 2 component schemas"),
            "{err}"
        );
    }

    #[test]
    fn a_type_named_after_another_schema_is_an_error() {
        // typify ordering its types differently: B would be labelled with A's type.
        let err = pair_with_types(
            strings(&["A", "B"]),
            strings(&["types::B", "types::A"]).into_iter(),
        )
        .expect_err("shifted");
        assert!(err.contains("`A` lines up with typify's type `B`"), "{err}");
    }

    #[test]
    fn skipped_schemas_are_listed_not_called() {
        let types = [
            SchemaType {
                name: "A".into(),
                rust_type: "::calcom::types::A".into(),
            },
            SchemaType {
                name: "B/x".into(),
                rust_type: "::calcom::types::BX".into(),
            },
        ];
        let skipped = [Skipped {
            pointer: "/components/schemas/B~1x".into(),
            reason: "boom".into(),
        }];
        let src = registry_source(&types, &skipped)
            .expect("parses")
            .to_string();
        assert!(
            src.contains("$ callback ! (\"A\" , :: calcom :: types :: A)"),
            "{src}"
        );
        assert!(!src.contains("types :: BX"), "{src}");
        assert!(src.contains("(\"B/x\" , \"boom\")"), "{src}");
    }
}
