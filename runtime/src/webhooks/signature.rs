//! The `X-Cal-Signature-256` HMAC: computing and checking it.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::error::{MalformedSignature, WebhookError};
use crate::SecretString;

/// The header Cal.com puts the signature in.
pub const SIGNATURE_HEADER: &str = "X-Cal-Signature-256";

/// The signature Cal.com sends for a webhook that has no secret.
pub const NO_SECRET_SIGNATURE: &str = "no-secret-provided";

type HmacSha256 = Hmac<Sha256>;

/// Length in bytes of an HMAC-SHA256.
const MAC_LEN: usize = 32;

fn mac(key: &[u8], body: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length (longer ones are hashed): this cannot fail, whatever
    // the key.
    #[allow(clippy::expect_used)]
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(body);
    mac
}

/// Checks that `signature` (the [`SIGNATURE_HEADER`] value) is Cal.com's signature of
/// `body` with `secret`, in constant time.
///
/// `body` must be the raw bytes received, before any JSON parsing. The error says which
/// check failed: [`MissingSignature`](WebhookError::MissingSignature),
/// [`NoSecretProvided`](WebhookError::NoSecretProvided),
/// [`MalformedSignature`](WebhookError::MalformedSignature) or
/// [`SignatureMismatch`](WebhookError::SignatureMismatch).
pub fn verify(secret: &SecretString, body: &[u8], signature: &str) -> Result<(), WebhookError> {
    verify_with_key(secret.expose_secret().as_bytes(), body, signature)
}

/// [`verify`] with the secret as bytes (Cal.com keys the HMAC with the secret's UTF-8
/// bytes).
pub fn verify_with_key(secret: &[u8], body: &[u8], signature: &str) -> Result<(), WebhookError> {
    let signature = signature.trim_matches(|c: char| c.is_ascii_whitespace());
    if signature.is_empty() {
        return Err(WebhookError::MissingSignature);
    }
    if signature == NO_SECRET_SIGNATURE {
        return Err(WebhookError::NoSecretProvided);
    }
    if secret.is_empty() {
        return Err(WebhookError::EmptySecret);
    }
    let expected = decode(signature)?;
    mac(secret, body)
        .verify_slice(&expected)
        .map_err(|_| WebhookError::SignatureMismatch)
}

fn decode(signature: &str) -> Result<Vec<u8>, WebhookError> {
    if !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(WebhookError::MalformedSignature(MalformedSignature::NotHex));
    }
    let wrong_length = || {
        WebhookError::MalformedSignature(MalformedSignature::WrongLength {
            hex_digits: signature.len(),
        })
    };
    if signature.len() != 2 * MAC_LEN {
        return Err(wrong_length());
    }
    hex::decode(signature).map_err(|_| wrong_length())
}

/// The signature Cal.com would send for `body` with `secret`: for your own tests of a
/// webhook receiver.
pub fn sign(secret: &SecretString, body: &[u8]) -> String {
    sign_with_key(secret.expose_secret().as_bytes(), body)
}

/// [`sign`] with the secret as bytes. An empty secret gives [`NO_SECRET_SIGNATURE`], as
/// Cal.com does.
pub fn sign_with_key(secret: &[u8], body: &[u8]) -> String {
    if secret.is_empty() {
        return NO_SECRET_SIGNATURE.to_string();
    }
    hex::encode(mac(secret, body).finalize().into_bytes())
}

