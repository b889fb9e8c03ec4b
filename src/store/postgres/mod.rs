//! The PostgreSQL engine: the same claims database in PostgreSQL, for a
//! team that outgrows one machine or keeps its data in the PostgreSQL it
//! already runs (backups, replicas and all).
//!
//! It implements the record-level traits (`ReadView`, `WriteTx`) with real
//! tables and PostgreSQL's own indexes (`schema.rs`), not a key-value
//! emulation: an index scan is a B-tree range of `claim_index`, `quote
//! contains` a trigram lookup in `claim_words`, and the duplicate rule a
//! unique index. Every read view is one `repeatable read` transaction (one
//! snapshot, however long the statement); every write transaction takes an
//! advisory lock first, so the writers of all processes on one database
//! commit one at a time, as sled's do in one process: no update is lost,
//! and what a writer checked before writing still holds when it commits.
//! Connections come from a pool (r2d2).
//!
//! Above `store`, nothing knows which engine it runs on: `Db::open_with`
//! takes a `postgres://` or `postgresql://` URL where it takes a folder.

mod schema;
mod tx;
mod upkeep;
mod view;

use std::path::Path;

use postgres::NoTls;
use r2d2_postgres::PostgresConnectionManager;

use super::{Engine, ReadView, WriteTx};
use crate::error::{Error, Result, StorageError, StorageErrorKind};

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;
type Connection = r2d2::PooledConnection<PostgresConnectionManager<NoTls>>;

/// How many times a write transaction runs before a conflict is reported
/// (each after a pause twice the last, from 25 ms: 0.4 s in all).
const CONFLICT_ATTEMPTS: usize = 5;

/// Whether `location` names a PostgreSQL database rather than a folder.
pub fn is_postgres_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// A claims database in PostgreSQL.
pub struct PgEngine {
    pool: Pool,
    /// The URL without its password, for messages.
    shown: String,
    /// Whether every write is refused (`--read-only`).
    read_only: bool,
}

impl std::fmt::Debug for PgEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgEngine")
            .field("database", &self.shown)
            .finish()
    }
}

impl PgEngine {
    /// Connects to the database at `url` (`postgres://USER@HOST/DB`; the
    /// usual `PG*` variables fill in what it leaves out), and creates or
    /// migrates claimdb's tables in it. Opened `read_only`, it writes
    /// nothing, not even a migration.
    pub fn open(url: &str, read_only: bool) -> Result<PgEngine> {
        let config = config_of(url)?;
        let shown = without_password(url);
        // One connection first, to say at once what is wrong (a password
        // refused, no such database) instead of after the pool's wait; it
        // brings the schema up to date.
        let mut first = config.connect(NoTls).map_err(|e| {
            let mut error = connect_error(&shown, &reason(&e));
            // The server answered and refused (a password, a database that
            // does not exist): waiting will not help.
            if let (Some(_), Error::Storage(s)) = (e.as_db_error(), &mut error) {
                s.kind = StorageErrorKind::Other;
            }
            error
        })?;
        schema::migrate(&mut first, read_only)?;
        drop(first);
        let manager = PostgresConnectionManager::new(config, NoTls);
        let pool = r2d2::Pool::builder()
            .max_size(8)
            .min_idle(Some(1))
            .connection_timeout(std::time::Duration::from_secs(5))
            .build(manager)
            .map_err(|e| connect_error(&shown, &e.to_string()))?;
        Ok(PgEngine {
            pool,
            shown,
            read_only,
        })
    }

    /// A connection from the pool.
    fn connection(&self) -> Result<Connection> {
        self.pool
            .get()
            .map_err(|e| connect_error(&self.shown, &e.to_string()))
    }

    /// Runs `f` in one transaction: committed if it succeeds, rolled back
    /// if it fails.
    fn write_once(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        if self.read_only {
            return Err(Error::Invalid {
                what: "write",
                message: format!(
                    "{} is open read-only (--read-only): nothing is written",
                    self.shown
                ),
            });
        }
        let mut tx = tx::PgTx::begin(self.connection()?)?;
        match f(&mut tx) {
            Ok(()) => tx.commit(),
            Err(e) => {
                tx.rollback();
                Err(e)
            }
        }
    }

    /// The database, as messages name it (no password).
    pub fn shown(&self) -> &str {
        &self.shown
    }
}

