//! The documented limits, and the one bounded way to read a text file.
//!
//! claimdb takes input from people and from programs, and some of it is
//! hostile or simply wrong: a `text_file` that names `/dev/zero`, a quote that
//! is a whole book, a generated condition with forty thousand `or` terms. Each
//! such input meets a limit here, with an error that names the limit, instead
//! of running the machine out of memory or stack. The book lists them
//! (docs/src/safety.md).

use std::io::Read;
use std::path::Path;

pub use crate::cite::MAX_QUOTE_BYTES;
use crate::error::{Error, Result};
pub use crate::text::human_bytes;

/// The largest source text claimdb holds (bytes): a long book is 2 MB.
pub const MAX_SOURCE_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// The longest statement the parser reads (bytes): room for a source's text
/// written inline in `add source ... text = "..."`.
pub const MAX_STATEMENT_BYTES: usize = MAX_SOURCE_TEXT_BYTES + 64 * 1024;

/// The most comparisons (terms joined by `and`, `or`, `not`) one condition
/// may hold. Every pass over a condition is recursive; this bound keeps the
/// deepest one far inside a 2 MiB thread stack. `in (...)` takes any number
/// of values in one term.
pub const MAX_CONDITION_TERMS: usize = 1_000;

/// The longest free-text field of a record (bytes): a claim's statement
/// and rationale, a source's title, author, publisher, date, url and
/// notes, a speaker's description. Every value a record holds is checked
/// against its limit when it is written, so that whatever is stored can
/// be read back (a reader refuses a record over 16 MiB as damage).
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

/// The longest name (bytes): a speaker's name or alias, a tag.
pub const MAX_NAME_BYTES: usize = 256;

/// The most tags one claim holds.
pub const MAX_TAGS: usize = 100;

/// The most aliases one speaker holds.
pub const MAX_ALIASES: usize = 100;

/// How deeply `.read` may nest script files (a script that reads itself
/// stops here).
pub const MAX_READ_DEPTH: usize = 16;

/// The largest script file (`claimdb run`, `.read`) claimdb reads.
pub const MAX_SCRIPT_BYTES: usize = MAX_STATEMENT_BYTES;

/// Reads the bytes of a file a person or a program named, at most `limit`
/// of them. Only a regular file is read: a directory, a named pipe (which
/// would wait for a writer forever), a device (`/dev/zero` never ends) or a
/// socket is refused before it is opened.
pub fn read_file_bytes(path: &Path, limit: usize) -> Result<Vec<u8>> {
    let io = |source: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = open_regular_file(path)?;
    let mut bytes = Vec::new();
    file.take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > limit {
        return Err(io(std::io::Error::other(format!(
            "is larger than the limit of {}",
            human_bytes(limit)
        ))));
    }
    Ok(bytes)
}

/// Opens a file a person or a program named for reading, refusing what is
/// not a regular file (see [`read_file_bytes`]).
pub fn open_regular_file(path: &Path) -> Result<std::fs::File> {
    let io = |source: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let kind = std::fs::metadata(path).map_err(io)?.file_type();
    if kind.is_dir() {
        return Err(io(std::io::Error::other("is a directory, not a text file")));
    }
    if !kind.is_file() {
        return Err(io(std::io::Error::other(
            "is not a regular file (a pipe, a device or a socket): claimdb reads files",
        )));
    }
    std::fs::File::open(path).map_err(io)
}

/// `path` made absolute (not resolving links), as text: what a record
/// remembers of a file it read; `None` when it is not UTF-8.
pub fn absolute_display(path: &Path) -> Option<String> {
    std::path::absolute(path).ok()?.to_str().map(str::to_string)
}

/// Reads a UTF-8 text file of at most `limit` bytes ([`read_file_bytes`]);
/// bytes that are not UTF-8 are refused with the line and column of the
/// first bad one.
pub fn read_text_file(path: &Path, limit: usize) -> Result<String> {
    let bytes = read_file_bytes(path, limit).map_err(|e| match e {
        Error::Io { path, source } if source.to_string().starts_with("is larger than") => {
            Error::Io {
                path,
                source: std::io::Error::other(format!("{source} for a text")),
            }
        }
        other => other,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let good = &e.as_bytes()[..at];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        Error::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(format!(
                "is not UTF-8 text: an invalid byte at line {line}, column {column} (offset {at})"
            )),
        }
    })
}

/// Refuses a text longer than `limit` bytes, naming `what` it is.
pub fn check_len(what: &'static str, text: &str, limit: usize) -> Result<()> {
    if text.len() > limit {
        return Err(Error::invalid(
            what,
            format!(
                "{} long, over the limit of {}",
                human_bytes(text.len()),
                human_bytes(limit)
            ),
        ));
    }
    Ok(())
}

/// Refuses a free-text field over [`MAX_FIELD_BYTES`].
pub fn check_field(what: &'static str, text: &str) -> Result<()> {
    check_len(what, text, MAX_FIELD_BYTES)
}

/// Refuses a name over [`MAX_NAME_BYTES`], or holding a NUL.
pub fn check_name(what: &'static str, name: &str) -> Result<()> {
    check_len(what, name, MAX_NAME_BYTES)?;
    if name.contains('\0') {
        return Err(Error::invalid(what, "a name may not hold a NUL character"));
    }
    Ok(())
}

/// Refuses more than `limit` items of `what`.
pub fn check_count(what: &'static str, n: usize, limit: usize) -> Result<()> {
    if n > limit {
        return Err(Error::invalid(
            what,
            format!("{n} of them, over the limit of {limit}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_reads_refuse_devices_directories_and_binary() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_text_file(Path::new("/dev/zero"), 1024).unwrap_err();
        assert_eq!(
            e.to_string(),
            "/dev/zero: is not a regular file (a pipe, a device or a socket): claimdb reads files"
        );
        let big = dir.path().join("big.txt");
        std::fs::write(&big, "x".repeat(1025)).unwrap();
        let e = read_text_file(&big, 1024).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("is larger than the limit of 1 KiB for a text"),
            "{e}"
        );
        let e = read_text_file(dir.path(), 1024).unwrap_err();
        assert!(e.to_string().ends_with("is a directory, not a text file"));
        let bin = dir.path().join("b.bin");
        std::fs::write(&bin, b"ok\xff\xfe").unwrap();
        let e = read_text_file(&bin, 1024).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("an invalid byte at line 1, column 3 (offset 2)"),
            "{e}"
        );
        std::fs::write(&bin, "fine").unwrap();
        assert_eq!(read_text_file(&bin, 4).unwrap(), "fine");
    }
}
