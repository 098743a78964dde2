//! The OpenAPI concepts that `calcom-codegen`, `calcom-drift`, the `calcom` client and its
//! test support must agree on, each implemented once:
//!
//! - [`pointer`](mod@pointer): JSON pointers (RFC 6901) into a document.
//! - [`HTTP_METHODS`]: the operations a path item can hold.
//! - [`refs`]: local `$ref`s and `allOf`, resolved the same way everywhere.
//! - [`naming`]: the method name the generator gives each operation. The drift checker's
//!   "breaks compilation" verdicts predict these names, so both call the same function.
//! - [`headers`]: the headers the client sends itself, and how an operation uses them.

#![deny(missing_docs)]

pub mod headers;
pub mod naming;
pub mod pointer;
pub mod refs;

/// The HTTP methods an OpenAPI path item can hold, in the order operations are listed.
pub const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