impl Engine for PgEngine {
    fn read(&self) -> Result<Box<dyn ReadView + '_>> {
        Ok(Box::new(view::Reader::view(self.connection()?)?))
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        // claimdb's writers take the advisory lock first and so never
        // conflict with one another; a conflict comes from another client
        // of the same tables (a deadlock with its row locks): PostgreSQL
        // rolled the transaction back, and it runs again from the start.
        let mut pause = std::time::Duration::from_millis(25);
        for _ in 1..CONFLICT_ATTEMPTS {
            match self.write_once(f) {
                Err(Error::Storage(s)) if s.kind == StorageErrorKind::Conflict => {
                    std::thread::sleep(pause);
                    pause *= 2;
                }
                done => return done,
            }
        }
        self.write_once(f)
    }

    fn path(&self) -> Option<&Path> {
        None
    }

    fn name(&self) -> &'static str {
        "postgres"
    }

    fn reads_are_local(&self) -> bool {
        false
    }
}

/// The connection settings of `url`, the `PG*` variables filling in what
/// it leaves out (host, port, user, database, password).
fn config_of(url: &str) -> Result<postgres::Config> {
    let mut config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
        Error::Storage(StorageError::new(
            StorageErrorKind::Other,
            format!("{} is not a PostgreSQL URL: {e}", without_password(url)),
        ))
    })?;
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if config.get_hosts().is_empty() {
        match var("PGHOST") {
            Some(host) => {
                config.host(&host);
            }
            None => {
                config.host("localhost");
            }
        }
    }
    if config.get_ports().is_empty() {
        if let Some(port) = var("PGPORT").and_then(|p| p.parse().ok()) {
            config.port(port);
        }
    }
    if config.get_user().is_none() {
        let user = var("PGUSER")
            .or_else(|| var("USER"))
            .unwrap_or_else(|| "postgres".into());
        config.user(&user);
    }
    if config.get_dbname().is_none() {
        if let Some(db) = var("PGDATABASE") {
            config.dbname(&db);
        }
    }
    if config.get_password().is_none() {
        if let Some(password) = var("PGPASSWORD") {
            config.password(password);
        }
    }
    Ok(config)
}

/// `url` with any password replaced by `***`: how messages show it.
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((credentials, host)) if credentials.contains(':') => {
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_string(),
    }
}

/// Why a connection failed: the server's own words when it answered.
fn reason(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => e.to_string(),
    }
}

fn connect_error(shown: &str, why: &str) -> Error {
    Error::Storage(StorageError::new(
        StorageErrorKind::Unavailable,
        format!("cannot connect to the PostgreSQL database {shown}: {why}"),
    ))
}

/// A PostgreSQL error in claimdb's words: its own message (the server's,
/// with its code), never the driver's debug text.
pub(crate) fn sql_error(e: postgres::Error) -> Error {
    if e.code() == Some(&postgres::error::SqlState::READ_ONLY_SQL_TRANSACTION) {
        return Error::Invalid {
            what: "write",
            message: "the PostgreSQL database takes no writes (a standby replica, or \
                      `default_transaction_read_only`): send writes to the primary"
                .into(),
        };
    }
    let kind = match e.code().map(|c| c.code()) {
        Some(code) if code.starts_with("53") => StorageErrorKind::DiskFull,
        // A serialization failure, a deadlock: rolled back, may be retried.
        Some("40001" | "40P01") => StorageErrorKind::Conflict,
        Some(code) if code.starts_with("XX") => StorageErrorKind::Corrupt,
        // A connection lost, a server shutting down or starting up.
        Some(code) if code.starts_with("08") || code.starts_with("57P") => {
            StorageErrorKind::Unavailable
        }
        None if e.is_closed() || e.as_db_error().is_none() => StorageErrorKind::Unavailable,
        _ => StorageErrorKind::Other,
    };
    let message = match e.as_db_error() {
        Some(db) => format!("PostgreSQL: {} ({})", db.message(), db.code().code()),
        None => format!("PostgreSQL: {e}"),
    };
    Error::Storage(StorageError::new(kind, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_never_shown() {
        assert_eq!(
            without_password("postgres://ana:secret@db.example/claims"),
            "postgres://ana:***@db.example/claims"
        );
        assert_eq!(
            without_password("postgresql://ana@db.example/claims"),
            "postgresql://ana@db.example/claims"
        );
        assert!(is_postgres_url("postgresql://x/y") && !is_postgres_url("claims.db"));
    }
}
