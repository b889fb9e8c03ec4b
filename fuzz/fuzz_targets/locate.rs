//! The citation locator on an arbitrary text, quote and hint (ellipses and
//! brackets included): it must answer, never panic, and a verified quote's
//! anchor must lie on character boundaries of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
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
});
