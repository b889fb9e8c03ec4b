//! Attribution measured on documents its rules were not written from:
//! `cargo bench --bench attribution_eval -- DIR...` scores `claimdb
//! extract` against every gold file `*.expected` in each DIR (the form of
//! `tests/attribution/*.expected`, texts named relative to `tests/texts`
//! or to the DIR itself) and prints each document's precision and recall,
//! how many proposals credit someone with text that is no one's words, and
//! how the claim checker judges each gold pair claimed for its true
//! speaker and for another speaker of the document, and with `--misses`
//! every missed pair, unmatched proposal and misjudged claim. Nothing is
//! asserted: a document kept outside the project keeps measuring.

#[path = "../tests/support/gold.rs"]
mod gold;

use std::path::{Path, PathBuf};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let misses = args.iter().any(|a| a == "--misses");
    let dirs: Vec<PathBuf> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .collect();
    if dirs.is_empty() {
        eprintln!("usage: cargo bench --bench attribution_eval -- DIR... [--misses]");
        std::process::exit(2);
    }
    let texts = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/texts");
    let mut totals = (0, 0, 0, 0);
    for dir in dirs {
        let files = match gold::files_in(&dir) {
            Ok(files) => files,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", dir.display());
                std::process::exit(1);
            }
        };
        for file in files {
            // A text beside the gold file, or in tests/texts.
            let body = std::fs::read_to_string(&file).unwrap_or_default();
            let beside = body
                .lines()
                .find_map(|l| l.trim().strip_prefix("text:"))
                .is_some_and(|name| dir.join(name.trim()).exists());
            let expected = gold::load(&file, if beside { &dir } else { &texts });
            let s = gold::score(&expected);
            let name = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            println!(
                "{name:>12}: precision {:.3}, recall {:.3} ({} gold pairs, {} proposals, {} crediting no one's words)",
                s.precision,
                s.recall,
                expected.pairs.len(),
                s.proposals,
                s.credited_nobody
            );
            let c = gold::check_claims(&expected);
            println!(
                "{:>12}  checked claims: {}/{} true attributions confirmed, {}/{} misattributions flagged",
                "",
                c.confirmed,
                c.true_claims,
                c.flagged,
                c.wrong_claims
            );
            totals = (
                totals.0 + c.confirmed,
                totals.1 + c.true_claims,
                totals.2 + c.flagged,
                totals.3 + c.wrong_claims,
            );
            if misses {
                for f in &c.failures {
                    println!("    {}", f.chars().take(160).collect::<String>());
                }
                for m in &s.missed {
                    println!("    missed: {}", m.chars().take(160).collect::<String>());
                }
                for w in &s.wrong {
                    println!(
                        "    not expected: {}",
                        w.chars().take(160).collect::<String>()
                    );
                }
            }
        }
    }
    println!(
        "all documents: {}/{} true attributions confirmed ({:.1}%), {}/{} misattributions flagged ({:.1}%)",
        totals.0,
        totals.1,
        100.0 * totals.0 as f64 / totals.1.max(1) as f64,
        totals.2,
        totals.3,
        100.0 * totals.2 as f64 / totals.3.max(1) as f64
    );
}
