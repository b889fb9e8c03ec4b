//! Rows to text: aligned tables, JSON, JSON Lines and CSV.
//!
//! Rendering is pure: functions from an [`Output`] to a `String`; the binary
//! decides where the text goes. Every output first becomes a [`Table`] of
//! named columns, so every format uses the same field names; a table also
//! says which columns the aligned text view shows (a claim has more fields
//! than fit on a terminal line; the other formats carry all of them).

mod citation;
mod csv;
mod detail;
pub use detail::attribution_line;
mod import;
mod lines;
mod markdown;
mod outcome;
mod table;

pub use crate::error::plural;
use serde_json::{Map, Value as Json};

pub use crate::query::Value;
use crate::query::{ClaimRow, Output, SourceRow, SpeakerRow};

pub use citation::{checks_table, render_citation};
pub use import::render_import;
pub use outcome::describe;
pub use table::render_table;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Format {
    /// Aligned columns with a row count.
    #[default]
    Table,
    /// One JSON array of objects per statement.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// RFC 4180 comma-separated values with a header row.
    Csv,
    /// A Markdown table, for notes and issues.
    Markdown,
    /// One field per line, records apart by a blank line.
    Line,
}

impl Format {
    /// What ends the last line of an output: CRLF for CSV, whose every
    /// record ends so (RFC 4180), a line feed for the others.
    pub fn line_end(self) -> &'static str {
        match self {
            Format::Csv => "\r\n",
            _ => "\n",
        }
    }

    /// Every format, by name.
    pub const ALL: [(&'static str, Format); 6] = [
        ("table", Format::Table),
        ("json", Format::Json),
        ("jsonl", Format::Jsonl),
        ("csv", Format::Csv),
        ("markdown", Format::Markdown),
        ("line", Format::Line),
    ];

    /// A format by name.
    pub fn parse(name: &str) -> Option<Format> {
        Self::ALL
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, f)| f)
    }

    /// The format's name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("table", |(n, _)| n)
    }
}

/// Named columns of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column names: the field names of every format.
    pub columns: Vec<String>,
    /// Rows, one cell per column.
    pub rows: Vec<Vec<Value>>,
    /// Indexes of the columns the text view shows, in order.
    pub brief: Vec<usize>,
    /// The column the text view wraps to fit the width.
    pub shrink: Option<usize>,
}

impl Table {
    fn new(
        columns: &[&str],
        rows: Vec<Vec<Value>>,
        brief: Vec<usize>,
        shrink: Option<usize>,
    ) -> Table {
        Table {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
            brief,
            shrink,
        }
    }

    /// Every column shown, none wrapped.
    fn plain(columns: Vec<String>, rows: Vec<Vec<Value>>) -> Table {
        let brief = (0..columns.len()).collect();
        let shrink = columns
            .iter()
            .position(|c| c == "quote" || c == "statement");
        Table {
            columns,
            rows,
            brief,
            shrink,
        }
    }
}

fn opt(s: &Option<String>) -> Value {
    s.as_ref().map_or(Value::Null, |s| Value::Text(s.clone()))
}

/// The field names of a claim, in every format.
pub const CLAIM_COLUMNS: [&str; 16] = [
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
    "attribution",
    "credited",
    "mode",
];

/// A claim's cells, in [`CLAIM_COLUMNS`] order.
pub fn claim_cells(r: &ClaimRow) -> Vec<Value> {
    let c = &r.claim;
    vec![
        Value::Int(c.id as i64),
        Value::Text(r.speaker_name.clone()),
        Value::Text(c.source.clone()),
        opt(&c.origin),
        Value::Text(c.quote.clone()),
        Value::Text(c.statement.clone()),
        Value::Num(c.confidence.value()),
        Value::Text(c.rationale.clone()),
        Value::List(c.tags.clone()),
        Value::Text(c.status.as_str().into()),
        c.current_anchor()
            .map_or(Value::Null, |a| Value::Int(i64::from(a.line))),
        c.current_anchor()
            .map_or(Value::Null, |a| Value::Int(i64::from(a.column))),
        Value::Int(c.speaker as i64),
        c.attribution
            .as_ref()
            .map_or(Value::Null, |a| Value::Text(a.verdict.as_str().into())),
        c.attribution
            .as_ref()
            .and_then(|a| a.named.clone())
            .map_or(Value::Null, Value::Text),
        c.mode
            .map_or(Value::Null, |m| Value::Text(m.as_str().into())),
    ]
}

