//! The pages of one record. A claim's page shows its statement, speaker,
//! confidence and reason, and the quote where it stands: the source's
//! passage around it with each part of the quote highlighted (an ellipsis
//! leaves separate highlights), the words the source credits it with
//! marked apart, what the citation check had to fold to match, and the
//! attribution verdict. A broken claim shows the closest passage and what
//! differs. Each claim page carries its ClaimReview as JSON-LD. A
//! speaker's page lists their names and claims.

use std::fmt::Write;

use axum::response::Response;

use super::html::{escape, json_in_script, page, url_part};
use super::lists::claims_table;
use super::{viewer, Failure, Visitor};
use crate::db::Db;
use crate::error::Error;
use crate::model::{Claim, Status};
use crate::query::{self, ClaimRow, Params};

/// How much of the source shows on each side of a quote, in bytes.
const CONTEXT_BYTES: usize = 600;

/// `/claims/{id}`.
pub(super) fn claim(db: &Db, v: &Visitor, id: &str) -> Result<Response, Failure> {
    let c = stored_claim(db, id)?;
    let id = c.id;
    let speaker = db.speaker(c.speaker)?;
    let speaker_name = speaker
        .as_ref()
        .map_or_else(|| c.speaker.to_string(), |s| s.name.clone());
    let source = db.source(&c.source)?;
    let text = db.source_text(&c.source)?;
    let mut body = format!(
        r#"<article class="claim" aria-labelledby="statement">
<h1 id="statement">{statement}</h1>
<dl class="facts">
<dt>Speaker</dt><dd><a href="/speakers/{speaker_id}">{speaker}</a>{description}</dd>
<dt>Source</dt><dd><a href="/sources/{source_url}#claim-{id}">{source_title}</a></dd>
<dt>Confidence</dt><dd>{confidence} <span class="rationale">— {rationale}</span></dd>
<dt>Status</dt><dd class="status-{status}">{status}</dd>
"#,
        statement = escape(&c.statement),
        speaker_id = c.speaker,
        speaker = escape(&speaker_name),
        description = speaker
            .as_ref()
            .and_then(|s| s.description.as_deref())
            .map_or(String::new(), |d| format!(", {}", escape(d))),
        source_url = url_part(&c.source),
        source_title = escape(
            source
                .as_ref()
                .map_or(c.source.as_str(), |s| s.title.as_str())
        ),
        confidence = c.confidence,
        rationale = escape(&c.rationale),
        status = c.status.as_str(),
    );
    if !c.tags.is_empty() {
        let tags: Vec<String> = c
            .tags
            .iter()
            .map(|t| format!(r#"<a href="/claims?tag={}">{}</a>"#, url_part(t), escape(t)))
            .collect();
        let _ = writeln!(body, "<dt>Tags</dt><dd>{}</dd>", tags.join(", "));
    }
    if let Some(key) = &c.key {
        let _ = writeln!(body, "<dt>Key</dt><dd>{}</dd>", escape(key));
    }
    if let Some(a) = &c.attribution {
        let _ = writeln!(
            body,
            r#"<dt>Attribution</dt><dd class="attribution-{kind}">{text}</dd>"#,
            kind = a.verdict.as_str().replace(' ', "-"),
            text = escape(&a.describe(c.mode)),
        );
    }
    body.push_str("</dl>\n");
    let _ = write!(
        body,
        r#"<section aria-labelledby="quote-heading"><h2 id="quote-heading">The quote</h2>
<blockquote class="quote">{}</blockquote>
"#,
        quote_with_brackets(&c.quote)
    );
    match (c.current_anchor(), text.as_deref()) {
        (Some(anchor), Some(text)) => {
            let _ = write!(
                body,
                r#"<h3>Where it stands in the source (line {line}, column {column})</h3>
<div class="passage" id="passage">{passage}</div>
"#,
                line = anchor.line,
                column = anchor.column,
                passage = passage(text, &c),
            );
            body.push_str(&how_it_matched(text, &c));
        }
        _ if c.status == Status::Broken => body.push_str(&broken(&c)),
        _ => body.push_str("<p>The source holds no text to check the quote against.</p>\n"),
    }
    body.push_str("</section>\n");
    if v.caller.role.allows(crate::model::Role::Write) {
        let _ = writeln!(
            body,
            r#"<p class="actions"><a href="/claims/{id}/edit">Edit</a> <a href="/claims/{id}/delete">Delete</a></p>"#
        );
    }
    body.push_str("</article>\n");
    body.push_str(&history(db, &crate::model::Subject::Claim(id))?);
    let head = match &source {
        Some(source) => {
            let origin = match &c.origin {
                Some(o) => db.source(o)?,
                None => None,
            };
            let row = ClaimRow {
                claim: c.clone(),
                speaker_name: speaker_name.clone(),
            };
            let options = crate::export::ReviewOptions {
                organization: None,
                url_base: None,
                date: crate::export::today(),
            };
            let dates = crate::export::first_and_last_days(
                &db.history(&crate::model::Subject::Claim(c.id))?,
            );
            let reviews = crate::export::claim_reviews(
                &row,
                speaker.as_ref().and_then(|s| s.description.as_deref()),
                source,
                origin.as_ref(),
                &options,
                dates.as_ref(),
            );
            let value = match reviews.len() {
                1 => reviews.into_iter().next().unwrap_or_default(),
                _ => serde_json::Value::Array(reviews),
            };
            format!(
                r#"<script type="application/ld+json">{}</script>"#,
                json_in_script(&value)
            )
        }
        None => String::new(),
    };
    Ok(page(&format!("Claim {id}"), &viewer(v), &head, &body))
}

/// A record's versions, newest first: who, when, why, what changed.
pub(super) fn history(db: &Db, subject: &crate::model::Subject) -> Result<String, Failure> {
    let versions = db.history(subject)?;
    if versions.is_empty() {
        return Ok(String::new());
    }
    let mut out = String::from(
        r#"<section aria-labelledby="history-heading"><h2 id="history-heading">History</h2><ol class="history" reversed>"#,
    );
    for v in versions.iter().rev() {
        let why = v
            .reason
            .as_deref()
            .map_or(String::new(), |r| format!(" because “{}”", escape(r)));
        let _ = write!(
            out,
            r#"<li><p>Version {n}, {at}: {action} by {author}{why} <span class="statement">({statement})</span></p>"#,
            n = v.number,
            at = escape(&v.at),
            action = v.action.as_str(),
            author = escape(&v.author),
            statement = escape(&v.statement),
        );
        if !v.changes.is_empty() {
            out.push_str("<ul>");
            for c in &v.changes {
                let shown = |s: &Option<String>| {
                    s.as_deref().map_or("—".to_string(), |s| {
                        let s: String = s.chars().take(200).collect();
                        escape(&s)
                    })
                };
                let _ = write!(
                    out,
                    "<li><code>{}</code>: {} → {}</li>",
                    escape(&c.field),
                    shown(&c.before),
                    shown(&c.after)
                );
            }
            out.push_str("</ul>");
        }
        out.push_str("</li>");
    }
    out.push_str("</ol></section>\n");
    Ok(out)
}

/// The stored claim a page's path names (`/claims/12`).
pub(super) fn stored_claim(db: &Db, id: &str) -> Result<Claim, Failure> {
    let n: u64 = id.parse().map_err(|_| {
        Failure::invalid(format!(
            "a claim id is a whole number, not {}",
            crate::error::quoted(id)
        ))
    })?;
    Ok(db
        .claim(n)?
        .ok_or_else(|| Error::not_found("claim", n.to_string()))?)
}

/// The quote as stored, its bracketed words (the quoter's, not the
/// source's) marked.
fn quote_with_brackets(quote: &str) -> String {
    let mut out = String::new();
    let mut rest = quote;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|k| open + k) else {
            break;
        };
        out.push_str(&escape(&rest[..open]));
        let _ = write!(
            out,
            r#"<ins class="bracket" title="the quoter's words, not the source's">{}</ins>"#,
            escape(&rest[open..=close])
        );
        rest = &rest[close + 1..];
    }
    out.push_str(&escape(rest));
    out
}

