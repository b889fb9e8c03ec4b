//! The values the command line's options take (`--format`, `--role`,
//! `--by`, an import's and an export's format), each with its help text
//! and the library type it stands for.

use claimdb::render::Format;
use clap::ValueEnum;

/// How `extract` proposes a transcript's turns.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum TurnsArg {
    /// One proposal per turn.
    Turn,
    /// One proposal per sentence of a turn.
    Sentence,
}

impl From<TurnsArg> for claimdb::attrib::Turns {
    fn from(t: TurnsArg) -> claimdb::attrib::Turns {
        match t {
            TurnsArg::Turn => claimdb::attrib::Turns::Whole,
            TurnsArg::Sentence => claimdb::attrib::Turns::BySentence,
        }
    }
}

/// A token's role.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum RoleArg {
    /// Queries, listings, checks, exports.
    Read,
    /// Also statements that change claims, and imports.
    Write,
    /// Also tokens, verify and repair, and deleting sources.
    Admin,
}

impl From<RoleArg> for claimdb::Role {
    fn from(r: RoleArg) -> claimdb::Role {
        match r {
            RoleArg::Read => claimdb::Role::Read,
            RoleArg::Write => claimdb::Role::Write,
            RoleArg::Admin => claimdb::Role::Admin,
        }
    }
}

/// The format of an import file.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum InputFormatArg {
    /// One JSON object per line.
    Jsonl,
    /// A header row, then one record per row.
    Csv,
}

/// What `export` writes.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ExportFormatArg {
    /// The whole database as JSON Lines that `claimdb import` reads back.
    Dump,
    /// Every field of each claim, one JSON object per line.
    Jsonl,
    /// Every field of each claim, flattened, with a header row.
    Csv,
    /// One schema.org ClaimReview (JSON-LD) per line.
    Claimreview,
    /// One W3C Web Annotation per line.
    Annotation,
    /// A source's text, byte for byte.
    Text,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum FormatArg {
    /// Aligned columns with a row count; long quotes wrap to the terminal.
    Table,
    /// A JSON array of objects per statement.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// RFC 4180 CSV with a header row.
    Csv,
    /// A Markdown table (for notes and issues).
    Markdown,
    /// One field per line (for long quotes and statements).
    Line,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Csv => Format::Csv,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Line => Format::Line,
        }
    }
}
