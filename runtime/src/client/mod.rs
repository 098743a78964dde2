//! Building a client, and what it does around every request.
//!
//! - [`builder`]: [`ClientBuilder`], checked once in `build()`;
//! - [`env`]: the same from `CALCOM_*` environment variables;
//! - [`hooks`]: what progenitor's `exec` hook runs: auth headers, `cal-api-version`,
//!   tracing, and the retry loop of `crate::send` around each request.

mod builder;
mod env;
mod hooks;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use progenitor_client::ClientInfo;
use reqwest::header::HeaderValue;

use crate::auth::Credentials;
use crate::managed_user::{self, ManagedUser, ManagedUserTokens};
use crate::operations::Operation;
use crate::pacing::Pacer;
use crate::retry::RetryPolicy;
use crate::testing::Sleeper;

pub use builder::ClientBuilder;

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.cal.com";
/// Default total time for one attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The header naming the API version an operation speaks.
pub use calcom_spec::headers::API_VERSION_HEADER;

/// What the generated `calcom::Client` carries besides its base URL and HTTP client.
#[derive(Clone)]
pub struct ClientState {
    credentials: Credentials,
    pub(crate) retry: RetryPolicy,
    api_version: Option<HeaderValue>,
    api_versions: Arc<HashMap<String, HeaderValue>>,
    /// The generated per-operation table ([`GeneratedClient::operations`]).
    operations: &'static [Operation],
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

/// What the runtime needs of the generated client. `calcom::Client` implements it; nothing
/// else needs to.
#[doc(hidden)]
pub trait GeneratedClient: ClientInfo<ClientState> + Sized {
    /// The generated per-operation table, sorted by method name.
    fn operations() -> &'static [Operation];

    /// The client around its parts (progenitor's `new_with_client`).
    fn from_parts(baseurl: &str, http: reqwest::Client, state: ClientState) -> Self;
}

/// What the generated client's own methods (`calcom::Client::tokens` and the others) call.
#[doc(hidden)]
impl ClientState {
    /// The same state, with POST and PATCH retried too.
    pub fn retrying_non_idempotent(&self) -> ClientState {
        let mut state = self.clone();
        state.retry.retry_non_idempotent = true;
        state
    }

    /// The same state with another retry count.
    pub fn with_max_retries(&self, retries: u32) -> ClientState {
        let mut state = self.clone();
        state.retry.max_retries = retries;
        state
    }

    /// The managed user's current tokens, if the client has them.
    pub fn tokens(&self) -> Option<ManagedUserTokens> {
        self.managed_user.as_ref().map(|user| user.tokens())
    }

    /// Refreshes the managed user's tokens now (joining a refresh in progress).
    pub async fn refresh_tokens(&self, http: &reqwest::Client) -> crate::Result<ManagedUserTokens> {
        let user = self
            .managed_user
            .as_ref()
            .ok_or(crate::Error::TokenRefresh(
                crate::TokenRefreshError::NotConfigured(
                    "refresh_tokens needs managed_user_tokens on the builder",
                ),
            ))?;
        user.refresh(http).await.map_err(crate::Error::TokenRefresh)
    }

    /// A new pair for managed user `user_id` from the platform client's credentials alone.
    pub async fn force_refresh_tokens(
        &self,
        http: &reqwest::Client,
        baseurl: &str,
        user_id: i64,
    ) -> crate::Result<ManagedUserTokens> {
        let result = match &self.managed_user {
            Some(user) => user.force_refresh(http, user_id).await,
            None => {
                managed_user::force_refresh_unmanaged(
                    http,
                    baseurl,
                    self.credentials.platform.as_ref(),
                    user_id,
                )
                .await
            }
        };
        result.map_err(crate::Error::TokenRefresh)
    }
}