/// The source's passage around a claim's quote: each part of the quote a
/// highlight, the attribution's cue marked when it is in view.
fn passage(text: &str, c: &Claim) -> String {
    let Some(anchor) = c.current_anchor() else {
        return String::new();
    };
    let parts: Vec<(usize, usize)> = if anchor.segments.is_empty() {
        vec![(anchor.start_byte as usize, anchor.end_byte as usize)]
    } else {
        anchor
            .segments
            .iter()
            .map(|&(s, e)| (s as usize, e as usize))
            .collect()
    };
    let first = parts.first().map_or(0, |p| p.0).min(text.len());
    let last = parts.last().map_or(0, |p| p.1).min(text.len());
    let from = floor_boundary(text, first.saturating_sub(CONTEXT_BYTES));
    let to = ceil_boundary(text, (last + CONTEXT_BYTES).min(text.len()));
    let mut spans: Vec<(usize, usize, &str)> =
        parts.iter().map(|&(s, e)| (s, e, "quote")).collect();
    if let Some(cue) = cue_span(text, c) {
        let clear = spans.iter().all(|&(s, e, _)| cue.1 <= s || e <= cue.0);
        if clear && from <= cue.0 && cue.1 <= to {
            spans.push((cue.0, cue.1, "cue"));
        }
    }
    spans.sort_unstable();
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    let mut at = from;
    for (k, (s, e, class)) in spans.iter().enumerate() {
        if *s < at || *e > text.len() || !text.is_char_boundary(*s) || !text.is_char_boundary(*e) {
            continue;
        }
        out.push_str(&escape(&text[at..*s]));
        let label = if *class == "cue" {
            " title=\"the words that credit it\"".to_string()
        } else {
            format!(" data-part=\"{}\"", k + 1)
        };
        let _ = write!(
            out,
            r#"<mark class="{class}"{label}>{}</mark>"#,
            escape(&text[*s..*e])
        );
        at = *e;
    }
    out.push_str(&escape(&text[at..to.max(at)]));
    if to < text.len() {
        out.push('…');
    }
    out
}

