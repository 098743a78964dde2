//! Paginated list operations: recognised from the document, given a `.stream()`.
//!
//! Cal.com pages with query parameters, no cursors. An operation is paginated when it is a
//! GET with the query parameters `take` + `skip` or `limit` + `offset`, and its success
//! answer is an object whose `data` is an array; when the answer also has a `pagination`
//! object with `hasNextPage`, that decides whether another page follows. [`find`] reads
//! this from the normalised document; [`add_streams`] adds to each such builder a
//! `stream()` method (inside the generated `builder` module, the only place that can read
//! the builder's private fields) that walks the pages through the hand-written
//! `crate::pagination::pages` of the `calcom` crate.

use heck::ToUpperCamelCase;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use serde_json::Value;
use syn::{GenericArgument, Item, PathArguments, ReturnType, Type};

use crate::passes::OperationRecord;
use crate::refs::resolve;
use crate::syn_items::{last_segment, module, module_mut};

/// Page size when the document declares neither a maximum nor a default for it.
pub const FALLBACK_PAGE_SIZE: u64 = 100;

/// The two ways Cal.com names its paging parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `take` (page size) + `skip` (items before the page).
    TakeSkip,
    /// `limit` (page size) + `offset` (items before the page).
    LimitOffset,
}

impl Shape {
    /// The (page size, offset) query parameter names.
    pub fn parameters(self) -> (&'static str, &'static str) {
        match self {
            Shape::TakeSkip => ("take", "skip"),
            Shape::LimitOffset => ("limit", "offset"),
        }
    }
}

/// One paginated operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paginated {
    /// The generated method name.
    pub name: String,
    /// Its parameter names.
    pub shape: Shape,
    /// The page size asked for when the builder sets none.
    pub page_size: u64,
    /// Where [`Paginated::page_size`] comes from: `maximum`, `default` or `fallback`.
    pub page_size_from: &'static str,
    /// Whether the page-size / offset parameters are required (the builder then holds
    /// the value itself, not an `Option`).
    pub size_required: bool,
    /// See [`Paginated::size_required`].
    pub offset_required: bool,
    /// Whether the answer's `data` is required.
    pub data_required: bool,
    /// The answer's `pagination.hasNextPage`, when the answer has one: whether `pagination`
    /// and `hasNextPage` are required.
    pub has_next_page: Option<(bool, bool)>,
}

fn required(schema: &Value, name: &str) -> bool {
    schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|n| n == name))
}

fn query_parameter<'a>(op: &'a Value, name: &str) -> Option<&'a Value> {
    op.get("parameters")?
        .as_array()?
        .iter()
        .find(|p| crate::passes::is_parameter(p, "query", name))
}

fn success_schema<'a>(doc: &'a Value, op: &'a Value) -> Option<&'a Value> {
    let responses = op.get("responses")?.as_object()?;
    let (_, response) = responses.iter().find(|(code, _)| code.starts_with('2'))?;
    let schema = resolve(doc, response)
        .get("content")?
        .get("application/json")?
        .get("schema")?;
    Some(resolve(doc, schema))
}

/// The paginated operations of the normalised `doc`, in the order of `records`.
pub fn find(doc: &Value, records: &[OperationRecord]) -> Vec<Paginated> {
    records
        .iter()
        .filter(|r| r.method.eq_ignore_ascii_case("GET"))
        .filter_map(|record| {
            let op = doc.get("paths")?.get(&record.path)?.get("get")?;
            let (shape, size, offset) = [Shape::TakeSkip, Shape::LimitOffset]
                .into_iter()
                .find_map(|shape| {
                    let (size, offset) = shape.parameters();
                    Some((
                        shape,
                        query_parameter(op, size)?,
                        query_parameter(op, offset)?,
                    ))
                })?;
            let answer = success_schema(doc, op)?;
            let properties = answer.get("properties")?;
            let data = resolve(doc, properties.get("data")?);
            if data.get("type").and_then(Value::as_str) != Some("array") {
                return None;
            }
            let has_next_page = properties.get("pagination").and_then(|p| {
                let p = resolve(doc, p);
                p.get("properties")?.get("hasNextPage")?;
                Some((required(answer, "pagination"), required(p, "hasNextPage")))
            });
            let size_schema = size.get("schema").map(|s| resolve(doc, s));
            let declared = |key: &str| {
                size_schema
                    .and_then(|s| s.get(key))
                    .and_then(|n| {
                        // `250` or `250.0`: both are a page size.
                        n.as_u64().or_else(|| {
                            n.as_f64()
                                .filter(|f| f.fract() == 0.0 && *f >= 1.0 && *f <= 1e15)
                                .map(|f| f as u64)
                        })
                    })
                    .filter(|n| *n > 0)
            };
            let (page_size, page_size_from) = match (declared("maximum"), declared("default")) {
                (Some(max), _) => (max, "maximum"),
                (None, Some(default)) => (default, "default"),
                (None, None) => (FALLBACK_PAGE_SIZE, "fallback"),
            };
            let is_required = |p: &Value| p.get("required").and_then(Value::as_bool) == Some(true);
            Some(Paginated {
                name: record.name.clone(),
                shape,
                page_size,
                page_size_from,
                size_required: is_required(size),
                offset_required: is_required(offset),
                data_required: required(answer, "data"),
                has_next_page,
            })
        })
        .collect()
}

