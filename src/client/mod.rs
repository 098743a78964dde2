//! Building a [`Client`], and what it does around every request.
//!
//! - [`builder`]: [`ClientBuilder`], checked once in `build()`;
//! - [`env`]: the same from `CALCOM_*` environment variables;
//! - [`hooks`]: progenitor's hooks: auth headers, `cal-api-version`, tracing, and the retry
//!   loop of `crate::send` around each request.

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
use crate::pacing::Pacer;
use crate::retry::RetryPolicy;
use crate::testing::Sleeper;
use crate::Client;

pub use builder::ClientBuilder;

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.cal.com";
/// Default total time for one attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The header naming the API version an operation speaks.
pub use calcom_spec::headers::API_VERSION_HEADER;

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

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
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
