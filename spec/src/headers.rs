//! The headers the client sends itself (auth and API version), and how an operation's
//! document says it uses them. The generator records an [`AuthUse`] per operation, writes
//! it into the client's per-operation table, and the client reads it from there.

use serde::Serialize;

/// `Authorization: Bearer …` (an API key or an access token).
pub const AUTHORIZATION_HEADER: &str = "authorization";
/// The platform OAuth client's secret.
pub const SECRET_KEY_HEADER: &str = "x-cal-secret-key";
/// The platform OAuth client's id.
pub const CLIENT_ID_HEADER: &str = "x-cal-client-id";
/// The API version an operation expects.
pub const API_VERSION_HEADER: &str = "cal-api-version";

/// The auth headers, in the order of [`AuthUse`]'s fields.
pub const AUTH_HEADERS: [&str; 3] = [AUTHORIZATION_HEADER, SECRET_KEY_HEADER, CLIENT_ID_HEADER];

/// Whether the client sends the header itself (auth and `cal-api-version`), so a document
/// change to it never reaches the generated API. Header names ignore case.
pub fn is_sdk_managed_header(name: &str) -> bool {
    AUTH_HEADERS
        .iter()
        .chain([&API_VERSION_HEADER])
        .any(|m| m.eq_ignore_ascii_case(name))
}

/// Whether an operation documents an auth header, and whether it must be sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum HeaderUse {
    /// Not mentioned by the operation.
    #[default]
    Absent,
    /// Accepted.
    Optional,
    /// Required.
    Required,
}

impl HeaderUse {
    /// `true` unless the header is absent.
    pub fn accepted(self) -> bool {
        self != HeaderUse::Absent
    }
}

/// Which auth headers an operation accepts and requires.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AuthUse {
    /// `Authorization: Bearer …` (API key or access token).
    pub authorization: HeaderUse,
    /// `x-cal-secret-key` (platform OAuth client secret).
    pub secret_key: HeaderUse,
    /// `x-cal-client-id` (platform OAuth client id).
    pub client_id: HeaderUse,
}

impl AuthUse {
    /// `true` when the document says nothing about auth for the operation.
    pub fn undocumented(&self) -> bool {
        !self.authorization.accepted() && !self.secret_key.accepted() && !self.client_id.accepted()
    }

    /// The use of the auth header at `index` of [`AUTH_HEADERS`], to be set.
    pub fn header_mut(&mut self, index: usize) -> Option<&mut HeaderUse> {
        match index {
            0 => Some(&mut self.authorization),
            1 => Some(&mut self.secret_key),
            2 => Some(&mut self.client_id),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managed_headers_ignore_case() {
        assert!(is_sdk_managed_header("Authorization"));
        assert!(is_sdk_managed_header("X-Cal-Secret-Key"));
        assert!(is_sdk_managed_header("CAL-API-VERSION"));
        assert!(!is_sdk_managed_header("x-request-id"));
    }

    #[test]
    fn auth_use_fields_follow_the_header_list() {
        let mut auth = AuthUse::default();
        assert!(auth.undocumented());
        *auth.header_mut(1).unwrap() = HeaderUse::Required;
        assert_eq!(auth.secret_key, HeaderUse::Required);
        assert!(auth.header_mut(3).is_none());
        assert!(!auth.undocumented());
    }
}
