//! Writing from the pages, with a write token: adding a claim (its quote
//! checked against the source as it is typed, by `app.js` through
//! `/check-quote`, and checked again on saving), editing a claim's
//! statement, confidence, reason and tags, and deleting one after a page
//! that asks. Every refusal is worded as the CLI words it; a misquote
//! shows the closest passage and what differs, and nothing is stored.
//!
//! Every form that writes carries the session's cross-site request token;
//! a visitor without a session (a database without tokens, served to
//! this machine) is held to the browser's own word on where a post comes
//! from (`Origin`, `Sec-Fetch-Site`), so another site's page cannot post.

use std::fmt::Write;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::html::{escape, page};
use super::pages::stored_claim;
use super::{query_pairs, render, session, viewer, App, Failure, Visitor};
use crate::db::Db;
use crate::error::Error;
use crate::model::{NewClaim, Role};
use crate::query::{self, quote_string, Params};

/// A form's fields, as posted.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// Whether a post may write: the session's token matches, or, without a
/// session, the browser says the post comes from this site.
pub(super) fn came_from_here(v: &Visitor, sent_csrf: &str, headers: &HeaderMap) -> bool {
    if v.csrf().is_some() {
        return session::csrf_matches(v, Some(sent_csrf));
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_ok = match (
        headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()),
        host,
    ) {
        (None, _) => true,
        (Some(origin), Some(host)) => {
            origin == format!("http://{host}") || origin == format!("https://{host}")
        }
        (Some(_), None) => false,
    };
    let site_ok = headers
        .get("sec-fetch-site")
        .and_then(|s| s.to_str().ok())
        .is_none_or(|s| s == "same-origin" || s == "none");
    origin_ok && site_ok
}

/// The refusal of a post from elsewhere.
pub(super) fn forged() -> Failure {
    Failure::forbidden(
        "this form did not come from this site's page (its cross-site request token is missing or wrong)",
    )
}

/// Runs a post that needs `needed`: its fields read, where it came from
/// checked, then `write`.
async fn post<F>(
    app: Arc<App>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
    needed: Role,
    write: F,
) -> Response
where
    F: FnOnce(&Db, &Visitor, &Fields) -> Result<Response, Failure> + Send + 'static,
{
    let fields = Fields(query_pairs(Some(&String::from_utf8_lossy(&body))));
    let checked = headers.clone();
    render(app, headers, uri, needed, move |db, v| {
        if !came_from_here(v, fields.get("csrf"), &checked) {
            return Err(forged());
        }
        write(db, v, &fields)
    })
    .await
}

/// The hidden field every writing form carries.
fn csrf_field(v: &Visitor) -> String {
    v.csrf().map_or(String::new(), |t| {
        format!(r#"<input type="hidden" name="csrf" value="{}">"#, escape(t))
    })
}

/// GET `/claims/new`.
pub(super) async fn new_form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    render(app, headers, uri, Role::Write, |db, v| {
        claim_form(db, v, &Fields(Vec::new()), None, StatusCode::OK)
    })
    .await
}

/// POST `/claims/new`: checked (`action=check`) or added.
pub(super) async fn create(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    post(app, headers, uri, body, Role::Write, |db, v, f| {
        let claim = match new_claim(f) {
            Ok(claim) => claim,
            Err(e) => {
                return claim_form(db, v, f, Some(Outcome::Refused(e)), StatusCode::BAD_REQUEST)
            }
        };
        if f.get("action") == "check" {
            let outcome = match db.check_claim(&claim) {
                Ok(c) => Outcome::WouldStore(c.anchor.map_or((0, 0), |a| (a.line, a.column))),
                Err(e) => Outcome::Refused(e),
            };
            return claim_form(db, v, f, Some(outcome), StatusCode::OK);
        }
        match db.add_claim(&claim) {
            Ok(c) => Ok(Redirect::to(&format!("/claims/{}", c.id)).into_response()),
            Err(e) => {
                let status = super::super::failure::status_of(&e);
                claim_form(db, v, f, Some(Outcome::Refused(e)), status)
            }
        }
    })
    .await
}

/// What became of a posted claim.
enum Outcome {
    /// The check passed; it would be anchored at this line and column.
    WouldStore((u32, u32)),
    /// Refused, as the CLI says it.
    Refused(Error),
}

/// The claim a form describes, or what is wrong with a field.
fn new_claim(f: &Fields) -> Result<NewClaim, Error> {
    let confidence = confidence_of(f)?;
    Ok(NewClaim {
        speaker: f.get("speaker").trim().to_string(),
        source: f.get("source").trim().to_string(),
        quote: f.get("quote").to_string(),
        statement: f.get("statement").trim().to_string(),
        confidence,
        rationale: f.get("rationale").trim().to_string(),
        tags: tags(f.get("tags")),
        ..NewClaim::default()
    })
}

/// The form's confidence, a number.
fn confidence_of(f: &Fields) -> Result<f64, Error> {
    f.get("confidence").trim().parse().map_err(|_| {
        Error::invalid(
            "confidence",
            format!(
                "must be a number from 0 to 1, not {}",
                crate::error::quoted(f.get("confidence"))
            ),
        )
    })
}

