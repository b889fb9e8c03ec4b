//! A client of `claimdb serve`: the same calls as the library, over HTTP.
//!
//! [`Client`] speaks the server's JSON API (`/v1/...`) and gives back the
//! library's own types: an [`Output`], an [`crate::query::Outcome`] inside it, and on a
//! refusal the same [`Error`] a local call gives (a query error with its
//! span, so the CLI draws the caret; a misquote with the checker's
//! report), so that a program, and every `claimdb` command run with
//! `--server`, cannot tell a server from a local database but by speed.
//! [`RemoteSession`] (`session.rs`) holds `begin … commit` on the client
//! side and sends the writes as one transaction.

mod session;

use std::io::{BufRead, BufReader, Read, Write};
use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::error::{Error, ErrorKind, ErrorReport, QueryError, Result};
use crate::query::{ClaimRow, Literal, Output, Params};

pub use session::RemoteSession;

/// A connection to a claimdb server.
#[derive(Clone)]
pub struct Client {
    /// `http://127.0.0.1:7878`, without a trailing slash.
    base: String,
    token: Option<String>,
    agent: ureq::Agent,
    /// Let `update claims` and `delete claims` run without `where`.
    force: bool,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// A request that failed before the server answered it.
fn unreachable_server(base: &str, e: ureq::Error) -> Error {
    Error::Io {
        path: base.into(),
        source: std::io::Error::other(format!("the server did not answer: {e}")),
    }
}

impl Client {
    /// A client of the server at `url` (`http://HOST:PORT`), sending
    /// `token` with every request when given.
    pub fn new(url: &str, token: Option<String>) -> Result<Client> {
        let base = url.trim().trim_end_matches('/').to_string();
        if !base.starts_with("http://") {
            return Err(Error::invalid(
                "server address",
                format!("{base:?}: give it as http://HOST:PORT (TLS belongs to a proxy in front of the server, and this client speaks plain HTTP to it)"),
            ));
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .build();
        Ok(Client {
            base,
            token: token.filter(|t| !t.trim().is_empty()),
            agent: config.into(),
            force: false,
        })
    }

    /// The server's address.
    pub fn url(&self) -> &str {
        &self.base
    }

    fn with_token<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        // Why this run writes (`--because`), recorded on its versions; the
        // server records the token's name as who.
        let request = match crate::db::default_reason() {
            Some(reason) => request.header(
                "X-Claimdb-Because",
                &percent_encoding::utf8_percent_encode(&reason, percent_encoding::NON_ALPHANUMERIC)
                    .to_string(),
            ),
            None => request,
        };
        match &self.token {
            Some(t) => request.header("Authorization", &format!("Bearer {}", t.trim())),
            None => request,
        }
    }

    fn post(&self, path: &str) -> ureq::RequestBuilder<ureq::typestate::WithBody> {
        self.with_token(self.agent.post(&format!("{}{path}", self.base)))
    }

    fn get(&self, path: &str) -> ureq::RequestBuilder<ureq::typestate::WithoutBody> {
        self.with_token(self.agent.get(&format!("{}{path}", self.base)))
    }

    /// The answer's body as JSON, or its refusal as the library's error.
    fn answer(
        &self,
        sent: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Value> {
        let mut response = sent.map_err(|e| unreachable_server(&self.base, e))?;
        let status = response.status();
        let reader = response.body_mut().with_config().limit(u64::MAX).reader();
        let value: Value =
            serde_json::from_reader(BufReader::new(reader)).map_err(|e| Error::Io {
                path: self.base.clone().into(),
                source: std::io::Error::other(format!(
                    "the server's answer ({status}) is not JSON: {e}"
                )),
            })?;
        if status.is_success() {
            Ok(value)
        } else {
            Err(error_of(value))
        }
    }

    /// Runs one statement with `params`; the output, and the notes for a
    /// person (a speaker no one is called).
    pub fn query(&self, statement: &str, params: &Params) -> Result<(Output, Vec<String>)> {
        let body =
            json!({ "statement": statement, "params": params_json(params), "force": self.force });
        let answer = self.answer(self.post("/v1/query").send_json(body))?;
        output_of(answer)
    }

    /// Runs one statement; the rows of a claims query go to `each` as they
    /// arrive (JSON Lines), and the output is `None`; any other statement's
    /// output comes back whole.
    pub fn query_rows(
        &self,
        statement: &str,
        params: &Params,
        each: &mut dyn FnMut(ClaimRow) -> Result<()>,
    ) -> Result<(Option<Output>, Vec<String>)> {
        let body =
            json!({ "statement": statement, "params": params_json(params), "force": self.force });
        let mut response = self
            .post("/v1/query")
            .header("Accept", "application/x-ndjson")
            .send_json(body)
            .map_err(|e| unreachable_server(&self.base, e))?;
        let lines = response
            .headers()
            .get("content-type")
            .is_some_and(|v| v.as_bytes().starts_with(b"application/x-ndjson"));
        if !lines || !response.status().is_success() {
            let (output, notes) = output_of(self.answer(Ok(response))?)?;
            return Ok((Some(output), notes));
        }
        let notes: Vec<String> = response
            .headers()
            .get("x-claimdb-notes")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| serde_json::from_str(v).ok())
            .unwrap_or_default();
        let reader = BufReader::new(response.body_mut().with_config().limit(u64::MAX).reader());
        for line in reader.lines() {
            let line = line.map_err(|e| Error::Io {
                path: self.base.clone().into(),
                source: e,
            })?;
            if line.trim().is_empty() {
                continue;
            }
            let row: ClaimRow =
                serde_json::from_str(&line).map_err(|e| bad_answer(&self.base, e))?;
            each(row)?;
        }
        Ok((None, notes))
    }

