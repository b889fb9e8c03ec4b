//! The query parser and checker on arbitrary text: an error is fine, a panic
//! or a stack overflow is not. A condition that parses prints back to text
//! that parses to the same condition. The lexer's tokens cover the text
//! exactly, and asking the parser what may follow any prefix never panics.
#![no_main]

use claimdb::query::{parse, Statement};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(statement) = parse(text) {
        let _ = claimdb::query::check(&statement);
        if let Statement::Claims(q) = &statement {
            if let Some(filter) = &q.filter {
                let printed = format!("claims where {filter}");
                match parse(&printed) {
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
});
