//! Memory that grows with the input, not faster: the worst approximate
//! match allowed stays within a fixed budget. Its own test binary, so the
//! process's peak (VmHWM) belongs to this test alone.

use claimdb::cite::{self, Verdict};

/// Peak resident memory of this process, in MiB (Linux).
fn peak_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

#[test]
fn the_longest_quote_against_a_large_text_stays_within_256_mib() {
    // Before the fix: a 256 KB quote with one word inserted against a 50 MB
    // text took 8.75 GB; a 1 MB quote against a 10 KB text, 1.6 GB.
    let words: Vec<String> = (0..1_000_000).map(|i| format!("w{}", i % 99_991)).collect();
    let text = words.join(" ");
    let mut quote: Vec<&str> = words[5000..14_000].iter().map(String::as_str).collect();
    quote.insert(4000, "inserted");
    let quote = quote.join(" ");
    assert!(quote.len() <= claimdb::limits::MAX_QUOTE_BYTES);
    let c = cite::locate(&text, &quote);
    assert_eq!(c.verdict, Verdict::Approximate);
    let huge = "word ".repeat(200_000);
    let c = cite::locate(&text[..10_000], &huge);
    assert!(!c.is_verified());
    let Some(peak) = peak_mib() else {
        eprintln!("skipped the memory figure: no /proc/self/status");
        return;
    };
    eprintln!("peak memory: {peak} MiB");
    assert!(peak < 256, "peak memory {peak} MiB");
}
