//! Folded source texts, kept between claims.
//!
//! Checking a claim needs its source's text folded (`cite::normalize`),
//! and folding 50 KB costs half a millisecond: loading a corpus claim by
//! claim used to spend most of its time folding the same texts again. The
//! database keeps the folded texts it has made, keyed by the text's
//! SHA-256 (which every source record holds), so an entry can never be
//! stale: a replaced text has another hash. The text as written is kept
//! as its difference from the folded form (`cite/unfold.rs`) and rebuilt
//! for each claim. The cache holds at most [`BUDGET`] bytes, each text's
//! attributions counted once read (a text kept may pass it by its own
//! attributions until the next text comes); past that, entries are dropped
//! (any, not the oldest: a corpus that does not fit is folded again either
//! way).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use crate::attrib::Attributions;
use crate::cite::{self, Normalized, Unfold};
use crate::error::Result;
use crate::model::Source;
use crate::store::ReadView;

/// The most memory the folded texts may hold, their attributions
/// included: 2,000 texts of 50 KB (a text costs about its size folded,
/// a tenth of that as written, and a seventh for its attributions).
pub const BUDGET: usize = 128 * 1024 * 1024;

/// A source's text and its folded form.
pub(crate) struct Folded {
    pub folded: Normalized,
    /// The text as written, kept as its difference from `folded` where
    /// that rebuilds it (nearly always: a tenth of the size or less).
    text: Text,
    /// The text's SHA-256 (hex), which anchors record.
    pub sha256: String,
    /// Who the text credits with what, read the first time a claim asks.
    attributions: OnceLock<Attributions>,
    /// The count of bytes held by the cache this text is kept in, which
    /// its attributions join when they are read.
    ledger: OnceLock<Arc<AtomicUsize>>,
}

enum Text {
    Whole(String),
    Unfolded(Unfold),
}

impl Folded {
    /// Folds `text` (and hashes it).
    pub(crate) fn new(text: String) -> Folded {
        let mut folded = cite::normalize_source(&text);
        folded.shrink_to_fit();
        let sha256 = cite::sha256_hex(&text);
        let text = match Unfold::of(&text, &folded) {
            Some(unfold) => Text::Unfolded(unfold),
            None => Text::Whole(text),
        };
        Folded {
            folded,
            text,
            sha256,
            attributions: OnceLock::new(),
            ledger: OnceLock::new(),
        }
    }

    /// The text as written (rebuilt from the folded text: a copy of
    /// microseconds, where keeping it cost its size for as long as the
    /// folded text is kept).
    pub(crate) fn text(&self) -> Cow<'_, str> {
        match &self.text {
            Text::Whole(text) => Cow::Borrowed(text),
            Text::Unfolded(unfold) => Cow::Owned(unfold.rebuild(&self.folded)),
        }
    }

    /// Who the text credits with what (read once, then kept).
    pub(crate) fn attributions(&self) -> &Attributions {
        self.attributions.get_or_init(|| {
            let read = Attributions::of(&self.text());
            if let Some(ledger) = self.ledger.get() {
                ledger.fetch_add(read.heap_bytes(), Ordering::Relaxed);
            }
            read
        })
    }

    fn bytes(&self) -> usize {
        let text = match &self.text {
            Text::Whole(text) => text.capacity(),
            Text::Unfolded(unfold) => unfold.heap_bytes(),
        };
        let attributions = self.attributions.get().map_or(0, Attributions::heap_bytes);
        text + self.folded.heap_bytes() + attributions
    }
}

pub(crate) struct FoldedTexts {
    cache: Mutex<HashMap<String, Arc<Folded>>>,
    /// The most the texts may hold ([`BUDGET`]).
    budget: usize,
    /// The bytes the cache's texts hold, attributions included. A text's
    /// attributions read after it was dropped from the cache (by a reader
    /// that still held it) stay counted: the count can only run high,
    /// which drops texts sooner, never lets them grow past the budget.
    held: Arc<AtomicUsize>,
}

