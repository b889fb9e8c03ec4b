//! The HTTP API, version 1: the one table of routes ([`ROUTES`]), which
//! the router serves and `/v1/openapi.json` describes, the middleware every
//! request passes, and the handlers of single records (`statements.rs`
//! holds `/v1/query`, `corpus.rs` the routes over a whole corpus).
//!
//! Every handler that touches the database runs on a blocking thread
//! ([`App::blocking`]) under the statement time limit, checks the caller's
//! role there (reading the tokens), and answers JSON. Rows and exports are
//! read whole first (an export into a temporary file) and only then sent,
//! at whatever pace the client reads: no read view is held while a slow
//! client drains its answer, so writers never wait for it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::Semaphore;

use super::auth::{authorize, Policy};
use super::corpus::{backup, check, export, extract, import, replace_source_text, verify};
use super::failure::{kind_of_status, Failure};
use super::metrics::Metrics;
use super::statements::query_statement;
use crate::db::Db;
use crate::error::{Error, ErrorKind};
use crate::model::Role;
use crate::query::{self, Params};

/// One route of the API.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// `GET`, `POST` or `DELETE`.
    pub method: &'static str,
    /// The path, with `{name}` for a part that varies.
    pub path: &'static str,
    /// The role a token needs (`None`: no token needed).
    pub role: Option<Role>,
    /// What it does.
    pub summary: &'static str,
}

/// Every route the server answers.
pub const ROUTES: &[Route] = &[
    Route { method: "GET", path: "/v1/health", role: None, summary: "Whether the server is up, its engine and version." },
    Route { method: "GET", path: "/v1/openapi.json", role: None, summary: "This API, described in OpenAPI 3." },
    Route { method: "GET", path: "/v1/metrics", role: Some(Role::Read), summary: "Requests, statuses and latencies, in Prometheus's text format." },
    Route { method: "POST", path: "/v1/query", role: Some(Role::Read), summary: "Run a statement of the query language with parameters ({\"statement\", \"params\"}), or several writes as one transaction ({\"statements\": [...]}, each a text or {\"statement\", \"params\"}). With `Accept: application/x-ndjson`, a claims query's rows come as JSON Lines. Writes need the write role; deleting sources, admin." },
    Route { method: "GET", path: "/v1/claims", role: Some(Role::Read), summary: "Claims: `where`, `order`, `limit`, `offset` as in the query language." },
    Route { method: "GET", path: "/v1/claims/{id}", role: Some(Role::Read), summary: "One claim, with its source's text around the quote." },
    Route { method: "GET", path: "/v1/sources", role: Some(Role::Read), summary: "Every source, with how many claims quote it." },
    Route { method: "GET", path: "/v1/sources/{id}", role: Some(Role::Read), summary: "One source's record and its text." },
    Route { method: "PUT", path: "/v1/sources/{id}/text", role: Some(Role::Write), summary: "Replace a source's text with the request body (UTF-8) and re-anchor its claims: each claim's status before and after." },
    Route { method: "GET", path: "/v1/speakers", role: Some(Role::Read), summary: "Every speaker, with their aliases and claims." },
    Route { method: "POST", path: "/v1/locate", role: Some(Role::Read), summary: "Check a quote against a stored source's text (or a text sent along), writing nothing: the verdict, the anchor, or the closest passage and what differs." },
    Route { method: "POST", path: "/v1/check", role: Some(Role::Read), summary: "Re-check stored claims (all, one `claim`, or a `source`'s) against their sources' texts, writing nothing." },
    Route { method: "POST", path: "/v1/import", role: Some(Role::Write), summary: "Import the request body (JSON Lines or CSV: `format`; a CSV `delimiter`, else detected; the report names it `name`), all or nothing unless `partial`; `dry_run` writes nothing (read role). The per-row report." },
    Route { method: "GET", path: "/v1/export", role: Some(Role::Read), summary: "Export in a `format` (dump, jsonl, csv, claimreview, annotation, text), the claims a `query` selects; `versions=true` adds each claim's version, modified_at and modified_by to jsonl and csv." },
    Route { method: "POST", path: "/v1/extract", role: Some(Role::Read), summary: "Propose the claims of a stored source's text (a transcript's turns whole, or with `by`: `sentence`, sentence by sentence); with `accept`, store them (write role)." },
    Route { method: "GET", path: "/v1/backup", role: Some(Role::Admin), summary: "A backup of the whole database (every stored entry, one consistent state), for `claimdb restore`." },
    Route { method: "POST", path: "/v1/verify", role: Some(Role::Admin), summary: "Check the database's integrity; with `repair`, rebuild what can be derived first." },
    Route { method: "GET", path: "/v1/tokens", role: Some(Role::Admin), summary: "Every token's name, role and date (never a secret)." },
    Route { method: "POST", path: "/v1/tokens", role: Some(Role::Admin), summary: "Make a token ({\"name\", \"role\"}); its secret is in the answer, once." },
    Route { method: "DELETE", path: "/v1/tokens/{name}", role: Some(Role::Admin), summary: "Revoke a token." },
];

