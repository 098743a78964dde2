//! Credentials, and which of them go on which request.
//!
//! Cal.com accepts three kinds of credentials: an API key (`cal_…`) or a managed user's
//! access token, both as `Authorization: Bearer …`, and a platform OAuth client's id and
//! secret as `x-cal-client-id` / `x-cal-secret-key`. The generator's table says which
//! headers each operation accepts and requires; [`Credentials::headers_for`] picks the
//! headers to send, or explains why the configured credentials cannot make the call.

use std::fmt;

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION};

use crate::operations::{AuthUse, HeaderUse};
use crate::SecretString;

/// Header carrying the platform OAuth client id; header carrying its secret.
pub use calcom_spec::headers::{CLIENT_ID_HEADER, SECRET_KEY_HEADER};

/// The bearer credential: an API key or an access token.
#[derive(Clone, Debug)]
pub enum Bearer {
    /// An API key, `cal_…` (or `cal_live_…`).
    ApiKey(SecretString),
    /// A managed user's OAuth access token.
    AccessToken(SecretString),
}

impl Bearer {
    fn token(&self) -> &SecretString {
        match self {
            Bearer::ApiKey(s) | Bearer::AccessToken(s) => s,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Bearer::ApiKey(_) => "an API key",
            Bearer::AccessToken(_) => "an access token",
        }
    }
}

/// A platform OAuth client.
#[derive(Clone, Debug)]
pub struct PlatformClient {
    /// The client id (not a secret, but kept out of logs all the same).
    pub client_id: SecretString,
    /// The client secret.
    pub secret_key: SecretString,
}

/// The credentials a client is configured with.
#[derive(Clone, Debug, Default)]
pub struct Credentials {
    /// Sent as `Authorization: Bearer …`.
    pub bearer: Option<Bearer>,
    /// Sent as `x-cal-client-id` / `x-cal-secret-key`.
    pub platform: Option<PlatformClient>,
    /// The header values, built once: a request then clones them (a reference count)
    /// instead of formatting, validating and copying each credential again.
    values: HeaderValues,
}

/// [`Credentials`] as sensitive header values.
#[derive(Clone, Default)]
struct HeaderValues {
    authorization: Option<HeaderValue>,
    client_id: Option<HeaderValue>,
    secret_key: Option<HeaderValue>,
}

impl fmt::Debug for HeaderValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HeaderValues(..)")
    }
}

static CLIENT_ID_HEADER_NAME: HeaderName = HeaderName::from_static(CLIENT_ID_HEADER);
static SECRET_KEY_HEADER_NAME: HeaderName = HeaderName::from_static(SECRET_KEY_HEADER);

/// Why a credential was refused. Never contains the credential itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialError {
    /// The API key does not start with `cal_`.
    #[error("the API key does not start with `cal_`; Cal.com API keys look like `cal_live_…` or `cal_…`")]
    ApiKeyPrefix,
    /// A credential is empty.
    #[error("the {0} is empty")]
    Empty(&'static str),
    /// A credential holds characters that cannot go in an HTTP header.
    #[error("the {0} contains characters that cannot be sent in an HTTP header (control characters such as CR or LF, or non-visible ASCII)")]
    NotHeaderSafe(&'static str),
    /// Both an API key and an access token were given.
    #[error("an API key and an access token were both configured; both are sent as `Authorization`, so choose one")]
    TwoBearers,
}

/// Checks that `value` can be a header value and is not empty.
pub(crate) fn validate(value: &str, what: &'static str) -> Result<(), CredentialError> {
    if value.is_empty() {
        return Err(CredentialError::Empty(what));
    }
    if !value.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Err(CredentialError::NotHeaderSafe(what));
    }
    Ok(())
}

/// Checks an API key: header-safe and `cal_`-prefixed.
pub(crate) fn validate_api_key(key: &str) -> Result<(), CredentialError> {
    validate(key, "API key")?;
    if !key.starts_with("cal_") {
        return Err(CredentialError::ApiKeyPrefix);
    }
    Ok(())
}

