//! Decode errors that say where: the generated `send()` decodes success answers through
//! `calcom::decode::response_value` instead of progenitor's `ResponseValue::from_response`.
//! Both read the body and decode it with serde_json; ours, when decoding fails, decodes
//! again tracking the JSON path (`data[3].status`), so the error names the value that
//! failed. The success path costs nothing extra.

use syn::visit_mut::VisitMut;

/// Rewrites every `ResponseValue::from_response(..)` call of `client`; returns how many.
pub fn located_decode_errors(client: &mut syn::File) -> usize {
    let mut rewrite = Rewrite(0);
    rewrite.visit_file_mut(client);
    rewrite.0
}

struct Rewrite(usize);

impl VisitMut for Rewrite {
    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        crate::syn_items::visit_unless_types(self, module);
    }

    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        if let syn::Expr::Path(p) = call.func.as_ref() {
            let names = crate::syn_items::segment_names(&p.path);
            if names.ends_with(&["ResponseValue".to_string(), "from_response".to_string()]) {
                *call.func = syn::parse_quote!(::calcom::decode::response_value);
                self.0 += 1;
            }
        }
        syn::visit_mut::visit_expr_call_mut(self, call);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn success_answers_decode_through_the_client() {
        let mut file: syn::File = syn::parse_quote! {
            async fn send() -> Result<ResponseValue<types::Out>, Error<()>> {
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }
        };
        assert_eq!(located_decode_errors(&mut file), 1);
        let src = file.to_token_stream().to_string();
        assert!(
            src.contains("200u16 => :: calcom :: decode :: response_value (response) . await"),
            "{src}"
        );
    }
}
