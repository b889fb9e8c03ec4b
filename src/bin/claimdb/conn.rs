//! Where statements run: a database this process opened, or a claimdb
//! server (`--server URL`). The shell, scripts and every command speak to
//! a [`Conn`], and print the same answers and refusals either way.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use claimdb::client::RemoteSession;
use claimdb::query::ClaimRow;
use claimdb::{Db, Output, Session};

/// A local database with its session, or a server.
pub enum Conn {
    /// Shared with the door other processes reach it through.
    Local {
        db: Arc<Db>,
        session: Session,
    },
    Remote(RemoteSession),
}

impl Conn {
    /// The local database, if statements run on one.
    pub fn db(&self) -> Option<&Db> {
        match self {
            Conn::Local { db, .. } => Some(db),
            Conn::Remote(_) => None,
        }
    }

    /// Where statements run, for a person: a path or a URL.
    pub fn place(&self) -> String {
        match self {
            Conn::Local { db, .. } => db.path().display().to_string(),
            Conn::Remote(r) => r.client().url().to_string(),
        }
    }

    pub fn execute(&mut self, text: &str) -> claimdb::Result<Output> {
        match self {
            Conn::Local { db, session } => session.execute(db, text),
            Conn::Remote(r) => r.execute(text),
        }
    }

    pub fn execute_streaming(
        &mut self,
        text: &str,
        each: &mut dyn FnMut(ClaimRow) -> claimdb::Result<()>,
    ) -> claimdb::Result<Option<Output>> {
        match self {
            Conn::Local { db, session } => session.execute_streaming(db, text, each),
            Conn::Remote(r) => r.execute_streaming(text, each),
        }
    }

    pub fn notes(&self) -> &[String] {
        match self {
            Conn::Local { session, .. } => session.notes(),
            Conn::Remote(r) => r.notes(),
        }
    }

    pub fn in_transaction(&self) -> bool {
        match self {
            Conn::Local { session, .. } => session.in_transaction(),
            Conn::Remote(r) => r.in_transaction(),
        }
    }

    pub fn force(&mut self, force: bool) {
        match self {
            Conn::Local { session, .. } => session.force(force),
            Conn::Remote(r) => r.force(force),
        }
    }

    pub fn set_base_dir(&mut self, dir: Option<PathBuf>) -> Option<PathBuf> {
        match self {
            Conn::Local { session, .. } => session.set_base_dir(dir),
            Conn::Remote(r) => r.set_base_dir(dir),
        }
    }

    pub fn base_dir(&self) -> Option<&Path> {
        match self {
            Conn::Local { session, .. } => session.base_dir(),
            Conn::Remote(r) => r.base_dir(),
        }
    }
}
