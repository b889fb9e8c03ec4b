//! The pages of many rows: the claims (filters, sort and page in the URL,
//! so a view can be shared by its address), the sources, the speakers, and
//! the query box, which runs a read of the language and shows a mistake
//! with the caret under it, as the CLI does. Filters become a statement of
//! the language with its values bound as parameters, never spliced in.

use std::fmt::Write;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::html::{escape, page, url_part};
use super::{viewer, Failure, Visitor};
use crate::db::Db;
use crate::error::Error;
use crate::query::ClaimRow;
use crate::query::{self, quote_string, Output, Params};

/// Rows on a page of claims, unless the URL asks for another number.
const PAGE_ROWS: u64 = 50;

/// The columns a claims table sorts by: (URL value, field of the language, heading).
const SORTS: &[(&str, &str, &str)] = &[
    ("id", "id", "#"),
    ("statement", "statement", "Statement"),
    ("speaker", "speaker", "Speaker"),
    ("source", "source", "Source"),
    ("confidence", "confidence", "Confidence"),
    ("status", "status", "Status"),
];

/// The claims page's state, as its URL holds it.
#[derive(Default)]
pub(super) struct Filters {
    speaker: String,
    source: String,
    status: String,
    attribution: String,
    tag: String,
    text: String,
    min_confidence: String,
    sort: String,
    descending: bool,
    page: u64,
    rows: u64,
}

impl Filters {
    fn from_pairs(pairs: &[(String, String)]) -> Filters {
        let mut f = Filters {
            page: 1,
            rows: PAGE_ROWS,
            sort: "id".into(),
            ..Filters::default()
        };
        for (k, v) in pairs {
            let v = v.trim().to_string();
            match k.as_str() {
                "speaker" => f.speaker = v,
                "source" => f.source = v,
                "status" => f.status = v,
                "attribution" => f.attribution = v,
                "tag" => f.tag = v,
                "text" => f.text = v,
                "min_confidence" => f.min_confidence = v,
                "sort" if SORTS.iter().any(|s| s.0 == v) => f.sort = v,
                "dir" => f.descending = v == "desc",
                "page" => f.page = v.parse().unwrap_or(1).max(1),
                "rows" => f.rows = v.parse().unwrap_or(PAGE_ROWS).clamp(1, 500),
                _ => {}
            }
        }
        f
    }

    /// The `where` condition and its parameters.
    fn condition(&self) -> Result<(String, Params), Failure> {
        let mut parts = Vec::new();
        let mut params = Params::new();
        for (value, clause, name) in [
            (&self.speaker, "speaker = $speaker", "speaker"),
            (&self.source, "source = $source", "source"),
            (&self.status, "status = $status", "status"),
            (
                &self.attribution,
                "attribution = $attribution",
                "attribution",
            ),
            (&self.tag, "has tag $tag", "tag"),
            (
                &self.text,
                "(statement contains $text or quote contains $text)",
                "text",
            ),
        ] {
            if !value.is_empty() {
                parts.push(clause.to_string());
                params = params.bind(name, value.as_str());
            }
        }
        if !self.min_confidence.is_empty() {
            let min: f64 = self
                .min_confidence
                .parse()
                .ok()
                .filter(|n: &f64| (0.0..=1.0).contains(n))
                .ok_or_else(|| {
                    Failure::invalid(format!(
                        "the least confidence is a number from 0 to 1, not {}",
                        crate::error::quoted(&self.min_confidence)
                    ))
                })?;
            parts.push("confidence >= $min".into());
            params = params.bind("min", min);
        }
        let condition = if parts.is_empty() {
            String::new()
        } else {
            format!(" where {}", parts.join(" and "))
        };
        Ok((condition, params))
    }

    /// This view's URL with some of its state changed.
    fn url(&self, sort: &str, descending: bool, page: u64) -> String {
        let mut url = String::from("/claims?");
        for (k, v) in [
            ("speaker", &self.speaker),
            ("source", &self.source),
            ("status", &self.status),
            ("attribution", &self.attribution),
            ("tag", &self.tag),
            ("text", &self.text),
            ("min_confidence", &self.min_confidence),
        ] {
            if !v.is_empty() {
                let _ = write!(url, "{k}={}&", url_part(v));
            }
        }
        let dir = if descending { "desc" } else { "asc" };
        let _ = write!(url, "sort={sort}&dir={dir}&page={page}");
        if self.rows != PAGE_ROWS {
            let _ = write!(url, "&rows={}", self.rows);
        }
        url
    }
}

