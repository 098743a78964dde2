//! Managed users' OAuth tokens: the current pair, shared by every clone of a client, and
//! the refresh that replaces it once for all the calls that need it.
//!
//! Cal.com answers an expired access token with HTTP 498 (or a 401 saying
//! `ACCESS_TOKEN_IS_EXPIRED`). Refreshing rotates both tokens: the refresh token used is
//! deleted, so two refreshes racing each other make one fail, and tokens a refresh
//! returned are lost unless they are stored. Hence one refresh at a time ("single
//! flight"), a generation counter so that calls which met an expired token learn that
//! another call already refreshed, and a refresh that runs in its own task, so that it
//! completes and is stored even when the call that started it is dropped.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, TimeDelta, Utc};
use reqwest::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION};
use reqwest::{StatusCode, Url};
use serde::Serialize;
use serde_json::Value;
use tracing::Instrument;

use crate::auth::{self, PlatformClient, SECRET_KEY_HEADER};
use crate::error::{ApiError, ConfigError, TokenRefreshError, TOKEN_EXPIRED_STATUS};
use crate::SecretString;

/// The client refreshes before sending when the access token expires sooner than this.
pub const REFRESH_MARGIN: TimeDelta = TimeDelta::seconds(60);

/// A managed user's OAuth tokens, as Cal.com hands them out: an access token that lives
/// 60 minutes and a refresh token that lives a year.
///
/// `Debug` shows the expiries and `<redacted>` for the tokens. Persist the pair the client
/// hands to [`on_tokens_refreshed`](crate::ClientBuilder::on_tokens_refreshed): every
/// refresh replaces the refresh token, and the old one stops working.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManagedUserTokens {
    /// Sent as `Authorization: Bearer …`.
    pub access_token: SecretString,
    /// Exchanged for a new pair by the refresh.
    pub refresh_token: SecretString,
    /// When the access token expires, when known. The client refreshes a minute before.
    pub access_token_expires_at: Option<DateTime<Utc>>,
    /// When the refresh token expires, when known.
    pub refresh_token_expires_at: Option<DateTime<Utc>>,
}

impl ManagedUserTokens {
    /// A pair whose expiries are unknown: the client refreshes when Cal.com says the access
    /// token has expired, and knows the expiries from then on.
    pub fn new(
        access_token: impl Into<SecretString>,
        refresh_token: impl Into<SecretString>,
    ) -> Self {
        Self {
            access_token: access_token.into(),
            refresh_token: refresh_token.into(),
            access_token_expires_at: None,
            refresh_token_expires_at: None,
        }
    }

    /// `true` when the access token is known to expire within [`REFRESH_MARGIN`] of `now`.
    fn expires_soon(&self, now: DateTime<Utc>) -> bool {
        self.access_token_expires_at
            .is_some_and(|at| at.signed_duration_since(now) < REFRESH_MARGIN)
    }
}

/// Called with the new pair after each successful refresh.
pub(crate) type TokensCallback = Arc<dyn Fn(&ManagedUserTokens) + Send + Sync>;

/// One pair, ready to send, and how many refreshes came before it.
struct Current {
    tokens: ManagedUserTokens,
    authorization: HeaderValue,
    generation: u64,
}

impl Current {
    fn new(tokens: ManagedUserTokens, generation: u64) -> Option<Self> {
        let mut authorization =
            HeaderValue::from_str(&format!("Bearer {}", tokens.access_token.expose_secret()))
                .ok()?;
        authorization.set_sensitive(true);
        Some(Self {
            tokens,
            authorization,
            generation,
        })
    }

    /// Puts this access token on `request`, replacing the one the auth hook set.
    fn authorize(&self, request: &mut reqwest::Request) {
        request
            .headers_mut()
            .insert(AUTHORIZATION, self.authorization.clone());
    }
}

/// What every clone of the client sees.
struct Shared {
    current: Arc<Current>,
    /// Failed refreshes so far, and the last one's error: calls that waited for a refresh
    /// that failed get its error instead of trying again.
    failures: u64,
    last_failure: Option<TokenRefreshError>,
}

/// What a call saw when it picked its token.
#[derive(Clone)]
struct Seen {
    current: Arc<Current>,
    failures: u64,
}