/// A JSON request body, whatever its `Content-Type` says (`curl -d`
/// sends form encoding): an empty body reads as `{}`; a malformed one is a
/// JSON refusal that says where.
pub(crate) struct JsonBody<T>(pub(crate) T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for JsonBody<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        serde_json::from_slice(bytes).map(JsonBody).map_err(|e| {
            Failure::invalid(format!(
                "the request body is not what this route takes: {e} (line {}, column {})",
                e.line(),
                e.column()
            ))
            .into_response()
        })
    }
}

/// What every handler shares.
pub(crate) struct App {
    pub(crate) db: Arc<Db>,
    pub(crate) policy: Policy,
    pub(crate) time_limit: Option<Duration>,
    pub(crate) metrics: Metrics,
    /// One permit per request the server runs at once.
    pub(crate) busy: Arc<Semaphore>,
    pub(crate) next_request: AtomicU64,
    /// The largest request body taken.
    pub(crate) max_body_bytes: usize,
    /// The web pages' signed-in browsers.
    pub(crate) sessions: super::web::Sessions,
}

impl App {
    /// Runs `f` over the database on a blocking thread, under the
    /// statement time limit. A panic in it is a 500, not a dead server.
    pub(crate) async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&Db) -> Result<T, Failure> + Send + 'static,
    ) -> Result<T, Failure> {
        let app = self.clone();
        tokio::task::spawn_blocking(move || query::with_time_limit(app.time_limit, || f(&app.db)))
            .await
            .map_err(|e| Failure::internal(format!("the request's worker failed: {e}")))?
    }

    pub(super) fn authorize(
        &self,
        db: &Db,
        headers: &HeaderMap,
        needed: Role,
    ) -> Result<(), Failure> {
        authorize(db, &self.policy, headers, needed).map(drop)
    }

    /// Who the request's writes are recorded as: the token's name, the
    /// statement, and the reason the client gave (`X-Claimdb-Because`).
    pub(super) fn authorship(
        &self,
        db: &Db,
        headers: &HeaderMap,
        needed: Role,
        statement: &str,
    ) -> Result<crate::model::Authorship, Failure> {
        let caller = authorize(db, &self.policy, headers, needed)?;
        let reason = headers
            .get("x-claimdb-because")
            .and_then(|v| v.to_str().ok())
            // Sent percent-encoded, so that any words fit in a header.
            .map(|v| super::web::decode(v.trim()))
            .filter(|v| !v.is_empty());
        Ok(crate::model::Authorship {
            author: caller.name,
            statement: statement.trim().to_string(),
            reason,
        })
    }
}

