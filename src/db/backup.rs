//! Backups a user can restore: `claimdb backup DEST` and `claimdb restore`;
//! and `claimdb vacuum`, a backup restored in place to compact the files.
//!
//! A backup is the engine's own copy of every stored entry, taken from one
//! read view (`store/kv/backup.rs`), so readers go on while it is written
//! and the copy is one state of the database; writers wait for it. It is
//! written beside its destination and renamed into place once synced, so a
//! backup that exists is whole. A restore builds a new database beside the
//! target from the backup, checks it, and only then swaps it in, keeping
//! the database it replaces (damaged, usually) under another name: nothing
//! is deleted.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Db, OpenOptions};
use crate::error::{Error, Result};
use crate::store::{BackupSummary, SledEngine, SledOptions};

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// What the backup held.
    pub backup: BackupSummary,
    /// The claims of the restored database.
    pub claims: u64,
    /// Where the database that was at the target before now is.
    pub replaced: Option<PathBuf>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// `path` with `suffix` added to its file name.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// Syncs the folder holding `path`, so a rename in it outlives a power loss.
fn sync_parent(path: &Path) -> Result<()> {
    let parent = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(p) => p.to_path_buf(),
        None => PathBuf::from("."),
    };
    std::fs::File::open(&parent)
        .and_then(|f| f.sync_all())
        .map_err(io(&parent))
}

impl Db {
    /// Writes a backup of the whole database to `out`.
    pub fn backup_to(&self, out: &mut dyn Write) -> Result<BackupSummary> {
        self.engine.backup(out)
    }

    /// Writes a backup to the file `dest`: beside it first, synced, then
    /// renamed, so that `dest` is either the old file or the whole backup.
    ///
    /// ```
    /// # fn main() -> claimdb::Result<()> {
    /// let dir = tempfile::tempdir().unwrap();
    /// let db = claimdb::Db::open_with(dir.path().join("c.db"), claimdb::OpenOptions::new().seed(true))?;
    /// db.backup(&dir.path().join("c.backup"))?;
    /// drop(db);
    /// let restored = claimdb::restore(&dir.path().join("c.backup"), &dir.path().join("d.db"), claimdb::OpenOptions::new())?;
    /// assert_eq!(restored.claims, 61);
    /// # Ok(()) }
    /// ```
    pub fn backup(&self, dest: &Path) -> Result<BackupSummary> {
        write_atomically(dest, |file| self.backup_to(file))
    }
}

