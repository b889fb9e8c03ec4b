//! Claims as other programs read them: every field (JSON Lines, CSV), a
//! schema.org `ClaimReview`, a W3C Web `Annotation`.
//!
//! Each exported claim is built from the stored record and its source,
//! never from a table view, so nothing is lost: the full anchor (byte and
//! character offsets, line and column, prefix, suffix, segments), the
//! verdict, the status, and for a broken claim what the checker found
//! instead (the closest passage and the changes), not a stale position.

use serde_json::{json, Map, Value};

use crate::model::{Claim, Review, Source, Status};
use crate::query::ClaimRow;

/// What the `ClaimReview` export says of the reviewer.
#[derive(Debug, Clone, Default)]
pub struct ReviewOptions {
    /// The organisation that curated the claims (`author` of each review).
    pub organization: Option<String>,
    /// Where a claim can be read: `{url_base}/claims/{id}`. Without it, a
    /// claim without a review of its own has no `url`.
    pub url_base: Option<String>,
    /// `datePublished` of a claim without a review of its own nor a history
    /// (one written before history was kept), as written (`2026-11-29`);
    /// a claim with a history is dated by its first and last versions.
    pub date: String,
}

/// The verdict a stored claim carries: how its quote matched.
fn verdict(c: &Claim) -> &'static str {
    match (&c.anchor, c.status) {
        (Some(a), Status::Verified) if a.exact => "exact",
        (Some(_), Status::Verified) => "normalized",
        (_, Status::Broken) => "broken",
        _ => "unverified",
    }
}

/// Every field of a claim, as one JSON object.
pub fn full_record(row: &ClaimRow) -> Value {
    let c = &row.claim;
    let mut object = Map::new();
    object.insert("id".into(), json!(c.id));
    object.insert("key".into(), json!(c.key));
    object.insert("speaker".into(), json!(row.speaker_name));
    object.insert("speaker_id".into(), json!(c.speaker));
    object.insert("source".into(), json!(c.source));
    object.insert("origin".into(), json!(c.origin));
    object.insert("quote".into(), json!(c.quote));
    object.insert("statement".into(), json!(c.statement));
    object.insert("confidence".into(), json!(c.confidence.value()));
    object.insert("rationale".into(), json!(c.rationale));
    object.insert("tags".into(), json!(c.tags));
    object.insert("reviews".into(), json!(c.reviews));
    object.insert("status".into(), json!(c.status.as_str()));
    object.insert("verdict".into(), json!(verdict(c)));
    // A broken claim's anchor points into a text that is gone: it is
    // reported as what the checker found in the current text instead.
    let anchor = c.current_anchor();
    object.insert(
        "anchor".into(),
        anchor.map_or(Value::Null, |a| {
            json!({
                "start_byte": a.start_byte,
                "end_byte": a.end_byte,
                "start_char": a.start_char,
                "end_char": a.end_char,
                "line": a.line,
                "column": a.column,
                "end_line": a.end_line,
                "end_column": a.end_column,
                "prefix": a.prefix,
                "suffix": a.suffix,
                "segments": a.segments,
                "text_sha256": a.text_sha256,
            })
        }),
    );
    object.insert(
        "attribution".into(),
        c.attribution.as_ref().map_or(Value::Null, |a| {
            json!({
                "verdict": a.verdict.as_str(),
                "credited": a.named,
                "cue": a.cue,
                "rule": a.rule,
                "line": a.line,
                "column": a.column,
            })
        }),
    );
    object.insert("mode".into(), json!(c.mode.map(|m| m.as_str())));
    object.insert(
        "mismatch".into(),
        c.mismatch.as_ref().map_or(Value::Null, |m| {
            json!({
                "verdict": m.verdict,
                "closest_passage": m.passage,
                "line": m.line,
                "column": m.column,
                "score": m.score,
                "changes": m.changes,
                "text_sha256": m.text_sha256,
            })
        }),
    );
    Value::Object(object)
}

/// The CSV columns of [`full_record`], flattened.
pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "key",
    "speaker",
    "speaker_id",
    "source",
    "origin",
    "quote",
    "statement",
    "confidence",
    "rationale",
    "tags",
    "status",
    "verdict",
    "start_byte",
    "end_byte",
    "start_char",
    "end_char",
    "line",
    "column",
    "end_line",
    "end_column",
    "prefix",
    "suffix",
    "segments",
    "text_sha256",
    "mismatch_verdict",
    "closest_passage",
    "mismatch_line",
    "mismatch_column",
    "mismatch_score",
    "changes",
    "attribution",
    "credited",
    "attribution_cue",
    "attribution_rule",
    "attribution_line",
    "attribution_column",
    "mode",
];