    /// Runs write statements as one transaction, all or nothing.
    pub fn transaction(&self, statements: &[(String, Params)]) -> Result<Output> {
        let statements: Vec<Value> = statements
            .iter()
            .map(|(text, params)| json!({ "statement": text, "params": params_json(params) }))
            .collect();
        let answer = self.answer(
            self.post("/v1/query")
                .send_json(json!({ "statements": statements })),
        )?;
        output_of(answer).map(|(output, _)| output)
    }

    /// Imports `body` (JSON Lines or CSV), which the report calls `name`;
    /// the server's per-row report.
    pub fn import(
        &self,
        name: &str,
        body: &[u8],
        format: &str,
        delimiter: Option<u8>,
        partial: bool,
        dry_run: bool,
    ) -> Result<Value> {
        let mut request = self
            .post("/v1/import")
            .query("name", name)
            .query("format", format)
            .query("partial", if partial { "true" } else { "false" })
            .query("dry_run", if dry_run { "true" } else { "false" });
        if let Some(d) = delimiter {
            let shown = if d == b'\t' {
                "tab".to_string()
            } else {
                char::from(d).to_string()
            };
            request = request.query("delimiter", &shown);
        }
        self.answer(request.send(body))
    }

    /// Writes an export in `format` (the claims `query` selects) to `out`.
    /// The review's date is the server's day.
    pub fn export(
        &self,
        options: &crate::export::ExportOptions,
        out: &mut dyn Write,
    ) -> Result<()> {
        let mut request = self
            .get("/v1/export")
            .query("format", options.format.as_str());
        for (name, value) in [
            ("query", options.query.as_deref()),
            ("organization", options.review.organization.as_deref()),
            ("url_base", options.review.url_base.as_deref()),
            ("versions", options.versions.then_some("true")),
        ] {
            if let Some(value) = value {
                request = request.query(name, value);
            }
        }
        self.download(request, out)
    }

    /// A backup of the database the server holds (admin role), written to
    /// `out` as it comes.
    pub fn backup(&self, out: &mut dyn Write) -> Result<()> {
        self.download(self.get("/v1/backup"), out)
    }

    /// Sends `request` and copies the body of its answer to `out`.
    fn download(
        &self,
        request: ureq::RequestBuilder<ureq::typestate::WithoutBody>,
        out: &mut dyn Write,
    ) -> Result<()> {
        let mut response = request
            .call()
            .map_err(|e| unreachable_server(&self.base, e))?;
        if !response.status().is_success() {
            return self.answer(Ok(response)).map(drop);
        }
        let mut reader = response.body_mut().with_config().limit(u64::MAX).reader();
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let n = reader.read(&mut buffer).map_err(|e| Error::Io {
                path: self.base.clone().into(),
                source: e,
            })?;
            if n == 0 {
                return Ok(());
            }
            out.write_all(&buffer[..n]).map_err(|e| Error::Io {
                path: "<output>".into(),
                source: e,
            })?;
        }
    }

    /// Re-checks stored claims: all, one `claim`, or a `source`'s.
    pub fn check(&self, claim: Option<u64>, source: Option<&str>) -> Result<Value> {
        self.answer(
            self.post("/v1/check")
                .send_json(json!({ "claim": claim, "source": source })),
        )
    }

    /// Checks a quote against a stored source's text, writing nothing.
    pub fn locate(&self, source: &str, quote: &str) -> Result<Value> {
        self.answer(
            self.post("/v1/locate")
                .send_json(json!({ "source": source, "quote": quote })),
        )
    }

