//! What statements return: rows of claims, speakers and sources, tables of
//! values, counts, plans, and the reports of writes.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::super::plan::Plan;
use super::super::record::FieldValue;
use super::outcome::Outcome;
use crate::model::{Claim, Source, Speaker};

/// A claim as a query returns it: the record and its speaker's name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimRow {
    /// The stored claim.
    pub claim: Claim,
    /// The speaker's canonical name.
    pub speaker_name: String,
}

/// A speaker with the number of claims attributed to them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeakerRow {
    /// The speaker.
    pub speaker: Speaker,
    /// How many claims are theirs.
    pub claims: u64,
}

/// A source with the number of claims quoting it and citing it as origin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRow {
    /// The source (without its text).
    pub source: Source,
    /// Claims whose quote is in this source.
    pub claims: u64,
    /// Claims that name this source as their origin.
    pub origin_of: u64,
}

/// One cell of a [`Rows`] result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
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

    /// The cell as a whole number (`count`, `id`, `line`), if it is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The cell as a number (a whole one too: `confidence` 1 is `Int`).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(n) => Some(*n as f64),
            Value::Num(n) => Some(*n),
            _ => None,
        }
    }

    /// The cell as text, if it is text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The cell as a list of strings (tags, aliases), if it is one.
    pub fn as_list(&self) -> Option<&[String]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// Whether the cell is absent (a claim without an origin, a key).
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub(super) fn from_field(v: &FieldValue) -> Value {
        match v {
            FieldValue::Null => Value::Null,
            FieldValue::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => Value::Int(*n as i64),
            FieldValue::Num(n) => Value::Num(*n),
            FieldValue::Text(t) => Value::Text(t.to_string()),
            FieldValue::Texts(ts) => Value::List(ts.iter().map(|t| t.to_string()).collect()),
        }
    }

    pub(super) fn cmp_for_sort(&self, other: &Value) -> Ordering {
        let num = |v: &Value| match v {
            Value::Int(n) => Some(*n as f64),
            Value::Num(n) => Some(*n),
            _ => None,
        };
        match (self, other) {
            (Value::Null, Value::Null) => Ordering::Equal,
            (Value::Null, _) => Ordering::Greater,
            (_, Value::Null) => Ordering::Less,
            // Texts as `display` shows them, without copying them to compare.
            (Value::Text(a), Value::Text(b)) => a.cmp(b),
            _ => match (num(self), num(other)) {
                (Some(a), Some(b)) => a.total_cmp(&b),
                _ => self.display().cmp(&other.display()),
            },
        }
    }
}

/// A table of values: the result of `select`, `group by` and aggregates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rows {
    /// Column names.
    pub columns: Vec<String>,
    /// One cell per column.
    pub rows: Vec<Vec<Value>>,
}

/// `show claim N`: the claim, and its passage in context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimDetail {
    /// The claim.
    pub row: ClaimRow,
    /// The lines around the quote (none when the source holds no text).
    pub context: Vec<ContextLine>,
}

/// `show source "ID"`: a source's record, and its text's lines (those asked for).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceDetail {
    /// The source, with how many claims quote it and cite it as origin.
    pub row: SourceRow,
    /// How many lines the text has (0 when the source holds no text).
    pub total_lines: usize,
    /// The lines shown, numbered (none when the source holds no text).
    pub lines: Vec<ContextLine>,
}

/// One line of a source's text, with the quoted part marked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContextLine {
    /// 1-based line number.
    pub number: usize,
    /// The line's text.
    pub text: String,
    /// The quoted characters on this line, as a character range.
    pub quoted: Option<(usize, usize)>,
}

/// What a statement returns. It serializes (as `{"claims": [...]}`,
/// `{"count": 3}`, `{"done": {"outcome": ...}}`...) and reads back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Output {
    /// `claims ...`
    Claims(Vec<ClaimRow>),
    /// `claims select ...`, `group by`, aggregates.
    Rows(Rows),
    /// `count claims ...`
    Count(u64),
    /// `speakers ...`
    Speakers(Vec<SpeakerRow>),
    /// `sources ...`
    Sources(Vec<SourceRow>),
    /// `show claim N`
    Claim(Box<ClaimDetail>),
    /// `show source "ID"`
    Source(Box<SourceDetail>),
    /// `history claim N`: the record's versions, newest first.
    History(Vec<crate::model::Version>),
    /// `explain ...`
    Plan(Plan),
    /// A write or `begin`, `commit`, `rollback`.
    Done(Outcome),
}

impl Output {
    /// The claims, when the statement was a claims query.
    pub fn claims(&self) -> Option<&[ClaimRow]> {
        match self {
            Output::Claims(rows) => Some(rows),
            _ => None,
        }
    }

