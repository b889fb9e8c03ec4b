//! The citation checker measured on material it was not tuned on:
//! `cargo bench --bench citation_eval -- DIR` runs the case table
//! `DIR/cases.txt` (the form of `tests/citation-cases.txt`: `verified |
//! NAME | QUOTE`, `misquote | NAME | QUOTE | KIND`) against the texts
//! `DIR/NAME.txt`, and prints for each text how many faithful quotes
//! verified and how many misquotes were refused, then every miss. Nothing
//! is asserted: the tables kept outside the project stay there so that
//! they keep measuring (a rule written from them would fit them).

#[path = "../tests/support/cases.rs"]
mod cases;

use std::collections::BTreeMap;
use std::path::PathBuf;

use claimdb::cite::{locate_with, normalize_source};

fn main() {
    let Some(dir) = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
    else {
        eprintln!(
            "usage: cargo bench --bench citation_eval -- DIR (DIR/cases.txt and DIR/NAME.txt)"
        );
        std::process::exit(2);
    };
    let table = match std::fs::read_to_string(dir.join("cases.txt")) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "error: cannot read {}: {e}",
                dir.join("cases.txt").display()
            );
            std::process::exit(1);
        }
    };
    let mut texts: BTreeMap<String, (String, claimdb::cite::Normalized)> = BTreeMap::new();
    // (faithful verified, faithful), (misquotes refused, misquotes)
    let mut tallies: BTreeMap<String, [(usize, usize); 2]> = BTreeMap::new();
    let mut misses = Vec::new();
    for case in cases::cases(&table) {
        if !texts.contains_key(case.text) {
            let path = dir.join(format!("{}.txt", case.text));
            let Ok(text) = std::fs::read_to_string(&path) else {
                eprintln!(
                    "error: cases.txt:{}: cannot read {}",
                    case.line,
                    path.display()
                );
                std::process::exit(1);
            };
            let folded = normalize_source(&text);
            texts.insert(case.text.to_string(), (text, folded));
        }
        let (text, folded) = &texts[case.text];
        let c = locate_with(text, folded, &case.quote, None);
        let tally = tallies.entry(case.text.to_string()).or_default();
        let (slot, good) = match case.verdict {
            "misquote" => (1, !c.is_verified()),
            _ => (0, c.is_verified()),
        };
        tally[slot].1 += 1;
        tally[slot].0 += usize::from(good);
        if !good {
            misses.push(format!(
                "cases.txt:{}: {} {} {:?}: {:?} {:?}",
                case.line, case.verdict, case.text, case.quote, c.verdict, c.notes
            ));
        }
    }
    let mut all = [(0, 0); 2];
    for (name, [faithful, misquotes]) in &tallies {
        println!(
            "{name:>10}: faithful verified {:>3} of {:>3}, misquotes refused {:>3} of {:>3}",
            faithful.0, faithful.1, misquotes.0, misquotes.1
        );
        for k in 0..2 {
            all[k].0 += [faithful, misquotes][k].0;
            all[k].1 += [faithful, misquotes][k].1;
        }
    }
    println!(
        "{:>10}: faithful verified {:>3} of {:>3}, misquotes refused {:>3} of {:>3}",
        "all", all[0].0, all[0].1, all[1].0, all[1].1
    );
    for miss in misses {
        println!("miss: {miss}");
    }
}
