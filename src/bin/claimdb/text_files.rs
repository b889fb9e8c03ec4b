//! What `check` says of sources whose text files were edited after their
//! text was read, and `check --reload`, which takes the edits.

use claimdb::error::quoted;
use claimdb::render::plural;
use claimdb::{CheckScope, FileChange, Status};

use crate::conn::Conn;
use crate::shell::Shell as Session;

/// Notes (stderr) the text files of the sources in `scope` that changed;
/// with `reload`, reads the changed ones again first. False when a reload
/// failed. (Through a server, the files are the server's: not looked at.)
pub fn check_files(session: &Session, scope: &CheckScope, reload: bool) -> bool {
    let Conn::Local { db, .. } = &session.conn else {
        if reload {
            eprintln!("error: --reload reads files on this machine: run it where the database is, not through a server");
            return false;
        }
        return true;
    };
    let changes = match db.text_file_changes(scope) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return false;
        }
    };
    let mut ok = true;
    for change in changes {
        let (id, file) = (quoted(&change.source), &change.file);
        match (&change.change, reload) {
            (FileChange::Changed, true) => match db.reload_source_text(&change.source) {
                Ok(report) => {
                    let broken = report.iter().filter(|r| r.after == Status::Broken).count();
                    eprintln!(
                        "reloaded source {id} from {file}: {} re-anchored, {broken} broken",
                        plural(report.len() as u64, "claim")
                    );
                }
                Err(e) => {
                    eprintln!("error: cannot reload source {id} from {file}: {e}");
                    ok = false;
                }
            },
            (FileChange::Changed, false) => eprintln!(
                "note: the text file of source {id} changed since its text was read ({file}); the claims are checked against the stored text: `claimdb check --reload` or `claimdb update-source {} {file}` takes the change",
                change.source
            ),
            (FileChange::Missing, _) => eprintln!(
                "note: the text file of source {id} is gone ({file}); the claims are checked against the stored text"
            ),
            (FileChange::Unreadable { reason }, _) => eprintln!(
                "note: the text file of source {id} cannot be read ({reason}); the claims are checked against the stored text"
            ),
        }
    }
    ok
}
