//! Serving a database and keeping its tokens: `claimdb serve`, and
//! `claimdb token create|list|revoke` on a database here or (an admin's)
//! on a server.

use std::path::Path;

use claimdb::Db;

/// `claimdb serve`: serves `db` until SIGTERM or Ctrl-C.
pub(crate) fn serve(db: Db, path: &Path, options: claimdb::server::ServeOptions) -> bool {
    let shown = path.display().to_string();
    reported(claimdb::server::serve(db, options, |address| {
        eprintln!("claimdb: serving {shown} at http://{address} (Ctrl-C stops)");
    }))
}

/// `claimdb token ...`.
pub(crate) fn token(db: &Db, action: crate::args::TokenAction) -> bool {
    use crate::args::TokenAction;
    let result = match action {
        TokenAction::Create { name, role } => db.create_token(&name, role.into()).map(|secret| {
            crate::outln!("{secret}");
            eprintln!(
                "made token {:?} ({}): the secret above is shown this once; send it as `Authorization: Bearer SECRET`",
                name.trim(),
                claimdb::Role::from(role).as_str()
            );
        }),
        TokenAction::List => db.tokens().map(|tokens| {
            if tokens.is_empty() {
                eprintln!("no tokens: `claimdb serve` serves this database on loopback only, to anyone on this machine");
            }
            for t in tokens {
                crate::outln!("{}\t{}\t{}", t.name, t.role.as_str(), t.created);
            }
        }),
        TokenAction::Revoke { name } => db.revoke_token(&name).map(|()| {
            eprintln!("revoked token {name:?}");
        }),
    };
    reported(result)
}

/// `claimdb --server URL token ...`: the server's tokens (an admin's).
pub(crate) fn remote_token(
    client: &claimdb::client::Client,
    action: crate::args::TokenAction,
) -> bool {
    use crate::args::TokenAction;
    let result = match action {
        TokenAction::Create { name, role } => client.create_token(&name, role.into()).map(|made| {
            crate::outln!("{}", made["secret"].as_str().unwrap_or_default());
            eprintln!(
                "made token {:?} ({}): the secret above is shown this once",
                name.trim(),
                claimdb::Role::from(role).as_str()
            );
        }),
        TokenAction::List => client.tokens().map(|tokens| {
            for t in tokens.as_array().into_iter().flatten() {
                crate::outln!(
                    "{}\t{}\t{}",
                    t["name"].as_str().unwrap_or_default(),
                    t["role"].as_str().unwrap_or_default(),
                    t["created"].as_str().unwrap_or_default()
                );
            }
        }),
        TokenAction::Revoke { name } => client.revoke_token(&name).map(|_| {
            eprintln!("revoked token {name:?}");
        }),
    };
    reported(result)
}

/// True for success; an error is printed, and is false.
fn reported(result: claimdb::Result<()>) -> bool {
    match result {
        Ok(()) => true,
        Err(e) => {
            eprintln!("error: {e}");
            false
        }
    }
}
