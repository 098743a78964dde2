//! Decoding success answers, with the JSON path of the value that failed.
//!
//! The generated `send()` calls [`response_value`] (see `calcom_codegen::decode_paths`).
//! It decodes with serde_json as progenitor does; only when that fails does it decode again
//! with `serde_path_to_error` to find where, so a success costs nothing extra.
//!
//! progenitor's error type has no place for a path, and a path must not travel as text to
//! be parsed again: it travels typed, as a `LocatedDecodeError` inside the
//! `serde_json::Error` of `progenitor_client::Error::InvalidResponsePayload` (serde_json
//! carries any `std::io::Error`, and an `io::Error` carries any error), and the conversion
//! into [`crate::Error::Decode`] takes it out again.

use std::fmt;

use progenitor_client::{Error as ProgenitorError, ResponseValue};
use serde::de::DeserializeOwned;

/// Why an answer did not decode, and where.
#[derive(Debug)]
pub(crate) struct LocatedDecodeError {
    /// `data[3].status`; `.` for the whole body.
    pub(crate) path: String,
    /// What serde_json said (what was expected, line and column).
    pub(crate) source: serde_json::Error,
}

impl fmt::Display for LocatedDecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.path, self.source)
    }
}

impl std::error::Error for LocatedDecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// A success answer's body, read by the retry loop (`crate::send`) and handed on beside the
/// response, so that decoding takes it as it is instead of reading the body again.
#[derive(Clone)]
pub(crate) struct AnswerBody(pub(crate) bytes::Bytes);

/// Reads and decodes a success answer (the generated code's replacement for
/// `ResponseValue::from_response`).
#[doc(hidden)]
pub async fn response_value<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, ProgenitorError<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = match response.extensions_mut().remove::<AnswerBody>() {
        Some(AnswerBody(body)) => body,
        // Boxed: a response that did not come through the retry loop is rare, and reading
        // its body would make every call's future larger.
        None => Box::pin(response.bytes())
            .await
            .map_err(ProgenitorError::ResponseBodyError)?,
    };
    match serde_json::from_slice(&body) {
        Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
        Err(plain) => {
            let located = locate::<T>(&body, plain);
            Err(ProgenitorError::InvalidResponsePayload(body, located))
        }
    }
}

/// Decodes `body` again, tracking the path; the error carries a `LocatedDecodeError`.
fn locate<T: DeserializeOwned>(body: &[u8], plain: serde_json::Error) -> serde_json::Error {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    let located = match result {
        Err(e) => LocatedDecodeError {
            path: e.path().to_string(),
            source: e.into_inner(),
        },
        // Trailing characters after a complete value.
        Ok(_) => match deserializer.end() {
            Err(source) => LocatedDecodeError {
                path: ".".into(),
                source,
            },
            // Cannot happen (the same decoder failed a moment ago); keep the first error.
            Ok(()) => return plain,
        },
    };
    serde_json::Error::io(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        located,
    ))
}

/// Takes the path out of a decode error made by [`response_value`]: `(path, source)`.
/// Errors made elsewhere get the path `.` and stay as they are.
pub(crate) fn split(error: serde_json::Error) -> (String, serde_json::Error) {
    if !error.is_io() {
        return (".".into(), error);
    }
    let io = std::io::Error::from(error);
    let kind = io.kind();
    match io
        .into_inner()
        .map(|inner| inner.downcast::<LocatedDecodeError>())
    {
        Some(Ok(located)) => (located.path, located.source),
        Some(Err(other)) => (
            ".".into(),
            serde_json::Error::io(std::io::Error::new(kind, other)),
        ),
        None => (".".into(), serde_json::Error::io(kind.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Out {
        data: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        status: u32,
    }

    #[test]
    fn the_path_travels_typed_and_comes_back_out() {
        let body = br#"{"data": [{"status": 1}, {"status": "x"}]}"#;
        let plain = serde_json::from_slice::<Out>(body).unwrap_err();
        let carried = locate::<Out>(body, plain);
        assert!(
            carried
                .to_string()
                .starts_with("at data[1].status: invalid type"),
            "{carried}"
        );
        let (path, source) = split(carried);
        assert_eq!(path, "data[1].status");
        assert!(source.to_string().contains("expected u32"), "{source}");
        assert!(!source.is_io());
    }

    #[test]
    fn errors_from_elsewhere_keep_their_text() {
        let plain = serde_json::from_slice::<Out>(b"nope").unwrap_err();
        let text = plain.to_string();
        let (path, source) = split(plain);
        assert_eq!((path.as_str(), source.to_string()), (".", text));
    }
}
