//! A time limit for the statement running on this thread.
//!
//! A server must be able to stop a runaway query (a scan of a million
//! claims with a regular expression) instead of leaving it running. The
//! caller sets a deadline around a statement ([`with_time_limit`]); the
//! executor looks at it as each claim is read, and a statement past it
//! fails with [`Error::TimeLimit`], reading nothing more. Without a limit,
//! the check costs one thread-local read.

use std::cell::Cell;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

thread_local! {
    /// The deadline of the statement running on this thread, and its limit.
    static DEADLINE: Cell<Option<(Instant, Duration)>> = const { Cell::new(None) };
}

/// Runs `f` with a time limit on every statement it runs on this thread.
pub fn with_time_limit<T>(limit: Option<Duration>, f: impl FnOnce() -> T) -> T {
    let before = DEADLINE.with(|d| d.replace(limit.map(|l| (Instant::now() + l, l))));
    let out = f();
    DEADLINE.with(|d| d.set(before));
    out
}

/// Fails once the running statement is past its time limit.
pub(crate) fn check() -> Result<()> {
    match DEADLINE.with(Cell::get) {
        Some((deadline, limit)) if Instant::now() >= deadline => Err(Error::TimeLimit {
            limit_ms: u64::try_from(limit.as_millis()).unwrap_or(u64::MAX),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_past_its_limit_fails_and_the_limit_ends_with_it() {
        assert!(check().is_ok());
        let failed = with_time_limit(Some(Duration::ZERO), check);
        assert!(matches!(failed, Err(Error::TimeLimit { limit_ms: 0 })));
        assert!(with_time_limit(Some(Duration::from_secs(60)), check).is_ok());
        assert!(check().is_ok(), "no limit outside");
    }
}
