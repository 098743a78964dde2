//! The operation registry: every generated operation, the builder setter of each of its
//! parameters and the Rust type that setter takes.
//!
//! The Prism suite of the `calcom` crate (`tests/it/prism.rs`) includes the registry source
//! (`calcom_operation_registry.rs` in `OUT_DIR`) to call every operation through the
//! generated client, so no operation can be forgotten. Setter names and types are read
//! from the generated builders themselves, not re-derived from the document, so they are
//! exactly what progenitor produced. Like the schema registry, it is only read by tests.

use std::collections::HashMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, ToTokens};
use serde_json::Value;
use syn::visit_mut::VisitMut;

use crate::passes::OperationRecord;
use crate::syn_items::last_segment;

/// One setter of a generated builder: `fn name<V>(self, value: V) where V: TryInto<ty>`.
#[derive(Clone)]
pub struct Setter {
    /// The method name.
    pub name: String,
    /// The type it converts into, with paths usable outside the crate.
    pub ty: syn::Type,
}

/// The setters of every generated builder, by client method name.
pub fn builder_setters(client: &syn::File) -> HashMap<String, Vec<Setter>> {
    let mut setters_of: HashMap<String, Vec<Setter>> = HashMap::new();
    let builder_of = walk_builders(client, |builder, f| {
        if let Some(setter) = setter(&f.sig) {
            setters_of
                .entry(builder.to_string())
                .or_default()
                .push(setter);
        }
    });
    builder_of
        .into_iter()
        .map(|(method, builder)| {
            let setters = setters_of.remove(&builder).unwrap_or_default();
            (method, setters)
        })
        .collect()
}

