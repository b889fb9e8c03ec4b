//! A backup: every entry of every tree, exactly as stored, in one file
//! that says when it is damaged.
//!
//! A dump (`export`) is for people and other programs; a backup is for
//! getting the same database back: claim ids, id counters, tokens, the
//! commit number and every derived table come back byte for byte, so a
//! claim cited as "claim 812" is claim 812 again after a restore. The
//! entries are written from one read view, so the copy is one consistent
//! state of the database however long it takes.
//!
//! Layout: the line `claimdb-backup 1`, then per entry a tree number (one
//! byte), the key and the value (each a u32 length, little-endian, and
//! the bytes), then an end frame: 0xFF, the number of entries (u64) and a
//! CRC-32 of everything before it (u32). A backup cut short, or with a
//! byte changed anywhere, is refused whole.

use std::io::{Read, Write};
use std::ops::Bound;

use super::{KvRead, T, TREES};
use crate::error::{Error, Result};

const MAGIC: &[u8] = b"claimdb-backup 1\n";
const END: u8 = 0xFF;
/// No key or value claimdb writes comes near this; a larger length is
/// damage, refused before anything is allocated for it.
const MAX_LENGTH: u32 = 1 << 30;

/// What a backup holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BackupSummary {
    /// Entries of every tree.
    pub entries: u64,
    /// Bytes of the backup file.
    pub bytes: u64,
}

/// Counts and checksums what passes through.
struct Summing<W> {
    inner: W,
    crc: crc32fast::Hasher,
    bytes: u64,
}

impl<W: Write> Summing<W> {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.crc.update(bytes);
        self.bytes += bytes.len() as u64;
        self.inner.write_all(bytes)
    }
}

/// Writes every entry of every tree `kv` holds to `out`.
pub(crate) fn write(kv: &dyn KvRead, out: &mut dyn Write) -> Result<BackupSummary> {
    let io = |e: std::io::Error| Error::Io {
        path: "the backup".into(),
        source: e,
    };
    let mut out = Summing {
        inner: std::io::BufWriter::new(out),
        crc: crc32fast::Hasher::new(),
        bytes: 0,
    };
    out.put(MAGIC).map_err(io)?;
    let mut entries = 0u64;
    for (number, &tree) in TREES.iter().enumerate() {
        for entry in kv.range(tree, Bound::Unbounded, Bound::Unbounded) {
            let (key, value) = entry?;
            out.put(&[number as u8]).map_err(io)?;
            for part in [&key, &value] {
                out.put(&(part.len() as u32).to_le_bytes()).map_err(io)?;
                out.put(part).map_err(io)?;
            }
            entries += 1;
        }
    }
    out.put(&[END]).map_err(io)?;
    out.put(&entries.to_le_bytes()).map_err(io)?;
    let sum = out.crc.clone().finalize();
    out.put(&sum.to_le_bytes()).map_err(io)?;
    out.inner.flush().map_err(io)?;
    Ok(BackupSummary {
        entries,
        bytes: out.bytes,
    })
}

/// Reads a backup's bytes, checksumming them.
struct Reading<R> {
    input: R,
    crc: crc32fast::Hasher,
    bytes: u64,
}

fn damaged(what: &str) -> Error {
    Error::Corrupt(format!(
        "the backup is damaged or is not a claimdb backup: {what}"
    ))
}

fn read_error(e: std::io::Error) -> Error {
    Error::Io {
        path: "the backup".into(),
        source: e,
    }
}

impl<R: Read> Reading<R> {
    fn take(&mut self, n: usize) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; n];
        self.input
            .read_exact(&mut buf)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::UnexpectedEof => damaged("it ends too early (cut short?)"),
                _ => read_error(e),
            })?;
        self.crc.update(&buf);
        self.bytes += n as u64;
        Ok(buf)
    }

    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
}

/// Reads a backup, handing its entries to `put` in batches of about
/// `batch` bytes; fails (after some batches, perhaps) when the backup is
/// not whole, so the caller writes into a database that replaces nothing
/// until this returns.
#[allow(clippy::type_complexity)]
pub(crate) fn read(
    input: &mut dyn Read,
    batch: usize,
    put: &mut dyn FnMut(Vec<(T, Vec<u8>, Vec<u8>)>) -> Result<()>,
) -> Result<BackupSummary> {
    let mut r = Reading {
        input: std::io::BufReader::new(input),
        crc: crc32fast::Hasher::new(),
        bytes: 0,
    };
    if r.take(MAGIC.len()).ok().as_deref() != Some(MAGIC) {
        return Err(damaged("it does not start with `claimdb-backup 1`"));
    }
    let mut pending = Vec::new();
    let mut pending_bytes = 0;
    let mut entries = 0u64;
    loop {
        let tree = r.take(1)?[0];
        if tree == END {
            break;
        }
        let tree = *TREES
            .get(tree as usize)
            .ok_or_else(|| damaged(&format!("entry {} names no tree", entries + 1)))?;
        let mut parts = Vec::with_capacity(2);
        for _ in 0..2 {
            let len = r.u32()?;
            if len > MAX_LENGTH {
                return Err(damaged(&format!(
                    "entry {} is {len} bytes long",
                    entries + 1
                )));
            }
            parts.push(r.take(len as usize)?);
        }
        let value = parts.pop().expect("two parts");
        let key = parts.pop().expect("two parts");
        pending_bytes += key.len() + value.len();
        pending.push((tree, key, value));
        entries += 1;
        if pending_bytes >= batch {
            put(std::mem::take(&mut pending))?;
            pending_bytes = 0;
        }
    }
    let count = u64::from_le_bytes(r.take(8)?.try_into().expect("8 bytes"));
    let expected = r.crc.clone().finalize();
    let sum = r.u32()?;
    if count != entries || sum != expected {
        return Err(damaged("its checksum does not match what it holds"));
    }
    if r.input.read(&mut [0u8; 1]).map_err(read_error)? != 0 {
        return Err(damaged("there is more after its end"));
    }
    if !pending.is_empty() {
        put(pending)?;
    }
    Ok(BackupSummary {
        entries,
        bytes: r.bytes,
    })
}
