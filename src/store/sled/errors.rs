//! sled's errors in claimdb's words: what opening a database can meet,
//! and every other error of the engine, without its debug text.

use std::path::Path;

use super::ENGINE_FAILED;
use crate::error::{is_disk_full, Error, StorageError, StorageErrorKind};
use std::sync::atomic::Ordering;

pub(super) fn open_error(path: &Path, e: sled::Error) -> Error {
    match e {
        sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => Error::Locked {
            path: path.to_path_buf(),
            waited_ms: 0,
        },
        sled::Error::Io(io) if is_disk_full(&io) => Error::Storage(StorageError::io(&io)),
        sled::Error::Io(io) => Error::Io {
            path: path.to_path_buf(),
            source: io,
        },
        // claimdb has only ever written one version of sled's files: a
        // setting the engine does not accept is a damaged settings file.
        sled::Error::Unsupported(what) => Error::Storage(StorageError::new(
            StorageErrorKind::Corrupt,
            format!(
                "the database files at {} are damaged: the engine refuses its settings file ({what})",
                path.display()
            ),
        )),
        other => other.into(),
    }
}

/// sled's errors in engine-neutral words (its own `Display` prints Rust
/// debug text such as `file offset None backtrace ()`).
impl From<sled::Error> for Error {
    fn from(e: sled::Error) -> Error {
        if !matches!(
            e,
            sled::Error::CollectionNotFound(_) | sled::Error::Unsupported(_)
        ) {
            ENGINE_FAILED.store(true, Ordering::Relaxed);
        }
        Error::Storage(match e {
            sled::Error::Io(io) => StorageError::io(&io),
            sled::Error::Corruption { .. } => StorageError::new(
                StorageErrorKind::Corrupt,
                "the database files are damaged or incomplete (the engine read corrupted data)",
            ),
            sled::Error::CollectionNotFound(name) => StorageError::new(
                StorageErrorKind::Corrupt,
                format!("a tree is missing: {}", String::from_utf8_lossy(&name)),
            ),
            sled::Error::Unsupported(what) => StorageError::new(StorageErrorKind::Other, what),
            sled::Error::ReportableBug(what) => StorageError::new(
                StorageErrorKind::Other,
                format!("the storage engine failed: {what}"),
            ),
        })
    }
}

impl From<sled::transaction::UnabortableTransactionError> for Error {
    fn from(e: sled::transaction::UnabortableTransactionError) -> Error {
        match e {
            sled::transaction::UnabortableTransactionError::Storage(e) => e.into(),
            sled::transaction::UnabortableTransactionError::Conflict => {
                Error::Storage(StorageError::new(
                    StorageErrorKind::Other,
                    "a transaction conflicted with another",
                ))
            }
        }
    }
}