/// One CSV row of [`CSV_COLUMNS`]: lists joined with `;`, segments as
/// `start-end` byte ranges, an absent value empty.
pub fn csv_row(row: &ClaimRow) -> Vec<String> {
    let record = full_record(row);
    let cell = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => s.clone(),
                Value::Array(pair) => pair
                    .iter()
                    .map(Value::to_string)
                    .collect::<Vec<_>>()
                    .join("-"),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(";"),
        other => other.to_string(),
    };
    let field = |path: &[&str]| {
        let mut v = &record;
        for key in path {
            v = v.get(key).unwrap_or(&Value::Null);
        }
        cell(v)
    };
    CSV_COLUMNS
        .iter()
        .map(|&column| match column {
            "mismatch_verdict" => field(&["mismatch", "verdict"]),
            "closest_passage" => field(&["mismatch", "closest_passage"]),
            "mismatch_line" => field(&["mismatch", "line"]),
            "mismatch_column" => field(&["mismatch", "column"]),
            "mismatch_score" => field(&["mismatch", "score"]),
            "changes" => field(&["mismatch", "changes"]),
            "attribution" => field(&["attribution", "verdict"]),
            "credited" => field(&["attribution", "credited"]),
            "attribution_cue" => field(&["attribution", "cue"]),
            "attribution_rule" => field(&["attribution", "rule"]),
            "attribution_line" => field(&["attribution", "line"]),
            "attribution_column" => field(&["attribution", "column"]),
            c if record.get(c).is_some() => field(&[c]),
            c => field(&["anchor", c]),
        })
        .collect()
}

/// Words in a speaker's name or description that make it an organisation
/// rather than a person.
const ORGANIZATION_WORDS: &[&str] = &[
    "agency",
    "bank",
    "board",
    "bureau",
    "commission",
    "committee",
    "company",
    "corporation",
    "council",
    "court",
    "department",
    "fbi",
    "government",
    "group",
    "ministry",
    "office",
    "organization",
    "organisation",
    "police",
    "treasury",
    "university",
    "attackers",
    "hackers",
];

fn schema_type_of(name: &str, description: Option<&str>) -> &'static str {
    let words = format!("{name} {}", description.unwrap_or("")).to_lowercase();
    let is_org = words
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| ORGANIZATION_WORDS.contains(&w));
    if is_org {
        "Organization"
    } else {
        "Person"
    }
}

fn creative_work(s: &Source) -> Value {
    let mut work = Map::new();
    work.insert("@type".into(), json!("CreativeWork"));
    work.insert("name".into(), json!(s.title));
    if let Some(url) = &s.url {
        work.insert("url".into(), json!(url));
    }
    if let Some(date) = &s.date {
        work.insert("datePublished".into(), json!(date));
    }
    if let Some(author) = &s.author {
        work.insert("author".into(), json!({"@type": "Person", "name": author}));
    }
    work.insert("identifier".into(), json!(s.id));
    Value::Object(work)
}

/// How the quote stands in its source and whom the source credits, in a
/// sentence: what the `ClaimReview` claim's `description` and the
/// annotation's classifying body say.
fn how_quoted(c: &Claim) -> Option<String> {
    use crate::model::{AttributionVerdict, Mode};
    let a = c.attribution.as_ref()?;
    let mode = match c.mode {
        Some(Mode::Direct) => "Direct quotation: the speaker's own words",
        Some(Mode::Indirect) => "Indirect speech: the source's paraphrase of what the speaker said",
        Some(Mode::Mixed) => {
            "Mixed quotation: the source's paraphrase, with some of the speaker's words quoted"
        }
        None => "Quoted",
    };
    let cue = a
        .cue
        .as_deref()
        .map_or(String::new(), |cue| format!(" (“{cue}”)"));
    let who = a.named.as_deref().unwrap_or("someone else");
    Some(match a.verdict {
        AttributionVerdict::Confirmed => {
            format!("{mode}; the source attributes it to the speaker{cue}.")
        }
        AttributionVerdict::DifferentSpeaker => {
            format!("{mode}; but the source attributes it to {who}{cue}, not to the speaker.")
        }
        AttributionVerdict::NotFound => format!("{mode}; the source names no one as saying it."),
    })
}

