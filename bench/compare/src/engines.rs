//! The two engines, the workload, and the child process that measures one
//! task on one engine.

use std::path::Path;
use std::time::Instant;

use claimdb::query::Params;
use claimdb::{Db, NewClaim, NewSource, NewSpeaker, OpenOptions};
use rusqlite::{params, Connection};

use crate::corpus::{self, Corpus, ORIGINS, SPEAKERS};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// claimdb on sled (its default engine).
    Claimdb,
    /// claimdb on PostgreSQL (`--postgres URL`).
    ClaimdbPostgres,
    Sqlite,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Claimdb => "claimdb",
            Engine::ClaimdbPostgres => "claimdb-pg",
            Engine::Sqlite => "sqlite",
        }
    }
}

/// One query of the workload, in both languages, with its key as a
/// parameter (`$1` in claimdb, `?1` in SQL).
pub struct Query {
    pub name: &'static str,
    pub claimdb: &'static str,
    pub sql: &'static str,
    pub key: Key,
}

/// What a query's parameter is: drawn anew for every run, so that the
/// repeated runs measure reading the database, not one cached answer.
#[derive(Clone, Copy)]
pub enum Key {
    None,
    /// A claim id, spread over the whole id space.
    Id,
    /// A speaker's name, any of the 10,000.
    Speaker,
    /// A source id, as an origin.
    Origin,
    /// A word of middling frequency.
    Word,
    /// A confidence range a hundredth wide (`$1`, `$2`).
    Range,
}

/// The columns a claims query returns in claimdb, in SQL.
const CLAIM_COLUMNS: &str = "c.id, s.name, c.source, c.origin, c.quote, c.statement, \
    c.confidence, c.rationale, (SELECT group_concat(tag, '; ') FROM claim_tags t WHERE t.claim_id = c.id), \
    c.status, c.line, c.col, c.speaker_id FROM claims c JOIN speakers s ON s.id = c.speaker_id";

pub const QUERIES: &[Query] = &[
    Query {
        name: "claim by id",
        claimdb: "claims where id = $1",
        sql: "SELECT {claim} WHERE c.id = ?1",
        key: Key::Id,
    },
    Query {
        name: "claims of a speaker",
        claimdb: "claims where speaker = $1",
        sql: "SELECT {claim} WHERE s.name = ?1",
        key: Key::Speaker,
    },
    Query {
        name: "speaker and confidence",
        claimdb: "claims where speaker = $1 and confidence >= 0.8",
        sql: "SELECT {claim} WHERE s.name = ?1 AND c.confidence >= 0.8",
        key: Key::Speaker,
    },
    Query {
        name: "claims of an origin",
        claimdb: "claims where origin = $1",
        sql: "SELECT {claim} WHERE c.origin = ?1",
        key: Key::Origin,
    },
    Query {
        name: "confidence range",
        claimdb: "claims where confidence between $1 and $2",
        sql: "SELECT {claim} WHERE c.confidence BETWEEN ?1 AND ?2",
        key: Key::Range,
    },
    Query {
        name: "word in quote (vs FTS5)",
        claimdb: "count claims where quote contains $1",
        sql: "SELECT count(*) FROM claims_fts WHERE claims_fts MATCH ?1",
        key: Key::Word,
    },
    Query {
        name: "word in quote (vs LIKE)",
        claimdb: "count claims where quote contains $1",
        sql: "SELECT count(*) FROM claims WHERE quote LIKE '%' || ?1 || '%'",
        key: Key::Word,
    },
    Query {
        name: "count by speaker",
        claimdb: "count claims group by speaker",
        sql: "SELECT s.name, count(*) FROM claims c JOIN speakers s ON s.id = c.speaker_id GROUP BY c.speaker_id",
        key: Key::None,
    },
    Query {
        name: "count claims",
        claimdb: "count claims",
        sql: "SELECT count(*) FROM claims",
        key: Key::None,
    },
];

/// A key's value for run `run` of a query (run 0 is the first in a fresh
/// process): a different one each run, the same for every engine.
pub enum KeyValue {
    None,
    Int(i64),
    Text(String),
    Range(f64, f64),
}

