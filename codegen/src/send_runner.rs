//! Every generated `send()` hands its call to one generic runner,
//! `calcom::runner::send`, instead of being an `async fn` of its own.
//!
//! After `send_rewrites`, the `send()` of every operation is the same state machine around
//! a different request: build the request, `pre`, `exec_buffered`, `post`, check the one
//! success status, decode. As 230 `async fn`s, that state machine was type checked, borrow
//! checked and transformed into a coroutine 230 times, about a ninth of the crate's compile
//! time on the full document (measured by replacing their bodies, see benches/README). Now
//! `send()` is a plain function that passes the runner a closure building its request, its
//! success status and its decoder, and returns the runner's future:
//!
//! ```text
//! pub fn send(self) -> impl Future<Output = Result<ResponseValue<T>, Error<()>>> + 'a {
//!     let Self { client, org_id, body } = self;
//!     let info = OperationInfo { operation_id: "…" };
//!     ::calcom::runner::send(client, info, move || { let org_id = …; …; Ok(request) },
//!         200u16, ::calcom::decode::response_value::<T, ()>)
//! }
//! ```
//!
//! The request is still built when the future is first polled, and the future is still a
//! user's to await, spawn or drop. A `send()` in any other shape is left an `async fn`,
//! and the build report counts it.

use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{Expr, Stmt};

/// How many `send()`s were handed to the runner, and how many kept their own body.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Runners {
    /// `send()`s that return the runner's future.
    pub handed_over: usize,
    /// `send()`s left an `async fn` (not in the shape `send_rewrites` leaves).
    pub kept: usize,
}

/// Hands every `send()` of `client` in the expected shape to the runner.
pub fn hand_sends_to_runner(client: &mut syn::File) -> Runners {
    let mut visit = Visit::default();
    visit.visit_file_mut(client);
    visit.counts
}

#[derive(Default)]
struct Visit {
    counts: Runners,
    /// The lifetime of the builder whose impl is being visited (`'a`).
    lifetime: Option<syn::Lifetime>,
}

impl VisitMut for Visit {
    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        crate::syn_items::visit_unless_types(self, module);
    }

    fn visit_item_impl_mut(&mut self, imp: &mut syn::ItemImpl) {
        self.lifetime = imp.generics.lifetimes().next().map(|l| l.lifetime.clone());
        syn::visit_mut::visit_item_impl_mut(self, imp);
        self.lifetime = None;
    }

    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        if f.sig.ident != "send" || f.sig.asyncness.is_none() {
            return;
        }
        match self.lifetime.as_ref().and_then(|l| hand_over(f, l)) {
            Some((output, body)) => {
                f.sig.asyncness = None;
                f.sig.output = output;
                f.block = body;
                self.counts.handed_over += 1;
            }
            None => self.counts.kept += 1,
        }
    }
}

/// The return type (the runner's future, living as long as the builder's `lifetime`) and the
/// body that calls the runner, or `None` when `f` is not in the expected shape.
fn hand_over(
    f: &syn::ImplItemFn,
    lifetime: &syn::Lifetime,
) -> Option<(syn::ReturnType, syn::Block)> {
    let syn::ReturnType::Type(_, output) = &f.sig.output else {
        return None;
    };
    let answer = answer_type(output)?;
    let [destructure, info, result, post, response, Stmt::Expr(tail, None)] =
        f.block.stmts.as_slice()
    else {
        return None;
    };
    if !is_tokens(post, "client . post (& result , & info) . await ? ;")
        || !is_tokens(response, "let response = result ? ;")
    {
        return None;
    }
    let build = request_statements(result)?;
    let (success, decode) = success_arm(tail, &answer)?;
    let future = syn::parse_quote!(
        -> impl ::std::future::Future<Output = #output> + #lifetime
    );
    let body = syn::parse_quote!({
        #destructure
        #info
        ::calcom::runner::send(
            client,
            info,
            move || {
                #(#build)*
                ::std::result::Result::Ok(request)
            },
            #success,
            #decode,
        )
    });
    Some((future, body))
}

fn is_tokens(stmt: &Stmt, expected: &str) -> bool {
    stmt.to_token_stream().to_string() == expected
}

/// `T` of `Result<ResponseValue<T>, Error<()>>`.
fn answer_type(ty: &syn::Type) -> Option<syn::Type> {
    let [result, error] = crate::syn_items::type_arguments(ty, "Result")?[..] else {
        return None;
    };
    if error.to_token_stream().to_string() != "Error < () >" {
        return None;
    }
    let [answer] = crate::syn_items::type_arguments(result, "ResponseValue")?[..] else {
        return None;
    };
    Some(answer.clone())
}

/// The statements of `let result = { …; client.pre(&mut request, &info).await?;
/// ::calcom::runner::exec_buffered(client, request, &info) }.await;` that build the request.
fn request_statements(stmt: &Stmt) -> Option<Vec<Stmt>> {
    let Stmt::Local(local) = stmt else {
        return None;
    };
    if local.pat.to_token_stream().to_string() != "result" {
        return None;
    }
    let Expr::Await(awaited) = local.init.as_ref()?.expr.as_ref() else {
        return None;
    };
    let Expr::Block(block) = awaited.base.as_ref() else {
        return None;
    };
    let stmts = &block.block.stmts;
    let [build @ .., pre, Stmt::Expr(exec, None)] = stmts.as_slice() else {
        return None;
    };
    let builds_request = build.last().is_some_and(|s| match s {
        Stmt::Local(l) => l.pat.to_token_stream().to_string() == "mut request",
        _ => false,
    });
    (builds_request
        && is_tokens(pre, "client . pre (& mut request , & info) . await ? ;")
        && exec.to_token_stream().to_string()
            == ":: calcom :: runner :: exec_buffered (client , request , & info)")
        .then(|| build.to_vec())
}

