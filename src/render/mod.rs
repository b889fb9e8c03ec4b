//! Rows to text: aligned tables and JSON.
//!
//! Rendering is pure: functions from an [`Output`] to a `String`; the binary
//! decides where the text goes. Every output first becomes a [`Table`] of
//! named columns, so every format uses the same field names; a table also
//! says which columns the aligned text view shows (a claim has more fields
//! than fit on a terminal line; JSON carries all of them).

mod citation;
mod table;

use serde_json::{Map, Value as Json};

use crate::query::{ClaimRow, Output, SourceRow, SpeakerRow};

pub use citation::{checks_table, render_citation};
pub use table::render_table;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Aligned columns with a row count.
    #[default]
    Table,
    /// One JSON array of objects per statement.
    Json,
}

impl Format {
    /// Every format, by name.
    pub const ALL: [(&'static str, Format); 2] = [("table", Format::Table), ("json", Format::Json)];

    /// A format by name.
    pub fn parse(name: &str) -> Option<Format> {
        Self::ALL
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, f)| f)
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Absent.
    Null,
    /// A whole number.
    Int(i64),
    /// A number.
    Num(f64),
    /// Text.
    Text(String),
    /// A list of strings (tags, aliases).
    List(Vec<String>),
}

impl Value {
    fn opt(s: &Option<String>) -> Value {
        s.as_ref().map_or(Value::Null, |s| Value::Text(s.clone()))
    }

    /// The cell as the text view shows it.
    pub fn display(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Int(n) => n.to_string(),
            Value::Num(n) => n.to_string(),
            Value::Text(s) => s.clone(),
            Value::List(items) => items.join(", "),
        }
    }

    fn to_json(&self) -> Json {
        match self {
            Value::Null => Json::Null,
            Value::Int(n) => Json::from(*n),
            Value::Num(n) => Json::from(*n),
            Value::Text(s) => Json::from(s.as_str()),
            Value::List(items) => Json::from(items.clone()),
        }
    }
}

/// Named columns of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column names: the field names of every format.
    pub columns: Vec<&'static str>,
    /// Rows, one cell per column.
    pub rows: Vec<Vec<Value>>,
    /// Indexes of the columns the text view shows, in order.
    pub brief: Vec<usize>,
    /// The column the text view may shorten to fit the width.
    pub shrink: Option<usize>,
}

/// The field names of a claim, in every format.
pub const CLAIM_COLUMNS: [&str; 13] = [
    "id",
    "speaker",
    "source",
    "origin",
    "quote",
    "statement",
    "confidence",
    "rationale",
    "tags",
    "status",
    "line",
    "column",
    "speaker_id",
];

fn claim_cells(r: &ClaimRow) -> Vec<Value> {
    let c = &r.claim;
    vec![
        Value::Int(c.id as i64),
        Value::Text(r.speaker_name.clone()),
        Value::Text(c.source.clone()),
        Value::opt(&c.origin),
        Value::Text(c.quote.clone()),
        Value::Text(c.statement.clone()),
        Value::Num(c.confidence.value()),
        Value::Text(c.rationale.clone()),
        Value::List(c.tags.clone()),
        Value::Text(c.status.as_str().into()),
        c.anchor
            .as_ref()
            .map_or(Value::Null, |a| Value::Int(i64::from(a.line))),
        c.anchor
            .as_ref()
            .map_or(Value::Null, |a| Value::Int(i64::from(a.column))),
        Value::Int(c.speaker as i64),
    ]
}

fn speaker_cells(r: &SpeakerRow) -> Vec<Value> {
    vec![
        Value::Int(r.speaker.id as i64),
        Value::Text(r.speaker.name.clone()),
        Value::List(r.speaker.aliases.clone()),
        Value::Int(r.claims as i64),
        Value::opt(&r.speaker.description),
    ]
}

fn source_cells(r: &SourceRow) -> Vec<Value> {
    let s = &r.source;
    vec![
        Value::Text(s.id.clone()),
        Value::Text(s.kind.as_str().into()),
        Value::Text(s.title.clone()),
        Value::opt(&s.author),
        Value::opt(&s.publisher),
        Value::opt(&s.date),
        Value::opt(&s.url),
        Value::Int(s.text_len as i64),
        Value::opt(&s.sha256),
        Value::Int(r.claims as i64),
        Value::Int(r.origin_of as i64),
    ]
}

/// The table form of an output.
pub fn table_of(out: &Output) -> Table {
    match out {
        Output::Claims(rows) => Table {
            columns: CLAIM_COLUMNS.to_vec(),
            rows: rows.iter().map(claim_cells).collect(),
            brief: vec![0, 1, 6, 9, 4],
            shrink: Some(4),
        },
        Output::Count(n) => Table {
            columns: vec!["count"],
            rows: vec![vec![Value::Int(*n as i64)]],
            brief: vec![0],
            shrink: None,
        },
        Output::Speakers(rows) => Table {
            columns: vec!["id", "name", "aliases", "claims", "description"],
            rows: rows.iter().map(speaker_cells).collect(),
            brief: vec![0, 1, 2, 3, 4],
            shrink: Some(4),
        },
        Output::Sources(rows) => Table {
            columns: vec![
                "id",
                "kind",
                "title",
                "author",
                "publisher",
                "date",
                "url",
                "text_bytes",
                "sha256",
                "claims",
                "origin_of",
            ],
            rows: rows.iter().map(source_cells).collect(),
            brief: vec![0, 1, 5, 7, 9, 10, 2],
            shrink: Some(2),
        },
        Output::Plan(plan) => Table {
            columns: vec!["plan"],
            rows: plan
                .lines()
                .into_iter()
                .map(|l| vec![Value::Text(l)])
                .collect(),
            brief: vec![0],
            shrink: None,
        },
    }
}

/// Renders an output in `format`; `width` is the terminal width for tables.
pub fn render(out: &Output, format: Format, width: usize) -> String {
    match format {
        Format::Table => render_table(&table_of(out), width),
        Format::Json => render_json(out),
    }
}

/// A JSON array of objects (a plan is one object; a count is `[{"count": n}]`).
pub fn render_json(out: &Output) -> String {
    if let Output::Plan(plan) = out {
        return serde_json::to_string_pretty(&plan.to_json()).unwrap_or_default();
    }
    table_json(&table_of(out))
}

/// A table as a JSON array of objects, one per row, keyed by column name.
pub fn table_json(table: &Table) -> String {
    let rows: Vec<Json> = table
        .rows
        .iter()
        .map(|row| {
            let object: Map<String, Json> = table
                .columns
                .iter()
                .zip(row)
                .map(|(name, cell)| (name.to_string(), cell.to_json()))
                .collect();
            Json::Object(object)
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_default()
}
