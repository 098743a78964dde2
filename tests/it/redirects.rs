//! Redirects on the wire: no credential and no `Referer` ever reach another origin. Raw
//! servers on 127.0.0.1 record every byte they receive; the client carries sentinel
//! secrets in all three credential headers (`Authorization`, `x-cal-client-id`,
//! `x-cal-secret-key`).

use crate::support as common;

use std::time::Duration;

use calcom::{Client, Error, RedirectReason, MAX_REDIRECTS};
use common::raw::{answer, RawServer, Step};
use common::{patch, success_body, CRED_PATH};

const MARK: &str = "SENTINEL";
const CLIENT_ID: &str = "SENTINEL_client_id_31";
const SECRET: &str = "SENTINEL_platform_secret_8d";
const TOKEN: &str = "SENTINEL_access_token_4b";

fn client(base: &str) -> Client {
    Client::builder()
        .platform_client(CLIENT_ID, SECRET)
        .access_token(TOKEN)
        .base_url(base)
        .retry_non_idempotent(true)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

fn redirect(status: u16, location: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} X\r\nlocation: {location}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
    )
    .into_bytes()
}

fn ok() -> Vec<u8> {
    answer(200, &success_body().to_string())
}

async fn bounded<T>(call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .expect("the call hung")
}

/// The origin sent all three credentials: the tests look at the right values.
fn assert_credentials_sent(server: &RawServer) {
    let seen = server.received_text();
    for secret in [CLIENT_ID, SECRET, TOKEN] {
        assert!(seen.contains(secret), "{secret} not sent:\n{seen}");
    }
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_refused_and_nothing_reaches_it() {
    let other = RawServer::always(vec![Step::Write(ok())]).await;
    let targets = [
        // Another host name for the same machine, and another port on the same host.
        (
            format!("http://localhost:{}", other.port),
            format!("http://localhost:{}", other.port),
        ),
        (other.url.clone(), other.url.clone()),
    ];
    for status in [301u16, 302, 303, 307, 308] {
        for (target, origin) in &targets {
            let location = format!("{target}/v2/moved?token={MARK}_in_query");
            let api = RawServer::always(vec![Step::Write(redirect(status, &location))]).await;
            let e = bounded(patch(&client(&api.url))).await.unwrap_err();
            let Error::Redirect {
                status: s,
                from_origin,
                to_origin,
                reason,
            } = &e
            else {
                panic!("{status} to {target}: {e:?}")
            };
            assert_eq!(s.as_u16(), status);
            assert_eq!(*reason, RedirectReason::CrossOrigin);
            assert_eq!(from_origin, &api.url);
            assert_eq!(to_origin, origin);
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains(MARK), "{shown}");
            assert!(!shown.contains("/v2/moved"), "{shown}");
            // Refused, not retried.
            assert_eq!(api.requests(), 1);
            assert_credentials_sent(&api);
        }
    }
    assert_eq!(other.accepted(), 0);
    assert!(!other.received_text().contains(MARK));
}

#[tokio::test]
async fn a_same_origin_redirect_is_followed_without_a_referer() {
    let api = RawServer::start(vec![
        vec![Step::Write(redirect(307, "/v2/moved"))],
        vec![Step::Write(ok())],
    ])
    .await;
    let out = bounded(patch(&client(&api.url))).await.unwrap();
    assert_eq!(out.data.id, "cred_1");
    let seen = api.received_text();
    assert_eq!(api.requests(), 2);
    assert!(seen.contains(&format!("PATCH {CRED_PATH} ")), "{seen}");
    assert!(seen.contains("PATCH /v2/moved "), "{seen}");
    // Same origin: the credentials go along (both requests), the referer never.
    assert_eq!(seen.matches(SECRET).count(), 2, "{seen}");
    assert!(!seen.to_ascii_lowercase().contains("referer"), "{seen}");
}

#[tokio::test]
async fn a_same_origin_chain_stops_after_the_limit() {
    let scripts = (1..=MAX_REDIRECTS + 2)
        .map(|n| vec![Step::Write(redirect(302, &format!("/hop/{n}")))])
        .collect();
    let api = RawServer::start(scripts).await;
    let e = bounded(patch(&client(&api.url))).await.unwrap_err();
    assert!(
        matches!(
            &e,
            Error::Redirect {
                reason: RedirectReason::TooMany,
                ..
            }
        ),
        "{e:?}"
    );
    // The original request and MAX_REDIRECTS hops.
    assert_eq!(api.requests(), 1 + MAX_REDIRECTS);
}

#[tokio::test]
async fn a_same_origin_loop_is_refused_when_it_comes_back() {
    let api = RawServer::start(vec![
        vec![Step::Write(redirect(307, "/elsewhere"))],
        vec![Step::Write(redirect(307, CRED_PATH))],
    ])
    .await;
    let e = bounded(patch(&client(&api.url))).await.unwrap_err();
    assert!(
        matches!(
            &e,
            Error::Redirect {
                reason: RedirectReason::Loop,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(api.requests(), 2);
}
