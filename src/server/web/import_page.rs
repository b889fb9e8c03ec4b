//! `/import`: a file of claims (JSON Lines or CSV) uploaded from the
//! browser and imported as `claimdb import` does, all or nothing unless
//! asked otherwise, or only checked (a dry run); then the report, row by
//! row: what became of each, and for a refused claim the checker's
//! closest passage and what differs. With a write token (a dry run
//! needs only reading). The form carries the session's cross-site request
//! token like every form that writes.

use std::fmt::Write;
use std::sync::Arc;

use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;

use super::html::{escape, page};
use super::{render, viewer, App, Failure, Visitor};
use crate::import::{ImportOptions, ImportReport, InputFormat, Outcome};
use crate::model::Role;

/// GET `/import`.
pub(super) async fn form(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    render(app, headers, uri, Role::Read, |_db, v| {
        Ok(page("Import", &viewer(v), "", &import_form(v, None)))
    })
    .await
}

fn import_form(v: &Visitor, error: Option<&str>) -> String {
    let csrf = v.csrf().map_or(String::new(), |t| {
        format!(r#"<input type="hidden" name="csrf" value="{}">"#, escape(t))
    });
    let alert = error.map_or(String::new(), |e| {
        format!(r#"<p class="error" role="alert">{}</p>"#, escape(e))
    });
    format!(
        r#"<h1>Import</h1>
{alert}<form method="post" action="/import" enctype="multipart/form-data" class="import">
{csrf}
<p><label for="file">A file of sources, speakers and claims: JSON Lines, or CSV with a header row</label><br><input id="file" name="file" type="file" accept=".jsonl,.json,.csv,.tsv,.txt" required></p>
<p><label for="format">Format</label> <select id="format" name="format"><option value="">from the file's name</option><option value="jsonl">JSON Lines</option><option value="csv">CSV</option></select></p>
<p><input id="partial" name="partial" type="checkbox" value="1"> <label for="partial">Keep the rows that pass when others are refused (without it, nothing is written unless every row passes)</label></p>
<p><input id="dry_run" name="dry_run" type="checkbox" value="1"> <label for="dry_run">Only check: write nothing</label></p>
<p><button type="submit">Import</button></p>
</form>
"#
    )
}

/// What the form sent.
#[derive(Default)]
struct Upload {
    name: String,
    bytes: Vec<u8>,
    format: String,
    partial: bool,
    dry_run: bool,
    csrf: String,
}

async fn read_upload(mut form: Multipart) -> Result<Upload, String> {
    let mut upload = Upload::default();
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| format!("the upload could not be read: {e}"))?
    {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            upload.name = field.file_name().unwrap_or("upload").to_string();
            upload.bytes = field
                .bytes()
                .await
                .map_err(|e| format!("the file could not be read: {e}"))?
                .to_vec();
            continue;
        }
        let value = field
            .text()
            .await
            .map_err(|e| format!("the form could not be read: {e}"))?;
        match name.as_str() {
            "format" => upload.format = value,
            "partial" => upload.partial = !value.is_empty(),
            "dry_run" => upload.dry_run = !value.is_empty(),
            "csrf" => upload.csrf = value,
            _ => {}
        }
    }
    Ok(upload)
}

