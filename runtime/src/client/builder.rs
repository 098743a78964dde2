//! [`ClientBuilder`]: every setting of a client, checked once in `build()`.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use super::{
    ClientState, GeneratedClient, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
};
use crate::auth::{self, Bearer, Credentials, PlatformClient};
use crate::body_limit::DEFAULT_MAX_RESPONSE_BYTES;
use crate::error::ConfigError;
use crate::managed_user::{self, ManagedUserTokens, TokensCallback};
use crate::operations::{self, Operation};
use crate::redirect;
use crate::retry::RetryPolicy;
use crate::testing::{self, Sleeper};
use crate::tls;
use crate::SecretString;

/// Builds a client: `calcom::Client::builder()` starts one, as `calcom::ClientBuilder`.
///
/// `C` is the client it builds, `calcom::Client`; the settings themselves do not depend on
/// it, so that checking them and building the HTTP client is compiled once, here.
pub struct ClientBuilder<C> {
    pub(super) settings: Settings,
    client: PhantomData<fn() -> C>,
}

/// Every setting of a [`ClientBuilder`], as given.
#[derive(Default)]
pub(super) struct Settings {
    pub(super) api_key: Option<SecretString>,
    pub(super) access_token: Option<SecretString>,
    pub(super) platform: Option<(SecretString, SecretString)>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    retry: RetryPolicy,
    api_version: Option<String>,
    api_versions: HashMap<String, String>,
    sleeper: Option<Sleeper>,
    max_response_bytes: Option<u64>,
    pace_requests: bool,
    managed_user: Option<ManagedUserTokens>,
    on_tokens_refreshed: Option<TokensCallback>,
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        ClientBuilder {
            settings: Settings::default(),
            client: PhantomData,
        }
    }
}

impl<C> ClientBuilder<C> {
    /// The same settings, for a builder of another client type.
    pub(super) fn cast<D>(self) -> ClientBuilder<D> {
        ClientBuilder {
            settings: self.settings,
            client: PhantomData,
        }
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.settings.api_key)
            .field("access_token", &self.settings.access_token)
            .field("platform", &self.settings.platform)
            .field("base_url", &self.settings.base_url)
            .field("retry", &self.settings.retry)
            .field("managed_user", &self.settings.managed_user)
            .finish_non_exhaustive()
    }
}

impl<C> ClientBuilder<C> {
    /// Authenticate with an API key (`cal_…`), sent as `Authorization: Bearer`.
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.settings.api_key = Some(key.into());
        self
    }

    /// Authenticate as a platform OAuth client (`x-cal-client-id`, `x-cal-secret-key`).
    pub fn platform_client(
        mut self,
        client_id: impl Into<String>,
        secret_key: impl Into<SecretString>,
    ) -> Self {
        self.settings.platform = Some((SecretString::new(client_id.into()), secret_key.into()));
        self
    }

    /// Authenticate as a managed user with an OAuth access token (`Authorization: Bearer`).
    /// May be combined with [`platform_client`](Self::platform_client).
    pub fn access_token(mut self, token: impl Into<SecretString>) -> Self {
        self.settings.access_token = Some(token.into());
        self
    }

    /// Act as a managed user whose tokens refresh themselves: the access token is sent as
    /// `Authorization: Bearer`, and when Cal.com says it has expired the client refreshes
    /// the pair (with the [`platform_client`](Self::platform_client)'s secret key, which
    /// is therefore required) and replays the call once. See
    /// [`on_tokens_refreshed`](Self::on_tokens_refreshed) to persist the new pair.
    pub fn managed_user_tokens(
        self,
        access_token: impl Into<SecretString>,
        refresh_token: impl Into<SecretString>,
    ) -> Self {
        self.managed_user(ManagedUserTokens::new(access_token, refresh_token))
    }

    /// [`managed_user_tokens`](Self::managed_user_tokens) with a pair as persisted, whose
    /// expiries are known: the client also refreshes when the access token expires within
    /// a minute, before sending.
    pub fn managed_user(mut self, tokens: ManagedUserTokens) -> Self {
        self.settings.managed_user = Some(tokens);
        self
    }

    /// Called with the new pair after each successful refresh, before any call is replayed
    /// with it; persist `tokens.refresh_token` here, since the old one no longer works.
    /// It runs on the async runtime: keep it quick (or hand the pair to a channel).
    pub fn on_tokens_refreshed(
        mut self,
        callback: impl Fn(&ManagedUserTokens) + Send + Sync + 'static,
    ) -> Self {
        self.settings.on_tokens_refreshed = Some(Arc::new(callback));
        self
    }

    /// The API's base URL; `https://api.cal.com` by default.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.settings.base_url = Some(url.into());
        self
    }

    /// Total time allowed for one attempt (30 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = Some(timeout);
        self
    }

    /// Time allowed to connect (10 s by default).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header; `calcom-rust/<version>` by default.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.settings.user_agent = Some(agent.into());
        self
    }

    /// Retries after a failed first attempt (2 by default; 0 disables retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.settings.retry.max_retries = retries;
        self
    }

    /// Also retry POST and PATCH requests. Off by default: they may not be idempotent.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.settings.retry.retry_non_idempotent = yes;
        self
    }

    /// Send this `cal-api-version` on every operation that has one, instead of the
    /// version the document gives for it.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.settings.api_version = Some(version.into());
        self
    }

    /// Send this `cal-api-version` for one operation, named by its method name.
    pub fn api_version_for(mut self, operation: &str, version: impl Into<String>) -> Self {
        self.settings
            .api_versions
            .insert(operation.to_string(), version.into());
        self
    }

    /// Replace how the client waits between attempts: tests record the delays and return at
    /// once (see [`calcom::testing`](crate::testing)).
    pub fn sleeper(mut self, sleeper: Sleeper) -> Self {
        self.settings.sleeper = Some(sleeper);
        self
    }

    /// The largest answer body the client reads into memory, in bytes
    /// ([`DEFAULT_MAX_RESPONSE_BYTES`], 32 MiB, by default). A larger answer is cut off
    /// while it streams in (or refused at once when its `Content-Length` says so), its
    /// connection is dropped, and the call fails with
    /// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge). Not retried.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.settings.max_response_bytes = Some(limit);
        self
    }

    /// Pace requests by Cal.com's rate-limit headers (off by default). Once an answer says
    /// `X-RateLimit-Remaining-*: 0`, the next requests of this client and of its clones
    /// wait until the window resets (as `X-RateLimit-Reset-*` says, at most
    /// [`MAX_PACING_WAIT`](crate::MAX_PACING_WAIT), one minute: Cal.com's window) instead of collecting 429s.
    /// Requests already on their way are not held back.
    pub fn pace_requests(mut self, yes: bool) -> Self {
        self.settings.pace_requests = yes;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<C, ConfigError>
    where
        C: GeneratedClient,
    {
        let (base_url, http, state) = self.settings.build(C::operations())?;
        Ok(C::from_parts(&base_url, http, state))
    }
}