/// The signature header of a request, or [`WebhookError::MissingSignature`] when it is
/// absent; a value that is not text is [`MalformedSignature::NotHex`].
pub fn signature_from_headers(headers: &http::HeaderMap) -> Result<&str, WebhookError> {
    let value = headers
        .get(SIGNATURE_HEADER)
        .ok_or(WebhookError::MissingSignature)?;
    value
        .to_str()
        .map_err(|_| WebhookError::MalformedSignature(MalformedSignature::NotHex))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231, test case 1.
    const RFC4231_1: &str = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
    /// RFC 4231, test case 2 (key "Jefe").
    const RFC4231_2: &str = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

    /// A delivery signed independently (`openssl dgst -sha256 -hmac whsec_sentinel_1234`).
    const BODY: &[u8] = br#"{"triggerEvent":"BOOKING_CREATED","createdAt":"2025-09-26T10:00:00.000Z","payload":{"uid":"bk_1"}}"#;
    const SECRET: &str = "whsec_sentinel_1234";
    const BODY_SIGNATURE: &str = "63d608ccdb0df479d55d9d2543a1fd22396386caa8294922ed470c950526fd75";

    #[test]
    fn known_answers() {
        assert_eq!(sign_with_key(&[0x0b; 20], b"Hi There"), RFC4231_1);
        assert_eq!(
            sign_with_key(b"Jefe", b"what do ya want for nothing?"),
            RFC4231_2
        );
        verify_with_key(&[0x0b; 20], b"Hi There", RFC4231_1).unwrap();
        verify_with_key(b"Jefe", b"what do ya want for nothing?", RFC4231_2).unwrap();
        let secret = SecretString::new(SECRET);
        assert_eq!(sign(&secret, BODY), BODY_SIGNATURE);
        verify(&secret, BODY, BODY_SIGNATURE).unwrap();
        // Header values may arrive padded; uppercase hex is the same bytes.
        verify(&secret, BODY, &format!(" {BODY_SIGNATURE}\t")).unwrap();
        verify(&secret, BODY, &BODY_SIGNATURE.to_uppercase()).unwrap();
    }

    #[test]
    fn says_which_check_failed() {
        let secret = SecretString::new(SECRET);
        let err = |sig: &str| verify(&secret, BODY, sig).unwrap_err();
        assert!(matches!(err(""), WebhookError::MissingSignature));
        assert!(matches!(err("  "), WebhookError::MissingSignature));
        assert!(matches!(
            err("no-secret-provided"),
            WebhookError::NoSecretProvided
        ));
        assert!(matches!(
            err("sha256=63d608cc"),
            WebhookError::MalformedSignature(MalformedSignature::NotHex)
        ));
        assert!(matches!(
            err(&BODY_SIGNATURE[..62]),
            WebhookError::MalformedSignature(MalformedSignature::WrongLength { hex_digits: 62 })
        ));
        assert!(matches!(
            err(&format!("{BODY_SIGNATURE}00")),
            WebhookError::MalformedSignature(MalformedSignature::WrongLength { hex_digits: 66 })
        ));
        let mut flipped = BODY_SIGNATURE.to_string();
        flipped.replace_range(63.., "4");
        assert!(matches!(err(&flipped), WebhookError::SignatureMismatch));
        // The right signature for another body, or with another secret.
        let mut tampered = BODY.to_vec();
        let at = tampered.len() - 3;
        tampered[at] = b'2';
        assert!(matches!(
            verify(&secret, &tampered, BODY_SIGNATURE),
            Err(WebhookError::SignatureMismatch)
        ));
        assert!(matches!(
            verify(&SecretString::new("whsec_other"), BODY, BODY_SIGNATURE),
            Err(WebhookError::SignatureMismatch)
        ));
        assert!(matches!(
            verify(&SecretString::new(""), BODY, BODY_SIGNATURE),
            Err(WebhookError::EmptySecret)
        ));
    }

    #[test]
    fn errors_never_print_the_secret() {
        let secret = SecretString::new(SECRET);
        let signatures = [
            "",
            NO_SECRET_SIGNATURE,
            "zz",
            "abcd",
            &BODY_SIGNATURE.replace('6', "7"),
        ];
        for signature in signatures {
            let e = verify(&secret, BODY, signature).unwrap_err();
            let shown = format!("{e} {e:?} {:?}", std::error::Error::source(&e));
            assert!(!shown.contains(SECRET), "{shown}");
        }
        let e =
            crate::webhooks::verify_and_parse(&secret, b"{}", &sign(&secret, b"{}")).unwrap_err();
        assert!(!format!("{e} {e:?}").contains(SECRET));
    }

    #[test]
    fn empty_secret_signs_like_cal_com() {
        assert_eq!(sign_with_key(b"", BODY), NO_SECRET_SIGNATURE);
    }

    #[test]
    fn reads_the_header() {
        let mut headers = http::HeaderMap::new();
        assert!(matches!(
            signature_from_headers(&headers),
            Err(WebhookError::MissingSignature)
        ));
        headers.insert(
            "x-cal-signature-256",
            http::HeaderValue::from_static(BODY_SIGNATURE),
        );
        assert_eq!(signature_from_headers(&headers).unwrap(), BODY_SIGNATURE);
        headers.insert(
            "x-cal-signature-256",
            http::HeaderValue::from_bytes(b"\xff\xfe").unwrap(),
        );
        assert!(matches!(
            signature_from_headers(&headers),
            Err(WebhookError::MalformedSignature(MalformedSignature::NotHex))
        ));
    }
}
