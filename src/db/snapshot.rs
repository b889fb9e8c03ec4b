//! Several reads against one state of the database.
//!
//! Every statement already reads one consistent state. A [`Snapshot`] keeps
//! that state for as many statements as its holder runs, so a research tool
//! can count, list and show claims that agree with each other while writers
//! go on. On the sled engine a snapshot holds back commits until it is
//! dropped (reads are isolated by a lock), so keep it short; in memory it
//! holds nothing back.

use super::Db;
use crate::error::{Error, Result};
use crate::query::{self, ExecStats, Output, Params};
use crate::store::ReadView;

/// One consistent state of the database, for reading.
///
/// ```
/// # fn main() -> claimdb::Result<()> {
/// let db = claimdb::Db::open_in_memory(claimdb::OpenOptions::new().seed(true))?;
/// let snapshot = db.snapshot()?;
/// let n = snapshot.query("count claims")?.count().unwrap();
/// let rows = snapshot.query("claims")?;
/// assert_eq!(rows.claims().unwrap().len() as u64, n);
/// # Ok(()) }
/// ```
pub struct Snapshot<'db> {
    view: Box<dyn ReadView + 'db>,
}

impl Db {
    /// A consistent state to run several reads against.
    pub fn snapshot(&self) -> Result<Snapshot<'_>> {
        Ok(Snapshot { view: self.view()? })
    }
}

impl Snapshot<'_> {
    /// Runs one read statement against this state.
    pub fn query(&self, text: &str) -> Result<Output> {
        self.query_with_stats(text, &Params::new())
            .map(|(out, _)| out)
    }

    /// Like [`Snapshot::query`], with parameters, and what the statement read.
    pub fn query_with_stats(&self, text: &str, params: &Params) -> Result<(Output, ExecStats)> {
        let statement = query::prepare(text, params)?;
        if statement.is_write() {
            return Err(Error::invalid(
                "statement",
                "a snapshot only reads: run writes on the database",
            ));
        }
        query::execute_read(self.view.as_ref(), &statement)
    }

    /// The records underneath, for reads the language does not offer.
    pub fn view(&self) -> &dyn ReadView {
        self.view.as_ref()
    }
}