/// The last generic argument's first type of `Result<T, _>` / `ResponseValue<T>` / `Vec<T>`.
fn first_generic(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// The answer type's name (in `types`) of the builder `builder`, from its `send`.
fn answer_type(builders: &[Item], builder: &str) -> Option<String> {
    builders.iter().find_map(|item| {
        let Item::Impl(block) = item else { return None };
        if last_segment(&block.self_ty)? != builder {
            return None;
        }
        block.items.iter().find_map(|item| {
            let syn::ImplItem::Fn(f) = item else {
                return None;
            };
            if f.sig.ident != "send" {
                return None;
            }
            let ty = crate::syn_items::send_output(&f.sig)?;
            last_segment(first_generic(first_generic(ty)?)?)
        })
    })
}

/// The element type of the `data` field of the struct `answer` in `types`.
fn item_type(types: &[Item], answer: &str) -> Option<Type> {
    types.iter().find_map(|item| {
        let Item::Struct(s) = item else { return None };
        if s.ident != answer {
            return None;
        }
        let field = s
            .fields
            .iter()
            .find(|f| f.ident.as_ref().is_some_and(|i| i == "data"))?;
        let mut ty = &field.ty;
        if last_segment(ty).as_deref() == Some("Option") {
            ty = first_generic(ty)?;
        }
        if last_segment(ty).as_deref() != Some("Vec") {
            return None;
        }
        let item = first_generic(ty)?.clone();
        // The struct lives in `types`; the method is generated in `builder`.
        Some(match &item {
            Type::Path(p)
                if p.qself.is_none()
                    && p.path.leading_colon.is_none()
                    && p.path.segments.len() == 1 =>
            {
                syn::parse_quote!(types::#item)
            }
            _ => item,
        })
    })
}

fn stream_method(op: &Paginated, builder: &syn::Ident, item: &Type) -> TokenStream {
    let (size_name, offset_name) = op.shape.parameters();
    let size = syn::Ident::new(size_name, Span::call_site());
    let offset = syn::Ident::new(offset_name, Span::call_site());
    let page_size = op.page_size;
    // Page sizes and offsets travel as u64; the builder's own types differ (`i64`,
    // `NonZeroU64` where the document says `minimum: 1`), and both convert both ways
    // through `TryFrom`, so no type needs naming here.
    let read = |field: &syn::Ident, name: &str, is_required: bool, default: TokenStream| {
        let negative = format!("{name} must not be negative to page");
        let convert = quote! {
            ::std::primitive::u64::try_from(v.clone()).map_err(|_| #negative.to_string())
        };
        if is_required {
            quote! {
                match &self.#field {
                    Err(e) => Err(e.clone()),
                    Ok(v) => #convert,
                }
            }
        } else {
            quote! {
                match &self.#field {
                    Err(e) => Err(e.clone()),
                    Ok(None) => Ok(#default),
                    Ok(Some(v)) => #convert,
                }
            }
        }
    };
    let size_value = read(&size, size_name, op.size_required, quote! { #page_size });
    let offset_value = read(&offset, offset_name, op.offset_required, quote! { 0 });
    let items = if op.data_required {
        quote! { answer.data }
    } else {
        quote! { answer.data.unwrap_or_default() }
    };
    let has_next_page = match op.has_next_page {
        None => quote! { None },
        Some((true, true)) => quote! { Some(answer.pagination.has_next_page) },
        Some((true, false)) => quote! { answer.pagination.has_next_page },
        Some((false, true)) => quote! { answer.pagination.as_ref().map(|p| p.has_next_page) },
        Some((false, false)) => {
            quote! { answer.pagination.as_ref().and_then(|p| p.has_next_page) }
        }
    };
    let end = match op.has_next_page {
        Some(_) => "`pagination.hasNextPage` is false, or a page is empty",
        None => "a page is shorter than the page size, or empty",
    };
    let doc = format!(
        " Every item of every page, as a stream: pages are requested one at a time, only \
         when the items before them have been consumed, with `{size_name}` = the page size \
         set on this builder (else {page_size}, the document's {}) and `{offset_name}` \
         advancing from the one set (else 0). It ends when {end}, or after the first \
         error (yielded once, after the client's retries).",
        op.page_size_from
    );
    quote! {
        impl<'a> #builder<'a> {
            #[doc = #doc]
            pub fn stream(
                self,
            ) -> impl ::futures_util::Stream<Item = crate::Result<#item>> + ::std::marker::Unpin + 'a {
                let size: ::std::result::Result<u64, String> = #size_value;
                let offset: ::std::result::Result<u64, String> = #offset_value;
                let first = size.and_then(|size| offset.map(|offset| (size, offset)));
                crate::pagination::pages(first, move |size, offset| {
                    let request = self.clone().#size(size).#offset(offset);
                    async move {
                        let answer = request.send().await?.into_inner();
                        Ok(crate::pagination::Page {
                            has_next_page: #has_next_page,
                            items: #items,
                        })
                    }
                })
            }
        }
    }
}

/// Adds `stream()` to the builder of every operation in `paginated`; returns the names
/// of those whose `data` element type could not be read from the generated code (they
/// get no stream).
pub fn add_streams(client: &mut syn::File, paginated: &[Paginated]) -> Vec<String> {
    let mut missed = Vec::new();
    let mut methods = Vec::new();
    {
        let builders = module(&client.items, "builder").unwrap_or_default();
        let types = module(&client.items, "types").unwrap_or_default();
        for op in paginated {
            let builder = op.name.to_upper_camel_case();
            let item = answer_type(builders, &builder).and_then(|a| item_type(types, &a));
            match item {
                Some(item) => {
                    let ident = syn::Ident::new(&builder, Span::call_site());
                    methods.push((op.name.clone(), stream_method(op, &ident, &item)));
                }
                None => missed.push(op.name.clone()),
            }
        }
    }
    if let Some(items) = module_mut(&mut client.items, "builder") {
        for (name, method) in methods {
            // Our own tokens; if they ever failed to parse, the operation is reported.
            match syn::parse2::<Item>(method) {
                Ok(item) => items.push(item),
                Err(_) => missed.push(name),
            }
        }
    }
    missed
}

/// What `generate_value` runs: [`find`] the paginated operations of the generated
/// `doc`, [`add_streams`] to their builders, and report an operation that got none as
/// skipped (its method is generated, its stream is not).
pub fn add_streams_to_client(
    client: &mut syn::File,
    doc: &Value,
    records: &[OperationRecord],
    report: &mut crate::Report,
) {
    let paginated = find(doc, records);
    for name in add_streams(client, &paginated) {
        report.paginated_operations.retain(|n| *n != name);
        let pointer = records
            .iter()
            .find(|r| r.name == name)
            .map(|r| calcom_spec::pointer::from_tokens(["paths", r.path.as_str(), "get"]))
            .unwrap_or_default();
        report.skipped.push(crate::report::Skipped {
            pointer,
            reason: format!(
                "{name}: no stream(), the element type of its answer's `data` is not a list in the generated code"
            ),
        });
    }
}

/// The API snapshot's line for a generated `stream()`: `    .stream() -> Stream<T>`,
/// with `T` the stream's item (a `Result`), rendered by `render`.
pub fn snapshot_line(sig: &syn::Signature, render: fn(&syn::Type) -> String) -> Option<String> {
    let ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    let Type::ImplTrait(imp) = ty.as_ref() else {
        return None;
    };
    imp.bounds.iter().find_map(|bound| {
        let syn::TypeParamBound::Trait(t) = bound else {
            return None;
        };
        let last = t.path.segments.last()?;
        let PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        args.args.iter().find_map(|a| match a {
            GenericArgument::AssocType(item) if item.ident == "Item" => Some(format!(
                "    .stream() -> Stream<Item = {}>   (paginated)\n",
                render(&item.ty)
            )),
            _ => None,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(name: &str, path: &str) -> OperationRecord {
        OperationRecord {
            path: path.into(),
            method: "GET".into(),
            operation_id: name.into(),
            name: name.into(),
            tags: Vec::new(),
            api_version: None,
            auth: Default::default(),
            defects: Vec::new(),
        }
    }

    fn query(name: &str, schema: Value) -> Value {
        json!({"name": name, "in": "query", "required": false, "schema": schema})
    }

    fn doc() -> Value {
        json!({
            "paths": {
                "/v2/bookings": {"get": {
                    "parameters": [query("take", json!({"type": "integer", "default": 100})),
                                   query("skip", json!({"type": "integer"}))],
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Bookings"}}}}}
                }},
                "/v2/users": {"get": {
                    "parameters": [query("limit", json!({"type": "integer"})),
                                   query("offset", json!({"type": "integer"}))],
                    "responses": {"200": {"content": {"application/json": {"schema": {
                        "type": "object", "required": ["data"],
                        "properties": {"data": {"type": "array", "items": {"type": "string"}}}}}}}}
                }},
                "/v2/webhooks": {"get": {
                    "parameters": [query("take", json!({"type": "integer", "maximum": 250, "default": 10})),
                                   query("skip", json!({"type": "integer"}))],
                    "responses": {"200": {"content": {"application/json": {"schema": {
                        "type": "object", "properties": {"data": {"$ref": "#/components/schemas/List"}}}}}}}
                }},
                "/v2/one": {"get": {
                    "parameters": [query("take", json!({})), query("skip", json!({}))],
                    "responses": {"200": {"content": {"application/json": {"schema": {
                        "type": "object", "properties": {"data": {"type": "object"}}}}}}}
                }},
                "/v2/half": {"get": {
                    "parameters": [query("take", json!({}))],
                    "responses": {"200": {"content": {"application/json": {"schema": {
                        "type": "object", "properties": {"data": {"type": "array"}}}}}}}
                }}
            },
            "components": {"schemas": {
                "Bookings": {"type": "object", "required": ["status", "data", "pagination"], "properties": {
                    "data": {"type": "array", "items": {}},
                    "pagination": {"$ref": "#/components/schemas/Meta"}}},
                "Meta": {"type": "object", "required": ["hasNextPage"], "properties": {"hasNextPage": {"type": "boolean"}}},
                "List": {"type": "array", "items": {}}
            }}
        })
    }

    #[test]
    fn recognises_both_shapes_from_parameters_and_answer() {
        let records = [
            record("get_bookings", "/v2/bookings"),
            record("get_users", "/v2/users"),
            record("get_webhooks", "/v2/webhooks"),
            record("get_one", "/v2/one"),
            record("get_half", "/v2/half"),
        ];
        let found = find(&doc(), &records);
        let names: Vec<_> = found.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["get_bookings", "get_users", "get_webhooks"]);
        assert_eq!(found[0].shape, Shape::TakeSkip);
        assert_eq!(
            (found[0].page_size, found[0].page_size_from),
            (100, "default")
        );
        assert_eq!(found[0].has_next_page, Some((true, true)));
        assert!(found[0].data_required);
        assert_eq!(found[1].shape, Shape::LimitOffset);
        assert_eq!(
            (found[1].page_size, found[1].page_size_from),
            (FALLBACK_PAGE_SIZE, "fallback")
        );
        assert_eq!(found[1].has_next_page, None);
        assert_eq!(
            (found[2].page_size, found[2].page_size_from),
            (250, "maximum")
        );
        assert!(!found[2].data_required);
    }

    #[test]
    fn adds_a_stream_to_the_builder_with_the_item_type_of_data() {
        let mut client: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Bookings { pub data: ::std::vec::Vec<Booking>, pub pagination: Meta }
            }
            pub mod builder {
                pub struct GetBookings<'a> { client: &'a super::Client }
                impl<'a> GetBookings<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Bookings>, Error<()>> { todo!() }
                }
                pub struct GetOther<'a> { client: &'a super::Client }
            }
        };
        let mut ops = find(&doc(), &[record("get_bookings", "/v2/bookings")]);
        ops.push(Paginated {
            name: "get_other".into(),
            ..ops[0].clone()
        });
        let missed = add_streams(&mut client, &ops);
        assert_eq!(missed, ["get_other"]);
        let source = prettyplease::unparse(&client);
        assert!(source.contains("pub fn stream("), "{source}");
        assert!(
            source.contains("Item = crate::Result<types::Booking>"),
            "{source}"
        );
        assert!(source.contains(".take(size).skip(offset)"), "{source}");
        assert!(
            source.contains("Some(answer.pagination.has_next_page)"),
            "{source}"
        );
        assert!(source.contains("Ok(None) => Ok(100u64)"), "{source}");
    }
}
