//! The retry loop: one request from its first attempt to the answer handed to the
//! generated code. An attempt is the whole exchange, body included, so that a connection
//! that breaks while the body streams in is retried like one that broke before the status
//! line; the generated code then decodes from memory.

use std::time::Instant;

use bytes::Bytes;
use progenitor_client::ClientInfo;
use reqwest::header::{HeaderMap, HeaderName};
use reqwest::ResponseBuilderExt;
use reqwest::{StatusCode, Version};

use crate::body_limit::{self, BodyError};
use crate::error::ApiError;
use crate::retry;
use crate::Client;

/// The header Cal.com puts its request id in.
static REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// A complete answer, its body in memory.
struct Answer {
    status: StatusCode,
    version: Version,
    headers: HeaderMap,
    url: reqwest::Url,
    body: Bytes,
}

/// Why an attempt produced no answer.
enum Failure {
    /// Sending, waiting for the answer or reading its body failed (or a redirect was
    /// refused: the policy's error travels as a reqwest error too).
    Transport(reqwest::Error),
    /// The body passed the size limit; the connection was dropped.
    TooLarge(body_limit::ResponseTooLarge),
}

/// One attempt: send, then read the body within `limit`.
async fn attempt(
    http: &reqwest::Client,
    request: reqwest::Request,
    limit: u64,
) -> Result<Answer, Failure> {
    let mut response = http.execute(request).await.map_err(Failure::Transport)?;
    let status = response.status();
    let body = match body_limit::read_bounded(&mut response, limit).await {
        Ok(body) => body,
        Err(BodyError::Transport(e)) => return Err(Failure::Transport(e)),
        Err(BodyError::TooLarge(error)) => return Err(Failure::TooLarge(error)),
    };
    let version = response.version();
    let url = response.url().clone();
    let headers = std::mem::take(response.headers_mut());
    Ok(Answer {
        status,
        version,
        headers,
        url,
        body,
    })
}

impl Client {
    /// The body of [`ClientHooks::exec`](progenitor_client::ClientHooks::exec): waits for
    /// the rate-limit window when pacing, sends, retries as the policy allows, and hands on
    /// the answer with its body buffered (and, for a non-success answer, the decoded
    /// [`ApiError`]). Runs inside `span`.
    pub(crate) async fn send_with_retries(
        &self,
        request: reqwest::Request,
        span: &tracing::Span,
    ) -> reqwest::Result<reqwest::Response> {
        let state = &self.inner;
        let started = Instant::now();
        let may_retry = state.retry.allows(request.method());
        let pacer = state.pacer.as_deref();
        let mut request = request;
        let mut retry = 0;
        let outcome = loop {
            if let Some((until, wait)) = pacer.and_then(|p| p.pending()) {
                tracing::debug!(
                    wait_ms = wait.as_millis() as u64,
                    "rate-limit window used up; waiting for its reset"
                );
                (state.sleeper)(wait).await;
                if let Some(p) = pacer {
                    p.waited(until);
                }
            }
            let spare = if may_retry && retry < state.retry.max_retries {
                request.try_clone()
            } else {
                None
            };
            let outcome = attempt(self.client(), request, state.max_response_bytes).await;
            if let (Some(p), Ok(answer)) = (pacer, &outcome) {
                p.observe(&answer.headers);
            }
            let Some(next) = spare else { break outcome };
            let delay = match &outcome {
                Ok(a) if retry::retryable_status(a.status) => {
                    retry::delay_for(retry, Some(&a.headers))
                }
                Err(Failure::Transport(e)) if retry::retryable_error(e) => {
                    retry::delay_for(retry, None)
                }
                _ => break outcome,
            };
            tracing::debug!(
                retry = retry + 1,
                delay_ms = delay.as_millis() as u64,
                "retrying"
            );
            // A retry that waits at least as long as the pacing pause covers it.
            let covered = pacer
                .and_then(|p| p.pending())
                .filter(|(_, wait)| delay >= *wait);
            (state.sleeper)(delay).await;
            if let (Some(p), Some((until, _))) = (pacer, covered) {
                p.waited(until);
            }
            request = next;
            retry += 1;
        };
        span.record("attempts", retry + 1);
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        let answer = match outcome {
            Ok(answer) => answer,
            Err(Failure::Transport(e)) => return Err(e),
            Err(Failure::TooLarge(error)) => {
                if let Some(status) = error.status {
                    span.record("status", status.as_u16());
                }
                // Boxed: a rare path that would otherwise enlarge every call's future.
                return Err(Box::pin(crate::refusal::as_reqwest_error(error)).await);
            }
        };
        // Recording on a disabled span (no subscriber, or a filter that drops it) does
        // nothing, but finding the request id would still cost a header lookup.
        if !span.is_disabled() {
            span.record("status", answer.status.as_u16());
            if let Some(id) = answer
                .headers
                .get(&REQUEST_ID_HEADER)
                .and_then(|v| v.to_str().ok())
            {
                span.record("request_id", id);
            }
        }
        Ok(rebuild(answer))
    }
}

/// The answer as a `reqwest::Response` again, decoding from memory. A success answer
/// carries its body for [`crate::decode::response_value`]; a non-success answer its decoded
/// [`ApiError`], where the conversion into [`crate::Error`] finds it.
fn rebuild(answer: Answer) -> reqwest::Response {
    let Answer {
        status,
        version,
        headers,
        url,
        body,
    } = answer;
    // The URL goes in through reqwest's own extension, so that `response.url()` stays
    // right; it is also cheaper than what `From<http::Response>` does without it (parse a
    // placeholder URL).
    let mut builder = http::Response::builder().url(url);
    if status.is_success() {
        builder = builder.extension(crate::decode::AnswerBody(body.clone()));
    } else {
        let api = ApiError::from_parts(status, headers.clone(), body.clone());
        tracing::debug!(
            status = status.as_u16(),
            code = api.code.as_deref(),
            "Cal.com error"
        );
        builder = builder.extension(api);
    }
    let mut rebuilt = match builder.body(body) {
        Ok(rebuilt) => rebuilt,
        Err(_) => unreachable!("only extensions were set, and those cannot fail"),
    };
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    reqwest::Response::from(rebuilt)
}
