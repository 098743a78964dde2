//! [`ClientBuilder::from_env`]: a client configured from `CALCOM_*` environment variables.

use super::ClientBuilder;
use crate::auth;
use crate::error::ConfigError;

/// Reads one environment variable; `None` when unset or empty.
fn env_var(name: &'static str) -> Result<Option<String>, ConfigError> {
    match std::env::var(name) {
        Ok(v) if v.is_empty() => Ok(None),
        Ok(v) => Ok(Some(v)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::Env {
            name,
            reason: "is not valid UTF-8".into(),
        }),
    }
}

impl<C> ClientBuilder<C> {
    /// A builder configured from the environment: `CALCOM_API_KEY`, or
    /// `CALCOM_CLIENT_ID` + `CALCOM_SECRET_KEY` (with an optional `CALCOM_ACCESS_TOKEN`, and
    /// with it an optional `CALCOM_REFRESH_TOKEN`, which turns on the automatic refresh of
    /// [`managed_user_tokens`](ClientBuilder::managed_user_tokens)), or
    /// `CALCOM_ACCESS_TOKEN` alone; `CALCOM_BASE_URL` overrides the base URL.
    /// `calcom::Client::from_env()` builds it at once.
    ///
    /// Every value is checked here, so that an error names the variable at fault (and
    /// never quotes its value).
    pub fn from_env() -> Result<Self, ConfigError> {
        from_env().map(ClientBuilder::cast)
    }
}

/// [`ClientBuilder::from_env`], compiled once: the settings do not depend on the client type.
fn from_env() -> Result<ClientBuilder<()>, ConfigError> {
    let mut builder = ClientBuilder::<()>::default();
    let api_key = env_var("CALCOM_API_KEY")?;
    let client_id = env_var("CALCOM_CLIENT_ID")?;
    let secret_key = env_var("CALCOM_SECRET_KEY")?;
    let access_token = env_var("CALCOM_ACCESS_TOKEN")?;
    let refresh_token = env_var("CALCOM_REFRESH_TOKEN")?;
    let named = |name: &'static str| {
        move |e: auth::CredentialError| ConfigError::Env {
            name,
            reason: e.to_string(),
        }
    };
    if let Some(key) = api_key {
        auth::validate_api_key(&key).map_err(named("CALCOM_API_KEY"))?;
        builder = builder.api_key(key);
    }
    match (client_id, secret_key) {
        (Some(id), Some(secret)) => {
            auth::validate(&id, "platform client id").map_err(named("CALCOM_CLIENT_ID"))?;
            auth::validate(&secret, "platform secret key").map_err(named("CALCOM_SECRET_KEY"))?;
            builder = builder.platform_client(id, secret);
        }
        (Some(_), None) => {
            return Err(ConfigError::Env {
                name: "CALCOM_SECRET_KEY",
                reason: "is not set, but CALCOM_CLIENT_ID is: a platform client needs both".into(),
            })
        }
        (None, Some(_)) => {
            return Err(ConfigError::Env {
                name: "CALCOM_CLIENT_ID",
                reason: "is not set, but CALCOM_SECRET_KEY is: a platform client needs both".into(),
            })
        }
        (None, None) => {}
    }
    if let Some(token) = access_token {
        if builder.settings.api_key.is_some() {
            return Err(ConfigError::Env {
                name: "CALCOM_ACCESS_TOKEN",
                reason: "is set together with CALCOM_API_KEY; both are sent as \
                         `Authorization`, so set only one"
                    .into(),
            });
        }
        auth::validate(&token, "access token").map_err(named("CALCOM_ACCESS_TOKEN"))?;
        builder = match refresh_token {
            Some(refresh) => {
                auth::validate(&refresh, "refresh token").map_err(named("CALCOM_REFRESH_TOKEN"))?;
                if builder.settings.platform.is_none() {
                    return Err(ConfigError::Env {
                        name: "CALCOM_CLIENT_ID",
                        reason: "is not set, but CALCOM_REFRESH_TOKEN is: refreshing a \
                                 managed user's tokens needs the platform client \
                                 (CALCOM_CLIENT_ID + CALCOM_SECRET_KEY)"
                            .into(),
                    });
                }
                builder.managed_user_tokens(token, refresh)
            }
            None => builder.access_token(token),
        };
    } else if refresh_token.is_some() {
        return Err(ConfigError::Env {
            name: "CALCOM_ACCESS_TOKEN",
            reason: "is not set, but CALCOM_REFRESH_TOKEN is: a managed user needs both \
                     tokens"
                .into(),
        });
    }
    if builder.settings.api_key.is_none()
        && builder.settings.platform.is_none()
        && builder.settings.access_token.is_none()
    {
        return Err(ConfigError::Env {
            name: "CALCOM_API_KEY",
            reason: "is not set, and neither are CALCOM_CLIENT_ID + CALCOM_SECRET_KEY or \
                     CALCOM_ACCESS_TOKEN"
                .into(),
        });
    }
    if let Some(url) = env_var("CALCOM_BASE_URL")? {
        let valid = reqwest::Url::parse(&url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
        if !valid {
            return Err(ConfigError::Env {
                name: "CALCOM_BASE_URL",
                reason: format!("{url:?} is not a valid http(s) URL"),
            });
        }
        builder = builder.base_url(url);
    }
    Ok(builder)
}
