//! An import's files, read as streams of rows. An import reads its files
//! more than once (what claims refer to goes in first: sources and
//! speakers, then claims, then a dump's versions), each time from the
//! start and a line at a time, so that memory does not grow with the
//! file: a JSON Lines file is read line by line, a CSV file record by
//! record. Only a ClaimReview feed (one JSON document holding the
//! reviews, as fact-checkers publish them) is read whole, since a JSON
//! document has no lines to stop at; such feeds are small.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::read::{self, InputFormat, Numbered, Row};
use super::{claimreview, spreadsheet};
use crate::error::{Error, Result};
use crate::limits::MAX_SOURCE_TEXT_BYTES;

/// The largest file tried as a ClaimReview feed (one JSON document, read
/// whole).
const MAX_FEED_BYTES: u64 = 64 << 20;

/// How much of a file is looked at to tell its format and delimiter.
const SNIFF_BYTES: usize = 64 * 1024;

/// Where the bytes are.
enum Data<'a> {
    File(PathBuf),
    Bytes(&'a [u8]),
}

/// How the rows are laid out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// One JSON object per line.
    Lines,
    /// One JSON document of ClaimReviews.
    Feed,
    /// A header row, then records.
    Csv(u8),
}

/// One import file, ready to be read as rows any number of times.
pub(crate) struct Input<'a> {
    /// The file as reports name it.
    shown: String,
    data: Data<'a>,
    layout: Layout,
    /// Where a source's `text_file` is read from (`None`: refused).
    folder: Option<PathBuf>,
}

impl Input<'static> {
    /// The file at `path`, its format as told, or as its name or first
    /// line shows. An error when it cannot be opened or its format told.
    pub(crate) fn file(
        path: &Path,
        format: Option<InputFormat>,
        delimiter: Option<u8>,
        text_files: bool,
    ) -> Result<Input<'static>> {
        let mut head = Vec::new();
        crate::limits::open_regular_file(path)?
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?;
        let folder = text_files.then(|| path.parent().map(Path::to_path_buf).unwrap_or_default());
        let mut input = Input {
            shown: path.display().to_string(),
            data: Data::File(path.to_path_buf()),
            layout: Layout::Lines,
            folder,
        };
        input.layout = input.layout_of(&head, format, delimiter)?;
        Ok(input)
    }
}

