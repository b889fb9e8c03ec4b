//! Every fuzz seed, and every input a fuzz run found (saved under
//! `fuzz/regressions/TARGET/`), replayed through what the fuzz target checks
//! (`support/fuzz_bodies.rs`): what once crashed stays fixed.

use std::path::Path;

#[path = "support/fuzz_bodies.rs"]
mod bodies;

/// A fuzz target's check of one input.
type Check = fn(&[u8]);

#[test]
fn every_seed_and_found_input_passes_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let targets: [(&str, Check); 3] = [
        ("parse", bodies::parse),
        ("locate", bodies::locate),
        ("attribute", bodies::attribute),
    ];
    let mut replayed = 0;
    for (name, check) in targets {
        for folder in ["seeds", "regressions"] {
            let Ok(entries) = std::fs::read_dir(root.join(folder).join(name)) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                let caught = std::panic::catch_unwind(|| check(&data));
                assert!(
                    caught.is_ok(),
                    "{name}: {} fails its target",
                    path.display()
                );
                replayed += 1;
            }
        }
    }
    assert!(replayed >= 6, "only {replayed} inputs replayed");
}