/// The success status and the decoder of `match response.status().as_u16() { N => …,
/// _ => Err(Error::UnexpectedResponse(response)) }`.
fn success_arm(tail: &Expr, answer: &syn::Type) -> Option<(syn::LitInt, Expr)> {
    let Expr::Match(m) = tail else { return None };

    if m.expr.to_token_stream().to_string() != "response . status () . as_u16 ()" {
        return None;
    }
    let [success, other] = m.arms.as_slice() else {
        return None;
    };
    if other.pat.to_token_stream().to_string() != "_"
        || unblock(&other.body).to_token_stream().to_string()
            != "Err (Error :: UnexpectedResponse (response))"
        || success.guard.is_some()
    {
        return None;
    }
    let syn::Pat::Lit(syn::PatLit {
        lit: syn::Lit::Int(status),
        ..
    }) = &success.pat
    else {
        return None;
    };
    let decode: Expr = match unblock(&success.body)
        .to_token_stream()
        .to_string()
        .as_str()
    {
        ":: calcom :: decode :: response_value (response) . await" => {
            syn::parse_quote!(::calcom::decode::response_value::<#answer, ()>)
        }
        "Ok (ResponseValue :: empty (response))" => syn::parse_quote!(::calcom::runner::empty),
        _ => return None,
    };
    Some((status.clone(), decode))
}

/// The expression of a block that holds only it (progenitor writes `N => { … }`).
fn unblock(expr: &Expr) -> &Expr {
    match expr {
        Expr::Block(b) if b.label.is_none() && b.attrs.is_empty() => match b.block.stmts.as_slice()
        {
            [Stmt::Expr(inner, None)] => unblock(inner),
            _ => expr,
        },
        _ => expr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `send()` as `send_rewrites` leaves it.
    fn scoped_send(tail: Expr) -> syn::File {
        syn::parse_quote! {
            impl<'a> Op<'a> {
                pub async fn send(self) -> Result<ResponseValue<types::Out>, Error<()>> {
                    let Self { client, org_id, body } = self;
                    let info = OperationInfo { operation_id: "op" };
                    let result = {
                        let org_id = org_id.map_err(Error::InvalidRequest)?;
                        let url = format!("{}/v2/x/{}", client.baseurl, ::calcom::path::Segment(&org_id));
                        #[allow(unused_mut)]
                        let mut request = client.client.patch(url).json(&body).build()?;
                        client.pre(&mut request, &info).await?;
                        ::calcom::runner::exec_buffered(client, request, &info)
                    }
                    .await;
                    client.post(&result, &info).await?;
                    let response = result?;
                    #tail
                }
            }
        }
    }

    #[test]
    fn a_decoding_send_returns_the_runners_future() {
        let mut file = scoped_send(syn::parse_quote!(match response.status().as_u16() {
            200u16 => ::calcom::decode::response_value(response).await,
            _ => Err(Error::UnexpectedResponse(response)),
        }));
        assert_eq!(
            hand_sends_to_runner(&mut file),
            Runners {
                handed_over: 1,
                kept: 0
            }
        );
        let text = prettyplease::unparse(&file);
        for expected in [
            "pub fn send(\n        self,\n    ) -> impl ::std::future::Future<\n        Output = Result<ResponseValue<types::Out>, Error<()>>,\n    > + 'a {",
            "let info = OperationInfo {",
            "move || {\n                let org_id = org_id.map_err(Error::InvalidRequest)?;",
            "let mut request = client.client.patch(url).json(&body).build()?;\n                ::std::result::Result::Ok(request)\n            },\n            200u16,\n            ::calcom::decode::response_value::<types::Out, ()>,",
        ] {
            assert!(text.contains(expected), "{expected}\n--- in ---\n{text}");
        }
        assert!(
            !text.contains("async") && !text.contains(".await"),
            "{text}"
        );
    }

    #[test]
    fn an_empty_answer_uses_the_runners_empty_decoder() {
        let mut file = scoped_send(syn::parse_quote!(match response.status().as_u16() {
            204u16 => Ok(ResponseValue::empty(response)),
            _ => Err(Error::UnexpectedResponse(response)),
        }));
        assert_eq!(hand_sends_to_runner(&mut file).handed_over, 1);
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("204u16,\n            ::calcom::runner::empty,"),
            "{text}"
        );
    }

    #[test]
    fn another_shape_stays_an_async_fn() {
        // Two success statuses: not the runner's one-status check.
        let mut file = scoped_send(syn::parse_quote!(match response.status().as_u16() {
            200u16 => ::calcom::decode::response_value(response).await,
            201u16 => ::calcom::decode::response_value(response).await,
            _ => Err(Error::UnexpectedResponse(response)),
        }));
        let before = prettyplease::unparse(&file);
        assert_eq!(
            hand_sends_to_runner(&mut file),
            Runners {
                handed_over: 0,
                kept: 1
            }
        );
        assert_eq!(prettyplease::unparse(&file), before);
    }
}
