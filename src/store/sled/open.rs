//! Opening a database directory: one handle per process, patience with other
//! processes, and recovery from what a failed snapshot leaves behind.
//!
//! - sled takes an exclusive lock on its log file. A second open from this
//!   process would fail the same way as one from another process, and
//!   waiting for it would wait forever, so opens are registered here and a
//!   second one is told "already open in this process" at once.
//! - Another process holding the lock is usually a short command: claimdb
//!   waits for it up to a busy timeout (as SQLite's `busy_timeout` does)
//!   before it reports the database in use.
//! - sled writes a snapshot as `snap.N.generating` and renames it when it is
//!   complete and synced. On a full disk it can leave that file empty, and
//!   sled then reads it as the newest snapshot on every later open and
//!   fails ("corrupted data") even after space is freed. A `.generating`
//!   file is never a finished snapshot, so it is removed before sled opens,
//!   while claimdb holds the same lock sled takes (no one can be writing it).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// The databases this process has open, by absolute path.
static OPEN_HERE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A database registered as open in this process; unregistered on drop.
#[derive(Debug)]
pub(super) struct Registration(PathBuf);

impl Drop for Registration {
    fn drop(&mut self) {
        open_here().retain(|p| *p != self.0);
    }
}

fn open_here() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    OPEN_HERE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The path's identity: canonical when it exists, absolute otherwise.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Registers `path` as open in this process, or says it is already.
/// `first` runs when no other database is open here.
pub(super) fn register(path: &Path, first: impl FnOnce()) -> Result<Registration> {
    let id = identity(path);
    let mut open = open_here();
    if open.is_empty() {
        first();
    }
    if open.contains(&id) {
        return Err(Error::AlreadyOpen(path.to_path_buf()));
    }
    open.push(id.clone());
    Ok(Registration(id))
}

/// Runs `open` until it stops failing with [`Error::Locked`] or `timeout`
/// has passed, sleeping a little longer each time (5 ms up to 100 ms).
pub(super) fn with_busy_timeout<T>(
    path: &Path,
    timeout: Duration,
    mut open: impl FnMut() -> Result<T>,
) -> Result<T> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(5);
    loop {
        match open() {
            Err(Error::Locked { .. }) if started.elapsed() < timeout => {
                let left = timeout.saturating_sub(started.elapsed());
                std::thread::sleep(pause.min(left));
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            Err(Error::Locked { .. }) => {
                return Err(Error::Locked {
                    path: path.to_path_buf(),
                    waited_ms: started.elapsed().as_millis() as u64,
                })
            }
            other => return other,
        }
    }
}

/// Removes unfinished snapshot files, holding sled's lock while it does.
/// Fails with [`Error::Locked`] when another process has the database.
pub(super) fn remove_unfinished_snapshots(dir: &Path) -> Result<()> {
    let log = dir.join("db");
    let file = match File::open(&log) {
        Ok(f) => f,
        // No database yet (or not one of sled's): nothing to clean.
        Err(_) => return Ok(()),
    };
    // The standard library's flock, as sled's own lock is (Rust 1.89).
    if file.try_lock().is_err() {
        return Err(Error::Locked {
            path: dir.to_path_buf(),
            waited_ms: 0,
        });
    }
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            std::fs::remove_file(entry.path()).map_err(io)?;
        }
    }
    // Closing the file releases the lock; sled takes it again at once.
    drop(file);
    Ok(())
}

/// Whether a process holds the lock of the database in `dir` (sled's, on
/// its log file).
pub(super) fn held(dir: &Path) -> bool {
    match File::open(dir.join("db")) {
        Ok(file) => file.try_lock().is_err(),
        Err(_) => false,
    }
}
