//! Struct builders only for the types a request carries.
//!
//! typify writes a builder for every struct: `types::builder::X` with a setter per field,
//! `Default`, conversions both ways, and `X::builder()`. A user builds request bodies (the
//! client's `.body_map(|b| ..)` starts from the body's builder) and the types inside them;
//! an answer arrives decoded, and nobody builds one. On the full 2025-09-26 document the
//! builders were 45 % of the generated lines, those of answer-only types 27 %.
//!
//! This rewrite keeps the builder of every type reachable from a field of a client builder
//! (bodies and parameters, through every field, variant and alias) and removes the others.
//! Answer types keep their public fields, so a test can still write one as a struct literal.
//!
//! The same holds for the string conversions typify writes for every string enum
//! (`TryFrom<&str>`, `TryFrom<&String>`, `TryFrom<String>`): a builder setter takes an enum
//! field as `TryInto<Enum>`, so that `.status("accepted")` works. An enum no request carries
//! has no setter left to take it; it keeps `FromStr` (`"accepted".parse()`) and `Display`.

use std::collections::HashSet;

use syn::Item;

use crate::passes::named_unions::NAMED_UNIONS;
use crate::syn_items::{last_segment, module, module_mut};
use crate::type_graph::{reach, referenced_names, type_graph};

/// What the rewrite did, by Rust type name.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Builders {
    /// Types that keep their builder: a request carries them.
    pub kept: usize,
    /// Types whose builder was removed: they occur only in answers.
    pub removed: Vec<String>,
    /// String conversions (`TryFrom<&str>` and the like) removed from answer-only enums.
    pub string_conversions_removed: usize,
}

/// Removes the builders of the types no request carries from the `types` module of `client`.
pub fn remove_answer_only_builders(client: &mut syn::File) -> Builders {
    let roots = request_roots(client);
    let Some(types) = module_mut(&mut client.items, "types") else {
        return Builders::default();
    };
    let mut graph = type_graph(types);
    // A hand-written union (`calcom::ServiceAccountKey`) hides its branches from the graph,
    // and a user builds them (`GoogleServiceAccountKeyInput::builder()`).
    for (branches, rust_type) in NAMED_UNIONS {
        let name = rust_type.rsplit("::").next().unwrap_or(rust_type);
        graph.insert(
            name.to_string(),
            branches.iter().map(|b| b.to_string()).collect(),
        );
    }
    let in_requests = reach(&graph, roots);
    let Some(builders) = module_mut(types, "builder") else {
        return Builders::default();
    };
    let (kept, dropped): (HashSet<String>, HashSet<String>) = builders
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .partition(|name| in_requests.contains(name));
    let removed = |name: Option<String>| name.is_some_and(|n| dropped.contains(&n));
    // The builder, its `Default`, its setters and both conversions: every item of
    // `types::builder` whose self type is the removed builder (or `super::X`).
    builders.retain(|item| match item {
        Item::Struct(s) => !removed(Some(s.ident.to_string())),
        Item::Impl(block) => !removed(last_segment(&block.self_ty)),
        _ => true,
    });
    // `X::builder()`, in an inherent impl of its own.
    for item in types.iter_mut() {
        if let Item::Impl(block) = item {
            if block.trait_.is_none() && removed(last_segment(&block.self_ty)) {
                block
                    .items
                    .retain(|i| !matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "builder"));
            }
        }
    }
    types.retain(|item| !matches!(item, Item::Impl(block) if block.trait_.is_none() && block.items.is_empty()));
    let answer_only_enums: HashSet<String> = types
        .iter()
        .filter_map(|item| match item {
            Item::Enum(e) if !in_requests.contains(&e.ident.to_string()) => {
                Some(e.ident.to_string())
            }
            _ => None,
        })
        .collect();
    let before = types.len();
    types.retain(|item| match item {
        Item::Impl(block) => {
            !(is_string_conversion(block)
                && last_segment(&block.self_ty).is_some_and(|n| answer_only_enums.contains(&n)))
        }
        _ => true,
    });
    let string_conversions_removed = before - types.len();
    let mut removed: Vec<String> = dropped.into_iter().collect();
    removed.sort();
    Builders {
        kept: kept.len(),
        removed,
        string_conversions_removed,
    }
}

