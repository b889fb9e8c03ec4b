//! Attribution on an arbitrary text: reading it, proposing its claims and
//! attributing any passage must answer, never panic, and every proposal's
//! passage must lie on character boundaries of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let analysis = claimdb::attrib::Analysis::new(text);
    for p in claimdb::attrib::extract(&analysis, Some("The Author")) {
        assert!(text.get(p.start_byte..p.end_byte).is_some());
    }
    let attributions = analysis.attributions();
    let mut at = 0;
    while at < text.len() {
        let end = (at + 40..=text.len()).find(|&k| text.is_char_boundary(k)).unwrap_or(text.len());
        let _ = attributions.attribute(at..end, None);
        at = end.max(at + 1);
        while at < text.len() && !text.is_char_boundary(at) {
            at += 1;
        }
    }
});