/// The configured credentials cannot satisfy what an operation requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingCredentials {
    /// The operation's method name.
    pub operation: &'static str,
    /// What it needs, in words.
    pub needs: &'static str,
    /// What the client has, in words.
    pub has: String,
}

impl fmt::Display for MissingCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "operation `{}` requires {}, but the client is configured with {}",
            self.operation, self.needs, self.has
        )
    }
}

impl std::error::Error for MissingCredentials {}

fn sensitive(value: &str) -> Option<HeaderValue> {
    let mut v = HeaderValue::from_str(value).ok()?;
    v.set_sensitive(true);
    Some(v)
}

impl Credentials {
    /// Credentials, checked already (`validate`): a value that cannot be a header is
    /// left out here rather than sent broken.
    pub fn new(bearer: Option<Bearer>, platform: Option<PlatformClient>) -> Self {
        let values = HeaderValues {
            authorization: bearer
                .as_ref()
                .and_then(|b| sensitive(&format!("Bearer {}", b.token().expose_secret()))),
            client_id: platform
                .as_ref()
                .and_then(|p| sensitive(p.client_id.expose_secret())),
            secret_key: platform
                .as_ref()
                .and_then(|p| sensitive(p.secret_key.expose_secret())),
        };
        Self {
            bearer,
            platform,
            values,
        }
    }

    fn describe(&self) -> String {
        match (&self.bearer, &self.platform) {
            (None, None) => "no credentials".into(),
            (Some(b), None) => b.kind().into(),
            (None, Some(_)) => "platform client credentials".into(),
            (Some(b), Some(_)) => format!("{} and platform client credentials", b.kind()),
        }
    }

