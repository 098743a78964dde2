//! `use calcom::prelude::*;` brings in what almost every caller needs.

pub use crate::types;
pub use crate::{Client, ClientBuilder, Error, Result, SecretString};
#[cfg(calcom_service_account_key)]
pub use crate::ServiceAccountKey;