impl Key {
    /// The keys of every run `measure` makes (drawn before any is timed).
    fn values(self, claims: u64) -> Vec<KeyValue> {
        let words = corpus::vocabulary();
        (0..=RUNS as u64)
            .map(|run| {
                // A step coprime with every count below spreads the keys.
                let spread = |n: u64, offset: u64| (offset + run * 7_919) % n;
                match self {
                    Key::None => KeyValue::None,
                    Key::Id => KeyValue::Int(1 + spread(claims, claims * 7 / 10) as i64),
                    Key::Speaker => KeyValue::Text(
                        corpus::speaker(&words, spread(SPEAKERS as u64, 4_242) as usize).name,
                    ),
                    Key::Origin => KeyValue::Text(format!("src-{:04}", spread(ORIGINS as u64, 7))),
                    Key::Range => {
                        let low = 0.5 + spread(40, 40) as f64 / 100.0;
                        KeyValue::Range(low, low + 0.01)
                    }
                    Key::Word => KeyValue::Text(words[800 + spread(200, 100) as usize].clone()),
                }
            })
            .collect()
    }
}

/// The most warm runs of a query.
const RUNS: usize = 21;

/// A query's text for `engine`'s language.
pub fn text(query: &Query, engine: Engine) -> String {
    match engine {
        Engine::Claimdb | Engine::ClaimdbPostgres => query.claimdb.to_string(),
        Engine::Sqlite => query.sql.replace("{claim}", CLAIM_COLUMNS),
    }
}

/// What a child measured. For a load, `first_ms` is the whole load.
#[derive(Debug, Default, Clone)]
pub struct Measured {
    /// Opening and the first run, in a fresh process.
    pub first_ms: f64,
    /// The first run alone (cold: after opening, nothing read yet).
    pub cold_ms: f64,
    pub median_ms: f64,
    pub rows: u64,
    pub peak_kib: u64,
}

impl Measured {
    pub fn parse(out: &str) -> Option<Measured> {
        let line = out.lines().rev().find(|l| l.starts_with("measured "))?;
        let f: Vec<&str> = line.split_whitespace().skip(1).collect();
        Some(Measured {
            first_ms: f.first()?.parse().ok()?,
            median_ms: f.get(1)?.parse().ok()?,
            rows: f.get(2)?.parse().ok()?,
            peak_kib: f.get(3)?.parse().ok()?,
            cold_ms: f.get(4)?.parse().ok()?,
        })
    }

    pub fn print(&self) {
        println!(
            "measured {} {} {} {} {}",
            self.first_ms,
            self.median_ms,
            self.rows,
            peak_kib(),
            self.cold_ms
        );
    }
}

/// This process's peak resident memory.
pub fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// `child ENGINE PATH load N` or `child ENGINE PATH query I N`; `child
/// bulk TASK DB FILE` (`bulk.rs`).
pub fn child(args: &[String]) {
    if args[0] == "bulk" {
        crate::bulk::child(&args[1], Path::new(&args[2]), Path::new(&args[3]));
        return;
    }
    let engine = match args[0].as_str() {
        "claimdb" => Engine::Claimdb,
        "claimdb-pg" => Engine::ClaimdbPostgres,
        _ => Engine::Sqlite,
    };
    let path = Path::new(&args[1]);
    match args[2].as_str() {
        "load" => {
            let claims: u64 = args[3].parse().unwrap();
            let corpus = Corpus::generate();
            let began = Instant::now();
            match engine {
                Engine::Claimdb | Engine::ClaimdbPostgres => load_claimdb(path, &corpus, claims),
                Engine::Sqlite => load_sqlite(path, &corpus, claims),
            }
            Measured {
                first_ms: began.elapsed().as_secs_f64() * 1e3,
                ..Default::default()
            }
            .print();
        }
        _ => {
            let query = &QUERIES[args[3].parse::<usize>().unwrap()];
            let claims: u64 = args[4].parse().unwrap();
            let text = text(query, engine);
            match engine {
                Engine::Claimdb | Engine::ClaimdbPostgres => {
                    measure_claimdb(path, &text, query.key, claims)
                }
                Engine::Sqlite => measure_sqlite(path, &text, query.key, claims),
            }
            .print();
        }
    }
}