/// A claim as schema.org `ClaimReview`s: one per review it holds, each
/// as it was imported (its rating, organisation, url and dates unchanged);
/// a claim without a review gives one that says what claimdb knows (who
/// said it, where, the quote and how it is anchored) and no rating, since
/// claimdb does not judge whether a claim is true.
///
/// `dates`: the days of the claim's first and last versions, when its
/// history is kept: claimdb's own review is published on the first and
/// modified on the last.
pub fn claim_reviews(
    row: &ClaimRow,
    speaker_description: Option<&str>,
    source: &Source,
    origin: Option<&Source>,
    options: &ReviewOptions,
    dates: Option<&(String, String)>,
) -> Vec<Value> {
    let c = &row.claim;
    let mut item = Map::new();
    item.insert("@type".into(), json!("Claim"));
    item.insert(
        "author".into(),
        json!({
            "@type": schema_type_of(&row.speaker_name, speaker_description),
            "name": row.speaker_name,
        }),
    );
    item.insert("appearance".into(), creative_work(source));
    if let Some(origin) = origin {
        item.insert("firstAppearance".into(), creative_work(origin));
    }
    if let Some(a) = c.anchor.as_ref().filter(|_| c.status == Status::Verified) {
        item.insert("text".into(), json!(c.quote));
        item.insert("position".into(), json!(a.start_char));
    }
    if let Some(how) = how_quoted(c) {
        item.insert("description".into(), json!(how));
    }
    let item = Value::Object(item);
    let review = |r: Option<&Review>| {
        let mut object = Map::new();
        object.insert("@context".into(), json!("https://schema.org"));
        object.insert("@type".into(), json!("ClaimReview"));
        let own_url = options
            .url_base
            .as_ref()
            .map(|base| format!("{}/claims/{}", base.trim_end_matches('/'), c.id));
        let put = |object: &mut Map<String, Value>, key: &str, value: Option<Value>| {
            if let Some(value) = value {
                object.insert(key.into(), value);
            }
        };
        match r {
            Some(r) => {
                put(&mut object, "url", r.url.as_ref().map(|u| json!(u)));
                put(
                    &mut object,
                    "datePublished",
                    r.date_published.as_ref().map(|d| json!(d)),
                );
                put(
                    &mut object,
                    "dateModified",
                    r.date_modified.as_ref().map(|d| json!(d)),
                );
                if let Some(name) = &r.author {
                    let mut author = Map::new();
                    author.insert("@type".into(), json!("Organization"));
                    author.insert("name".into(), json!(name));
                    put(&mut author, "url", r.author_url.as_ref().map(|u| json!(u)));
                    object.insert("author".into(), Value::Object(author));
                }
            }
            None => {
                put(&mut object, "url", own_url.map(Value::from));
                match dates {
                    Some((first, last)) => {
                        object.insert("datePublished".into(), json!(first));
                        object.insert("dateModified".into(), json!(last));
                    }
                    None => {
                        object.insert("datePublished".into(), json!(options.date));
                    }
                }
                if let Some(name) = &options.organization {
                    object.insert(
                        "author".into(),
                        json!({"@type": "Organization", "name": name}),
                    );
                }
            }
        }
        object.insert("claimReviewed".into(), json!(c.statement));
        object.insert("itemReviewed".into(), item.clone());
        if let Some(r) = r {
            let mut rating = Map::new();
            rating.insert("@type".into(), json!("Rating"));
            put(&mut rating, "ratingValue", r.rating_value.map(number));
            put(&mut rating, "bestRating", r.best_rating.map(number));
            put(&mut rating, "worstRating", r.worst_rating.map(number));
            put(
                &mut rating,
                "alternateName",
                r.rating_name.as_ref().map(|n| json!(n)),
            );
            put(
                &mut rating,
                "ratingExplanation",
                r.rating_explanation.as_ref().map(|e| json!(e)),
            );
            object.insert("reviewRating".into(), Value::Object(rating));
        }
        Value::Object(object)
    };
    if c.reviews.is_empty() {
        vec![review(None)]
    } else {
        c.reviews.iter().map(|r| review(Some(r))).collect()
    }
}

/// A number as it was most likely written: 1, not 1.0.
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

/// A claim as a W3C Web Annotation on its source's text: a
/// `TextQuoteSelector` (the anchored passage, its prefix and suffix) and a
/// `TextPositionSelector` (code points of the source's text). A claim
/// that is not anchored has a target without selectors.
pub fn annotation(row: &ClaimRow, source: &Source, passage: Option<&str>) -> Value {
    let c = &row.claim;
    let target_source = source
        .url
        .clone()
        .unwrap_or_else(|| format!("urn:claimdb:source:{}", source.id));
    let selectors = match (c.anchor.as_ref(), passage) {
        (Some(a), Some(exact)) if c.status == Status::Verified => json!([
            {"type": "TextQuoteSelector", "exact": exact, "prefix": a.prefix, "suffix": a.suffix},
            {"type": "TextPositionSelector", "start": a.start_char, "end": a.end_char},
        ]),
        _ => json!([]),
    };
    let mut body = vec![
        json!({"type": "TextualBody", "purpose": "describing", "value": c.statement}),
        json!({"type": "TextualBody", "purpose": "identifying", "value": row.speaker_name}),
        json!({"type": "TextualBody", "purpose": "assessing",
               "value": format!("confidence {}: {}", c.confidence.value(), c.rationale)}),
    ];
    if let Some(how) = how_quoted(c) {
        body.push(json!({"type": "TextualBody", "purpose": "classifying", "value": how}));
    }
    body.extend(
        c.tags
            .iter()
            .map(|t| json!({"type": "TextualBody", "purpose": "tagging", "value": t})),
    );
    json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": format!("urn:claimdb:claim:{}", c.id),
        "type": "Annotation",
        "motivation": "describing",
        "body": body,
        "target": {"source": target_source, "selector": selectors},
    })
}
