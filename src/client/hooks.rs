//! progenitor's hooks: what the client does around every request.

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{HeaderName, HeaderValue};
use tracing::Instrument;

use super::{ClientState, API_VERSION_HEADER};
use crate::auth::MissingCredentials;
use crate::{operations, refusal, Client};

/// [`API_VERSION_HEADER`] as a header name, built at compile time: a `&str` key is parsed
/// on every use, and even `from_static` at run time compares the name against every
/// standard header.
static API_VERSION_HEADER_NAME: HeaderName = HeaderName::from_static(API_VERSION_HEADER);

impl ClientHooks<ClientState> for Client {
    // Everything happens in `exec`: `pre` can only fail with a string, and a missing
    // credential is a typed error (`Error::MissingCredentials`).
    async fn exec(
        &self,
        mut request: reqwest::Request,
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
        // The rare paths are boxed: an async fn's future is as large as its largest path,
        // and every call moves this one as it is built and awaited.
        if let Err(missing) = self.prepare(&mut request, info) {
            return Err(Box::pin(refusal::as_reqwest_error(missing)).await);
        }
        // `Instrument`, not `span.enter()`: a guard held across `.await` would leave the
        // span entered on the thread while this request waits, and other tasks' events
        // would be logged inside it.
        let exec = async {
            match &self.inner.managed_user {
                // Around the retries: refresh and replay once with the new token.
                Some(user) => {
                    let send = |request| self.send_with_retries(request, &span);
                    Box::pin(user.exec(self.client(), request, send)).await
                }
                None => self.send_with_retries(request, &span).await,
            }
        };
        exec.instrument(span.clone()).await
    }
}

impl Client {
    /// Adds the auth headers and `cal-api-version` the operation needs.
    fn prepare(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), MissingCredentials> {
        let state = &self.inner;
        // progenitor's `api-version` header (the document's `info.version`) is not built at
        // all (calcom_codegen::send_rewrites): Cal.com reads `cal-api-version`, set here.
        let operation = operations::find(info.operation_id);
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
