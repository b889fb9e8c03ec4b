//! Reading import files into records, each with the file and line it came from.
//!
//! Two formats carry the same records. JSON Lines: one object per line
//! with a `type` of `source`, `speaker` or `claim` (and a `dump` header
//! line in a file `claimdb export --format dump` wrote). CSV: a header row
//! naming the fields, an optional `type` column (`claim` when absent),
//! lists (`aliases`, `tags`) separated by `;`. A CSV row becomes the same
//! JSON object a JSON line would be and is read by the same code, so the
//! two formats accept and refuse exactly the same things (the CSV side is
//! `spreadsheet.rs`).
//!
//! Nothing here touches the database: a bad line is a refused row with its
//! FILE:LINE, and a file that cannot be read at all is an error.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::cite::Hint;
use crate::error::quoted;
use crate::error::{Error, Result};
use crate::limits::MAX_SOURCE_TEXT_BYTES;
use crate::model::{
    Anchor, ClaimId, NewClaim, NewSource, NewSpeaker, Review, SourceLine, SpeakerId, Status,
    Version,
};

use super::claimreview;

/// The format of an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// One JSON object per line.
    Jsonl,
    /// A header row, then one record per row.
    Csv,
}

impl InputFormat {
    /// The format a file's first bytes show: a JSON object or array (JSON
    /// Lines, a dump, a ClaimReview feed), or a header row of names apart
    /// by commas, semicolons or tabs (CSV).
    pub fn sniff(bytes: &[u8]) -> Option<InputFormat> {
        let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
        let first_line = bytes[start..]
            .split(|&b| b == b'\n')
            .next()
            .unwrap_or_default();
        match bytes[start] {
            b'{' | b'[' => Some(InputFormat::Jsonl),
            _ if first_line.iter().any(|b| matches!(b, b',' | b';' | b'\t')) => {
                Some(InputFormat::Csv)
            }
            _ => None,
        }
    }

    /// The format called `name`: "jsonl" (or "ndjson", "json"), "csv".
    pub fn parse(name: &str) -> Option<InputFormat> {
        match name.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" | "json" => Some(InputFormat::Jsonl),
            "csv" => Some(InputFormat::Csv),
            _ => None,
        }
    }

    /// The format of the file `path` holding `bytes`: as told, or as its
    /// name says, or else as its first line shows (a dump saved as
    /// `backup.dump` is JSON); an error naming the file otherwise.
    pub fn of_file(path: &Path, bytes: &[u8], told: Option<InputFormat>) -> Result<InputFormat> {
        told.or_else(|| InputFormat::of_path(path))
            .or_else(|| InputFormat::sniff(bytes))
            .ok_or_else(|| {
                Error::invalid(
                    "import file",
                    format!(
                        "{}: cannot tell its format from its name or its first line; use --input-format jsonl or csv",
                        path.display()
                    ),
                )
            })
    }

    /// The format a file's extension names: `.jsonl`, `.ndjson`, `.json`
    /// (JSON Lines), `.csv`.
    pub fn of_path(path: &Path) -> Option<InputFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" | "ndjson" | "json" => Some(InputFormat::Jsonl),
            "csv" => Some(InputFormat::Csv),
            _ => None,
        }
    }
}

/// One record of an import, and where it was read.
#[derive(Debug, Clone)]
pub struct Row {
    /// The file, as given.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// "source", "speaker", "claim", "dump", or "row" when the line does
    /// not say.
    pub kind: &'static str,
    /// The record, or why the line is not one.
    pub record: std::result::Result<Record, String>,
}

/// What a row holds.
#[derive(Debug, Clone)]
pub enum Record {
    /// A source, with its text when held.
    Source(NewSource),
    /// A source a record refers to (a ClaimReview's `appearance`): added
    /// when missing, a stored source of the same id used as it is.
    SourceRef(NewSource),
    /// A speaker, with its id in the database it was dumped from.
    Speaker(NewSpeaker, Option<SpeakerId>),
    /// A claim, where its quote was anchored when it came from a dump, and
    /// (for a claim that was broken there) its anchor in the text that is
    /// gone; its id in the database it was dumped from.
    Claim(NewClaim, Option<Hint>, Option<Box<Anchor>>, Option<ClaimId>),
    /// A version of a record, from a dump.
    Version(Box<Version>),
    /// A dump's first line: the format it was written in, and the moment
    /// its history was pruned back to, if it was.
    DumpHeader(u32, Option<String>),
}

