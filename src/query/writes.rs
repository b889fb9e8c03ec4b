//! Typed writes: the `name = value` pairs of `add claim with`, `add source
//! ... with` and `update ... set`, read once into structs.
//!
//! The parser keeps what was written (an [`Assignment`] names its field as
//! text, so that a misspelt one gets a did-you-mean); here each name is
//! looked up once in the table of settable fields ([`Setting`], in
//! `fields.rs`) and each value checked against the kind it must be. The
//! checker calls these functions to refuse a bad write before anything
//! runs, and the database builds its writes from the structs they return:
//! there is no second reading of the pairs, and a value is never looked up
//! by its name again.

use super::ast::{quote_string, Assignment, Literal, Spanned};
use super::fields::{Setting, ValueKind, WriteStatement};
use super::parse::did_you_mean;
use crate::error::{QueryError, Span};
use crate::model::{ClaimChanges, SourceChanges, SourceKind};

/// `add claim with ...`: a new claim as written.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimValues {
    /// Who made it, by any of their names (the span points at the value).
    pub speaker: Spanned<String>,
    /// The source that holds the quote.
    pub source: Spanned<String>,
    /// The source where the claim was first made.
    pub origin: Option<Spanned<String>>,
    /// The verbatim quote.
    pub quote: String,
    /// The claim in plain words.
    pub statement: String,
    /// 0 to 1 (the writer refuses anything else, naming the range).
    pub confidence: f64,
    /// Why that confidence.
    pub rationale: String,
    /// Tags.
    pub tags: Vec<String>,
    /// The caller's own key.
    pub key: Option<String>,
    /// Words just before the quote (to choose among repeated passages).
    pub prefix: Option<String>,
    /// Words just after it.
    pub suffix: Option<String>,
    /// A byte offset near the occurrence meant.
    pub position: Option<usize>,
}

/// `add source "id" with ...`: a new source as written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceValues {
    /// The record's fields.
    pub record: SourceChanges,
    /// Its text, inline.
    pub text: Option<String>,
    /// A file holding its text (read by the database, with the file's limit).
    pub text_file: Option<Spanned<String>>,
}

/// `update speakers set ...`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpeakerSet {
    /// New description.
    pub description: Option<String>,
}

