//! Keeping a database sound: `claimdb verify [--repair [--accept-loss]]`,
//! `claimdb backup FILE` and `claimdb restore BACKUP`, here or through a
//! server (restore: here only).

use std::path::Path;

use claimdb::OpenOptions;

use claimdb::render::{plural, Format};

use crate::commands::from_server;
use crate::conn::Conn;
use crate::shell::Shell as Session;

/// `claimdb backup FILE`: true when the whole backup was written.
pub fn backup(session: &Session, file: &Path) -> bool {
    let written = match &session.conn {
        Conn::Local { db, .. } => db.backup(file).map(|summary| {
            format!(
                "wrote a backup of {} to {}: {} entries, {}",
                db.path().display(),
                file.display(),
                summary.entries,
                claimdb::limits::human_bytes(summary.bytes as usize)
            )
        }),
        Conn::Remote(r) => claimdb::write_atomically(file, |out| {
            let mut counted = Counted { out, bytes: 0 };
            r.client().backup(&mut counted)?;
            Ok(counted.bytes)
        })
        .map(|bytes| {
            format!(
                "wrote a backup of the server's database to {}: {}",
                file.display(),
                claimdb::limits::human_bytes(bytes)
            )
        }),
    };
    match written {
        Ok(said) => {
            eprintln!("{said}");
            true
        }
        Err(e) => {
            eprintln!("error: {e}");
            false
        }
    }
}

/// Counts the bytes written through it.
struct Counted<'a> {
    out: &'a mut std::fs::File,
    bytes: usize,
}

impl std::io::Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.bytes += n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// `claimdb vacuum`: true when the database at `path` was rewritten.
pub fn vacuum(path: &Path, options: OpenOptions) -> bool {
    match claimdb::vacuum(path, options) {
        Ok(done) => {
            eprintln!(
                "vacuumed {}: {} claims; {:.1} MB on disk, from {:.1} MB",
                path.display(),
                done.claims,
                done.bytes_after as f64 / 1e6,
                done.bytes_before as f64 / 1e6,
            );
            true
        }
        Err(e) => {
            eprintln!("error: cannot vacuum {}: {e}", path.display());
            false
        }
    }
}

/// `claimdb restore BACKUP`: true when the database at `into` is the
/// backup's.
pub fn restore(backup: &Path, into: &Path, options: OpenOptions) -> bool {
    match claimdb::restore(backup, into, options) {
        Ok(restored) => {
            eprintln!(
                "restored {} from {}: {} claims ({} entries)",
                into.display(),
                backup.display(),
                restored.claims,
                restored.backup.entries
            );
            if let Some(aside) = restored.replaced {
                eprintln!(
                    "the database that was there is kept at {} (delete it once you no longer need it)",
                    aside.display()
                );
            }
            true
        }
        Err(e) => {
            eprintln!("error: cannot restore {}: {e}", into.display());
            false
        }
    }
}

/// `claimdb verify [--repair [--accept-loss]]`: true when nothing is
/// (still) wrong.
pub fn verify(session: &Session, repair: bool, accept_loss: bool) -> bool {
    let (before, after) = match verify_reports(session, repair, accept_loss) {
        Ok(reports) => reports,
        Err(e) => {
            eprintln!("error: {e}");
            return false;
        }
    };
    let last = after.as_ref().unwrap_or(&before);
    if session.format != Format::Table {
        let json = serde_json::json!({ "found": before, "after_repair": after });
        let text = match session.format {
            Format::Json => serde_json::to_string_pretty(&json),
            _ => serde_json::to_string(&json),
        };
        crate::outln!("{}", text.unwrap_or_default());
        return last.is_ok();
    }
    crate::outln!(
        "checked {}, {}, {}, {}, {}: {}",
        plural(before.claims, "claim"),
        plural(before.speakers, "speaker"),
        plural(before.sources, "source"),
        plural(before.index_entries, "index entry"),
        plural(before.versions, "version"),
        match before.problems.len() {
            0 => "no problems".to_string(),
            n => plural(n as u64, "problem"),
        }
    );
    for p in &before.problems {
        let fix = if p.repairable {
            "repairable"
        } else {
            "not repairable"
        };
        crate::outln!("  {}: {} ({fix})", p.area, p.message);
    }
    if let Some(after) = &after {
        let mended = before.problems.len().saturating_sub(after.problems.len());
        crate::outln!(
            "repaired: rebuilt the indexes, names and counters; {mended} fixed, {} left",
            after.problems.len()
        );
        for p in &after.problems {
            crate::outln!("  still: {}: {}", p.area, p.message);
        }
        let lost: Vec<_> = before
            .problems
            .iter()
            .filter(|p| p.area == "commits")
            .collect();
        if !lost.is_empty() && after.problems.iter().all(|p| p.area != "commits") {
            crate::outln!(
                "accepted the loss: the database opens again as it stands; what was lost comes back only from a backup (`claimdb restore BACKUP`)"
            );
        } else if !lost.is_empty() {
            crate::outln!(
                "not mended: lost commits and claims come back only from a backup (`claimdb restore BACKUP`); `verify --repair --accept-loss` accepts the database as it stands"
            );
        }
    } else if !before.is_ok() && before.problems.iter().any(|p| p.repairable) {
        crate::outln!("run `claimdb verify --repair` to rebuild what can be derived");
    }
    last.is_ok()
}

