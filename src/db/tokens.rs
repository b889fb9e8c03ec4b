//! Access tokens: made, listed, revoked, and a presented secret checked.
//!
//! A new token's secret is 32 random bytes from the operating system, shown
//! once as `cdb_` and 64 hex digits; the database keeps its sha256. A
//! presented secret is hashed and compared with every stored hash, in time
//! that does not depend on where two hashes first differ.

use super::Db;
use crate::error::{Error, Result};
use crate::model::{Role, Token};

/// The longest token name (bytes).
pub const MAX_TOKEN_NAME_BYTES: usize = 64;

impl Db {
    /// Makes a token called `name` with `role`, and returns its secret: the
    /// only time it is seen. A name already in use is refused.
    pub fn create_token(&self, name: &str, role: Role) -> Result<String> {
        let name = name.trim();
        if name.is_empty()
            || name.len() > MAX_TOKEN_NAME_BYTES
            || name.chars().any(char::is_control)
        {
            return Err(Error::invalid(
                "token name",
                format!(
                    "a token's name is 1 to {MAX_TOKEN_NAME_BYTES} bytes without control characters"
                ),
            ));
        }
        let secret = new_secret()?;
        let token = Token {
            name: name.to_string(),
            role,
            secret_sha256: crate::cite::sha256_hex(&secret),
            created: crate::text::now_utc(),
        };
        self.write(|w| {
            if w.tx().view().tokens()?.iter().any(|t| t.name == token.name) {
                return Err(Error::Duplicate {
                    kind: "token",
                    name: token.name.clone(),
                });
            }
            w.tx().put_token(&token)
        })?;
        Ok(secret)
    }

    /// Every token (name, role, when made; the secrets are not kept).
    pub fn tokens(&self) -> Result<Vec<Token>> {
        self.view()?.tokens()
    }

    /// Revokes the token called `name`: its secret opens nothing from now on.
    pub fn revoke_token(&self, name: &str) -> Result<()> {
        self.write(|w| {
            if w.tx().delete_token(name)? {
                Ok(())
            } else {
                Err(Error::not_found("token", name))
            }
        })
    }

    /// The token whose secret `secret` is, if any.
    ///
    /// Compared by hash, every byte of every stored hash, so the time it
    /// takes says nothing about how near a guess came.
    pub fn authenticate(&self, secret: &str) -> Result<Option<Token>> {
        let presented = crate::cite::sha256_hex(secret.trim());
        let mut found = None;
        for token in self.tokens()? {
            if same_secret(&token.secret_sha256, &presented) {
                found = Some(token);
            }
        }
        Ok(found)
    }
}

/// A new secret: `cdb_` and 32 random bytes from the operating system, in hex.
pub(crate) fn new_secret() -> Result<String> {
    Ok(format!("cdb_{}", random_hex()?))
}

/// 32 random bytes from the operating system, in hex (a secret, a web
/// session's id).
pub(crate) fn random_hex() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::invalid("token", format!("the system gave no random bytes: {e}")))?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether two secrets (or their hashes) are equal, compared in time that
/// does not depend on where they first differ.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.bytes()
        .zip(b.bytes())
        .fold(a.len() ^ b.len(), |acc, (x, y)| acc | usize::from(x ^ y))
        == 0
}