/// `/claims`: the filter form, the table, the pages.
pub(super) fn claims(
    db: &Db,
    v: &Visitor,
    pairs: &[(String, String)],
) -> Result<Response, Failure> {
    let f = Filters::from_pairs(pairs);
    let (condition, params) = f.condition()?;
    let field = SORTS.iter().find(|s| s.0 == f.sort).map_or("id", |s| s.1);
    let dir = if f.descending { "desc" } else { "asc" };
    let offset = (f.page - 1).saturating_mul(f.rows);
    let run = |text: String| -> Result<Output, Failure> {
        let statement = query::prepare(&text, &params).map_err(Error::Query)?;
        Ok(db.execute(&statement)?.0)
    };
    let total = run(format!("count claims{condition}"))?
        .count()
        .unwrap_or(0);
    let listing = run(format!(
        "claims{condition} order by {field} {dir}, id limit {} offset {offset}",
        f.rows
    ))?;
    let rows = listing.claims().unwrap_or_default();
    let pages = total.div_ceil(f.rows).max(1);
    let mut body = String::from("<h1>Claims</h1>\n");
    if v.caller.role.allows(crate::model::Role::Write) {
        body.push_str("<p class=\"actions\"><a href=\"/claims/new\">Add a claim</a></p>\n");
    }
    body.push_str(&filter_form(&f));
    let shown = if rows.is_empty() {
        "none".to_string()
    } else {
        format!("{}–{}", offset + 1, offset + rows.len() as u64)
    };
    let _ = write!(
        body,
        r#"<p class="count" role="status">{total} claims; showing {shown}, page {page} of {pages}.</p>"#,
        page = f.page,
    );
    body.push_str(&claims_table(rows, Some(&f)));
    body.push_str(&pager(&f, pages));
    body.push_str(&exports(&f));
    Ok(page("Claims", &viewer(v), "", &body))
}

fn filter_form(f: &Filters) -> String {
    let input = |name: &str, label: &str, value: &str, kind: &str| {
        format!(
            r#"<p><label for="f-{name}">{label}</label> <input id="f-{name}" name="{name}" type="{kind}" value="{value}"{step}></p>"#,
            value = escape(value),
            step = if kind == "number" {
                r#" step="0.05" min="0" max="1""#
            } else {
                ""
            },
        )
    };
    let status = options(&["verified", "unverified", "broken"], &f.status);
    let attribution = options(
        &["confirmed", "different speaker", "not found"],
        &f.attribution,
    );
    format!(
        r#"<form class="filters" method="get" action="/claims" role="search" aria-label="Filter claims">
<fieldset><legend>Filter</legend>
{speaker}{source}
<p><label for="f-status">Status</label> <select id="f-status" name="status">{status}</select></p>
<p><label for="f-attribution">Attribution</label> <select id="f-attribution" name="attribution">{attribution}</select></p>
{min}{tag}{text}
<input type="hidden" name="sort" value="{sort}"><input type="hidden" name="dir" value="{dir}">
<p><button type="submit">Apply</button> <a href="/claims">Clear</a></p>
</fieldset></form>
"#,
        speaker = input("speaker", "Speaker (any alias)", &f.speaker, "text"),
        source = input("source", "Source id", &f.source, "text"),
        min = input(
            "min_confidence",
            "Least confidence",
            &f.min_confidence,
            "number"
        ),
        tag = input("tag", "Tag", &f.tag, "text"),
        text = input("text", "Words in the statement or quote", &f.text, "search"),
        sort = escape(&f.sort),
        dir = if f.descending { "desc" } else { "asc" },
    )
}

/// A select's options: "any" (empty), then `values`, `chosen` selected.
fn options(values: &[&str], chosen: &str) -> String {
    std::iter::once("")
        .chain(values.iter().copied())
        .map(|s| {
            format!(
                r#"<option value="{s}"{selected}>{shown}</option>"#,
                selected = if s == chosen { " selected" } else { "" },
                shown = if s.is_empty() { "any" } else { s },
            )
        })
        .collect()
}

