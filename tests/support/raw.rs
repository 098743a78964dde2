//! A raw TCP "HTTP server" on 127.0.0.1 that answers each connection with a script of
//! byte writes, pauses, resets and closes: answers no real server would send, for the
//! fault-injection suite. It records every byte it received. Dropping it stops it and every
//! connection task.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// One step of an answer.
#[derive(Clone, Debug)]
pub enum Step {
    /// Write these bytes at once.
    Write(Vec<u8>),
    /// Write these bytes one at a time, flushing after each.
    Drip(Vec<u8>, Duration),
    /// Write these bytes this many times.
    Repeat(Vec<u8>, usize),
    /// Wait.
    Pause(Duration),
    /// Close with a TCP reset (RST) instead of a FIN.
    Reset,
    /// Never answer (until the server is dropped).
    Hang,
    /// Read the next request on the same connection (keep-alive).
    NextRequest,
}

/// An answer: its steps, then the connection closes (unless it hung or was reset).
pub type Script = Vec<Step>;

/// The server.
pub struct RawServer {
    pub url: String,
    pub port: u16,
    accepted: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<Vec<u8>>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        // The accept task owns the connection tasks (a JoinSet): aborting it ends them all.
        self.task.abort();
    }
}

impl RawServer {
    /// Connection n gets `scripts[n]`, or the last script once they run out.
    pub async fn start(scripts: Vec<Script>) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let received: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
        let (count, record) = (accepted.clone(), received.clone());
        let task = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            while let Ok((socket, _)) = listener.accept().await {
                let n = count.fetch_add(1, Ordering::SeqCst);
                let script = scripts
                    .get(n)
                    .or(scripts.last())
                    .cloned()
                    .unwrap_or_default();
                let record = record.clone();
                connections.spawn(serve(socket, script, record));
                // Reap finished connections so the set does not grow.
                while connections.try_join_next().is_some() {}
            }
        });
        RawServer {
            url: format!("http://127.0.0.1:{port}"),
            port,
            accepted,
            received,
            task,
        }
    }

    /// One script for every connection.
    pub async fn always(script: Script) -> RawServer {
        Self::start(vec![script]).await
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Everything received, all connections, as text (lossy).
    pub fn received_text(&self) -> String {
        let all = self.received.lock().unwrap();
        all.iter()
            .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
            .collect::<Vec<_>>()
            .join("\n----\n")
    }

    /// How many complete request heads were received.
    pub fn requests(&self) -> usize {
        self.received_text().matches("\r\n\r\n").count()
    }
}

/// Reads one request (head, then as many body bytes as `Content-Length` says).
async fn read_request(socket: &mut TcpStream, record: &Mutex<Vec<Vec<u8>>>, slot: usize) -> bool {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => {
                record.lock().unwrap()[slot].extend_from_slice(&buf);
                return false;
            }
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    record.lock().unwrap()[slot].extend_from_slice(&buf);
    true
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

async fn serve(mut socket: TcpStream, script: Script, record: Arc<Mutex<Vec<Vec<u8>>>>) {
    let slot = {
        let mut all = record.lock().unwrap();
        all.push(Vec::new());
        all.len() - 1
    };
    if !read_request(&mut socket, &record, slot).await {
        return;
    }
    for step in script {
        match step {
            Step::Write(bytes) => {
                if socket.write_all(&bytes).await.is_err() {
                    return;
                }
                let _ = socket.flush().await;
            }
            Step::Drip(bytes, gap) => {
                for b in bytes {
                    if socket.write_all(&[b]).await.is_err() {
                        return;
                    }
                    let _ = socket.flush().await;
                    if !gap.is_zero() {
                        tokio::time::sleep(gap).await;
                    }
                }
            }
            Step::Repeat(bytes, times) => {
                for _ in 0..times {
                    if socket.write_all(&bytes).await.is_err() {
                        return;
                    }
                }
            }
            Step::Pause(d) => tokio::time::sleep(d).await,
            Step::Reset => {
                // SO_LINGER 0: closing sends RST. (Deprecated because a non-zero linger
                // blocks the thread on drop; zero does not.)
                #[allow(deprecated)]
                let _ = socket.set_linger(Some(Duration::ZERO));
                return;
            }
            Step::Hang => std::future::pending::<()>().await,
            Step::NextRequest => {
                if !read_request(&mut socket, &record, slot).await {
                    return;
                }
            }
        }
    }
    let _ = socket.shutdown().await;
}

/// An HTTP/1.1 answer with `Content-Length` and a JSON content type. It says
/// `connection: close` (the server answers one request per connection), so the client
/// never tries to reuse a connection the server is closing.
pub fn answer(status: u16, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Like [`answer`], without `connection: close`.
pub fn answer_keep_alive(status: u16, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A head announcing `length` bytes, without the body.
pub fn head(status: u16, length: usize) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: {length}\r\n\r\n"
    )
    .into_bytes()
}