    /// The count, when the statement was `count claims`.
    pub fn count(&self) -> Option<u64> {
        match self {
            Output::Count(n) => Some(*n),
            _ => None,
        }
    }

    /// The table, when the statement selected fields, grouped or aggregated.
    pub fn rows(&self) -> Option<&Rows> {
        match self {
            Output::Rows(rows) => Some(rows),
            _ => None,
        }
    }

    /// The speakers, when the statement was `speakers ...`.
    pub fn speakers(&self) -> Option<&[SpeakerRow]> {
        match self {
            Output::Speakers(rows) => Some(rows),
            _ => None,
        }
    }

    /// The sources, when the statement was `sources ...`.
    pub fn sources(&self) -> Option<&[SourceRow]> {
        match self {
            Output::Sources(rows) => Some(rows),
            _ => None,
        }
    }

    /// The claim and its passage, when the statement was `show claim N`.
    pub fn claim_detail(&self) -> Option<&ClaimDetail> {
        match self {
            Output::Claim(detail) => Some(detail),
            _ => None,
        }
    }

    /// The plan, when the statement was `explain ...`.
    pub fn plan(&self) -> Option<&Plan> {
        match self {
            Output::Plan(plan) => Some(plan),
            _ => None,
        }
    }

    /// What a write or a transaction statement did.
    pub fn done(&self) -> Option<&Outcome> {
        match self {
            Output::Done(done) => Some(done),
            _ => None,
        }
    }
}

impl Rows {
    /// The cells of column `name` ("speaker", "count(*)"), one per row;
    /// `None` when there is no such column.
    ///
    /// ```
    /// # fn main() -> claimdb::Result<()> {
    /// let db = claimdb::Db::open_in_memory(claimdb::OpenOptions::new().seed(true))?;
    /// let out = db.query("count claims group by speaker")?;
    /// let rows = out.rows().unwrap();
    /// let speakers = rows.column("speaker").unwrap();
    /// let counts = rows.column("count").unwrap();
    /// assert_eq!(speakers.len(), counts.len());
    /// assert_eq!(rows.get(0, "speaker"), Some(speakers[0]));
    /// # Ok(()) }
    /// ```
    pub fn column(&self, name: &str) -> Option<Vec<&Value>> {
        let at = self.columns.iter().position(|c| c == name)?;
        Some(self.rows.iter().map(|r| &r[at]).collect())
    }

    /// The cell of row `row` in column `name`.
    pub fn get(&self, row: usize, name: &str) -> Option<&Value> {
        let at = self.columns.iter().position(|c| c == name)?;
        self.rows.get(row)?.get(at)
    }

    /// The rows, each read by column with typed accessors.
    ///
    /// ```
    /// # fn main() -> claimdb::Result<()> {
    /// let db = claimdb::Db::open_in_memory(claimdb::OpenOptions::new().seed(true))?;
    /// let out = db.query("claims select speaker, avg(confidence), count(*) group by speaker")?;
    /// for row in out.rows().unwrap().iter() {
    ///     let speaker: &str = row.text("speaker").unwrap();
    ///     let average: f64 = row.number("avg_confidence").unwrap();
    ///     let claims: i64 = row.int("count").unwrap();
    ///     assert!(!speaker.is_empty() && (0.0..=1.0).contains(&average) && claims > 0);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|cells| Row {
            columns: &self.columns,
            cells,
        })
    }
}

/// One row of [`Rows`], its cells read by column name.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    columns: &'a [String],
    cells: &'a [Value],
}

impl<'a> Row<'a> {
    /// The cell of column `name`; `None` when there is no such column.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        let at = self.columns.iter().position(|c| c == name)?;
        self.cells.get(at)
    }

    /// Column `name` as text ([`Value::as_str`]).
    pub fn text(&self, name: &str) -> Option<&'a str> {
        self.get(name)?.as_str()
    }

    /// Column `name` as a whole number ([`Value::as_i64`]).
    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name)?.as_i64()
    }

    /// Column `name` as a number ([`Value::as_f64`]).
    pub fn number(&self, name: &str) -> Option<f64> {
        self.get(name)?.as_f64()
    }

    /// Column `name` as a list of strings ([`Value::as_list`]).
    pub fn list(&self, name: &str) -> Option<&'a [String]> {
        self.get(name)?.as_list()
    }

    /// The cells, in column order.
    pub fn cells(&self) -> &'a [Value] {
        self.cells
    }
}

/// What running a statement cost, and what a person should know about it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecStats {
    /// Claims read from the store and decoded.
    pub claims_read: u64,
    /// Remarks on the statement that are not errors: "no speaker is called
    /// "Vasqez" (did you mean "Vásquez"?)". The shell prints them on stderr.
    pub notes: Vec<String>,
}
