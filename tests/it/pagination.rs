//! The generated `stream()` of paginated operations against a local server: the exact
//! pages requested, the end conditions, an error mid-way and a consumer that stops early.
//!
//! It needs operations only the full document has:
//!
//! ```text
//! CALCOM_OPENAPI_SPEC=../shared/calcom-openapi/2025-09-26_6c9ac763.json \
//!     CARGO_TARGET_DIR=target-full cargo test --all-features --test it -- pagination::
//! ```

#[cfg(not(all(
    calcom_operation = "get_webhooks",
    calcom_operation = "get_bookings",
    calcom_operation = "get_managed_users"
)))]
#[test]
fn skipped_without_the_full_document() {
    eprintln!(
        "skipped: tests/it/pagination.rs needs a build from the full Cal.com document \
         (CALCOM_OPENAPI_SPEC=../shared/calcom-openapi/2025-09-26_6c9ac763.json)"
    );
}

#[cfg(all(
    calcom_operation = "get_webhooks",
    calcom_operation = "get_bookings",
    calcom_operation = "get_managed_users"
))]
use crate::support as common;
#[cfg(all(
    calcom_operation = "get_webhooks",
    calcom_operation = "get_bookings",
    calcom_operation = "get_managed_users"
))]
use crate::support;

#[cfg(all(
    calcom_operation = "get_webhooks",
    calcom_operation = "get_bookings",
    calcom_operation = "get_managed_users"
))]
mod full {
    use std::time::Duration;

    use calcom::{Client, Error};
    use futures_util::StreamExt;
    use serde_json::{json, Value};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

    use super::common::{received, recording_sleeper};
    use super::support::{doc, synth};

    /// A valid element of the `data` list of the GET at `api_path`, synthesised from the
    /// normalised document (its minimal instance).
    fn item_of(api_path: &str) -> Value {
        let doc = doc::normalised();
        let op = doc.operation(api_path, "get").expect("the operation");
        let answer = doc.resolve(&op["responses"]["200"]["content"]["application/json"]["schema"]);
        let items = doc.resolve(&answer["properties"]["data"]["items"]);
        synth::instances(&doc, items)
            .into_iter()
            .next()
            .expect("an instance")
            .1
    }

    /// Serves `total` copies of `item`, paged by the query parameters `size` + `offset`;
    /// with `has_next_page`, adds Cal.com's `pagination` object. `fail_from`: every
    /// request at or past that offset gets a 503.
    struct Pages {
        item: Value,
        total: usize,
        size: &'static str,
        offset: &'static str,
        has_next_page: bool,
        fail_from: Option<usize>,
    }

    impl Pages {
        fn new(item: Value, total: usize, size: &'static str, offset: &'static str) -> Pages {
            Pages {
                item,
                total,
                size,
                offset,
                has_next_page: false,
                fail_from: None,
            }
        }
    }

