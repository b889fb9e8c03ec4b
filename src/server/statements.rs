//! `POST /v1/query`: one statement with its parameters, or several writes
//! as one transaction (each a text, or a text with its parameters).
//!
//! A statement is parsed here before it runs, so the caller's role is
//! checked against what it does, and statements a request cannot hold
//! (`begin`, `commit`, `.open`-like ones) are refused with a reason.

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::auth::role_for;
use super::failure::Failure;
use super::routes::{App, JsonBody};
use crate::db::Session;
use crate::error::Error;
use crate::query::{self, ClaimRow, Literal, Params, Statement};

/// `POST /v1/query`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct QueryRequest {
    /// One statement.
    statement: Option<String>,
    /// Its parameters: `{"1": "White", "min": 0.8}`.
    #[serde(default)]
    params: Map<String, Value>,
    /// Several write statements, run as one transaction: each a text, or
    /// `{"statement", "params"}`.
    statements: Option<Vec<TxStatement>>,
    /// Let `update claims` and `delete claims` run without `where`.
    #[serde(default)]
    force: bool,
}

/// The parameters of a request, as the language binds them.
/// One statement of a transaction: its text, with parameters or without.
#[derive(Deserialize)]
#[serde(untagged)]
enum TxStatement {
    Text(String),
    WithParams {
        statement: String,
        #[serde(default)]
        params: Map<String, Value>,
    },
}

fn params_of(map: Map<String, Value>) -> Result<Params, Failure> {
    let mut params = Params::new();
    for (name, value) in map {
        let literal = literal_of(&value).ok_or_else(|| {
            Failure::invalid(format!(
                "parameter {name}: a value is a string, a number or a list of them"
            ))
        })?;
        params = params.bind(name.trim_start_matches('$'), literal);
    }
    Ok(params)
}

fn literal_of(value: &Value) -> Option<Literal> {
    Some(match value {
        Value::String(s) => Literal::Str(s.clone()),
        Value::Number(n) => Literal::Num(n.as_f64()?),
        Value::Array(items) => Literal::List(items.iter().map(literal_of).collect::<Option<_>>()?),
        _ => return None,
    })
}

/// What a server does not run whatever the role: transaction statements
/// (a request is its own transaction) and `text_file` (a server reads no
/// file a client names).
fn refuse_on_a_server(statement: &Statement) -> Result<(), Failure> {
    match statement {
        Statement::Begin | Statement::Commit | Statement::Rollback => Err(Failure::invalid(
            "a request is its own transaction: send the writes together as {\"statements\": [...]}",
        )),
        Statement::AddSource { id, fields } => {
            let values = query::source_values(fields, id.span).map_err(Error::Query)?;
            match values.text_file {
                Some(path) => Err(Failure::invalid(format!(
                    "text_file {}: the server reads no file a client names; send the text inline (text = \"...\")",
                    crate::error::quoted(&path.node)
                ))),
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// Whether the client asked for JSON Lines.
fn wants_ndjson(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/x-ndjson") || v.contains("application/jsonl"))
}

/// What a statement gave: an output, or rows read whole to send as lines.
enum Answer {
    Output(query::Output, Vec<String>),
    Rows(Vec<ClaimRow>, Vec<String>),
}

pub(super) async fn query_statement(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<QueryRequest>,
) -> Result<Response, Failure> {
    let ndjson = wants_ndjson(&headers);
    let check = app.clone();
    if let Some(statements) = request.statements {
        if request.statement.is_some() {
            return Err(Failure::invalid(
                "send `statement` or `statements`, not both",
            ));
        }
        let output = app
            .blocking(move |db| {
                // The token's name on every version the transaction records.
                let who =
                    check.authorship(db, &headers, crate::model::Role::Read, "a transaction")?;
                crate::db::with_authorship(who, || -> Result<_, Failure> {
                    let mut session = Session::new();
                    session.force(request.force);
                    session.execute(db, "begin")?;
                    for (n, sent) in statements.into_iter().enumerate() {
                        let at = |mut f: Failure| {
                            f.report.message = format!("statement {}: {}", n + 1, f.report.message);
                            f
                        };
                        let (text, params) = match sent {
                            TxStatement::Text(text) => (text, Params::new()),
                            TxStatement::WithParams { statement, params } => {
                                (statement, params_of(params).map_err(at)?)
                            }
                        };
                        let statement = query::prepare(&text, &params)
                            .map_err(|e| at(Failure::from(Error::Query(e))))?;
                        check.authorize(db, &headers, role_for(&statement))?;
                        refuse_on_a_server(&statement).map_err(at)?;
                        if !statement.is_write() {
                            return Err(at(Failure::invalid(
                                "a transaction holds writes; run reads on their own",
                            )));
                        }
                        session
                            .execute_with(db, &text, &params)
                            .map_err(|e| at(Failure::from(e)))?;
                    }
                    Ok(session.execute(db, "commit")?)
                })
            })
            .await?;
        return Ok(Json(json!({ "output": output, "notes": [] })).into_response());
    }
    let Some(text) = request.statement else {
        return Err(Failure::invalid("send a `statement` (or `statements`)"));
    };
    let answer = app
        .blocking(move |db| {
            let params = params_of(request.params)?;
            let statement = query::prepare(&text, &params).map_err(Error::Query)?;
            let who = check.authorship(db, &headers, role_for(&statement), &text)?;
            refuse_on_a_server(&statement)?;
            if ndjson && !statement.is_write() {
                let mut rows = Vec::new();
                // Read whole under the view, which is dropped before a
                // byte is sent.
                let (output, stats) =
                    query::execute_streaming(&*db.view()?, &statement, &mut |row| {
                        rows.push(row);
                        Ok(())
                    })?;
                return Ok(match output {
                    Some(output) => Answer::Output(output, stats.notes),
                    None => Answer::Rows(rows, stats.notes),
                });
            }
            let (output, stats) =
                crate::db::with_authorship(who, || db.execute_forced(&statement, request.force))?;
            Ok(Answer::Output(output, stats.notes))
        })
        .await?;
    Ok(match answer {
        Answer::Output(output, notes) => {
            Json(json!({ "output": output, "notes": notes })).into_response()
        }
        Answer::Rows(rows, notes) => {
            let lines = rows.into_iter().map(|row| {
                let mut line = serde_json::to_vec(&row).unwrap_or_default();
                line.push(b'\n');
                Ok::<_, Infallible>(Bytes::from(line))
            });
            let mut response = Response::new(Body::from_stream(futures_util::stream::iter(lines)));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-ndjson"),
            );
            if let Ok(value) =
                HeaderValue::from_str(&serde_json::to_string(&notes).unwrap_or_default())
            {
                response.headers_mut().insert("x-claimdb-notes", value);
            }
            response
        }
    })
}