impl Record {
    /// "source", "speaker", "claim", "dump".
    pub fn kind(&self) -> &'static str {
        match self {
            Record::Source(_) | Record::SourceRef(_) => "source",
            Record::Speaker(..) => "speaker",
            Record::Claim(..) => "claim",
            Record::Version(_) => "version",
            Record::DumpHeader(..) => "dump",
        }
    }
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Line {
    Source(SourceLine),
    Speaker(SpeakerLine),
    Claim(Box<ClaimLine>),
    Version(Box<Version>),
    Dump(DumpLine),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpeakerLine {
    /// Its id where it was dumped from (a version names it by that id).
    #[serde(default)]
    id: Option<SpeakerId>,
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimLine {
    /// Its id where it was dumped from (a version names it by that id).
    #[serde(default)]
    id: Option<ClaimId>,
    speaker: String,
    source: String,
    #[serde(default)]
    origin: Option<String>,
    quote: String,
    statement: String,
    confidence: f64,
    rationale: String,
    #[serde(default)]
    tags: Vec<String>,
    /// Text just before the passage (a dump writes it, to anchor a
    /// repeated passage where it was).
    #[serde(default)]
    prefix: Option<String>,
    #[serde(default)]
    suffix: Option<String>,
    #[serde(default)]
    position: Option<usize>,
    /// The caller's key: a row with a stored key updates that claim.
    #[serde(default)]
    key: Option<String>,
    /// "broken" in a dump: the claim's quote was no longer in its source.
    #[serde(default)]
    status: Option<Status>,
    /// A broken claim's anchor, in the text it was once found in.
    #[serde(default)]
    anchor: Option<Anchor>,
    /// Fact-checks of the claim, kept as they are.
    #[serde(default)]
    reviews: Vec<Review>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DumpLine {
    format_version: u32,
    #[serde(default)]
    #[allow(dead_code)]
    claimdb: Option<String>,
    #[serde(default)]
    history_horizon: Option<String>,
}

/// The rows one object of a file stands for (a ClaimReview stands for a
/// speaker, its sources and a claim), or the row saying why it is none;
/// only those of the kinds `wanted` when given (the others not read into
/// records at all).
pub(super) fn rows_of(
    shown: &str,
    line: usize,
    object: std::result::Result<Value, String>,
    folder: Option<&Path>,
    wanted: Option<&[&str]>,
) -> Vec<Row> {
    let keep = |kind: &str| wanted.is_none_or(|w| w.contains(&kind));
    let row = |kind, record| Row {
        file: shown.to_string(),
        line,
        kind,
        record,
    };
    match object {
        Ok(o) if claimreview::is_claim_review(&o) => match claimreview::records(&o) {
            Ok(records) => records
                .into_iter()
                .filter(|r| keep(r.kind()))
                .map(|r| row(r.kind(), Ok(r)))
                .collect(),
            Err(_) if !keep("claim") => Vec::new(),
            Err(why) => vec![row("claim", Err(why))],
        },
        Ok(o) => match kind_of(&o) {
            kind if keep(kind) => vec![row(kind, record(o, folder))],
            _ => Vec::new(),
        },
        Err(_) if !keep("row") => Vec::new(),
        Err(why) => vec![row("row", Err(why))],
    }
}

/// The kinds of the rows one object stands for (what an import counts
/// before it applies any).
pub(super) fn kinds_of(object: &std::result::Result<Value, String>) -> Vec<&'static str> {
    match object {
        Ok(o) if claimreview::is_claim_review(o) => match claimreview::records(o) {
            Ok(records) => records.iter().map(Record::kind).collect(),
            Err(_) => vec!["claim"],
        },
        Ok(o) => vec![kind_of(o)],
        Err(_) => vec!["row"],
    }
}

/// The objects of a file, each with its line (or why its line is none).
pub(super) type Numbered = (usize, std::result::Result<Value, String>);

/// The kind a JSON object says it is.
pub(super) fn kind_of(object: &Value) -> &'static str {
    match object.get("type").and_then(Value::as_str) {
        Some("source") => "source",
        Some("speaker") => "speaker",
        Some("claim") => "claim",
        Some("version") => "version",
        Some("dump") => "dump",
        _ => "row",
    }
}

/// serde_json's message without its " at line L column C" (the report
/// gives FILE:LINE itself).
pub(super) fn without_position(e: &serde_json::Error) -> String {
    let message = e.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    }
}

