//! The floors of the library, kept: a module never uses one above it.
//!
//! DESIGN.md draws claimdb as a house whose lower floors know nothing of the
//! higher ones: the citation checker knows no storage, storage knows no
//! query language, the query language never prints, `db` writes no English.
//! This test reads every file under `src/` (the binary excepted: it is the
//! roof) and fails on a path into a module on a higher floor, or into
//! another module of the same floor, naming the file and line. A new module
//! is one entry in [`FLOORS`].

use std::path::{Path, PathBuf};

/// The top-level modules, lowest floor first. Modules on one floor are
/// independent of each other.
const FLOORS: &[&[&str]] = &[
    // Quoting, counting, line:column: used by every message.
    &["text"],
    // The programs' memory allocator (feature `allocator`): uses nothing.
    &["allocator"],
    // Pure functions over text: normalize and locate a quote.
    &["cite"],
    // The one error type (it carries a citation report).
    &["error"],
    &["limits"],
    &["model"],
    // Who a text credits; the embedded demo corpus, parsed.
    &["attrib", "seed"],
    &["store"],
    &["query"],
    &["db"],
    &["import", "export"],
    &["render"],
    // The HTTP API and its client (features `server`, `client`).
    &["server", "client"],
];

fn floor_of(module: &str) -> Option<usize> {
    FLOORS.iter().position(|f| f.contains(&module))
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a line, without its comment (doc links name any floor).
fn code(line: &str) -> &str {
    let trimmed = line.trim_start();
    if trimmed.starts_with("//") {
        return "";
    }
    match line.find("// ") {
        // A `//` inside a string would be cut too: harmless, it only hides.
        Some(at) => &line[..at],
        None => line,
    }
}

/// The modules a line of code names through `crate::`, with `crate::{a, b}`
/// groups opened.
fn named_modules(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.push(name);
            }
        } else {
            out.push(
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect(),
            );
        }
    }
    out
}

/// `src/query/exec/mod.rs` -> "query"; `src/lib.rs` -> None.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    match first.strip_suffix(".rs") {
        Some("lib") => None,
        Some(stem) => Some(stem.to_string()),
        None => Some(first.to_string()),
    }
}

#[test]
fn no_module_uses_one_on_a_higher_floor() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut faults = Vec::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        if module == "bin" {
            continue;
        }
        let Some(own) = floor_of(&module) else {
            faults.push(format!(
                "{}: module `{module}` is on no floor: add it to FLOORS in tests/layers.rs",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for used in named_modules(code(line)) {
                if used == module {
                    continue;
                }
                let at = format!("{}:{}", file.strip_prefix(&src).unwrap().display(), n + 1);
                match floor_of(&used) {
                    Some(floor) if floor < own => {}
                    Some(floor) if floor == own => {
                        faults.push(format!("{at}: `{module}` uses `{used}`, on the same floor"))
                    }
                    Some(_) => {
                        faults.push(format!("{at}: `{module}` uses `{used}`, on a higher floor"))
                    }
                    // `crate::Db` and friends: the root's re-exports hide
                    // which floor they come from, so the path must say it.
                    None => faults.push(format!(
                        "{at}: `{module}` names `crate::{used}`: name the module it lives in"
                    )),
                }
            }
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[test]
fn the_check_sees_an_upward_path() {
    // The test above must be able to fail: the parts it is made of see
    // paths in both spellings and ignore comments.
    assert_eq!(named_modules("use crate::db::Db;"), ["db"]);
    assert_eq!(
        named_modules("use crate::{render::x, store::Y};"),
        ["render", "store"]
    );
    assert_eq!(
        named_modules(code("/// see [`crate::db::Db`]")),
        Vec::<String>::new()
    );
    assert_eq!(code("let a = 1; // crate::db"), "let a = 1; ");
    assert!(floor_of("render") > floor_of("db"));
    let src = Path::new("/r/src");
    assert_eq!(
        module_of(src, Path::new("/r/src/query/exec/mod.rs")).as_deref(),
        Some("query")
    );
    assert_eq!(module_of(src, Path::new("/r/src/lib.rs")), None);
}
