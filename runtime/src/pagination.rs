//! Walking a paginated list: what every generated `stream()` runs.
//!
//! The generator ([`calcom-codegen`'s `pagination`]) gives the builder of each paginated
//! operation a `stream()` that calls [`pages`] with a closure fetching one page. This
//! module decides which page comes next and when to stop, so that logic exists once.
//!
//! [`calcom-codegen`'s `pagination`]: https://docs.rs/calcom-codegen

use std::collections::VecDeque;
use std::future::Future;

use futures_util::stream::{self, Stream};

use crate::{Error, Result};

/// One page as the generated code hands it over.
#[doc(hidden)]
pub struct Page<T> {
    /// The page's items (the answer's `data`).
    pub items: Vec<T>,
    /// The answer's `pagination.hasNextPage`, for answers that have one.
    pub has_next_page: Option<bool>,
}

struct State<T, F> {
    fetch: F,
    buffer: VecDeque<T>,
    /// (page size, offset) of the next page to request; `None` once the end is known.
    next: Option<(u64, u64)>,
    /// The builder's own error (a page size that did not convert …), yielded once.
    invalid: Option<String>,
}

/// The items of every page, lazily: `fetch(size, offset)` is called only when the items
/// of the pages before have been consumed.
///
/// `first` is the page size and starting offset, or the builder's error for them. It
/// stops after a page with `hasNextPage: false` or without items, after a page shorter
/// than the page size when the answer has no `hasNextPage`, and after the first error
/// (which it yields). The next offset is the previous one plus the items received, so a
/// server that caps the page size below the one asked for loses nothing when it says
/// `hasNextPage`.
pub fn pages<T, F, Fut>(
    first: std::result::Result<(u64, u64), String>,
    fetch: F,
) -> impl Stream<Item = Result<T>> + Unpin
where
    F: FnMut(u64, u64) -> Fut,
    Fut: Future<Output = Result<Page<T>>>,
{
    let (next, invalid) = match first {
        Ok(first) => (Some(first), None),
        Err(reason) => (None, Some(reason)),
    };
    let state = State {
        fetch,
        buffer: VecDeque::new(),
        next,
        invalid,
    };
    Box::pin(stream::unfold(state, |mut state| async move {
        if let Some(reason) = state.invalid.take() {
            return Some((Err(Error::InvalidRequest(reason)), state));
        }
        loop {
            if let Some(item) = state.buffer.pop_front() {
                return Some((Ok(item), state));
            }
            let (size, offset) = state.next.take()?;
            match (state.fetch)(size, offset).await {
                Err(e) => return Some((Err(e), state)),
                Ok(page) => {
                    let received = u64::try_from(page.items.len()).unwrap_or(u64::MAX);
                    let more = received > 0
                        && match page.has_next_page {
                            Some(has_next_page) => has_next_page,
                            None => received >= size,
                        };
                    if more {
                        state.next = Some((size, offset.saturating_add(received)));
                    }
                    state.buffer.extend(page.items);
                }
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures_util::StreamExt;

    use super::*;

    /// Every (size, offset) a test server was asked for.
    type Asked = Arc<Mutex<Vec<(u64, u64)>>>;

    /// A list of `total` numbers served in pages; records every (size, offset) asked.
    fn server(
        total: u64,
        cap: u64,
        with_has_next: bool,
        fail_at: Option<u64>,
    ) -> (
        Asked,
        impl FnMut(u64, u64) -> std::future::Ready<Result<Page<u64>>>,
    ) {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = asked.clone();
        let fetch = move |size: u64, offset: u64| {
            log.lock().unwrap().push((size, offset));
            if fail_at == Some(offset) {
                return std::future::ready(Err(Error::InvalidRequest("page failed".into())));
            }
            let end = (offset + size.min(cap)).min(total);
            let items: Vec<u64> = (offset..end.max(offset)).collect();
            std::future::ready(Ok(Page {
                has_next_page: with_has_next.then_some(end < total),
                items,
            }))
        };
        (asked, fetch)
    }

    async fn collect(stream: impl Stream<Item = Result<u64>> + Unpin) -> Vec<Result<u64>> {
        stream.collect().await
    }

    #[tokio::test]
    async fn short_page_ends_a_list_without_has_next_page() {
        let (asked, fetch) = server(7, 100, false, None);
        let items = collect(pages(Ok((3, 0)), fetch)).await;
        let items: Vec<u64> = items.into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(items, (0..7).collect::<Vec<_>>());
        assert_eq!(*asked.lock().unwrap(), [(3, 0), (3, 3), (3, 6)]);
    }

    #[tokio::test]
    async fn an_exactly_full_last_page_needs_one_empty_page_to_know() {
        let (asked, fetch) = server(6, 100, false, None);
        assert_eq!(collect(pages(Ok((3, 0)), fetch)).await.len(), 6);
        assert_eq!(*asked.lock().unwrap(), [(3, 0), (3, 3), (3, 6)]);
    }

    #[tokio::test]
    async fn has_next_page_false_ends_and_true_continues_after_a_capped_page() {
        // Exactly full last page: hasNextPage false spares the empty request.
        let (asked, fetch) = server(6, 100, true, None);
        assert_eq!(collect(pages(Ok((3, 0)), fetch)).await.len(), 6);
        assert_eq!(*asked.lock().unwrap(), [(3, 0), (3, 3)]);
        // The server caps pages at 2 but says more follow: offsets follow what came.
        let (asked, fetch) = server(5, 2, true, None);
        let items: Vec<u64> = collect(pages(Ok((4, 1)), fetch))
            .await
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(items, [1, 2, 3, 4]);
        assert_eq!(*asked.lock().unwrap(), [(4, 1), (4, 3)]);
    }

    #[tokio::test]
    async fn an_error_is_yielded_once_and_ends_the_stream() {
        let (asked, fetch) = server(10, 100, false, Some(3));
        let items = collect(pages(Ok((3, 0)), fetch)).await;
        assert_eq!(items.len(), 4);
        assert!(items[..3].iter().all(Result::is_ok));
        assert!(matches!(&items[3], Err(Error::InvalidRequest(m)) if m == "page failed"));
        assert_eq!(*asked.lock().unwrap(), [(3, 0), (3, 3)]);
    }

    #[tokio::test]
    async fn is_lazy_and_stops_when_the_consumer_does() {
        let (asked, fetch) = server(100, 100, false, None);
        let mut stream = pages(Ok((5, 0)), fetch);
        assert!(
            asked.lock().unwrap().is_empty(),
            "nothing before the first poll"
        );
        for expected in 0..5 {
            assert_eq!(stream.next().await.unwrap().unwrap(), expected);
        }
        assert_eq!(*asked.lock().unwrap(), [(5, 0)]);
        assert_eq!(stream.next().await.unwrap().unwrap(), 5);
        drop(stream);
        assert_eq!(*asked.lock().unwrap(), [(5, 0), (5, 5)]);
    }

    #[tokio::test]
    async fn a_builder_error_is_reported_without_a_request() {
        let (asked, fetch) = server(10, 100, false, None);
        let items = collect(pages(
            Err("conversion to `u64` for take failed".into()),
            fetch,
        ))
        .await;
        assert_eq!(items.len(), 1);
        assert!(matches!(&items[0], Err(Error::InvalidRequest(m)) if m.contains("take")));
        assert!(asked.lock().unwrap().is_empty());
    }
}
