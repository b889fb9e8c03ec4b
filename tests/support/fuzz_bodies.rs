//! What each fuzz target checks, on one input: used by the targets in
//! `fuzz/fuzz_targets/` and by `tests/fuzz_regressions.rs`, which replays
//! every seed and every input a fuzz run found (`fuzz/regressions/TARGET/`),
//! so a crasher, once saved there, is a test for good.

#![allow(dead_code)]

use claimdb::query::{parse as parse_statement, Statement};

/// The query parser and checker on arbitrary text: an error is fine, a panic
/// or a stack overflow is not. A condition that parses prints back to text
/// that parses to the same condition. The lexer's tokens cover the text
/// exactly, and asking the parser what may follow any prefix never panics.
pub fn parse(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(statement) = parse_statement(text) {
        let _ = claimdb::query::check(&statement);
        if let Statement::Claims(q) = &statement {
            if let Some(filter) = &q.filter {
                let printed = format!("claims where {filter}");
                match parse_statement(&printed) {
                    Ok(Statement::Claims(again)) => {
                        let again = again.filter.expect("a filter");
                        assert_eq!(again.to_string(), filter.to_string(), "{text:?}");
                    }
                    other => panic!("{text:?} printed as {printed:?}: {other:?}"),
                }
            }
        }
    }
    for chunk in claimdb::query::split_statements(text) {
        assert!(text.get(chunk.offset..).is_some());
    }
    let mut at = 0;
    for token in claimdb::query::tokens(text) {
        assert_eq!(token.span.start, at, "{text:?}");
        assert!(token.span.end > at, "{text:?}");
        at = token.span.end;
        let _ = claimdb::query::expected_at_end(&text[..at]);
    }
    assert_eq!(at, text.len(), "{text:?}");
}

/// The citation locator on an arbitrary text, quote and hint (ellipses and
/// brackets included): it must answer, never panic, and a verified quote's
/// anchor must lie on character boundaries of the text.
pub fn locate(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    // text \0 quote \0 prefix \0 suffix \0 position
    let mut parts = input.splitn(5, '\0');
    let text = parts.next().unwrap_or("");
    let quote = parts.next().unwrap_or("");
    let prefix = parts.next();
    let hint = prefix.map(|p| claimdb::cite::Hint {
        prefix: p.to_string(),
        suffix: parts.next().unwrap_or("").to_string(),
        start_byte: parts.next().and_then(|n| n.parse().ok()),
    });
    let folded = claimdb::cite::normalize_source(text);
    let c = claimdb::cite::locate_with(text, &folded, quote, hint.as_ref());
    if let Some(at) = &c.location {
        assert!(text.get(at.start_byte..at.end_byte).is_some());
        for &(s, e) in &at.segments {
            assert!(text.get(s..e).is_some());
        }
    }
}

/// Attribution on an arbitrary text: reading it, proposing its claims and
/// attributing any passage must answer, never panic, and every proposal's
/// passage must lie on character boundaries of the text.
pub fn attribute(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // A text with tags is read through its reading copy, as a source is.
    let reading = claimdb::attrib::markup::reading_copy(text);
    if let Some(r) = &reading {
        assert_eq!(r.text.len(), text.len());
    }
    let analysis = claimdb::attrib::Analysis::with_reading(text, reading.as_ref());
    for p in claimdb::attrib::extract(&analysis, Some("The Author")) {
        assert!(text.get(p.start_byte..p.end_byte).is_some());
    }
    let attributions = analysis.attributions();
    let mut at = 0;
    while at < text.len() {
        let end = (at + 40..=text.len())
            .find(|&k| text.is_char_boundary(k))
            .unwrap_or(text.len());
        let _ = attributions.attribute(at..end, None);
        at = end.max(at + 1);
        while at < text.len() && !text.is_char_boundary(at) {
            at += 1;
        }
    }
}
