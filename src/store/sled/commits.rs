//! What claimdb committed, kept beside sled, so that a database that comes
//! back shorter than it was is refused instead of read as a smaller one.
//!
//! sled checks each message of its log, and reads a damaged or cut log as a
//! log that ends at the damage: every commit after it is gone, without an
//! error. So claimdb numbers its commits itself. Each sled transaction also
//! writes its number into `meta` (`commit` below), and once the commit is
//! durable the number and the claim count it left are written to
//! `claimdb.commits`, a small file outside sled's log. On open the two are
//! compared: the database may be one commit ahead of the record (killed
//! between the commit and the record), never behind it. Behind means
//! commits that were reported as done are missing, and the open is refused
//! with what is missing.
//!
//! The file holds two slots of 32 bytes, each with its own checksum; commit
//! `n` is written to slot `n % 2`, so a write torn by a crash leaves the
//! other slot, one commit older, readable.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;

/// The file's name in the database folder.
pub(crate) const FILE: &str = "claimdb.commits";

/// The meta key of the commit number sled holds.
pub(crate) const META_KEY: &[u8] = b"commit";

const MAGIC: &[u8; 4] = b"cdbc";
const SLOT: usize = 32;

/// A commit: its number and how many claims the database held after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Mark {
    pub(crate) commit: u64,
    pub(crate) claims: u64,
}

impl Mark {
    fn encode(self) -> [u8; SLOT] {
        let mut slot = [0u8; SLOT];
        slot[..4].copy_from_slice(MAGIC);
        slot[4..12].copy_from_slice(&self.commit.to_le_bytes());
        slot[12..20].copy_from_slice(&self.claims.to_le_bytes());
        let sum = crc32fast::hash(&slot[..20]);
        slot[20..24].copy_from_slice(&sum.to_le_bytes());
        slot
    }

    fn decode(slot: &[u8]) -> Option<Mark> {
        if slot.len() < 24 || &slot[..4] != MAGIC {
            return None;
        }
        let sum = u32::from_le_bytes(slot[20..24].try_into().ok()?);
        if crc32fast::hash(&slot[..20]) != sum {
            return None;
        }
        Some(Mark {
            commit: u64::from_le_bytes(slot[4..12].try_into().ok()?),
            claims: u64::from_le_bytes(slot[12..20].try_into().ok()?),
        })
    }
}

/// What the record file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Recorded {
    /// No file: a new database, or one made before claimdb kept the record.
    Nothing,
    /// The newest readable slot.
    Mark(Mark),
    /// A file with no readable slot.
    Unreadable,
}

/// Reads the record of the database in `dir`.
pub(crate) fn read(dir: &Path) -> io::Result<Recorded> {
    let bytes = match std::fs::read(dir.join(FILE)) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Recorded::Nothing),
        Err(e) => return Err(e),
    };
    let newest = bytes
        .chunks(SLOT)
        .take(2)
        .filter_map(Mark::decode)
        .max_by_key(|m| m.commit);
    Ok(newest.map_or(Recorded::Unreadable, Recorded::Mark))
}

/// The record file, open for writing.
#[derive(Debug)]
pub(crate) struct Record {
    file: File,
    /// fdatasync each write (the database's durability asks for it).
    sync: bool,
}

impl Record {
    /// Opens (creating) the record of the database in `dir`.
    pub(crate) fn open(dir: &Path, sync: bool) -> io::Result<Record> {
        let path = dir.join(FILE);
        let created = !path.exists();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        if created && sync {
            // The folder's entry for the new file must outlive a power loss.
            File::open(dir)?.sync_all()?;
        }
        Ok(Record { file, sync })
    }

    /// Records `mark` as the newest durable commit.
    pub(crate) fn write(&self, mark: Mark) -> io::Result<()> {
        let at = (mark.commit % 2) * SLOT as u64;
        self.file.write_all_at(&mark.encode(), at)?;
        self.synced()
    }

    /// Records `mark` in both slots: the database as it stands is accepted
    /// as what was committed (after a repair that could not bring back what
    /// was lost, or a restore).
    pub(crate) fn reset(&self, mark: Mark) -> io::Result<()> {
        let slot = mark.encode();
        let mut both = [0u8; 2 * SLOT];
        both[..SLOT].copy_from_slice(&slot);
        both[SLOT..].copy_from_slice(&slot);
        self.file.write_all_at(&both, 0)?;
        self.synced()
    }

    fn synced(&self) -> io::Result<()> {
        if self.sync {
            self.file.sync_data()?;
        }
        Ok(())
    }
}

/// How the database compares with its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Agreement {
    /// As recorded, or one commit ahead (a crash between the two writes).
    Sound,
    /// Commits that were reported done are missing.
    Lost {
        /// The first and last missing commit.
        first: u64,
        last: u64,
        /// How many fewer claims the database holds than after the last.
        claims: u64,
    },
    /// The same commit, but not the same number of claims.
    Differs { recorded: u64, found: u64 },
    /// The database has commits but the record is gone or unreadable.
    NoRecord,
}

