//! Typed httpmock helpers for users' tests (cargo feature `mock` of `calcom`).
//!
//! progenitor generates them (`Generator::httpmock`): an extension trait on
//! `httpmock::MockServer` with one method per operation, whose `when` matchers take the
//! operation's typed parameters and whose `then` answers take its typed responses. They
//! are generated from the same document and settings as the client, so the types match.

use std::path::Path;

use serde_json::Value;

use crate::error::CodegenError;
use crate::generate::{self, GenerateOptions};

/// The helpers' source (formatted), or `None` when `options.mock` is off.
///
/// `doc` is the document the client was generated from (what could not be generated
/// already left out). The generated code names the client's types as `crate::types::…`,
/// so it must be included in the crate root's tree (`calcom::mock`).
pub fn mock_source(
    file: &Path,
    doc: &Value,
    options: &GenerateOptions,
) -> Result<Option<String>, CodegenError> {
    if !options.mock {
        return Ok(None);
    }
    let spec = generate::parse_openapi(file, doc)?;
    let tokens = generate::run_guarded(&spec, options, |generator, spec| {
        generator.httpmock(spec, "crate")
    })
    .map_err(|e| {
        CodegenError::unsupported(
            file,
            "",
            format!("the httpmock helpers (feature `mock`): {e}"),
        )
    })?;
    generate::format(file, tokens).map(Some)
}
