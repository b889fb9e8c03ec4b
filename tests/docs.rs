//! The documentation's commands run, so they cannot rot.
//!
//! - The README's first screen (between `<!-- first-screen` and
//!   `<!-- /first-screen -->`): every command as typed, in a fresh folder
//!   with a fresh data directory, `claimdb` found on the PATH. `cargo test`
//!   is what is running; `cargo run --release` and `cargo install --path .
//!   --locked` build a release binary, so they run when
//!   CLAIMDB_TEST_INSTALL=1 (`.ci/run` sets it), the installed command then
//!   being the one the later lines find (built in target/readme-install);
//!   otherwise the binary this test
//!   suite built stands in for it, and the test says so.
//! - The book's tutorial (`docs/src/tutorial.md`): each `$` line of its
//!   `console` blocks runs in one folder, in order; the lines under it must
//!   appear in what it prints (stdout or stderr), and it must fail exactly when an
//!   expected line starts with `error:`.
//! - The book's table of contents names existing chapters, and every
//!   relative link of the README and the book leads to a file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A shell in `dir` with `bin` first on the PATH and a data directory of
/// its own (so the default database is a fresh one).
fn shell(dir: &Path, bin: &Path, line: &str) -> Output {
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .args(["-c", line])
        .current_dir(dir)
        .env("PATH", path)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("NO_COLOR", "1")
        .env("COLUMNS", "120")
        .env_remove("CLAIMDB_DB")
        .env_remove("CLAIMDB_SERVER")
        .env_remove("CLAIMDB_TOKEN")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

/// The code blocks of `kind` (`sh`, `console`) in `markdown`, each as its lines.
fn blocks<'a>(markdown: &'a str, kind: &str) -> Vec<Vec<&'a str>> {
    let mut found = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim_start() == format!("```{kind}") => current = Some(Vec::new()),
            Some(block) if line.trim_start().starts_with("```") => {
                found.push(std::mem::take(block));
                current = None;
            }
            Some(block) => block.push(line),
            None => {}
        }
    }
    found
}

/// The binary this test suite built, in a folder of its own (so that the
/// PATH finds it as `claimdb`).
fn built() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_claimdb"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn the_readme_first_screen_works_as_typed() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme
        .find("<!-- first-screen")
        .expect("the README marks its first screen");
    let end = readme.find("<!-- /first-screen -->").expect("and its end");
    let screen = &readme[start..end];
    let install = std::env::var("CLAIMDB_TEST_INSTALL").is_ok_and(|v| v == "1");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let installed = dir.path().join("install");
    let mut bin = built();
    let mut ran = 0;
    for block in blocks(screen, "sh") {
        for line in block {
            let command = line.split("  #").next().unwrap().trim();
            if command.is_empty() || command.starts_with('#') {
                continue;
            }
            if command.starts_with("cargo test") {
                continue; // this is it
            }
            if command.starts_with("cargo ") {
                if !install {
                    eprintln!("skipped (CLAIMDB_TEST_INSTALL=1 runs it): {command}");
                    continue;
                }
                // As typed, in the clone; installed into a folder of the
                // test's own, built in the repository's target folder.
                let out = Command::new("bash")
                    .args(["-c", command])
                    .current_dir(repo())
                    .env("CARGO_INSTALL_ROOT", &installed)
                    // (A folder of its own: the running `cargo test` holds the
                    // lock of the usual one.)
                    .env("CARGO_TARGET_DIR", repo().join("target/readme-install"))
                    .env("XDG_DATA_HOME", dir.path().join("data"))
                    .stdin(std::process::Stdio::null())
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{command}:\n{}", text(&out.stderr));
                if command.starts_with("cargo install") {
                    bin = installed.join("bin");
                    assert!(bin.join("claimdb").is_file(), "no claimdb installed");
                }
                ran += 1;
                continue;
            }
            let out = shell(dir.path(), &bin, command);
            assert!(
                out.status.success(),
                "{command}:\n{}{}",
                text(&out.stdout),
                text(&out.stderr)
            );
            ran += 1;
        }
    }
    assert!(ran >= 7, "only {ran} commands ran");
    // What the commands did: the default database was seeded, the import
    // added the row, the export holds it.
    let exported = std::fs::read_to_string(dir.path().join("white.csv")).unwrap();
    assert!(
        exported.contains("The review names the Lazarus Group."),
        "{exported}"
    );
}

#[test]
fn the_tutorial_runs_as_written() {
    let tutorial = std::fs::read_to_string(repo().join("docs/src/tutorial.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let bin = built();
    let mut commands = 0;
    for block in blocks(&tutorial, "console") {
        let mut steps: Vec<(String, Vec<String>)> = Vec::new();
        for line in block {
            match line.strip_prefix("$ ") {
                Some(command) => steps.push((command.to_string(), Vec::new())),
                None if line.trim().is_empty() => {}
                None => steps
                    .last_mut()
                    .expect("a console block starts with a command")
                    .1
                    .push(line.trim().to_string()),
            }
        }
        for (command, expected) in steps {
            let out = shell(dir.path(), &bin, &command);
            let printed = text(&out.stdout) + &text(&out.stderr);
            let fails = expected.iter().any(|l| l.starts_with("error:"));
            assert_eq!(!out.status.success(), fails, "$ {command}\n{printed}");
            // (stdout and stderr are two streams: each line is looked for
            // in both, not in an order across them.)
            for line in &expected {
                assert!(
                    printed.contains(line.as_str()),
                    "$ {command}\nexpected:\n{line}\nprinted:\n{printed}"
                );
            }
            commands += 1;
        }
    }
    assert!(commands >= 15, "only {commands} commands in the tutorial");
}

#[test]
fn the_book_and_the_readme_link_to_what_exists() {
    let summary = std::fs::read_to_string(repo().join("docs/src/SUMMARY.md")).unwrap();
    let mut documents = vec![repo().join("README.md")];
    for entry in std::fs::read_dir(repo().join("docs/src")).unwrap() {
        documents.push(entry.unwrap().path());
    }
    for document in &documents {
        let markdown = std::fs::read_to_string(document).unwrap();
        let folder = document.parent().unwrap();
        let mut rest = markdown.as_str();
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let target = &rest[..rest.find(')').unwrap_or(0)];
            let target = target.split('#').next().unwrap();
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            assert!(
                folder.join(target).exists(),
                "{}: a link to {target}, which does not exist",
                document.display()
            );
        }
        if document.extension().is_some_and(|e| e == "md")
            && document.parent() == Some(&repo().join("docs/src"))
            && document.file_name().unwrap() != "SUMMARY.md"
        {
            let name = document.file_name().unwrap().to_str().unwrap();
            assert!(
                summary.contains(&format!("({name})")),
                "{name} is not in docs/src/SUMMARY.md"
            );
        }
    }
}
