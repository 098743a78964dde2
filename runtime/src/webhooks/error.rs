//! What can be wrong with a webhook delivery.

/// A delivery that failed verification or could not be read.
///
/// No variant holds the webhook secret, and none prints the body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The delivery has no signature (the header is absent or empty).
    #[error("the delivery has no X-Cal-Signature-256 signature")]
    MissingSignature,
    /// The signature is `no-secret-provided`: the webhook was configured without a secret,
    /// so Cal.com did not sign the delivery.
    #[error("the delivery is unsigned: the webhook has no secret in Cal.com (signature `no-secret-provided`)")]
    NoSecretProvided,
    /// The signature is not a hex HMAC-SHA256.
    #[error("the signature is malformed: {0}")]
    MalformedSignature(MalformedSignature),
    /// The signature is well-formed but does not match the body and the secret: a forged
    /// or altered delivery, or the wrong secret.
    #[error(
        "the signature does not match the body: forged, altered, or signed with another secret"
    )]
    SignatureMismatch,
    /// The secret given to verify with is empty. Cal.com never signs with an empty secret.
    #[error("the webhook secret to verify with is empty")]
    EmptySecret,
    /// The body is not JSON. A custom payload template that is not JSON is sent as
    /// `application/x-www-form-urlencoded`; read such bodies yourself.
    #[error("the delivery body is not JSON")]
    NotJson(#[source] serde_json::Error),
    /// The body is JSON but not Cal.com's envelope (`triggerEvent`, `createdAt`, `payload`):
    /// a webhook with a custom payload template. The parsed body is kept.
    #[error("the delivery is not Cal.com's envelope (a custom payload template?); the JSON body is kept")]
    CustomPayload(Box<serde_json::Value>),
    /// The body has the envelope's keys, but one of them has the wrong type.
    #[error("the delivery envelope is invalid")]
    InvalidEnvelope(#[source] serde_json::Error),
    /// [`WebhookEvent::booking`](super::WebhookEvent::booking) on an event that carries no
    /// booking.
    #[error("a {0} event carries no booking")]
    NotABookingEvent(String),
    /// The payload of a booking event does not have the booking fields' types.
    #[error("the booking payload is invalid")]
    InvalidBooking(#[source] serde_json::Error),
}

/// Why a signature is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MalformedSignature {
    /// It contains characters that are not hex digits.
    #[error("not hexadecimal")]
    NotHex,
    /// It is hex, but not the 64 digits of a SHA-256 HMAC.
    #[error("{hex_digits} hex digits where an HMAC-SHA256 has 64")]
    WrongLength {
        /// How many hex digits it has.
        hex_digits: usize,
    },
}
