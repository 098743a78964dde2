//! The generated functions are compiled where they are used, not all in this crate.
//!
//! A non-generic function is compiled to machine code in the crate that defines it, used or
//! not: every builder's `new`, setter-free conversions (`TryFrom<builder::X> for X`), the
//! string enums' `Display` and `FromStr`, the client's 230 methods and their `send()`s. A
//! program calls a few of them. Marked `#[inline]`, a function is compiled only into the
//! crates that call it (rustc's "cross-crate inlinable" functions), so building `calcom`
//! itself no longer generates code for the whole API, and a program pays for what it uses.
//!
//! Generic functions (compiled where used already) and `async fn`s are left as they are;
//! derived impls are not in the file, so `Debug` stays compiled here (`Clone` and
//! `PartialEq` derive `#[inline]` themselves).

use syn::visit_mut::VisitMut;

/// Marks every non-generic function of `client` `#[inline]`; returns how many.
pub fn inline_generated_fns(client: &mut syn::File) -> usize {
    let mut visit = Visit(0);
    visit.visit_file_mut(client);
    visit.0
}

struct Visit(usize);

fn has_type_params(generics: &syn::Generics) -> bool {
    generics
        .params
        .iter()
        .any(|p| !matches!(p, syn::GenericParam::Lifetime(_)))
}

fn mark(attrs: &mut Vec<syn::Attribute>, sig: &syn::Signature, count: &mut usize) {
    let inline_already = attrs.iter().any(|a| a.path().is_ident("inline"));
    if inline_already || sig.asyncness.is_some() || has_type_params(&sig.generics) {
        return;
    }
    // `impl Trait` arguments are type parameters too.
    let impl_arg = sig.inputs.iter().any(|arg| match arg {
        syn::FnArg::Typed(t) => matches!(*t.ty, syn::Type::ImplTrait(_)),
        syn::FnArg::Receiver(_) => false,
    });
    if impl_arg {
        return;
    }
    attrs.push(syn::parse_quote!(#[inline]));
    *count += 1;
}

impl VisitMut for Visit {
    fn visit_item_impl_mut(&mut self, imp: &mut syn::ItemImpl) {
        if has_type_params(&imp.generics) {
            return;
        }
        for item in &mut imp.items {
            if let syn::ImplItem::Fn(f) = item {
                mark(&mut f.attrs, &f.sig, &mut self.0);
            }
        }
    }

    fn visit_item_fn_mut(&mut self, f: &mut syn::ItemFn) {
        mark(&mut f.attrs, &f.sig, &mut self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn non_generic_functions_are_marked_and_others_left() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                impl Display for Status { fn fmt(&self, f: &mut Formatter<'_>) -> Result { todo!() } }
                impl<'a> Op<'a> {
                    pub fn new(client: &'a Client) -> Self { todo!() }
                    pub fn org_id<V: TryInto<i64>>(self, v: V) -> Self { todo!() }
                    pub fn send(self) -> impl Future<Output = ()> + 'a { async {} }
                    pub async fn old(self) {}
                    #[inline(never)]
                    fn kept(&self) {}
                    fn arg(&self, x: impl Display) {}
                }
                impl<T: Clone> Wrapper<T> { fn get(&self) -> T { todo!() } }
                pub(super) fn default_language() -> String { todo!() }
                pub(super) fn default_bool<const V: bool>() -> bool { V }
            }
        };
        assert_eq!(inline_generated_fns(&mut file), 4);
        let text = file.to_token_stream().to_string();
        for marked in [
            "fn fmt",
            "pub fn new",
            "pub fn send",
            "pub (super) fn default_language",
        ] {
            assert!(
                text.contains(&format!("# [inline] {marked}")),
                "{marked}: {text}"
            );
        }
        for left in ["fn org_id", "fn old", "fn get", "fn default_bool", "fn arg"] {
            assert!(
                !text.contains(&format!("# [inline] {left}")),
                "{left}: {text}"
            );
            assert!(
                !text.contains(&format!("# [inline] pub {left}")),
                "{left}: {text}"
            );
            assert!(
                !text.contains(&format!("# [inline] pub (super) {left}")),
                "{left}: {text}"
            );
        }
        assert!(text.contains("# [inline (never)] fn kept"), "{text}");
    }
}
