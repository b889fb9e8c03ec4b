//! The in-memory engine: claimdb's trees as ordered maps, nothing on disk.
//!
//! It is the reference for new engines and the second engine every test
//! runs on. Its state is an immutable set of maps behind an `Arc`: a read
//! view holds the `Arc` of the moment (a true snapshot, whatever writers do
//! next), and a commit builds the next state from the current one and the
//! transaction's changes, then swaps it in. Copying the maps makes a commit
//! cost the size of the database: fine for tests and small corpora, and the
//! simplest correct thing.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

use super::kv::records::{RecordWriter, Records};
use super::kv::verify;
use super::kv::{crossed, Entries, Entry, KvRead, T, TREES};
use super::{Engine, Maintenance, ReadView, VerifyReport, WriteTx};
use crate::error::Result;

type Trees = Vec<BTreeMap<Vec<u8>, Vec<u8>>>;

/// A database held in memory.
#[derive(Debug)]
pub struct MemoryEngine {
    state: RwLock<Arc<Trees>>,
    /// One commit at a time.
    committing: Mutex<()>,
}

impl Default for MemoryEngine {
    fn default() -> Self {
        MemoryEngine::new()
    }
}

impl MemoryEngine {
    /// An empty database.
    pub fn new() -> Self {
        MemoryEngine {
            state: RwLock::new(Arc::new(vec![BTreeMap::new(); TREES.len()])),
            committing: Mutex::new(()),
        }
    }

    fn current(&self) -> Arc<Trees> {
        self.state
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// One state of the trees.
struct Snapshot(Arc<Trees>);

impl KvRead for Snapshot {
    fn get(&self, tree: T, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.0[tree as usize].get(key).cloned())
    }

    fn range(&self, tree: T, from: Bound<Vec<u8>>, to: Bound<Vec<u8>>) -> Entries<'_> {
        // An empty range when the bounds cross (BTreeMap would panic).
        if crossed(
            from.as_ref().map(Vec::as_slice),
            to.as_ref().map(Vec::as_slice),
        ) {
            return Box::new(std::iter::empty());
        }
        Box::new(
            self.0[tree as usize]
                .range((from, to))
                .map(|(k, v)| Ok((k.clone(), v.clone()))),
        )
    }

    fn last_entry(&self, tree: T, from: Bound<&[u8]>, to: Bound<&[u8]>) -> Result<Option<Entry>> {
        if crossed(from, to) {
            return Ok(None);
        }
        let mut range = self.0[tree as usize].range::<[u8], _>((from, to));
        Ok(range.next_back().map(|(k, v)| (k.clone(), v.clone())))
    }

    fn first_entry(&self, tree: T, from: Bound<&[u8]>, to: Bound<&[u8]>) -> Result<Option<Entry>> {
        if crossed(from, to) {
            return Ok(None);
        }
        let mut range = self.0[tree as usize].range::<[u8], _>((from, to));
        Ok(range.next().map(|(k, v)| (k.clone(), v.clone())))
    }
}

impl Engine for MemoryEngine {
    fn read(&self) -> Result<Box<dyn ReadView + '_>> {
        Ok(Box::new(Records {
            kv: Snapshot(self.current()),
        }))
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        self.write_records(&mut |w| f(w))
    }

    fn path(&self) -> Option<&Path> {
        None
    }

    fn name(&self) -> &'static str {
        "memory"
    }
}

impl Maintenance for MemoryEngine {
    fn verify(&self) -> Result<VerifyReport> {
        verify::verify(&Records {
            kv: Snapshot(self.current()),
        })
    }

    fn rebuild_derived(&self) -> Result<()> {
        self.write_records(&mut |w| {
            crate::store::kv::rebuild::Rebuild::all_at_once(w)?;
            w.stamp_format_version()
        })
    }
}

impl MemoryEngine {
    /// Runs `f` as one transaction over the records, and commits it whole.
    fn write_records(&self, f: &mut dyn FnMut(&mut RecordWriter) -> Result<()>) -> Result<()> {
        let _alone = self
            .committing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let base = Snapshot(self.current());
        let mut writer = RecordWriter::new(&base);
        f(&mut writer)?;
        let pending = writer.records.kv.into_pending()?;
        if pending.is_empty() {
            return Ok(());
        }
        let mut next: Trees = (*base.0).clone();
        for (tree, key, change) in pending.into_changes() {
            match change {
                Some(value) => next[tree as usize].insert(key, value),
                None => next[tree as usize].remove(&key),
            };
        }
        *self
            .state
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(next);
        Ok(())
    }
}
