//! Helpers shared by the generator's integration tests (each test file compiles its own copy).
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// Runs the `calcom-codegen` binary: exit code, stdout, stderr.
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_calcom-codegen"))
        .args(args)
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The real Cal.com documents in `../shared/calcom-openapi/`, sorted; `None` (with the reason
/// printed) when that folder is absent.
pub fn shared_documents() -> Option<Vec<PathBuf>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/calcom-openapi");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("skipped: {} is absent (CI always has it)", dir.display());
        return None;
    };
    let mut docs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    docs.sort();
    Some(docs)
}