/// A row of `claimdb export --format jsonl` (every field of a claim, no
/// `type`) as the claim line it stands for, anchored where it was (its
/// anchor's start, prefix and suffix choose among repeated passages);
/// `None` for an object that is not one.
fn exported_claim(object: &Value) -> Option<std::result::Result<Value, String>> {
    let o = object.as_object()?;
    if !["speaker", "source", "quote", "statement"]
        .iter()
        .all(|k| o.contains_key(*k))
    {
        return None;
    }
    if o.get("status").and_then(Value::as_str) == Some("broken") {
        return Some(Err(
            "a broken claim in an export: import a dump (export --format dump) to keep it as it is"
                .into(),
        ));
    }
    let mut line = serde_json::Map::new();
    line.insert("type".into(), Value::from("claim"));
    for field in [
        "speaker",
        "source",
        "origin",
        "quote",
        "statement",
        "confidence",
        "rationale",
        "tags",
        "key",
    ] {
        match o.get(field) {
            Some(Value::Null) | None => {}
            Some(v) => {
                line.insert(field.into(), v.clone());
            }
        }
    }
    if let Some(anchor) = o.get("anchor").and_then(Value::as_object) {
        for (from, to) in [
            ("start_byte", "position"),
            ("prefix", "prefix"),
            ("suffix", "suffix"),
        ] {
            if let Some(v) = anchor.get(from).filter(|v| !v.is_null()) {
                line.insert(to.into(), v.clone());
            }
        }
    }
    Some(Ok(Value::Object(line)))
}

/// A JSON object as the record it says it is; `folder` is where a source's
/// `text_file` is read from (`None`: such a file is refused).
fn record(object: Value, folder: Option<&Path>) -> std::result::Result<Record, String> {
    if !object.is_object() {
        return Err("a record must be a JSON object".into());
    }
    let object = match object.get("type") {
        Some(_) => object,
        None => exported_claim(&object)
            .ok_or_else(|| "missing field `type` (source, speaker or claim)".to_string())??,
    };
    let line: Line = serde_json::from_value(object).map_err(|e| without_position(&e))?;
    Ok(match line {
        Line::Source(s) => {
            let mut read_from = None;
            let mut source = s.into_source(|file| match folder {
                Some(folder) => {
                    read_from = crate::limits::absolute_display(&folder.join(file));
                    read_text_file(&folder.join(file), file)
                }
                None => Err(format!(
                    "text_file {}: the server reads no file a client names; send the text inline as \"text\"",
                    quoted(file)
                )),
            })?;
            source.text_file = read_from;
            Record::Source(source)
        }
        Line::Speaker(s) => Record::Speaker(
            NewSpeaker {
                name: s.name,
                aliases: s.aliases,
                description: s.description,
            },
            s.id,
        ),
        Line::Claim(c) => {
            let c = *c;
            let broken = match (c.status, c.anchor) {
                (Some(Status::Broken), Some(anchor)) => Some(Box::new(anchor)),
                (Some(Status::Broken), None) => {
                    return Err("a broken claim in a dump carries its `anchor`".into())
                }
                _ => None,
            };
            let hint = Hint::from_parts(c.prefix, c.suffix, c.position);
            Record::Claim(
                NewClaim {
                    speaker: c.speaker,
                    source: c.source,
                    origin: c.origin,
                    quote: c.quote,
                    statement: c.statement,
                    confidence: c.confidence,
                    rationale: c.rationale,
                    tags: c.tags,
                    key: c.key,
                    reviews: c.reviews,
                },
                hint,
                broken,
                c.id,
            )
        }
        Line::Version(v) => Record::Version(v),
        Line::Dump(d) => Record::DumpHeader(d.format_version, d.history_horizon),
    })
}

/// A source's text named by `text_file`: a UTF-8 file within the size
/// limit ([`crate::limits::read_text_file`]), and not binary.
fn read_text_file(path: &Path, as_given: &str) -> std::result::Result<String, String> {
    let text = crate::limits::read_text_file(path, MAX_SOURCE_TEXT_BYTES).map_err(|e| match e {
        Error::Io { source, .. } => {
            format!("text_file {}: {}", quoted(as_given), io_reason(&source))
        }
        other => format!("text_file {}: {other}", quoted(as_given)),
    })?;
    if text.contains('\0') {
        return Err(format!(
            "text_file {} is binary (it holds NUL bytes), not text",
            quoted(as_given)
        ));
    }
    Ok(text)
}

/// What an OS error on a file means, in words.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::Other => e.to_string(),
        _ => e.to_string(),
    }
}
