//! The routes that work on a corpus as a whole: check, import, export,
//! extract, a source's new text, and verify. Each runs on a blocking
//! thread under the caller's role, as every handler does; an export is
//! written whole into a temporary file before it is sent.

use std::io::{Read, Seek, Write as _};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::failure::Failure;
use super::routes::{App, JsonBody};
use crate::db::CheckScope;
use crate::export::{ExportFormat, ExportOptions, ReviewOptions};
use crate::import::{ImportOptions, InputFormat};
use crate::model::Role;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CheckRequest {
    claim: Option<u64>,
    source: Option<String>,
}

pub(super) async fn check(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    JsonBody(r): JsonBody<CheckRequest>,
) -> Result<Json<Value>, Failure> {
    let auth = app.clone();
    app.blocking(move |db| {
        auth.authorize(db, &headers, Role::Read)?;
        let scope = match (r.claim, r.source) {
            (Some(id), None) => CheckScope::Claim(id),
            (None, Some(id)) => CheckScope::Source(id),
            (None, None) => CheckScope::All,
            _ => {
                return Err(Failure::invalid(
                    "check one `claim` or one `source`, not both",
                ))
            }
        };
        Ok(Json(
            serde_json::to_value(db.check(&scope)?).unwrap_or(Value::Null),
        ))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ImportParams {
    format: Option<String>,
    /// A CSV file's delimiter (one character, or `tab`).
    delimiter: Option<String>,
    /// How the report names the file (the client's own path for it).
    name: Option<String>,
    #[serde(default)]
    partial: bool,
    #[serde(default)]
    dry_run: bool,
}

pub(super) async fn import(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(p): Query<ImportParams>,
    body: Bytes,
) -> Result<Json<Value>, Failure> {
    let format = match p.format.as_deref() {
        Some(name) => InputFormat::parse(name).ok_or_else(|| {
            Failure::invalid(format!("unknown import format {name:?}: jsonl or csv"))
        })?,
        None if headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/csv")) =>
        {
            InputFormat::Csv
        }
        None => InputFormat::Jsonl,
    };
    let delimiter = match p.delimiter.as_deref() {
        Some(given) => Some(crate::import::parse_delimiter(given).map_err(Failure::invalid)?),
        None => None,
    };
    let check = app.clone();
    app.blocking(move |db| {
        let needed = if p.dry_run { Role::Read } else { Role::Write };
        let who = check.authorship(db, &headers, needed, "an import (POST /v1/import)")?;
        // The report names the file as the client does.
        let name = p.name.unwrap_or_else(|| match format {
            InputFormat::Csv => "upload.csv".into(),
            _ => "upload.jsonl".into(),
        });
        let options = ImportOptions {
            format: Some(format),
            delimiter,
            partial: p.partial,
            dry_run: p.dry_run,
            refuse_text_files: true,
            batch_rows: None,
            ..ImportOptions::default()
        };
        let report = crate::db::with_authorship(who, || db.import_bytes(&name, &body, &options))?;
        Ok(Json(serde_json::to_value(report).unwrap_or(Value::Null)))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExportParams {
    format: Option<String>,
    query: Option<String>,
    organization: Option<String>,
    url_base: Option<String>,
    #[serde(default)]
    versions: bool,
}

pub(crate) async fn export(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(p): Query<ExportParams>,
) -> Result<Response, Failure> {
    let format = match p.format.as_deref() {
        None => ExportFormat::Dump,
        Some(name) => ExportFormat::parse(name).ok_or_else(|| {
            Failure::invalid(format!(
                "unknown export format {name:?}: {}",
                ExportFormat::ALL.map(ExportFormat::as_str).join(", ")
            ))
        })?,
    };
    let check = app.clone();
    // Written whole into a temporary file under one read view, then sent
    // from the file at the client's pace.
    let file = app
        .blocking(move |db| {
            check.authorize(db, &headers, Role::Read)?;
            let options = ExportOptions {
                format,
                query: p.query,
                review: ReviewOptions {
                    organization: p.organization,
                    url_base: p.url_base,
                    date: crate::export::today(),
                },
                versions: p.versions,
            };
            let file = tempfile::tempfile()
                .map_err(|e| Failure::internal(format!("no temporary file: {e}")))?;
            let mut out = std::io::BufWriter::new(file);
            db.export(&options, &mut out)?;
            out.flush()
                .map_err(|e| Failure::internal(format!("cannot write the export: {e}")))?;
            let mut file = out
                .into_inner()
                .map_err(|e| Failure::internal(e.to_string()))?;
            file.rewind()
                .map_err(|e| Failure::internal(e.to_string()))?;
            Ok(file)
        })
        .await?;
    let content_type = match format {
        ExportFormat::Csv => "text/csv; charset=utf-8",
        ExportFormat::Text => "text/plain; charset=utf-8",
        _ => "application/x-ndjson",
    };
    Ok(send_file(file, content_type))
}

/// GET /v1/backup: a backup of the whole database (admin: it holds the
/// tokens' hashes), written whole into a temporary file under one read
/// view, then sent from the file.
pub(super) async fn backup(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let check = app.clone();
    let file = app
        .blocking(move |db| {
            check.authorize(db, &headers, Role::Admin)?;
            let mut file = tempfile::tempfile()
                .map_err(|e| Failure::internal(format!("no temporary file: {e}")))?;
            db.backup_to(&mut file)?;
            file.rewind()
                .map_err(|e| Failure::internal(e.to_string()))?;
            Ok(file)
        })
        .await?;
    Ok(send_file(file, "application/octet-stream"))
}

/// Sends a file at the client's pace, read off the async workers.
fn send_file(mut file: std::fs::File, content_type: &'static str) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::task::spawn_blocking(move || {
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            match file.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => {
                    if tx
                        .blocking_send(Ok(Bytes::copy_from_slice(&buffer[..n])))
                        .is_err()
                    {
                        break;
                    }
                }
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    break;
                }
            }
        }
    });
    let chunks = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let mut response = Response::new(Body::from_stream(chunks));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ExtractRequest {
    source: String,
    #[serde(default)]
    accept: bool,
    #[serde(default)]
    min_confidence: f64,
    /// A transcript's turns proposed by `turn` (the default) or by `sentence`.
    #[serde(default)]
    by: crate::attrib::Turns,
    /// With `accept`: add the speakers not stored yet (otherwise their
    /// proposals are skipped).
    #[serde(default)]
    new_speakers: bool,
}

pub(super) async fn extract(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    JsonBody(r): JsonBody<ExtractRequest>,
) -> Result<Json<Value>, Failure> {
    let check = app.clone();
    app.blocking(move |db| {
        let needed = if r.accept { Role::Write } else { Role::Read };
        let who = check.authorship(db, &headers, needed, "extract --accept (POST /v1/extract)")?;
        let proposals = db.extract_with(&r.source, r.by)?;
        let accepted = if r.accept {
            Some(crate::db::with_authorship(who, || {
                db.accept_with(&r.source, &proposals, r.min_confidence, r.new_speakers)
            })?)
        } else {
            None
        };
        Ok(Json(
            json!({ "proposals": proposals, "accepted": accepted }),
        ))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct VerifyRequest {
    #[serde(default)]
    repair: bool,
}

pub(super) async fn replace_source_text(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, Failure> {
    let text = String::from_utf8(body.to_vec()).map_err(|e| {
        Failure::invalid(format!(
            "the new text is not UTF-8 (byte {} is not)",
            e.utf8_error().valid_up_to() + 1
        ))
    })?;
    let check = app.clone();
    app.blocking(move |db| {
        let who = check.authorship(
            db,
            &headers,
            Role::Write,
            "a new text (PUT /v1/sources/{id}/text)",
        )?;
        let report = crate::db::with_authorship(who, || db.replace_source_text(&id, &text))?;
        Ok(Json(serde_json::to_value(report).unwrap_or(Value::Null)))
    })
    .await
}

pub(super) async fn verify(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    JsonBody(r): JsonBody<VerifyRequest>,
) -> Result<Json<Value>, Failure> {
    let repair = r.repair;
    let check = app.clone();
    app.blocking(move |db| {
        check.authorize(db, &headers, Role::Admin)?;
        let before = db.verify()?;
        let after = if repair { Some(db.repair()?) } else { None };
        Ok(Json(json!({ "report": before, "after_repair": after })))
    })
    .await
}
