//! `use calcom::prelude::*;` brings in what almost every caller needs.

pub use crate::types;
#[cfg(calcom_service_account_key)]
pub use crate::ServiceAccountKey;
pub use crate::{Client, ClientBuilder, Error, Result, SecretString};