/// Runs `run` once after `open` (cold: the fresh-process figure), then
/// again until 2 s have passed (at least 3 and at most 21 times): the
/// median (warm). `run` is given the run's number, which draws its key;
/// the rows are the mean over the runs.
fn measure<S>(open: impl FnOnce() -> S, mut run: impl FnMut(&S, u64) -> u64) -> Measured {
    let began = Instant::now();
    let state = open();
    let cold = Instant::now();
    let mut rows = run(&state, 0);
    let cold_ms = cold.elapsed().as_secs_f64() * 1e3;
    let first_ms = began.elapsed().as_secs_f64() * 1e3;
    let mut times = Vec::new();
    let repeated = Instant::now();
    while times.len() < 3 || (times.len() < RUNS && repeated.elapsed().as_secs_f64() < 2.0) {
        let t = Instant::now();
        rows += run(&state, times.len() as u64 + 1);
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let runs = times.len() as u64 + 1;
    times.sort_by(f64::total_cmp);
    Measured {
        first_ms,
        cold_ms,
        median_ms: times[times.len() / 2],
        rows: (rows + runs / 2) / runs,
        peak_kib: 0,
    }
}

/// claimdb's prepared statement, as SQLite's `prepare_cached`: each engine
/// parses the text once and runs the statement many times.
fn measure_claimdb(path: &Path, text: &str, key: Key, claims: u64) -> Measured {
    let keys = key.values(claims);
    measure(
        || {
            let db = Db::open_with(path, OpenOptions::new().seed(false)).expect("open claimdb");
            let statement = db.prepare(text).expect("prepare");
            (db, statement)
        },
        |(db, statement), run| {
            let params = match &keys[run as usize] {
                KeyValue::None => Params::new(),
                KeyValue::Int(n) => Params::new().bind(1, *n),
                KeyValue::Text(t) => Params::new().bind(1, t.as_str()),
                KeyValue::Range(low, high) => Params::new().bind(1, *low).bind(2, *high),
            };
            let out = statement.run(db, &params).expect("claimdb query");
            if let Some(claims) = out.claims() {
                claims.len() as u64
            } else if let Some(n) = out.count() {
                n
            } else if let Some(rows) = out.rows() {
                rows.rows.len() as u64
            } else {
                0
            }
        },
    )
}

fn measure_sqlite(path: &Path, text: &str, key: Key, claims: u64) -> Measured {
    let keys = key.values(claims);
    measure(
        || {
            let c = Connection::open(path).expect("open SQLite");
            c.pragma_update(None, "synchronous", "FULL").unwrap();
            c
        },
        |c, run| {
            let mut stmt = c.prepare_cached(text).expect("prepare");
            let columns = stmt.column_count();
            let mut rows = match &keys[run as usize] {
                KeyValue::None => stmt.query([]),
                KeyValue::Int(n) => stmt.query([n]),
                KeyValue::Text(t) => stmt.query([t]),
                KeyValue::Range(low, high) => stmt.query([low, high]),
            }
            .unwrap();
            let (mut n, mut count) = (0u64, 0u64);
            while let Some(row) = rows.next().unwrap() {
                // Read every column, as claimdb builds every field of a row.
                for i in 0..columns {
                    let v: rusqlite::types::Value = row.get(i).unwrap();
                    if let (1, rusqlite::types::Value::Integer(k)) = (columns, &v) {
                        count = *k as u64;
                    }
                }
                n += 1;
            }
            if columns == 1 {
                count
            } else {
                n
            }
        },
    )
}

fn load_claimdb(path: &Path, corpus: &Corpus, claims: u64) {
    let db = Db::open_with(path, OpenOptions::new().seed(false)).expect("create claimdb");
    db.write(|w| {
        for s in &corpus.sources {
            w.add_source(&NewSource {
                id: s.id.clone(),
                title: s.title.clone(),
                text: Some(s.text.clone()),
                ..Default::default()
            })?;
        }
        for s in &corpus.speakers {
            w.add_speaker(&NewSpeaker {
                name: s.name.clone(),
                aliases: vec![s.alias.clone()],
                description: None,
            })?;
        }
        Ok(())
    })
    .expect("sources and speakers");
    for batch in 0..claims / 1_000 {
        db.write(|w| {
            for n in batch * 1_000..(batch + 1) * 1_000 {
                let c = corpus.claim(n);
                w.add_claim(&NewClaim {
                    speaker: corpus.speakers[c.speaker].name.clone(),
                    source: corpus.sources[c.source].id.clone(),
                    origin: c.origin.map(|o| corpus.sources[o].id.clone()),
                    quote: c.quote,
                    statement: c.statement,
                    confidence: c.confidence,
                    rationale: c.rationale,
                    tags: c.tags,
                    key: None,
                    ..Default::default()
                })?;
            }
            Ok(())
        })
        .expect("a batch of claims");
    }
}

/// A new SQLite database at `path` with the comparison's tables, indexes
/// and FTS5 index, in WAL mode with `synchronous=FULL`.
pub fn sqlite_schema(path: &Path) -> Connection {
    let c = Connection::open(path).expect("create SQLite");
    c.pragma_update(None, "journal_mode", "WAL").unwrap();
    c.pragma_update(None, "synchronous", "FULL").unwrap();
    c.execute_batch(
        "CREATE TABLE sources(id TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT, sha256 TEXT);
         CREATE TABLE speakers(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
         CREATE TABLE aliases(alias TEXT PRIMARY KEY, speaker_id INTEGER NOT NULL);
         CREATE TABLE claims(id INTEGER PRIMARY KEY, speaker_id INTEGER NOT NULL, source TEXT NOT NULL,
             origin TEXT, quote TEXT NOT NULL, statement TEXT NOT NULL, confidence REAL NOT NULL,
             rationale TEXT NOT NULL, status TEXT NOT NULL, line INTEGER, col INTEGER);
         CREATE TABLE claim_tags(claim_id INTEGER NOT NULL, tag TEXT NOT NULL);
         CREATE INDEX claims_speaker ON claims(speaker_id);
         CREATE INDEX claims_source ON claims(source);
         CREATE INDEX claims_origin ON claims(origin);
         CREATE INDEX claims_confidence ON claims(confidence);
         CREATE INDEX claims_status ON claims(status);
         CREATE INDEX claim_tags_tag ON claim_tags(tag);
         CREATE INDEX claim_tags_claim ON claim_tags(claim_id);
         CREATE VIRTUAL TABLE claims_fts USING fts5(quote, content='claims', content_rowid='id');",
    )
    .unwrap();
    c
}

fn load_sqlite(path: &Path, corpus: &Corpus, claims: u64) {
    let mut c = sqlite_schema(path);
    let tx = c.transaction().unwrap();
    for s in &corpus.sources {
        tx.execute(
            "INSERT INTO sources VALUES (?1, ?2, ?3, NULL)",
            params![s.id, s.title, s.text],
        )
        .unwrap();
    }
    for (i, s) in corpus.speakers.iter().enumerate() {
        tx.execute(
            "INSERT INTO speakers VALUES (?1, ?2)",
            params![i as i64 + 1, s.name],
        )
        .unwrap();
        tx.execute(
            "INSERT INTO aliases VALUES (?1, ?2)",
            params![s.alias, i as i64 + 1],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    for batch in 0..claims / 1_000 {
        let tx = c.transaction().unwrap();
        {
            let mut claim = tx
                .prepare_cached("INSERT INTO claims VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'verified', ?9, ?10)")
                .unwrap();
            let mut tag = tx
                .prepare_cached("INSERT INTO claim_tags VALUES (?1, ?2)")
                .unwrap();
            let mut fts = tx
                .prepare_cached("INSERT INTO claims_fts(rowid, quote) VALUES (?1, ?2)")
                .unwrap();
            for n in batch * 1_000..(batch + 1) * 1_000 {
                let c = corpus.claim(n);
                let id = n as i64 + 1;
                claim
                    .execute(params![
                        id,
                        c.speaker as i64 + 1,
                        corpus.sources[c.source].id,
                        c.origin.map(|o| corpus.sources[o].id.clone()),
                        c.quote,
                        c.statement,
                        c.confidence,
                        c.rationale,
                        c.line,
                        c.column
                    ])
                    .unwrap();
                for t in &c.tags {
                    tag.execute(params![id, t]).unwrap();
                }
                fts.execute(params![id, c.quote]).unwrap();
            }
        }
        tx.commit().unwrap();
    }
    // Leave the database as a reader finds it: the WAL folded in.
    c.pragma_update(None, "wal_checkpoint", "TRUNCATE").unwrap();
}