    /// Proposes (and with `accept`, stores) the claims of a source's text.
    pub fn extract(&self, source: &str, accept: bool, min_confidence: f64) -> Result<Value> {
        self.extract_with(
            source,
            accept,
            min_confidence,
            crate::attrib::Turns::Whole,
            false,
        )
    }

    /// [`Client::extract`], with a transcript's turns proposed as `by`
    /// says, and (accepting) speakers not stored yet added when
    /// `new_speakers`.
    pub fn extract_with(
        &self,
        source: &str,
        accept: bool,
        min_confidence: f64,
        by: crate::attrib::Turns,
        new_speakers: bool,
    ) -> Result<Value> {
        self.answer(self.post("/v1/extract").send_json(json!({
            "source": source, "accept": accept, "min_confidence": min_confidence, "by": by,
            "new_speakers": new_speakers
        })))
    }

    /// The integrity check (and with `repair`, the repair first).
    pub fn verify(&self, repair: bool) -> Result<Value> {
        self.answer(
            self.post("/v1/verify")
                .send_json(json!({ "repair": repair })),
        )
    }

    /// Makes a token; its secret is in the answer.
    pub fn create_token(&self, name: &str, role: crate::model::Role) -> Result<Value> {
        self.answer(
            self.post("/v1/tokens")
                .send_json(json!({ "name": name, "role": role })),
        )
    }

    /// The server's tokens (never their secrets).
    pub fn tokens(&self) -> Result<Value> {
        self.answer(self.get("/v1/tokens").call())
    }

    /// Replaces a source's text and re-anchors its claims: each claim's
    /// re-check.
    pub fn replace_source_text(&self, id: &str, text: &str) -> Result<Value> {
        let request = self.with_token(self.agent.put(&format!(
            "{}/v1/sources/{}/text",
            self.base,
            path_segment(id)
        )));
        self.answer(request.content_type("text/plain; charset=utf-8").send(text))
    }

    /// Revokes a token.
    pub fn revoke_token(&self, name: &str) -> Result<Value> {
        let request = self.with_token(self.agent.delete(&format!(
            "{}/v1/tokens/{}",
            self.base,
            path_segment(name)
        )));
        self.answer(request.call())
    }

    /// Whether the server is up, its engine and version.
    pub fn health(&self) -> Result<Value> {
        self.answer(self.get("/v1/health").call())
    }
}

fn bad_answer(base: &str, e: serde_json::Error) -> Error {
    Error::Io {
        path: base.into(),
        source: std::io::Error::other(format!(
            "the server's answer is not what this claimdb reads: {e}"
        )),
    }
}

/// `{"output": ..., "notes": [...]}` as the output and its notes.
fn output_of(mut answer: Value) -> Result<(Output, Vec<String>)> {
    let notes = serde_json::from_value(answer["notes"].take()).unwrap_or_default();
    let output =
        serde_json::from_value(answer["output"].take()).map_err(|e| bad_answer("the server", e))?;
    Ok((output, notes))
}

/// A refusal's JSON as the error a local call would give.
pub fn error_of(value: Value) -> Error {
    let report: ErrorReport = match serde_json::from_value(value.clone()) {
        Ok(r) => r,
        Err(_) => {
            return Error::Remote(Box::new(ErrorReport {
                kind: ErrorKind::Other,
                query_kind: None,
                storage_kind: None,
                message: value.to_string(),
                span: None,
                hint: None,
                citation: None,
                existing: None,
            }))
        }
    };
    match (
        report.kind,
        report.span,
        report.query_kind,
        &report.citation,
    ) {
        (ErrorKind::Query, Some(span), Some(kind), _) => {
            Error::Query(QueryError::new(report.message, span).with_kind(kind))
        }
        (ErrorKind::Citation, _, _, Some(citation)) => Error::Citation(Box::new(citation.clone())),
        (ErrorKind::DuplicateClaim, _, _, _) if report.existing.is_some() => {
            Error::DuplicateClaim {
                existing: report.existing.unwrap_or_default(),
            }
        }
        _ => Error::Remote(Box::new(report)),
    }
}

/// Parameters as the server takes them.
fn params_json(params: &Params) -> Value {
    let mut map = Map::new();
    for (name, value) in params.iter() {
        map.insert(name.to_string(), literal_json(value));
    }
    Value::Object(map)
}

fn literal_json(value: &Literal) -> Value {
    match value {
        Literal::Str(s) => Value::String(s.clone()),
        Literal::Num(n) => json!(n),
        Literal::List(items) => Value::Array(items.iter().map(literal_json).collect()),
        Literal::Param(p) => Value::String(format!("${p}")),
    }
}

/// A name as one segment of a URL's path: everything but letters and
/// digits percent-encoded, so a name with a space or a `/` stays one
/// segment.
fn path_segment(name: &str) -> String {
    percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC).to_string()
}