/// The integrity check, and with `repair` the check after a repair (only
/// when something was wrong).
fn verify_reports(
    session: &Session,
    repair: bool,
    accept_loss: bool,
) -> claimdb::Result<(claimdb::VerifyReport, Option<claimdb::VerifyReport>)> {
    match &session.conn {
        Conn::Local { db, .. } => {
            let before = db.verify()?;
            let after = if repair && !before.is_ok() {
                let mut after = db.repair().map_err(|e| claimdb::Error::Invalid {
                    what: "repair",
                    message: format!("the repair failed, nothing was changed: {e}"),
                })?;
                let lost = after.problems.iter().any(|p| p.area == "commits");
                if lost && accept_loss {
                    db.accept_loss()?;
                    after = db.verify()?;
                }
                Some(after)
            } else {
                None
            };
            Ok((before, after))
        }
        Conn::Remote(_) if accept_loss => Err(claimdb::Error::Invalid {
            what: "verify",
            message: "--accept-loss works on a database opened here, not through a server".into(),
        }),
        Conn::Remote(r) => {
            let mut answer = r.client().verify(false)?;
            let before: claimdb::VerifyReport = from_server(answer["report"].take())?;
            if !repair || before.is_ok() {
                return Ok((before, None));
            }
            let mut answer = r.client().verify(true)?;
            Ok((before, from_server(answer["after_repair"].take())?))
        }
    }
}

/// `claimdb prune-history --before DATE`: true when pruned.
pub fn prune_history(session: &Session, before: &str) -> bool {
    let pruned = match &session.conn {
        Conn::Local { db, .. } => db.prune_history(before),
        Conn::Remote(_) => Err(claimdb::Error::Invalid {
            what: "prune-history",
            message: "it works on a database opened here, not through a server".into(),
        }),
    };
    match pruned {
        Ok(p) => {
            println!(
                "pruned {} stamped before {}; `as of` reaches back to {}",
                claimdb::error::plural(p.versions, "version"),
                p.horizon,
                p.horizon
            );
            true
        }
        Err(e) => {
            eprintln!("error: {e}");
            false
        }
    }
}

/// `claimdb copy FROM TO`: true when TO holds what FROM holds.
pub fn copy(from: &Path, to: &Path) -> bool {
    use std::io::IsTerminal;
    let source = match claimdb::Db::exists_at(from) {
        true => claimdb::Db::open_with(from, OpenOptions::new()),
        false => Err(claimdb::Error::Io {
            path: from.to_path_buf(),
            source: std::io::Error::other("holds no claimdb database"),
        }),
    };
    let copied = source.and_then(|source| {
        let target = claimdb::Db::open_with(to, OpenOptions::new())?;
        let terminal = std::io::stderr().is_terminal();
        source.copy_into(&target, &mut |n| {
            if terminal {
                eprint!("\rcopied {n} claims");
            }
        })
    });
    match copied {
        Ok(c) => {
            eprintln!(
                "{}copied {} to {}: {}, {}, {}, {}; the copy holds the same records",
                if std::io::stderr().is_terminal() {
                    "\r"
                } else {
                    ""
                },
                claimdb::Db::shown(from),
                claimdb::Db::shown(to),
                plural(c.claims, "claim"),
                plural(c.sources, "source"),
                plural(c.speakers, "speaker"),
                plural(c.tokens, "token")
            );
            true
        }
        Err(e) => {
            eprintln!(
                "error: cannot copy {} to {}: {e}",
                from.display(),
                to.display()
            );
            false
        }
    }
}
