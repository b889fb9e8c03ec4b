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
        Statement::Because { statement, .. } => role_for(statement),
        Statement::DeleteList {
            table: crate::query::Table::Sources,
            ..
        } => Role::Admin,
        Statement::Explain(_) => Role::Read,
        s if s.is_write() => Role::Write,
        _ => Role::Read,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn bearer(secret: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            axum::http::header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {secret}")).unwrap(),
        );
        h
    }

    #[test]
    fn who_gets_in() {
        let db = Db::open_in_memory(crate::db::OpenOptions::new().seed(false)).unwrap();
        let open = Policy {
            public_read: false,
            open_on_loopback: true,
            door_secret: Some("door".into()),
        };
        let closed = Policy {
            open_on_loopback: false,
            ..open.clone()
        };
        let none = HeaderMap::new();
        // No token in the database: open on loopback, closed elsewhere.
        assert!(authorize(&db, &open, &none, Role::Admin).is_ok());
        assert_eq!(
            authorize(&db, &closed, &none, Role::Read)
                .unwrap_err()
                .status
                .as_u16(),
            401
        );
        // The door's secret is an admin's, and nothing else is.
        assert_eq!(
            authorize(&db, &closed, &bearer("door"), Role::Admin)
                .unwrap()
                .role,
            Role::Admin
        );
        assert_eq!(
            authorize(&db, &closed, &bearer("doo"), Role::Read)
                .unwrap_err()
                .status
                .as_u16(),
            401
        );
        // With a token, the open policy no longer lets anyone in.
        let secret = db.create_token("reader", Role::Read).unwrap();
        assert_eq!(
            authorize(&db, &open, &none, Role::Read)
                .unwrap_err()
                .status
                .as_u16(),
            401
        );
        assert_eq!(
            authorize(&db, &open, &bearer(&secret), Role::Read)
                .unwrap()
                .name,
            "reader"
        );
        assert_eq!(
            authorize(&db, &open, &bearer(&secret), Role::Write)
                .unwrap_err()
                .status
                .as_u16(),
            403
        );
        let public = Policy {
            public_read: true,
            ..open
        };
        assert!(authorize(&db, &public, &none, Role::Read).is_ok());
        assert_eq!(
            authorize(&db, &public, &none, Role::Write)
                .unwrap_err()
                .status
                .as_u16(),
            401
        );
    }
}