fn speaker_cells(r: &SpeakerRow) -> Vec<Value> {
    vec![
        Value::Int(r.speaker.id as i64),
        Value::Text(r.speaker.name.clone()),
        Value::List(r.speaker.aliases.clone()),
        Value::Int(r.claims as i64),
        opt(&r.speaker.description),
    ]
}

/// The columns of a source row, in [`source_cells`] order.
const SOURCE_COLUMNS: [&str; 11] = [
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
];

fn source_cells(r: &SourceRow) -> Vec<Value> {
    let s = &r.source;
    vec![
        Value::Text(s.id.clone()),
        Value::Text(s.kind.as_str().into()),
        Value::Text(s.title.clone()),
        opt(&s.author),
        opt(&s.publisher),
        opt(&s.date),
        opt(&s.url),
        Value::Int(s.text_len as i64),
        opt(&s.sha256),
        Value::Int(r.claims as i64),
        Value::Int(r.origin_of as i64),
    ]
}

/// A version as a row: its changes one per line, "field: before → after"
/// (a long value cut, so a replaced text does not fill the screen).
fn version_cells(v: &crate::model::Version) -> Vec<Value> {
    let cut = |s: &str| -> String {
        match s.char_indices().nth(80) {
            Some((at, _)) => format!("{}…", &s[..at]),
            None => s.to_string(),
        }
    };
    // A deletion's changes are the whole record as it was: too much for a
    // cell, and every value is "→ —". JSON shows them.
    let changes: Vec<String> = if v.action == crate::model::Action::Deleted {
        vec![format!(
            "its last state kept ({} fields; JSON shows them)",
            v.changes.len()
        )]
    } else {
        v.changes
            .iter()
            .map(|c| {
                format!(
                    "{}: {} → {}",
                    c.field,
                    cut(c.before.as_deref().unwrap_or("—")),
                    cut(c.after.as_deref().unwrap_or("—"))
                )
            })
            .collect()
    };
    vec![
        Value::Int(v.number as i64),
        Value::Text(v.at.clone()),
        Value::Text(v.author.clone()),
        Value::Text(v.action.as_str().to_string()),
        v.reason.clone().map_or(Value::Null, Value::Text),
        Value::Text(changes.join("\n")),
        Value::Text(v.statement.clone()),
    ]
}

/// A version as JSON: its changes' values parsed back from their JSON text.
fn version_json(v: &crate::model::Version) -> Json {
    let value = |s: &Option<String>| {
        s.as_deref().map_or(Json::Null, |s| {
            serde_json::from_str(s).unwrap_or(Json::Null)
        })
    };
    serde_json::json!({
        "version": v.number,
        "at": v.at,
        "by": v.author,
        "action": v.action.as_str(),
        "why": v.reason,
        "statement": v.statement,
        "changes": v.changes.iter().map(|c| serde_json::json!({
            "field": c.field,
            "before": value(&c.before),
            "after": value(&c.after),
        })).collect::<Vec<_>>(),
    })
}

/// The table form of an output (a claim shown with `show claim` is one row).
pub fn table_of(out: &Output) -> Table {
    match out {
        Output::Claims(rows) => Table::new(
            &CLAIM_COLUMNS,
            rows.iter().map(claim_cells).collect(),
            vec![0, 1, 6, 9, 13, 4],
            Some(4),
        ),
        Output::Rows(rows) => Table::plain(rows.columns.clone(), rows.rows.clone()),
        Output::Count(n) => {
            Table::new(&["count"], vec![vec![Value::Int(*n as i64)]], vec![0], None)
        }
        Output::Speakers(rows) => Table::new(
            &["id", "name", "aliases", "claims", "description"],
            rows.iter().map(speaker_cells).collect(),
            vec![0, 1, 2, 3, 4],
            Some(4),
        ),
        Output::Sources(rows) => Table::new(
            &SOURCE_COLUMNS,
            rows.iter().map(source_cells).collect(),
            vec![0, 1, 5, 7, 9, 10, 2],
            Some(2),
        ),
        Output::Source(detail) => Table::new(
            &SOURCE_COLUMNS,
            vec![source_cells(&detail.row)],
            vec![0, 1, 5, 7, 9, 10, 2],
            Some(2),
        ),
        Output::Claim(detail) => Table::new(
            &CLAIM_COLUMNS,
            vec![claim_cells(&detail.row)],
            vec![0, 1, 6, 9, 13, 4],
            Some(4),
        ),
        Output::History(versions) => Table::new(
            &[
                "version",
                "at",
                "by",
                "action",
                "why",
                "changes",
                "statement",
            ],
            versions.iter().map(version_cells).collect(),
            vec![0, 1, 2, 3, 4, 5],
            Some(5),
        ),
        Output::Plan(plan) => Table::new(
            &["plan"],
            plan.lines_and_notes()
                .into_iter()
                .map(|l| vec![Value::Text(l)])
                .collect(),
            vec![0],
            None,
        ),
        Output::Done(done) => Table::new(
            &["message", "ids"],
            vec![vec![
                Value::Text(outcome::describe(done)),
                Value::List(done.ids().iter().map(|i| i.to_string()).collect()),
            ]],
            vec![0],
            None,
        ),
    }
}

