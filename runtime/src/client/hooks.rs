//! What the client does around every request: what progenitor's `exec` hook and the
//! generated `send()`s run.

use std::future::Future;
use std::pin::Pin;

use futures_util::future::Either;
use progenitor_client::OperationInfo;
use reqwest::header::{HeaderName, HeaderValue};
use tracing::Instrument;

use super::{ClientState, API_VERSION_HEADER};
use crate::auth::MissingCredentials;
use crate::{operations, refusal};

/// [`API_VERSION_HEADER`] as a header name, built at compile time: a `&str` key is parsed
/// on every use, and even `from_static` at run time compares the name against every
/// standard header.
static API_VERSION_HEADER_NAME: HeaderName = HeaderName::from_static(API_VERSION_HEADER);

/// The future of a refused call or of a managed user's call: rare enough to be boxed, so
/// that it does not enlarge every call's future.
type Boxed<'a> = Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a>>;

impl ClientState {
    /// The body of `calcom::Client`'s [`ClientHooks::exec`](progenitor_client::ClientHooks::exec):
    /// [`exec_buffered`](Self::exec_buffered), with the answer's body readable as usual.
    //
    // Everything happens here, not in progenitor's `pre` hook: `pre` can only fail with a
    // string, and a missing credential is a typed error (`Error::MissingCredentials`).
    #[doc(hidden)]
    pub fn exec<'a>(
        &'a self,
        http: &'a reqwest::Client,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a {
        let buffered = self.exec_buffered(http, request, info);
        async move { buffered.await.map(crate::send::with_readable_body) }
    }

    /// What the generated `send()`s run (through [`crate::runner::send`]) instead of
    /// [`exec`](Self::exec): the same auth headers,
    /// `cal-api-version`, retries and tracing, and the answer handed on with its body
    /// already read, as an extension for decoding rather than as the response's body
    /// (building a response around the body again cost six allocations a call).
    ///
    /// Not an `async fn`: what comes before sending is synchronous, and an `async fn` would
    /// keep its own copy of the request (its arguments stay in its future) beside the one
    /// the retry loop holds. This returns the retry loop's future itself, instrumented.
    #[doc(hidden)]
    pub fn exec_buffered<'a>(
        &'a self,
        http: &'a reqwest::Client,
        mut request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a {
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
        if let Err(missing) = self.prepare(&mut request, info) {
            let refused: Boxed<'_> =
                Box::pin(async move { Err(refusal::as_reqwest_error(missing).await) });
            return Either::Left(refused).instrument(span);
        }
        let send = match &self.managed_user {
            // Around the retries: refresh and replay once with the new token.
            Some(user) => {
                let span = span.clone();
                let managed: Boxed<'_> = Box::pin(async move {
                    let send = |request| self.send_with_retries(http, request, span.clone());
                    user.exec(http, request, send).await
                });
                Either::Left(managed)
            }
            None => Either::Right(self.send_with_retries(http, request, span.clone())),
        };
        send.instrument(span)
    }
    /// Adds the auth headers and `cal-api-version` the operation needs.
    fn prepare(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), MissingCredentials> {
        let state = self;
        // progenitor's `api-version` header (the document's `info.version`) is not built at
        // all (calcom_codegen::send_rewrites): Cal.com reads `cal-api-version`, set here.
        let operation = operations::find(state.operations, info.operation_id);
        if let Some(op) = operation {
            let auth_headers = state.credentials.headers_for(op.name, &op.auth)?;
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
}
