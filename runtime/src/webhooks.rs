//! Receiving Cal.com webhooks: check the signature, then read the delivery.
//!
//! Cal.com signs every delivery with the [`SIGNATURE_HEADER`] header: the lowercase hex
//! HMAC-SHA256 of the raw request body, keyed with the webhook's secret, without prefix or
//! timestamp. A webhook without a secret is sent with the literal [`NO_SECRET_SIGNATURE`].
//! The document describes no webhooks, so this module is hand-written from Cal.com's
//! sender.
//!
//! ```
//! use calcom::webhooks::{self, TriggerEvent};
//! use calcom::SecretString;
//!
//! let secret = SecretString::new("whsec_example");
//! let body = br#"{"triggerEvent":"BOOKING_CREATED","createdAt":"2025-09-26T10:00:00.000Z",
//!                 "payload":{"uid":"bk_1","title":"Intro call"}}"#;
//! // What Cal.com sends in `X-Cal-Signature-256` (computed here for the example).
//! let signature = webhooks::sign(&secret, body);
//!
//! let event = webhooks::verify_and_parse(&secret, body, &signature)?;
//! assert_eq!(event.trigger_event, TriggerEvent::BookingCreated);
//! let booking = event.booking()?;
//! assert_eq!(booking.uid.as_deref(), Some("bk_1"));
//! # Ok::<(), calcom::webhooks::WebhookError>(())
//! ```

mod error;
mod event;
mod signature;

pub use error::{MalformedSignature, WebhookError};
pub use event::{BookingPayload, Person, TriggerEvent, WebhookEvent};
pub use signature::{
    sign, sign_with_key, signature_from_headers, verify, verify_with_key, NO_SECRET_SIGNATURE,
    SIGNATURE_HEADER,
};

use crate::SecretString;

/// [`verify`] the signature, then [`WebhookEvent::parse`] the body: nothing of an
/// unverified body is read.
pub fn verify_and_parse(
    secret: &SecretString,
    body: &[u8],
    signature: &str,
) -> Result<WebhookEvent, WebhookError> {
    verify(secret, body, signature)?;
    WebhookEvent::parse(body)
}
