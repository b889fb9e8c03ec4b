//! Access paths as iterators: the claims a plan reads, in id order.
//!
//! Every access path yields claims in id order and reads nothing before it
//! is asked for, so the operators above it (filter, limit, top-k, count)
//! decide how much is read. Each claim pulled is counted, which is how
//! tests show which path answered a query.

use std::cell::Cell;

use super::super::plan::{Node, Window};
use crate::error::{Error, Result};
use crate::model::{Claim, ClaimId};
use crate::store::{IndexScan, ReadView};

/// A stream of claims.
pub(super) type Claims<'a> = Box<dyn Iterator<Item = Result<Claim>> + 'a>;

/// The claims an access path (a leaf of the plan) yields, in id order;
/// each one pulled is counted in `read`. Nothing is read before it is
/// asked for, so a `limit` stops the reading.
pub(super) fn claims<'a>(store: &'a dyn ReadView, leaf: &Node, read: &'a Cell<u64>) -> Claims<'a> {
    // Each claim read is counted, and the statement's time limit checked.
    let counted = move |c: Result<Claim>| {
        crate::query::check_deadline()?;
        if c.is_ok() {
            read.set(read.get() + 1);
        }
        c
    };
    let by_id = move |ids: Box<dyn Iterator<Item = Result<ClaimId>> + 'a>,
                      index: &'static str|
          -> Claims<'a> {
        if store.read_batch() > 1 {
            return Box::new(Batched::new(store, ids, index));
        }
        Box::new(ids.map(move |id| {
            let id = id?;
            store.claim(id)?.ok_or_else(|| missing(index, id))
        }))
    };
    match leaf {
        Node::Scan { .. } => Box::new(store.claims().map(counted)),
        Node::ClaimRange { first, last, .. } => {
            Box::new(store.claims_in(*first, *last).map(counted))
        }
        Node::ClaimIds { ids } => {
            let ids = ids.clone();
            Box::new(
                ids.into_iter()
                    .filter_map(move |id| store.claim(id).transpose())
                    .map(counted),
            )
        }
        Node::Index { scan, window, .. } => {
            let name = scan.index_name();
            if scan.yields_ids_in_order() {
                Box::new(by_id(ids_in_window(store, scan, *window), name).map(counted))
            } else {
                // A range of values: its ids come in value order; sort them.
                match ids_in_window(store, scan, *window).collect::<Result<Vec<ClaimId>>>() {
                    Ok(mut ids) => {
                        ids.sort_unstable();
                        Box::new(by_id(Box::new(ids.into_iter().map(Ok)), name).map(counted))
                    }
                    Err(e) => Box::new(std::iter::once(Err(e))),
                }
            }
        }
        Node::Union { scans, window, .. } => {
            let name = scans.first().map_or("index", IndexScan::index_name);
            let streams: Vec<_> = scans
                .iter()
                .map(|s| ids_in_window(store, s, *window))
                .collect();
            Box::new(by_id(Box::new(MergeIds::new(streams)), name).map(counted))
        }
        // Nothing to read (no claim matches), or not claims at all.
        _ => Box::new(std::iter::empty()),
    }
}

fn missing(index: &str, id: ClaimId) -> Error {
    Error::Corrupt(format!(
        "index {index} names claim {id}, which does not exist"
    ))
}

/// Claims by id, read in batches from an engine that pays a round trip
/// per read ([`ReadView::read_batch`]): 16 first (a `limit 5` reads few
/// more than it needs), doubling up to the engine's batch.
struct Batched<'a> {
    store: &'a dyn ReadView,
    ids: Box<dyn Iterator<Item = Result<ClaimId>> + 'a>,
    index: &'static str,
    next: usize,
    ready: std::collections::VecDeque<Result<Claim>>,
}

impl<'a> Batched<'a> {
    fn new(
        store: &'a dyn ReadView,
        ids: Box<dyn Iterator<Item = Result<ClaimId>> + 'a>,
        index: &'static str,
    ) -> Self {
        Batched {
            store,
            ids,
            index,
            next: 16,
            ready: std::collections::VecDeque::new(),
        }
    }

