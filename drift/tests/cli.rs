//! The command line: formats, thresholds, exit codes, unreadable inputs and URLs.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::thread::JoinHandle;

use calcom_drift::cli::run_with_output;
use common::{api, object};
use serde_json::json;

/// A file in the temp directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(tag: &str, contents: &str) -> TempFile {
        let path =
            std::env::temp_dir().join(format!("calcom-drift-{}-{tag}.json", std::process::id()));
        std::fs::write(&path, contents).expect("temp file is writable");
        TempFile(path)
    }
    fn arg(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn run(args: &[String]) -> (i32, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = run_with_output(args, &mut out, &mut err);
    (
        code,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn old_doc() -> serde_json::Value {
    api(
        object(json!({"kind": {"type": "string", "enum": ["a", "b"]}}), &[]),
        object(json!({"status": {"type": "string", "enum": ["ok"]}}), &[]),
        json!([]),
    )
}

/// Drops request enum value "b" (breaking) and adds response enum value "late" (warning).
fn new_doc() -> serde_json::Value {
    api(
        object(json!({"kind": {"type": "string", "enum": ["a"]}}), &[]),
        object(
            json!({"status": {"type": "string", "enum": ["ok", "late"]}}),
            &[],
        ),
        json!([]),
    )
}

/// Only the warning.
fn warning_doc() -> serde_json::Value {
    api(
        object(json!({"kind": {"type": "string", "enum": ["a", "b"]}}), &[]),
        object(
            json!({"status": {"type": "string", "enum": ["ok", "late"]}}),
            &[],
        ),
        json!([]),
    )
}

#[test]
fn json_output_has_the_documented_shape() {
    let old = TempFile::new("shape-old", &old_doc().to_string());
    let new = TempFile::new("shape-new", &new_doc().to_string());
    let (code, out, err) = run(&args(&[&old.arg(), &new.arg(), "--format", "json"]));
    assert_eq!(code, 1, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("stdout is JSON");
    assert_eq!(report["summary"]["breaking"], 1);
    assert_eq!(report["summary"]["warning"], 1);
    assert_eq!(report["summary"]["info"], 0);
    assert_eq!(report["summary"]["operations_with_breaking_change"], 1);
    let first = &report["changes"][0];
    assert_eq!(first["kind"], "enum_value_removed");
    assert_eq!(first["severity"], "breaking");
    assert_eq!(first["component"], "In");
    assert_eq!(first["location"], "/components/schemas/In/properties/kind");
    assert_eq!(
        first["affected_operations"],
        json!(["POST /v2/things/{id}"])
    );
    assert_eq!(first["compile_break"], true);
    assert!(first["detail"]
        .as_str()
        .is_some_and(|d| d.contains("\"b\"")));
}

#[test]
fn fail_on_thresholds() {
    let old = TempFile::new("fail-old", &old_doc().to_string());
    let new = TempFile::new("fail-new", &new_doc().to_string());
    let warn = TempFile::new("fail-warn", &warning_doc().to_string());
    assert_eq!(run(&args(&[&old.arg(), &new.arg()])).0, 1);
    assert_eq!(
        run(&args(&[&old.arg(), &new.arg(), "--fail-on", "never"])).0,
        0
    );
    assert_eq!(
        run(&args(&[&old.arg(), &warn.arg(), "--fail-on", "breaking"])).0,
        0
    );
    assert_eq!(
        run(&args(&[&old.arg(), &warn.arg(), "--fail-on", "warning"])).0,
        1
    );
    assert_eq!(
        run(&args(&[&old.arg(), &old.arg(), "--fail-on", "warning"])).0,
        0
    );
}

#[test]
fn text_and_markdown_formats() {
    let old = TempFile::new("fmt-old", &old_doc().to_string());
    let new = TempFile::new("fmt-new", &new_doc().to_string());
    let (_, text, _) = run(&args(&[&old.arg(), &new.arg()]));
    assert!(text.starts_with("1 breaking, 1 warning, 0 info"), "{text}");
    assert!(text.contains("BREAKING  enum_value_removed  schema In"));
    let (_, markdown, _) = run(&args(&[&old.arg(), &new.arg(), "--format=markdown"]));
    assert!(markdown.starts_with("## Cal.com OpenAPI drift"));
    assert!(markdown.contains("### Breaking changes (1)"));
}

#[test]
fn a_file_that_is_not_json_exits_2_naming_it() {
    let good = TempFile::new("nj-good", &old_doc().to_string());
    let bad = TempFile::new("nj-bad", "openapi: 3.0.0\npaths: {}\n");
    let (code, out, err) = run(&args(&[&good.arg(), &bad.arg()]));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains(&bad.arg()) && err.contains("not valid JSON"),
        "{err}"
    );
}

#[test]
fn json_that_is_not_openapi_exits_2() {
    let good = TempFile::new("no-good", &old_doc().to_string());
    let swagger = TempFile::new("no-swagger", r#"{"swagger": "2.0", "paths": {}}"#);
    let (code, _, err) = run(&args(&[&swagger.arg(), &good.arg()]));
    assert_eq!(code, 2);
    assert!(
        err.contains(&swagger.arg()) && err.contains("not an OpenAPI 3.x document"),
        "{err}"
    );
    let array = TempFile::new("no-array", "[1, 2, 3]");
    assert_eq!(run(&args(&[&good.arg(), &array.arg()])).0, 2);
}

#[test]
fn a_missing_file_exits_2() {
    let good = TempFile::new("missing-good", &old_doc().to_string());
    let (code, _, err) = run(&args(&[&good.arg(), "/nonexistent/drift/openapi.json"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("/nonexistent/drift/openapi.json") && err.contains("cannot read file"),
        "{err}"
    );
}

/// Serves the given HTTP responses, one per connection, on 127.0.0.1, then stops.
fn serve(responses: Vec<(u16, String)>) -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port is free");
    let address = listener.local_addr().expect("bound address");
    let handle = std::thread::spawn(move || {
        for (status, body) in responses {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            // Read the request head before answering.
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                match stream.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            let reply = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (format!("http://{address}"), handle)
}

#[test]
fn urls_are_fetched() {
    let (base, server) = serve(vec![
        (200, old_doc().to_string()),
        (200, new_doc().to_string()),
    ]);
    let (code, out, err) = run(&args(&[
        &format!("{base}/old.json"),
        &format!("{base}/new.json"),
        "--format",
        "json",
    ]));
    server.join().expect("server thread ends");
    assert_eq!(code, 1, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("stdout is JSON");
    assert_eq!(report["summary"]["breaking"], 1);
}

#[test]
fn a_failed_fetch_exits_2_naming_the_url() {
    let (base, server) = serve(vec![(404, "{}".to_string())]);
    let url = format!("{base}/missing.json");
    let good = TempFile::new("fetch-good", &old_doc().to_string());
    let (code, _, err) = run(&args(&[&url, &good.arg()]));
    server.join().expect("server thread ends");
    assert_eq!(code, 2);
    assert!(err.contains(&url) && err.contains("cannot fetch"), "{err}");
}
