//! The commands that are not statements of the query language: `locate`,
//! `check` and `update-source`. Each prints its result on stdout and its
//! errors on stderr, and returns whether it succeeded.

use std::path::Path;

use claimdb::cite::{self, Hint};
use claimdb::render::{checks_table, render_citation, render_rows, render_table, Format};
use claimdb::{CheckScope, Status};

use crate::shell::Shell as Session;

fn read_text(path: &Path) -> Option<String> {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                eprintln!(
                    "error: {}: not UTF-8 text (invalid byte at offset {at})",
                    path.display()
                );
                None
            }
        },
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            None
        }
    }
}

/// `claimdb locate FILE QUOTE`: true when the quote is verified.
pub fn locate(file: &Path, quote: &str, hint: Option<&Hint>, format: Format) -> bool {
    let Some(text) = read_text(file) else {
        return false;
    };
    let citation = cite::locate_with(&text, &cite::normalize(&text), quote, hint);
    println!(
        "{}",
        render_citation(&citation, quote, &file.display().to_string(), format)
    );
    citation.is_verified()
}

/// `claimdb check`: true when every checked claim verifies (or has no text to check).
pub fn check(session: &Session, scope: &CheckScope) -> bool {
    let report = match session.db.check(scope) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return false;
        }
    };
    let speakers = session.db.speakers().unwrap_or_default();
    let failed = report.iter().filter(|r| r.after == Status::Broken).count();
    let unverified = report
        .iter()
        .filter(|r| r.after == Status::Unverified)
        .count();
    match session.format {
        Format::Json | Format::Jsonl | Format::Csv => {
            println!(
                "{}",
                render_rows(
                    &checks_table(&report, &speakers),
                    session.format,
                    Session::width()
                )
            )
        }
        Format::Table => {
            // Only what needs attention; the other formats have every row.
            println!(
                "{} claims checked: {} verified, {failed} broken, {unverified} unverified (no source text)",
                report.len(),
                report.len() - failed - unverified
            );
            let problems: Vec<_> = report
                .iter()
                .filter(|r| r.after == Status::Broken)
                .cloned()
                .collect();
            if !problems.is_empty() {
                println!(
                    "{}",
                    render_table(&checks_table(&problems, &speakers), Session::width())
                );
            }
        }
    }
    if failed > 0 {
        eprintln!("error: {failed} of {} claims do not verify", report.len());
    }
    failed == 0
}

/// `claimdb update-source ID FILE`: true when the text was replaced.
pub fn update_source(session: &Session, id: &str, file: &Path) -> bool {
    let Some(text) = read_text(file) else {
        return false;
    };
    let report = match session.db.replace_source_text(id, &text) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return false;
        }
    };
    let speakers = session.db.speakers().unwrap_or_default();
    let changed: Vec<_> = report
        .iter()
        .filter(|r| r.before != r.after)
        .cloned()
        .collect();
    let broken = report.iter().filter(|r| r.after == Status::Broken).count();
    match session.format {
        Format::Json | Format::Jsonl | Format::Csv => {
            println!(
                "{}",
                render_rows(
                    &checks_table(&report, &speakers),
                    session.format,
                    Session::width()
                )
            )
        }
        Format::Table => {
            println!(
                "source {id:?} updated: {} claims re-anchored, {} verified, {broken} broken, {} changed status",
                report.len(),
                report.len() - broken,
                changed.len()
            );
            if !changed.is_empty() {
                println!(
                    "{}",
                    render_table(&checks_table(&changed, &speakers), Session::width())
                );
            }
        }
    }
    true
}