impl Default for FoldedTexts {
    fn default() -> Self {
        FoldedTexts::within(BUDGET)
    }
}

impl FoldedTexts {
    /// A cache whose texts hold at most `budget` bytes.
    pub(crate) fn within(budget: usize) -> FoldedTexts {
        FoldedTexts {
            cache: Mutex::default(),
            budget,
            held: Arc::default(),
        }
    }

    /// The folded text whose hash is `sha256`, made from `load()` when it is
    /// not kept (`None` when `load` finds no text).
    pub(crate) fn get(
        &self,
        sha256: &str,
        load: impl FnOnce() -> Result<Option<String>>,
    ) -> Result<Option<Arc<Folded>>> {
        if let Some(found) = self.lock().get(sha256) {
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
        if size > self.budget {
            return Ok(Some(entry));
        }
        let mut cache = self.lock();
        while self.held.load(Ordering::Relaxed) + size > self.budget {
            let Some(victim) = cache.keys().next().cloned() else {
                // Nothing kept: whatever the count ran high by is gone.
                self.held.store(0, Ordering::Relaxed);
                break;
            };
            if let Some(gone) = cache.remove(&victim) {
                self.release(&gone);
            }
        }
        self.held.fetch_add(size, Ordering::Relaxed);
        let _ = entry.ledger.set(self.held.clone());
        // Another reader may have folded the same text meanwhile.
        if let Some(replaced) = cache.insert(sha256.to_string(), entry.clone()) {
            self.release(&replaced);
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

    /// Takes a text dropped from the cache off the count.
    fn release(&self, gone: &Folded) {
        let _ = self
            .held
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |held| {
                Some(held.saturating_sub(gone.bytes()))
            });
    }

    fn lock_for_debug(&self) -> (usize, usize) {
        let texts = self.lock().len();
        (texts, self.held.load(Ordering::Relaxed))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Folded>>> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl std::fmt::Debug for FoldedTexts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (texts, bytes) = self.lock_for_debug();
        write!(f, "FoldedTexts {{ texts: {texts}, bytes: {bytes} }}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the cache counts is what its texts hold, attributions read
    /// after a text was kept included, and it never holds more than its
    /// budget: texts past it are dropped.
    #[test]
    fn the_cache_counts_what_it_holds_and_keeps_to_its_budget() {
        let review = include_str!("../../db-seed/texts/fp-lazarus-review.txt");
        let text = |k: usize| format!("{review}\n\nCopy {k}.");
        let one = Folded::new(text(0));
        let _ = one.attributions();
        let texts = FoldedTexts::within(3 * one.bytes() + one.bytes() / 2);
        let mut kept = Vec::new();
        for k in 0..10 {
            let sha = cite::sha256_hex(&text(k));
            let f = texts.get(&sha, || Ok(Some(text(k)))).unwrap().unwrap();
            let before = texts.lock_for_debug().1;
            let _ = f.attributions();
            let (count, held) = texts.lock_for_debug();
            assert!(held > before, "text {k}: its attributions were not counted");
            let actual: usize = texts.lock().values().map(|f| f.bytes()).sum();
            assert_eq!(held, actual, "text {k}");
            assert!(held <= texts.budget, "text {k}: {held} bytes held");
            kept.push(count);
        }
        assert_eq!(kept.last(), Some(&3), "{kept:?}");
    }

    /// A text comes back byte for byte from the folded text it is kept
    /// beside, at a small part of its size.
    #[test]
    fn a_kept_text_is_the_text() {
        let review = include_str!("../../db-seed/texts/fp-lazarus-review.txt");
        let f = Folded::new(review.to_string());
        assert!(matches!(f.text, Text::Unfolded(_)));
        assert_eq!(f.text(), review);
        // The text as written costs a tenth of itself beside its folded form.
        let written = f.bytes() - f.folded.heap_bytes();
        assert!(written * 10 < review.len(), "{written} bytes");
    }
}