/// A managed user's token state and how to refresh it. Shared (in an `Arc`) by every
/// clone of a client.
pub(crate) struct ManagedUser {
    shared: Mutex<Shared>,
    /// Held while a refresh runs: one at a time.
    flight: tokio::sync::Mutex<()>,
    platform: PlatformClient,
    refresh_url: Url,
    base_url: Url,
    on_refreshed: Option<TokensCallback>,
}

impl fmt::Debug for ManagedUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = self.lock_shared();
        f.debug_struct("ManagedUser")
            .field("tokens", &shared.current.tokens)
            .field("generation", &shared.current.generation)
            .field("failures", &shared.failures)
            .field("on_refreshed", &self.on_refreshed.is_some())
            .finish_non_exhaustive()
    }
}

/// The JSON body of the refresh request.
#[derive(Serialize)]
struct RefreshBody<'a> {
    #[serde(rename = "refreshToken")]
    refresh_token: &'a SecretString,
}

/// Checks the managed-user settings of a builder and sets up the shared state; `None`
/// when the client has no managed user's tokens.
pub(crate) fn configure(
    tokens: Option<ManagedUserTokens>,
    on_refreshed: Option<TokensCallback>,
    platform: Option<&PlatformClient>,
    base_url: &Url,
) -> Result<Option<Arc<ManagedUser>>, ConfigError> {
    let Some(tokens) = tokens else {
        if on_refreshed.is_some() {
            return Err(ConfigError::Invalid(
                "on_tokens_refreshed is set without managed_user_tokens: there are no tokens \
                 to refresh, so it would never be called"
                    .into(),
            ));
        }
        return Ok(None);
    };
    let Some(platform) = platform else {
        return Err(ConfigError::Invalid(
            "managed_user_tokens needs platform_client(client_id, secret_key): Cal.com \
             refreshes a managed user's tokens only for the platform client's secret key"
                .into(),
        ));
    };
    auth::validate(tokens.access_token.expose_secret(), "access token")?;
    auth::validate(tokens.refresh_token.expose_secret(), "refresh token")?;
    let client_id = platform.client_id.expose_secret();
    let refresh_url = endpoint(base_url, &["v2", "oauth", client_id, "refresh"])?;
    let current =
        Current::new(tokens, 0).ok_or(auth::CredentialError::NotHeaderSafe("access token"))?;
    Ok(Some(Arc::new(ManagedUser {
        shared: Mutex::new(Shared {
            current: Arc::new(current),
            failures: 0,
            last_failure: None,
        }),
        flight: tokio::sync::Mutex::new(()),
        platform: platform.clone(),
        refresh_url,
        base_url: base_url.clone(),
        on_refreshed,
    })))
}

/// `base_url` with `segments` appended, each percent-encoded.
fn endpoint(base_url: &Url, segments: &[&str]) -> Result<Url, ConfigError> {
    let mut url = base_url.clone();
    url.path_segments_mut()
        .map_err(|()| ConfigError::BaseUrl {
            url: base_url.to_string(),
        })?
        .pop_if_empty()
        .extend(segments);
    Ok(url)
}

/// `true` for Cal.com's answer to an expired access token. The send path has already
/// read a 401's body into the [`ApiError`] on the response.
fn answers_expired_token(response: &reqwest::Response) -> bool {
    let status = response.status();
    status.as_u16() == TOKEN_EXPIRED_STATUS
        || (status == StatusCode::UNAUTHORIZED
            && response
                .extensions()
                .get::<ApiError>()
                .is_some_and(ApiError::is_token_expired))
}

impl ManagedUser {
    fn lock_shared(&self) -> MutexGuard<'_, Shared> {
        // Nothing panics while holding it; recover rather than spread a poison.
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn seen(&self) -> Seen {
        let shared = self.lock_shared();
        Seen {
            current: shared.current.clone(),
            failures: shared.failures,
        }
    }

    /// The current pair.
    pub(crate) fn tokens(&self) -> ManagedUserTokens {
        self.lock_shared().current.tokens.clone()
    }

