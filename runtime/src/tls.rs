//! The TLS crypto provider every client uses.
//!
//! reqwest is built with `rustls-no-provider` and calcom brings rustls's `ring` provider:
//! reqwest's own `rustls` feature would bring `aws-lc-rs`, whose C build is the largest single
//! step of a cold build (and `ring` is compiled anyway, by `rustls-webpki`). reqwest takes the
//! process's default provider, so [`ensure_tls_provider`] installs `ring` as that default when the
//! program has not chosen one. A program that wants another provider (aws-lc-rs, a FIPS one)
//! installs it with `CryptoProvider::install_default` before it builds its first client, and
//! calcom uses that one.

use rustls::crypto::CryptoProvider;

/// Makes sure the process has a default rustls provider: the program's own, else `ring`.
///
/// [`ClientBuilder::build`](crate::ClientBuilder::build) calls it. Call it yourself before
/// building a `reqwest::Client` of your own that runs before the first calcom client, when
/// your `reqwest` brings no provider of its own: calcom turns on reqwest's
/// `rustls-no-provider` feature for the whole build, and reqwest panics on a client built
/// with no provider installed.
pub fn ensure_tls_provider() {
    if CryptoProvider::get_default().is_none() {
        // Another thread may install one between the check and here; whichever came first
        // stays, and both are complete providers, so the error is not a failure.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provider_is_installed_and_a_second_call_keeps_it() {
        ensure_tls_provider();
        let first = CryptoProvider::get_default().map(std::sync::Arc::as_ptr);
        assert!(
            first.is_some(),
            "no default provider after ensure_tls_provider"
        );
        ensure_tls_provider();
        let second = CryptoProvider::get_default().map(std::sync::Arc::as_ptr);
        assert_eq!(first, second, "a second call replaced the provider");
    }
}
