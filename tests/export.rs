//! Exports of the seed checked against what their readers need: every
//! field of a claim (JSON Lines, CSV), the required fields of schema.org
//! `ClaimReview`, W3C Web Annotation selectors that point at the quoted
//! passage (in code points), a source's text byte for byte, and a broken
//! claim exported with what the checker found instead of a stale position.

use claimdb::export::{ExportFormat, ExportOptions, ReviewOptions, CSV_COLUMNS};
use claimdb::Db;
use serde_json::Value;

fn export(db: &Db, format: ExportFormat, query: Option<&str>) -> String {
    let mut out = Vec::new();
    let options = ExportOptions {
        format,
        query: query.map(str::to_string),
        review: ReviewOptions {
            organization: Some("Test Desk".into()),
            url_base: Some("https://desk.example/".into()),
            date: "2026-11-29".into(),
        },
        versions: false,
    };
    db.export(&options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn lines(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn seed() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(
        dir.path().join("seed.db"),
        claimdb::OpenOptions::new().seed(true),
    )
    .unwrap();
    (dir, db)
}

#[test]
fn jsonl_and_csv_carry_every_field() {
    let (_dir, db) = seed();
    let text = db.source_text("fp-lazarus-review").unwrap().unwrap();
    let records = lines(&export(&db, ExportFormat::Jsonl, None));
    assert_eq!(records.len(), 61);
    for r in &records {
        for field in [
            "id",
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
            "anchor",
            "mismatch",
            "attribution",
            "mode",
        ] {
            assert!(r.get(field).is_some(), "{field} missing in {r}");
        }
        let a = &r["anchor"];
        let (s, e) = (
            a["start_byte"].as_u64().unwrap() as usize,
            a["end_byte"].as_u64().unwrap() as usize,
        );
        let chars: Vec<char> = text.chars().collect();
        let (cs, ce) = (
            a["start_char"].as_u64().unwrap() as usize,
            a["end_char"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            chars[cs..ce].iter().collect::<String>(),
            text[s..e],
            "claim {}",
            r["id"]
        );
        assert!(text[..s].ends_with(a["prefix"].as_str().unwrap()));
        assert!(text[e..].starts_with(a["suffix"].as_str().unwrap()));
        assert!(["exact", "normalized"].contains(&r["verdict"].as_str().unwrap()));
    }
    let csv = export(
        &db,
        ExportFormat::Csv,
        Some("claims where speaker = \"White\""),
    );
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        CSV_COLUMNS
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .all(|r| r.len() == CSV_COLUMNS.len() && &r[2] == "Geoff White"));
}

#[test]
fn claimreview_has_the_fields_schema_org_requires() {
    let (_dir, db) = seed();
    let reviews = lines(&export(&db, ExportFormat::ClaimReview, None));
    assert_eq!(reviews.len(), 61);
    for r in &reviews {
        assert_eq!(r["@context"], "https://schema.org");
        assert_eq!(r["@type"], "ClaimReview");
        assert!(r["url"]
            .as_str()
            .unwrap()
            .starts_with("https://desk.example/claims/"));
        // Dated by the claim's history (the seed was loaded today), not
        // by the option, which serves claims without one.
        assert_eq!(r["datePublished"], claimdb::text::today());
        assert_eq!(r["dateModified"], claimdb::text::today());
        assert_eq!(r["author"]["name"], "Test Desk");
        assert!(!r["claimReviewed"].as_str().unwrap().is_empty());
        let item = &r["itemReviewed"];
        assert_eq!(item["@type"], "Claim");
        assert!(["Person", "Organization"].contains(&item["author"]["@type"].as_str().unwrap()));
        assert!(!item["author"]["name"].as_str().unwrap().is_empty());
        assert_eq!(item["appearance"]["@type"], "CreativeWork");
        // claimdb does not judge whether a claim is true: a claim that
        // holds no review of its own gets no rating.
        assert!(r.get("reviewRating").is_none(), "{r}");
    }
}

/// A fact-checking desk's feed comes back from claimdb as it went in: the
/// verdict, the scale, the organisation, the url and the dates of each
/// review unchanged, never replaced by claimdb's confidence.
#[test]
fn a_claimreview_feed_round_trips_with_its_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let db = claimdb::Db::open(dir.path().join("desk.db")).unwrap();
    let feed: Vec<serde_json::Value> = [
        ("https://checks.example/1", "False", 1, "The minister said exports fell by half.", "Ana Ruiz"),
        ("https://checks.example/2", "Mostly true", 4, "The mayor said the bridge opens in May.", "Tom Bell"),
    ]
    .iter()
    .map(|(url, verdict, value, claimed, speaker)| {
        serde_json::json!({
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": url,
            "datePublished": "2026-03-03",
            "dateModified": "2026-03-05",
            "author": {"@type": "Organization", "name": "Checks Desk", "url": "https://checks.example"},
            "claimReviewed": claimed,
            "itemReviewed": {
                "@type": "Claim",
                "author": {"@type": "Person", "name": speaker},
                "appearance": {"@type": "CreativeWork", "url": "https://news.example/story"},
            },
            "reviewRating": {
                "@type": "Rating", "ratingValue": value, "bestRating": 5, "worstRating": 1,
                "alternateName": verdict, "ratingExplanation": "the figures say otherwise",
            },
        })
    })
    .collect();
    let file = dir.path().join("feed.jsonl");
    let text: Vec<String> = feed.iter().map(|r| r.to_string()).collect();
    std::fs::write(&file, text.join("\n")).unwrap();
    let report = db
        .import(&[file], &claimdb::import::ImportOptions::default())
        .unwrap();
    assert!(report.written && !report.refused(), "{:?}", report.rows);
    // claimdb's confidence is its own: neutral, saying it has not judged.
    let claims: Vec<_> = db
        .view()
        .unwrap()
        .claims()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(claims.iter().all(|c| c.confidence.value() == 0.5
        && c.rationale == "from a ClaimReview by Checks Desk; claimdb has not judged it"
        && c.reviews.len() == 1));
    let out = export(&db, ExportFormat::ClaimReview, None);
    let back = lines(&out);
    assert_eq!(back.len(), 2);
    for (sent, came) in feed.iter().zip(&back) {
        for field in [
            "url",
            "datePublished",
            "dateModified",
            "author",
            "claimReviewed",
            "reviewRating",
        ] {
            assert_eq!(sent[field], came[field], "{field}: {came}");
        }
        assert_eq!(
            sent["itemReviewed"]["author"]["name"],
            came["itemReviewed"]["author"]["name"]
        );
        assert_eq!(
            sent["itemReviewed"]["appearance"]["url"],
            came["itemReviewed"]["appearance"]["url"]
        );
    }
    // The reviews travel in the dump and the claims export too.
    let dump = export(&db, ExportFormat::Dump, None);
    assert!(dump.contains(r#""rating_name":"False""#), "{dump}");
    let full = lines(&export(&db, ExportFormat::Jsonl, None));
    assert_eq!(full[0]["reviews"][0]["rating_value"], 1.0);
}

#[test]
fn annotation_selectors_point_at_the_passage_in_code_points() {
    let (_dir, db) = seed();
    let text: Vec<char> = db
        .source_text("fp-lazarus-review")
        .unwrap()
        .unwrap()
        .chars()
        .collect();
    let annotations = lines(&export(&db, ExportFormat::Annotation, None));
    assert_eq!(annotations.len(), 61);
    for a in &annotations {
        assert_eq!(a["@context"], "http://www.w3.org/ns/anno.jsonld");
        assert_eq!(a["type"], "Annotation");
        assert!(a["motivation"].is_string());
        let selectors = a["target"]["selector"].as_array().unwrap();
        let quote = selectors
            .iter()
            .find(|s| s["type"] == "TextQuoteSelector")
            .unwrap();
        let position = selectors
            .iter()
            .find(|s| s["type"] == "TextPositionSelector")
            .unwrap();
        let (start, end) = (
            position["start"].as_u64().unwrap() as usize,
            position["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            text[start..end].iter().collect::<String>(),
            quote["exact"].as_str().unwrap()
        );
        let before: String = text[..start].iter().collect();
        assert!(before.ends_with(quote["prefix"].as_str().unwrap()));
    }
}

#[test]
fn text_goes_out_byte_for_byte_and_a_broken_claim_is_not_a_stale_position() {
    let (dir, db) = seed();
    let original = db.source_text("fp-lazarus-review").unwrap().unwrap();
    assert_eq!(
        export(&db, ExportFormat::Text, Some("fp-lazarus-review")),
        original
    );
    let changed = original.replace(
        "Remember the 11th of September 2001.",
        "Remember September 2001.",
    );
    let file = dir.path().join("new.txt");
    std::fs::write(&file, &changed).unwrap();
    db.replace_source_text("fp-lazarus-review", &changed)
        .unwrap();
    let broken = lines(&export(
        &db,
        ExportFormat::Jsonl,
        Some("claims where id = 1"),
    ));
    assert_eq!(broken[0]["status"], "broken");
    assert_eq!(broken[0]["verdict"], "broken");
    assert!(broken[0]["anchor"].is_null());
    assert!(broken[0]["mismatch"]["closest_passage"]
        .as_str()
        .unwrap()
        .contains("Remember September 2001"));
    assert!(!broken[0]["mismatch"]["changes"]
        .as_array()
        .unwrap()
        .is_empty());
    // `show claim` as JSON: the broken detail the table view shows, and no
    // stale line and column.
    let shown = db.query("show claim 1").unwrap();
    let json: Value = serde_json::from_str(&claimdb::render::render(
        &shown,
        claimdb::render::Format::Json,
        100,
    ))
    .unwrap();
    assert!(
        json[0]["line"].is_null() && json[0]["column"].is_null(),
        "{json}"
    );
    assert_eq!(
        json[0]["broken"]["closest_passage"],
        broken[0]["mismatch"]["closest_passage"]
    );
    assert!(json[0]["broken"]["changes"][0]
        .as_str()
        .unwrap()
        .contains("the 11th of"));
}

#[test]
fn exports_say_how_the_quote_stands_and_whom_the_source_credits() {
    let (_dir, db) = seed();
    // Moriuchi's claim 48 is the reviewer's paraphrase of her.
    let review = &lines(&export(
        &db,
        ExportFormat::ClaimReview,
        Some("claims where id = 48"),
    ))[0];
    let description = review["itemReviewed"]["description"].as_str().unwrap();
    assert!(
        description.starts_with("Indirect speech: the source's paraphrase"),
        "{description}"
    );
    assert!(
        description.contains("“Moriuchi tells White that”"),
        "{description}"
    );
    let annotation = &lines(&export(
        &db,
        ExportFormat::Annotation,
        Some("claims where id = 22"),
    ))[0];
    let classifying: Vec<&Value> = annotation["body"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["purpose"] == "classifying")
        .collect();
    assert_eq!(classifying.len(), 1);
    assert!(classifying[0]["value"]
        .as_str()
        .unwrap()
        .starts_with("Direct quotation"));
    // Every field: the verdict, whom, the cue with its place, the mode.
    let record = &lines(&export(
        &db,
        ExportFormat::Jsonl,
        Some("claims where id = 22"),
    ))[0];
    assert_eq!(record["attribution"]["verdict"], "confirmed");
    assert_eq!(record["attribution"]["credited"], "Thae Yong-ho");
    assert_eq!(record["attribution"]["cue"], "Thae says");
    assert_eq!(record["attribution"]["line"], 26);
    assert_eq!(record["mode"], "direct");
}
