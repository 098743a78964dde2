//! The one error type of the generator: where in which file, and why.

use std::fmt;
use std::path::PathBuf;

/// A document the generator cannot turn into a client.
///
/// Always names the file, the JSON pointer of the offending value (empty for the
/// whole document) and the reason, so that a failed build points at the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodegenError {
    /// The document being generated from.
    pub file: PathBuf,
    /// JSON pointer (RFC 6901) into the document; empty for the document itself.
    pub pointer: String,
    /// What is wrong, in one sentence.
    pub reason: String,
    /// What kind of failure this is, which decides the command line's exit code.
    pub kind: ErrorKind,
}

/// What kind of failure a [`CodegenError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The file could not be read, is not JSON, or is not an OpenAPI 3.0 document.
    UnreadableInput,
    /// The document is OpenAPI, but something in it cannot be generated.
    Unsupported,
    /// Writing the generated code failed.
    Output,
}

impl CodegenError {
    /// An input that cannot be read or is not OpenAPI 3.0.
    pub fn unreadable(
        file: impl Into<PathBuf>,
        pointer: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self::new(ErrorKind::UnreadableInput, file, pointer, reason)
    }

    /// A valid-looking document with something the generator cannot support.
    pub fn unsupported(
        file: impl Into<PathBuf>,
        pointer: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self::new(ErrorKind::Unsupported, file, pointer, reason)
    }

    fn new(
        kind: ErrorKind,
        file: impl Into<PathBuf>,
        pointer: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            file: file.into(),
            pointer: pointer.into(),
            reason: reason.into(),
            kind,
        }
    }
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "(document)"
        } else {
            &self.pointer
        };
        write!(
            f,
            "{}: at {}: {}",
            self.file.display(),
            pointer,
            self.reason
        )
    }
}

impl std::error::Error for CodegenError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_pointer_and_reason() {
        let e = CodegenError::unsupported("spec.json", "/paths", "boom");
        assert_eq!(e.to_string(), "spec.json: at /paths: boom");
        let e = CodegenError::unreadable("spec.json", "", "not JSON");
        assert_eq!(e.to_string(), "spec.json: at (document): not JSON");
    }
}
