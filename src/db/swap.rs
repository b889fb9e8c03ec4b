//! Putting a restored database in place of another, with no moment when
//! neither is there.
//!
//! Two renames (the old folder aside, the new one in) leave a moment
//! between them when the path holds nothing: a process killed then leaves
//! the user's data only under the aside name. On Linux, `renameat2` with
//! `RENAME_EXCHANGE` swaps two paths in one step. So the new folder is
//! first renamed to the name the old one will keep, then the two are
//! exchanged: a kill before the exchange leaves the old database in place
//! (and the new one, complete and verified, beside it under that name), a
//! kill after it leaves the new one in place and the old beside it. A file
//! system without the exchange (or another system) gets the two renames.

use std::path::Path;

use crate::error::{Error, Result};

/// Moves the folder at `path` to `aside` and the folder `new` to `path`;
/// whether it was done in one step.
pub(crate) fn swap_in(new: &Path, path: &Path, aside: &Path) -> Result<bool> {
    std::fs::rename(new, aside).map_err(io(aside))?;
    if exchange(aside, path).map_err(io(path))? {
        return Ok(true);
    }
    // The two renames: the new folder back where it was, the old aside,
    // the new in.
    std::fs::rename(aside, new).map_err(io(new))?;
    std::fs::rename(path, aside).map_err(io(path))?;
    std::fs::rename(new, path).map_err(io(path))?;
    Ok(false)
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Exchanges the paths `a` and `b`, both of which exist, atomically;
/// `false` when the system or the file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are NUL-terminated paths that live across the call;
    // renameat2 reads them and keeps no pointer.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if done == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The new folder ends at the path, the old one aside, each whole; on
    /// Linux's usual file systems in one step.
    #[test]
    fn a_swap_puts_the_new_folder_in_and_keeps_the_old_aside() {
        let dir = tempfile::tempdir().unwrap();
        let (new, path, aside) = (
            dir.path().join("db.restoring"),
            dir.path().join("db"),
            dir.path().join("db.before-restore-1"),
        );
        for (folder, says) in [(&new, "new"), (&path, "old")] {
            std::fs::create_dir(folder).unwrap();
            std::fs::write(folder.join("data"), says).unwrap();
        }
        let one_step = swap_in(&new, &path, &aside).unwrap();
        assert_eq!(std::fs::read_to_string(path.join("data")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(aside.join("data")).unwrap(), "old");
        assert!(!new.exists());
        assert_eq!(one_step, cfg!(target_os = "linux"));
    }
}
