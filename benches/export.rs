//! Peak memory of exporting every claim, at 10,000 and at 100,000 claims:
//! `cargo bench --bench export`.
//!
//! Builds two databases of generated claims (on disk, with sled), then runs
//! the `claimdb` binary on each as a child process under `/usr/bin/time`
//! (GNU time) and reads its peak resident memory: `--format jsonl query
//! claims` streams rows to the output, so its peak should barely move with
//! the size of the corpus; `--format json` (one array, built whole) is
//! shown beside it for contrast. Prints each peak and the ratio 100k / 10k.

use std::path::Path;
use std::process::Command;

use claimdb::{Db, Durability, NewClaim, NewSource, NewSpeaker, OpenOptions};

fn build(path: &Path, claims: u64) {
    let db = Db::open_with(
        path,
        OpenOptions::new()
            .seed(false)
            .durability(Durability::ProcessCrash),
    )
    .unwrap();
    db.write(|w| {
        w.add_source(&NewSource {
            id: "gen".into(),
            title: "Generated".into(),
            ..Default::default()
        })?;
        w.add_speaker(&NewSpeaker {
            name: "Generated Speaker".into(),
            aliases: vec![],
            description: None,
        })
        .map(|_| ())
    })
    .unwrap();
    for batch in 0..claims / 1_000 {
        db.write(|w| {
            for n in batch * 1_000..(batch + 1) * 1_000 {
                w.add_claim(&NewClaim {
                    speaker: "Generated Speaker".into(),
                    source: "gen".into(),
                    origin: None,
                    quote: format!("a generated quote of some length, number {n}, to export"),
                    statement: format!("A generated statement, number {n}."),
                    confidence: (n % 10_000) as f64 / 10_000.0,
                    rationale: "generated for the export benchmark".into(),
                    tags: vec![format!("t{}", n % 7), "generated".into()],
                })?;
            }
            Ok(())
        })
        .unwrap();
    }
}

/// Peak resident memory (KiB) of `claimdb --db path --format format query claims`.
fn peak_kib(path: &Path, format: &str) -> Option<u64> {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_claimdb"))
        .arg("--db")
        .arg(path)
        .args(["--format", format, "query", "claims"])
        .stdout(std::process::Stdio::null())
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

fn main() {
    let dir = tempfile::tempdir_in(".").unwrap();
    let sizes = [10_000u64, 100_000];
    for &n in &sizes {
        build(&dir.path().join(format!("{n}.db")), n);
    }
    println!("peak memory of `claimdb --format F query claims` (KiB, GNU time %M)");
    println!(
        "{:<8} {:>12} {:>12} {:>7}",
        "format", "10,000", "100,000", "ratio"
    );
    for format in ["jsonl", "csv", "json"] {
        let peaks: Vec<Option<u64>> = sizes
            .iter()
            .map(|n| peak_kib(&dir.path().join(format!("{n}.db")), format))
            .collect();
        match (peaks[0], peaks[1]) {
            (Some(a), Some(b)) => {
                println!("{format:<8} {a:>12} {b:>12} {:>6.2}x", b as f64 / a as f64)
            }
            _ => println!(
                "{format:<8} (no figure: /usr/bin/time is GNU time's, from the `time` package)"
            ),
        }
    }
}
