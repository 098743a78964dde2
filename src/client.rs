//! Building a [`Client`], and what it does around every request: auth headers,
//! `cal-api-version`, retries, error capture and tracing.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{HeaderName, HeaderValue};
use tracing::Instrument;

use crate::auth::{self, Bearer, Credentials, PlatformClient};
use crate::body_limit::DEFAULT_MAX_RESPONSE_BYTES;
use crate::error::ConfigError;
use crate::managed_user::{self, ManagedUser, ManagedUserTokens, TokensCallback};
use crate::pacing::Pacer;
use crate::redirect;
use crate::retry::{self, RetryPolicy, Sleeper};
use crate::{operations, Client, SecretString};

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.cal.com";
/// Default total time for one attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The header progenitor adds to every request; removed before sending. Header names are
/// built at compile time: a `&str` key is parsed on every use, and even `from_static` at
/// run time compares the name against every standard header.
static PROGENITOR_VERSION_HEADER: HeaderName = HeaderName::from_static("api-version");
/// [`API_VERSION_HEADER`] as a header name.
static API_VERSION_HEADER_NAME: HeaderName = HeaderName::from_static(API_VERSION_HEADER);
/// The header naming the API version an operation speaks.
pub const API_VERSION_HEADER: &str = "cal-api-version";

/// What the generated [`Client`] carries besides its base URL and HTTP client.
#[derive(Clone)]
pub struct ClientState {
    credentials: Credentials,
    pub(crate) retry: RetryPolicy,
    api_version: Option<HeaderValue>,
    api_versions: Arc<HashMap<String, HeaderValue>>,
    pub(crate) sleeper: Sleeper,
    pub(crate) max_response_bytes: u64,
    /// Shared by the client and its clones; `None` unless pacing was asked for.
    pub(crate) pacer: Option<Arc<Pacer>>,
    /// Shared by every clone: one token state, one refresh at a time.
    managed_user: Option<Arc<ManagedUser>>,
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientState")
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("api_version", &self.api_version)
            .field("managed_user", &self.managed_user)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]. Start from [`Client::builder`].
#[derive(Default)]
pub struct ClientBuilder {
    api_key: Option<SecretString>,
    access_token: Option<SecretString>,
    platform: Option<(SecretString, SecretString)>,
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

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("access_token", &self.access_token)
            .field("platform", &self.platform)
            .field("base_url", &self.base_url)
            .field("retry", &self.retry)
            .field("managed_user", &self.managed_user)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Authenticate with an API key (`cal_…`), sent as `Authorization: Bearer`.
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Authenticate as a platform OAuth client (`x-cal-client-id`, `x-cal-secret-key`).
    pub fn platform_client(
        mut self,
        client_id: impl Into<String>,
        secret_key: impl Into<SecretString>,
    ) -> Self {
        self.platform = Some((SecretString::new(client_id.into()), secret_key.into()));
        self
    }

    /// Authenticate as a managed user with an OAuth access token (`Authorization: Bearer`).
    /// May be combined with [`platform_client`](Self::platform_client).
    pub fn access_token(mut self, token: impl Into<SecretString>) -> Self {
        self.access_token = Some(token.into());
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
        self.managed_user = Some(tokens);
        self
    }

    /// Called with the new pair after each successful refresh, before any call is replayed
    /// with it; persist `tokens.refresh_token` here, since the old one no longer works.
    /// It runs on the async runtime: keep it quick (or hand the pair to a channel).
    pub fn on_tokens_refreshed(
        mut self,
        callback: impl Fn(&ManagedUserTokens) + Send + Sync + 'static,
    ) -> Self {
        self.on_tokens_refreshed = Some(Arc::new(callback));
        self
    }

    /// The API's base URL; `https://api.cal.com` by default.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Total time allowed for one attempt (30 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time allowed to connect (10 s by default).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header; `calcom-rust/<version>` by default.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }

