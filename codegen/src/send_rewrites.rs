//! What every generated `send()` does per request, without the work nobody needs:
//!
//! - **Path parameters** are percent-encoded while the URL is formatted
//!   (`calcom::path::Segment(&org_id)`), where progenitor writes
//!   `encode_path(&org_id.to_string())`: two strings allocated per parameter.
//! - **progenitor's `api-version` header** (the document's `info.version`, "1.0.0") is not
//!   built: Cal.com versions operations with `cal-api-version`, which the client sets, and
//!   the header map progenitor builds for it was allocated and filled on every call only to
//!   be removed again before sending.
//! - **The request does not outlive its sending.** progenitor builds the request, lends it
//!   to the `pre` hook and moves it into `exec`, all in the body of `send()`; a local that
//!   was lent keeps its place in an `async fn`'s future until the end of its scope, so the
//!   request (264 bytes), the body and the path parameters stayed in every call's future
//!   while the answer was awaited, beside the copy `exec` holds. They are now built in a
//!   block whose value is `exec`'s future, awaited after the block ends.
//! - **The answer's body is not put back into a response.** `send()` calls
//!   `calcom::runner::exec_buffered`, which hands on the response with the body it read
//!   beside it, where progenitor's `exec` hook has to return a response whose body can be
//!   read again (for a program that calls `exec` itself, it still does).
//!
//! The load bench (`cargo bench --bench load`) measures what this saves.

use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Expr, Stmt};

