//! Reading schema.org `ClaimReview` feeds: the fact-checks newsrooms
//! publish (and `claimdb export --format claimreview` writes) become
//! speakers, sources and claims.
//!
//! One review gives: the claim's author as a speaker; its `appearance`
//! and `firstAppearance` as sources (referred to: an existing source of the
//! same id is used as it is); and a claim whose statement is
//! `claimReviewed`, whose quote is the `Claim`'s `text` when it has one
//! (checked against the source's text, if claimdb holds it) or none, and
//! whose key is the review's `url`, so importing a feed again updates its
//! claims instead of adding them twice. The review itself (its rating,
//! the organisation, url and dates) is kept on the claim as it came
//! ([`Review`]) and exported back unchanged. A review's rating says whether
//! the claim is true, which is not what claimdb's confidence measures (is
//! the quote in the source, and the speaker's?): the claim gets the neutral
//! 0.5, its rationale saying that claimdb has not judged it.

use serde_json::Value;

use super::read::Record;
use crate::model::{validate_source_id, NewClaim, NewSource, NewSpeaker, Review, SourceKind};

/// Whether a JSON object is a `ClaimReview`.
pub fn is_claim_review(object: &Value) -> bool {
    object.get("@type").and_then(Value::as_str) == Some("ClaimReview")
}

/// The reviews of a feed: a list of them, an `ItemList` of them (each
/// element the review or a `ListItem` holding it in `item`), or one.
pub fn reviews(feed: &Value) -> Vec<&Value> {
    let elements: Vec<&Value> = match feed {
        Value::Array(items) => items.iter().collect(),
        Value::Object(o) if o.get("@type").and_then(Value::as_str) == Some("ItemList") => o
            .get("itemListElement")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        other => vec![other],
    };
    elements
        .into_iter()
        .map(|e| e.get("item").filter(|i| i.is_object()).unwrap_or(e))
        .collect()
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn number(v: &Value, key: &str) -> Option<f64> {
    match v.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A name from a `Person`, an `Organization`, a list of them, or a string.
fn name_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Array(items) => items.iter().find_map(name_of),
        Value::Object(_) => text(v, "name").map(str::to_string),
        _ => None,
    }
}

/// A source id for a `CreativeWork`: its `identifier` when that is a
/// valid id, else a slug of its URL (or name).
fn source_id(work: &Value) -> Option<String> {
    if let Some(id) = text(work, "identifier").filter(|i| validate_source_id(i).is_ok()) {
        return Some(id.to_string());
    }
    let basis = text(work, "url").or_else(|| text(work, "name"))?;
    let basis = basis
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.");
    let mut slug = String::new();
    for c in basis.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_matches('-').chars().take(100).collect();
    (!slug.is_empty()).then_some(slug)
}

/// The source a `CreativeWork` (or a URL) stands for.
fn source(work: &Value) -> Option<NewSource> {
    let work = match work {
        Value::Array(items) => items.first()?,
        Value::String(url) => {
            return source(&serde_json::json!({"url": url}));
        }
        other => other,
    };
    let id = source_id(work)?;
    Some(NewSource {
        title: text(work, "name")
            .or_else(|| text(work, "headline"))
            .or_else(|| text(work, "url"))
            .unwrap_or(&id)
            .to_string(),
        id,
        author: work.get("author").and_then(name_of),
        publisher: work.get("publisher").and_then(name_of),
        date: text(work, "datePublished").map(str::to_string),
        kind: Some(SourceKind::Other),
        url: text(work, "url").map(str::to_string),
        notes: Some("from a ClaimReview".into()),
        text: None,
        text_file: None,
    })
}

/// The records one review gives, in the order they are applied.
pub fn records(review: &Value) -> Result<Vec<Record>, String> {
    if !is_claim_review(review) {
        return Err("not a ClaimReview (its @type is not \"ClaimReview\")".into());
    }
    let statement = text(review, "claimReviewed")
        .ok_or("a ClaimReview without `claimReviewed` (the claim's words)")?;
    let item = review.get("itemReviewed").unwrap_or(&Value::Null);
    let speaker = item
        .get("author")
        .and_then(name_of)
        .ok_or("a ClaimReview whose `itemReviewed` has no `author` (who made the claim)")?;
    let appearance = item
        .get("appearance")
        .or_else(|| item.get("firstAppearance"))
        .and_then(source)
        .ok_or(
            "a ClaimReview whose claim has no `appearance` or `firstAppearance` with a url or name",
        )?;
    let first = item.get("firstAppearance").and_then(source);
    let kept = review_of(review);
    let rationale = match &kept.author {
        Some(by) => format!("from a ClaimReview by {by}; claimdb has not judged it"),
        None => "from a ClaimReview; claimdb has not judged it".to_string(),
    };
    let mut out = vec![Record::Speaker(
        NewSpeaker {
            name: speaker.clone(),
            aliases: Vec::new(),
            description: None,
        },
        None,
    )];
    let origin = first.as_ref().map(|f| f.id.clone());
    let source_id = appearance.id.clone();
    out.push(Record::SourceRef(appearance));
    if let Some(first) = first.filter(|f| f.id != source_id) {
        out.push(Record::SourceRef(first));
    }
    out.push(Record::Claim(
        NewClaim {
            speaker,
            source: source_id,
            origin,
            quote: text(item, "text").unwrap_or("").to_string(),
            statement: statement.to_string(),
            confidence: 0.5,
            rationale,
            tags: vec!["claimreview".into()],
            key: text(review, "url").map(str::to_string),
            reviews: vec![kept],
        },
        None,
        None,
        None,
    ));
    Ok(out)
}

/// The review as it came: its rating, who wrote it, where and when.
fn review_of(review: &Value) -> Review {
    let rating = review.get("reviewRating").unwrap_or(&Value::Null);
    let author = review.get("author").unwrap_or(&Value::Null);
    let owned = |v: &Value, key: &str| text(v, key).map(str::to_string);
    Review {
        author: name_of(author),
        author_url: match author {
            Value::Array(items) => items.iter().find_map(|a| owned(a, "url")),
            other => owned(other, "url"),
        },
        url: owned(review, "url"),
        date_published: owned(review, "datePublished"),
        date_modified: owned(review, "dateModified"),
        rating_value: number(rating, "ratingValue"),
        best_rating: number(rating, "bestRating"),
        worst_rating: number(rating, "worstRating"),
        rating_name: owned(rating, "alternateName"),
        rating_explanation: owned(rating, "ratingExplanation"),
    }
}