impl<'a> Input<'a> {
    /// Bytes received rather than read (a server's upload), named `name`
    /// (whose extension may tell the format).
    pub(crate) fn bytes(
        name: &Path,
        bytes: &'a [u8],
        format: Option<InputFormat>,
        delimiter: Option<u8>,
        folder: Option<&Path>,
    ) -> Result<Input<'a>> {
        let mut input = Input {
            shown: name.display().to_string(),
            data: Data::Bytes(bytes),
            layout: Layout::Lines,
            folder: folder.map(Path::to_path_buf),
        };
        let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
        input.layout = input.layout_of(head, format, delimiter)?;
        Ok(input)
    }

    /// The layout of a file that begins with `head`.
    fn layout_of(
        &self,
        head: &[u8],
        told: Option<InputFormat>,
        delimiter: Option<u8>,
    ) -> Result<Layout> {
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let format = InputFormat::of_file(Path::new(&self.shown), head, told)?;
        Ok(match format {
            InputFormat::Csv => {
                Layout::Csv(delimiter.unwrap_or_else(|| spreadsheet::csv_delimiter(head)))
            }
            InputFormat::Jsonl if self.is_feed(head)? => Layout::Feed,
            InputFormat::Jsonl => Layout::Lines,
        })
    }

    /// Whether the JSON is one document of ClaimReviews rather than lines:
    /// a list, or an object that does not end on its first line, and
    /// that reads whole as a feed.
    fn is_feed(&self, head: &[u8]) -> Result<bool> {
        let Some(start) = head.iter().position(|b| !b.is_ascii_whitespace()) else {
            return Ok(false);
        };
        let first_line = head[start..]
            .split(|&b| b == b'\n')
            .next()
            .unwrap_or_default();
        let one_line_object = head[start] == b'{'
            && serde_json::from_slice::<serde::de::IgnoredAny>(first_line).is_ok();
        if one_line_object {
            // A ClaimReview alone on the line is a feed of one only when
            // the file holds nothing else; as a line it reads the same.
            return Ok(false);
        }
        // A feed is read whole, so only a file of a feed's size is tried
        // as one (a large file whose first line is broken is lines).
        let size = match &self.data {
            Data::Bytes(b) => b.len() as u64,
            Data::File(path) => std::fs::metadata(path).map_or(u64::MAX, |m| m.len()),
        };
        if size > MAX_FEED_BYTES {
            return Ok(false);
        }
        Ok(claimreview_feed(&self.whole()?).is_some())
    }

    /// The whole file (for a feed).
    fn whole(&self) -> Result<Vec<u8>> {
        match &self.data {
            Data::Bytes(b) => Ok(b.to_vec()),
            Data::File(path) => crate::limits::read_file_bytes(path, usize::MAX),
        }
    }

    /// A reader of the file from its start, past a byte order mark.
    fn reader(&self) -> Result<Box<dyn BufRead + 'a>> {
        let mut reader: Box<dyn BufRead + 'a> = match &self.data {
            Data::Bytes(b) => Box::new(*b),
            Data::File(path) => Box::new(BufReader::with_capacity(
                SNIFF_BYTES,
                crate::limits::open_regular_file(path)?,
            )),
        };
        let io = |source| Error::Io {
            path: PathBuf::from(&self.shown),
            source,
        };
        // A byte order mark (spreadsheets write one) is no part of the data.
        if reader.fill_buf().map_err(io)?.starts_with(b"\xEF\xBB\xBF") {
            reader.consume(3);
        }
        Ok(reader)
    }

    /// The kinds of the file's rows, in file order (read through once).
    pub(crate) fn kinds(&self) -> Result<impl Iterator<Item = &'static str> + '_> {
        Ok(self
            .objects()?
            .flat_map(|(_, object)| read::kinds_of(&object)))
    }

    /// The file's rows of the kinds `wanted` (all when `None`), from the
    /// start.
    pub(crate) fn rows(&self, wanted: Option<&'static [&'static str]>) -> Result<Rows<'_>> {
        Ok(Rows {
            input: self,
            objects: self.objects()?,
            queued: VecDeque::new(),
            wanted,
        })
    }

    /// The file's objects, each with its line, from the start.
    fn objects(&self) -> Result<Box<dyn Iterator<Item = Numbered> + '_>> {
        let objects: Box<dyn Iterator<Item = Numbered> + '_> = match self.layout {
            Layout::Lines => Box::new(JsonLines {
                reader: self.reader()?,
                line: 0,
                buffer: Vec::new(),
                shown: &self.shown,
            }),
            Layout::Feed => Box::new(
                claimreview_feed(&self.whole()?)
                    .unwrap_or_default()
                    .into_iter(),
            ),
            Layout::Csv(delimiter) => Box::new(
                spreadsheet::CsvObjects::new(self.reader()?, delimiter).map_err(|why| {
                    Error::invalid("import file", format!("{}:1: {why}", self.shown))
                })?,
            ),
        };
        Ok(objects)
    }
}

/// The rows of one file, in file order.
pub(crate) struct Rows<'i> {
    input: &'i Input<'i>,
    objects: Box<dyn Iterator<Item = Numbered> + 'i>,
    /// Rows of an object that stands for more than one (a ClaimReview).
    queued: VecDeque<Row>,
    /// The kinds read (all when `None`).
    wanted: Option<&'static [&'static str]>,
}

impl Iterator for Rows<'_> {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        loop {
            if let Some(row) = self.queued.pop_front() {
                return Some(row);
            }
            let (line, object) = self.objects.next()?;
            let folder = self.input.folder.as_deref();
            self.queued.extend(read::rows_of(
                &self.input.shown,
                line,
                object,
                folder,
                self.wanted,
            ));
        }
    }
}

/// A JSON Lines file's objects, a line at a time; blank lines are skipped.
struct JsonLines<'a, 's> {
    reader: Box<dyn BufRead + 'a>,
    line: usize,
    buffer: Vec<u8>,
    shown: &'s str,
}

impl Iterator for JsonLines<'_, '_> {
    type Item = Numbered;

