//! The documented limits, and the one bounded way to read a text file.
//!
//! claimdb takes input from people and from programs, and some of it is
//! hostile or simply wrong: a `text_file` that names `/dev/zero`, a quote that
//! is a whole book, a generated condition with forty thousand `or` terms. Each
//! such input meets a limit here, with an error that names the limit, instead
//! of running the machine out of memory or stack. The README lists them.

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

/// Reads a UTF-8 text file of at most `limit` bytes. A directory, a file
/// that is larger (or a device that never ends), and bytes that are not
/// UTF-8 are refused with the path and what is wrong.
pub fn read_text_file(path: &Path, limit: usize) -> Result<String> {
    let io = |source: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    if file.metadata().map_err(io)?.is_dir() {
        return Err(io(std::io::Error::other("is a directory, not a text file")));
    }
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > limit {
        return Err(io(std::io::Error::other(format!(
            "is larger than the limit of {} for a text",
            human_bytes(limit)
        ))));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        io(std::io::Error::other(format!(
            "is not UTF-8 text (invalid byte at offset {at})"
        )))
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
            "/dev/zero: is larger than the limit of 1 KiB for a text"
        );
        let e = read_text_file(dir.path(), 1024).unwrap_err();
        assert!(e.to_string().ends_with("is a directory, not a text file"));
        let bin = dir.path().join("b.bin");
        std::fs::write(&bin, b"ok\xff\xfe").unwrap();
        let e = read_text_file(&bin, 1024).unwrap_err();
        assert!(e.to_string().ends_with("(invalid byte at offset 2)"), "{e}");
        std::fs::write(&bin, "fine").unwrap();
        assert_eq!(read_text_file(&bin, 4).unwrap(), "fine");
    }
}
