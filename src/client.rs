//! The generated [`Client`]'s own methods, and what ties it to `calcom_runtime`, where the
//! builder, the auth headers and the retry loop live (compiled once, whatever the document).

use std::future::Future;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::{Client, ClientBuilder, ConfigError, ManagedUserTokens, Result};

/// What the generated [`Client`] carries besides its base URL and HTTP client.
pub use calcom_runtime::ClientState;

impl calcom_runtime::GeneratedClient for Client {
    fn operations() -> &'static [crate::operations::Operation] {
        crate::operations::OPERATIONS
    }

    fn from_parts(baseurl: &str, http: reqwest::Client, state: ClientState) -> Self {
        Client::new_with_client(baseurl, http, state)
    }
}

impl ClientHooks<ClientState> for Client {
    // Auth headers, `cal-api-version`, retries and tracing: see `ClientState::exec`. The
    // generated `send()`s go through `calcom::runner::send` instead, which leaves the answer's
    // body beside the response for decoding; a program that calls `exec` itself gets a
    // response whose body reads as usual.
    fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        self.inner.exec(&self.client, request, info)
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from `CALCOM_*` environment variables: which ones, and how they
    /// combine, is in [`ClientBuilder::from_env`].
    pub fn from_env() -> std::result::Result<Client, ConfigError> {
        Self::builder_from_env()?.build()
    }

    /// The builder [`from_env`](Self::from_env) uses, to adjust before building
    /// ([`ClientBuilder::from_env`]).
    pub fn builder_from_env() -> std::result::Result<ClientBuilder, ConfigError> {
        ClientBuilder::from_env()
    }

    /// The same client, with POST and PATCH retried too: use it for one call that you
    /// know is safe to repeat. Cheap: the connection pool is shared.
    pub fn retrying_non_idempotent(&self) -> Client {
        let state = self.inner.retrying_non_idempotent();
        Client::new_with_client(&self.baseurl, self.client.clone(), state)
    }

    /// The same client with another retry count.
    pub fn with_max_retries(&self, retries: u32) -> Client {
        let state = self.inner.with_max_retries(retries);
        Client::new_with_client(&self.baseurl, self.client.clone(), state)
    }

    /// The managed user's current tokens, or `None` for a client built without
    /// [`managed_user_tokens`](ClientBuilder::managed_user_tokens).
    pub fn tokens(&self) -> Option<ManagedUserTokens> {
        self.inner.tokens()
    }

    /// Refreshes the managed user's tokens now and returns the new pair (also handed to
    /// [`on_tokens_refreshed`](ClientBuilder::on_tokens_refreshed)). A refresh already in
    /// progress is joined, not repeated.
    pub async fn refresh_tokens(&self) -> Result<ManagedUserTokens> {
        self.inner.refresh_tokens(self.client()).await
    }

    /// Recovery when the refresh token is lost: a new pair for managed user `user_id`
    /// from the platform client's credentials alone
    /// (`POST /v2/oauth-clients/{clientId}/users/{userId}/force-refresh`). A client with
    /// managed-user tokens (which must be `user_id`'s) stores the pair and calls
    /// [`on_tokens_refreshed`](ClientBuilder::on_tokens_refreshed); a platform client
    /// without them only returns it.
    pub async fn force_refresh_tokens(&self, user_id: i64) -> Result<ManagedUserTokens> {
        self.inner
            .force_refresh_tokens(self.client(), &self.baseurl, user_id)
            .await
    }
}

#[cfg(test)]
mod tests {
    /// The generator renames an operation whose method name is taken by one of these methods
    /// (`calcom_spec::naming::RESERVED_METHOD_NAMES`); a method added here without its name
    /// there would clash with the first operation of that name.
    #[test]
    fn every_method_here_is_reserved_for_the_generator() {
        let source = include_str!("client.rs");
        let inherent = &source[source.find("impl Client {").expect("the impl block")..];
        let names: Vec<&str> = inherent
            .lines()
            .filter_map(|line| {
                let line = line.trim_start();
                let rest = line
                    .strip_prefix("pub fn ")
                    .or_else(|| line.strip_prefix("pub async fn "))?;
                rest.split(['(', '<']).next()
            })
            .collect();
        assert!(names.len() >= 8, "methods found: {names:?}");
        for name in names {
            assert!(
                calcom_spec::naming::RESERVED_METHOD_NAMES.contains(&name),
                "`Client::{name}` is not in RESERVED_METHOD_NAMES"
            );
        }
    }
}
