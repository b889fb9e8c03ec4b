//! Reading sled's trees: a view that holds the isolation lock shared for
//! as long as it lives (so no commit lands halfway through a statement),
//! each call into sled guarded against its panics (`guard.rs`).

use std::ops::Bound;
use std::sync::RwLockReadGuard;

use super::SledEngine;
use crate::error::Result;
use crate::store::kv::records::Records;
use crate::store::kv::speaker_cache::SpeakerCache;
use crate::store::kv::{crossed, Entries, Entry, KvRead, T};

thread_local! {
    /// The engines (by address) of the read views this thread holds: a
    /// commit to one of them from this thread would wait for its own view
    /// forever. (A view of one database does not stop a write to another:
    /// `copy` reads one and writes the other.)
    pub(super) static VIEWS_HELD: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// sled's trees as a key-value view, with the lock that keeps it consistent.
pub(super) struct SledView<'a> {
    pub(super) engine: &'a SledEngine,
    pub(super) _shared: Option<RwLockReadGuard<'a, ()>>,
}

impl Drop for SledView<'_> {
    fn drop(&mut self) {
        if self._shared.is_some() {
            let engine = self.engine as *const SledEngine as usize;
            VIEWS_HELD.with(|held| {
                let mut held = held.borrow_mut();
                if let Some(at) = held.iter().position(|e| *e == engine) {
                    held.swap_remove(at);
                }
            });
        }
    }
}

impl KvRead for SledView<'_> {
    fn get(&self, tree: T, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.engine
            .guarded(|| Ok(self.engine.tree(tree).get(key)?.map(|v| v.to_vec())))
    }

    fn range(&self, tree: T, from: Bound<Vec<u8>>, to: Bound<Vec<u8>>) -> Entries<'_> {
        let mut entries = self.engine.tree(tree).range::<Vec<u8>, _>((from, to));
        Box::new(std::iter::from_fn(move || {
            self.engine
                .guarded(|| {
                    entries
                        .next()
                        .map(|e| {
                            let (k, v) = e?;
                            Ok((k.to_vec(), v.to_vec()))
                        })
                        .transpose()
                })
                .transpose()
        }))
    }

    fn last_entry(&self, tree: T, from: Bound<&[u8]>, to: Bound<&[u8]>) -> Result<Option<Entry>> {
        if crossed(from, to) {
            return Ok(None);
        }
        self.engine.guarded(|| {
            let mut range = self.engine.tree(tree).range::<&[u8], _>((from, to));
            Ok(range
                .next_back()
                .transpose()?
                .map(|(k, v)| (k.to_vec(), v.to_vec())))
        })
    }

    fn first_entry(&self, tree: T, from: Bound<&[u8]>, to: Bound<&[u8]>) -> Result<Option<Entry>> {
        if crossed(from, to) {
            return Ok(None);
        }
        self.engine.guarded(|| {
            let mut range = self.engine.tree(tree).range::<&[u8], _>((from, to));
            Ok(range
                .next()
                .transpose()?
                .map(|(k, v)| (k.to_vec(), v.to_vec())))
        })
    }

    fn speaker_cache(&self) -> Option<&SpeakerCache> {
        // Only a view that keeps commits out: a writer's base view is read
        // while its own commit is being made.
        self._shared.as_ref().map(|_| &self.engine.speakers)
    }
}

impl SledEngine {
    /// A consistent view of the records (see [`Engine::read`]).
    pub(super) fn read_records(&self) -> Records<SledView<'_>> {
        let shared = self
            .isolation
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        VIEWS_HELD.with(|held| held.borrow_mut().push(self as *const SledEngine as usize));
        Records {
            kv: SledView {
                engine: self,
                _shared: Some(shared),
            },
        }
    }
}