use crate::syn_items::identifiers;

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
    /// `send()`s whose request is built in a block that ends before the answer is awaited.
    pub requests_scoped: usize,
    /// `client.exec(…)` calls that became `::calcom::runner::exec_buffered(client, …)`.
    pub buffered_execs: usize,
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
    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        crate::syn_items::visit_unless_types(self, module);
    }

    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        if f.sig.ident == "send" && f.sig.asyncness.is_some() && scope_request(&mut f.block) {
            self.counts.requests_scoped += 1;
        }
        syn::visit_mut::visit_impl_item_fn_mut(self, f);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(call) = expr {
            if call.method == "exec"
                && call.args.len() == 2
                && receiver_is(&call.receiver, "client")
            {
                let args = &call.args;
                *expr = syn::parse_quote!(::calcom::runner::exec_buffered(client, #args));
                self.counts.buffered_execs += 1;
                return;
            }
        }
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

/// Rewrites the statements of a `send()` from
///
/// ```text
/// let Self { client, org_id, body } = self;
/// let org_id = org_id.map_err(Error::InvalidRequest)?;    // …and the rest up to
/// let info = OperationInfo { operation_id: "…" };
/// client.pre(&mut request, &info).await?;
/// let result = client.exec(request, &info).await;
/// ```
///
/// to `let info = …; let result = { let org_id = …; …; client.pre(…).await?;
/// client.exec(request, &info) }.await;`. `info` goes first because `exec`'s future borrows
/// it. Returns `false`, changing nothing, when the statements are not in that shape or a
/// later statement uses a local of the block. Uses are found by name, so a later method of
/// the same name counts too (`response.status()` after a `status` query parameter: 4 of the
/// full document's 230 operations keep their shape for that reason).
fn scope_request(block: &mut syn::Block) -> bool {
    let stmts = &block.stmts;
    let Some(start) = stmts.iter().position(destructures_self) else {
        return false;
    };
    let Some(exec) = stmts.iter().position(|s| exec_call(s).is_some()) else {
        return false;
    };
    let Some(info) = stmts.iter().position(declares_constant_info) else {
        return false;
    };
    if !(start < info && info < exec) {
        return false;
    }
    let scoped: Vec<&Stmt> = (start + 1..exec)
        .filter(|&i| i != info)
        .map(|i| &stmts[i])
        .collect();
    let locals: std::collections::HashSet<String> = scoped
        .iter()
        .filter_map(|s| match s {
            Stmt::Local(local) => Some(local.pat.to_token_stream().to_string()),
            _ => None,
        })
        .flat_map(|pat| identifiers::<Vec<String>>(&pat))
        .collect();
    let used_later = stmts[exec + 1..]
        .iter()
        .flat_map(|s| identifiers::<Vec<String>>(&s.to_token_stream().to_string()))
        .any(|ident| locals.contains(&ident));
    if used_later {
        return false;
    }
    let Some((result, call)) = exec_call(&stmts[exec]) else {
        return false;
    };
    let scoped_block: Stmt = syn::parse_quote! {
        let #result = { #(#scoped)* #call }.await;
    };
    let mut rewritten: Vec<Stmt> = stmts[..=start].to_vec();
    rewritten.push(stmts[info].clone());
    rewritten.push(scoped_block);
    rewritten.extend(stmts[exec + 1..].iter().cloned());
    block.stmts = rewritten;
    true
}

/// `let Self { … } = self;`
fn destructures_self(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::Local(local)
        if matches!(&local.pat, syn::Pat::Struct(p) if p.path.is_ident("Self"))
            && local.init.as_ref().is_some_and(|init| matches!(init.expr.as_ref(), Expr::Path(p) if p.path.is_ident("self"))))
}

/// `let info = OperationInfo { operation_id: "…" };`: every field a literal, so it can be
/// built earlier.
fn declares_constant_info(stmt: &Stmt) -> bool {
    let Stmt::Local(local) = stmt else {
        return false;
    };
    let Some(init) = &local.init else {
        return false;
    };
    pattern_is(&local.pat, "info")
        && matches!(init.expr.as_ref(), Expr::Struct(s)
            if s.path.is_ident("OperationInfo") && s.fields.iter().all(|f| matches!(f.expr, Expr::Lit(_))))
}

/// `result` and `client.exec(request, &info)` of `let result = client.exec(request, &info).await;`.
fn exec_call(stmt: &Stmt) -> Option<(&syn::Pat, &Expr)> {
    let Stmt::Local(local) = stmt else {
        return None;
    };
    let Expr::Await(awaited) = local.init.as_ref()?.expr.as_ref() else {
        return None;
    };
    let Expr::MethodCall(call) = awaited.base.as_ref() else {
        return None;
    };
    (call.method == "exec").then_some((&local.pat, awaited.base.as_ref()))
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

    /// The tail of a generated `send()`, as progenitor writes it.
    fn progenitor_send() -> syn::File {
        syn::parse_quote! {
            impl<'a> Op<'a> {
                pub async fn send(self) -> Result<ResponseValue<types::Out>, Error<()>> {
                    let Self { client, org_id, body } = self;
                    let org_id = org_id.map_err(Error::InvalidRequest)?;
                    let body = body.map_err(Error::InvalidRequest)?;
                    let url = format!("{}/v2/x/{}", client.baseurl, ::calcom::path::Segment(&org_id));
                    #[allow(unused_mut)]
                    let mut request = client.client.patch(url).json(&body).build()?;
                    let info = OperationInfo { operation_id: "op" };
                    client.pre(&mut request, &info).await?;
                    let result = client.exec(request, &info).await;
                    client.post(&result, &info).await?;
                    let response = result?;
                    match response.status().as_u16() {
                        200u16 => ::calcom::decode::response_value(response).await,
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
        }
    }

    #[test]
    fn the_request_is_built_in_a_block_that_ends_before_the_answer_is_awaited() {
        let mut file = progenitor_send();
        assert_eq!(rewrite_sends(&mut file).requests_scoped, 1);
        let text = prettyplease::unparse(&file);
        let info = text.find("let info").unwrap_or(usize::MAX);
        let block = text.find("let result = {").unwrap_or(usize::MAX);
        let org_id = text.find("let org_id").unwrap_or(usize::MAX);
        let awaited = text
            .find("::calcom::runner::exec_buffered(client, request, &info)\n")
            .unwrap_or(usize::MAX);
        let post = text
            .find("client.post(&result, &info)")
            .unwrap_or(usize::MAX);
        assert!(
            info < block && block < org_id && org_id < awaited && awaited < post,
            "{text}"
        );
        assert!(text.contains(".await;\n        client.post"), "{text}");
    }

    #[test]
    fn a_send_that_uses_a_block_local_later_is_left_alone() {
        let mut file = progenitor_send();
        // A later statement that reads `body`, a local the block would end.
        if let Some(syn::Item::Impl(block)) = file.items.first_mut() {
            if let Some(syn::ImplItem::Fn(f)) = block.items.first_mut() {
                f.block.stmts.insert(10, syn::parse_quote!(drop(body);));
            }
        }
        // Only the call changes (to `calcom::runner::exec_buffered`), the statements stay as
        // they were.
        let before = file.to_token_stream().to_string().replace(
            "client . exec (request , & info)",
            ":: calcom :: runner :: exec_buffered (client , request , & info)",
        );
        let counts = rewrite_sends(&mut file);
        assert_eq!((counts.requests_scoped, counts.buffered_execs), (0, 1));
        assert_eq!(file.to_token_stream().to_string(), before);
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