/// A labelled input holding the form's value of `name`.
fn field(f: &Fields, name: &str, label: &str, kind: &str, extra: &str) -> String {
    format!(
        r#"<p><label for="{name}">{label}</label><br><input id="{name}" name="{name}" type="{kind}" value="{value}"{extra}></p>"#,
        value = escape(f.get(name)),
    )
}

fn tags(text: &str) -> Vec<String> {
    text.split(',')
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// The form that adds a claim, filled with `f`, with what became of it.
fn claim_form(
    db: &Db,
    v: &Visitor,
    f: &Fields,
    outcome: Option<Outcome>,
    status: StatusCode,
) -> Result<Response, Failure> {
    let mut sources = String::new();
    for s in db.sources()? {
        let _ = write!(
            sources,
            r#"<option value="{id}"{selected}>{title} ({id})</option>"#,
            id = escape(&s.id),
            selected = if s.id == f.get("source") {
                " selected"
            } else {
                ""
            },
            title = escape(&s.title),
        );
    }
    let mut speakers = String::new();
    for s in db.speakers()? {
        let _ = write!(speakers, r#"<option value="{}">"#, escape(&s.name));
    }
    let shown = match outcome {
        None => String::new(),
        Some(Outcome::WouldStore((line, column))) => format!(
            r#"<p class="ok" role="status">The quote is in the source (line {line}, column {column}); nothing is stored until you add it.</p>"#
        ),
        Some(Outcome::Refused(e)) => refusal(&e),
    };
    let field =
        |name: &str, label: &str, kind: &str, extra: &str| field(f, name, label, kind, extra);
    let body = format!(
        r#"<h1>Add a claim</h1>
{shown}<form method="post" action="/claims/new" class="claim-form">
{csrf}
{speaker}<datalist id="speakers">{speakers}</datalist>
<p><label for="source">Source</label><br><select id="source" name="source" required>{sources}</select></p>
<p><label for="quote">Quote, verbatim from the source</label><br><textarea id="quote" name="quote" rows="4" cols="80" required>{quote}</textarea></p>
<output id="check" for="quote source" aria-live="polite"></output>
{statement}{confidence}{rationale}{tags}
<p><button type="submit" name="action" value="add">Add the claim</button> <button type="submit" name="action" value="check">Check only</button></p>
</form>
<script src="/assets/app.js"></script>
"#,
        csrf = csrf_field(v),
        speaker = field(
            "speaker",
            "Speaker (a name or alias; a new name adds a speaker)",
            "text",
            r#" list="speakers" required"#
        ),
        quote = escape(f.get("quote")),
        statement = field(
            "statement",
            "Statement, in plain words",
            "text",
            " required"
        ),
        confidence = field(
            "confidence",
            "Confidence, 0 to 1",
            "number",
            r#" step="0.05" min="0" max="1" required"#
        ),
        rationale = field(
            "rationale",
            "Why that confidence, in a line",
            "text",
            " required"
        ),
        tags = field("tags", "Tags, separated by commas", "text", ""),
    );
    let mut response = page("Add a claim", &viewer(v), "", &body);
    *response.status_mut() = status;
    Ok(response)
}

/// A refusal as the CLI words it, with the checker's report for a misquote.
fn refusal(e: &Error) -> String {
    let report = e.report();
    // A misquote's message is the checker's report on one line: shown
    // below as the CLI prints it instead.
    let first = match &report.citation {
        Some(_) => "The quote is not in the source as typed; nothing was stored.".to_string(),
        None => report.message.clone(),
    };
    let mut out = format!(
        r#"<div class="error" role="alert"><p>{}</p>"#,
        escape(&first)
    );
    if let Some(citation) = &report.citation {
        if let Some(location) = &citation.citation.location {
            let _ = write!(
                out,
                r#"<p>The closest passage (line {line}, column {column}):</p><blockquote class="closest">{text}</blockquote>"#,
                line = location.line,
                column = location.column,
                text = escape(&location.text),
            );
        }
        let _ = write!(out, "<pre>{}</pre>", escape(&citation.to_string()));
    }
    if let Some(hint) = &report.hint {
        let _ = write!(out, "<p>{}</p>", escape(hint));
    }
    out.push_str("</div>\n");
    out
}

/// GET `/check-quote?source=ID&quote=...`: the checker's verdict on a
/// quote, writing nothing, for the form's live check (JSON).
pub(super) async fn check_quote(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let pairs = query_pairs(q.as_deref());
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map_or(String::new(), |(_, v)| v.clone())
    };
    let (source, quote) = (get("source"), get("quote"));
    let shared = app.clone();
    let answer = app
        .blocking(move |db| {
            shared
                .sessions
                .visitor(db, &shared.policy, &headers, Role::Read)?;
            let text = db.source_text(&source)?.ok_or_else(|| {
                Error::invalid(
                    "source",
                    format!("{} holds no text", crate::error::quoted(&source)),
                )
            })?;
            let folded = crate::cite::normalize_source(&text);
            let c = crate::cite::locate_with(&text, &folded, &quote, None);
            let changes: Vec<String> = c.changes.iter().map(|ch| ch.describe()).collect();
            let message = match (&c.location, c.is_verified()) {
                (Some(l), true) => format!("In the source: line {}, column {}.", l.line, l.column),
                (Some(l), false) => format!(
                    "Not in the source as quoted. The closest passage, line {}, column {}:",
                    l.line, l.column
                ),
                (None, _) => "Not in the source: no passage shares its words.".to_string(),
            };
            Ok(json!({
                "verified": c.is_verified(),
                "message": message,
                "passage": c.location.as_ref().filter(|_| !c.is_verified()).map(|l| l.text.clone()),
                "changes": changes,
            }))
        })
        .await;
    match answer {
        Ok(value) => ([(header::CACHE_CONTROL, "no-store")], axum::Json(value)).into_response(),
        Err(failure) => failure.into_response(),
    }
}

/// GET `/claims/{id}/edit`.
pub(super) async fn edit_form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    render(app, headers, uri, Role::Write, move |db, v| {
        let c = stored_claim(db, &id)?;
        let f = Fields(vec![
            ("statement".into(), c.statement.clone()),
            ("confidence".into(), c.confidence.to_string()),
            ("rationale".into(), c.rationale.clone()),
            ("tags".into(), c.tags.join(", ")),
        ]);
        edit_page(v, c.id, &f, None, StatusCode::OK)
    })
    .await
}