    /// Sends `request` through `send` with the current access token: refreshes first when
    /// the token expires within a minute, and when the answer says it has expired,
    /// refreshes (once for all concurrent calls) and replays once with the new token.
    ///
    /// A failed refresh is left on the expired answer as a [`TokenRefreshError`], which the
    /// conversion into [`crate::Error`] turns into [`crate::Error::TokenRefresh`].
    pub(crate) async fn exec<F, Fut>(
        self: &Arc<Self>,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        send: F,
    ) -> reqwest::Result<reqwest::Response>
    where
        F: Fn(reqwest::Request) -> Fut,
        Fut: Future<Output = reqwest::Result<reqwest::Response>>,
    {
        // Operations that take no bearer token never carry the managed user's.
        if !request.headers().contains_key(AUTHORIZATION) {
            return send(request).await;
        }
        let mut seen = self.seen();
        if seen.current.tokens.expires_soon(Utc::now()) {
            match self.refresh_after(http, &seen).await {
                Ok(fresh) => seen = fresh,
                // The old token is valid until it expires: send it and let the server
                // judge. `seen` stays as it was, so this call does not try again.
                Err(e) => {
                    tracing::warn!(error = %e, "refreshing the access token before it expires failed")
                }
            }
        }
        seen.current.authorize(&mut request);
        // Generated operations have byte bodies, which clone.
        let replay = request.try_clone();
        let mut response = send(request).await?;
        if !answers_expired_token(&response) {
            return Ok(response);
        }
        match self.refresh_after(http, &seen).await {
            Ok(fresh) => match replay {
                Some(mut replay) => {
                    fresh.current.authorize(&mut replay);
                    tracing::debug!(
                        generation = fresh.current.generation,
                        "replaying with the refreshed access token"
                    );
                    send(replay).await
                }
                None => Ok(response),
            },
            Err(e) => {
                response.extensions_mut().insert(e);
                Ok(response)
            }
        }
    }

    /// Refreshes now, unless another refresh already replaced the pair the caller saw
    /// (then its pair is returned) or failed since (then its error is).
    pub(crate) async fn refresh(
        self: &Arc<Self>,
        http: &reqwest::Client,
    ) -> Result<ManagedUserTokens, TokenRefreshError> {
        let seen = self.seen();
        Ok(self
            .refresh_after(http, &seen)
            .await?
            .current
            .tokens
            .clone())
    }

    /// Asks for a new pair with the platform client's credentials alone, for when the
    /// refresh token is lost, and stores it. `user_id` must be this managed user's id.
    pub(crate) async fn force_refresh(
        self: &Arc<Self>,
        http: &reqwest::Client,
        user_id: i64,
    ) -> Result<ManagedUserTokens, TokenRefreshError> {
        let url = force_refresh_url(&self.base_url, &self.platform, user_id)?;
        let this = Arc::clone(self);
        let http = http.clone();
        let task = async move {
            let _flight = this.flight.lock().await;
            let result = request_tokens(&http, url, &this.platform.secret_key, None).await;
            this.settle(result)
        };
        Ok(run_to_completion(task).await?.current.tokens.clone())
    }

    /// The single flight: waits for any refresh in progress, then refreshes unless the
    /// pair already moved past `seen` or a refresh failed since.
    async fn refresh_after(
        self: &Arc<Self>,
        http: &reqwest::Client,
        seen: &Seen,
    ) -> Result<Seen, TokenRefreshError> {
        let this = Arc::clone(self);
        let http = http.clone();
        let seen = seen.clone();
        let task = async move {
            let _flight = this.flight.lock().await;
            let refresh_token = {
                let shared = this.lock_shared();
                if shared.current.generation != seen.current.generation {
                    return Ok(Seen {
                        current: shared.current.clone(),
                        failures: shared.failures,
                    });
                }
                if shared.failures != seen.failures {
                    if let Some(e) = &shared.last_failure {
                        return Err(e.clone());
                    }
                }
                shared.current.tokens.refresh_token.clone()
            };
            let result = request_tokens(
                &http,
                this.refresh_url.clone(),
                &this.platform.secret_key,
                Some(&refresh_token),
            )
            .await;
            this.settle(result)
        };
        run_to_completion(task).await
    }

