//! A source's page: its record, then its whole text with every claim's
//! passage highlighted, each highlight a link to its claim. Passages may
//! overlap (two claims quoting the same words): the text is cut at every
//! passage's ends, and each piece covered by any passage is one highlight
//! that names every claim covering it and links to the first.

use std::fmt::Write;

use axum::response::Response;

use super::html::{escape, page, url_part};
use super::{viewer, Failure, Visitor};
use crate::db::Db;
use crate::error::Error;
use crate::query::{self, Params};

/// `/sources/{id}`.
pub(super) fn source(db: &Db, v: &Visitor, id: &str) -> Result<Response, Failure> {
    let s = db
        .source(id)?
        .ok_or_else(|| Error::not_found("source", id.to_string()))?;
    let text = db.source_text(id)?;
    let statement = query::prepare(
        "claims where source = $source order by id",
        &Params::new().bind("source", id),
    )
    .map_err(Error::Query)?;
    let output = db.execute(&statement)?.0;
    let rows = output.claims().unwrap_or_default();
    let mut body = format!("<h1>{}</h1>\n<dl class=\"facts\">", escape(&s.title));
    let _ = write!(body, "<dt>Id</dt><dd>{}</dd>", escape(&s.id));
    for (label, value) in [
        ("Author", &s.author),
        ("Publisher", &s.publisher),
        ("Date", &s.date),
        ("Notes", &s.notes),
    ] {
        if let Some(value) = value {
            let _ = write!(body, "<dt>{label}</dt><dd>{}</dd>", escape(value));
        }
    }
    let _ = write!(body, "<dt>Kind</dt><dd>{}</dd>", escape(s.kind.as_str()));
    if let Some(url) = &s.url {
        let shown = escape(url);
        if url.starts_with("https://") || url.starts_with("http://") {
            let _ = write!(
                body,
                r#"<dt>Address</dt><dd><a href="{shown}" rel="noopener noreferrer">{shown}</a></dd>"#
            );
        } else {
            let _ = write!(body, "<dt>Address</dt><dd>{shown}</dd>");
        }
    }
    let _ = writeln!(
        body,
        r#"<dt>Claims</dt><dd><a href="/claims?source={url}">{n}</a></dd></dl>"#,
        url = url_part(id),
        n = rows.len()
    );
    // Each claim's passage: its parts' byte ranges.
    let mut passages: Vec<(u64, Vec<(usize, usize)>)> = Vec::new();
    for row in rows {
        let c = &row.claim;
        if let Some(a) = c.current_anchor() {
            let parts = if a.segments.is_empty() {
                vec![(a.start_byte as usize, a.end_byte as usize)]
            } else {
                a.segments
                    .iter()
                    .map(|&(s, e)| (s as usize, e as usize))
                    .collect()
            };
            passages.push((c.id, parts));
        }
    }
    match text {
        Some(text) => {
            let _ = write!(
                body,
                r#"<section aria-labelledby="text-heading"><h2 id="text-heading">Text</h2>
<p>{n} claims' passages are highlighted; each links to its claim. <a href="/export?format=text&amp;query={url}" download>The text with its claims (text export)</a></p>
<div class="source-text">{html}</div></section>
"#,
                n = passages.len(),
                url = url_part(id),
                html = highlighted(&text, &passages),
            );
        }
        None => body.push_str("<p>This source holds no text.</p>\n"),
    }
    Ok(page(&s.title, &viewer(v), "", &body))
}

/// `text` with each passage's parts highlighted: one sweep over the
/// places parts start and end, keeping the claims whose parts cover it.
fn highlighted(text: &str, passages: &[(u64, Vec<(usize, usize)>)]) -> String {
    // (where, whether a part ends there, which claim): ends before starts.
    let mut events: Vec<(usize, bool, u64)> = passages
        .iter()
        .flat_map(|(id, parts)| {
            parts
                .iter()
                .filter(|&&(s, e)| {
                    s < e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
                })
                .flat_map(move |&(s, e)| [(s, false, *id), (e, true, *id)])
        })
        .collect();
    events.sort_unstable_by_key(|&(at, ends, id)| (at, !ends, id));
    let mut out = String::with_capacity(text.len() + passages.len() * 96);
    let mut covering: std::collections::BTreeMap<u64, usize> = Default::default();
    let mut named = std::collections::HashSet::new();
    let mut at = 0;
    let mut k = 0;
    while at < text.len() || k < events.len() {
        while events.get(k).is_some_and(|e| e.0 == at) {
            let (_, ends, id) = events[k];
            if ends {
                if let Some(n) = covering.get_mut(&id) {
                    *n -= 1;
                    if *n == 0 {
                        covering.remove(&id);
                    }
                }
            } else {
                *covering.entry(id).or_default() += 1;
            }
            k += 1;
        }
        let next = events.get(k).map_or(text.len(), |e| e.0);
        if next <= at {
            if k >= events.len() {
                break;
            }
            continue;
        }
        let piece = escape(&text[at..next]);
        match covering.keys().next() {
            None => out.push_str(&piece),
            Some(&first) => {
                // The first piece of each claim's passage is where its link lands.
                let anchors: String = covering
                    .keys()
                    .filter(|id| named.insert(**id))
                    .map(|id| format!(r#"<span id="claim-{id}"></span>"#))
                    .collect();
                let ids: Vec<String> = covering.keys().map(u64::to_string).collect();
                let title = match ids.len() {
                    1 => format!("claim {first}"),
                    _ => format!("claims {}", ids.join(", ")),
                };
                let _ = write!(
                    out,
                    r#"{anchors}<a class="hl" href="/claims/{first}" title="{title}"><mark data-claims="{ids}">{piece}</mark></a>"#,
                    ids = ids.join(" "),
                );
            }
        }
        at = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_passages_share_pieces() {
        let text = "Alpha beta gamma delta.";
        let html = highlighted(text, &[(1, vec![(0, 10)]), (2, vec![(6, 16)])]);
        assert_eq!(
            html,
            concat!(
                r#"<span id="claim-1"></span><a class="hl" href="/claims/1" title="claim 1"><mark data-claims="1">Alpha </mark></a>"#,
                r#"<span id="claim-2"></span><a class="hl" href="/claims/1" title="claims 1, 2"><mark data-claims="1 2">beta</mark></a>"#,
                r#"<a class="hl" href="/claims/2" title="claim 2"><mark data-claims="2"> gamma</mark></a> delta."#
            )
        );
    }
}
