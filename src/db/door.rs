//! The door of a database held open by a process: how another `claimdb`
//! on the same machine reaches it instead of waiting for the lock.
//!
//! A process that keeps a database open (the interactive shell, `claimdb
//! serve`) serves it on a loopback port and writes `claimdb.door` in the
//! database's folder: the address, a secret made for this process, and its
//! id, readable by the folder's owner only. A second `claimdb` on the same
//! database finds the door and runs through that process with the secret;
//! anyone who cannot read the file cannot use the door.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// The door file's name, in the database's folder.
pub const DOOR_FILE: &str = "claimdb.door";

/// What a door file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Door {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The secret the process takes as an admin token.
    pub secret: String,
    /// The process holding the database.
    pub pid: u32,
}

/// Writes the door of the database in `folder` (readable by its owner only).
pub fn write_door(folder: &Path, door: &Door) -> Result<()> {
    let path = folder.join(DOOR_FILE);
    let io = |source| Error::Io {
        path: path.clone(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).map_err(io)?;
    writeln!(file, "{}\n{}\n{}", door.url, door.secret, door.pid).map_err(io)?;
    file.sync_all().map_err(io)
}

/// The door of the database in `folder`, if a process left one.
pub fn read_door(folder: &Path) -> Option<Door> {
    let text = std::fs::read_to_string(folder.join(DOOR_FILE)).ok()?;
    let mut lines = text.lines();
    let url = lines.next()?.trim().to_string();
    let secret = lines.next()?.trim().to_string();
    let pid = lines.next()?.trim().parse().ok()?;
    url.starts_with("http://127.0.0.1:")
        .then_some(Door { url, secret, pid })
}

/// Removes the door of the database in `folder` if it is this process's.
pub fn remove_door(folder: &Path) {
    if read_door(folder).is_some_and(|d| d.pid == std::process::id()) {
        let _ = std::fs::remove_file(folder.join(DOOR_FILE));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_door_reads_back_and_only_its_owner_removes_it() {
        let dir = tempfile::tempdir().unwrap();
        let door = Door {
            url: "http://127.0.0.1:4242".into(),
            secret: "s3cret".into(),
            pid: std::process::id(),
        };
        write_door(dir.path(), &door).unwrap();
        assert_eq!(read_door(dir.path()), Some(door.clone()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(DOOR_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Another process's door stays.
        write_door(
            dir.path(),
            &Door {
                pid: door.pid + 1,
                ..door.clone()
            },
        )
        .unwrap();
        remove_door(dir.path());
        assert!(read_door(dir.path()).is_some());
        write_door(dir.path(), &door).unwrap();
        remove_door(dir.path());
        assert!(read_door(dir.path()).is_none());
        // A door that points anywhere but loopback is not a door.
        std::fs::write(dir.path().join(DOOR_FILE), "http://10.0.0.1:80\nx\n1\n").unwrap();
        assert!(read_door(dir.path()).is_none());
    }
}