/// `impl TryFrom<&str> for X`, `TryFrom<&String>` or `TryFrom<String>`.
fn is_string_conversion(block: &syn::ItemImpl) -> bool {
    let Some((_, path, _)) = &block.trait_ else {
        return false;
    };
    let Some(last) = path.segments.last() else {
        return false;
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    let Some(syn::GenericArgument::Type(arg)) = args.args.first() else {
        return false;
    };
    let arg = match arg {
        syn::Type::Reference(r) => r.elem.as_ref(),
        other => other,
    };
    last.ident == "TryFrom" && matches!(last_segment(arg).as_deref(), Some("str" | "String"))
}

/// The types the fields of the client's builders (`crate::builder`) mention: request
/// bodies (`types::builder::X`) and parameter types.
fn request_roots(client: &syn::File) -> Vec<String> {
    module(&client.items, "builder")
        .unwrap_or_default()
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s),
            _ => None,
        })
        .flat_map(|s| s.fields.iter().flat_map(|f| referenced_names(&f.ty)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> syn::File {
        syn::parse_quote! {
            pub mod types {
                pub struct Body { pub inner: Inner, pub choice: Choice }
                pub struct Inner { pub n: i64 }
                pub enum Choice { A(Branch), B(i64) }
                pub struct Branch { pub x: bool }
                pub struct Answer { pub data: AnswerData, pub status: AnswerStatus }
                pub struct AnswerData { pub n: i64 }
                pub enum AnswerStatus { Done }
                impl ::std::str::FromStr for AnswerStatus { type Err = (); }
                impl ::std::convert::TryFrom<&str> for AnswerStatus { type Error = (); }
                impl ::std::convert::TryFrom<&::std::string::String> for AnswerStatus { type Error = (); }
                impl ::std::convert::TryFrom<::std::string::String> for AnswerStatus { type Error = (); }
                impl ::std::convert::TryFrom<&str> for Choice { type Error = (); }
                impl ::std::convert::TryFrom<i64> for AnswerStatus { type Error = (); }
                impl ::std::convert::From<&Answer> for Answer {
                    fn from(value: &Answer) -> Self { value.clone() }
                }
                impl Answer {
                    pub fn builder() -> builder::Answer { Default::default() }
                }
                impl AnswerData {
                    pub fn builder() -> builder::AnswerData { Default::default() }
                    pub fn kept(&self) {}
                }
                impl Body {
                    pub fn builder() -> builder::Body { Default::default() }
                }
                impl Inner {
                    pub fn builder() -> builder::Inner { Default::default() }
                }
                impl Branch {
                    pub fn builder() -> builder::Branch { Default::default() }
                }
                pub mod builder {
                    pub struct Body { inner: Result<super::Inner, String> }
                    impl Default for Body { fn default() -> Self { todo!() } }
                    pub struct Inner { n: Result<i64, String> }
                    pub struct Branch { x: Result<bool, String> }
                    pub struct Answer { data: Result<super::AnswerData, String> }
                    impl Default for Answer { fn default() -> Self { todo!() } }
                    impl Answer { pub fn data(self) -> Self { self } }
                    impl TryFrom<Answer> for super::Answer { type Error = (); }
                    impl From<super::Answer> for Answer { }
                    pub struct AnswerData { n: Result<i64, String> }
                }
            }
            pub mod builder {
                pub struct CreateThing<'a> {
                    client: &'a super::Client,
                    body: Result<types::builder::Body, String>,
                }
                impl<'a> CreateThing<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Answer>, Error<()>> { todo!() }
                }
            }
        }
    }

    fn names(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|item| match item {
                Item::Struct(s) => format!("struct {}", s.ident),
                Item::Enum(e) => format!("enum {}", e.ident),
                Item::Impl(block) => {
                    let ty = last_segment(&block.self_ty).unwrap_or_default();
                    let tr = block
                        .trait_
                        .as_ref()
                        .and_then(|(_, p, _)| p.segments.last());
                    match tr {
                        Some(t) => format!("impl {} for {ty}", t.ident),
                        None => format!("impl {ty}"),
                    }
                }
                Item::Mod(m) => format!("mod {}", m.ident),
                _ => "other".into(),
            })
            .collect()
    }

    #[test]
    fn keeps_the_builders_a_request_reaches_and_removes_the_others() {
        let mut file = client();
        let done = remove_answer_only_builders(&mut file);
        assert_eq!(done.kept, 3, "Body, Inner and Branch (through the enum)");
        assert_eq!(done.removed, ["Answer", "AnswerData"]);
        assert_eq!(done.string_conversions_removed, 3);

        let types = module_mut(&mut file.items, "types").unwrap();
        let answer_data_items = types.iter().find_map(|item| match item {
            Item::Impl(b) if last_segment(&b.self_ty).as_deref() == Some("AnswerData") => {
                Some(b.items.len())
            }
            _ => None,
        });
        assert_eq!(
            answer_data_items,
            Some(1),
            "other methods of an inherent impl stay"
        );
        let builders = module_mut(types, "builder").unwrap();
        assert_eq!(
            names(builders),
            [
                "struct Body",
                "impl Default for Body",
                "struct Inner",
                "struct Branch"
            ]
        );
        let types = module_mut(&mut file.items, "types").unwrap();
        assert_eq!(
            names(types),
            [
                "struct Body",
                "struct Inner",
                "enum Choice",
                "struct Branch",
                "struct Answer",
                "struct AnswerData",
                "enum AnswerStatus",
                "impl FromStr for AnswerStatus",
                "impl TryFrom for Choice",
                "impl TryFrom for AnswerStatus",
                "impl From for Answer",
                "impl AnswerData",
                "impl Body",
                "impl Inner",
                "impl Branch",
                "mod builder",
            ]
        );
    }

    #[test]
    fn the_branches_of_a_hand_written_union_in_a_request_keep_their_builders() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Body { pub key: Option<calcom::ServiceAccountKey> }
                pub struct GoogleServiceAccountKeyInput { pub client_email: String }
                pub struct MicrosoftServiceAccountKeyInput { pub tenant_id: String }
                pub mod builder {
                    pub struct Body { key: Result<Option<calcom::ServiceAccountKey>, String> }
                    pub struct GoogleServiceAccountKeyInput { client_email: Result<String, String> }
                    pub struct MicrosoftServiceAccountKeyInput { tenant_id: Result<String, String> }
                }
            }
            pub mod builder {
                pub struct UpdateKey<'a> { body: Result<types::builder::Body, String> }
            }
        };
        let done = remove_answer_only_builders(&mut file);
        assert_eq!(done.kept, 3);
        assert!(done.removed.is_empty(), "{:?}", done.removed);
    }

    #[test]
    fn a_client_without_types_is_left_alone() {
        let mut file: syn::File = syn::parse_quote! { pub mod builder {} };
        assert_eq!(remove_answer_only_builders(&mut file), Builders::default());
    }
}
