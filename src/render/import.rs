//! An import's report, as people and programs read it.

use std::fmt::Write as _;

use super::Format;
use crate::error::plural;
use crate::import::{ImportReport, Outcome};

/// Renders an import report: for people, every row that was not simply
/// added (with its FILE:LINE) and a summary; for programs (`json`,
/// `jsonl`), every row.
pub fn render_import(report: &ImportReport, format: Format) -> String {
    match format {
        Format::Json => return serde_json::to_string_pretty(report).unwrap_or_default(),
        Format::Jsonl => return serde_json::to_string(report).unwrap_or_default(),
        _ => {}
    }
    let mut out = String::new();
    // Rows already stored are counted, not listed: a re-import of a
    // large file would list every row.
    // An added row is listed only with a warning (a claim whose source
    // credits someone else).
    let listed = |r: &&crate::import::RowReport| {
        matches!(r.outcome, Outcome::Refused | Outcome::Updated)
            || (r.outcome == Outcome::Added && r.message.as_deref().is_some_and(|m| !m.is_empty()))
    };
    for row in report.rows.iter().filter(listed) {
        // A dry run (or an import refused as a whole) wrote nothing: its
        // rows say what would have happened, not what did.
        let outcome = match (report.written, row.outcome) {
            (false, Outcome::Added) => "would be added",
            (false, Outcome::Updated) => "would be updated",
            (_, outcome) => outcome.as_str(),
        };
        let _ = write!(out, "{}:{}: {} {outcome}", row.file, row.line, row.kind);
        if let Some(m) = &row.message {
            let _ = write!(out, ": {m}");
        }
        out.push('\n');
        for f in &row.findings {
            let _ = writeln!(out, "    {f}");
        }
    }
    out.push_str(&summary(report));
    out
}

/// One line: what was (or, in a dry run or a refused import, would have
/// been) written, what was already there, what was refused.
pub fn summary(report: &ImportReport) -> String {
    let added: Vec<String> = ["source", "speaker", "claim"]
        .iter()
        .map(|kind| plural(report.count_of(kind, Outcome::Added) as u64, kind))
        .collect();
    let mut line = if report.written {
        format!("imported: {} added", added.join(", "))
    } else if report.dry_run {
        format!(
            "dry run, nothing written: {} would be added",
            added.join(", ")
        )
    } else {
        format!(
            "nothing written, a refused row stops the whole import (--partial writes the good rows): {} would be added",
            added.join(", ")
        )
    };
    // A dump's history, restored or not: one figure, not a row per version.
    let restored = report.count_of("version", Outcome::Added);
    if restored > 0 {
        let _ = write!(
            line,
            ", {} {}",
            plural(restored as u64, "version"),
            if report.written {
                "restored"
            } else {
                "would be restored"
            }
        );
    }
    for outcome in [Outcome::Updated, Outcome::Unchanged, Outcome::Refused] {
        let n = report.counted(|k, o| o == outcome && k != "dump" && k != "version");
        if n > 0 {
            let _ = write!(line, ", {n} {}", outcome.as_str());
        }
    }
    let left_out = report.count_of("version", Outcome::Unchanged);
    if left_out > 0 {
        let _ = write!(
            line,
            "; {} left out (a dump's history is restored only into an empty database)",
            plural(left_out as u64, "version")
        );
    }
    if report.unlisted > 0 {
        let _ = write!(
            line,
            "; {} counted but not listed",
            plural(report.unlisted, "row")
        );
    }
    let _ = write!(line, "; {:.2} s", report.seconds);
    let added = report.count(Outcome::Added);
    if added > 0 {
        let _ = write!(
            line,
            ", {:.0} rows/s",
            added as f64 / report.seconds.max(1e-9)
        );
    }
    line.push('\n');
    line
}