/// Writes the file `dest` with `write`: into `DEST.partial` first, synced,
/// then renamed over `dest`, so that `dest` is either what it was or whole
/// (a backup that exists can be trusted to be complete).
pub fn write_atomically<A>(
    dest: &Path,
    write: impl FnOnce(&mut std::fs::File) -> Result<A>,
) -> Result<A> {
    if dest.is_dir() {
        return Err(io(dest)(std::io::Error::other(
            "is a directory: name the file to write",
        )));
    }
    let partial = beside(dest, ".partial");
    let written = (|| {
        let mut file = std::fs::File::create(&partial).map_err(io(&partial))?;
        let done = write(&mut file)?;
        file.flush().map_err(io(&partial))?;
        file.sync_all().map_err(io(&partial))?;
        std::fs::rename(&partial, dest).map_err(io(dest))?;
        sync_parent(dest)?;
        Ok(done)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// Restores the backup file `backup` as the database at `into`: built
/// beside it, verified, then swapped in; a database already at `into` is
/// kept as `INTO.before-restore-SECONDS` (see [`Restored::replaced`]),
/// the two exchanged in one step on Linux (`swap.rs`). Refused while a
/// process has `into` open.
pub fn restore(backup: &Path, into: &Path, options: OpenOptions) -> Result<Restored> {
    let mut file = crate::limits::open_regular_file(backup)?;
    let exists = SledEngine::exists_at(into);
    if exists && SledEngine::in_use(into) {
        return Err(Error::Locked {
            path: into.to_path_buf(),
            waited_ms: 0,
        });
    }
    if !exists {
        SledEngine::check_path(into, options.create_parents)?;
    }
    let staging = beside(into, ".restoring");
    if SledEngine::exists_at(&staging) {
        // What an interrupted restore left: claimdb's own, never the user's.
        std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    let built = (|| {
        let summary = SledEngine::restore(
            &staging,
            &mut file,
            SledOptions {
                durability: options.durability,
                busy_timeout: options.busy_timeout,
                cache_bytes: options.cache_bytes,
                open_damaged: false,
                read_only: false,
            },
        )
        .map_err(|e| in_backup(backup, e))?;
        // Opened to be verified, a scan.
        let db = Db::open_with(
            &staging,
            options
                .seed(false)
                .cache_bytes(crate::store::SCAN_CACHE_BYTES),
        )?;
        let report = db.verify()?;
        if let Some(problem) = report.problems.first() {
            return Err(Error::Corrupt(format!(
                "the database restored from {} does not verify ({}: {}); nothing was replaced",
                backup.display(),
                problem.area,
                problem.message
            )));
        }
        Ok((summary, report.claims))
    })();
    let (summary, claims) = match built {
        Ok(done) => done,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let replaced = if exists {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let aside = beside(into, &format!(".before-restore-{seconds}"));
        super::swap::swap_in(&staging, into, &aside)?;
        Some(aside)
    } else {
        std::fs::rename(&staging, into).map_err(io(into))?;
        None
    };
    sync_parent(into)?;
    Ok(Restored {
        backup: summary,
        claims,
        replaced,
    })
}

/// A damaged backup, named.
fn in_backup(backup: &Path, e: Error) -> Error {
    match e {
        Error::Corrupt(message) => Error::Corrupt(format!("{}: {message}", backup.display())),
        other => other,
    }
}

/// What a vacuum did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vacuumed {
    /// The claims of the database, as the rewritten copy verified them.
    pub claims: u64,
    /// The database's size on disk before and after, in bytes.
    pub bytes_before: u64,
    /// See `bytes_before`.
    pub bytes_after: u64,
}

/// Rewrites the database at `path` compactly, as SQLite's `VACUUM` does:
/// backs it up beside itself, restores the backup beside it (checked and
/// verified), swaps the copy in, and only then removes the old database
/// and the backup. sled's log keeps old versions of pages until a segment
/// is half empty, and a load rewrites the same pages many times; a restore
/// writes each key once, in order (a million claims: 2,090 MB to 1,081 MB).
/// Refused while a process has the database open; needs room beside it for
/// the backup and the copy. Killed before the swap, it leaves the database
/// as it was (and a backup beside it, `PATH.vacuum-backup`).
pub fn vacuum(path: &Path, options: OpenOptions) -> Result<Vacuumed> {
    if options.read_only {
        return Err(Error::Invalid {
            what: "vacuum",
            message: format!(
                "{} is open read-only (--read-only): a vacuum rewrites it",
                path.display()
            ),
        });
    }
    if !SledEngine::exists_at(path) {
        return Err(Error::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other("holds no claimdb database"),
        });
    }
    let bytes_before = folder_bytes(path)?;
    let backup = beside(path, ".vacuum-backup");
    let scan = options
        .seed(false)
        .cache_bytes(crate::store::SCAN_CACHE_BYTES);
    // Opened as any open is: a database another process holds is waited
    // for up to the busy timeout, then refused.
    Db::open_with(path, scan)?.backup(&backup)?;
    // sled's threads may hold its file a moment after the handle closes:
    // the restore would take that for another process.
    let restored = SledEngine::wait_until_free(path, options.busy_timeout)
        .and_then(|()| restore(&backup, path, options.seed(false)));
    let _ = std::fs::remove_file(&backup);
    let restored = restored?;
    if let Some(old) = &restored.replaced {
        std::fs::remove_dir_all(old).map_err(io(old))?;
    }
    Ok(Vacuumed {
        claims: restored.claims,
        bytes_before,
        bytes_after: folder_bytes(path)?,
    })
}

/// The bytes of the files in the folder `path` and its folders.
fn folder_bytes(path: &Path) -> Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(path).map_err(io(path))? {
        let entry = entry.map_err(io(path))?;
        let meta = entry.metadata().map_err(io(&entry.path()))?;
        total += match meta.is_dir() {
            true => folder_bytes(&entry.path())?,
            false => meta.len(),
        };
    }
    Ok(total)
}