    /// Retries after a failed first attempt (2 by default; 0 disables retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// Also retry POST and PATCH requests. Off by default: they may not be idempotent.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry.retry_non_idempotent = yes;
        self
    }

    /// Send this `cal-api-version` on every operation that has one, instead of the
    /// version the document gives for it.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// Send this `cal-api-version` for one operation, named by its method name.
    pub fn api_version_for(mut self, operation: &str, version: impl Into<String>) -> Self {
        self.api_versions
            .insert(operation.to_string(), version.into());
        self
    }

    /// Replace how the client waits between retries (tests use it to record delays).
    pub fn sleeper(mut self, sleeper: Sleeper) -> Self {
        self.sleeper = Some(sleeper);
        self
    }

    /// The largest answer body the client reads into memory, in bytes
    /// ([`DEFAULT_MAX_RESPONSE_BYTES`], 32 MiB, by default). A larger answer is cut off
    /// while it streams in (or refused at once when its `Content-Length` says so), its
    /// connection is dropped, and the call fails with
    /// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge). Not retried.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Pace requests by Cal.com's rate-limit headers (off by default). Once an answer says
    /// `X-RateLimit-Remaining-*: 0`, the next requests of this client and of its clones
    /// wait until the window resets (as `X-RateLimit-Reset-*` says, at most
    /// [`MAX_PACING_WAIT`](crate::MAX_PACING_WAIT), one minute: Cal.com's window) instead of collecting 429s.
    /// Requests already on their way are not held back.
    pub fn pace_requests(mut self, yes: bool) -> Self {
        self.pace_requests = yes;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, ConfigError> {
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
                if operations::find(op).is_none() {
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
            credentials: Credentials { bearer, platform },
            retry: self.retry,
            api_version,
            api_versions: Arc::new(api_versions),
            sleeper: self.sleeper.unwrap_or_else(retry::tokio_sleeper),
            max_response_bytes: self
                .max_response_bytes
                .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            pacer: self.pace_requests.then(Arc::default),
            managed_user,
        };
        Ok(Client::new_with_client(
            base_url.trim_end_matches('/'),
            http,
            state,
        ))
    }
}

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

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: `CALCOM_API_KEY`, or
    /// `CALCOM_CLIENT_ID` + `CALCOM_SECRET_KEY` (with an optional `CALCOM_ACCESS_TOKEN`, and
    /// with it an optional `CALCOM_REFRESH_TOKEN`, which turns on the automatic refresh of
    /// [`managed_user_tokens`](ClientBuilder::managed_user_tokens)), or
    /// `CALCOM_ACCESS_TOKEN` alone; `CALCOM_BASE_URL` overrides the base URL.
    pub fn from_env() -> Result<Client, ConfigError> {
        Self::builder_from_env()?.build()
    }

    /// The builder [`from_env`](Self::from_env) uses, to adjust before building.
    ///
    /// Every value is checked here, so that an error names the variable at fault (and
    /// never quotes its value).
    pub fn builder_from_env() -> Result<ClientBuilder, ConfigError> {
        let mut builder = Self::builder();
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
                auth::validate(&secret, "platform secret key")
                    .map_err(named("CALCOM_SECRET_KEY"))?;
                builder = builder.platform_client(id, secret);
            }
            (Some(_), None) => {
                return Err(ConfigError::Env {
                    name: "CALCOM_SECRET_KEY",
                    reason: "is not set, but CALCOM_CLIENT_ID is: a platform client needs both"
                        .into(),
                })
            }
            (None, Some(_)) => {
                return Err(ConfigError::Env {
                    name: "CALCOM_CLIENT_ID",
                    reason: "is not set, but CALCOM_SECRET_KEY is: a platform client needs both"
                        .into(),
                })
            }
            (None, None) => {}
        }
        if let Some(token) = access_token {
            if builder.api_key.is_some() {
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
                    auth::validate(&refresh, "refresh token")
                        .map_err(named("CALCOM_REFRESH_TOKEN"))?;
                    if builder.platform.is_none() {
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
        if builder.api_key.is_none() && builder.platform.is_none() && builder.access_token.is_none()
        {
            return Err(ConfigError::Env {
                name: "CALCOM_API_KEY",
                reason: "is not set, and neither are CALCOM_CLIENT_ID + CALCOM_SECRET_KEY or \
                         CALCOM_ACCESS_TOKEN"
                    .into(),
            });
        }
        if let Some(url) = env_var("CALCOM_BASE_URL")? {
            let valid =
                reqwest::Url::parse(&url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
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

    /// The same client, with POST and PATCH retried too: use it for one call that you
    /// know is safe to repeat. Cheap: the connection pool is shared.
    pub fn retrying_non_idempotent(&self) -> Client {
        let mut state = self.inner.clone();
        state.retry.retry_non_idempotent = true;
        Client::new_with_client(&self.baseurl, self.client.clone(), state)
    }

    /// The managed user's current tokens, or `None` for a client built without
    /// [`managed_user_tokens`](ClientBuilder::managed_user_tokens).
    pub fn tokens(&self) -> Option<ManagedUserTokens> {
        self.inner.managed_user.as_ref().map(|user| user.tokens())
    }

    /// Refreshes the managed user's tokens now and returns the new pair (also handed to
    /// [`on_tokens_refreshed`](ClientBuilder::on_tokens_refreshed)). A refresh already in
    /// progress is joined, not repeated.
    pub async fn refresh_tokens(&self) -> crate::Result<ManagedUserTokens> {
        let user = self
            .inner
            .managed_user
            .as_ref()
            .ok_or(crate::Error::TokenRefresh(
                crate::TokenRefreshError::NotConfigured(
                    "refresh_tokens needs managed_user_tokens on the builder",
                ),
            ))?;
        user.refresh(self.client())
            .await
            .map_err(crate::Error::TokenRefresh)
    }

    /// Recovery when the refresh token is lost: a new pair for managed user `user_id`
    /// from the platform client's credentials alone
    /// (`POST /v2/oauth-clients/{clientId}/users/{userId}/force-refresh`). A client with
    /// managed-user tokens (which must be `user_id`'s) stores the pair and calls
    /// [`on_tokens_refreshed`](ClientBuilder::on_tokens_refreshed); a platform client
    /// without them only returns it.
    pub async fn force_refresh_tokens(&self, user_id: i64) -> crate::Result<ManagedUserTokens> {
        let result = match &self.inner.managed_user {
            Some(user) => user.force_refresh(self.client(), user_id).await,
            None => {
                managed_user::force_refresh_unmanaged(
                    self.client(),
                    &self.baseurl,
                    self.inner.credentials.platform.as_ref(),
                    user_id,
                )
                .await
            }
        };
        result.map_err(crate::Error::TokenRefresh)
    }

    /// The same client with another retry count.
    pub fn with_max_retries(&self, retries: u32) -> Client {
        let mut state = self.inner.clone();
        state.retry.max_retries = retries;
        Client::new_with_client(&self.baseurl, self.client.clone(), state)
    }
}

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let state = &self.inner;
        // progenitor sends the document's `info.version` ("1.0.0") as `api-version`;
        // Cal.com versions operations with `cal-api-version` instead.
        request.headers_mut().remove(&PROGENITOR_VERSION_HEADER);
        let operation = operations::find(info.operation_id);
        if let Some(op) = operation {
            let auth_headers = state
                .credentials
                .headers_for(op.name, &op.auth)
                .map_err(|e| progenitor_client::Error::Custom(e.to_string()))?;
            request.headers_mut().extend(auth_headers);
        }
        // Per-operation overrides are rare: skip hashing the name when there are none.
        let overridden = if state.api_versions.is_empty() {
            None
        } else {
            state.api_versions.get(info.operation_id).cloned()
        };
        let version = overridden.or_else(|| {
            let op = operation?;
            let doc_version = op.api_version?;
            state
                .api_version
                .clone()
                .or_else(|| HeaderValue::from_str(doc_version).ok())
        });
        if let Some(v) = version {
            request
                .headers_mut()
                .insert(API_VERSION_HEADER_NAME.clone(), v);
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::info_span!(
            "calcom.request",
            operation = info.operation_id,
            method = %request.method(),
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        // `Instrument`, not `span.enter()`: a guard held across `.await` would leave the
        // span entered on the thread while this request waits, and other tasks' events
        // would be logged inside it.
        let exec = async {
            match &self.inner.managed_user {
                // Around the retries: refresh and replay once with the new token.
                Some(user) => {
                    let send = |request| self.send_with_retries(request, &span);
                    user.exec(self.client(), request, send).await
                }
                None => self.send_with_retries(request, &span).await,
            }
        };
        exec.instrument(span.clone()).await
    }
}
