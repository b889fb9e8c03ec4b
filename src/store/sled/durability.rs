//! Making a flushed write survive a power loss, not only a killed process.
//!
//! sled's `flush()` writes its log with `sync_file_range`, which puts the
//! bytes in the drive's queue but, unlike `fsync`, neither forces the drive's
//! cache nor records the file's new size; sled calls `fsync` only from its
//! background flusher, every 500 ms. Values too large for the log go to files
//! of their own under `blobs/`, which sled never syncs at all. So a write
//! that `flush()` returned for survives `kill -9` but may not survive the
//! power going out.
//!
//! With [`Durability::PowerLoss`] (the default), every flush is followed by
//! `fdatasync` of the log file, of each blob file not synced yet, and of the
//! blob directory when it gained a file: only then is a write reported.
//! [`Durability::ProcessCrash`] skips that, for bulk loads that can be re-run;
//! `benches/durability.rs` measures what each costs.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What a reported write survives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Durability {
    /// A killed process, a kernel crash and a power loss: each write is
    /// fsynced before it is reported.
    #[default]
    PowerLoss,
    /// A killed process only: the operating system decides when the bytes
    /// reach the disk (sled's flush, no fsync).
    ProcessCrash,
}

/// Syncs what sled wrote for a database directory.
#[derive(Debug)]
pub(super) struct Syncer {
    log: File,
    blob_dir: PathBuf,
    /// Blob files known to be on disk already.
    synced_blobs: Mutex<HashSet<OsString>>,
}

impl Syncer {
    /// Opens the log file of the sled database in `dir`; the blobs present
    /// now were synced by whoever wrote them.
    pub(super) fn new(dir: &Path) -> io::Result<Syncer> {
        let log = File::open(dir.join("db"))?;
        let blob_dir = dir.join("blobs");
        let synced_blobs = Mutex::new(blob_names(&blob_dir)?.into_iter().collect());
        // The directory's own entries (conf, db, blobs) must outlive a power
        // loss too; they change only when the database is created.
        File::open(dir)?.sync_all()?;
        Ok(Syncer {
            log,
            blob_dir,
            synced_blobs,
        })
    }

    /// fdatasync of everything sled may have left only in the page cache.
    pub(super) fn sync(&self) -> io::Result<()> {
        self.log.sync_data()?;
        let mut synced = self
            .synced_blobs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut new_entries = false;
        for name in blob_names(&self.blob_dir)? {
            if synced.contains(&name) {
                continue;
            }
            match File::open(self.blob_dir.join(&name)) {
                Ok(f) => f.sync_data()?,
                // Collected by sled since the directory was read.
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            }
            synced.insert(name);
            new_entries = true;
        }
        if new_entries {
            File::open(&self.blob_dir)?.sync_all()?;
        }
        Ok(())
    }
}

fn blob_names(dir: &Path) -> io::Result<Vec<OsString>> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.map(|e| e.file_name())).collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}