/// Compares what the database holds (`found`: its commit number, `None`
/// when it has none, and its claim count) with what was recorded.
pub(crate) fn compare(found: Option<Mark>, recorded: Recorded) -> Agreement {
    let found_commit = found.map_or(0, |m| m.commit);
    let found_claims = found.map_or(0, |m| m.claims);
    match recorded {
        Recorded::Nothing | Recorded::Unreadable if found_commit > 0 => Agreement::NoRecord,
        Recorded::Nothing | Recorded::Unreadable => Agreement::Sound,
        Recorded::Mark(r) if found_commit < r.commit => Agreement::Lost {
            first: found_commit + 1,
            last: r.commit,
            claims: r.claims.saturating_sub(found_claims),
        },
        Recorded::Mark(r) if found_commit == r.commit && found_claims != r.claims => {
            Agreement::Differs {
                recorded: r.claims,
                found: found_claims,
            }
        }
        Recorded::Mark(_) => Agreement::Sound,
    }
}

impl Agreement {
    /// What is wrong, for a person (`None` when sound).
    pub(crate) fn describe(self, dir: &Path) -> Option<String> {
        let record = dir.join(FILE);
        Some(match self {
            Agreement::Sound => return None,
            Agreement::Lost {
                first,
                last,
                claims,
            } => {
                let commits = if first == last {
                    format!("commit {first}")
                } else {
                    format!("commits {first}–{last}")
                };
                let claims = match claims {
                    0 => String::new(),
                    1 => ", at least 1 claim".to_string(),
                    n => format!(", at least {n} claims"),
                };
                format!(
                    "the database at {} lost {commits}{claims}: its files are damaged or were replaced by an older copy",
                    dir.display()
                )
            }
            Agreement::Differs { recorded, found } => format!(
                "the database at {} holds {found} claims where its last commit left {recorded}: its files are damaged",
                dir.display()
            ),
            Agreement::NoRecord => format!(
                "the commit record {} is missing or unreadable, so claimdb cannot tell whether the database lost commits",
                record.display()
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(commit: u64, claims: u64) -> Mark {
        Mark { commit, claims }
    }

    #[test]
    fn a_database_behind_its_record_lost_commits() {
        let cases = [
            (None, Recorded::Nothing, Agreement::Sound),
            (Some(mark(3, 9)), Recorded::Nothing, Agreement::NoRecord),
            (Some(mark(3, 9)), Recorded::Unreadable, Agreement::NoRecord),
            (
                Some(mark(3, 9)),
                Recorded::Mark(mark(3, 9)),
                Agreement::Sound,
            ),
            (
                Some(mark(4, 10)),
                Recorded::Mark(mark(3, 9)),
                Agreement::Sound,
            ),
            (
                Some(mark(3, 9)),
                Recorded::Mark(mark(3, 8)),
                Agreement::Differs {
                    recorded: 8,
                    found: 9,
                },
            ),
            (
                Some(mark(811, 10_000)),
                Recorded::Mark(mark(840, 12_000)),
                Agreement::Lost {
                    first: 812,
                    last: 840,
                    claims: 2_000,
                },
            ),
            (
                None,
                Recorded::Mark(mark(1, 61)),
                Agreement::Lost {
                    first: 1,
                    last: 1,
                    claims: 61,
                },
            ),
        ];
        for (found, recorded, expected) in cases {
            assert_eq!(compare(found, recorded), expected, "{found:?} {recorded:?}");
        }
        let lost = compare(Some(mark(811, 10_000)), Recorded::Mark(mark(840, 12_000)));
        assert_eq!(
            lost.describe(Path::new("c.db")).unwrap(),
            "the database at c.db lost commits 812–840, at least 2000 claims: its files are damaged or were replaced by an older copy"
        );
    }

    #[test]
    fn a_torn_slot_leaves_the_one_before() {
        let dir = tempfile::tempdir().unwrap();
        let record = Record::open(dir.path(), true).unwrap();
        assert_eq!(read(dir.path()).unwrap(), Recorded::Unreadable);
        record.write(mark(1, 5)).unwrap();
        record.write(mark(2, 7)).unwrap();
        assert_eq!(read(dir.path()).unwrap(), Recorded::Mark(mark(2, 7)));
        // Tear commit 2's slot: commit 1 is still readable.
        let mut bytes = std::fs::read(dir.path().join(FILE)).unwrap();
        bytes[5] ^= 0x40;
        std::fs::write(dir.path().join(FILE), &bytes).unwrap();
        assert_eq!(read(dir.path()).unwrap(), Recorded::Mark(mark(1, 5)));
        bytes[SLOT + 5] ^= 0x40;
        std::fs::write(dir.path().join(FILE), &bytes).unwrap();
        assert_eq!(read(dir.path()).unwrap(), Recorded::Unreadable);
        record.reset(mark(9, 3)).unwrap();
        assert_eq!(read(dir.path()).unwrap(), Recorded::Mark(mark(9, 3)));
    }
}
