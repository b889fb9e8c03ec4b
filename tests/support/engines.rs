//! The storage engines every engine-level test runs on: the one list.
//!
//! [`engines`] names each engine and how to open a fresh one in a folder.
//! The contract suite (`tests/contract.rs`, through [`contract_tests!`]),
//! the golden query files, the planner, language, recheck and robustness
//! tests all run on every engine of it, so a new engine is one line here.

#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use claimdb::store::{Durability, Engine, MemoryEngine, SledEngine, SledOptions};
use claimdb::{Db, OpenOptions};

/// How the sled engine is opened: durable against power loss, as claimdb
/// opens it, with claimdb's default page cache.
pub const SLED: SledOptions = SledOptions {
    durability: Durability::PowerLoss,
    busy_timeout: Duration::from_millis(50),
    cache_bytes: claimdb::DEFAULT_CACHE_BYTES,
    open_damaged: false,
    read_only: false,
};

/// Opens a new, empty engine whose files (if it has any) go in a folder.
pub type Open = fn(&Path) -> Box<dyn Engine>;

/// Every engine: its name and how to open it. PostgreSQL is among them
/// when a server is at hand ([`postgres_server`]).
pub fn engines() -> Vec<(&'static str, Open)> {
    let mut engines: Vec<(&'static str, Open)> = vec![
        ("sled", |dir| {
            Box::new(SledEngine::open(&dir.join("db"), SLED).expect("sled opens"))
        }),
        ("memory", |_| Box::new(MemoryEngine::new())),
    ];
    if postgres_server().is_some() {
        engines.push(("postgres", |_| {
            let url = new_postgres_database();
            Box::new(claimdb::store::PgEngine::open(&url, false).expect("postgres opens"))
        }));
    }
    engines
}

/// The PostgreSQL server the tests may use: `CLAIMDB_TEST_POSTGRES`, the
/// URL of a database on it from which new ones can be created (`.ci/run`
/// starts a throwaway server and sets it). Without it the PostgreSQL runs
/// are skipped, saying so once; in CI (`CI` set) its absence fails.
pub fn postgres_server() -> Option<String> {
    static SAID: std::sync::Once = std::sync::Once::new();
    match std::env::var("CLAIMDB_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!(
                "CI runs every engine test on PostgreSQL too: .ci/run sets CLAIMDB_TEST_POSTGRES"
            )
        }
        _ => {
            SAID.call_once(|| {
                eprintln!("PostgreSQL engine not tested: no server (CLAIMDB_TEST_POSTGRES unset; .ci/run starts one)")
            });
            None
        }
    }
}

/// A new, empty database on the test server; its URL.
pub fn new_postgres_database() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let admin = postgres_server().expect("a PostgreSQL server");
    let name = format!(
        "claimdb_test_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
    );
    let mut client =
        postgres::Client::connect(&admin, postgres::NoTls).expect("the test server answers");
    client
        .batch_execute(&format!("create database {name}"))
        .expect("a test database is created");
    // The admin URL with the new database's name in place of its own.
    let (before, after) = admin.split_once('?').unwrap_or((&admin, ""));
    let base = before.rsplit_once('/').map_or(before, |(b, _)| b);
    if after.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{after}")
    }
}

/// The URL of the database `url` names on the test server's streaming
/// replica (`CLAIMDB_TEST_POSTGRES_REPLICA`, which `.ci/postgres` starts
/// beside the server): the same database, read only. `None`, saying so,
/// without one; in CI its absence fails.
pub fn on_replica(url: &str) -> Option<String> {
    let replica = match std::env::var("CLAIMDB_TEST_POSTGRES_REPLICA") {
        Ok(replica) if !replica.is_empty() => replica,
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI tests a PostgreSQL replica: .ci/run sets CLAIMDB_TEST_POSTGRES_REPLICA")
        }
        _ => {
            eprintln!("PostgreSQL replica not tested: CLAIMDB_TEST_POSTGRES_REPLICA unset (.ci/postgres starts one)");
            return None;
        }
    };
    let name = url.split('?').next()?.rsplit('/').next()?;
    let (before, after) = replica.split_once('?').unwrap_or((&replica, ""));
    let base = before.rsplit_once('/').map_or(before, |(b, _)| b);
    Some(if after.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{after}")
    })
}

/// A database on one engine, with the folder its files live in.
pub struct OnEngine {
    /// The engine's name, for failure messages.
    pub engine: &'static str,
    /// The database.
    pub db: Db,
    /// Where its files are (removed when this is dropped).
    pub dir: tempfile::TempDir,
}

/// A database on every engine, opened with `options` (seeded by default).
pub fn databases(options: OpenOptions) -> Vec<OnEngine> {
    engines()
        .into_iter()
        .map(|(engine, open)| {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let db = Db::with_engine(open(dir.path()), options)
                .unwrap_or_else(|e| panic!("{engine}: {e}"));
            OnEngine { engine, db, dir }
        })
        .collect()
}

/// A seeded database on every engine.
pub fn seeded() -> Vec<OnEngine> {
    databases(OpenOptions::new().seed(true))
}

/// Runs `contract` on a fresh, empty instance of every engine, saying on
/// stderr which engine it runs on (shown when it fails).
pub fn on_every_engine(contract: &str, run: fn(&dyn Engine)) {
    for (engine, open) in engines() {
        eprintln!("{contract} on the {engine} engine");
        let dir = tempfile::tempdir().expect("a temporary folder");
        let opened = open(dir.path());
        run(&*opened);
    }
}

/// `contract_tests!(contract_a, #[ignore = "why"] contract_b, ...)`: a test
/// per contract, run on every engine of [`engines`].
#[allow(unused_macros)]
macro_rules! contract_tests {
    ($($(#[$attr:meta])* $contract:ident),* $(,)?) => {
        mod on_every_engine {
            $(
                #[test]
                $(#[$attr])*
                fn $contract() {
                    $crate::engines::on_every_engine(stringify!($contract), super::$contract);
                }
            )*
        }
    };
}
