//! The retry loop: one request from its first attempt to the answer handed to the
//! generated code. An attempt is the whole exchange, body included, so that a connection
//! that breaks while the body streams in is retried like one that broke before the status
//! line; the generated code then decodes from memory.

use std::future::Future;
use std::time::Instant;

use bytes::Bytes;
use reqwest::header::HeaderName;
use reqwest::ResponseBuilderExt;

use crate::body_limit::{self, BodyError};
use crate::error::ApiError;
use crate::retry;
use crate::ClientState;

/// The header Cal.com puts its request id in.
static REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// A complete answer: the response, whose body has been read to its end, and that body.
struct Answer {
    response: reqwest::Response,
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

/// One attempt: sends now, then reads the body within `limit`.
///
/// Not an `async fn`: `execute` moves the request into reqwest's own boxed future at once,
/// so the attempt's future holds that box, not a second copy of the request beside the
/// one the retry loop keeps (an `async fn` keeps its arguments in its future).
fn attempt(
    http: &reqwest::Client,
    request: reqwest::Request,
    limit: u64,
) -> impl Future<Output = Result<Answer, Failure>> {
    let pending = http.execute(request);
    async move {
        let mut response = pending.await.map_err(Failure::Transport)?;
        match body_limit::read_bounded(&mut response, limit).await {
            Ok(body) => Ok(Answer { response, body }),
            Err(BodyError::Transport(e)) => Err(Failure::Transport(e)),
            Err(BodyError::TooLarge(error)) => Err(Failure::TooLarge(error)),
        }
    }
}

impl ClientState {
    /// The body of [`ClientHooks::exec`](progenitor_client::ClientHooks::exec): waits for
    /// the rate-limit window when pacing, sends, retries as the policy allows, and hands on
    /// the answer with its body buffered (and, for a non-success answer, the decoded
    /// [`ApiError`]). Runs inside `span`.
    ///
    /// Not an `async fn`, for the reason [`attempt`] is not: the request lives in this
    /// future once.
    #[expect(
        clippy::manual_async_fn,
        reason = "as an async fn its future is 312 bytes larger (benches/request.rs prints the size)"
    )]
    pub(crate) fn send_with_retries<'a>(
        &'a self,
        http: &'a reqwest::Client,
        request: reqwest::Request,
        span: tracing::Span,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> + 'a {
        async move {
            let state = self;
            // Two clock reads a call, for a span nobody records.
            let started = (!span.is_disabled()).then(Instant::now);
            let may_retry = state.retry.allows(request.method());
            let pacer = state.pacer.as_deref();
            let limit = state.max_response_bytes;
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
                // A retry would need the request again: send a copy and keep the request.
                // Without one, the request itself goes, as the last attempt. (Sending the
                // request and keeping the copy would hold both in this future while the
                // attempt runs.)
                let copy = if may_retry && retry < state.retry.max_retries {
                    request.try_clone()
                } else {
                    None
                };
                let Some(copy) = copy else {
                    let outcome = attempt(http, request, limit).await;
                    observe(pacer, &outcome);
                    break outcome;
                };
                let outcome = attempt(http, copy, limit).await;
                observe(pacer, &outcome);
                let delay = match &outcome {
                    Ok(a) if retry::retryable_status(a.response.status()) => {
                        retry::delay_for(retry, Some(a.response.headers()))
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
                retry += 1;
            };
            span.record("attempts", retry + 1);
            if let Some(started) = started {
                span.record("duration_ms", started.elapsed().as_millis() as u64);
            }
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
                span.record("status", answer.response.status().as_u16());
                if let Some(id) = answer
                    .response
                    .headers()
                    .get(&REQUEST_ID_HEADER)
                    .and_then(|v| v.to_str().ok())
                {
                    span.record("request_id", id);
                }
            }
            Ok(hand_on(answer))
        }
    }
}

/// Hands an answer's rate-limit headers to the pacer, when pacing.
fn observe(pacer: Option<&crate::pacing::Pacer>, outcome: &Result<Answer, Failure>) {
    if let (Some(p), Ok(answer)) = (pacer, outcome) {
        p.observe(answer.response.headers());
    }
}

/// The answer for the generated code, which decodes from memory: the body goes on the
/// response for [`crate::decode::response_value`], and a non-success answer's decoded
/// [`ApiError`] beside it, where the conversion into [`crate::Error`] finds it. (The
/// response itself is handed on, its body read: building a new one cost six allocations a
/// call, a copy of the URL among them.)
fn hand_on(answer: Answer) -> reqwest::Response {
    let Answer { mut response, body } = answer;
    let status = response.status();
    if !status.is_success() {
        let api = ApiError::from_parts(status, response.headers().clone(), body.clone());
        tracing::debug!(
            status = status.as_u16(),
            code = api.code.as_deref(),
            "Cal.com error"
        );
        response.extensions_mut().insert(api);
    }
    response
        .extensions_mut()
        .insert(crate::decode::AnswerBody(body));
    response
}

/// The response of [`ClientState::exec_buffered`] as one whose body reads as usual (for a program
/// that calls `ClientHooks::exec` itself): the same status, headers, URL and extensions,
/// the body in memory.
pub(crate) fn with_readable_body(mut response: reqwest::Response) -> reqwest::Response {
    let Some(crate::decode::AnswerBody(body)) = response
        .extensions_mut()
        .remove::<crate::decode::AnswerBody>()
    else {
        return response;
    };
    // reqwest keeps the URL in an extension of its own while the response is an
    // `http::Response`, so that `url()` survives the way back.
    let mut rebuilt = match http::Response::builder()
        .url(response.url().clone())
        .body(body)
    {
        Ok(rebuilt) => rebuilt,
        Err(_) => unreachable!("only the URL extension was set, which cannot fail"),
    };
    *rebuilt.status_mut() = response.status();
    *rebuilt.version_mut() = response.version();
    *rebuilt.headers_mut() = std::mem::take(response.headers_mut());
    rebuilt
        .extensions_mut()
        .extend(std::mem::take(response.extensions_mut()));
    reqwest::Response::from(rebuilt)
}
