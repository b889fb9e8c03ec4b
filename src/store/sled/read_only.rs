//! Reading a database without writing a byte to it: `--read-only`.
//!
//! sled cannot open a database without its lock and without writing (it
//! recovers its log, and writes while it reads), so a read-only open reads
//! a private copy instead: the files are copied into a temporary folder
//! (the commit record first, so the copy is never behind its record), the
//! copy is opened, and every write is refused. The original is never
//! locked or changed, so it can sit on a read-only mount or a full disk,
//! and a writer's process may hold it meanwhile. A copy taken while that
//! writer commits can catch a segment mid-write; then it is taken again,
//! up to three times.
//!
//! The copy goes to `/dev/shm` when there is one (memory: a full disk does
//! not stop it), else to the temporary folder; it is removed when the
//! database is closed.

use std::path::Path;

use super::commits;
use crate::error::{Error, Result};

/// Copies the database at `path` into a new temporary folder.
pub(super) fn copy(path: &Path) -> Result<tempfile::TempDir> {
    let io = |source: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    if !super::SledEngine::exists_at(path) {
        return Err(io(std::io::Error::other(
            "holds no claimdb database (a read-only open creates nothing)",
        )));
    }
    let shm = Path::new("/dev/shm");
    let places = [shm.is_dir().then_some(shm), Some(&*std::env::temp_dir())];
    let mut last = None;
    for place in places.into_iter().flatten() {
        let copy = match tempfile::Builder::new()
            .prefix("claimdb-read-")
            .tempdir_in(place)
        {
            Ok(dir) => dir,
            Err(e) => {
                last = Some(e);
                continue;
            }
        };
        match copy_files(path, copy.path()) {
            Ok(()) => return Ok(copy),
            Err(e) => last = Some(e),
        }
    }
    Err(Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(format!(
            "cannot copy it to read it without writing to it: {}",
            last.map_or("no temporary folder".to_string(), |e| e.to_string())
        )),
    })
}

/// The record first, then sled's files and blobs.
fn copy_files(from: &Path, to: &Path) -> std::io::Result<()> {
    let record = from.join(commits::FILE);
    if record.exists() {
        std::fs::copy(&record, to.join(commits::FILE))?;
    }
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == commits::FILE {
            continue;
        }
        if entry.file_type()?.is_dir() {
            std::fs::create_dir(to.join(&name))?;
            for inner in std::fs::read_dir(entry.path())? {
                let inner = inner?;
                std::fs::copy(inner.path(), to.join(&name).join(inner.file_name()))?;
            }
        } else {
            std::fs::copy(entry.path(), to.join(&name))?;
        }
    }
    Ok(())
}