/// Where the attribution's cue is in the text: its line and column, as
/// long as the cue as stored (cut with "…" when long).
fn cue_span(text: &str, c: &Claim) -> Option<(usize, usize)> {
    let a = c.attribution.as_ref()?;
    let cue = a.cue.as_deref()?.trim_end_matches('…');
    if a.line == 0 || cue.is_empty() {
        return None;
    }
    let line_start = if a.line == 1 {
        0
    } else {
        text.match_indices('\n').nth(a.line as usize - 2)?.0 + 1
    };
    let start = line_start
        + text[line_start..]
            .char_indices()
            .nth(a.column as usize - 1)
            .map(|(k, _)| k)?;
    // The cue is stored with its whitespace as single spaces.
    let mut end = start;
    let mut wanted = cue.chars().filter(|ch| !ch.is_whitespace()).peekable();
    for (k, ch) in text[start..].char_indices() {
        if wanted.peek().is_none() {
            break;
        }
        if ch.is_whitespace() {
            continue;
        }
        if Some(&ch) != wanted.peek() {
            return None;
        }
        wanted.next();
        end = start + k + ch.len_utf8();
    }
    (wanted.peek().is_none() && end > start).then_some((start, end))
}

/// What the citation check folded to match the quote, and its notes on
/// ellipses and brackets.
fn how_it_matched(text: &str, c: &Claim) -> String {
    let Some(anchor) = c.current_anchor() else {
        return String::new();
    };
    let folded = crate::cite::normalize_source(text);
    let hint = crate::cite::Hint::from_parts(
        Some(anchor.prefix.clone()),
        Some(anchor.suffix.clone()),
        Some(anchor.start_byte as usize),
    );
    let citation = crate::cite::locate_with(text, &folded, &c.quote, hint.as_ref());
    let mut items: Vec<String> = citation
        .normalizations
        .iter()
        .map(|r| format!("folded: {}", r.describe()))
        .collect();
    items.extend(citation.notes.iter().cloned());
    let exact = if anchor.exact {
        "The quote is the source's words exactly."
    } else {
        "The quote matches the source's words after these changes:"
    };
    let mut out = format!(r#"<p class="match">{exact}</p>"#);
    if !items.is_empty() {
        out.push_str("<ul class=\"normalizations\">");
        for item in items {
            let _ = write!(out, "<li>{}</li>", escape(&item));
        }
        out.push_str("</ul>\n");
    }
    out
}

/// A broken claim: what the checker found instead.
fn broken(c: &Claim) -> String {
    let Some(m) = &c.mismatch else {
        return "<p class=\"error\">The source's text no longer holds the quote.</p>\n".into();
    };
    let mut out = format!(
        r#"<p class="error">The source's text no longer holds the quote ({verdict}).</p>"#,
        verdict = escape(&m.verdict)
    );
    if let Some(passage) = &m.passage {
        let _ = write!(
            out,
            r#"<h3>The closest passage (line {line}, column {column}; {score:.0}% alike)</h3><blockquote class="closest">{passage}</blockquote>"#,
            line = m.line,
            column = m.column,
            score = m.score * 100.0,
            passage = escape(passage),
        );
    }
    if !m.changes.is_empty() {
        out.push_str("<h3>What differs</h3><ul class=\"changes\">");
        for change in &m.changes {
            let _ = write!(out, "<li>{}</li>", escape(change));
        }
        out.push_str("</ul>\n");
    }
    out
}

/// `/speakers/{key}`: by id (the pages' links), or by any of their names.
pub(super) fn speaker(db: &Db, v: &Visitor, key: &str) -> Result<Response, Failure> {
    let by_id = match key.parse::<u64>() {
        Ok(id) => db.speaker(id)?,
        Err(_) => None,
    };
    let s = match by_id {
        Some(s) => s,
        None => db
            .speaker_by_name(key)?
            .ok_or_else(|| Error::not_found("speaker", key.to_string()))?,
    };
    let statement = query::prepare(
        "claims where speaker = $name order by id",
        &Params::new().bind("name", s.name.as_str()),
    )
    .map_err(Error::Query)?;
    let output = db.execute(&statement)?.0;
    let rows = output.claims().unwrap_or_default();
    let mut body = format!("<h1>{}</h1>\n<dl class=\"facts\">", escape(&s.name));
    if let Some(d) = &s.description {
        let _ = write!(body, "<dt>Description</dt><dd>{}</dd>", escape(d));
    }
    if !s.aliases.is_empty() {
        let _ = write!(
            body,
            "<dt>Also called</dt><dd>{}</dd>",
            escape(&s.aliases.join(", "))
        );
    }
    let _ = writeln!(body, "<dt>Claims</dt><dd>{}</dd></dl>", rows.len());
    body.push_str(&claims_table(rows, None));
    Ok(page(&s.name, &viewer(v), "", &body))
}

/// The nearest character boundary at or before `at`.
pub(super) fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The nearest character boundary at or after `at`.
pub(super) fn ceil_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}
