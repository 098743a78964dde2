//! Reading an answer's body into memory, never more than a limit.

use std::fmt;

use bytes::{Bytes, BytesMut};

/// Default for [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes):
/// 32 MiB. Cal.com's largest answers (a full page of bookings with attendees and responses)
/// are a few MB; 32 MiB leaves an order of magnitude of room while a misbehaving server or
/// proxy cannot make one request hold more than that.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

/// An answer larger than the limit; travels inside reqwest's error to the conversion into
/// [`crate::Error::ResponseTooLarge`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResponseTooLarge {
    pub(crate) status: Option<reqwest::StatusCode>,
    pub(crate) limit: u64,
}

impl fmt::Display for ResponseTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the answer is larger than {} bytes", self.limit)
    }
}

impl std::error::Error for ResponseTooLarge {}

/// Why a body could not be read.
pub(crate) enum BodyError {
    /// The connection broke or timed out.
    Transport(reqwest::Error),
    /// More than the limit arrived (or was announced by `Content-Length`).
    TooLarge(ResponseTooLarge),
}

/// Reads the whole body, chunk by chunk, and stops as soon as it passes `limit`. On an
/// error the caller drops `response`, which closes the connection (hyper does not pool a
/// connection whose body was not read to its end).
pub(crate) async fn read_bounded(
    response: &mut reqwest::Response,
    limit: u64,
) -> Result<Bytes, BodyError> {
    let status = Some(response.status());
    let too_large = || BodyError::TooLarge(ResponseTooLarge { status, limit });
    let announced = response.content_length();
    if announced.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let Some(first) = next(response).await? else {
        return Ok(Bytes::new());
    };
    if first.len() as u64 > limit {
        return Err(too_large());
    }
    // Most answers arrive in one chunk: hand it on without copying, and without polling
    // for the end when `Content-Length` says this was all of it.
    if announced == Some(first.len() as u64) {
        return Ok(first);
    }
    let Some(second) = next(response).await? else {
        return Ok(first);
    };
    let capacity = announced.unwrap_or(0).min(limit) as usize;
    let mut buf = BytesMut::with_capacity(capacity.max(first.len() + second.len()));
    buf.extend_from_slice(&first);
    let mut chunk = second;
    loop {
        if (buf.len() + chunk.len()) as u64 > limit {
            return Err(too_large());
        }
        buf.extend_from_slice(&chunk);
        match next(response).await? {
            Some(c) => chunk = c,
            None => return Ok(buf.freeze()),
        }
    }
}

async fn next(response: &mut reqwest::Response) -> Result<Option<Bytes>, BodyError> {
    response.chunk().await.map_err(BodyError::Transport)
}
