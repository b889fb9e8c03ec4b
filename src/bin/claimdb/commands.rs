//! The commands that are not statements of the query language: `locate`,
//! `check`, `update-source`, `import` and `export`. Each prints its result on stdout and its
//! errors on stderr, and returns whether it succeeded.

use std::path::Path;

use claimdb::cite::{self, Hint};
use claimdb::error::quoted;
use claimdb::render::{checks_table, plural, render_citation, render_rows, Format};
use claimdb::{CheckScope, Recheck, Status};

use crate::args::{Command, ExportFormatArg, InputFormatArg};
use crate::conn::Conn;
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
    crate::out!(
        "{}{}",
        render_citation(&citation, quote, &file.display().to_string(), format),
        format.line_end()
    );
    citation.is_verified()
}

/// `claimdb check`: true when every checked claim verifies (or has no text to check).
pub fn check(session: &Session, scope: &CheckScope) -> bool {
    // For a table, only the broken claims are shown: the others are
    // counted as they pass, not kept.
    let mut counted = [0usize; 3];
    let kept = match (&session.conn, session.format) {
        (Conn::Local { db, .. }, Format::Table) => {
            let mut broken = Vec::new();
            db.check_each(scope, &mut |r| {
                counted[match r.after {
                    Status::Broken => 1,
                    Status::Unverified => 2,
                    _ => 0,
                }] += 1;
                if r.after == Status::Broken {
                    broken.push(r);
                }
                Ok(())
            })
            .map(|()| broken)
        }
        _ => checks(session, scope).inspect(|report| {
            for r in report {
                counted[match r.after {
                    Status::Broken => 1,
                    Status::Unverified => 2,
                    _ => 0,
                }] += 1;
            }
        }),
    };
    let report = match kept {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return false;
        }
    };
    let [verified, failed, unverified] = counted;
    let total = verified + failed + unverified;
    let summary = format!(
        "{} checked: {verified} verified, {failed} broken, {unverified} unverified (no source text)",
        plural(total as u64, "claim"),
    );
    print_report(session, &report, &summary, |r| r.after == Status::Broken);
    if failed > 0 {
        let verify = if failed == 1 { "does" } else { "do" };
        eprintln!(
            "error: {failed} of {} {verify} not verify",
            plural(total as u64, "claim")
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
    let replaced = match &session.conn {
        // Here, the source remembers the file (`check` sees it change).
        Conn::Local { db, .. } => db.replace_source_text_from(id, file),
        Conn::Remote(r) => r
            .client()
            .replace_source_text(id, &text)
            .and_then(from_server),
    };
    let report = match replaced {
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

/// Prints a re-check report: in a table, the summary and the rows `shown`
/// picks (what needs attention); in the other formats, every row.
fn print_report(
    session: &Session,
    report: &[Recheck],
    summary: &str,
    shown: impl Fn(&Recheck) -> bool,
) {
    let speakers = session.speaker_rows();
    if session.format != Format::Table {
        crate::out!(
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
    crate::outln!("{summary}");
    let picked: Vec<Recheck> = report.iter().filter(|r| shown(r)).cloned().collect();
    if !picked.is_empty() {
        crate::outln!(
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
    let result = match &session.conn {
        Conn::Local { db, .. } => db.import(files, &options),
        Conn::Remote(r) => remote_import(r.client(), files, &options),
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match result {
        Ok(report) => {
            let text = claimdb::render::render_import(&report, session.format);
            crate::out!("{text}");
            if !text.ends_with('\n') {
                crate::outln!();
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
    let written = match &session.conn {
        Conn::Local { db, .. } => db.export(options, &mut out).map(drop),
        Conn::Remote(r) => r.client().export(options, &mut out),
    };
    match written.and_then(|()| {
        std::io::Write::flush(&mut out).map_err(|e| claimdb::Error::Io {
            path: "<output>".into(),
            source: e,
        })
    }) {
        Ok(_) => true,
        // The reader has gone (a pipe into `head`): it read what it wanted.
        Err(e) if crate::is_closed_pipe(&e) => true,
        Err(e) => {
            eprintln!("error: {e}");
            false
        }
    }
}

/// How `extract` runs: `--accept` (with its minimum confidence), `--by`,
/// `--new-speakers`.
pub struct Extracting {
    pub accept: Option<f64>,
    pub by: claimdb::attrib::Turns,
    pub new_speakers: bool,
}

/// `claimdb extract SOURCE [--accept [--min-confidence X] [--new-speakers]]`:
/// true when the source could be read (and, with --accept, nothing was
/// refused).
pub fn extract(session: &Session, source: &str, how: Extracting) -> bool {
    use claimdb::render::{Table, Value};
    let Extracting { accept, by, .. } = how;
    let proposals = match proposals_of(session, source, by) {
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
            Ok(json) => crate::outln!("{json}"),
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
                    Value::Text(p.rule.clone()),
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
            crate::out!(
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
    match accept_proposals(session, source, &proposals, min, &how) {
        Ok(report) => {
            if session.format == Format::Table {
                crate::outln!(
                    "added {} ({} new speakers), {} already stored, {} below confidence {min}, {} refused",
                    plural(report.added.len() as u64, "claim"),
                    report.new_speakers.len(),
                    report.duplicates,
                    report.below_confidence,
                    report.refused.len()
                );
                if report.unknown_speakers > 0 {
                    eprintln!(
                        "note: {} naming someone not stored yet skipped (--new-speakers adds them as speakers)",
                        plural(report.unknown_speakers as u64, "proposal")
                    );
                }
                for r in &report.refused {
                    eprintln!("refused: {r}");
                }
            } else {
                crate::outln!("{}", serde_json::to_string(&report).unwrap_or_default());
            }
            report.refused.is_empty()
        }
        Err(e) => {
            eprintln!("error: nothing was added: {e}");
            false
        }
    }
}

/// A value the server sent, as the library type it stands for.
pub(crate) fn from_server<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> claimdb::Result<T> {
    serde_json::from_value(value).map_err(|e| claimdb::Error::Io {
        path: "the server".into(),
        source: std::io::Error::other(format!("its answer is not what this claimdb reads: {e}")),
    })
}

/// The re-check of `scope`, here or on the server.
fn checks(session: &Session, scope: &CheckScope) -> claimdb::Result<Vec<Recheck>> {
    match &session.conn {
        Conn::Local { db, .. } => db.check(scope),
        Conn::Remote(r) => {
            let (claim, source) = match scope {
                CheckScope::Claim(id) => (Some(*id), None),
                CheckScope::Source(id) => (None, Some(id.as_str())),
                _ => (None, None),
            };
            from_server(r.client().check(claim, source)?)
        }
    }
}

/// Imports `files` through the server: each file is one request (all or
/// nothing per file), and the report names the files as given here.
fn remote_import(
    client: &claimdb::client::Client,
    files: &[std::path::PathBuf],
    options: &claimdb::import::ImportOptions,
) -> claimdb::Result<claimdb::import::ImportReport> {
    use claimdb::import::{ImportReport, InputFormat};
    let mut whole: Option<ImportReport> = None;
    for file in files {
        let body = claimdb::limits::read_file_bytes(file, usize::MAX)?;
        let format = InputFormat::of_file(file, &body, options.format)?;
        let name = match format {
            InputFormat::Csv => "csv",
            _ => "jsonl",
        };
        let report: ImportReport = from_server(client.import(
            &file.display().to_string(),
            &body,
            name,
            options.delimiter,
            options.partial,
            options.dry_run,
        )?)?;
        whole = Some(match whole {
            None => report,
            Some(mut all) => {
                all.absorb(report);
                all
            }
        });
    }
    whole.ok_or_else(|| claimdb::Error::Invalid {
        what: "import",
        message: "no file to import".into(),
    })
}

/// What `extract` proposes for `source`, here or on the server.
fn proposals_of(
    session: &Session,
    source: &str,
    by: claimdb::attrib::Turns,
) -> claimdb::Result<Vec<claimdb::attrib::Proposal>> {
    match &session.conn {
        Conn::Local { db, .. } => db.extract_with(source, by),
        Conn::Remote(r) => {
            let mut answer = r.client().extract_with(source, false, 0.0, by, false)?;
            from_server(answer["proposals"].take())
        }
    }
}

/// Stores the proposals at or above `min`, here or on the server (which
/// proposes them again from the same text, and stores those).
fn accept_proposals(
    session: &Session,
    source: &str,
    proposals: &[claimdb::attrib::Proposal],
    min: f64,
    how: &Extracting,
) -> claimdb::Result<claimdb::Accepted> {
    match &session.conn {
        Conn::Local { db, .. } => db.accept_with(source, proposals, min, how.new_speakers),
        Conn::Remote(r) => {
            let mut answer =
                r.client()
                    .extract_with(source, true, min, how.by, how.new_speakers)?;
            from_server(answer["accepted"].take())
        }
    }
}

/// The commands that work on the corpus as a whole (check, verify,
/// extract, update-source, import, export), as the command line and the
/// shell's dot-commands (`.import`, `.export`, `.check`, `.extract`) run
/// them, with the same options: true when they succeeded.
pub(crate) fn corpus(session: &mut Session, command: Command) -> bool {
    match command {
        Command::Check {
            claim,
            source,
            reload,
            ..
        } => {
            let scope = match (claim, source) {
                (Some(id), _) => claimdb::CheckScope::Claim(id),
                (None, Some(id)) => claimdb::CheckScope::Source(id),
                (None, None) => claimdb::CheckScope::All,
            };
            crate::text_files::check_files(session, &scope, reload) && check(session, &scope)
        }
        Command::Verify {
            repair,
            accept_loss,
            ..
        } => crate::upkeep::verify(session, repair, accept_loss),
        Command::Extract {
            source,
            accept,
            min_confidence,
            by,
            new_speakers,
            ..
        } => extract(
            session,
            &source,
            Extracting {
                accept: accept.then_some(min_confidence),
                by: by.into(),
                new_speakers,
            },
        ),
        Command::UpdateSource { id, file, .. } => update_source(session, &id, &file),
        Command::Import {
            files,
            input_format,
            delimiter,
            partial,
            batch_rows,
            dry_run,
            ..
        } => {
            let options = claimdb::import::ImportOptions {
                format: input_format.map(|f| match f {
                    InputFormatArg::Jsonl => claimdb::import::InputFormat::Jsonl,
                    InputFormatArg::Csv => claimdb::import::InputFormat::Csv,
                }),
                delimiter,
                partial,
                dry_run,
                progress: None,
                refuse_text_files: false,
                batch_rows: batch_rows.map(|n| n as usize),
            };
            import(session, &files, &options)
        }
        Command::Export {
            query,
            export_format,
            organization,
            url_base,
            versions,
            ..
        } => {
            use claimdb::export::ExportFormat;
            let format = match export_format {
                ExportFormatArg::Dump => ExportFormat::Dump,
                ExportFormatArg::Jsonl => ExportFormat::Jsonl,
                ExportFormatArg::Csv => ExportFormat::Csv,
                ExportFormatArg::Claimreview => ExportFormat::ClaimReview,
                ExportFormatArg::Annotation => ExportFormat::Annotation,
                ExportFormatArg::Text => ExportFormat::Text,
            };
            export(
                session,
                &claimdb::export::ExportOptions {
                    format,
                    query,
                    review: claimdb::export::ReviewOptions {
                        organization,
                        url_base,
                        date: claimdb::export::today(),
                    },
                    versions,
                },
            )
        }
        Command::Backup { file, .. } => crate::upkeep::backup(session, &file),
        Command::PruneHistory { before, .. } => crate::upkeep::prune_history(session, &before),
        other => {
            eprintln!("error: {other:?} is not a corpus command");
            false
        }
    }
}
