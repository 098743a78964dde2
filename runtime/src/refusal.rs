//! The client's own refusals (a credential the operation needs is missing, an answer too
//! large), carried through progenitor's `exec` hook, which can only fail with a
//! `reqwest::Error`. The refusal is that error's source; the conversion into
//! [`crate::Error`] finds it there and returns the typed variant, so nothing is re-parsed
//! from text.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;

/// A body whose only frame is an error.
struct FailingBody<E>(Option<E>);

impl<E> http_body::Body for FailingBody<E>
where
    E: std::error::Error + Send + Sync + Unpin + 'static,
{
    type Data = Bytes;
    type Error = E;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, E>>> {
        Poll::Ready(self.0.take().map(Err))
    }
}

/// A `reqwest::Error` whose source is `refusal`.
pub(crate) async fn as_reqwest_error<E>(refusal: E) -> reqwest::Error
where
    E: std::error::Error + Send + Sync + Unpin + 'static,
{
    let carrier = reqwest::Response::from(http::Response::new(reqwest::Body::wrap(FailingBody(
        Some(refusal),
    ))));
    match carrier.bytes().await {
        Err(error) => error,
        Ok(_) => unreachable!("a body whose only frame is an error yields that error"),
    }
}

/// The refusal of type `E` somewhere in `error`'s sources.
pub(crate) fn find<'a, E: std::error::Error + 'static>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a E> {
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(found) = cause.downcast_ref::<E>() {
            return Some(found);
        }
        source = cause.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Refused(u8);
    impl std::fmt::Display for Refused {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "refused {}", self.0)
        }
    }
    impl std::error::Error for Refused {}

    #[tokio::test]
    async fn the_refusal_is_found_again_in_the_carrier() {
        let e = as_reqwest_error(Refused(7)).await;
        assert_eq!(find::<Refused>(&e), Some(&Refused(7)));
        assert!(find::<std::fmt::Error>(&e).is_none());
    }
}