/// The pairs of one write, each name resolved to its [`Setting`] and each
/// value checked against its kind; refused with a caret at the first
/// unknown, repeated or ill-typed one.
fn settings(
    write: WriteStatement,
    fields: &[Assignment],
) -> Result<Vec<(Setting, &Spanned<Literal>)>, QueryError> {
    let mut out: Vec<(Setting, &Spanned<Literal>)> = Vec::with_capacity(fields.len());
    for a in fields {
        let Some(setting) = Setting::lookup(write, &a.name.node) else {
            let names: Vec<&str> = Setting::of(write).map(Setting::name).collect();
            let hint = did_you_mean(&a.name.node, names.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_else(|| format!("; use {}", names.join(", ")));
            return Err(QueryError::new(
                format!("`{}` cannot be set here{hint}", a.name.node),
                a.name.span,
            ));
        };
        if out.iter().any(|(s, _)| *s == setting) {
            return Err(QueryError::new(
                format!("`{}` is set twice", a.name.node),
                a.name.span,
            ));
        }
        let fits = match (setting.kind(), &a.value.node) {
            (ValueKind::Text, Literal::Str(_)) | (ValueKind::Number, Literal::Num(_)) => true,
            (ValueKind::TextList, Literal::List(items)) => {
                items.iter().all(|i| matches!(i, Literal::Str(_)))
            }
            (ValueKind::TextList, Literal::Str(_)) => true,
            _ => false,
        };
        if !fits {
            return Err(QueryError::new(
                format!("`{}` takes {}", a.name.node, setting.kind().expected()),
                a.value.span,
            ));
        }
        out.push((setting, &a.value));
    }
    Ok(out)
}

/// The text of a value the kind check found to be a string.
fn text(value: &Spanned<Literal>) -> String {
    match &value.node {
        Literal::Str(s) => s.clone(),
        other => other.to_string(),
    }
}

fn spanned_text(value: &Spanned<Literal>) -> Spanned<String> {
    Spanned::new(text(value), value.span)
}

fn number(value: &Spanned<Literal>) -> f64 {
    match value.node {
        Literal::Num(n) => n,
        _ => f64::NAN,
    }
}

fn texts(value: &Spanned<Literal>) -> Vec<String> {
    match &value.node {
        Literal::List(items) => items
            .iter()
            .map(|i| match i {
                Literal::Str(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        _ => vec![text(value)],
    }
}

fn source_kind(value: &Spanned<Literal>) -> Result<SourceKind, QueryError> {
    let k = text(value).to_lowercase();
    SourceKind::ALL
        .into_iter()
        .find(|s| s.as_str() == k)
        .ok_or_else(|| {
            let kinds: Vec<&str> = SourceKind::ALL.iter().map(|s| s.as_str()).collect();
            QueryError::new(
                format!(
                    "unknown kind {}: a kind is {}",
                    quote_string(&text(value)),
                    kinds.join(", ")
                ),
                value.span,
            )
        })
}

/// "`confidence` is required", pointing past the last pair written (or at
/// the statement when there is none).
fn required(name: &str, fields: &[Assignment], at: Span) -> QueryError {
    let end = fields.last().map_or(at, |a| a.value.span);
    QueryError::new(format!("`{name}` is required"), end)
}

/// Reads the pairs of `add claim with ...`; `at` is where the statement is,
/// for an error about a field left out.
pub fn claim_values(fields: &[Assignment], at: Span) -> Result<ClaimValues, QueryError> {
    let mut speaker = None;
    let mut source = None;
    let mut quote = None;
    let mut statement = None;
    let mut confidence = None;
    let mut rationale = None;
    let mut values = ClaimValues {
        speaker: Spanned::new(String::new(), at),
        source: Spanned::new(String::new(), at),
        origin: None,
        quote: String::new(),
        statement: String::new(),
        confidence: f64::NAN,
        rationale: String::new(),
        tags: Vec::new(),
        key: None,
        prefix: None,
        suffix: None,
        position: None,
    };
    for (setting, value) in settings(WriteStatement::AddClaim, fields)? {
        match setting {
            Setting::Speaker => speaker = Some(spanned_text(value)),
            Setting::Source => source = Some(spanned_text(value)),
            Setting::Origin => values.origin = Some(spanned_text(value)),
            Setting::Quote => quote = Some(text(value)),
            Setting::Statement => statement = Some(text(value)),
            Setting::Confidence => confidence = Some(number(value)),
            Setting::Rationale => rationale = Some(text(value)),
            Setting::Tags => values.tags = texts(value),
            Setting::Key => values.key = Some(text(value)),
            Setting::Prefix => values.prefix = Some(text(value)),
            Setting::Suffix => values.suffix = Some(text(value)),
            Setting::Position => {
                let n = number(value);
                if !(n >= 0.0 && n.fract() == 0.0 && n <= usize::MAX as f64) {
                    return Err(QueryError::new(
                        "`position` takes a byte offset: a whole number from 0",
                        value.span,
                    ));
                }
                values.position = Some(n as usize);
            }
            // `settings` lets through only what `add claim` accepts.
            _ => {}
        }
    }
    values.speaker = speaker.ok_or_else(|| required("speaker", fields, at))?;
    values.source = source.ok_or_else(|| required("source", fields, at))?;
    values.quote = quote.ok_or_else(|| required("quote", fields, at))?;
    values.statement = statement.ok_or_else(|| required("statement", fields, at))?;
    values.confidence = confidence.ok_or_else(|| required("confidence", fields, at))?;
    values.rationale = rationale.ok_or_else(|| required("rationale", fields, at))?;
    Ok(values)
}

/// Reads the pairs of `update claims set ...`.
pub fn claim_set(fields: &[Assignment]) -> Result<ClaimChanges, QueryError> {
    let mut set = ClaimChanges::default();
    for (setting, value) in settings(WriteStatement::UpdateClaims, fields)? {
        match setting {
            Setting::Confidence => set.confidence = Some(number(value)),
            Setting::Rationale => set.rationale = Some(text(value)),
            Setting::Statement => set.statement = Some(text(value)),
            Setting::Tags => set.tags = Some(texts(value)),
            Setting::Origin => set.origin = Some(text(value)),
            Setting::Quote => set.quote = Some(text(value)),
            _ => {}
        }
    }
    Ok(set)
}

/// Reads a source's record fields for `write` (`add source` or `update
/// sources`), and for `add source` its text.
fn source_fields(write: WriteStatement, fields: &[Assignment]) -> Result<SourceValues, QueryError> {
    let mut values = SourceValues::default();
    let record = &mut values.record;
    for (setting, value) in settings(write, fields)? {
        match setting {
            Setting::Title => record.title = Some(text(value)),
            Setting::Author => record.author = Some(text(value)),
            Setting::Publisher => record.publisher = Some(text(value)),
            Setting::Date => record.date = Some(text(value)),
            Setting::Kind => record.kind = Some(source_kind(value)?),
            Setting::Url => record.url = Some(text(value)),
            Setting::Notes => record.notes = Some(text(value)),
            Setting::Text => values.text = Some(text(value)),
            Setting::TextFile => values.text_file = Some(spanned_text(value)),
            _ => {}
        }
    }
    Ok(values)
}

/// Reads the pairs of `add source "id" with ...` (`title` is required;
/// `at` is the id's span).
pub fn source_values(fields: &[Assignment], at: Span) -> Result<SourceValues, QueryError> {
    let values = source_fields(WriteStatement::AddSource, fields)?;
    if values.record.title.is_none() {
        return Err(required("title", fields, at));
    }
    Ok(values)
}

/// Reads the pairs of `update sources set ...`.
pub fn source_set(fields: &[Assignment]) -> Result<SourceChanges, QueryError> {
    Ok(source_fields(WriteStatement::UpdateSources, fields)?.record)
}

/// Reads the pairs of `update speakers set ...`.
pub fn speaker_set(fields: &[Assignment]) -> Result<SpeakerSet, QueryError> {
    let mut set = SpeakerSet::default();
    for (setting, value) in settings(WriteStatement::UpdateSpeakers, fields)? {
        if setting == Setting::Description {
            set.description = Some(text(value));
        }
    }
    Ok(set)
}