    fn next(&mut self) -> Option<Numbered> {
        loop {
            self.buffer.clear();
            match read_line(&mut *self.reader, &mut self.buffer, MAX_LINE_BYTES) {
                Ok(Line::End) => return None,
                Ok(Line::Read) => {}
                Ok(Line::TooLong) => {
                    self.line += 1;
                    return Some((
                        self.line,
                        Err(format!(
                            "the line is longer than the limit of {} MiB (a source's text is at most {} MiB)",
                            MAX_LINE_BYTES >> 20,
                            MAX_SOURCE_TEXT_BYTES >> 20
                        )),
                    ));
                }
                Err(e) => {
                    self.line += 1;
                    // The rest of the file cannot be read: one row says so.
                    let why = format!("{}: cannot read on: {e}", self.shown);
                    self.reader = Box::new(std::io::empty());
                    return Some((self.line, Err(why)));
                }
            }
            self.line += 1;
            let raw = self.buffer.strip_suffix(b"\n").unwrap_or(&self.buffer);
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let text = match std::str::from_utf8(raw) {
                Ok(t) => t,
                Err(e) => {
                    return Some((
                        self.line,
                        Err(format!("invalid UTF-8 at column {}", e.valid_up_to() + 1)),
                    ))
                }
            };
            if text.trim().is_empty() {
                continue;
            }
            let parsed = serde_json::from_str::<Value>(text).map_err(|e| {
                format!(
                    "invalid JSON at column {}: {}",
                    e.column(),
                    read::without_position(&e)
                )
            });
            return Some((self.line, parsed));
        }
    }
}

/// The longest line read: a source's text at its limit, every character
/// escaped (`\u0000`), and its record around it. A longer line is refused
/// (and skipped without being held), not read into memory.
pub(crate) const MAX_LINE_BYTES: usize = 6 * MAX_SOURCE_TEXT_BYTES + (1 << 20);

/// What reading a line found.
enum Line {
    Read,
    TooLong,
    End,
}

/// Reads up to the next newline into `buffer` (at most `limit` bytes of
/// it; the rest of a longer line is skipped).
fn read_line(
    reader: &mut dyn BufRead,
    buffer: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<Line> {
    let mut any = false;
    let mut too_long = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        any = true;
        let (part, done) = match memchr::memchr(b'\n', available) {
            Some(at) => (&available[..=at], true),
            None => (available, false),
        };
        let used = part.len();
        if !too_long && buffer.len() + used > limit {
            too_long = true;
            buffer.clear();
        }
        if !too_long {
            buffer.extend_from_slice(part);
        }
        reader.consume(used);
        if done {
            break;
        }
    }
    Ok(match (any, too_long) {
        (false, _) => Line::End,
        (true, true) => Line::TooLong,
        (true, false) => Line::Read,
    })
}

/// A file that is one JSON document holding ClaimReviews (a list, an
/// `ItemList`, one review), as fact-checkers publish them: its reviews, all
/// at the line the document starts on (an item's place in the list is in
/// its message).
fn claimreview_feed(bytes: &[u8]) -> Option<Vec<Numbered>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    if bytes[start] != b'[' && bytes[start] != b'{' {
        return None;
    }
    let feed: Value = serde_json::from_slice(bytes).ok()?;
    let reviews = claimreview::reviews(&feed);
    if reviews.is_empty() || !reviews.iter().all(|r| claimreview::is_claim_review(r)) {
        return None;
    }
    let line = bytes[..start].iter().filter(|&&b| b == b'\n').count() + 1;
    Some(reviews.into_iter().map(|r| (line, Ok(r.clone()))).collect())
}

#[cfg(test)]
mod tests {
    use super::{read_line, Line};

    #[test]
    fn a_line_past_the_limit_is_skipped_not_held() {
        let mut reader = std::io::BufReader::with_capacity(
            4,
            &b"short\nthis line is far too long\nnext\nlast"[..],
        );
        let mut buffer = Vec::new();
        let mut read = |buffer: &mut Vec<u8>| {
            buffer.clear();
            read_line(&mut reader, buffer, 12).unwrap()
        };
        assert!(matches!(read(&mut buffer), Line::Read) && buffer == b"short\n");
        assert!(matches!(read(&mut buffer), Line::TooLong) && buffer.is_empty());
        assert!(matches!(read(&mut buffer), Line::Read) && buffer == b"next\n");
        assert!(matches!(read(&mut buffer), Line::Read) && buffer == b"last");
        assert!(matches!(read(&mut buffer), Line::End));
    }
}
