//! Citation verdicts and re-check reports, as people and programs read them.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::json;

use super::{Format, Table, Value};
use crate::cite::{write_findings, Citation};
use crate::db::Recheck;
use crate::model::{Speaker, SpeakerId};

/// Renders one [`Citation`] of `quote` in the text named `origin` (a file name).
pub fn render_citation(c: &Citation, quote: &str, origin: &str, format: Format) -> String {
    if format == Format::Json {
        let value =
            json!({ "file": origin, "quote": quote, "verified": c.is_verified(), "result": c });
        return serde_json::to_string_pretty(&value).unwrap_or_default();
    }
    let mut out = String::new();
    let verified = if c.edited {
        "verified with edits"
    } else {
        "verified"
    };
    let _ = match c.verdict {
        crate::cite::Verdict::Exact => write!(out, "{verified}: exact"),
        crate::cite::Verdict::Normalized => {
            let rules: Vec<&str> = c.normalizations.iter().map(|r| r.describe()).collect();
            if rules.is_empty() {
                write!(out, "{verified}: after normalization")
            } else {
                write!(
                    out,
                    "{verified}: after normalization ({})",
                    rules.join(", ")
                )
            }
        }
        crate::cite::Verdict::Approximate => write!(
            out,
            "NOT verified: approximate ({:.0}% similar)",
            c.score * 100.0
        ),
        crate::cite::Verdict::NotFound => write!(out, "NOT verified: not found"),
    };
    if let Some(at) = c.location.as_ref().filter(|_| c.is_verified()) {
        let _ = write!(
            out,
            "\n  at:      {origin}:{}:{} to {}:{} (bytes {}..{}, characters {}..{})",
            at.line,
            at.column,
            at.end_line,
            at.end_column,
            at.start_byte,
            at.end_byte,
            at.start_char,
            at.end_char
        );
        let _ = write!(
            out,
            "\n  context: …{}[{}]{}…",
            squash(&at.prefix),
            one_line(&at.text),
            squash(&at.suffix)
        );
        if c.occurrences > 1 {
            let _ = write!(
                out,
                "\n  note: the quote occurs {} times; this is the one chosen",
                c.occurrences
            );
        }
    } else if let Some(at) = &c.location {
        let _ = write!(out, "\n  quote:   \"{}\"", one_line(quote));
        let _ = write!(
            out,
            "\n  source:  \"{}\"\n           at {origin}:{}:{}",
            one_line(&at.text),
            at.line,
            at.column
        );
        let changes = Citation {
            location: None,
            ..c.clone()
        };
        let _ = write_findings(&mut out, &changes);
        return out;
    }
    let _ = write_findings(
        &mut out,
        &Citation {
            location: None,
            ..c.clone()
        },
    );
    out
}

/// Runs of whitespace (line breaks included) as one space, keeping a space
/// at either end: context beside a marked passage keeps its word breaks.
fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A table of re-check results, one row per claim.
pub fn checks_table(report: &[Recheck], speakers: &[Speaker]) -> Table {
    let names: HashMap<SpeakerId, &str> =
        speakers.iter().map(|s| (s.id, s.name.as_str())).collect();
    let rows = report
        .iter()
        .map(|r| {
            let at = r.citation.location.as_ref();
            vec![
                Value::Int(r.claim as i64),
                Value::Text(names.get(&r.speaker).copied().unwrap_or("").to_string()),
                Value::Text(r.before.as_str().into()),
                Value::Text(r.after.as_str().into()),
                Value::Text(r.citation.verdict.as_str().into()),
                at.map_or(Value::Null, |l| Value::Int(l.line as i64)),
                at.map_or(Value::Null, |l| Value::Int(l.column as i64)),
                Value::Num((r.citation.score * 1000.0).round() / 1000.0),
                Value::Text(r.citation.findings().join("; ")),
            ]
        })
        .collect();
    Table::new(
        &[
            "claim", "speaker", "before", "after", "verdict", "line", "column", "score", "detail",
        ],
        rows,
        vec![0, 1, 2, 3, 4, 5, 6, 8],
        Some(8),
    )
}
