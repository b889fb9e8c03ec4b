//! Scripts as `claimdb run FILE` runs them: each `tests/scripts/NAME.cq`
//! runs against a fresh seeded database, on disk, in memory and through
//! `claimdb serve` (with `--server`), and its exit code, stdout and
//! stderr must match `NAME.out`. A first line `-- args: ...` adds options.
//! Run with `UPDATE_GOLDEN=1` to rewrite the `.out` files.

use std::path::Path;
use std::process::Command;

#[path = "support/engines.rs"]
mod engines;
#[path = "support/server.rs"]
mod server;

fn expected_text(code: Option<i32>, stdout: &str, stderr: &str) -> String {
    format!(
        "exit {}\n--- stdout\n{stdout}--- stderr\n{stderr}",
        code.map_or("signal".into(), |c| c.to_string())
    )
}

#[test]
fn script_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut scripts: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cq"))
        .collect();
    scripts.sort();
    assert!(scripts.len() >= 6);
    let mut failures = Vec::new();
    for script in scripts {
        let name = script.file_name().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&script).unwrap();
        let args: Vec<&str> = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("-- args:"))
            .map(|a| a.split_whitespace().collect())
            .unwrap_or_default();
        let tmp = tempfile::tempdir().unwrap();
        // Each script runs on both engines: a database on disk, and one in
        // memory (`--db :memory:`); both must print the same.
        let on_disk = tmp.path().join("s.db");
        let created = Command::new(env!("CARGO_BIN_EXE_claimdb"))
            .arg("--db")
            .arg(&on_disk)
            .args(&args)
            .args(["--seed", "query", "count claims"])
            .output()
            .unwrap();
        assert!(created.status.success());
        // And through a server, on a database of its own.
        let served = tmp.path().join("served.db");
        let server = server::Server::start(&served, &[]);
        let mut places: Vec<(String, Vec<String>)> = vec![
            (
                on_disk.display().to_string(),
                vec!["--db".into(), on_disk.display().to_string()],
            ),
            (
                ":memory:".into(),
                vec!["--db".into(), ":memory:".into(), "--seed".into()],
            ),
            (
                format!("a server ({})", served.display()),
                vec!["--server".into(), server.url.clone()],
            ),
        ];
        // And on PostgreSQL, when a server is at hand.
        if engines::postgres_server().is_some() {
            let url = engines::new_postgres_database();
            let created = Command::new(env!("CARGO_BIN_EXE_claimdb"))
                .args(["--db", &url, "--seed", "query", "count claims"])
                .output()
                .unwrap();
            assert!(
                created.status.success(),
                "{}",
                String::from_utf8_lossy(&created.stderr)
            );
            places.push(("PostgreSQL".into(), vec!["--db".into(), url]));
        }
        for (place, place_args) in &places {
            let out = Command::new(env!("CARGO_BIN_EXE_claimdb"))
                .current_dir(&dir)
                .args(place_args)
                .args(&args)
                .arg("run")
                .arg(&name)
                .env("COLUMNS", "100")
                .env_remove("CLAIMDB_DB")
                .env_remove("CLAIMDB_SERVER")
                .env_remove("CLAIMDB_TOKEN")
                .output()
                .unwrap();
            let actual = expected_text(
                out.status.code(),
                &String::from_utf8_lossy(&out.stdout),
                &String::from_utf8_lossy(&out.stderr),
            );
            let expected_path = script.with_extension("out");
            if update {
                std::fs::write(&expected_path, &actual).unwrap();
                break;
            }
            let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
            if expected != actual {
                failures.push(format!(
                    "{name} on {place}\n--- expected\n{expected}\n--- actual\n{actual}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "script mismatches (UPDATE_GOLDEN=1 to accept):\n{}",
        failures.join("\n")
    );
}
