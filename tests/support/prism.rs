//! Starts and stops the Prism mock server (`@stoplight/prism-cli`, installed by
//! `scripts/install-prism.sh` into `scripts/prism/node_modules`).
//!
//! Prism listens on 127.0.0.1 only and is killed when the [`Prism`] value drops, whatever
//! the test did in between.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

/// How long Prism may take to read a document and start listening.
const START_TIMEOUT: Duration = Duration::from_secs(180);

/// A running Prism mock server.
pub struct Prism {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    log: Arc<Mutex<Vec<String>>>,
}

/// Where the Prism command is: `CALCOM_PRISM`, else the project's own install.
pub fn command_path() -> PathBuf {
    match std::env::var_os("CALCOM_PRISM") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/prism/node_modules/.bin/prism"),
    }
}

/// The Prism command, installed with `scripts/install-prism.sh` first when it is missing
/// and npm is there (`CALCOM_PRISM_INSTALL=0` turns that off); why not, otherwise.
pub fn installed() -> Result<PathBuf, String> {
    let command = command_path();
    if command.exists() {
        return Ok(command);
    }
    let missing = format!(
        "Prism is not installed at {} (run scripts/install-prism.sh, or set CALCOM_PRISM)",
        command.display()
    );
    if std::env::var("CALCOM_PRISM_INSTALL").is_ok_and(|v| v == "0")
        || std::env::var_os("CALCOM_PRISM").is_some()
    {
        return Err(missing);
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install-prism.sh");
    let output = Command::new("bash")
        .arg(&script)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{missing}; running {} failed: {e}", script.display()))?;
    if !output.status.success() || !command.exists() {
        return Err(format!(
            "{missing}; {} failed: {}",
            script.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(command)
}

/// Whether a missing Prism fails the run instead of skipping: in CI, or when asked to.
pub fn required() -> bool {
    ["CI", "CALCOM_REQUIRE_PRISM"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|v| !v.is_empty() && v != "0" && v != "false"))
}

impl Prism {
    /// Starts `prism mock` on `document` with static answers (the document's examples, or
    /// values Prism derives from the schemas) and `extra` options, and waits until it
    /// listens.
    pub fn start(command: &Path, document: &Path, extra: &[&str]) -> Result<Prism, String> {
        let port = free_port()?;
        let mut child = Command::new(command)
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--dynamic", "false", "--multiprocess", "false"])
            .args(extra)
            .arg(document)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", command.display()))?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let (ready_tx, ready_rx) = mpsc::channel();
        // Both pipes are drained for the server's whole life, or Prism blocks on a full pipe.
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        for pipe in [
            stdout.map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
            stderr.map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let log = Arc::clone(&log);
            let ready_tx = ready_tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    if line.contains("Prism is listening") {
                        let _ = ready_tx.send(());
                    }
                    if let Ok(mut log) = log.lock() {
                        log.push(line);
                    }
                }
            });
        }
        drop(ready_tx);
        let mut prism = Prism {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        };
        match ready_rx.recv_timeout(START_TIMEOUT) {
            Ok(()) => Ok(prism),
            Err(e) => {
                let status = prism.child.try_wait().ok().flatten();
                Err(format!(
                    "Prism did not start listening ({e}; exit status {status:?}); its output:\n{}",
                    prism.log_tail(40)
                ))
            }
        }
    }

    /// The last `n` lines Prism printed.
    pub fn log_tail(&self, n: usize) -> String {
        let log = self.log.lock().map(|l| l.clone()).unwrap_or_default();
        let start = log.len().saturating_sub(n);
        log[start..].join("\n")
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on right now (the OS picks it).
fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port on 127.0.0.1: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

/// One validation problem Prism reported.
#[derive(Debug, Clone)]
pub struct Violation {
    /// Where: `["body", "availability", "0", "days"]`, `["path"]`, `["response", …]`.
    pub location: Vec<String>,
    /// The JSON Schema keyword that failed (`type`, `enum`, `oneOf`, …).
    pub code: String,
    /// Prism's sentence.
    pub message: String,
}

/// The violations of a Prism problem document (`{"validation": [...]}`); none for any
/// other body.
pub fn violations(body: &[u8]) -> Vec<Violation> {
    let Ok(problem) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    problem["validation"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| Violation {
            location: v["location"]
                .as_array()
                .into_iter()
                .flatten()
                .map(text)
                .collect(),
            code: v["code"].as_str().unwrap_or_default().to_string(),
            message: v["message"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

/// Writes `document` with every `oneOf` read as `anyOf`, for Prism.
///
/// Started on the normalised document, it tells whether a request the original rejects
/// differs from it only by the generator's reported normalisations and by matching more
/// than one `oneOf` branch.
pub fn write_relaxed(document: &Value, path: &Path) -> std::io::Result<()> {
    fn relax(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if let Some(branches) = map.remove("oneOf") {
                    map.insert("anyOf".into(), branches);
                }
                map.values_mut().for_each(relax);
            }
            Value::Array(items) => items.iter_mut().for_each(relax),
            _ => {}
        }
    }
    let mut relaxed = document.clone();
    relax(&mut relaxed);
    std::fs::write(path, relaxed.to_string())
}