/// Calls `on_builder_fn` with every method of every builder in the generated `builder`
/// module (the builder's name, the method), and returns which builder each `Client` method
/// returns, by method name: the one walk of progenitor's output that the registries share.
fn walk_builders(
    client: &syn::File,
    mut on_builder_fn: impl FnMut(&str, &syn::ImplItemFn),
) -> HashMap<String, String> {
    let mut builder_of: HashMap<String, String> = HashMap::new();
    for item in &client.items {
        match item {
            syn::Item::Impl(block) if is_path(&block.self_ty, "Client") => {
                for item in &block.items {
                    if let syn::ImplItem::Fn(f) = item {
                        if let Some(builder) = returned_builder(&f.sig) {
                            builder_of.insert(f.sig.ident.to_string(), builder);
                        }
                    }
                }
            }
            syn::Item::Mod(module) if module.ident == "builder" => {
                for item in module.content.iter().flat_map(|(_, items)| items) {
                    let syn::Item::Impl(block) = item else {
                        continue;
                    };
                    let Some(name) = last_segment(&block.self_ty) else {
                        continue;
                    };
                    for item in &block.items {
                        if let syn::ImplItem::Fn(f) = item {
                            on_builder_fn(&name, f);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    builder_of
}

fn is_path(ty: &syn::Type, name: &str) -> bool {
    last_segment(ty).is_some_and(|n| n == name)
}

/// `fn op(&self) -> builder::Op<'_>` gives `Op`.
fn returned_builder(sig: &syn::Signature) -> Option<String> {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    let syn::Type::Path(p) = ty.as_ref() else {
        return None;
    };
    let segments: Vec<_> = p.path.segments.iter().collect();
    match segments.as_slice() {
        [module, builder] if module.ident == "builder" => Some(builder.ident.to_string()),
        _ => None,
    }
}

/// A method whose only generic parameter is bounded by `TryInto<T>`.
fn setter(sig: &syn::Signature) -> Option<Setter> {
    let where_clause = sig.generics.where_clause.as_ref()?;
    for predicate in &where_clause.predicates {
        let syn::WherePredicate::Type(pt) = predicate else {
            continue;
        };
        for bound in &pt.bounds {
            let syn::TypeParamBound::Trait(tb) = bound else {
                continue;
            };
            let Some(last) = tb.path.segments.last() else {
                continue;
            };
            if last.ident != "TryInto" {
                continue;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                continue;
            };
            if let Some(syn::GenericArgument::Type(ty)) = args.args.first() {
                let mut ty = ty.clone();
                PublicPaths.visit_type_mut(&mut ty);
                return Some(Setter {
                    name: sig.ident.to_string(),
                    ty,
                });
            }
        }
    }
    None
}

/// Rewrites `types::X` and `super::X` (paths inside the generated client) to `::calcom::…`.
struct PublicPaths;

impl VisitMut for PublicPaths {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if path.leading_colon.is_none() {
            if let Some(first) = path.segments.first_mut() {
                if first.ident == "super" {
                    first.ident = Ident::new("calcom", Span::call_site());
                    path.leading_colon = Some(Default::default());
                } else if first.ident == "types" {
                    path.segments.insert(0, syn::parse_quote!(calcom));
                    path.leading_colon = Some(Default::default());
                }
            }
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

/// The typed answer of every generated operation, by client method name: `T` of the
/// `Result<ResponseValue<T>, Error<..>>` its builder's `send()` returns, with paths usable
/// outside the crate. Operations whose answer is not decoded JSON (`ByteStream`, `()`)
/// are left out.
pub fn response_types(client: &syn::File) -> HashMap<String, syn::Type> {
    let mut answer_of: HashMap<String, syn::Type> = HashMap::new();
    let builder_of = walk_builders(client, |builder, f| {
        if f.sig.ident == "send" {
            if let Some(ty) = sent_answer(&f.sig) {
                answer_of.insert(builder.to_string(), ty);
            }
        }
    });
    builder_of
        .into_iter()
        .filter_map(|(method, builder)| Some((method, answer_of.get(&builder)?.clone())))
        .collect()
}

/// `T` of `-> Result<ResponseValue<T>, Error<E>>`, unless it is a byte stream or `()`.
fn sent_answer(sig: &syn::Signature) -> Option<syn::Type> {
    fn first_type_argument(ty: &syn::Type, outer: &str) -> Option<syn::Type> {
        crate::syn_items::type_arguments(ty, outer)?
            .first()
            .map(|t| (*t).clone())
    }
    let ty = crate::syn_items::send_output(sig)?;
    let value = first_type_argument(ty, "Result")?;
    let mut answer = first_type_argument(&value, "ResponseValue")?;
    let opaque = match &answer {
        syn::Type::Tuple(t) => t.elems.is_empty(),
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "ByteStream" || s.ident == "Upgraded"),
        _ => false,
    };
    if opaque {
        return None;
    }
    PublicPaths.visit_type_mut(&mut answer);
    Some(answer)
}

/// Rust source of `calcom_for_each_response!(callback)`: `callback!(method_name, Type);`
/// for every generated operation whose answer is decoded JSON, in `records` order.
pub fn responses_source(
    records: &[OperationRecord],
    answers: &HashMap<String, syn::Type>,
) -> TokenStream {
    let calls = records.iter().filter_map(|record| {
        let ty = answers.get(&record.name)?;
        let method_name = Ident::new(&record.name, Span::call_site());
        Some(quote! { $callback!(#method_name, #ty); })
    });
    quote! {
        /// Calls `$callback!(method, AnswerType);` once for every generated operation whose
        /// success answer is decoded from JSON, in document order.
        #[allow(unused_macros)]
        macro_rules! calcom_for_each_response {
            ($callback:ident) => {
                #(#calls)*
            };
        }
    }
}

/// Letters and digits only, lower case: `orgId`, `org_id` and `org-id` compare equal.
fn squash(name: &str) -> String {
    name.trim_end_matches('_')
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// One parameter of the normalised operation and the setter that sends it.
struct Call {
    location: String,
    name: String,
    setter: String,
    ty: syn::Type,
    required: bool,
}

/// Rust source of the registry.
///
/// - `calcom_for_each_operation!(callback)` expands, for every generated operation, to
///   `callback!(method_name, "METHOD", "/path", [(location, "name", setter, Type, required), …],
///   [(BodyType, required)]);` (the body list is empty without a JSON body);
/// - `CALCOM_OPERATION_DEFECTS` lists `(method_name, reason)` for what in the document makes
///   an operation impossible to call as written;
/// - `CALCOM_UNCALLABLE_PARAMETERS` lists `(method_name, reason)` for parameters no builder
///   setter sends (a generator fault: the suite fails on it);
/// - `CALCOM_SOURCE_DOCUMENT` is the document as given to the generator, before normalisation.
pub fn registry_source(
    records: &[OperationRecord],
    normalised: &Value,
    setters: &HashMap<String, Vec<Setter>>,
    source_document: &str,
) -> TokenStream {
    let mut operations = Vec::new();
    let mut uncallable: Vec<(String, String)> = Vec::new();
    for record in records {
        let op = normalised
            .get("paths")
            .and_then(|p| p.get(&record.path))
            .and_then(|item| item.get(record.method.to_ascii_lowercase()));
        let Some(op) = op else { continue };
        let available = setters.get(&record.name).map(Vec::as_slice).unwrap_or(&[]);
        let mut calls = Vec::new();
        for param in op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = param
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let location = param.get("in").and_then(Value::as_str).unwrap_or_default();
            let required = param.get("required").and_then(Value::as_bool) == Some(true);
            match available.iter().find(|s| squash(&s.name) == squash(name)) {
                Some(s) => calls.push(Call {
                    location: location.to_string(),
                    name: name.to_string(),
                    setter: s.name.clone(),
                    ty: s.ty.clone(),
                    required,
                }),
                None => uncallable.push((
                    record.name.clone(),
                    format!("{location} parameter `{name}` has no builder setter"),
                )),
            }
        }
        let body = op.get("requestBody").map(|body| {
            let required = body.get("required").and_then(Value::as_bool) == Some(true);
            (available.iter().find(|s| s.name == "body"), required)
        });
        let body = match body {
            Some((Some(setter), required)) => {
                let ty = &setter.ty;
                quote! { (#ty, #required) }
            }
            Some((None, _)) => {
                uncallable.push((
                    record.name.clone(),
                    "the request body has no `body` setter".into(),
                ));
                quote! {}
            }
            None => quote! {},
        };
        let method_name = Ident::new(&record.name, Span::call_site());
        let http_method = &record.method;
        let path = &record.path;
        let params = calls.iter().map(|c| {
            let location = Ident::new(&c.location, Span::call_site());
            let name = &c.name;
            let setter = Ident::new(&c.setter, Span::call_site());
            let ty = c.ty.to_token_stream();
            let required = c.required;
            quote! { (#location, #name, #setter, #ty, #required) }
        });
        operations.push(quote! {
            $callback!(#method_name, #http_method, #path, [#(#params),*], [#body]);
        });
    }
    let defects = records.iter().flat_map(|r| {
        let name = &r.name;
        r.defects.iter().map(move |d| quote! { (#name, #d) })
    });
    let uncallable = uncallable.iter().map(|(n, r)| quote! { (#n, #r) });
    quote! {
        /// Calls `$callback!(method, "METHOD", "/path", [(location, "name", setter, Type,
        /// required), …], [(BodyType, required)]);` once for every generated operation, in
        /// document order.
        #[allow(unused_macros)]
        macro_rules! calcom_for_each_operation {
            ($callback:ident) => {
                #(#operations)*
            };
        }

        /// What in the document makes an operation impossible to call as written.
        #[allow(dead_code)]
        pub const CALCOM_OPERATION_DEFECTS: &[(&str, &str)] = &[#(#defects),*];

        /// Parameters that no builder setter sends.
        #[allow(dead_code)]
        pub const CALCOM_UNCALLABLE_PARAMETERS: &[(&str, &str)] = &[#(#uncallable),*];

        /// The document the client was generated from, before normalisation.
        #[allow(dead_code)]
        pub const CALCOM_SOURCE_DOCUMENT: &str = #source_document;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn client() -> syn::File {
        syn::parse_quote! {
            impl Client {
                pub fn get_team(&self) -> builder::GetTeam<'_> { builder::GetTeam::new(self) }
            }
            pub mod builder {
                use super::types;
                impl<'a> GetTeam<'a> {
                    pub fn new(client: &'a super::Client) -> Self { todo!() }
                    pub fn org_id<V>(mut self, value: V) -> Self
                    where V: std::convert::TryInto<i64> { self }
                    pub fn type_<V>(mut self, value: V) -> Self
                    where V: std::convert::TryInto<types::Kind> { self }
                    pub fn body<V>(mut self, value: V) -> Self
                    where
                        V: std::convert::TryInto<types::TeamInput>,
                        <V as std::convert::TryInto<types::TeamInput>>::Error: std::fmt::Display,
                    { self }
                    pub async fn send(self) -> Result<(), ()> { Ok(()) }
                }
            }
        }
    }

    fn record(defects: Vec<String>) -> OperationRecord {
        OperationRecord {
            path: "/v2/orgs/{orgId}/teams".into(),
            method: "POST".into(),
            operation_id: "getTeam".into(),
            name: "get_team".into(),
            tags: vec![],
            api_version: None,
            auth: Default::default(),
            defects,
        }
    }

    #[test]
    fn reads_setters_and_their_public_types() {
        let setters = builder_setters(&client());
        let got: Vec<(String, String)> = setters["get_team"]
            .iter()
            .map(|s| (s.name.clone(), s.ty.to_token_stream().to_string()))
            .collect();
        assert_eq!(
            got,
            [
                ("org_id".to_string(), "i64".to_string()),
                ("type_".into(), ":: calcom :: types :: Kind".into()),
                ("body".into(), ":: calcom :: types :: TeamInput".into()),
            ]
        );
    }

    #[test]
    fn reads_the_typed_answer_of_send() {
        let mut file = client();
        let answers = response_types(&file);
        assert!(
            answers.is_empty(),
            "send() -> Result<(), ()> has no typed answer"
        );
        file = syn::parse_quote! {
            impl Client {
                pub fn get_team(&self) -> builder::GetTeam<'_> { builder::GetTeam::new(self) }
                pub fn get_file(&self) -> builder::GetFile<'_> { builder::GetFile::new(self) }
            }
            pub mod builder {
                impl<'a> GetTeam<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::TeamOutput>, Error<()>> { todo!() }
                }
                impl<'a> GetFile<'a> {
                    pub async fn send(self) -> Result<ResponseValue<ByteStream>, Error<()>> { todo!() }
                }
            }
        };
        let answers = response_types(&file);
        assert_eq!(answers.len(), 1);
        assert_eq!(
            answers["get_team"].to_token_stream().to_string(),
            ":: calcom :: types :: TeamOutput"
        );
        let src = responses_source(&[record(vec![])], &answers).to_string();
        assert!(
            src.contains("$ callback ! (get_team , :: calcom :: types :: TeamOutput) ;"),
            "{src}"
        );
    }

    #[test]
    fn lists_every_parameter_with_its_setter_and_reports_the_rest() {
        let doc = json!({"paths": {"/v2/orgs/{orgId}/teams": {"post": {
            "parameters": [
                {"name": "orgId", "in": "path", "required": true},
                {"name": "type", "in": "query"},
                {"name": "sort[by]", "in": "query"}
            ],
            "requestBody": {"required": true, "content": {"application/json": {}}}
        }}}});
        let src = registry_source(
            &[record(vec!["no way".into()])],
            &doc,
            &builder_setters(&client()),
            "/docs/openapi.json",
        )
        .to_string();
        assert!(
            src.contains("(path , \"orgId\" , org_id , i64 , true)"),
            "{src}"
        );
        assert!(
            src.contains("(query , \"type\" , type_ , :: calcom :: types :: Kind , false)"),
            "{src}"
        );
        assert!(
            src.contains("[(:: calcom :: types :: TeamInput , true)]"),
            "{src}"
        );
        assert!(
            src.contains("(\"get_team\" , \"query parameter `sort[by]` has no builder setter\")"),
            "{src}"
        );
        assert!(src.contains("(\"get_team\" , \"no way\")"), "{src}");
        assert!(src.contains("\"/docs/openapi.json\""), "{src}");
    }
}
