//! The web pages `claimdb serve` shows at `/`, for the people who check
//! quotes in their context and have no terminal: the claims (filtered,
//! sorted, paged, with the state in the URL), a claim with its quote
//! highlighted in the source's passage, a source with every claim's
//! passage highlighted, a speaker, and a query box that runs the language.
//!
//! The life of a page: the handler reads who is asking on a blocking
//! thread (`session.rs`: the session cookie, else the API's own rules),
//! renders the page there from the same [`crate::Db`] calls the API makes,
//! and answers HTML written by hand and escaped at one door (`html.rs`),
//! with a strict Content-Security-Policy: no script but claimdb's own, no
//! style but its one stylesheet, nothing fetched from anywhere else.
//! Pages are server-rendered and read without JavaScript.

mod forms;
mod html;
mod import_page;
mod lists;
mod pages;
mod session;
mod sign_in;
mod source_page;

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::failure::Failure;
use super::routes::App;
use crate::db::Db;
use crate::model::Role;

pub(crate) use session::Sessions;

use html::Viewer;
use session::Visitor;

/// The stylesheet, light and dark, served by claimdb itself.
const STYLESHEET: &str = include_str!("app.css");

/// The one script: the live check on the form that adds a claim.
const SCRIPT: &str = include_str!("app.js");

/// The pages' routes.
pub(crate) fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/claims") }))
        .route("/assets/app.css", get(stylesheet))
        .route("/assets/app.js", get(script))
        .route("/claims", get(claims))
        .route("/claims/new", get(forms::new_form).post(forms::create))
        .route("/claims/{id}", get(claim))
        .route(
            "/claims/{id}/edit",
            get(forms::edit_form).post(forms::update),
        )
        .route(
            "/claims/{id}/delete",
            get(forms::delete_form).post(forms::delete),
        )
        .route("/check-quote", get(forms::check_quote))
        .route("/sources", get(sources))
        .route("/sources/{id}", get(source))
        .route("/speakers", get(speakers))
        .route("/speakers/{name}", get(speaker))
        .route("/query", get(query))
        .route("/export", get(export))
        .route("/import", get(import_page::form).post(import_page::import))
        .route("/sign-in", get(sign_in::form).post(sign_in::sign_in))
        .route("/sign-out", post(sign_in::sign_out))
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        SCRIPT,
    )
        .into_response()
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        STYLESHEET,
    )
        .into_response()
}

/// Renders a page that needs `needed` on a blocking thread: who is asking
/// first (a visitor who must sign in is sent to the sign-in page, with
/// the way back), then `render` over the database. A refusal is a page
/// that says what went wrong, worded as the CLI words it.
async fn render<F>(app: Arc<App>, headers: HeaderMap, uri: Uri, needed: Role, render: F) -> Response
where
    F: FnOnce(&Db, &Visitor) -> Result<Response, Failure> + Send + 'static,
{
    let shared = app.clone();
    let uri_path = uri.path().to_string();
    let result = app
        .blocking(move |db| {
            let visitor = match shared
                .sessions
                .visitor(db, &shared.policy, &headers, needed)
            {
                Ok(visitor) => visitor,
                Err(e) => return Ok(Err((e, None))),
            };
            let signed_in_as = visitor.signed_in_as().map(str::to_string);
            let csrf = visitor.csrf().map(str::to_string);
            // What a page writes is recorded as its visitor's.
            let who = crate::model::Authorship {
                author: visitor.caller.name.clone(),
                statement: format!("the web page {}", uri_path),
                reason: None,
            };
            let rendered = crate::db::with_authorship(who, || render(db, &visitor));
            Ok(rendered.map_err(|e| (e, Some((signed_in_as, csrf)))))
        })
        .await;
    match result {
        Ok(Ok(response)) => response,
        Ok(Err((failure, viewer))) => refusal(&uri, failure, viewer),
        Err(failure) => refusal(&uri, failure, None),
    }
}

/// A refused page: the sign-in page for someone who has not signed in,
/// else the refusal's message.
fn refusal(
    uri: &Uri,
    failure: Failure,
    viewer: Option<(Option<String>, Option<String>)>,
) -> Response {
    if failure.status == StatusCode::UNAUTHORIZED && viewer.is_none() {
        let next = uri.path_and_query().map_or("/claims", |p| p.as_str());
        return Redirect::to(&format!("/sign-in?next={}", html::url_part(next))).into_response();
    }
    let (name, csrf) = viewer.unwrap_or_default();
    let viewer = Viewer {
        name: name.as_deref(),
        csrf: csrf.as_deref(),
    };
    let mut message = failure.report.message.clone();
    if let Some(hint) = &failure.report.hint {
        message.push_str(&format!(" ({hint})"));
    }
    html::error_page(failure.status, &viewer, &message)
}

/// The parts of a query string, decoded.
fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|q| {
        q.split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(k), decode(v))
            })
            .collect()
    })
    .unwrap_or_default()
}

/// A percent-encoded form value (`+` is a space), lossily as UTF-8.
pub(crate) fn decode(part: &str) -> String {
    let bytes = part.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| Some(hex(*bytes.get(i + 1)?)? * 16 + hex(*bytes.get(i + 2)?)?))
            .flatten();
        match (bytes[i], escaped) {
            (_, Some(b)) => {
                out.push(b as u8);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (b, None) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn claims(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(q): RawQuery,
) -> Response {
    let pairs = query_pairs(q.as_deref());
    render(app, headers, uri, Role::Read, move |db, v| {
        lists::claims(db, v, &pairs)
    })
    .await
}

async fn claim(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    render(app, headers, uri, Role::Read, move |db, v| {
        pages::claim(db, v, &id)
    })
    .await
}

async fn sources(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    render(app, headers, uri, Role::Read, lists::sources).await
}

async fn source(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    render(app, headers, uri, Role::Read, move |db, v| {
        source_page::source(db, v, &id)
    })
    .await
}

async fn speakers(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    render(app, headers, uri, Role::Read, lists::speakers).await
}

async fn speaker(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    Path(name): Path<String>,
) -> Response {
    render(app, headers, uri, Role::Read, move |db, v| {
        pages::speaker(db, v, &name)
    })
    .await
}

async fn query(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(q): RawQuery,
) -> Response {
    let pairs = query_pairs(q.as_deref());
    render(app, headers, uri, Role::Read, move |db, v| {
        lists::query(db, v, &pairs)
    })
    .await
}

/// `/export`: the API's export, for a signed-in browser.
async fn export(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    params: axum::extract::Query<super::corpus::ExportParams>,
) -> Response {
    let headers = app.sessions.bearer(&headers);
    match super::corpus::export(State(app), headers, params).await {
        Ok(response) => response,
        Err(failure) => refusal(&uri, failure, None),
    }
}

/// The navigation's view of a visitor.
fn viewer(v: &Visitor) -> Viewer<'_> {
    Viewer {
        name: v.signed_in_as(),
        csrf: v.csrf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_decode() {
        assert_eq!(decode("Geoff+White%2C%20Jr"), "Geoff White, Jr");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz"), "%zz");
        assert_eq!(
            query_pairs(Some("speaker=Thae&min=0.8&&tag")),
            vec![
                ("speaker".to_string(), "Thae".to_string()),
                ("min".to_string(), "0.8".to_string()),
                ("tag".to_string(), String::new())
            ]
        );
    }
}