/// A table of claims; with `f`, its headings sort the view.
pub(super) fn claims_table(rows: &[ClaimRow], f: Option<&Filters>) -> String {
    let mut out = String::from("<table class=\"claims\">\n<caption>Claims</caption>\n<thead><tr>");
    for (key, _, heading) in SORTS {
        match f {
            Some(f) => {
                let current = f.sort == *key;
                let next_desc = current && !f.descending;
                let sorted = match (current, f.descending) {
                    (true, true) => r#" aria-sort="descending""#,
                    (true, false) => r#" aria-sort="ascending""#,
                    _ => "",
                };
                let _ = write!(
                    out,
                    r#"<th scope="col"{sorted}><a href="{url}">{heading}</a></th>"#,
                    url = escape(&f.url(key, next_desc, 1)),
                );
            }
            None => {
                let _ = write!(out, r#"<th scope="col">{heading}</th>"#);
            }
        }
    }
    out.push_str("<th scope=\"col\">Attribution</th></tr></thead>\n<tbody>\n");
    for row in rows {
        let c = &row.claim;
        let attribution = c.attribution.as_ref().map_or("—", |a| a.verdict.as_str());
        let _ = writeln!(
            out,
            r#"<tr><td><a href="/claims/{id}">{id}</a></td><td><a href="/claims/{id}">{statement}</a></td><td><a href="/speakers/{speaker_id}">{speaker}</a></td><td><a href="/sources/{source_url}">{source}</a></td><td>{confidence}</td><td class="status-{status}">{status}</td><td>{attribution}</td></tr>"#,
            id = c.id,
            statement = escape(&c.statement),
            speaker_id = c.speaker,
            speaker = escape(&row.speaker_name),
            source_url = url_part(&c.source),
            source = escape(&c.source),
            confidence = c.confidence,
            status = c.status.as_str(),
        );
    }
    out.push_str("</tbody></table>\n");
    out
}

fn pager(f: &Filters, pages: u64) -> String {
    let mut out = String::from(r#"<nav class="pager" aria-label="Pages">"#);
    if f.page > 1 {
        let _ = write!(
            out,
            r#"<a rel="prev" href="{}">Previous page</a> "#,
            escape(&f.url(&f.sort, f.descending, f.page - 1))
        );
    }
    if f.page < pages {
        let _ = write!(
            out,
            r#"<a rel="next" href="{}">Next page</a>"#,
            escape(&f.url(&f.sort, f.descending, f.page + 1))
        );
    }
    out.push_str("</nav>\n");
    out
}

/// Links that export the claims this view selects, in every format that
/// takes a selection, and the whole database as a dump.
fn exports(f: &Filters) -> String {
    let mut conditions = Vec::new();
    for (value, field) in [
        (&f.speaker, "speaker = "),
        (&f.source, "source = "),
        (&f.status, "status = "),
        (&f.attribution, "attribution = "),
        (&f.tag, "has tag "),
    ] {
        if !value.is_empty() {
            conditions.push(format!("{field}{}", quote_string(value)));
        }
    }
    if !f.text.is_empty() {
        let t = quote_string(&f.text);
        conditions.push(format!("(statement contains {t} or quote contains {t})"));
    }
    if let Ok(min) = f.min_confidence.parse::<f64>() {
        conditions.push(format!("confidence >= {min}"));
    }
    let mut statement = String::from("claims");
    if !conditions.is_empty() {
        statement.push_str(" where ");
        statement.push_str(&conditions.join(" and "));
    }
    let mut out = String::from(r#"<p class="exports">Export these claims: "#);
    for format in ["jsonl", "csv", "claimreview", "annotation"] {
        let _ = write!(
            out,
            r#"<a href="/export?format={format}&amp;query={q}" download>{format}</a> "#,
            q = url_part(&statement),
        );
    }
    out.push_str(r#"· <a href="/export?format=dump" download>the whole database (dump)</a></p>"#);
    out.push('\n');
    out
}

/// `/sources`: every source, with its claims.
pub(super) fn sources(db: &Db, v: &Visitor) -> Result<Response, Failure> {
    let mut body = String::from(
        "<h1>Sources</h1>\n<table>\n<caption>Sources</caption>\n<thead><tr><th scope=\"col\">Id</th><th scope=\"col\">Title</th><th scope=\"col\">Author</th><th scope=\"col\">Date</th><th scope=\"col\">Claims</th></tr></thead>\n<tbody>\n",
    );
    let listing =
        db.execute(&query::prepare("sources order by id", &Params::new()).map_err(Error::Query)?)?;
    if let Output::Sources(rows) = listing.0 {
        for row in rows {
            let s = &row.source;
            let _ = writeln!(
                body,
                r#"<tr><td><a href="/sources/{url}">{id}</a></td><td>{title}</td><td>{author}</td><td>{date}</td><td>{claims}</td></tr>"#,
                url = url_part(&s.id),
                id = escape(&s.id),
                title = escape(&s.title),
                author = escape(s.author.as_deref().unwrap_or("")),
                date = escape(s.date.as_deref().unwrap_or("")),
                claims = row.claims,
            );
        }
    }
    body.push_str("</tbody></table>\n");
    Ok(page("Sources", &viewer(v), "", &body))
}

/// `/speakers`: every speaker, with their aliases and claims.
pub(super) fn speakers(db: &Db, v: &Visitor) -> Result<Response, Failure> {
    let mut body = String::from(
        "<h1>Speakers</h1>\n<table>\n<caption>Speakers</caption>\n<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Also called</th><th scope=\"col\">Description</th><th scope=\"col\">Claims</th></tr></thead>\n<tbody>\n",
    );
    let listing = db.execute(
        &query::prepare("speakers order by name", &Params::new()).map_err(Error::Query)?,
    )?;
    if let Output::Speakers(rows) = listing.0 {
        for row in rows {
            let s = &row.speaker;
            let _ = writeln!(
                body,
                r#"<tr><td><a href="/speakers/{id}">{name}</a></td><td>{aliases}</td><td>{description}</td><td>{claims}</td></tr>"#,
                id = s.id,
                name = escape(&s.name),
                aliases = escape(&s.aliases.join(", ")),
                description = escape(s.description.as_deref().unwrap_or("")),
                claims = row.claims,
            );
        }
    }
    body.push_str("</tbody></table>\n");
    Ok(page("Speakers", &viewer(v), "", &body))
}

/// `/query`: a box for a statement of the language; a read runs and its
/// answer is shown as a table; a mistake is shown as the CLI shows it,
/// with the caret under the character it is about.
pub(super) fn query(db: &Db, v: &Visitor, pairs: &[(String, String)]) -> Result<Response, Failure> {
    let text = pairs
        .iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let mut body = format!(
        r#"<h1>Query</h1>
<form method="get" action="/query" class="query">
<p><label for="q">A statement of the query language (reads only here)</label></p>
<p><textarea id="q" name="q" rows="4" cols="80" spellcheck="false">{text}</textarea></p>
<p><button type="submit">Run</button> <a href="/claims">Claims</a></p>
</form>
"#,
        text = escape(text)
    );
    let mut status = StatusCode::OK;
    if !text.trim().is_empty() {
        match query::prepare(text, &Params::new()) {
            Err(e) => {
                status = StatusCode::BAD_REQUEST;
                let _ = write!(
                    body,
                    r#"<div class="error" role="alert"><p>{message}</p><pre class="caret">{shown}</pre></div>"#,
                    message = escape(&e.message),
                    shown = escape(&e.render(text, "query")),
                );
            }
            Ok(statement) if statement.is_write() => {
                status = StatusCode::BAD_REQUEST;
                body.push_str(r#"<p class="error" role="alert">The query box runs reads: writes are made from a claim's page, or through the API with a write token.</p>"#);
            }
            Ok(statement) => match db.execute(&statement) {
                Ok((output, _)) => body.push_str(&answer(&output)),
                Err(e) => {
                    status = super::super::failure::status_of(&e);
                    let _ = write!(
                        body,
                        r#"<p class="error" role="alert">{}</p>"#,
                        escape(&e.report().message)
                    );
                }
            },
        }
    }
    let mut response = page("Query", &viewer(v), "", &body);
    *response.status_mut() = status;
    Ok(response)
}

/// A statement's answer as HTML: claims as the claims table, any other
/// list of records as a table of their fields, a single value as text.
fn answer(output: &Output) -> String {
    if let Some(rows) = output.claims() {
        return format!(
            r#"<p role="status">{} claims.</p>{}"#,
            rows.len(),
            claims_table(rows, None)
        );
    }
    if let Output::Claim(detail) = output {
        let id = serde_json::to_value(detail)
            .ok()
            .and_then(|v| v.get("id").and_then(Value::as_u64));
        if let Some(id) = id {
            return format!(r#"<p><a href="/claims/{id}">Claim {id}</a></p>"#);
        }
    }
    let value = serde_json::to_value(output).unwrap_or(Value::Null);
    let records = match &value {
        Value::Array(items) => items.clone(),
        Value::Object(map) => map
            .values()
            .find_map(|v| v.as_array().cloned())
            .unwrap_or_else(|| vec![value.clone()]),
        other => vec![other.clone()],
    };
    let columns: Vec<String> = match records.first() {
        Some(Value::Object(first)) => first.keys().cloned().collect(),
        _ => Vec::new(),
    };
    if columns.is_empty() {
        return format!("<pre>{}</pre>", escape(&value.to_string()));
    }
    let mut out = String::from("<table>\n<caption>Answer</caption>\n<thead><tr>");
    for c in &columns {
        let _ = write!(out, r#"<th scope="col">{}</th>"#, escape(c));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for record in &records {
        out.push_str("<tr>");
        for c in &columns {
            let cell = match record.get(c) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            let _ = write!(out, "<td>{}</td>", escape(&cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    out
}
