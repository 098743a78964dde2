//! Typed httpmock helpers for users' tests (cargo feature `mock` of `calcom`).
//!
//! progenitor generates them (`Generator::httpmock`): an extension trait on
//! `httpmock::MockServer` with one method per operation, whose `when` matchers take the
//! operation's typed parameters and whose `then` answers take its typed responses. They
//! are generated from the same document and settings as the client, so the types match.

use std::path::Path;

use quote::ToTokens;
use serde_json::Value;
use syn::visit_mut::VisitMut;

use crate::error::CodegenError;
use crate::generate::{self, GenerateOptions};

/// The helpers' source (formatted), or `None` when `options.mock` is off.
///
/// `doc` is the document the client was generated from (what could not be generated
/// already left out). The generated code names the client's types as `crate::types::…`,
/// so it must be included in the crate root's tree (`calcom::mock`).
pub fn mock_source(
    file: &Path,
    doc: &Value,
    options: &GenerateOptions,
) -> Result<Option<String>, CodegenError> {
    if !options.mock {
        return Ok(None);
    }
    let spec = generate::parse_openapi(file, doc)?;
    let tokens = generate::run_guarded(&spec, options, |generator, spec| {
        generator.httpmock(spec, "crate")
    })
    .map_err(|e| {
        CodegenError::unsupported(
            file,
            "",
            format!("the httpmock helpers (feature `mock`): {e}"),
        )
    })?;
    let mut source = generate::parse(file, tokens)?;
    ListQueryParams.visit_file_mut(&mut source);
    Ok(Some(prettyplease::unparse(&source)))
}

/// progenitor's matcher for a list-valued query parameter calls `value.to_string()` on
/// the `Vec`, which does not compile. The client sends a list as the parameter repeated
/// (`status=a&status=b`), so the matcher becomes one `query_param` per element.
struct ListQueryParams;

impl ListQueryParams {
    fn takes_a_list(sig: &syn::Signature) -> bool {
        let mentions_vec = |tokens: String| tokens.contains("Vec <");
        sig.inputs
            .iter()
            .any(|i| mentions_vec(i.to_token_stream().to_string()))
            || sig
                .generics
                .where_clause
                .as_ref()
                .is_some_and(|w| mentions_vec(w.to_token_stream().to_string()))
    }
}

impl VisitMut for ListQueryParams {
    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        if Self::takes_a_list(&f.sig) {
            PerElement.visit_block_mut(&mut f.block);
        }
    }
}

/// Rewrites `RECEIVER.query_param(NAME, value.to_string())` into a fold over `value`.
struct PerElement;

impl VisitMut for PerElement {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let syn::Expr::MethodCall(call) = expr else {
            return;
        };
        if call.method != "query_param" || call.args.len() != 2 {
            return;
        }
        let receiver = &call.receiver;
        let name = &call.args[0];
        *expr = syn::parse_quote! {
            value.iter().fold(#receiver, |when, value| when.query_param(#name, value.to_string()))
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_query_matchers_match_each_element() {
        let mut file: syn::File = syn::parse_quote! {
            impl W {
                pub fn status<'a, T>(self, value: T) -> Self
                where
                    T: Into<Option<&'a ::std::vec::Vec<types::Status>>>,
                {
                    if let Some(value) = value.into() {
                        Self(self.0.query_param("status", value.to_string()))
                    } else {
                        Self(self.0.query_param_missing("status"))
                    }
                }
                pub fn take<T>(self, value: T) -> Self where T: Into<Option<i64>> {
                    if let Some(value) = value.into() {
                        Self(self.0.query_param("take", value.to_string()))
                    } else {
                        Self(self.0.query_param_missing("take"))
                    }
                }
            }
        };
        ListQueryParams.visit_file_mut(&mut file);
        let source = prettyplease::unparse(&file);
        let compact: String = source.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            compact.contains(
                r#"Self(value.iter().fold(self.0,|when,value|when.query_param("status",value.to_string())"#
            ),
            "{source}"
        );
        assert!(
            source.contains(r#"Self(self.0.query_param("take", value.to_string()))"#),
            "{source}"
        );
        assert!(
            source.contains(r#"query_param_missing("status")"#),
            "{source}"
        );
    }
}