impl Settings {
    /// Checks the settings and builds what the client is made of: its base URL (without a
    /// trailing `/`), its HTTP client and its state.
    fn build(
        self,
        operations: &'static [Operation],
    ) -> Result<(String, reqwest::Client, ClientState), ConfigError> {
        let access_token = match (self.access_token, &self.managed_user) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::Invalid(
                    "access_token and managed_user_tokens were both configured; \
                     managed_user_tokens already holds the access token"
                        .into(),
                ))
            }
            (None, Some(tokens)) => Some(tokens.access_token.clone()),
            (token, None) => token,
        };
        let bearer = match (self.api_key, access_token) {
            (Some(_), Some(_)) => return Err(auth::CredentialError::TwoBearers.into()),
            (Some(key), None) => {
                auth::validate_api_key(key.expose_secret())?;
                Some(Bearer::ApiKey(key))
            }
            (None, Some(token)) => {
                auth::validate(token.expose_secret(), "access token")?;
                Some(Bearer::AccessToken(token))
            }
            (None, None) => None,
        };
        let platform = match self.platform {
            Some((client_id, secret_key)) => {
                auth::validate(client_id.expose_secret(), "platform client id")?;
                auth::validate(secret_key.expose_secret(), "platform secret key")?;
                Some(PlatformClient {
                    client_id,
                    secret_key,
                })
            }
            None => None,
        };
        let base_url = self
            .base_url
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        let parsed = reqwest::Url::parse(&base_url).map_err(|_| ConfigError::BaseUrl {
            url: base_url.clone(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ConfigError::BaseUrl { url: base_url });
        }
        let managed_user = managed_user::configure(
            self.managed_user,
            self.on_tokens_refreshed,
            platform.as_ref(),
            &parsed,
        )?;
        let header_value = |v: &str, what: &str| {
            HeaderValue::from_str(v).map_err(|_| {
                ConfigError::Invalid(format!("{what} {v:?} cannot be sent in an HTTP header"))
            })
        };
        let api_version = self
            .api_version
            .as_deref()
            .map(|v| header_value(v, "cal-api-version"))
            .transpose()?;
        let api_versions = self
            .api_versions
            .iter()
            .map(|(op, v)| {
                if operations::find(operations, op).is_none() {
                    return Err(ConfigError::Invalid(format!(
                        "api_version_for: there is no operation named `{op}`"
                    )));
                }
                Ok((op.clone(), header_value(v, "cal-api-version")?))
            })
            .collect::<Result<HashMap<_, _>, _>>()?;
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| concat!("calcom-rust/", env!("CARGO_PKG_VERSION")).to_string());
        header_value(&user_agent, "user agent")?;
        tls::ensure_tls_provider();
        let http = reqwest::Client::builder()
            .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
            .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
            .user_agent(user_agent)
            // Same-origin redirects only, and no `Referer`: see `redirect`.
            .redirect(redirect::policy())
            .referer(false)
            .build()
            .map_err(ConfigError::Http)?;
        let state = ClientState {
            credentials: Credentials::new(bearer, platform),
            retry: self.retry,
            api_version,
            api_versions: Arc::new(api_versions),
            operations,
            sleeper: self.sleeper.unwrap_or_else(testing::tokio_sleeper),
            max_response_bytes: self
                .max_response_bytes
                .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            pacer: self.pace_requests.then(Arc::default),
            managed_user,
        };
        let base_url = base_url.trim_end_matches('/').to_string();
        Ok((base_url, http, state))
    }
}
