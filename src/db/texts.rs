//! Folded source texts, kept between claims.
//!
//! Checking a claim needs its source's text folded (`cite::normalize`),
//! and folding 50 KB costs half a millisecond: loading a corpus claim by
//! claim used to spend most of its time folding the same texts again. The
//! database keeps the folded texts it has made, keyed by the text's
//! SHA-256 (which every source record holds), so an entry can never be
//! stale: a replaced text has another hash. The cache holds at most
//! [`BUDGET`] bytes; past that, entries are dropped (any, not the oldest:
//! a corpus that does not fit is folded again either way).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::attrib::Attributions;
use crate::cite::{self, Normalized};
use crate::error::Result;
use crate::model::Source;
use crate::store::ReadView;

/// The most memory the folded texts may hold.
pub const BUDGET: usize = 256 * 1024 * 1024;

/// A source's text and its folded form.
pub(crate) struct Folded {
    pub text: String,
    pub folded: Normalized,
    /// The text's SHA-256 (hex), which anchors record.
    pub sha256: String,
    /// Who the text credits with what, read the first time a claim asks.
    attributions: std::sync::OnceLock<Attributions>,
}

impl Folded {
    /// Folds `text` (and hashes it).
    pub(crate) fn new(text: String) -> Folded {
        let folded = cite::normalize_source(&text);
        let sha256 = cite::sha256_hex(&text);
        Folded {
            text,
            folded,
            sha256,
            attributions: std::sync::OnceLock::new(),
        }
    }

    /// Who the text credits with what (read once, then kept).
    pub(crate) fn attributions(&self) -> &Attributions {
        self.attributions
            .get_or_init(|| Attributions::of(&self.text))
    }
}

impl Folded {
    fn bytes(&self) -> usize {
        self.text.capacity() + self.folded.heap_bytes()
    }
}

#[derive(Default)]
pub(crate) struct FoldedTexts {
    cache: Mutex<(HashMap<String, Arc<Folded>>, usize)>,
}

impl FoldedTexts {
    /// The folded text whose hash is `sha256`, made from `load()` when it is
    /// not kept (`None` when `load` finds no text).
    pub(crate) fn get(
        &self,
        sha256: &str,
        load: impl FnOnce() -> Result<Option<String>>,
    ) -> Result<Option<Arc<Folded>>> {
        if let Some(found) = self.lock().0.get(sha256) {
            return Ok(Some(found.clone()));
        }
        let Some(text) = load()? else {
            return Ok(None);
        };
        let entry = Arc::new(Folded::new(text));
        // A text that does not match its recorded hash is folded but not
        // kept: the key would lie.
        if entry.sha256 != sha256 {
            return Ok(Some(entry));
        }
        let size = entry.bytes();
        let mut cache = self.lock();
        if size <= BUDGET {
            while cache.1 + size > BUDGET {
                let Some(victim) = cache.0.keys().next().cloned() else {
                    break;
                };
                if let Some(gone) = cache.0.remove(&victim) {
                    cache.1 -= gone.bytes();
                }
            }
            if cache.0.insert(sha256.to_string(), entry.clone()).is_none() {
                cache.1 += size;
            }
        }
        Ok(Some(entry))
    }

    /// The text of `source` as `view` holds it, folded (from the cache
    /// when its hash is known); `None` when the source holds no text.
    pub(crate) fn of(&self, view: &dyn ReadView, source: &Source) -> Result<Option<Arc<Folded>>> {
        let id = source.id.as_str();
        match &source.sha256 {
            Some(sha) => self.get(sha, || view.source_text(id)),
            None => Ok(view
                .source_text(id)?
                .map(|text| Arc::new(Folded::new(text)))),
        }
    }

    fn lock_for_debug(&self) -> (usize, usize) {
        let cache = self.lock();
        (cache.0.len(), cache.1)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (HashMap<String, Arc<Folded>>, usize)> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl std::fmt::Debug for FoldedTexts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (texts, bytes) = self.lock_for_debug();
        write!(f, "FoldedTexts {{ texts: {texts}, bytes: {bytes} }}")
    }
}