    /// The auth headers to send for an operation with `auth`, all marked sensitive.
    ///
    /// An operation that documents no auth header at all gets every configured credential:
    /// the document is silent, and the server decides.
    pub fn headers_for(
        &self,
        operation: &'static str,
        auth: &AuthUse,
    ) -> Result<impl Iterator<Item = (HeaderName, HeaderValue)>, MissingCredentials> {
        let missing = |needs| MissingCredentials {
            operation,
            needs,
            has: self.describe(),
        };
        if auth.authorization == HeaderUse::Required && self.bearer.is_none() {
            return Err(missing(
                "`Authorization: Bearer` (an API key or an access token)",
            ));
        }
        let platform_required =
            auth.secret_key == HeaderUse::Required || auth.client_id == HeaderUse::Required;
        if platform_required && self.platform.is_none() {
            return Err(missing(
                "platform client credentials (`x-cal-client-id` and `x-cal-secret-key`)",
            ));
        }
        let undocumented = auth.undocumented();
        let pick = |name: &HeaderName, value: &Option<HeaderValue>, accepted: bool| {
            let value = value.as_ref().filter(|_| undocumented || accepted)?;
            Some((name.clone(), value.clone()))
        };
        let v = &self.values;
        Ok([
            pick(
                &AUTHORIZATION,
                &v.authorization,
                auth.authorization.accepted(),
            ),
            pick(
                &CLIENT_ID_HEADER_NAME,
                &v.client_id,
                auth.client_id.accepted(),
            ),
            pick(
                &SECRET_KEY_HEADER_NAME,
                &v.secret_key,
                auth.secret_key.accepted(),
            ),
        ]
        .into_iter()
        .flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_OPTIONAL: AuthUse = AuthUse {
        authorization: HeaderUse::Optional,
        secret_key: HeaderUse::Optional,
        client_id: HeaderUse::Optional,
    };

    fn names(h: &[(HeaderName, HeaderValue)]) -> Vec<&str> {
        h.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// Moved here from tests/secrets.rs when this module became private: the same
    /// sentinels, the same check on `Debug` and `Display` (the rest of that suite, on the
    /// wire and in traces, is still there).
    #[test]
    fn credentials_never_show_their_secrets() {
        const MARK: &str = "SENTINEL7f3a";
        let api_key = format!("cal_live_{MARK}_apikey");
        let token = format!("{MARK}_access_token");
        let (client_id, secret) = (format!("{MARK}_client_id"), format!("{MARK}_secret"));
        let platform = || PlatformClient {
            client_id: client_id.as_str().into(),
            secret_key: secret.as_str().into(),
        };
        let credentials = Credentials::new(
            Some(Bearer::AccessToken(token.as_str().into())),
            Some(platform()),
        );
        let headers = credentials
            .headers_for("update_delegation_credential", &ALL_OPTIONAL)
            .unwrap()
            .collect::<Vec<_>>();
        assert_eq!(headers.len(), 3);
        let missing = Credentials::new(None, Some(platform()))
            .headers_for(
                "get_default_schedule",
                &AuthUse {
                    authorization: HeaderUse::Required,
                    secret_key: HeaderUse::Absent,
                    client_id: HeaderUse::Absent,
                },
            )
            .err()
            .expect("refused");
        assert!(
            missing.to_string().contains("requires `Authorization"),
            "{missing}"
        );
        let shown = [
            format!("{credentials:?}"),
            format!("{:?}", Bearer::ApiKey(api_key.as_str().into())),
            format!("{headers:?}"),
            format!("{missing} {missing:?}"),
        ];
        for text in shown {
            assert!(!text.contains(MARK), "a secret is shown: {text}");
        }
    }

    #[test]
    fn api_keys_need_the_prefix_and_header_safe_characters() {
        assert_eq!(validate_api_key("cal_live_abc"), Ok(()));
        assert_eq!(
            validate_api_key("live_abc"),
            Err(CredentialError::ApiKeyPrefix)
        );
        assert_eq!(
            validate_api_key("cal_abc\r\nX-Evil: 1"),
            Err(CredentialError::NotHeaderSafe("API key"))
        );
        assert_eq!(
            validate("", "secret"),
            Err(CredentialError::Empty("secret"))
        );
    }

    #[test]
    fn sends_only_accepted_headers_marked_sensitive() {
        let creds = Credentials::new(
            Some(Bearer::ApiKey("cal_x".into())),
            Some(PlatformClient {
                client_id: "id".into(),
                secret_key: "sk".into(),
            }),
        );
        let h: Vec<_> = creds.headers_for("op", &ALL_OPTIONAL).unwrap().collect();
        assert_eq!(
            names(&h),
            ["authorization", "x-cal-client-id", "x-cal-secret-key"]
        );
        assert!(h.iter().all(|(_, v)| v.is_sensitive()));
        let only_bearer = AuthUse {
            secret_key: HeaderUse::Absent,
            client_id: HeaderUse::Absent,
            ..ALL_OPTIONAL
        };
        let h: Vec<_> = creds.headers_for("op", &only_bearer).unwrap().collect();
        assert_eq!(names(&h), ["authorization"]);
    }

    #[test]
    fn refuses_when_a_required_header_cannot_be_sent() {
        let creds = Credentials::new(Some(Bearer::ApiKey("cal_x".into())), None);
        let needs_secret = AuthUse {
            secret_key: HeaderUse::Required,
            ..ALL_OPTIONAL
        };
        let e = creds
            .headers_for("get_webhooks", &needs_secret)
            .err()
            .expect("refused");
        assert_eq!(
            e.to_string(),
            "operation `get_webhooks` requires platform client credentials (`x-cal-client-id` and `x-cal-secret-key`), but the client is configured with an API key"
        );
        let needs_bearer = AuthUse {
            authorization: HeaderUse::Required,
            ..ALL_OPTIONAL
        };
        assert!(Credentials::default()
            .headers_for("me", &needs_bearer)
            .is_err());
    }
}