/// POST `/import`.
pub(super) async fn import(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    form: Multipart,
) -> Response {
    let upload = read_upload(form).await;
    let needed = match &upload {
        Ok(u) if u.dry_run => Role::Read,
        _ => Role::Write,
    };
    let checked = headers.clone();
    render(app, headers, uri, needed, move |db, v| {
        let upload = match upload {
            Ok(u) => u,
            Err(e) => return refused(v, &e, StatusCode::BAD_REQUEST),
        };
        // The session's token, or without a session the browser's word.
        if !super::forms::came_from_here(v, &upload.csrf, &checked) {
            return Err(super::forms::forged());
        }
        if upload.name.is_empty() {
            return refused(v, "choose a file to import", StatusCode::BAD_REQUEST);
        }
        let format = match upload.format.as_str() {
            "" if upload.name.ends_with(".csv") || upload.name.ends_with(".tsv") => {
                InputFormat::Csv
            }
            "" => InputFormat::Jsonl,
            given => match InputFormat::parse(given) {
                Some(f) => f,
                None => {
                    return refused(
                        v,
                        &format!("unknown import format {given:?}: jsonl or csv"),
                        StatusCode::BAD_REQUEST,
                    )
                }
            },
        };
        let options = ImportOptions {
            format: Some(format),
            partial: upload.partial,
            dry_run: upload.dry_run,
            refuse_text_files: true,
            ..ImportOptions::default()
        };
        match db.import_bytes(&upload.name, &upload.bytes, &options) {
            Ok(report) => {
                let status = if report.refused() && !upload.partial && !upload.dry_run {
                    StatusCode::UNPROCESSABLE_ENTITY
                } else {
                    StatusCode::OK
                };
                let mut response = page(
                    "Import report",
                    &viewer(v),
                    "",
                    &report_html(&report, upload.partial),
                );
                *response.status_mut() = status;
                Ok(response)
            }
            Err(e) => {
                let status = super::super::failure::status_of(&e);
                refused(v, &e.report().message, status)
            }
        }
    })
    .await
}

fn refused(v: &Visitor, message: &str, status: StatusCode) -> Result<Response, Failure> {
    let mut response = page("Import", &viewer(v), "", &import_form(v, Some(message)));
    *response.status_mut() = status;
    Ok(response)
}

/// The report, row by row.
fn report_html(report: &ImportReport, partial: bool) -> String {
    let summary = [
        Outcome::Added,
        Outcome::Updated,
        Outcome::Unchanged,
        Outcome::Refused,
    ]
    .iter()
    .map(|o| format!("{} {}", report.count(*o), o.as_str()))
    .collect::<Vec<_>>()
    .join(", ");
    let verdict = match (report.dry_run, report.written, report.refused()) {
        (true, _, _) => "Checked only: nothing was written.",
        (false, true, _) => "Written.",
        (false, false, true) if !partial => {
            "Nothing was written: a row was refused, and the import is all or nothing."
        }
        (false, false, _) => "Nothing was written.",
    };
    let mut out = format!(
        r#"<h1>Import report</h1>
<p role="status">{verdict} {summary} ({seconds:.2} s).</p>
<table>
<caption>Rows</caption>
<thead><tr><th scope="col">File:line</th><th scope="col">Kind</th><th scope="col">Outcome</th><th scope="col">Record</th><th scope="col">Why</th></tr></thead>
<tbody>
"#,
        seconds = report.seconds,
    );
    for row in &report.rows {
        let record = match (&row.id, row.kind.as_str(), report.written) {
            (Some(id), "claim", true) if row.outcome != Outcome::Refused => {
                format!(r#"<a href="/claims/{0}">{0}</a>"#, escape(id))
            }
            (Some(id), _, _) => escape(id),
            (None, _, _) => String::new(),
        };
        let mut why = escape(row.message.as_deref().unwrap_or(""));
        if !row.findings.is_empty() {
            why.push_str("<ul>");
            for f in &row.findings {
                let _ = write!(why, "<li>{}</li>", escape(f));
            }
            why.push_str("</ul>");
        }
        let _ = writeln!(
            out,
            r#"<tr class="outcome-{outcome}"><td>{file}:{line}</td><td>{kind}</td><td>{outcome}</td><td>{record}</td><td>{why}</td></tr>"#,
            outcome = row.outcome.as_str(),
            file = escape(&row.file),
            line = row.line,
            kind = escape(&row.kind),
        );
    }
    out.push_str("</tbody></table>\n<p><a href=\"/import\">Import another file</a></p>\n");
    out
}
