//! Citation-locator benchmark: `cargo bench --bench locate`.
//!
//! Reports (1) exact anchoring throughput in MB/s of source text, with the
//! normalization of the source counted and not counted, and (2) the time to
//! approximately anchor a 300-character quote in a 1 MB source. The source
//! is the seed review, repeated with numbered paragraphs to 1 MB, so the
//! quote's words occur in every copy and only the numbers set the right copy
//! apart: a hard case for the approximate search. Medians of several runs.

#[path = "support/timing.rs"]
mod timing;

use claimdb::cite::{locate_with, normalize_source, Verdict};
use timing::time;

const REVIEW: &str = include_str!("../db-seed/texts/fp-lazarus-review.txt");
const MB: usize = 1 << 20;

fn source_of(size: usize) -> String {
    let mut text = String::with_capacity(size + REVIEW.len());
    let mut copy = 0;
    while text.len() < size {
        copy += 1;
        for (n, paragraph) in REVIEW.split("\n\n").enumerate() {
            text.push_str(&format!("[{copy}.{n}] {paragraph}\n\n"));
        }
    }
    text
}

fn main() {
    let text = source_of(MB);
    let size_mb = text.len() as f64 / MB as f64;
    // The last copy's passage: the whole text is scanned before it is found.
    let last = text.rfind("[").unwrap();
    let tail = &text[..last];
    let at = tail
        .rfind("Bangladesh Bank tried to recover the money")
        .unwrap();
    // About 300 bytes, cut at a word's end: a quote is whole words.
    let exact_quote = &text[at..at + text[at..at + 301].rfind(' ').unwrap()];
    let folded = normalize_source(&text);

    let normalize_time = time(10, || normalize_source(&text));
    let exact_time = time(20, || locate_with(&text, &folded, exact_quote, None));
    let check = locate_with(&text, &folded, exact_quote, None);
    assert_eq!(check.verdict, Verdict::Exact);
    let exact_with_normalize = normalize_time + exact_time;

    // 300 characters with three words changed: a number, a negation removed, a content word.
    let misquote = exact_quote
        .replacen("$51 million", "$15 million", 1)
        .replacen("one step ahead", "two steps ahead", 1)
        .replacen("laundered", "hid", 1);
    assert_ne!(misquote, exact_quote);
    let approx_time = time(10, || locate_with(&text, &folded, &misquote, None));
    let approx = locate_with(&text, &folded, &misquote, None);
    assert_eq!(approx.verdict, Verdict::Approximate);
    let approx_cold = time(5, || {
        locate_with(&text, &normalize_source(&text), &misquote, None)
    });

    println!(
        "source: {:.2} MB ({} bytes), quote: {} characters",
        size_mb,
        text.len(),
        exact_quote.chars().count()
    );
    println!(
        "exact anchoring, source already normalized: {:>9.3} ms  {:>8.0} MB/s",
        exact_time.as_secs_f64() * 1e3,
        size_mb / exact_time.as_secs_f64()
    );
    println!(
        "normalizing the source:                     {:>9.3} ms  {:>8.0} MB/s",
        normalize_time.as_secs_f64() * 1e3,
        size_mb / normalize_time.as_secs_f64()
    );
    println!(
        "exact anchoring, normalization included:    {:>9.3} ms  {:>8.0} MB/s",
        exact_with_normalize.as_secs_f64() * 1e3,
        size_mb / exact_with_normalize.as_secs_f64()
    );
    println!(
        "approximate anchoring of a 300-char quote:  {:>9.3} ms  (source normalized); {:.3} ms including normalization",
        approx_time.as_secs_f64() * 1e3,
        approx_cold.as_secs_f64() * 1e3
    );
    println!(
        "approximate result: {:.0}% similar, {} word changes",
        approx.score * 100.0,
        approx.changes.len()
    );
}
