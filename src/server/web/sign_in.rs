//! `/sign-in` and `/sign-out`. The token is typed into a form, posted once,
//! checked, and kept on the server (`session.rs`); the browser gets only a
//! session cookie. The way back after signing in is a path of this site,
//! never another site's address. Signing out needs the session's own
//! cross-site request token, so another site cannot sign anyone out.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::html::{escape, html_response, page, Viewer};
use super::{query_pairs, session, App};

/// A local path to go back to after signing in, else the claims.
fn way_back(next: Option<&str>) -> String {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_string(),
        _ => "/claims".to_string(),
    }
}

fn form_page(next: &str, message: Option<&str>, status: StatusCode) -> Response {
    let alert = message.map_or(String::new(), |m| {
        format!(r#"<p class="error" role="alert">{}</p>"#, escape(m))
    });
    let body = format!(
        r#"<h1>Sign in</h1>
{alert}<form method="post" action="/sign-in" class="sign-in">
<input type="hidden" name="next" value="{next}">
<p><label for="token">Token</label> <input id="token" name="token" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Sign in</button></p>
</form>
<p>A token comes from whoever runs this server (<code>claimdb token create --name NAME --role read</code>). It is kept on the server; this browser gets only a session cookie.</p>
"#,
        next = escape(next),
    );
    let mut response = page(
        "Sign in",
        &Viewer {
            name: None,
            csrf: None,
        },
        "",
        &body,
    );
    *response.status_mut() = status;
    response
}

/// GET `/sign-in`.
pub(super) async fn form(RawQuery(q): RawQuery) -> Response {
    let pairs = query_pairs(q.as_deref());
    let next = pairs
        .iter()
        .find(|(k, _)| k == "next")
        .map(|(_, v)| v.as_str());
    form_page(&way_back(next), None, StatusCode::OK)
}

/// POST `/sign-in`: the token checked, a session made.
pub(super) async fn sign_in(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let pairs = query_pairs(Some(&String::from_utf8_lossy(&body)));
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let next = way_back(get("next").as_deref());
    let Some(secret) = get("token")
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
    else {
        return form_page(
            &next,
            Some("type a token to sign in"),
            StatusCode::BAD_REQUEST,
        );
    };
    let shared = app.clone();
    let checked = app
        .blocking(move |db| Ok(db.authenticate(&secret)?.map(|_| secret)))
        .await;
    let secret = match checked {
        Ok(Some(secret)) => secret,
        Ok(None) => {
            return form_page(
                &next,
                Some("the token is not valid (revoked, or mistyped)"),
                StatusCode::UNAUTHORIZED,
            )
        }
        Err(failure) => return form_page(&next, Some(&failure.report.message), failure.status),
    };
    let Some((id, _csrf)) = shared.sessions.create(&secret) else {
        return form_page(
            &next,
            Some("no session could be made: the system's random number source failed"),
            StatusCode::INTERNAL_SERVER_ERROR,
        );
    };
    let mut response = Redirect::to(&next).into_response();
    if let Ok(cookie) = HeaderValue::from_str(&session::cookie(&id, &headers)) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// POST `/sign-out`: the session ended, with its cross-site request token.
pub(super) async fn sign_out(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let pairs = query_pairs(Some(&String::from_utf8_lossy(&body)));
    let sent = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.clone());
    let Some(id) = session::session_id(&headers) else {
        return Redirect::to("/sign-in").into_response();
    };
    let shared = app.clone();
    let ended = app
        .blocking(move |db| {
            let visitor =
                shared
                    .sessions
                    .visitor(db, &shared.policy, &headers, crate::model::Role::Read)?;
            Ok(session::csrf_matches(&visitor, sent.as_deref()))
        })
        .await;
    if !matches!(ended, Ok(true)) {
        return html_response(
            StatusCode::FORBIDDEN,
            "<!doctype html><title>Refused</title><p>Refused: this form did not come from this site's page.</p>".into(),
        );
    }
    app.sessions.end(&id);
    let mut response = Redirect::to("/sign-in").into_response();
    if let Ok(cookie) = HeaderValue::from_str(&session::expired_cookie()) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_way_back_stays_on_this_site() {
        assert_eq!(way_back(Some("/claims/3")), "/claims/3");
        assert_eq!(way_back(Some("//evil.example/")), "/claims");
        assert_eq!(way_back(Some("https://evil.example/")), "/claims");
        assert_eq!(way_back(Some("/\\evil.example")), "/claims");
        assert_eq!(way_back(None), "/claims");
    }
}
