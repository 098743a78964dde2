//! What every generated `send()` does per request, without the work nobody needs:
//!
//! - **Path parameters** are percent-encoded while the URL is formatted
//!   (`calcom::path::Segment(&org_id)`), where progenitor writes
//!   `encode_path(&org_id.to_string())`: two strings allocated per parameter.
//! - **progenitor's `api-version` header** (the document's `info.version`, "1.0.0") is not
//!   built: Cal.com versions operations with `cal-api-version`, which the client sets, and
//!   the header map progenitor builds for it was allocated and filled on every call only to
//!   be removed again before sending.
//!
//! The load bench (`cargo bench --bench load`) measures what this saves.

use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Expr, Stmt};

/// The header progenitor adds to every operation.
const PROGENITOR_VERSION_HEADER: &str = "api-version";
/// The local progenitor builds it in.
const HEADER_MAP: &str = "header_map";

/// How many of each rewrite were made.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SendRewrites {
    /// `encode_path(&x.to_string())` calls replaced.
    pub path_segments: usize,
    /// Operations whose `api-version` header is no longer built.
    pub version_headers: usize,
}

/// Rewrites every `send()` of `client`.
pub fn rewrite_sends(client: &mut syn::File) -> SendRewrites {
    let mut rewrite = Rewrite::default();
    rewrite.visit_file_mut(client);
    rewrite.counts
}

#[derive(Default)]
struct Rewrite {
    counts: SendRewrites,
}

impl VisitMut for Rewrite {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Some(value) = encode_path_argument(expr) {
            *expr = syn::parse_quote!(::calcom::path::Segment(&#value));
            self.counts.path_segments += 1;
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }

    // The URL is built with `format!`, whose arguments syn sees only as tokens.
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        if !mac.path.is_ident("format") {
            return;
        }
        let parser = Punctuated::<Expr, syn::Token![,]>::parse_terminated;
        let Ok(mut args) = mac.parse_body_with(parser) else {
            return;
        };
        let before = self.counts.path_segments;
        args.iter_mut().for_each(|arg| self.visit_expr_mut(arg));
        if self.counts.path_segments > before {
            mac.tokens = args.into_token_stream();
        }
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !appends_version_header(stmt));
        if block.stmts.len() < before {
            self.counts.version_headers += 1;
            // With no other entry (a header parameter), the map itself goes too.
            if !block.stmts.iter().any(fills_header_map) {
                block.stmts.retain(|stmt| !declares_header_map(stmt));
                StripHeaders.visit_block_mut(block);
            }
        }
        syn::visit_mut::visit_block_mut(self, block);
    }
}

/// `x` of `encode_path(&x.to_string())`.
fn encode_path_argument(expr: &Expr) -> Option<Expr> {
    let Expr::Call(call) = expr else { return None };
    let Expr::Path(func) = call.func.as_ref() else {
        return None;
    };
    let named = func
        .path
        .segments
        .last()
        .is_some_and(|s| s.ident == "encode_path");
    if !named || call.args.len() != 1 {
        return None;
    }
    let Some(Expr::Reference(reference)) = call.args.first() else {
        return None;
    };
    let Expr::MethodCall(to_string) = reference.expr.as_ref() else {
        return None;
    };
    (to_string.method == "to_string" && to_string.args.is_empty())
        .then(|| (*to_string.receiver).clone())
}

/// The call of `header_map.append(…);` and the like.
fn header_map_call(stmt: &Stmt) -> Option<&syn::ExprMethodCall> {
    match stmt {
        Stmt::Expr(Expr::MethodCall(call), _) if receiver_is(&call.receiver, HEADER_MAP) => {
            Some(call)
        }
        _ => None,
    }
}

/// `header_map.append(HeaderName::from_static("api-version"), …);`
fn appends_version_header(stmt: &Stmt) -> bool {
    let Some(call) = header_map_call(stmt).filter(|call| call.method == "append") else {
        return false;
    };
    let Some(Expr::Call(name)) = call.args.first() else {
        return false;
    };
    matches!(
        name.args.first(),
        Some(Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }))
            if s.value() == PROGENITOR_VERSION_HEADER
    )
}

/// `header_map.append(…);` and the like.
fn fills_header_map(stmt: &Stmt) -> bool {
    header_map_call(stmt).is_some()
}

/// `let mut header_map = …;`
fn declares_header_map(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::Local(local) if pattern_is(&local.pat, HEADER_MAP))
}

fn pattern_is(pat: &syn::Pat, name: &str) -> bool {
    match pat {
        syn::Pat::Ident(p) => p.ident == name,
        syn::Pat::Type(t) => pattern_is(&t.pat, name),
        _ => false,
    }
}

fn receiver_is(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Path(p) if p.path.is_ident(name))
}

/// Removes `.headers(header_map)` from the request builder chain.
struct StripHeaders;

impl VisitMut for StripHeaders {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(call) = expr {
            let takes_header_map = call.method == "headers"
                && call.args.len() == 1
                && call
                    .args
                    .first()
                    .is_some_and(|a| receiver_is(a, HEADER_MAP));
            if takes_header_map {
                *expr = (*call.receiver).clone();
                self.visit_expr_mut(expr);
                return;
            }
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send(body: syn::Block) -> syn::File {
        syn::parse_quote! { async fn send() #body }
    }

    /// What progenitor writes for its `api-version` header, in a map of `capacity`.
    fn version_header(capacity: usize) -> [Stmt; 2] {
        [
            syn::parse_quote!(
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(#capacity);
            ),
            syn::parse_quote!(
                header_map.append(
                    ::reqwest::header::HeaderName::from_static("api-version"),
                    ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                );
            ),
        ]
    }

    #[test]
    fn path_segments_are_encoded_in_place() {
        let mut file = send(syn::parse_quote!({
            let url = format!(
                "{}/v2/organizations/{}/delegation-credentials/{}",
                client.baseurl,
                encode_path(&org_id.to_string()),
                encode_path(&credential_id.to_string()),
            );
        }));
        let counts = rewrite_sends(&mut file);
        assert_eq!(counts.path_segments, 2);
        let src = file.to_token_stream().to_string();
        assert!(
            src.contains(":: calcom :: path :: Segment (& org_id)")
                && src.contains(":: calcom :: path :: Segment (& credential_id)")
                && !src.contains("encode_path"),
            "{src}"
        );
    }

    #[test]
    fn the_version_header_is_not_built() {
        let [declare, append] = version_header(1);
        let mut file = send(syn::parse_quote!({
            #declare
            #append
            let mut request = client
                .client
                .patch(url)
                .json(&body)
                .headers(header_map)
                .build()?;
        }));
        assert_eq!(rewrite_sends(&mut file).version_headers, 1);
        let src = file.to_token_stream().to_string();
        assert!(
            !src.contains("header_map") && src.contains(". patch (url) . json (& body) . build ()"),
            "{src}"
        );
    }

    #[test]
    fn a_header_map_with_other_headers_keeps_them() {
        let [declare, append] = version_header(2);
        let mut file = send(syn::parse_quote!({
            #declare
            #append
            header_map.append("x-trace", value.to_string().try_into()?);
            let mut request = client.client.get(url).headers(header_map).build()?;
        }));
        assert_eq!(rewrite_sends(&mut file).version_headers, 1);
        let src = file.to_token_stream().to_string();
        assert!(
            src.contains(". headers (header_map)")
                && src.contains("x-trace")
                && !src.contains("api-version"),
            "{src}"
        );
    }
}
