//! The builders' setters format their conversion errors through one function each.
//!
//! typify's struct builders (796 setters on the full document) and progenitor's body
//! setters (79) each expand a `format!` for the message of a value that does not convert;
//! `format!` expands to a good deal of code to type check and borrow check, per setter.
//! The messages are the same, built by `calcom::conversion`:
//!
//! - `format!("error converting supplied value for NAME: {e}")` becomes
//!   `::calcom::conversion::supplied_value("NAME", e)`;
//! - `format!("conversion to `T` for NAME failed: {}", s)` becomes
//!   `::calcom::conversion::failed("`T`", "NAME", s)`.
//!
//! A typify setter's whole `value.try_into().map_err(|e| …supplied_value…)` then becomes
//! `::calcom::conversion::convert(value, "NAME")`: its closure was type checked and borrow
//! checked once per setter.

use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Expr, Token};

/// Rewrites every such `format!` in `client`; returns how many.
pub fn shared_setter_messages(client: &mut syn::File) -> usize {
    let mut rewrite = Rewrite(0);
    rewrite.visit_file_mut(client);
    rewrite.0
}

struct Rewrite(usize);

impl VisitMut for Rewrite {
    // Of the generated types, only their builders have setters: not walking the rest is
    // most of this pass's time.
    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        if module.ident != "types" {
            syn::visit_mut::visit_item_mod_mut(self, module);
            return;
        }
        for item in module.content.iter_mut().flat_map(|(_, items)| items) {
            if let syn::Item::Mod(inner) = item {
                if inner.ident == "builder" {
                    syn::visit_mut::visit_item_mod_mut(self, inner);
                }
            }
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Some(call) = setter_conversion(expr) {
            *expr = call;
            self.0 += 1;
            return;
        }
        if let Expr::Macro(m) = expr {
            if m.mac.path.is_ident("format") {
                if let Some(call) = shared_call(&m.mac) {
                    *expr = call;
                    self.0 += 1;
                    return;
                }
            }
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// The call that builds the same message, when `format` is one of the two setters' formats.
fn shared_call(format: &syn::Macro) -> Option<Expr> {
    let mut args = format
        .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
        .ok()?
        .into_iter();
    let Some(Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(format),
        ..
    })) = args.next()
    else {
        return None;
    };
    let format = format.value();
    let rest: Vec<Expr> = args.collect();
    if let Some(name) = format
        .strip_prefix("error converting supplied value for ")
        .and_then(|s| s.strip_suffix(": {e}"))
    {
        return (rest.is_empty() && is_name(name))
            .then(|| syn::parse_quote!(::calcom::conversion::supplied_value(#name, e)));
    }
    let (target, name) = format
        .strip_prefix("conversion to ")?
        .strip_suffix(" failed: {}")?
        .rsplit_once(" for ")?;
    let [value] = rest.as_slice() else {
        return None;
    };
    (is_name(name) && !target.contains(['{', '}']))
        .then(|| syn::parse_quote!(::calcom::conversion::failed(#target, #name, #value)))
}

/// `VALUE.try_into().map_err(|e| format!("error converting supplied value for NAME: {e}"))`
/// as `::calcom::conversion::convert(VALUE, "NAME")`.
fn setter_conversion(expr: &Expr) -> Option<Expr> {
    let Expr::MethodCall(map_err) = expr else {
        return None;
    };
    let Expr::MethodCall(try_into) = map_err.receiver.as_ref() else {
        return None;
    };
    if map_err.method != "map_err" || try_into.method != "try_into" || !try_into.args.is_empty() {
        return None;
    }
    let [Expr::Closure(closure)] = map_err.args.iter().collect::<Vec<_>>().as_slice() else {
        return None;
    };
    let Expr::Macro(format) = closure.body.as_ref() else {
        return None;
    };
    let [syn::Pat::Ident(param)] = closure.inputs.iter().collect::<Vec<_>>().as_slice() else {
        return None;
    };
    if !format.mac.path.is_ident("format") || param.ident != "e" {
        return None;
    }
    let Expr::Call(message) = shared_call(&format.mac)? else {
        return None;
    };
    let name = message.args.first()?;
    let is_supplied_value = matches!(message.func.as_ref(), Expr::Path(p)
        if p.path.segments.last().is_some_and(|s| s.ident == "supplied_value"));
    let value = &try_into.receiver;
    is_supplied_value.then(|| syn::parse_quote!(::calcom::conversion::convert(#value, #name)))
}

/// A field or parameter name: nothing `format!` would read as a placeholder.
fn is_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn rewrite(src: syn::File) -> (String, usize) {
        let mut file = src;
        let n = shared_setter_messages(&mut file);
        (file.to_token_stream().to_string(), n)
    }

    #[test]
    fn both_setter_messages_go_through_calcom() {
        let (text, n) = rewrite(syn::parse_quote! {
            fn f() {
                self.hidden = value.try_into().map_err(|e| format!("error converting supplied value for hidden: {e}"));
                self.body = value.try_into().map(From::from).map_err(|s| {
                    format!("conversion to `CreateInput` for body failed: {}", s)
                });
            }
        });
        assert_eq!(n, 2);
        assert!(
            text.contains(":: calcom :: conversion :: convert (value , \"hidden\")"),
            "{text}"
        );
        assert!(
            text.contains(":: calcom :: conversion :: failed (\"`CreateInput`\" , \"body\" , s)"),
            "{text}"
        );
        assert!(!text.contains("format !"), "{text}");
    }

    #[test]
    fn a_message_outside_a_setter_conversion_is_still_shared() {
        let (text, n) = rewrite(syn::parse_quote! {
            fn f() {
                let m = value.parse().map_err(|e| format!("error converting supplied value for hidden: {e}"));
                let n = value.try_into().map_err(|x| format!("error converting supplied value for hidden: {e}"));
            }
        });
        assert_eq!(n, 2, "{text}");
        assert!(!text.contains("convert"), "{text}");
        assert_eq!(
            text.matches("supplied_value (\"hidden\" , e)").count(),
            2,
            "{text}"
        );
    }

    #[test]
    fn other_formats_are_left_alone() {
        let (text, n) = rewrite(syn::parse_quote! {
            fn f() {
                let url = format!("{}/v2/x/{}", client.baseurl, id);
                let a = format!("error converting supplied value for {x}: {e}");
                let b = format!("conversion to `T` for body failed: {}", s, t);
            }
        });
        assert_eq!(n, 0, "{text}");
    }
}
