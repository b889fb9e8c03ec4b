//! `claimdb serve`, tried from outside as a client would: every role and
//! every refusal (status and JSON body), the limits, a slow reader beside
//! writers, a clean stop on SIGTERM, a SIGKILL under load, the OpenAPI
//! description against the routes, and the CLI run through the server.
//! Every request goes to 127.0.0.1, and every load is bounded.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[path = "support/load.rs"]
mod load;
#[path = "support/server.rs"]
mod server;

use server::{claimdb, request, statement, token, Server};

/// A database with one token of each role; their secrets.
struct Tokens {
    read: String,
    write: String,
    admin: String,
}

fn with_tokens(db: &Path) -> Tokens {
    Tokens {
        read: token(db, "reader", "read"),
        write: token(db, "writer", "write"),
        admin: token(db, "boss", "admin"),
    }
}

const ADD_SPEAKER: &str = r#"add speaker "Ada Lovelace""#;
const MISQUOTE: &str = r#"add claim with speaker = "White", source = "fp-lazarus-review", quote = "North Korea stole 18 billion dollars", statement = "x", confidence = 0.5, rationale = "r""#;

#[test]
fn every_role_is_held_to_what_it_allows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let t = with_tokens(&db);
    let server = Server::start(&db, &[]);
    let url = |path: &str| format!("{}{path}", server.url);
    let body = |v: Value| v.to_string().into_bytes();
    // (who, method, path, body, status, error kind)
    type Case<'a> = (
        Option<&'a str>,
        &'a str,
        &'a str,
        Option<Vec<u8>>,
        u16,
        Option<&'a str>,
    );
    let count = body(json!({ "statement": "count claims" }));
    let add = body(json!({ "statement": ADD_SPEAKER }));
    let delete_source =
        body(json!({ "statement": r#"delete sources where id = "no-such-source""# }));
    let cases: Vec<Case> = vec![
        (
            None,
            "POST",
            "/v1/query",
            Some(count.clone()),
            401,
            Some("unauthorized"),
        ),
        (
            Some("cdb_not-a-token"),
            "POST",
            "/v1/query",
            Some(count.clone()),
            401,
            Some("unauthorized"),
        ),
        (None, "GET", "/v1/health", None, 200, None),
        (None, "GET", "/v1/openapi.json", None, 200, None),
        (
            Some(&t.read),
            "POST",
            "/v1/query",
            Some(count.clone()),
            200,
            None,
        ),
        (
            Some(&t.read),
            "GET",
            "/v1/claims?where=speaker%20%3D%20%22White%22&limit=2",
            None,
            200,
            None,
        ),
        (Some(&t.read), "GET", "/v1/metrics", None, 200, None),
        (
            Some(&t.read),
            "POST",
            "/v1/query",
            Some(add.clone()),
            403,
            Some("forbidden"),
        ),
        (
            Some(&t.read),
            "POST",
            "/v1/import?dry_run=true",
            Some(b"{\"type\":\"speaker\",\"name\":\"Zed\"}\n".to_vec()),
            200,
            None,
        ),
        (
            Some(&t.read),
            "POST",
            "/v1/import",
            Some(b"{\"type\":\"speaker\",\"name\":\"Zed\"}\n".to_vec()),
            403,
            Some("forbidden"),
        ),
        (
            Some(&t.read),
            "GET",
            "/v1/tokens",
            None,
            403,
            Some("forbidden"),
        ),
        (
            Some(&t.write),
            "POST",
            "/v1/query",
            Some(add.clone()),
            200,
            None,
        ),
        (
            Some(&t.write),
            "POST",
            "/v1/query",
            Some(delete_source.clone()),
            403,
            Some("forbidden"),
        ),
        (
            Some(&t.write),
            "POST",
            "/v1/verify",
            None,
            403,
            Some("forbidden"),
        ),
        (
            Some(&t.write),
            "GET",
            "/v1/tokens",
            None,
            403,
            Some("forbidden"),
        ),
        (
            Some(&t.write),
            "POST",
            "/v1/tokens",
            Some(body(json!({"name": "x", "role": "admin"}))),
            403,
            Some("forbidden"),
        ),
        (
            Some(&t.admin),
            "POST",
            "/v1/query",
            Some(delete_source.clone()),
            200,
            None,
        ),
        (Some(&t.admin), "POST", "/v1/verify", None, 200, None),
        (Some(&t.admin), "GET", "/v1/tokens", None, 200, None),
    ];
    for (who, method, path, body, status, kind) in cases {
        let (got, answer) = request(method, &url(path), who, body.as_deref());
        assert_eq!(got, status, "{method} {path} as {who:?}: {answer}");
        if let Some(kind) = kind {
            assert_eq!(answer["kind"], kind, "{method} {path}: {answer}");
            assert!(
                answer["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{answer}"
            );
        }
    }
    // The token list names roles, never secrets.
    let (_, list) = request("GET", &url("/v1/tokens"), Some(&t.admin), None);
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert!(!list.to_string().contains(&t.read));
    // A token made through the server works; revoked, it opens nothing.
    let (status, made) = request(
        "POST",
        &url("/v1/tokens"),
        Some(&t.admin),
        Some(
            json!({"name": "temp", "role": "read"})
                .to_string()
                .as_bytes(),
        ),
    );
    assert_eq!(status, 201, "{made}");
    let temp = made["secret"].as_str().unwrap().to_string();
    assert_eq!(statement(&server, Some(&temp), "count claims").0, 200);
    assert_eq!(
        request("DELETE", &url("/v1/tokens/temp"), Some(&t.admin), None).0,
        200
    );
    assert_eq!(statement(&server, Some(&temp), "count claims").0, 401);
}

#[test]
fn every_refusal_has_its_status_and_the_cli_error_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let server = Server::start(&db, &["--max-body-mib", "1"]);
    // (statement, status, kind)
    let cases: &[(&str, u16, &str)] = &[
        (r#"claims where speeker = "White""#, 400, "query"),
        ("show claim 999", 404, "not_found"),
        (r#"add speaker "Geoff White""#, 409, "duplicate"),
        (MISQUOTE, 422, "citation"),
        (
            r#"add source "s" with title = "T", text_file = "/etc/passwd""#,
            400,
            "invalid",
        ),
        ("begin", 400, "invalid"),
        ("delete claims", 400, "query"),
        (
            r#"add claim with speaker = "White", source = "fp-lazarus-review", quote = "Lazarus Group", statement = "x", confidence = 1.5, rationale = "r""#,
            400,
            "invalid",
        ),
    ];
    for (text, status, kind) in cases {
        let (got, answer) = statement(&server, None, text);
        assert_eq!(
            (got, answer["kind"].as_str()),
            (*status, Some(*kind)),
            "{text}: {answer}"
        );
    }
    // A query error points into the statement, as the CLI's caret does.
    let (_, e) = statement(&server, None, r#"claims where speeker = "White""#);
    assert_eq!(
        (e["span"]["start"].as_u64(), e["span"]["end"].as_u64()),
        (Some(13), Some(20))
    );
    assert_eq!(e["query_kind"], "unknown_field");
    // A misquote carries the closest passage and what differs.
    let (_, e) = statement(&server, None, MISQUOTE);
    assert!(
        e["citation"]["citation"]["location"]["text"].is_string(),
        "{e}"
    );
    assert!(
        !e["citation"]["citation"]["changes"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{e}"
    );
    // The same claim twice: 409, naming the claim stored.
    let add = r#"add claim with speaker = "White", source = "fp-lazarus-review", quote = "Lazarus Group", statement = "x", confidence = 0.5, rationale = "r""#;
    let (first, stored) = statement(&server, None, add);
    assert_eq!(first, 200, "{stored}");
    let id = stored["output"]["done"]["claim"]["id"].as_u64().unwrap();
    let (again, e) = statement(&server, None, add);
    assert_eq!(
        (again, e["kind"].as_str(), e["existing"].as_u64()),
        (409, Some("duplicate_claim"), Some(id))
    );
    // A body over the limit, a malformed body, an unknown route, a wrong method.
    // The body over the limit is declared and held back, as curl does
    // (`Expect: 100-continue`): refused before it is sent, so the answer
    // cannot be lost to a connection reset mid-upload.
    let url = |path: &str| format!("{}{path}", server.url);
    let mut big = TcpStream::connect(server.url.trim_start_matches("http://")).unwrap();
    write!(
        big,
        "POST /v1/import HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        2 << 20
    )
    .unwrap();
    big.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut answer = String::new();
    let _ = big.read_to_string(&mut answer);
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    assert!(head.starts_with("HTTP/1.1 413"), "{answer}");
    let e: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    assert_eq!(e["kind"].as_str(), Some("too_large"), "{answer}");
    let (status, e) = request("POST", &url("/v1/query"), None, Some(b"{not json"));
    assert_eq!((status, e["kind"].as_str()), (400, Some("invalid")), "{e}");
    let (status, e) = request("GET", &url("/v1/nothing"), None, None);
    assert_eq!(
        (status, e["kind"].as_str()),
        (404, Some("not_found")),
        "{e}"
    );
    let (status, e) = request("PUT", &url("/v1/query"), None, None);
    assert_eq!((status, e["kind"].as_str()), (405, Some("invalid")), "{e}");
    // An import row naming a file on the server is refused, not read.
    let row = br#"{"type": "source", "id": "leak", "title": "T", "text_file": "/etc/hostname"}"#;
    let (status, report) = request("POST", &url("/v1/import?partial=true"), None, Some(row));
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["rows"][0]["outcome"], "refused", "{report}");
    assert!(report["rows"][0]["message"]
        .as_str()
        .unwrap()
        .contains("reads no file a client names"));
}

#[test]
fn anonymous_reads_need_public_read_and_never_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let t = with_tokens(&db);
    let server = Server::start(&db, &["--public-read"]);
    assert_eq!(statement(&server, None, "count claims").0, 200);
    let (status, e) = statement(&server, None, ADD_SPEAKER);
    assert_eq!((status, e["kind"].as_str()), (401, Some("unauthorized")));
    assert_eq!(statement(&server, Some(&t.write), ADD_SPEAKER).0, 200);
}

#[test]
fn a_database_without_tokens_is_served_on_loopback_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let out = claimdb()
        .arg("--db")
        .arg(&db)
        .args(["serve", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("has no token"), "{stderr}");
    // With a token it would listen; it is not started here (no traffic
    // beyond loopback in tests).
}

#[test]
fn the_openapi_description_names_every_route_the_server_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let server = Server::start(&db, &[]);
    let (status, doc) = request(
        "GET",
        &format!("{}/v1/openapi.json", server.url),
        None,
        None,
    );
    assert_eq!(status, 200);
    let paths = doc["paths"].as_object().unwrap();
    assert_eq!(
        paths
            .values()
            .map(|p| p.as_object().unwrap().len())
            .sum::<usize>(),
        claimdb::server::ROUTES.len()
    );
    for (path, methods) in paths {
        for method in methods.as_object().unwrap().keys() {
            let concrete = path.replace("{id}", "1").replace("{name}", "nobody");
            let (status, answer) = request(
                &method.to_uppercase(),
                &format!("{}{concrete}", server.url),
                None,
                None,
            );
            let unrouted = status == 405
                || (status == 404
                    && answer["message"]
                        .as_str()
                        .is_some_and(|m| m.starts_with("no such route")));
            assert!(
                !unrouted,
                "{method} {path} is described but not served: {status} {answer}"
            );
        }
    }
}

#[test]
fn too_many_requests_at_once_are_refused_with_429() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let server = Server::start(&db, &["--max-concurrent", "1"]);
    let address = server.url.trim_start_matches("http://").to_string();
    // A request whose body never finishes holds the one place (once it
    // got it: sent while another request held it, it is refused at once,
    // and sent again).
    let slow = loop {
        let mut slow = TcpStream::connect(&address).unwrap();
        write!(
            slow,
            "POST /v1/import?dry_run=true HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{{\"type\""
        )
        .unwrap();
        slow.flush().unwrap();
        slow.set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        let mut answer = [0u8; 64];
        match slow.read(&mut answer) {
            // Nothing said: the server waits for the rest of the body.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                break slow
            }
            _ => continue,
        }
    };
    let started = Instant::now();
    let refused = loop {
        let (status, e) = statement(&server, None, "count claims");
        if status == 429 {
            break e;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never refused: {status} {e}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(refused["kind"], "too_many_requests");
    drop(slow);
    // The place comes back once the slow request is gone.
    let started = Instant::now();
    while statement(&server, None, "count claims").0 != 200 {
        assert!(started.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_client_that_sends_its_headers_a_byte_at_a_time_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let server = Server::start(&db, &["--header-timeout", "300"]);
    let mut slow = TcpStream::connect(server.url.trim_start_matches("http://")).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    slow.write_all(b"G").unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    // The server closes the connection (perhaps after a 408): read to its end.
    let _ = slow.read_to_end(&mut answer);
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(5),
        "still connected after {waited:?}"
    );
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
    // Others are served meanwhile.
    assert_eq!(statement(&server, None, "count claims").0, 200);
}

#[test]
fn a_slow_reader_does_not_hold_back_writers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    // A few thousand claims to read.
    let server = Server::start(&db, &[]);
    assert_eq!(statement(&server, None, &load::source_statement()).0, 200);
    for s in load::speaker_statements(2) {
        assert_eq!(statement(&server, None, &s).0, 200);
    }
    let done = load::run(
        &server.url,
        None,
        2,
        Duration::from_secs(60),
        600,
        1,
        Arc::new(AtomicBool::new(false)),
    );
    assert!(
        done.acknowledged.len() >= 500,
        "{} writes",
        done.acknowledged.len()
    );
    // The reader takes the first bytes of every claim as JSON Lines, then stops reading.
    let address = server.url.trim_start_matches("http://").to_string();
    let mut reader = TcpStream::connect(&address).unwrap();
    let body = json!({ "statement": "claims" }).to_string();
    write!(
        reader,
        "POST /v1/query HTTP/1.1\r\nHost: x\r\nAccept: application/x-ndjson\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut first = [0u8; 512];
    let n = reader.read(&mut first).unwrap();
    assert!(String::from_utf8_lossy(&first[..n]).starts_with("HTTP/1.1 200"));
    // While it reads nothing more, writes go on, each within the bound.
    let bound = Duration::from_secs(2);
    let mut slowest = Duration::ZERO;
    for i in 0..20 {
        let began = Instant::now();
        let (status, e) = statement(&server, None, &format!("add speaker \"Writer {i}\""));
        assert_eq!(status, 200, "{e}");
        slowest = slowest.max(began.elapsed());
    }
    eprintln!("slowest write beside a stalled reader: {slowest:?}");
    assert!(
        slowest < bound,
        "a write took {slowest:?} beside a stalled reader"
    );
    drop(reader);
}

#[test]
fn sigterm_finishes_and_closes_the_database_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let server = Server::start(&db, &[]);
    assert_eq!(statement(&server, None, ADD_SPEAKER).0, 200);
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    // The lock is free and the write is there.
    let out = claimdb()
        .arg("--db")
        .arg(&db)
        .args(["query", "speakers where name = \"Ada Lovelace\""])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Ada Lovelace"));
}

/// Every key of `acknowledged` is stored in the database at `db`, and
/// `verify` finds nothing wrong.
fn assert_all_present(db: &Path, acknowledged: &[String]) {
    let out = claimdb()
        .arg("--db")
        .arg(db)
        .args([
            "--format",
            "csv",
            "query",
            "claims select key where key starts with \"load-\"",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stored: std::collections::HashSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect();
    let missing: Vec<&String> = acknowledged
        .iter()
        .filter(|k| !stored.contains(*k))
        .collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged writes missing: {missing:?}",
        missing.len()
    );
    let out = claimdb()
        .arg("--db")
        .arg(db)
        .arg("verify")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_server_killed_under_load_keeps_every_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let server = Server::start(&db, &[]);
    assert_eq!(statement(&server, None, &load::source_statement()).0, 200);
    for s in load::speaker_statements(16) {
        assert_eq!(statement(&server, None, &s).0, 200);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let url = server.url.clone();
    let running = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            load::run(&url, None, 16, Duration::from_secs(30), 20_000, 2, stop)
        })
    };
    std::thread::sleep(Duration::from_millis(2500));
    server.kill();
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let done = running.join().unwrap();
    eprintln!(
        "killed under load: {} writes and {} reads acknowledged, {} failed",
        done.acknowledged.len(),
        done.reads.len(),
        done.failures
    );
    assert!(
        done.acknowledged.len() >= 20,
        "too few writes to test: {}",
        done.acknowledged.len()
    );
    // Restarted, the server holds every write it acknowledged.
    let again = Server::start(&db, &[]);
    let (status, count) = statement(&again, None, "count claims where key starts with \"load-\"");
    assert_eq!(status, 200);
    assert!(count["output"]["count"].as_u64().unwrap() >= done.acknowledged.len() as u64);
    drop(again);
    std::thread::sleep(Duration::from_millis(300));
    assert_all_present(&db, &done.acknowledged);
}

/// Runs the CLI with `args` against a database (`--db`) or a server
/// (`--server`); its exit code, stdout and stderr.
fn cli(place: &[&str], args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = claimdb()
        .args(place)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_command_through_a_server_prints_what_it_prints_here() {
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local.db");
    let served = dir.path().join("served.db");
    // Two databases alike: one opened here, one behind a server.
    for db in [&local, &served] {
        let out = claimdb()
            .arg("--db")
            .arg(db)
            .args(["query", "count claims"])
            .output()
            .unwrap();
        assert!(out.status.success());
    }
    let server = Server::start(&served, &[]);
    let text = dir.path().join("memo.txt");
    std::fs::write(
        &text,
        "We will not ship on Friday. The launch moves to Monday.\n",
    )
    .unwrap();
    let import = dir.path().join("rows.jsonl");
    std::fs::write(
        &import,
        "{\"type\": \"speaker\", \"name\": \"Grace Hopper\"}\n{\"type\": \"claim\", \"speaker\": \"Grace Hopper\", \"source\": \"memo\", \"quote\": \"The launch moves to Monday.\", \"statement\": \"Monday.\", \"confidence\": 0.7, \"rationale\": \"Quoted.\"}\n{\"type\": \"claim\", \"speaker\": \"Grace Hopper\", \"source\": \"memo\", \"quote\": \"The launch moves to Tuesday.\", \"statement\": \"Tuesday.\", \"confidence\": 0.7, \"rationale\": \"Misread.\"}\n",
    )
    .unwrap();
    let script = format!(
        "add source \"memo\" with title = \"A memo\", text_file = {:?};\nbegin;\nadd speaker \"Ada\";\nadd claim with speaker = \"Ada\", source = \"memo\", quote = \"We will not ship on Friday.\", statement = \"Late.\", confidence = 0.9, rationale = \"Direct.\";\ncommit;\nclaims where source = \"memo\";\nclaims where speeker = 1;\n",
        text.display().to_string()
    );
    let import_path = import.display().to_string();
    // Spreadsheets: a delimiter given, and a header naming no column.
    let pipes = dir.path().join("pipes.csv");
    std::fs::write(
        &pipes,
        "Type|Name\nspeaker|Katherine Johnson\nspeaker|Dorothy Vaughan\n",
    )
    .unwrap();
    let pipes_path = pipes.display().to_string();
    let bad_header = dir.path().join("bad-header.csv");
    std::fs::write(&bad_header, "Type;Nmae\nspeaker;Mary Jackson\n").unwrap();
    let bad_header_path = bad_header.display().to_string();
    // The memo rewritten: Ada's quote is gone, Grace's moved.
    let new_memo = dir.path().join("memo-v2.txt");
    std::fs::write(
        &new_memo,
        "Revised. The launch moves to Monday. We ship then.\n",
    )
    .unwrap();
    let new_memo_path = new_memo.display().to_string();
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["query", "count claims where speaker = \"White\""],
            String::new(),
        ),
        (
            vec![
                "query",
                "claims where speaker = \"Thae\" order by confidence desc limit 2",
            ],
            String::new(),
        ),
        (
            vec!["--format", "jsonl", "query", "claims limit 3"],
            String::new(),
        ),
        (
            vec![
                "--format",
                "csv",
                "query",
                "claims select id, speaker, tags limit 3",
            ],
            String::new(),
        ),
        (
            vec!["query", "claims where speeker = \"White\""],
            String::new(),
        ),
        (
            vec!["query", "claims where speaker = \"Whit\""],
            String::new(),
        ),
        (vec!["--keep-going"], script),
        (vec!["query", MISQUOTE], String::new()),
        (
            vec!["check", "--source", "fp-lazarus-review"],
            String::new(),
        ),
        (vec!["verify"], String::new()),
        (vec!["import", "--partial", &import_path], String::new()),
        (
            vec!["import", "--delimiter", "|", &pipes_path],
            String::new(),
        ),
        (vec!["import", &bad_header_path], String::new()),
        (vec!["update-source", "memo", &new_memo_path], String::new()),
        (
            vec!["update-source", "no such/source", &new_memo_path],
            String::new(),
        ),
        (
            vec!["query", "claims where source = \"memo\" select id, status"],
            String::new(),
        ),
        (
            vec!["import", "--delimiter", "||", &pipes_path],
            String::new(),
        ),
        (
            vec![
                "export",
                "--format",
                "csv",
                "claims where speaker = \"Obama\"",
            ],
            String::new(),
        ),
        (
            vec!["extract", "fp-lazarus-review", "--format", "json"],
            String::new(),
        ),
        (
            vec![
                "query",
                "explain claims where speaker = \"White\" and confidence > 0.5",
            ],
            String::new(),
        ),
    ];
    let local_place = ["--db", local.to_str().unwrap()];
    let server_place = ["--server", server.url.as_str()];
    for (args, stdin) in &cases {
        let here = cli(&local_place, args, stdin);
        let there = cli(&server_place, args, stdin);
        // Import reports time themselves; the rest is the same byte for byte.
        let same = |s: &str| {
            s.lines()
                .filter(|l| !l.contains(" rows/s"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(
            here.0, there.0,
            "{args:?}: exit codes\nhere: {}\nthere: {}",
            here.2, there.2
        );
        assert_eq!(same(&here.1), same(&there.1), "{args:?}: stdout");
        assert_eq!(same(&here.2), same(&there.2), "{args:?}: stderr");
        if args.starts_with(&["update-source", "memo"]) {
            // The same, and right: Ada's claim broke, Grace's moved.
            assert!(
                here.1.contains(
                    "source \"memo\" updated: 2 claims re-anchored, 1 verified, 1 broken"
                ) && here
                    .2
                    .contains("1 claim of source \"memo\" no longer verifies"),
                "{here:?}"
            );
        }
    }
    // The same, and right: the given delimiter was used, the bad header named.
    for place in [&local_place, &server_place] {
        let found = cli(
            place,
            &[
                "--format",
                "csv",
                "query",
                "speakers select name where name = \"Dorothy Vaughan\"",
            ],
            "",
        );
        assert_eq!(
            found.1.lines().collect::<Vec<_>>(),
            ["name", "Dorothy Vaughan"],
            "{place:?}: {found:?}"
        );
        let refused = cli(place, &["import", &bad_header_path], "");
        assert!(
            refused.2.contains(&format!(
                "{bad_header_path}:1: unknown column \"Nmae\" in the header"
            )),
            "{place:?}: {refused:?}"
        );
        let bad = cli(place, &["import", "--delimiter", "||", &pipes_path], "");
        assert!(
            bad.2
                .contains("invalid delimiter \"||\": one punctuation character"),
            "{place:?}: {bad:?}"
        );
    }
}

#[test]
fn a_second_claimdb_on_a_served_database_runs_through_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let t = with_tokens(&db);
    let server = Server::start(&db, &[]);
    let local = |args: &[&str]| claimdb().arg("--db").arg(&db).args(args).output().unwrap();
    // No token given: the door's secret, which only this user can read, lets it in.
    let out = local(&["query", ADD_SPEAKER]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("running through it"), "{stderr}");
    assert_eq!(
        statement(
            &server,
            Some(&t.read),
            "speakers where name = \"Ada Lovelace\""
        )
        .1["output"]["speakers"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let out = local(&["token", "list"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("boss\tadmin"));
    // A second server on it is refused, naming the first.
    let out = local(&["serve", "--listen", "127.0.0.1:0"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is open in claimdb process"));
    // The door's secret is no token of the database's: it opens nothing
    // without the file, and the file goes with the server.
    assert!(db.join(claimdb::door::DOOR_FILE).exists());
    assert!(server.terminate().success());
    assert!(!db.join(claimdb::door::DOOR_FILE).exists());
}

/// A transaction held by a remote session takes parameters and
/// `text_file`, as a local one does, and is still all or nothing.
#[test]
fn a_remote_transaction_takes_parameters() {
    use claimdb::query::{Literal, Params};
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("tx.db"), &[]);
    let client = claimdb::client::Client::new(&server.url, None).unwrap();
    let mut session = claimdb::client::RemoteSession::new(client);
    std::fs::write(dir.path().join("memo.txt"), "We will not ship on Friday.").unwrap();
    session.set_base_dir(Some(dir.path().to_path_buf()));
    let name = Params::new().bind("name", Literal::Str("Ada Lovelace".into()));
    let claim = Params::new()
        .bind("who", Literal::Str("Ada Lovelace".into()))
        .bind("quote", Literal::Str("We will not ship on Friday.".into()))
        .bind("confidence", Literal::Num(0.9));
    let run = |session: &mut claimdb::client::RemoteSession, text: &str, params: &Params| {
        session.execute_with(text, params)
    };
    run(&mut session, "begin", &Params::new()).unwrap();
    run(
        &mut session,
        "add source \"memo\" with title = \"A memo\", text_file = \"memo.txt\"",
        &Params::new(),
    )
    .unwrap();
    run(&mut session, "add speaker $name", &name).unwrap();
    run(
        &mut session,
        "add claim with speaker = $who, source = \"memo\", quote = $quote, statement = \"Late.\", confidence = $confidence, rationale = \"Her memo.\"",
        &claim,
    )
    .unwrap();
    run(&mut session, "commit", &Params::new()).unwrap();
    let count = |session: &mut claimdb::client::RemoteSession| {
        session
            .execute("count claims where speaker = \"Ada Lovelace\"")
            .unwrap()
            .count()
    };
    assert_eq!(count(&mut session), Some(1));
    // A misquote given as a parameter fails the commit; nothing of the
    // transaction is written.
    run(&mut session, "begin", &Params::new()).unwrap();
    run(
        &mut session,
        "add speaker $name",
        &Params::new().bind("name", Literal::Str("Grace Hopper".into())),
    )
    .unwrap();
    run(
        &mut session,
        "add claim with speaker = $who, source = \"memo\", quote = $quote, statement = \"On time.\", confidence = 0.5, rationale = \"Misread.\"",
        &Params::new()
            .bind("who", Literal::Str("Grace Hopper".into()))
            .bind("quote", Literal::Str("We will ship on Friday.".into())),
    )
    .unwrap();
    let e = run(&mut session, "commit", &Params::new())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("new claim by Grace Hopper: quote does not match source \"memo\"")
            && e.contains("the quote leaves out \"not\""),
        "{e}"
    );
    let speakers = session.execute("speakers").unwrap();
    let names: Vec<&str> = speakers
        .speakers()
        .unwrap()
        .iter()
        .map(|s| s.speaker.name.as_str())
        .collect();
    assert!(
        names.contains(&"Ada Lovelace") && !names.contains(&"Grace Hopper"),
        "the first statement was rolled back too: {names:?}"
    );
}