/// Renders an output in `format`; `width` is the terminal width for tables.
pub fn render(out: &Output, format: Format, width: usize) -> String {
    let text = render_unescaped(out, format, width);
    for_people(format, text)
}

/// The formats people read get what is stored made safe to show
/// ([`crate::text::visible`]); JSON escapes for itself, and CSV is data.
fn for_people(format: Format, text: String) -> String {
    match format {
        Format::Table | Format::Markdown | Format::Line => match crate::text::visible(&text) {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(shown) => shown,
        },
        _ => text,
    }
}

fn render_unescaped(out: &Output, format: Format, width: usize) -> String {
    match (format, out) {
        (Format::Table | Format::Markdown | Format::Line, Output::Done(done)) => {
            outcome::describe(done)
        }
        (Format::Markdown, Output::Plan(plan)) => {
            format!("```text\n{}\n```", plan.lines_and_notes().join("\n"))
        }
        (Format::Line, Output::Plan(plan)) => plan.lines_and_notes().join("\n"),
        // The operator tree, indented as it nests (a table would flatten it).
        (Format::Table, Output::Plan(plan)) => plan.lines_and_notes().join("\n"),
        (Format::Table, Output::Claim(detail)) => detail::render_detail(detail, width),
        // Versions whole, each change's values as the JSON they are.
        (Format::Json | Format::Jsonl, Output::History(versions)) => {
            let objects: Vec<Json> = versions.iter().map(version_json).collect();
            if format == Format::Json {
                serde_json::to_string_pretty(&Json::Array(objects)).unwrap_or_default()
            } else {
                objects
                    .iter()
                    .map(Json::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        }
        (Format::Table, Output::Source(detail)) => detail::render_source(detail, width),
        (Format::Json | Format::Jsonl, Output::Source(detail)) => {
            let mut object = row_object(&table_of(out), 0);
            object.insert("total_lines".into(), Json::from(detail.total_lines));
            object.insert(
                "lines".into(),
                Json::Array(
                    detail
                        .lines
                        .iter()
                        .map(|l| serde_json::json!({"number": l.number, "text": l.text}))
                        .collect(),
                ),
            );
            if format == Format::Json {
                serde_json::to_string_pretty(&Json::Array(vec![Json::Object(object)]))
                    .unwrap_or_default()
            } else {
                Json::Object(object).to_string()
            }
        }
        (Format::Json, Output::Plan(plan)) => {
            serde_json::to_string_pretty(&plan_json(plan)).unwrap_or_default()
        }
        (Format::Jsonl, Output::Plan(plan)) => plan_json(plan).to_string(),
        (Format::Json | Format::Jsonl, Output::Claim(detail)) => {
            let mut object = row_object(&table_of(out), 0);
            object.insert(
                "context".into(),
                serde_json::to_value(&detail.context).unwrap_or(Json::Null),
            );
            // What the table view shows under "broken:", for programs.
            if let Some(m) = &detail.row.claim.mismatch {
                object.insert(
                    "broken".into(),
                    serde_json::json!({
                        "verdict": m.verdict,
                        "score": m.score,
                        "closest_passage": m.passage,
                        "line": m.line,
                        "column": m.column,
                        "changes": m.changes,
                    }),
                );
            }
            if format == Format::Json {
                serde_json::to_string_pretty(&Json::Array(vec![Json::Object(object)]))
                    .unwrap_or_default()
            } else {
                Json::Object(object).to_string()
            }
        }
        (Format::Table, _) => render_table(&table_of(out), width),
        (Format::Json, _) => table_json(&table_of(out)),
        (Format::Jsonl, _) => table_jsonl(&table_of(out)),
        (Format::Csv, _) => csv::table_csv(&table_of(out)),
        (Format::Markdown, _) => markdown::table_markdown(&table_of(out)),
        (Format::Line, _) => lines::table_lines(&table_of(out)),
    }
}

/// Claims written one at a time, as a query produces them: JSON Lines and
/// CSV need nothing of the rows to come, so an export of a million claims
/// holds one row at a time. The text is what [`render`] gives for the same
/// rows (with the shell's final line break).
pub struct ClaimWriter<W: std::io::Write> {
    out: W,
    format: Format,
    rows: u64,
}

impl<W: std::io::Write> ClaimWriter<W> {
    /// A writer of `format` (JSON Lines or CSV) to `out`; `None` for a
    /// format that needs every row before it can print one.
    pub fn new(out: W, format: Format) -> Option<Self> {
        matches!(format, Format::Jsonl | Format::Csv).then_some(ClaimWriter {
            out,
            format,
            rows: 0,
        })
    }

    fn header(&mut self) -> std::io::Result<()> {
        let names: Vec<String> = CLAIM_COLUMNS.iter().map(|c| c.to_string()).collect();
        let header = csv::table_csv(&Table::plain(names, Vec::new()));
        self.out.write_all(header.as_bytes())
    }

    /// Writes one claim.
    pub fn claim(&mut self, row: &ClaimRow) -> std::io::Result<()> {
        let cells = claim_cells(row);
        match self.format {
            Format::Csv => {
                if self.rows == 0 {
                    self.header()?;
                }
                write!(self.out, "\r\n{}", csv::row_csv(&cells))?;
            }
            _ => {
                if self.rows > 0 {
                    self.out.write_all(b"\n")?;
                }
                let object: Map<String, Json> = CLAIM_COLUMNS
                    .iter()
                    .zip(&cells)
                    .map(|(name, cell)| (name.to_string(), cell_json(cell)))
                    .collect();
                self.out
                    .write_all(Json::Object(object).to_string().as_bytes())?;
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Ends the output (the header alone when there were no rows) and
    /// returns how many claims were written.
    pub fn finish(mut self) -> std::io::Result<u64> {
        if self.rows == 0 && self.format == Format::Csv {
            self.header()?;
        }
        self.out.write_all(self.format.line_end().as_bytes())?;
        self.out.flush()?;
        Ok(self.rows)
    }
}

/// Any table in any format (for reports that are not query outputs).
pub fn render_rows(table: &Table, format: Format, width: usize) -> String {
    let text = match format {
        Format::Table => render_table(table, width),
        Format::Json => table_json(table),
        Format::Jsonl => table_jsonl(table),
        Format::Csv => csv::table_csv(table),
        Format::Markdown => markdown::table_markdown(table),
        Format::Line => lines::table_lines(table),
    };
    for_people(format, text)
}

fn cell_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Int(n) => Json::from(*n),
        Value::Num(n) => Json::from(*n),
        Value::Text(s) => Json::from(s.as_str()),
        Value::List(items) => Json::from(items.clone()),
    }
}

fn row_object(table: &Table, row: usize) -> Map<String, Json> {
    table
        .columns
        .iter()
        .zip(&table.rows[row])
        .map(|(name, cell)| (name.clone(), cell_json(cell)))
        .collect()
}

/// A table as a JSON array of objects, one per row, keyed by column name.
pub fn table_json(table: &Table) -> String {
    let rows: Vec<Json> = (0..table.rows.len())
        .map(|i| Json::Object(row_object(table, i)))
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_default()
}

/// A table as JSON Lines: one object per row, no trailing newline.
pub fn table_jsonl(table: &Table) -> String {
    (0..table.rows.len())
        .map(|i| Json::Object(row_object(table, i)).to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A plan as JSON: its lines as `explain` prints them, and the operator
/// tree itself (what the executor runs).
fn plan_json(plan: &crate::query::Plan) -> Json {
    serde_json::json!({
        "lines": plan.lines(),
        "root": plan.root,
        "notes": plan.notes,
    })
}
