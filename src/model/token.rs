//! Access tokens for a shared database: who may read, write or manage it.
//!
//! A token is a secret a person or a program presents to `claimdb serve`
//! (`Authorization: Bearer ...`). The database keeps only the secret's
//! sha256, with the token's name and role, so a copy of the database (or
//! of its files) gives no one access; the secret is shown once, when the
//! token is made.

use serde::{Deserialize, Serialize};

/// What a token allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Queries, listings, checks, exports.
    Read,
    /// Also writes: statements that add, change or delete claims, imports.
    Write,
    /// Also tokens, `verify` and repair, and deleting sources.
    Admin,
}

impl Role {
    /// Every role, weakest first.
    pub const ALL: [Role; 3] = [Role::Read, Role::Write, Role::Admin];

    /// The role's name: "read", "write", "admin".
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Read => "read",
            Role::Write => "write",
            Role::Admin => "admin",
        }
    }

    /// The role called `name`.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// Whether this role allows what `needed` allows.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

/// A stored token: its name, role and the hash of its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    /// Unique among tokens: "desk-laptop", "ingest-bot".
    pub name: String,
    /// What it allows.
    pub role: Role,
    /// The sha256 of the secret, in hex.
    pub secret_sha256: String,
    /// When it was made (UTC, `2026-12-07T05:16:53Z`).
    pub created: String,
}
