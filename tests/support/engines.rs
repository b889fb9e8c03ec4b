//! The storage engines the contract suite (`tests/contract.rs`) runs on.
//!
//! [`contract_tests!`] turns a list of contracts (functions over
//! `&dyn Engine`) into one test module per engine, `memory::<contract>`,
//! `sled::<contract>`, each test on a fresh, empty engine whose files (if
//! it has any) live in a temporary directory of its own. The engines are
//! the lines of its last arm, one line each: a new engine is one more line
//! there, its test module's name and how to open it in a directory.

use std::time::Duration;

use claimdb::store::{Durability, SledOptions};

/// How the sled engine is opened: durable against power loss, as claimdb
/// opens it, with claimdb's default page cache.
pub const SLED: SledOptions = SledOptions {
    durability: Durability::PowerLoss,
    busy_timeout: Duration::from_millis(50),
    cache_bytes: claimdb::DEFAULT_CACHE_BYTES,
};

/// `contract_tests!(contract_a, #[ignore = "why"] contract_b, ...)`: every
/// contract on every engine.
macro_rules! contract_tests {
    (@engine $engine:ident, $open:expr; $($(#[$attr:meta])* $contract:ident),* $(,)?) => {
        mod $engine {
            $(
                #[test]
                $(#[$attr])*
                fn $contract() {
                    let dir = tempfile::tempdir().expect("a temporary directory");
                    let open: fn(&std::path::Path) -> Box<dyn claimdb::store::Engine> = $open;
                    let engine = open(dir.path());
                    super::$contract(&*engine);
                }
            )*
        }
    };
    ($($contracts:tt)*) => {
        // The engines, one line each.
        contract_tests!(@engine memory, |_| Box::new(claimdb::store::MemoryEngine::new()); $($contracts)*);
        contract_tests!(@engine sled, |dir| Box::new(claimdb::store::SledEngine::open(&dir.join("db"), $crate::engines::SLED).expect("sled opens")); $($contracts)*);
    };
}
