//! Attribution benchmark: `cargo bench --bench extract`.
//!
//! Reads 1 MB of text for attribution and proposes its claims
//! ([`claimdb::attrib::Analysis`] then [`claimdb::attrib::extract`]), for
//! two genres: news prose with quotations and reported speech (the seed
//! review and a VOA report, repeated with numbered paragraphs) and a
//! transcript with speaker labels (a Congressional Record page, repeated).
//! Then the attribution check's own cost: one passage attributed in an
//! analysed text. Medians of several runs.

#[path = "support/timing.rs"]
mod timing;

use claimdb::attrib::{extract, Analysis, Attributions};
use timing::time;

const REVIEW: &str = include_str!("../db-seed/texts/fp-lazarus-review.txt");
const VOA: &str = include_str!("../tests/texts/voa-north-korea-expels-bbc-2016.txt");
const SENATE: &str = include_str!("../tests/texts/senate-1997-01-28-s697.txt");
const MB: usize = 1 << 20;

/// `parts` repeated, each paragraph numbered with its copy, to `size` bytes.
fn prose_of(size: usize) -> String {
    let mut text = String::with_capacity(size + REVIEW.len());
    let mut copy = 0;
    while text.len() < size {
        copy += 1;
        for part in [REVIEW, VOA] {
            for (n, paragraph) in part.split("\n\n").enumerate() {
                text.push_str(&format!("[{copy}.{n}] {paragraph}\n\n"));
            }
        }
    }
    text
}

fn transcript_of(size: usize) -> String {
    let mut text = String::with_capacity(size + SENATE.len());
    while text.len() < size {
        text.push_str(SENATE);
    }
    text
}

fn main() {
    for (genre, text, author) in [
        ("news prose", prose_of(MB), Some("Anthony Ruggiero")),
        ("transcript", transcript_of(MB), None),
    ] {
        let mb = text.len() as f64 / MB as f64;
        let mut proposals = 0;
        let took = time(5, || {
            let analysis = Analysis::new(&text);
            let found = extract(&analysis, author);
            proposals = found.len();
            found
        });
        println!(
            "extract, {genre}: {mb:.2} MB in {:.1} ms ({:.1} MB/s), {proposals} proposals",
            took.as_secs_f64() * 1e3,
            mb / took.as_secs_f64()
        );
        let attributions = Attributions::of(&text);
        let spans: Vec<std::ops::Range<usize>> = (0..1000)
            .map(|i| {
                let at = text.len() * i / 1000;
                let at = (at..text.len())
                    .find(|&k| text.is_char_boundary(k))
                    .unwrap_or(0);
                let end = (at + 80..text.len())
                    .find(|&k| text.is_char_boundary(k))
                    .unwrap_or(text.len());
                at..end
            })
            .collect();
        let per = time(5, || {
            spans
                .iter()
                .map(|s| {
                    attributions
                        .attribute(s.clone(), author)
                        .map(|c| c.len())
                        .unwrap_or(0)
                })
                .sum::<usize>()
        });
        println!(
            "attribute one passage, {genre}: {:.1} µs (1,000 passages in {:.1} ms)",
            per.as_secs_f64() * 1e6 / 1000.0,
            per.as_secs_f64() * 1e3
        );
    }
}
