//! A load on a claimdb server: clients in threads, each sending a mix of
//! reads and writes for a bounded time and count, to loopback only.
//!
//! Every write adds a claim with a key of its own (`load-CLIENT-N`) quoting
//! a sentence of a generated source, so that afterwards each acknowledged
//! write can be looked for by its key. Used by the SIGKILL test
//! (`tests/server.rs`) and the load benchmark (`benches/serve.rs`).

#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

/// The generated source every write quotes: one sentence a line.
pub const SOURCE_ID: &str = "load-ledger";
/// How many sentences it holds.
pub const SENTENCES: usize = 4000;

/// The sentence `n` of the source.
pub fn sentence(n: usize) -> String {
    format!(
        "Entry {n} records that shipment {n} left harbour {} on day {}.",
        n % 97,
        n % 365
    )
}

/// The `add source` statement of the generated source.
pub fn source_statement() -> String {
    let text: String = (0..SENTENCES).map(|n| sentence(n) + "\n").collect();
    format!(
        "add source \"{SOURCE_ID}\" with title = \"A generated ledger\", kind = \"report\", text = {}",
        serde_json::to_string(&text).unwrap()
    )
}

/// What a load did.
#[derive(Debug, Default)]
pub struct Load {
    /// Keys of the writes the server acknowledged (200).
    pub acknowledged: Vec<String>,
    /// Latencies of reads and writes that succeeded.
    pub reads: Vec<Duration>,
    pub writes: Vec<Duration>,
    /// Requests refused or failed (connection errors after a kill included).
    pub failures: u64,
    pub elapsed: Duration,
}

impl Load {
    /// The `q` quantile of `d` (0..=1), in milliseconds.
    pub fn quantile_ms(d: &[Duration], q: f64) -> f64 {
        if d.is_empty() {
            return 0.0;
        }
        let mut v: Vec<Duration> = d.to_vec();
        v.sort();
        let at = ((v.len() - 1) as f64 * q).round() as usize;
        v[at].as_secs_f64() * 1e3
    }
}

/// Runs `clients` threads against `url` until `stop` is set, `limit` has
/// passed, or `max_requests` were sent in all; one request in `write_every`
/// is a write.
pub fn run(
    url: &str,
    token: Option<&str>,
    clients: usize,
    limit: Duration,
    max_requests: u64,
    write_every: u64,
    stop: Arc<AtomicBool>,
) -> Load {
    let load = Arc::new(Mutex::new(Load::default()));
    let sent = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|client| {
            let (url, token, load, sent, stop) = (
                url.to_string(),
                token.map(str::to_string),
                load.clone(),
                sent.clone(),
                stop.clone(),
            );
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(30)))
                    .build()
                    .into();
                let mut n: u64 = 0;
                while !stop.load(Ordering::Relaxed)
                    && started.elapsed() < limit
                    && sent.fetch_add(1, Ordering::Relaxed) < max_requests
                {
                    n += 1;
                    let write = n.is_multiple_of(write_every);
                    let (body, key) = if write {
                        let key = format!("load-{client}-{n}");
                        let line = (client * 7919 + n as usize * 31) % SENTENCES;
                        let statement = format!(
                            "add claim with speaker = \"Load {client}\", source = \"{SOURCE_ID}\", quote = {}, statement = \"A load write.\", confidence = 0.5, rationale = \"Generated.\", key = \"{key}\"",
                            serde_json::to_string(&sentence(line)).unwrap()
                        );
                        (json!({ "statement": statement }), Some(key))
                    } else {
                        let statement = match n % 3 {
                            0 => format!("claims where speaker = \"Load {}\" limit 20", (client + n as usize) % clients),
                            1 => "count claims where confidence >= 0.5".to_string(),
                            _ => format!("claims where id between {} and {}", n * 3, n * 3 + 10),
                        };
                        (json!({ "statement": statement }), None)
                    };
                    let mut request = agent.post(&format!("{url}/v1/query"));
                    if let Some(t) = &token {
                        request = request.header("Authorization", &format!("Bearer {t}"));
                    }
                    let began = Instant::now();
                    let answer = request.send_json(&body);
                    let took = began.elapsed();
                    let mut load = load.lock().unwrap();
                    match answer {
                        Ok(mut r) if r.status().as_u16() == 200 => {
                            let _ = r.body_mut().read_to_string();
                            match key {
                                Some(key) => {
                                    load.acknowledged.push(key);
                                    load.writes.push(took);
                                }
                                None => load.reads.push(took),
                            }
                        }
                        _ => load.failures += 1,
                    }
                }
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    let mut load = std::mem::take(&mut *load.lock().unwrap());
    load.elapsed = started.elapsed();
    load
}

/// The statements that make every load speaker.
pub fn speaker_statements(clients: usize) -> Vec<String> {
    (0..clients)
        .map(|c| format!("add speaker \"Load {c}\""))
        .collect()
}
