//! `show claim N` as a person reads it: the record's fields, then the cited
//! passage in its source, the lines around it, the quote marked. Everything
//! is wrapped to the terminal's width, under its label or line number, and
//! no value prints a raw line break.

use std::fmt::Write as _;

use super::table::{one_line, wrap};
use crate::query::{ClaimDetail, SourceDetail};

/// Columns taken by a field's label: two spaces, eleven, one space.
const LABEL: usize = 14;

/// Characters of context kept either side of the quote on its own line.
const AROUND: usize = 160;

pub(super) fn render_detail(d: &ClaimDetail, width: usize) -> String {
    let c = &d.row.claim;
    let mut out = String::new();
    let _ = writeln!(out, "claim {}", c.id);
    let room = width.saturating_sub(LABEL).max(20);
    let field = |out: &mut String, name: &str, value: &str| {
        for (i, line) in wrap(&one_line(value), room).iter().enumerate() {
            let label = if i == 0 { name } else { "" };
            let _ = writeln!(out, "{}", format!("  {label:<11} {line}").trim_end());
        }
    };
    field(&mut out, "speaker:", &d.row.speaker_name);
    field(&mut out, "statement:", &c.statement);
    field(&mut out, "quote:", &format!("\"{}\"", c.quote));
    let status = match &c.anchor {
        Some(a) if c.status == crate::model::Status::Verified => format!(
            "{}{} ({}), line {} column {}",
            c.status.as_str(),
            if crate::cite::has_edits(&c.quote) {
                " with edits"
            } else {
                ""
            },
            if a.exact {
                "exact"
            } else {
                "after normalization"
            },
            a.line,
            a.column
        ),
        _ => c.status.as_str().to_string(),
    };
    // A real quote pinned on the wrong person is never shown as fully verified.
    let status = match &c.attribution {
        Some(a) if a.verdict == crate::model::AttributionVerdict::DifferentSpeaker => {
            format!("{status}; the quote only: its source credits someone else")
        }
        _ => status,
    };
    field(&mut out, "source:", &c.source);
    field(&mut out, "status:", &status);
    if let Some(a) = &c.attribution {
        field(&mut out, "attributed:", &attribution_line(a, c.mode));
    }
    if let Some(o) = &c.origin {
        field(&mut out, "origin:", o);
    }
    field(
        &mut out,
        "confidence:",
        &format!("{} — {}", c.confidence, c.rationale),
    );
    field(&mut out, "tags:", &c.tags.join(", "));
    if let Some(m) = &c.mismatch {
        field(
            &mut out,
            "broken:",
            &format!("{} ({:.0}% similar)", m.verdict, m.score * 100.0),
        );
        if let Some(p) = &m.passage {
            field(
                &mut out,
                "source has:",
                &format!("\"{p}\" (line {}, column {})", m.line, m.column),
            );
        }
        for change in &m.changes {
            field(&mut out, "", &format!("- {change}"));
        }
    }
    if d.context.is_empty() {
        return out.trim_end().to_string();
    }
    let _ = writeln!(out, "  passage:");
    let gutter = d.context.last().map_or(1, |l| l.number.to_string().len());
    let room = width.saturating_sub(gutter + 5).max(20);
    for line in &d.context {
        let chars: Vec<char> = line.text.chars().collect();
        let shown = match line.quoted {
            Some((s, e)) => {
                let from = s.saturating_sub(AROUND);
                let to = (e + AROUND).min(chars.len());
                format!(
                    "{}{}»{}«{}{}",
                    if from > 0 { "…" } else { "" },
                    chars[from..s].iter().collect::<String>(),
                    chars[s..e].iter().collect::<String>(),
                    chars[e..to].iter().collect::<String>(),
                    if to < chars.len() { "…" } else { "" },
                )
            }
            None if chars.len() > room => format!("{}…", chars[..room].iter().collect::<String>()),
            None => line.text.clone(),
        };
        for (i, part) in wrap(&one_line(&shown), room).iter().enumerate() {
            let row = if i == 0 {
                format!("  {:>gutter$} | {part}", line.number)
            } else {
                format!("  {:>gutter$} | {part}", "")
            };
            let _ = writeln!(out, "{}", row.trim_end());
        }
    }
    out.trim_end().to_string()
}

/// The attribution check in one line: "confirmed: “Thae says” (line 26,
/// column 680), direct quotation", or whom the source credits instead.
pub fn attribution_line(a: &crate::model::Attribution, mode: Option<crate::model::Mode>) -> String {
    a.describe(mode)
}

/// `show source "ID"` as a person reads it: the record, then the text's
/// lines (all of them, or those asked for), numbered, each wrapped under
/// its number; nothing is cut.
pub(super) fn render_source(d: &SourceDetail, width: usize) -> String {
    let s = &d.row.source;
    let mut out = String::new();
    let _ = writeln!(out, "source {}", s.id);
    let room = width.saturating_sub(LABEL).max(20);
    let field = |out: &mut String, name: &str, value: &str| {
        for (i, line) in wrap(&one_line(value), room).iter().enumerate() {
            let label = if i == 0 { name } else { "" };
            let _ = writeln!(out, "{}", format!("  {label:<11} {line}").trim_end());
        }
    };
    field(&mut out, "title:", &s.title);
    field(&mut out, "kind:", s.kind.as_str());
    for (name, value) in [
        ("author:", &s.author),
        ("publisher:", &s.publisher),
        ("date:", &s.date),
        ("url:", &s.url),
        ("notes:", &s.notes),
    ] {
        if let Some(v) = value {
            field(&mut out, name, v);
        }
    }
    field(
        &mut out,
        "claims:",
        &format!(
            "{} quote it, {} name it as origin",
            d.row.claims, d.row.origin_of
        ),
    );
    match &s.sha256 {
        None => {
            field(&mut out, "text:", "none held");
            return out.trim_end().to_string();
        }
        Some(sha) => field(
            &mut out,
            "text:",
            &format!(
                "{} bytes, {} lines, sha256 {sha}",
                s.text_len, d.total_lines
            ),
        ),
    }
    if let (Some(first), Some(last)) = (d.lines.first(), d.lines.last()) {
        let _ = writeln!(
            out,
            "  lines {} to {} of {}:",
            first.number, last.number, d.total_lines
        );
    }
    let gutter = d.lines.last().map_or(1, |l| l.number.to_string().len());
    let room = width.saturating_sub(gutter + 5).max(20);
    for line in &d.lines {
        for (i, part) in wrap(&line.text, room).iter().enumerate() {
            let number = if i == 0 {
                line.number.to_string()
            } else {
                String::new()
            };
            let row = format!("  {number:>gutter$} | {part}");
            let _ = writeln!(out, "{}", row.trim_end());
        }
    }
    out.trim_end().to_string()
}
