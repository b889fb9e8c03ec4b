//! Who is asking, and whether their role allows it.
//!
//! Every request carries `Authorization: Bearer SECRET`; the secret's hash
//! is looked up among the database's tokens. Without one, a request is
//! refused (401), except a read when the server was started with
//! `--public-read`. A database with no token at all is served only on
//! loopback, to anyone on this machine, as a local tool is (the listener
//! refuses anything wider).

use axum::http::HeaderMap;

use super::failure::Failure;
use crate::db::Db;
use crate::model::Role;
use crate::query::Statement;

/// Who made a request.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// The token's name ("anonymous" without one).
    pub(crate) name: String,
    /// What it may do.
    pub(crate) role: Role,
}

/// How requests are let in.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    /// Reads need no token.
    pub(crate) public_read: bool,
    /// While the database holds no token, anyone on loopback may do
    /// anything (`claimdb serve` as a local tool); a door never.
    pub(crate) open_on_loopback: bool,
    /// The secret of this process's door (see `db/door.rs`): an admin's.
    pub(crate) door_secret: Option<String>,
}

/// The caller of a request, if its token (or the policy) allows `needed`.
pub(crate) fn authorize(
    db: &Db,
    policy: &Policy,
    headers: &HeaderMap,
    needed: Role,
) -> Result<Caller, Failure> {
    let tokens = db.tokens().map_err(Failure::from)?;
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        });
    let caller = match bearer {
        Some(secret)
            if policy
                .door_secret
                .as_deref()
                .is_some_and(|door| crate::db::same_secret(door, secret.trim())) =>
        {
            Caller {
                name: "this machine's claimdb".into(),
                role: Role::Admin,
            }
        }
        // No token in the database: the listener serves loopback only.
        _ if tokens.is_empty() && policy.open_on_loopback => Caller {
            name: "anonymous".into(),
            role: Role::Admin,
        },
        Some(secret) => match db.authenticate(secret).map_err(Failure::from)? {
            Some(token) => Caller {
                name: token.name,
                role: token.role,
            },
            None => {
                return Err(Failure::unauthorized(
                    "the token is not valid (revoked, or mistyped)",
                ))
            }
        },
        None if policy.public_read && needed == Role::Read => Caller {
            name: "anonymous".into(),
            role: Role::Read,
        },
        None => {
            return Err(Failure::unauthorized(
                "a token is needed: this server is not open to anonymous requests",
            ))
        }
    };
    if !caller.role.allows(needed) {
        return Err(Failure::forbidden(format!(
            "token {:?} has the {} role; this needs {}",
            caller.name,
            caller.role.as_str(),
            needed.as_str()
        )));
    }
    Ok(caller)
}

/// The role a statement needs: reads read, writes write; deleting sources
/// (and what quotes them) is an administrator's.
pub(crate) fn role_for(statement: &Statement) -> Role {
    match statement {
        Statement::DeleteList {
            table: crate::query::Table::Sources,
            ..
        } => Role::Admin,
        Statement::Explain(_) => Role::Read,
        s if s.is_write() => Role::Write,
        _ => Role::Read,
    }
}