/// The router over `app`: every route of [`ROUTES`], under the layer that
/// counts, limits and logs each request.
pub(crate) fn router(app: Arc<App>, max_body_bytes: usize) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/openapi.json", get(openapi))
        .route("/v1/metrics", get(metrics))
        .route("/v1/query", post(query_statement))
        .route("/v1/claims", get(claims))
        .route("/v1/claims/{id}", get(claim))
        .route("/v1/sources", get(sources))
        .route("/v1/sources/{id}", get(source))
        .route(
            "/v1/sources/{id}/text",
            axum::routing::put(replace_source_text),
        )
        .route("/v1/speakers", get(speakers))
        .route("/v1/locate", post(locate))
        .route("/v1/check", post(check))
        .route("/v1/import", post(import))
        .route("/v1/export", get(export))
        .route("/v1/extract", post(extract))
        .route("/v1/backup", get(backup))
        .route("/v1/verify", post(verify))
        .route("/v1/tokens", get(tokens).post(create_token))
        .route("/v1/tokens/{name}", axum::routing::delete(revoke_token))
        .merge(super::web::router())
        .fallback(|| async {
            Failure::new(
                StatusCode::NOT_FOUND,
                ErrorKind::NotFound,
                "no such route: see /v1/openapi.json",
            )
        })
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(middleware::from_fn_with_state(app.clone(), every_request))
        .with_state(app)
}

const TOO_LARGE: &str = "the request body is larger than the server takes (see --max-body-mib)";

/// Around every request: an id, the concurrency limit (429 beyond it),
/// refusals made before a handler ran turned into JSON, a log line and
/// the metrics.
async fn every_request(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let id = app.next_request.fetch_add(1, Ordering::Relaxed) + 1;
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let path = request.uri().path().to_string();
    // A body declared too large is refused before a byte of it is read: a
    // client that waits for `100 Continue` (curl does, for large bodies)
    // gets the refusal instead of a connection reset mid-upload.
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let too_large = declared.is_some_and(|n| n > app.max_body_bytes as u64);
    let mut response = match app.busy.clone().try_acquire_owned() {
        _ if too_large => Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::TooLarge,
            TOO_LARGE,
        )
        .into_response(),
        Ok(permit) => {
            let response = next.run(request).await;
            drop(permit);
            json_refusal(response).await
        }
        Err(_) => Failure::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::TooManyRequests,
            "the server is running as many requests as it takes: retry shortly",
        )
        .into_response(),
    };
    let status = response.status();
    if let Ok(value) = HeaderValue::from_str(&id.to_string()) {
        response.headers_mut().insert("x-request-id", value);
    }
    let took = started.elapsed();
    app.metrics.record(&route, status.as_u16(), took);
    tracing::info!(
        request = id,
        %method,
        path = %path,
        status = status.as_u16(),
        ms = took.as_secs_f64() * 1e3,
        "request"
    );
    response
}

/// A refusal some layer made in plain text (a body too large, a malformed
/// JSON body, an unknown method), as the JSON error every other refusal is.
async fn json_refusal(response: Response) -> Response {
    let status = response.status();
    // A page's refusal is a page, already said in HTML.
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| {
            v.as_bytes().starts_with(b"application/json") || v.as_bytes().starts_with(b"text/html")
        });
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let body = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&body).trim().to_string();
    let message = match (status, text.is_empty()) {
        (StatusCode::PAYLOAD_TOO_LARGE, _) => TOO_LARGE.to_string(),
        (StatusCode::METHOD_NOT_ALLOWED, _) => "this route does not take that method".to_string(),
        (_, true) => status.canonical_reason().unwrap_or("refused").to_string(),
        (_, false) => text,
    };
    Failure::new(status, kind_of_status(status), message).into_response()
}

async fn health(State(app): State<Arc<App>>) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "engine": app.db.engine_name(),
        "version": env!("CARGO_PKG_VERSION"),
    }))
}

async fn openapi() -> Json<Value> {
    Json(super::openapi::openapi())
}

async fn metrics(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, Failure> {
    let check = app.clone();
    app.blocking(move |db| check.authorize(db, &headers, Role::Read))
        .await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(),
    )
        .into_response())
}

