//! The commands that are not statements of the query language: `locate`,
//! `check`, `update-source`, `import` and `export`. Each prints its result on stdout and its
//! errors on stderr, and returns whether it succeeded.

use std::path::Path;

use claimdb::cite::{self, Hint};
use claimdb::error::quoted;
use claimdb::render::{checks_table, plural, render_citation, render_rows, Format};
use claimdb::{CheckScope, Recheck, Status};

use crate::shell::Shell as Session;

fn read_text(path: &Path) -> Option<String> {
    match claimdb::limits::read_text_file(path, claimdb::limits::MAX_SOURCE_TEXT_BYTES) {
        Ok(text) => Some(text),
        Err(e) => {
            eprintln!("error: cannot read {e}");
            None
        }
    }
}

/// `claimdb locate FILE QUOTE`: true when the quote is verified.
pub fn locate(file: &Path, quote: &str, hint: Option<&Hint>, format: Format) -> bool {
    let Some(text) = read_text(file) else {
        return false;
    };
    let citation = cite::locate_with(&text, &cite::normalize_source(&text), quote, hint);
    print!(
        "{}{}",
        render_citation(&citation, quote, &file.display().to_string(), format),
        format.line_end()
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
    let failed = report.iter().filter(|r| r.after == Status::Broken).count();
    let unverified = report
        .iter()
        .filter(|r| r.after == Status::Unverified)
        .count();
    let summary = format!(
        "{} checked: {} verified, {failed} broken, {unverified} unverified (no source text)",
        plural(report.len() as u64, "claim"),
        report.len() - failed - unverified
    );
    print_report(session, &report, &summary, |r| r.after == Status::Broken);
    if failed > 0 {
        let verify = if failed == 1 { "does" } else { "do" };
        eprintln!(
            "error: {failed} of {} {verify} not verify",
            plural(report.len() as u64, "claim")
        );
    }
    failed == 0
}

/// `claimdb update-source ID FILE`: true when the text was replaced and
/// every claim of the source still verifies.
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
    let changed = report.iter().filter(|r| r.before != r.after).count();
    let broken = report.iter().filter(|r| r.after == Status::Broken).count();
    let summary = format!(
        "source {} updated: {} re-anchored, {} verified, {broken} broken, {changed} changed status",
        quoted(id),
        plural(report.len() as u64, "claim"),
        report.len() - broken,
    );
    print_report(session, &report, &summary, |r| r.before != r.after);
    // The text is replaced either way; a script must still notice the
    // claims it broke, as `check` makes it.
    if broken > 0 {
        let (claims, verify) = if broken == 1 {
            ("claim", "verifies")
        } else {
            ("claims", "verify")
        };
        eprintln!(
            "error: {broken} {claims} of source {} no longer {verify} against the new text",
            quoted(id)
        );
    }
    broken == 0
}

/// `claimdb verify [--repair]`: true when nothing is (still) wrong.
pub fn verify(session: &Session, repair: bool) -> bool {
    let before = match session.db.verify() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return false;
        }
    };
    let after = if repair && !before.is_ok() {
        match session.db.repair() {
            Ok(r) => Some(r),
            Err(e) => {
                eprintln!("error: the repair failed, nothing was changed: {e}");
                return false;
            }
        }
    } else {
        None
    };
    let last = after.as_ref().unwrap_or(&before);
    if session.format != Format::Table {
        let json = serde_json::json!({ "found": before, "after_repair": after });
        let text = match session.format {
            Format::Json => serde_json::to_string_pretty(&json),
            _ => serde_json::to_string(&json),
        };
        println!("{}", text.unwrap_or_default());
        return last.is_ok();
    }
    println!(
        "checked {}, {}, {}, {}: {}",
        plural(before.claims, "claim"),
        plural(before.speakers, "speaker"),
        plural(before.sources, "source"),
        plural(before.index_entries, "index entry"),
        match before.problems.len() {
            0 => "no problems".to_string(),
            n => plural(n as u64, "problem"),
        }
    );
    for p in &before.problems {
        let fix = if p.repairable {
            "repairable"
        } else {
            "not repairable"
        };
        println!("  {}: {} ({fix})", p.area, p.message);
    }
    if let Some(after) = &after {
        let mended = before.problems.len().saturating_sub(after.problems.len());
        println!(
            "repaired: rebuilt the indexes, names and counters; {mended} fixed, {} left",
            after.problems.len()
        );
        for p in &after.problems {
            println!("  still: {}: {}", p.area, p.message);
        }
    } else if !before.is_ok() && before.problems.iter().any(|p| p.repairable) {
        println!("run `claimdb verify --repair` to rebuild what can be derived");
    }
    last.is_ok()
}

