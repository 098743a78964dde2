//! Path parameters percent-encoded while the URL is formatted. The generated `send()`
//! writes `format!("{}/v2/organizations/{}", base, calcom::path::Segment(&org_id))`
//! (`calcom_codegen::send_rewrites`) where progenitor writes
//! `encode_path(&org_id.to_string())`, which allocates two strings per parameter.

use std::fmt::{self, Write};

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// The bytes progenitor's `encode_path` escapes in a path segment (progenitor-client 0.15);
/// a test checks both agree on every ASCII byte and on non-ASCII text.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

/// A path parameter's `Display` text, percent-encoded as it is written.
#[doc(hidden)]
pub struct Segment<'a, T: ?Sized>(pub &'a T);

impl<T: fmt::Display + ?Sized> fmt::Display for Segment<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(Encoding(f), "{}", self.0)
    }
}

/// Encodes each piece of text written to it; percent-encoding works byte by byte, so the
/// pieces can be encoded one at a time.
struct Encoding<'a, 'b>(&'a mut fmt::Formatter<'b>);

impl Write for Encoding<'_, '_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        utf8_percent_encode(text, PATH_SEGMENT).try_for_each(|piece| self.0.write_str(piece))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_as_progenitor_does() {
        let mut inputs: Vec<String> = (0u8..128).map(|b| char::from(b).to_string()).collect();
        inputs.extend(
            [
                "cred_1",
                "a b/c?d#e%f",
                "événement",
                "日本",
                "50%",
                "",
                "x\u{7f}y",
                "{id}",
            ]
            .map(String::from),
        );
        inputs.push((0u8..128).map(char::from).collect());
        for input in &inputs {
            assert_eq!(
                Segment(input.as_str()).to_string(),
                progenitor_client::encode_path(input),
                "{input:?}"
            );
        }
        assert_eq!(Segment(&42i64).to_string(), "42");
    }

    #[test]
    fn display_pieces_are_encoded_one_by_one() {
        struct Pieces;
        impl fmt::Display for Pieces {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a/")?;
                f.write_str("é ")?;
                write!(f, "{}", 7)
            }
        }
        assert_eq!(Segment(&Pieces).to_string(), "a%2F%C3%A9%207");
    }
}