/// routes.
/// Runs a read statement built from a request's parts, for the resource
/// routes.
async fn read(app: Arc<App>, headers: HeaderMap, text: String) -> Result<Response, Failure> {
    let check = app.clone();
    let output = app
        .blocking(move |db| {
            check.authorize(db, &headers, Role::Read)?;
            let statement = query::prepare(&text, &Params::new()).map_err(Error::Query)?;
            if statement.is_write() {
                return Err(Failure::invalid("not a read"));
            }
            Ok(db.execute(&statement)?)
        })
        .await?;
    Ok(Json(json!({ "output": output.0, "notes": output.1.notes })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimsParams {
    #[serde(rename = "where")]
    condition: Option<String>,
    order: Option<String>,
    limit: Option<u64>,
    offset: Option<u64>,
}

async fn claims(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(p): Query<ClaimsParams>,
) -> Result<Response, Failure> {
    let mut text = "claims".to_string();
    if let Some(c) = p.condition.filter(|c| !c.trim().is_empty()) {
        text.push_str(&format!(" where {c}"));
    }
    if let Some(o) = p.order.filter(|o| !o.trim().is_empty()) {
        text.push_str(&format!(" order by {o}"));
    }
    match (p.limit, p.offset) {
        (Some(l), Some(o)) => text.push_str(&format!(" limit {l} offset {o}")),
        (Some(l), None) => text.push_str(&format!(" limit {l}")),
        (None, Some(o)) => text.push_str(&format!(" limit {} offset {o}", u64::MAX >> 12)),
        (None, None) => {}
    }
    read(app, headers, text).await
}

async fn claim(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let id: u64 = id
        .parse()
        .map_err(|_| Failure::invalid(format!("a claim id is a whole number, not {id:?}")))?;
    read(app, headers, format!("show claim {id}")).await
}

async fn sources(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, Failure> {
    read(app, headers, "sources".into()).await
}

async fn speakers(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, Failure> {
    read(app, headers, "speakers".into()).await
}

async fn source(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, Failure> {
    let check = app.clone();
    app.blocking(move |db| {
        check.authorize(db, &headers, Role::Read)?;
        let record = db
            .source(&id)?
            .ok_or_else(|| Error::not_found("source", id.clone()))?;
        Ok(Json(
            json!({ "source": record, "text": db.source_text(&id)? }),
        ))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocateRequest {
    quote: String,
    source: Option<String>,
    text: Option<String>,
    prefix: Option<String>,
    suffix: Option<String>,
    position: Option<usize>,
}

async fn locate(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    JsonBody(r): JsonBody<LocateRequest>,
) -> Result<Json<Value>, Failure> {
    let check = app.clone();
    app.blocking(move |db| {
        check.authorize(db, &headers, Role::Read)?;
        let text = match (r.source, r.text) {
            (Some(id), None) => db.source_text(&id)?.ok_or_else(|| {
                Error::invalid(
                    "source",
                    format!("{} holds no text", crate::error::quoted(&id)),
                )
            })?,
            (None, Some(text)) => text,
            _ => {
                return Err(Failure::invalid(
                    "send a stored `source` id or a `text`, one of them",
                ))
            }
        };
        let hint = crate::cite::Hint::from_parts(r.prefix, r.suffix, r.position);
        let folded = crate::cite::normalize_source(&text);
        let citation = crate::cite::locate_with(&text, &folded, &r.quote, hint.as_ref());
        Ok(Json(serde_json::to_value(citation).unwrap_or(Value::Null)))
    })
    .await
}

async fn tokens(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Json<Value>, Failure> {
    let check = app.clone();
    app.blocking(move |db| {
        check.authorize(db, &headers, Role::Admin)?;
        let tokens: Vec<Value> = db
            .tokens()?
            .into_iter()
            .map(|t| json!({ "name": t.name, "role": t.role, "created": t.created }))
            .collect();
        Ok(Json(Value::Array(tokens)))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    name: String,
    role: Role,
}

async fn create_token(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    JsonBody(r): JsonBody<TokenRequest>,
) -> Result<Response, Failure> {
    let check = app.clone();
    let made = app
        .blocking(move |db| {
            check.authorize(db, &headers, Role::Admin)?;
            let secret = db.create_token(&r.name, r.role)?;
            Ok(json!({ "name": r.name.trim(), "role": r.role, "secret": secret }))
        })
        .await?;
    Ok((StatusCode::CREATED, Json(made)).into_response())
}

async fn revoke_token(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Json<Value>, Failure> {
    let check = app.clone();
    app.blocking(move |db| {
        check.authorize(db, &headers, Role::Admin)?;
        db.revoke_token(&name)?;
        Ok(Json(json!({ "revoked": name })))
    })
    .await
}