    /// Stores the outcome of a refresh (the caller holds `flight`), and hands a new pair
    /// to the callback before anyone can replay with it.
    fn settle(
        &self,
        result: Result<ManagedUserTokens, TokenRefreshError>,
    ) -> Result<Seen, TokenRefreshError> {
        let mut shared = self.lock_shared();
        let tokens = match result {
            Ok(tokens) => tokens,
            Err(e) => {
                shared.failures += 1;
                shared.last_failure = Some(e.clone());
                tracing::warn!(error = %e, "token refresh failed; keeping the current tokens");
                return Err(e);
            }
        };
        let generation = shared.current.generation + 1;
        let Some(current) = Current::new(tokens, generation) else {
            // `decode_tokens` checked the access token; keep the old pair all the same.
            let e = TokenRefreshError::Decode {
                status: StatusCode::OK,
                field: "data.accessToken",
            };
            shared.failures += 1;
            shared.last_failure = Some(e.clone());
            return Err(e);
        };
        shared.current = Arc::new(current);
        let seen = Seen {
            current: shared.current.clone(),
            failures: shared.failures,
        };
        drop(shared);
        tracing::debug!(generation, "managed user's tokens refreshed");
        if let Some(callback) = &self.on_refreshed {
            callback(&seen.current.tokens);
        }
        Ok(seen)
    }
}

/// Runs a refresh in its own task, so that it completes (and its tokens are stored) even
/// when the caller stops waiting. A panic in the callback reaches the caller.
async fn run_to_completion<T: Send + 'static>(
    task: impl Future<Output = Result<T, TokenRefreshError>> + Send + 'static,
) -> Result<T, TokenRefreshError> {
    match tokio::spawn(task.in_current_span()).await {
        Ok(result) => result,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(TokenRefreshError::Interrupted),
    }
}

/// `POST /v2/oauth-clients/{clientId}/users/{userId}/force-refresh`.
fn force_refresh_url(
    base_url: &Url,
    platform: &PlatformClient,
    user_id: i64,
) -> Result<Url, TokenRefreshError> {
    let user = user_id.to_string();
    let client_id = platform.client_id.expose_secret();
    endpoint(
        base_url,
        &[
            "v2",
            "oauth-clients",
            client_id,
            "users",
            &user,
            "force-refresh",
        ],
    )
    .map_err(|_| TokenRefreshError::NotConfigured("the base URL cannot take a path"))
}

/// Force-refreshes for a client that holds no managed user's tokens: returns the pair
/// without storing it.
pub(crate) async fn force_refresh_unmanaged(
    http: &reqwest::Client,
    base_url: &str,
    platform: Option<&PlatformClient>,
    user_id: i64,
) -> Result<ManagedUserTokens, TokenRefreshError> {
    let platform = platform.ok_or(TokenRefreshError::NotConfigured(
        "force_refresh_tokens needs platform_client(client_id, secret_key)",
    ))?;
    let base = Url::parse(base_url)
        .map_err(|_| TokenRefreshError::NotConfigured("the base URL does not parse"))?;
    let url = force_refresh_url(&base, platform, user_id)?;
    request_tokens(http, url, &platform.secret_key, None).await
}

/// One raw request for a new pair: the refresh (with `refresh_token`) or the force
/// refresh (without). Never retried: each refresh rotates the tokens.
async fn request_tokens(
    http: &reqwest::Client,
    url: Url,
    secret_key: &SecretString,
    refresh_token: Option<&SecretString>,
) -> Result<ManagedUserTokens, TokenRefreshError> {
    let mut secret = HeaderValue::from_str(secret_key.expose_secret()).map_err(|_| {
        TokenRefreshError::NotConfigured("the platform secret key cannot be sent in a header")
    })?;
    secret.set_sensitive(true);
    let mut request = http
        .post(url)
        .header(HeaderName::from_static(SECRET_KEY_HEADER), secret)
        .header(ACCEPT, HeaderValue::from_static("application/json"));
    if let Some(refresh_token) = refresh_token {
        request = request.json(&RefreshBody { refresh_token });
    }
    let span = tracing::info_span!(
        "calcom.token_refresh",
        force = refresh_token.is_none(),
        status = tracing::field::Empty,
    );
    async {
        // The URL holds the platform client id: keep it out of the error.
        let transport = |e: reqwest::Error| TokenRefreshError::Transport(Arc::new(e.without_url()));
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        tracing::Span::current().record("status", status.as_u16());
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(transport)?;
        if !status.is_success() {
            return Err(TokenRefreshError::Refused(Box::new(ApiError::from_parts(
                status, headers, body,
            ))));
        }
        decode_tokens(status, &body)
    }
    .instrument(span)
    .await
}