    fn query(request: &Request, name: &str) -> Option<usize> {
        request
            .url
            .query_pairs()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.parse().ok())
    }

    impl Respond for Pages {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let size = query(request, self.size).unwrap_or(10);
            let offset = query(request, self.offset).unwrap_or(0);
            if self.fail_from.is_some_and(|from| offset >= from) {
                return ResponseTemplate::new(503).set_body_string("try later");
            }
            let end = (offset + size).min(self.total);
            let data: Vec<Value> = (offset..end.max(offset))
                .map(|_| self.item.clone())
                .collect();
            let mut body = json!({"status": "success", "data": data});
            if self.has_next_page {
                let returned = data_len(&body);
                body["pagination"] = json!({
                    "totalItems": self.total, "remainingItems": self.total - end.max(offset),
                    "returnedItems": returned, "itemsPerPage": size,
                    "currentPage": offset / size.max(1) + 1,
                    "totalPages": self.total.div_ceil(size.max(1)),
                    "hasNextPage": end < self.total, "hasPreviousPage": offset > 0,
                });
            }
            ResponseTemplate::new(200).set_body_json(body)
        }
    }

    fn data_len(body: &Value) -> usize {
        body["data"].as_array().map_or(0, Vec::len)
    }

    async fn serve(api_path: &str, pages: Pages) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(api_path))
            .respond_with(pages)
            .mount(&server)
            .await;
        server
    }

    fn client(server: &MockServer) -> Client {
        let (sleeper, _) = recording_sleeper();
        Client::builder()
            .api_key("cal_live_pagination")
            .platform_client("clid", "platform-secret")
            .base_url(server.uri())
            .sleeper(sleeper)
            .build()
            .unwrap()
    }

    /// The (size, offset) query values of every request, in order.
    async fn asked(server: &MockServer, size: &str, offset: &str) -> Vec<(usize, usize)> {
        received(server)
            .await
            .iter()
            .map(|r| {
                (
                    query(r, size).expect("page size sent"),
                    query(r, offset).expect("offset sent"),
                )
            })
            .collect()
    }

    /// Against a hang only.
    async fn bounded<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(60), f)
            .await
            .expect("the stream hung")
    }

    #[tokio::test]
    async fn take_skip_walks_to_a_short_page() {
        let server = serve(
            "/v2/webhooks",
            Pages::new(item_of("/v2/webhooks"), 5, "take", "skip"),
        )
        .await;
        let client = client(&server);
        let stream = client.get_webhooks().take(2).stream();
        // Streams can be moved to other tasks (`tokio::spawn`).
        fn assert_send<T: Send>(_: &T) {}
        assert_send(&stream);
        let items: Vec<_> = bounded(stream.collect()).await;
        assert_eq!(items.len(), 5);
        assert!(items.iter().all(Result::is_ok), "{items:?}");
        assert_eq!(
            asked(&server, "take", "skip").await,
            [(2, 0), (2, 2), (2, 4)]
        );
    }

    #[tokio::test]
    async fn an_exactly_full_last_page_costs_one_empty_page() {
        let server = serve(
            "/v2/webhooks",
            Pages::new(item_of("/v2/webhooks"), 4, "take", "skip"),
        )
        .await;
        let client = client(&server);
        let items: Vec<_> = bounded(client.get_webhooks().take(2).stream().collect()).await;
        assert_eq!(items.len(), 4);
        assert_eq!(
            asked(&server, "take", "skip").await,
            [(2, 0), (2, 2), (2, 4)]
        );
    }

    #[tokio::test]
    async fn without_a_page_size_asks_for_the_documented_maximum() {
        let server = serve(
            "/v2/webhooks",
            Pages::new(item_of("/v2/webhooks"), 3, "take", "skip"),
        )
        .await;
        let client = client(&server);
        let items: Vec<_> = bounded(client.get_webhooks().stream().collect()).await;
        assert_eq!(items.len(), 3);
        // get_webhooks declares `maximum: 250`; 3 < 250 ends the list.
        assert_eq!(asked(&server, "take", "skip").await, [(250, 0)]);
    }

    #[tokio::test]
    async fn starts_at_the_builders_skip() {
        let server = serve(
            "/v2/webhooks",
            Pages::new(item_of("/v2/webhooks"), 7, "take", "skip"),
        )
        .await;
        let client = client(&server);
        let items: Vec<_> = bounded(client.get_webhooks().take(3).skip(2).stream().collect()).await;
        assert_eq!(items.len(), 5);
        assert_eq!(asked(&server, "take", "skip").await, [(3, 2), (3, 5)]);
    }

    #[tokio::test]
    async fn has_next_page_false_ends_without_an_empty_page() {
        let mut pages = Pages::new(item_of("/v2/bookings"), 4, "take", "skip");
        pages.has_next_page = true;
        let server = serve("/v2/bookings", pages).await;
        let client = client(&server);
        let items: Vec<_> = bounded(client.get_bookings().take(2).stream().collect()).await;
        assert!(items.iter().all(Result::is_ok), "{items:?}");
        assert_eq!(items.len(), 4);
        assert_eq!(asked(&server, "take", "skip").await, [(2, 0), (2, 2)]);
    }

    #[tokio::test]
    async fn bookings_default_to_their_documented_default_page_size() {
        let mut pages = Pages::new(item_of("/v2/bookings"), 1, "take", "skip");
        pages.has_next_page = true;
        let server = serve("/v2/bookings", pages).await;
        let client = client(&server);
        let items: Vec<_> = bounded(client.get_bookings().stream().collect()).await;
        assert_eq!(items.len(), 1);
        // `/v2/bookings` declares `default: 100` and no maximum.
        assert_eq!(asked(&server, "take", "skip").await, [(100, 0)]);
    }

    #[tokio::test]
    async fn limit_offset_walks_to_a_short_page() {
        let api_path = "/v2/oauth-clients/clid/users";
        let item = item_of("/v2/oauth-clients/{clientId}/users");
        let server = serve(api_path, Pages::new(item, 4, "limit", "offset")).await;
        let client = client(&server);
        let stream = client
            .get_managed_users()
            .client_id("clid")
            .limit(3)
            .stream();
        let items: Vec<_> = bounded(stream.collect()).await;
        assert!(items.iter().all(Result::is_ok), "{items:?}");
        assert_eq!(items.len(), 4);
        assert_eq!(asked(&server, "limit", "offset").await, [(3, 0), (3, 3)]);
    }

    #[tokio::test]
    async fn an_error_mid_way_is_yielded_once_after_the_retries() {
        let mut pages = Pages::new(item_of("/v2/webhooks"), 10, "take", "skip");
        pages.fail_from = Some(2);
        let server = serve("/v2/webhooks", pages).await;
        let client = client(&server);
        let items: Vec<_> = bounded(client.get_webhooks().take(2).stream().collect()).await;
        assert_eq!(items.len(), 3, "two items, then the error, then nothing");
        assert!(items[0].is_ok() && items[1].is_ok());
        match &items[2] {
            Err(Error::Api(api)) => assert_eq!(api.status.as_u16(), 503),
            other => panic!("expected the 503, got {other:?}"),
        }
        // The first page, then the failing one with the client's two retries; no page after it.
        assert_eq!(
            asked(&server, "take", "skip").await,
            [(2, 0), (2, 2), (2, 2), (2, 2)]
        );
    }

    #[tokio::test]
    async fn a_consumer_that_stops_early_causes_no_further_request() {
        let server = serve(
            "/v2/webhooks",
            Pages::new(item_of("/v2/webhooks"), 100, "take", "skip"),
        )
        .await;
        let client = client(&server);
        let mut stream = client.get_webhooks().take(2).stream();
        assert!(
            received(&server).await.is_empty(),
            "nothing before the first poll"
        );
        let first_three: Vec<_> = bounded((&mut stream).take(3).collect::<Vec<_>>()).await;
        assert_eq!(first_three.len(), 3);
        drop(stream);
        assert_eq!(asked(&server, "take", "skip").await, [(2, 0), (2, 2)]);
    }

    #[tokio::test]
    async fn a_page_size_the_builder_refused_is_an_error_without_a_request() {
        let server = serve(
            "/v2/webhooks",
            Pages::new(item_of("/v2/webhooks"), 3, "take", "skip"),
        )
        .await;
        let client = client(&server);
        let items: Vec<_> = bounded(client.get_webhooks().take(0u64).stream().collect()).await;
        assert_eq!(items.len(), 1);
        assert!(
            matches!(&items[0], Err(Error::InvalidRequest(m)) if m.contains("take")),
            "{items:?}"
        );
        assert!(received(&server).await.is_empty());
    }
}