/// POST `/claims/{id}/edit`.
pub(super) async fn update(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    post(app, headers, uri, body, Role::Write, move |db, v, f| {
        let c = stored_claim(db, &id)?;
        let confidence = match confidence_of(f) {
            Ok(n) => n,
            Err(e) => return edit_page(v, c.id, f, Some(e), StatusCode::BAD_REQUEST),
        };
        // A list takes no parameters: the tags go in as quoted strings.
        let tag_list: Vec<String> = tags(f.get("tags")).iter().map(|t| quote_string(t)).collect();
        let params = Params::new()
            .bind("statement", f.get("statement").trim())
            .bind("confidence", confidence)
            .bind("rationale", f.get("rationale").trim())
            .bind("id", c.id);
        let text = format!(
            "update claims set statement = $statement, confidence = $confidence, rationale = $rationale, tags = ({}) where id = $id",
            tag_list.join(", ")
        );
        let result = query::prepare(&text, &params)
            .map_err(Error::Query)
            .and_then(|s| db.execute(&s));
        match result {
            Ok(_) => Ok(Redirect::to(&format!("/claims/{}", c.id)).into_response()),
            Err(e) => {
                let status = super::super::failure::status_of(&e);
                edit_page(v, c.id, f, Some(e), status)
            }
        }
    })
    .await
}

fn edit_page(
    v: &Visitor,
    id: u64,
    f: &Fields,
    error: Option<Error>,
    status: StatusCode,
) -> Result<Response, Failure> {
    let field =
        |name: &str, label: &str, kind: &str, extra: &str| field(f, name, label, kind, extra);
    let body = format!(
        r#"<h1>Edit claim {id}</h1>
{error}<form method="post" action="/claims/{id}/edit">
{csrf}
{statement}{confidence}{rationale}{tags}
<p><button type="submit">Save</button> <a href="/claims/{id}">Cancel</a></p>
</form>
"#,
        error = error.as_ref().map_or(String::new(), refusal),
        csrf = csrf_field(v),
        statement = field("statement", "Statement", "text", " required"),
        confidence = field(
            "confidence",
            "Confidence, 0 to 1",
            "number",
            r#" step="0.05" min="0" max="1" required"#
        ),
        rationale = field("rationale", "Why that confidence", "text", " required"),
        tags = field("tags", "Tags, separated by commas", "text", ""),
    );
    let mut response = page(&format!("Edit claim {id}"), &viewer(v), "", &body);
    *response.status_mut() = status;
    Ok(response)
}

/// GET `/claims/{id}/delete`: the page that asks.
pub(super) async fn delete_form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    render(app, headers, uri, Role::Write, move |db, v| {
        let c = stored_claim(db, &id)?;
        let body = format!(
            r#"<h1>Delete claim {id}?</h1>
<p>“{statement}” will be deleted, with its quote and anchor. This cannot be undone.</p>
<form method="post" action="/claims/{id}/delete">
{csrf}
<p><button type="submit">Delete claim {id}</button> <a href="/claims/{id}">Keep it</a></p>
</form>
"#,
            id = c.id,
            statement = escape(&c.statement),
            csrf = csrf_field(v),
        );
        Ok(page(
            &format!("Delete claim {}", c.id),
            &viewer(v),
            "",
            &body,
        ))
    })
    .await
}

/// POST `/claims/{id}/delete`.
pub(super) async fn delete(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    post(app, headers, uri, body, Role::Write, move |db, _v, _f| {
        let c = stored_claim(db, &id)?;
        let statement = query::prepare(
            "delete claims where id = $id",
            &Params::new().bind("id", c.id),
        )
        .map_err(Error::Query)?;
        db.execute(&statement)?;
        Ok(Redirect::to("/claims").into_response())
    })
    .await
}