/// Reads `{"status":"success","data":{accessToken, refreshToken, accessTokenExpiresAt,
/// refreshTokenExpiresAt}}` (instants in epoch milliseconds). Errors name the field,
/// never its value: the body holds the tokens.
fn decode_tokens(status: StatusCode, body: &[u8]) -> Result<ManagedUserTokens, TokenRefreshError> {
    let missing = |field| TokenRefreshError::Decode { status, field };
    let json: Value = serde_json::from_slice(body).map_err(|_| missing("data"))?;
    let data = json
        .get("data")
        .filter(|d| d.is_object())
        .ok_or(missing("data"))?;
    let token = |key: &str, field| {
        data.get(key)
            .and_then(Value::as_str)
            .filter(|t| auth::validate(t, "token").is_ok())
            .map(SecretString::from)
            .ok_or(missing(field))
    };
    let instant = |key: &str, field| match data.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .or_else(|| v.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
            .and_then(DateTime::from_timestamp_millis)
            .map(Some)
            .ok_or(missing(field)),
    };
    Ok(ManagedUserTokens {
        access_token: token("accessToken", "data.accessToken")?,
        refresh_token: token("refreshToken", "data.refreshToken")?,
        access_token_expires_at: instant("accessTokenExpiresAt", "data.accessTokenExpiresAt")?,
        refresh_token_expires_at: instant("refreshTokenExpiresAt", "data.refreshTokenExpiresAt")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_cal_com_keys_answers() {
        let body = br#"{"status":"success","data":{"accessToken":"a1","refreshToken":"r1",
            "accessTokenExpiresAt":1758880800000,"refreshTokenExpiresAt":1790416800000.0}}"#;
        let t = decode_tokens(StatusCode::OK, body).unwrap();
        assert_eq!(t.access_token.expose_secret(), "a1");
        assert_eq!(t.refresh_token.expose_secret(), "r1");
        assert_eq!(
            t.access_token_expires_at.unwrap().to_rfc3339(),
            "2025-09-26T10:00:00+00:00"
        );
        assert_eq!(
            t.refresh_token_expires_at.unwrap().to_rfc3339(),
            "2026-09-26T10:00:00+00:00"
        );
        let no_expiry =
            br#"{"data":{"accessToken":"a","refreshToken":"r","accessTokenExpiresAt":null}}"#;
        let t = decode_tokens(StatusCode::OK, no_expiry).unwrap();
        assert_eq!(t.access_token_expires_at, None);
    }

    #[test]
    fn decoding_errors_name_the_field_not_the_value() {
        for (body, field) in [
            (&br#"not json SECRET"#[..], "data"),
            (br#"{"data":"SECRET"}"#, "data"),
            (br#"{"data":{"refreshToken":"SECRET"}}"#, "data.accessToken"),
            (br#"{"data":{"accessToken":"SECRET","refreshToken":7}}"#, "data.refreshToken"),
            (br#"{"data":{"accessToken":"SECRET x","refreshToken":"r"}}"#, "data.accessToken"),
            (
                br#"{"data":{"accessToken":"a","refreshToken":"r","accessTokenExpiresAt":"SECRET"}}"#,
                "data.accessTokenExpiresAt",
            ),
        ] {
            let e = decode_tokens(StatusCode::OK, body).unwrap_err();
            assert!(
                matches!(e, TokenRefreshError::Decode { field: f, .. } if f == field),
                "{e:?}"
            );
            assert!(!format!("{e} {e:?}").contains("SECRET"), "{e:?}");
        }
    }

    #[test]
    fn expires_soon_only_within_the_margin() {
        let now = Utc::now();
        let mut t = ManagedUserTokens::new("a", "r");
        assert!(!t.expires_soon(now), "unknown expiry");
        t.access_token_expires_at = Some(now + TimeDelta::seconds(59));
        assert!(t.expires_soon(now));
        t.access_token_expires_at = Some(now - TimeDelta::seconds(1));
        assert!(t.expires_soon(now));
        t.access_token_expires_at = Some(now + TimeDelta::minutes(30));
        assert!(!t.expires_soon(now));
    }

    #[test]
    fn endpoints_encode_the_client_id_and_keep_a_base_path() {
        let base = Url::parse("https://cal.example/api/").unwrap();
        let url = endpoint(&base, &["v2", "oauth", "id/with?odd#chars", "refresh"]).unwrap();
        assert_eq!(
            url.as_str(),
            "https://cal.example/api/v2/oauth/id%2Fwith%3Fodd%23chars/refresh"
        );
    }
}
