//! Speakers read, kept from one statement to the next.
//!
//! A listing of claims names each claim's speaker, and a statement reads
//! each speaker it meets once (`query/exec`'s `Speakers`); but the next
//! statement read them again, a random read of sled each: a fifth of a
//! listing's time (`perf` on `claims where origin = X` at 100,000 claims,
//! 373 rows with some 330 speakers). A view of an engine that keeps this
//! cache reads through it. The engine clears it when it applies a commit
//! that changes a speaker's record, under the lock that keeps readers out:
//! a reader never meets a speaker older than the claims it reads.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::error::Result;
use crate::model::{Speaker, SpeakerId};

/// The most speakers kept (about 100 bytes each): past it, the cache
/// starts again empty.
const MAX_SPEAKERS: usize = 1 << 16;

/// Speakers by id, as last read (`None`: no such speaker).
#[derive(Default)]
pub(crate) struct SpeakerCache {
    held: Mutex<HashMap<SpeakerId, Option<Speaker>>>,
}

impl SpeakerCache {
    /// The speaker `id`, from the cache or else from `read`.
    pub(crate) fn get(
        &self,
        id: SpeakerId,
        read: impl FnOnce() -> Result<Option<Speaker>>,
    ) -> Result<Option<Speaker>> {
        if let Some(known) = self.lock().get(&id) {
            return Ok(known.clone());
        }
        let found = read()?;
        let mut held = self.lock();
        if held.len() >= MAX_SPEAKERS {
            held.clear();
        }
        held.insert(id, found.clone());
        Ok(found)
    }

    /// Forgets every speaker (a commit that changes speakers is being
    /// applied).
    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SpeakerId, Option<Speaker>>> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }
}
