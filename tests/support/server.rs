//! A `claimdb serve` process for tests: started on a free loopback port,
//! its address read from what it prints, stopped when dropped.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A running server.
pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    pub db: PathBuf,
    /// What it printed on stderr after its address (a thread drains it).
    pub log: std::sync::Arc<std::sync::Mutex<String>>,
}

/// The binary with a clean environment.
pub fn claimdb() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_claimdb"));
    c.env("NO_COLOR", "1")
        .env("COLUMNS", "120")
        .env_remove("CLAIMDB_DB")
        .env_remove("CLAIMDB_SERVER")
        .env_remove("CLAIMDB_TOKEN");
    c
}

/// `--seed` for a database not made yet: the tests read the demo claims.
pub fn seeded_if_new(db: &Path) -> &'static [&'static str] {
    if db.exists() {
        &[]
    } else {
        &["--seed"]
    }
}

/// Makes a token on the database at `db` (no server holding it) and
/// returns its secret.
pub fn token(db: &Path, name: &str, role: &str) -> String {
    stdout_of(
        claimdb()
            .arg("--db")
            .arg(db)
            .args(seeded_if_new(db))
            .args(["token", "create", "--name", name, "--role", role]),
    )
    .trim()
    .to_string()
}

/// Runs `command`, which must succeed (its stderr is the failure's
/// message): its standard output.
pub fn stdout_of(command: &mut Command) -> String {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

impl Server {
    /// Serves the database at `db` (created and seeded when new) with `args`.
    pub fn start(db: &Path, args: &[&str]) -> Server {
        let mut child = claimdb()
            .arg("--db")
            .arg(db)
            .args(seeded_if_new(db))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr);
        let started = Instant::now();
        let mut seen = String::new();
        let url = loop {
            let mut line = String::new();
            if lines.read_line(&mut line).unwrap_or(0) == 0
                || started.elapsed() > Duration::from_secs(60)
            {
                let _ = child.kill();
                panic!("the server did not start: {seen}");
            }
            seen.push_str(&line);
            if let Some(at) = line.find("http://") {
                let url = line[at..].split_whitespace().next().unwrap().to_string();
                break url;
            }
        };
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in lines.lines() {
                let Ok(line) = line else { break };
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        Server {
            child,
            url,
            db: db.to_path_buf(),
            log,
        }
    }

    /// Sends SIGTERM and waits for the process to end; its exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills the process with SIGKILL and waits for it.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP request: its status and JSON body (`Value::Null` when the body
/// is not JSON).
pub fn request(method: &str, url: &str, token: Option<&str>, body: Option<&[u8]>) -> (u16, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let build = || {
        let mut builder = ureq::http::Request::builder().method(method).uri(url);
        if let Some(t) = token {
            builder = builder.header("Authorization", format!("Bearer {t}"));
        }
        builder.body(body.unwrap_or_default().to_vec()).unwrap()
    };
    // A request that got no answer at all (a connection refused or reset on
    // a machine loaded by the other tests) is sent once more; an answer,
    // whatever its status, is never sent again.
    let mut response = match agent.run(build()) {
        Ok(r) => r,
        Err(first) => {
            std::thread::sleep(std::time::Duration::from_millis(200));
            agent.run(build()).unwrap_or_else(|e| {
                panic!("{method} {url}: the server did not answer: {first}; again: {e}")
            })
        }
    };
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// `POST /v1/query` with one statement.
pub fn statement(server: &Server, token: Option<&str>, text: &str) -> (u16, Value) {
    let body = serde_json::json!({ "statement": text }).to_string();
    request(
        "POST",
        &format!("{}/v1/query", server.url),
        token,
        Some(body.as_bytes()),
    )
}