/// Prints a re-check report: in a table, the summary and the rows `shown`
/// picks (what needs attention); in the other formats, every row.
fn print_report(
    session: &Session,
    report: &[Recheck],
    summary: &str,
    shown: impl Fn(&Recheck) -> bool,
) {
    let speakers = session.db.speakers().unwrap_or_default();
    if session.format != Format::Table {
        print!(
            "{}{}",
            render_rows(
                &checks_table(report, &speakers),
                session.format,
                Session::width()
            ),
            session.format.line_end()
        );
        return;
    }
    println!("{summary}");
    let picked: Vec<Recheck> = report.iter().filter(|r| shown(r)).cloned().collect();
    if !picked.is_empty() {
        println!(
            "{}",
            render_rows(
                &checks_table(&picked, &speakers),
                Format::Table,
                Session::width()
            )
        );
    }
}

/// `claimdb import FILE...`: true when no row was refused.
pub fn import(
    session: &Session,
    files: &[std::path::PathBuf],
    options: &claimdb::import::ImportOptions,
) -> bool {
    // A progress bar on a terminal; nothing when stderr is a file or a pipe.
    let bar = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} importing {pos}/{len} rows [{bar:30}] {per_sec} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    });
    let mut options = options.clone();
    if let Some(bar) = &bar {
        let bar = bar.clone();
        options.progress = Some(claimdb::import::Progress(std::sync::Arc::new(
            move |done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            },
        )));
    }
    let result = session.db.import(files, &options);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match result {
        Ok(report) => {
            let text = claimdb::render::render_import(&report, session.format);
            print!("{text}");
            if !text.ends_with('\n') {
                println!();
            }
            !report.refused()
        }
        Err(e) => {
            eprintln!("error: {e}");
            false
        }
    }
}

/// `claimdb export`: the database, or the claims a query selects, on
/// standard output.
pub fn export(session: &Session, options: &claimdb::export::ExportOptions) -> bool {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match session.db.export(options, &mut out) {
        Ok(_) => true,
        Err(e) => {
            eprintln!("error: {e}");
            false
        }
    }
}

/// `claimdb extract SOURCE [--accept [--min-confidence X]]`: true when the
/// source could be read (and, with --accept, nothing was refused).
pub fn extract(session: &Session, source: &str, accept: Option<f64>) -> bool {
    use claimdb::render::{Table, Value};
    let proposals = match session.db.extract(source) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return false;
        }
    };
    if let Some(min) = accept {
        if !(0.0..=1.0).contains(&min) {
            eprintln!("error: --min-confidence {min} is outside 0..=1");
            return false;
        }
    }
    if session.format == Format::Json && accept.is_none() {
        match serde_json::to_string_pretty(&proposals) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: {e}");
                return false;
            }
        }
    } else if accept.is_none() || session.format == Format::Table {
        let columns = [
            "speaker",
            "mode",
            "confidence",
            "rule",
            "quote",
            "why",
            "start_byte",
            "end_byte",
            "new_speaker",
        ];
        let rows = proposals
            .iter()
            .map(|p| {
                vec![
                    Value::Text(p.speaker.clone()),
                    Value::Text(p.mode.as_str().into()),
                    Value::Num(p.confidence),
                    Value::Text(p.rule.into()),
                    Value::Text(p.quote.clone()),
                    Value::Text(p.rationale.clone()),
                    Value::Int(p.start_byte as i64),
                    Value::Int(p.end_byte as i64),
                    Value::Text(if p.known_speaker { "" } else { "new" }.into()),
                ]
            })
            .collect();
        let table = Table {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
            brief: vec![0, 8, 1, 2, 4],
            shrink: Some(4),
        };
        if accept.is_none() || session.format == Format::Table {
            print!(
                "{}{}",
                render_rows(&table, session.format, Session::width()),
                session.format.line_end()
            );
        }
    }
    let Some(min) = accept else {
        if session.format == Format::Table {
            eprintln!(
                "{} proposed from {} (--accept adds them as claims)",
                plural(proposals.len() as u64, "claim"),
                quoted(source)
            );
        }
        return true;
    };
    match session.db.accept(source, &proposals, min) {
        Ok(report) => {
            if session.format == Format::Table {
                println!(
                    "added {} ({} new speakers), {} already stored, {} below confidence {min}, {} refused",
                    plural(report.added.len() as u64, "claim"),
                    report.new_speakers.len(),
                    report.duplicates,
                    report.below_confidence,
                    report.refused.len()
                );
                for r in &report.refused {
                    eprintln!("refused: {r}");
                }
            } else {
                println!("{}", serde_json::to_string(&report).unwrap_or_default());
            }
            report.refused.is_empty()
        }
        Err(e) => {
            eprintln!("error: nothing was added: {e}");
            false
        }
    }
}
