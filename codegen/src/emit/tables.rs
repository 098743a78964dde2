//! The per-operation table the client layer reads: method name, HTTP method, path,
//! the `cal-api-version` to send and which auth headers the operation accepts.

use proc_macro2::TokenStream;
use quote::quote;

use crate::passes::{HeaderUse, OperationRecord};

fn header_use(u: HeaderUse) -> TokenStream {
    match u {
        HeaderUse::Absent => quote! { HeaderUse::Absent },
        HeaderUse::Optional => quote! { HeaderUse::Optional },
        HeaderUse::Required => quote! { HeaderUse::Required },
    }
}

/// Rust source for `OPERATIONS`, a static slice of `crate::operations::Operation`,
/// one per generated operation, sorted by method name for binary search.
pub fn operations_table(records: &[&OperationRecord]) -> TokenStream {
    let mut sorted: Vec<&&OperationRecord> = records.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let rows = sorted.iter().map(|r| {
        let name = &r.name;
        let operation_id = &r.operation_id;
        let method = &r.method;
        let path = &r.path;
        let tags = &r.tags;
        let api_version = match &r.api_version {
            Some(v) => quote! { Some(#v) },
            None => quote! { None },
        };
        let authorization = header_use(r.auth.authorization);
        let secret_key = header_use(r.auth.secret_key);
        let client_id = header_use(r.auth.client_id);
        quote! {
            Operation {
                name: #name,
                operation_id: #operation_id,
                method: #method,
                path: #path,
                tags: &[#(#tags),*],
                api_version: #api_version,
                auth: AuthUse {
                    authorization: #authorization,
                    secret_key: #secret_key,
                    client_id: #client_id,
                },
            }
        }
    });
    quote! {
        /// Every generated operation, sorted by method name.
        pub static OPERATIONS: &[Operation] = &[#(#rows),*];
    }
}
