//! Signing in on the web. A person types a token once; the server keeps
//! it in memory under a random session id and gives the browser only that
//! id, in a cookie script cannot read (`HttpOnly`) and no other site's
//! page sends (`SameSite=Strict`). Each request re-checks the token, so a
//! revoked token ends its sessions at once. Every form that writes also
//! carries the session's own cross-site request token, checked on post.
//! Sessions live as long as the server process and an idle limit.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, HeaderValue};

use crate::db::Db;
use crate::model::Role;

use super::super::auth::{authorize, Caller, Policy};
use super::super::failure::Failure;

/// The cookie's name.
const COOKIE: &str = "claimdb_session";

/// A session unused this long is gone.
const IDLE: Duration = Duration::from_secs(12 * 60 * 60);

/// The most sessions kept; the oldest go first beyond it.
const MOST_SESSIONS: usize = 10_000;

/// The signed-in browsers.
#[derive(Default)]
pub(crate) struct Sessions {
    map: Mutex<HashMap<String, Session>>,
}

struct Session {
    secret: String,
    csrf: String,
    last_seen: Instant,
}

/// Who is looking at a page.
pub(super) struct Visitor {
    /// As the API's tokens say.
    pub(super) caller: Caller,
    /// Signed in on the web: the session's id and cross-site request token.
    pub(super) session: Option<(String, String)>,
}

impl Visitor {
    /// The name to show, when signed in.
    pub(super) fn signed_in_as(&self) -> Option<&str> {
        self.session.as_ref().map(|_| self.caller.name.as_str())
    }

    /// The session's cross-site request token.
    pub(super) fn csrf(&self) -> Option<&str> {
        self.session.as_ref().map(|(_, csrf)| csrf.as_str())
    }
}

impl Sessions {
    /// A new session for a token's `secret`: its id and its cross-site
    /// request token. `None` when the system's randomness fails: a weak id
    /// is never handed out.
    pub(super) fn create(&self, secret: &str) -> Option<(String, String)> {
        let (id, csrf) = (crate::db::random_hex().ok()?, crate::db::random_hex().ok()?);
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, s| s.last_seen.elapsed() < IDLE);
        if map.len() >= MOST_SESSIONS {
            if let Some(oldest) = map
                .iter()
                .min_by_key(|(_, s)| s.last_seen)
                .map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
        }
        map.insert(
            id.clone(),
            Session {
                secret: secret.to_string(),
                csrf: csrf.clone(),
                last_seen: Instant::now(),
            },
        );
        Some((id, csrf))
    }

    /// The secret and cross-site request token of session `id`, if alive.
    fn get(&self, id: &str) -> Option<(String, String)> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let session = map.get_mut(id)?;
        if session.last_seen.elapsed() >= IDLE {
            map.remove(id);
            return None;
        }
        session.last_seen = Instant::now();
        Some((session.secret.clone(), session.csrf.clone()))
    }

    /// The request's headers with the bearer token of the session its
    /// cookie names, for a route of the API a page links to (an export).
    pub(super) fn bearer(&self, headers: &HeaderMap) -> HeaderMap {
        let mut out = headers.clone();
        let secret = session_id(headers)
            .and_then(|id| self.get(&id))
            .map(|(s, _)| s);
        if let Some(value) = secret.and_then(|s| HeaderValue::from_str(&format!("Bearer {s}")).ok())
        {
            out.insert(header::AUTHORIZATION, value);
        }
        out
    }

    /// Ends session `id`.
    pub(super) fn end(&self, id: &str) {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
    }

    /// Who is asking, if allowed `needed`: by the session the cookie names
    /// (its token re-checked), else as the API would let them in (a bearer
    /// token, `--public-read`, a tokenless database on loopback).
    pub(super) fn visitor(
        &self,
        db: &Db,
        policy: &Policy,
        headers: &HeaderMap,
        needed: Role,
    ) -> Result<Visitor, Failure> {
        if let Some(id) = session_id(headers) {
            if let Some((secret, csrf)) = self.get(&id) {
                let mut bearer = HeaderMap::new();
                if let Ok(value) = HeaderValue::from_str(&format!("Bearer {secret}")) {
                    bearer.insert(header::AUTHORIZATION, value);
                }
                return match authorize(db, policy, &bearer, needed) {
                    Ok(caller) => Ok(Visitor {
                        caller,
                        session: Some((id, csrf)),
                    }),
                    Err(e) => {
                        // A revoked token ends its sessions.
                        if e.status == axum::http::StatusCode::UNAUTHORIZED {
                            self.end(&id);
                        }
                        Err(e)
                    }
                };
            }
        }
        let caller = authorize(db, policy, headers, needed)?;
        Ok(Visitor {
            caller,
            session: None,
        })
    }
}

/// The session id the request's cookie holds.
pub(super) fn session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim().to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The cookie that holds session `id`; `Secure` when the browser reached
/// the server over TLS (through a proxy that terminates it and says so).
pub(super) fn cookie(id: &str, headers: &HeaderMap) -> String {
    let tls = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let secure = if tls { "; Secure" } else { "" };
    format!("{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict{secure}")
}

/// The cookie that ends a session in the browser.
pub(super) fn expired_cookie() -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// Whether a form's cross-site request token is the session's.
pub(super) fn csrf_matches(visitor: &Visitor, sent: Option<&str>) -> bool {
    match (visitor.csrf(), sent) {
        (Some(expected), Some(sent)) => crate::db::same_secret(expected, sent),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_well_formed_session_cookie_is_read() {
        let id = "a".repeat(64);
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("x=1; {COOKIE}={id}")).unwrap(),
        );
        assert_eq!(session_id(&h), Some(id));
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("claimdb_session=<script>"),
        );
        assert_eq!(session_id(&h), None);
        let sessions = Sessions::default();
        let (id, csrf) = sessions.create("secret").unwrap();
        assert_eq!(sessions.get(&id), Some(("secret".into(), csrf)));
        sessions.end(&id);
        assert_eq!(sessions.get(&id), None);
    }
}