    fn fill(&mut self) {
        let mut wanted = Vec::with_capacity(self.next);
        let mut failed = None;
        for id in self.ids.by_ref().take(self.next) {
            match id {
                Ok(id) => wanted.push(id),
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        self.next = (self.next * 2).min(self.store.read_batch());
        if !wanted.is_empty() {
            match self.store.claims_by_ids(&wanted) {
                Ok(claims) => {
                    for (id, claim) in wanted.into_iter().zip(claims) {
                        self.ready
                            .push_back(claim.ok_or_else(|| missing(self.index, id)));
                    }
                }
                Err(e) => self.ready.push_back(Err(e)),
            }
        }
        // An id that could not be read comes after the claims before it.
        if let Some(e) = failed {
            self.ready.push_back(Err(e));
        }
    }
}

impl Iterator for Batched<'_> {
    type Item = Result<Claim>;

    fn next(&mut self) -> Option<Result<Claim>> {
        if self.ready.is_empty() {
            self.fill();
        }
        self.ready.pop_front()
    }
}

/// The ids of an index scan, those whose entry records a confidence
/// outside `window` left out unread.
fn ids_in_window<'a>(
    store: &'a dyn ReadView,
    scan: &IndexScan,
    window: Window,
) -> Box<dyn Iterator<Item = Result<ClaimId>> + 'a> {
    match window {
        None => store.scan_index(scan),
        Some((lo, hi)) => Box::new(store.scan_postings(scan).filter_map(move |p| match p {
            // An entry without a confidence (the word index's) is read.
            Ok((id, c)) => c.is_none_or(|c| (lo..=hi).contains(&c)).then_some(Ok(id)),
            Err(e) => Some(Err(e)),
        })),
    }
}

/// How many claims an index access holds, read from the index alone: its
/// kept count for one range, the distinct ids of a union, the entries in
/// the confidence range it checks. For an access that answers the
/// condition (`exact`), and nothing that reads no claim at all; `None` for
/// any other node, whose claims must be counted as they are read.
pub(super) fn count_from_index(store: &dyn ReadView, node: &Node) -> Result<Option<u64>> {
    Ok(match node {
        Node::Nothing { .. } => Some(0),
        Node::Index {
            scan,
            window: None,
            exact: true,
            ..
        } => Some(store.index_count(scan)?),
        Node::Index {
            scan,
            window,
            exact: true,
            ..
        } => Some(count_ids(ids_in_window(store, scan, *window))?),
        Node::Union {
            scans,
            window,
            exact: true,
            ..
        } => {
            let streams: Vec<_> = scans
                .iter()
                .map(|s| ids_in_window(store, s, *window))
                .collect();
            Some(count_ids(MergeIds::new(streams))?)
        }
        _ => None,
    })
}

/// How many ids a stream yields (the first error, if any).
fn count_ids(ids: impl Iterator<Item = Result<ClaimId>>) -> Result<u64> {
    ids.map(|id| id.map(|_| 1)).sum()
}

/// Sorted streams of ids merged into one sorted stream, each id once.
struct MergeIds<'a> {
    streams: Vec<std::iter::Peekable<Box<dyn Iterator<Item = Result<ClaimId>> + 'a>>>,
    last: Option<ClaimId>,
}

impl<'a> MergeIds<'a> {
    fn new(streams: Vec<Box<dyn Iterator<Item = Result<ClaimId>> + 'a>>) -> Self {
        MergeIds {
            streams: streams.into_iter().map(Iterator::peekable).collect(),
            last: None,
        }
    }
}

impl Iterator for MergeIds<'_> {
    type Item = Result<ClaimId>;

    fn next(&mut self) -> Option<Result<ClaimId>> {
        loop {
            // An error anywhere comes out first.
            for s in &mut self.streams {
                if let Some(Err(_)) = s.peek() {
                    return s.next();
                }
            }
            let (at, id) = self
                .streams
                .iter_mut()
                .enumerate()
                .filter_map(|(i, s)| match s.peek() {
                    Some(Ok(id)) => Some((i, *id)),
                    _ => None,
                })
                .min_by_key(|&(_, id)| id)?;
            self.streams[at].next();
            if self.last != Some(id) {
                self.last = Some(id);
                return Some(Ok(id));
            }
        }
    }
}
