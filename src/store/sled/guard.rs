//! sled panics on some damaged files (an index out of bounds while it reads
//! a cut log, an `expect` on a page it cannot find) instead of returning an
//! error. A panic is no way to learn that a database is damaged: the
//! process dies with an internal dump, and a server would lose a worker.
//! Every call into sled that reads stored bytes runs inside [`guarded`],
//! which catches such a panic and returns it as damage, naming the
//! database. The panic's own report is kept off the terminal: a hook,
//! installed once and passing every other panic to the hook before it,
//! stays quiet for panics raised inside a guarded call or inside sled.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

use crate::error::{Error, Result, StorageError, StorageErrorKind};

thread_local! {
    /// Set while this thread is inside a guarded call.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

static QUIET_HOOK: Once = Once::new();

/// Installs the hook that keeps sled's panics off the terminal.
fn install_quiet_hook() {
    QUIET_HOOK.call_once(|| {
        let before = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_sled = info
                .location()
                .is_some_and(|l| l.file().contains("sled-0."));
            if !(GUARDED.with(Cell::get) || in_sled) {
                before(info);
            }
        }));
    });
}

/// Runs `f`, a call into sled; a panic inside it is returned as damage to
/// the database at `dir` (and sled is not trusted again in this process).
pub(crate) fn guarded<A>(dir: &Path, f: impl FnOnce() -> Result<A>) -> Result<A> {
    caught(f).unwrap_or_else(|what| {
        super::engine_failed();
        Err(damage(dir, &what))
    })
}

/// Runs `f`, its panic (kept off the terminal) returned as its message.
fn caught<A>(f: impl FnOnce() -> Result<A>) -> std::result::Result<Result<A>, String> {
    install_quiet_hook();
    let outer = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(outer));
    result.map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "an internal error".to_string())
    })
}

/// The error a panic inside sled becomes.
fn damage(dir: &Path, what: &str) -> Error {
    Error::Storage(StorageError::new(
        StorageErrorKind::Corrupt,
        format!(
            "the database files at {} are damaged: the storage engine failed while reading them ({what})",
            dir.display()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_the_engine_is_damage_named_with_the_database() {
        // (`caught`, not `guarded`: that would mark sled failed for every
        // test of this process.)
        let what = caught(|| -> Result<()> {
            let bytes: &[u8] = &[];
            // What sled does on a cut log: an index past the end.
            let _ = bytes[std::hint::black_box(3)];
            Ok(())
        })
        .unwrap_err();
        assert!(what.contains("index out of bounds"), "{what}");
        let e = damage(Path::new("desk.db"), &what);
        assert!(
            matches!(&e, Error::Storage(s) if s.kind == StorageErrorKind::Corrupt),
            "{e:?}"
        );
        assert!(
            e.to_string()
                .contains("the database files at desk.db are damaged: the storage engine failed while reading them (index out of bounds"),
            "{e}"
        );
        // Outside a guarded call, this thread is not marked.
        assert!(!GUARDED.with(Cell::get));
        // A result passes through untouched.
        assert_eq!(caught(|| Ok(7)).unwrap().unwrap(), 7);
    }
}
