//! The SDK's method name for an operationId: the operationId without its `…Controller_`
//! prefix (and version), in snake_case. `OrganizationsDwdController_createDwd` →
//! `create_dwd`; `BookingsController_2024_08_13_getBooking` → `get_booking`.
//!
//! The generator also disambiguates colliding names; that step depends on the whole
//! document and is left out here, so this is the name before disambiguation.

/// The method name derived from an operationId.
pub fn method_name(operation_id: &str) -> String {
    let action = match operation_id.split_once("Controller_") {
        Some((_, rest)) => strip_version(rest),
        None => operation_id,
    };
    snake_case(action)
}

/// Drops a leading `YYYY_MM_DD_` version.
fn strip_version(rest: &str) -> &str {
    let mut parts = rest.splitn(4, '_');
    let (Some(year), Some(month), Some(day), Some(action)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return rest;
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if digits(year, 4) && digits(month, 2) && digits(day, 2) && !action.is_empty() {
        action
    } else {
        rest
    }
}

/// `getVerifiedPhoneById` → `get_verified_phone_by_id`; `getHTTPThing` → `get_http_thing`.
fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            continue;
        }
        if c.is_uppercase() && i > 0 {
            let previous = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = previous.is_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_uppercase() && next_is_lower);
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out.trim_end_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_controller_and_version() {
        assert_eq!(
            method_name("OrganizationsDwdController_createDwd"),
            "create_dwd"
        );
        assert_eq!(
            method_name("OrganizationsDelegationCredentialController_updateDelegationCredential"),
            "update_delegation_credential"
        );
        assert_eq!(
            method_name("BookingsController_2024_08_13_getBooking"),
            "get_booking"
        );
        assert_eq!(method_name("getHTTPThing"), "get_http_thing");
    }
}
