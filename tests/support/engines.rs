//! The storage engines every engine-level test runs on: the one list.
//!
//! [`ENGINES`] names each engine and how to open a fresh one in a folder.
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

/// Every engine: its name and how to open it.
pub const ENGINES: &[(&str, Open)] = &[
    ("sled", |dir| {
        Box::new(SledEngine::open(&dir.join("db"), SLED).expect("sled opens"))
    }),
    ("memory", |_| Box::new(MemoryEngine::new())),
];

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
    ENGINES
        .iter()
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
    for (engine, open) in ENGINES {
        eprintln!("{contract} on the {engine} engine");
        let dir = tempfile::tempdir().expect("a temporary folder");
        let opened = open(dir.path());
        run(&*opened);
    }
}

/// `contract_tests!(contract_a, #[ignore = "why"] contract_b, ...)`: a test
/// per contract, run on every engine of [`ENGINES`].
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
