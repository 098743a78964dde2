//! JSON pointers (RFC 6901): every pointer a report, an error or a finding names is built here.

/// Escapes one reference token: `~` becomes `~0`, `/` becomes `~1`.
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `pointer` with one more reference token, escaped.
pub fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}

/// The pointer made of these unescaped reference tokens.
pub fn from_tokens<I, S>(tokens: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    tokens
        .into_iter()
        .map(|t| format!("/{}", escape_token(t.as_ref())))
        .collect()
}

/// The pointer of a component schema.
pub fn schema(name: &str) -> String {
    child("/components/schemas", name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_slashes_and_tildes() {
        assert_eq!(child("/paths", "/v2/a~b"), "/paths/~1v2~1a~0b");
        assert_eq!(
            from_tokens(["paths", "/v2/a~b/{id}", "get"]),
            "/paths/~1v2~1a~0b~1{id}/get"
        );
        assert_eq!(schema("A/B"), "/components/schemas/A~1B");
    }

    #[test]
    fn escaped_pointers_resolve_with_serde_json() {
        let doc = serde_json::json!({"paths": {"/v2/a~b": {"get": 1}}});
        assert_eq!(
            doc.pointer(&from_tokens(["paths", "/v2/a~b", "get"])),
            Some(&serde_json::json!(1))
        );
    }
}
