//! claimdb for Python: the library's `Db` (or a server's client) behind a
//! thin PyO3 layer.
//!
//! Everything is converted at the edge and nowhere else: a statement's
//! [`Output`] becomes rows of dicts, or columns for a DataFrame; a record
//! or report becomes the dict its JSON is; an error becomes an exception
//! of the hierarchy in `claimdb/__init__.py` (`Error`, `QueryError` with
//! the span and the caret drawing, `Misquote` with the closest passage and
//! the changes, `Duplicate`, `NotFound`, `StorageError`). Every call into
//! the database lets go of the GIL, so threads sharing a `Db` run at once.
//! Writes are statements of the language with their values quoted by the
//! language's own quoting, so that they run alike on a local database, in
//! a transaction and through a server.

use std::path::PathBuf;
use std::sync::Mutex;

use claimdb::client::{Client, RemoteSession};
use claimdb::export::{ExportFormat, ExportOptions, ReviewOptions};
use claimdb::import::{ImportOptions, InputFormat};
use claimdb::query::{quote_string, Literal, Output, Params, Value};
use claimdb::{Error as DbError, OpenOptions, Session};
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

pyo3::create_exception!(
    _claimdb,
    Error,
    PyException,
    "Anything claimdb refuses or fails at."
);
pyo3::create_exception!(_claimdb, QueryError, Error, "A statement that does not parse or check: `span` (start, end) and `caret` (the statement with a caret under the mistake).");
pyo3::create_exception!(_claimdb, Misquote, Error, "A quote its source does not hold: `closest` (the closest passage), `changes` (what differs), `report` (the checker's whole report).");
pyo3::create_exception!(_claimdb, Duplicate, Error, "A claim, key, source or speaker already stored: `existing` is the stored claim's id when there is one.");
pyo3::create_exception!(_claimdb, NotFound, Error, "A record that is not there.");
pyo3::create_exception!(
    _claimdb,
    StorageError,
    Error,
    "The database itself failed: damaged, locked, full, or a server that did not answer."
);

/// A library error as the Python exception of its kind.
fn raise(py: Python<'_>, e: DbError, statement: Option<&str>) -> PyErr {
    let message = e.to_string();
    let report = e.report();
    let err = match &e {
        DbError::Query(q) => {
            let err = QueryError::new_err(message);
            let value = err.value(py);
            let _ = value.setattr("span", (q.span.start, q.span.end));
            let _ = value.setattr("kind", format!("{:?}", q.kind).to_lowercase());
            if let Some(text) = statement {
                let _ = value.setattr("caret", q.render(text, "query"));
            }
            err
        }
        DbError::Citation(r) => {
            let err = Misquote::new_err(message);
            let value = err.value(py);
            let _ = value.setattr(
                "closest",
                r.citation.location.as_ref().map(|l| l.text.clone()),
            );
            let changes: Vec<String> = r.citation.changes.iter().map(|c| c.describe()).collect();
            let _ = value.setattr("changes", changes);
            if let Ok(json) = serde_json::to_value(r) {
                if let Ok(obj) = to_py(py, &json) {
                    let _ = value.setattr("report", obj);
                }
            }
            err
        }
        DbError::Duplicate { .. }
        | DbError::DuplicateClaim { .. }
        | DbError::DuplicateKey { .. } => {
            let err = Duplicate::new_err(message);
            let _ = err.value(py).setattr("existing", report.existing);
            err
        }
        DbError::NotFound { .. } => NotFound::new_err(message),
        DbError::Storage(_)
        | DbError::Corrupt(_)
        | DbError::Locked { .. }
        | DbError::AlreadyOpen(_)
        | DbError::FormatVersion { .. }
        | DbError::Io { .. } => StorageError::new_err(message),
        _ => match report.kind {
            claimdb::ErrorKind::NotFound => NotFound::new_err(message),
            claimdb::ErrorKind::Duplicate | claimdb::ErrorKind::DuplicateClaim => {
                Duplicate::new_err(message)
            }
            _ => Error::new_err(message),
        },
    };
    let value = err.value(py);
    let _ = value.setattr("error_kind", format!("{:?}", report.kind).to_lowercase());
    let _ = value.setattr("hint", report.hint);
    err
}

/// A JSON value as the Python value it reads as.
fn to_py<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        serde_json::Value::Null => py.None().into_bound(py),
        serde_json::Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(f)) => f.into_pyobject(py)?.into_any(),
            _ => py.None().into_bound(py),
        },
        serde_json::Value::String(s) => s.into_pyobject(py)?.into_any(),
        serde_json::Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        serde_json::Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// Anything serializable, as its JSON's Python value.
fn as_py<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_value(value).map_err(|e| Error::new_err(e.to_string()))?;
    to_py(py, &json)
}

/// A cell of a result as a Python value.
fn cell<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Int(i) => i.into_pyobject(py)?.into_any(),
        Value::Num(f) => f.into_pyobject(py)?.into_any(),
        Value::Text(s) => s.into_pyobject(py)?.into_any(),
        Value::List(items) => PyList::new(py, items)?.into_any(),
        _ => py.None().into_bound(py),
    })
}

/// A Python value bound to a `$parameter`.
fn literal(value: &Bound<'_, PyAny>) -> PyResult<Literal> {
    if value.is_instance_of::<pyo3::types::PyBool>() {
        return Err(Error::new_err(
            "a parameter is text, a number or a list of them, not a bool",
        ));
    }
    if let Ok(s) = value.extract::<String>() {
        return Ok(Literal::Str(s));
    }
    if let Ok(n) = value.extract::<f64>() {
        return Ok(Literal::Num(n));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for item in value.try_iter()? {
            items.push(literal(&item?)?);
        }
        return Ok(Literal::List(items));
    }
    Err(Error::new_err(format!(
        "a parameter is text, a number or a list of them, not {}",
        value.get_type().name()?
    )))
}

/// `params` (a dict by name, or a list or tuple for $1, $2, ...) and
/// keyword arguments, as the language binds them.
fn params_of(
    params: Option<&Bound<'_, PyAny>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<Params> {
    let mut bound = Params::new();
    if let Some(p) = params {
        if let Ok(dict) = p.cast::<PyDict>() {
            for (k, v) in dict.iter() {
                bound = bound.bind(k.str()?.to_string(), literal(&v)?);
            }
        } else if p.is_instance_of::<PyList>() || p.is_instance_of::<PyTuple>() {
            for (i, v) in p.try_iter()?.enumerate() {
                bound = bound.bind(i + 1, literal(&v?)?);
            }
        } else if !p.is_none() {
            return Err(Error::new_err(
                "params is a dict (by name) or a list (for $1, $2, ...)",
            ));
        }
    }
    if let Some(kw) = kwargs {
        for (k, v) in kw.iter() {
            bound = bound.bind(k.str()?.to_string(), literal(&v)?);
        }
    }
    Ok(bound)
}

/// Where statements run.
enum Backend {
    Local {
        db: claimdb::Db,
        session: Mutex<Session>,
    },
    Remote(Mutex<RemoteSession>),
}

impl Backend {
    fn execute(&self, text: &str, params: &Params) -> Result<(Output, Vec<String>), DbError> {
        match self {
            Backend::Local { db, session } => {
                let mut session = session.lock().unwrap_or_else(|p| p.into_inner());
                let out = session.execute_with(db, text, params)?;
                Ok((out, session.notes().to_vec()))
            }
            Backend::Remote(session) => {
                let mut session = session.lock().unwrap_or_else(|p| p.into_inner());
                let out = session.execute_with(text, params)?;
                Ok((out, session.notes().to_vec()))
            }
        }
    }

    fn in_transaction(&self) -> bool {
        match self {
            Backend::Local { session, .. } => session
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .in_transaction(),
            Backend::Remote(session) => session
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .in_transaction(),
        }
    }

    fn client(&self) -> Option<Client> {
        match self {
            Backend::Local { .. } => None,
            Backend::Remote(session) => Some(
                session
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .client()
                    .clone(),
            ),
        }
    }
}

/// A claims database: one on this machine (`claimdb.open`) or a server's
/// (`claimdb.connect`). Threads may share it.
#[pyclass(frozen, module = "claimdb")]
struct Db {
    backend: Backend,
    place: String,
}

/// The answer to a statement: rows (iterate it, `fetchall()`, `df()`,
/// `arrow()`), a `count`, an `outcome` of a write, or a `plan`.
#[pyclass(frozen, module = "claimdb", name = "Result")]
struct QueryResult {
    output: Output,
    /// Remarks for a person (a speaker no one is called).
    #[pyo3(get)]
    notes: Vec<String>,
    /// The output as a table of cells, made once, when first asked for.
    table: std::sync::OnceLock<claimdb::render::Table>,
}

#[pymethods]
impl QueryResult {
    /// What the statement gave: "claims", "rows", "count", "speakers",
    /// "sources", "claim", "source", "plan" or "done".
    #[getter]
    fn kind(&self) -> &'static str {
        match &self.output {
            Output::Claims(_) => "claims",
            Output::Rows(_) => "rows",
            Output::Count(_) => "count",
            Output::Speakers(_) => "speakers",
            Output::Sources(_) => "sources",
            Output::Claim(_) => "claim",
            Output::Source(_) => "source",
            Output::Plan(_) => "plan",
            Output::Done(_) => "done",
            _ => "other",
        }
    }

    /// The column names of the rows.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.table().columns.clone()
    }

    /// The count, for `count claims` (None otherwise).
    #[getter]
    fn count(&self) -> Option<u64> {
        self.output.count()
    }

    /// What a write did, as a dict (None for a read).
    #[getter]
    fn outcome<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.output.done().map(|o| as_py(py, o)).transpose()
    }

    /// The plan `explain` prints (None otherwise).
    #[getter]
    fn plan(&self) -> Option<String> {
        self.output.plan().map(|p| p.to_string())
    }

    /// Every row, as a dict of column to value.
    fn fetchall<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let table = self.table();
        let rows = PyList::empty(py);
        for row in &table.rows {
            let dict = PyDict::new(py);
            for (name, value) in table.columns.iter().zip(row) {
                dict.set_item(name, cell(py, value)?)?;
            }
            rows.append(dict)?;
        }
        Ok(rows)
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.fetchall(py)?.try_iter()?.into_any())
    }

    fn __len__(&self) -> usize {
        self.table().rows.len()
    }

    /// The rows as a pandas DataFrame, built column by column (pandas must
    /// be installed).
    fn df<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pandas = py.import("pandas")?;
        let data = self.columns_dict(py)?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("columns", &self.table().columns)?;
        pandas.getattr("DataFrame")?.call((data,), Some(&kwargs))
    }

    /// The rows as a pyarrow Table (pyarrow must be installed).
    fn arrow<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pyarrow = py.import("pyarrow")?;
        pyarrow.getattr("table")?.call1((self.columns_dict(py)?,))
    }

    fn __repr__(&self) -> String {
        match &self.output {
            Output::Count(n) => format!("<claimdb.Result count={n}>"),
            _ => format!(
                "<claimdb.Result {} rows of {}>",
                self.__len__(),
                self.kind()
            ),
        }
    }
}

impl QueryResult {
    /// The output as a table of cells (made once).
    fn table(&self) -> &claimdb::render::Table {
        self.table
            .get_or_init(|| claimdb::render::table_of(&self.output))
    }

    /// Column name -> list of values, for DataFrames and Arrow tables.
    fn columns_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let table = self.table();
        let data = PyDict::new(py);
        for (i, name) in table.columns.iter().enumerate() {
            let cells = table
                .rows
                .iter()
                .map(|row| cell(py, &row[i]))
                .collect::<PyResult<Vec<_>>>()?;
            data.set_item(name, PyList::new(py, cells)?)?;
        }
        Ok(data)
    }
}

/// `with db.transaction():` several writes as one, all or nothing.
#[pyclass(module = "claimdb")]
struct Transaction {
    db: Py<Db>,
}

#[pymethods]
impl Transaction {
    fn __enter__(slf: PyRef<'_, Self>, py: Python<'_>) -> PyResult<Py<Db>> {
        slf.db.get().run(py, "begin", Params::new())?;
        Ok(slf.db.clone_ref(py))
    }

    #[pyo3(signature = (kind, _value, _traceback))]
    fn __exit__(
        &self,
        py: Python<'_>,
        kind: Option<&Bound<'_, PyAny>>,
        _value: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        let db = self.db.get();
        if kind.is_some() {
            db.run(py, "rollback", Params::new())?;
        } else {
            db.run(py, "commit", Params::new())?;
        }
        Ok(false)
    }
}

impl Db {
    /// Runs a statement without the GIL; its output and notes.
    fn run(&self, py: Python<'_>, text: &str, params: Params) -> PyResult<QueryResult> {
        let outcome = py.detach(|| self.backend.execute(text, &params));
        match outcome {
            Ok((output, notes)) => Ok(QueryResult {
                output,
                notes,
                table: std::sync::OnceLock::new(),
            }),
            Err(e) => Err(raise(py, e, Some(text))),
        }
    }

    /// A write statement built from `parts` (field, value) with every value
    /// quoted by the language's own quoting.
    fn write(
        &self,
        py: Python<'_>,
        head: &str,
        parts: &[(&str, Option<Literal>)],
    ) -> PyResult<QueryResult> {
        let fields: Vec<String> = parts
            .iter()
            .filter_map(|(name, value)| {
                value
                    .as_ref()
                    .map(|v| format!("{name} = {}", literal_text(v)))
            })
            .collect();
        let text = if fields.is_empty() {
            head.to_string()
        } else {
            format!("{head} with {}", fields.join(", "))
        };
        self.run(py, &text, Params::new())
    }
}

/// A literal as the language writes it.
fn literal_text(value: &Literal) -> String {
    match value {
        Literal::Str(s) => quote_string(s),
        Literal::Num(n) => format!("{n}"),
        Literal::List(items) => format!(
            "({})",
            items
                .iter()
                .map(literal_text)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Literal::Param(p) => format!("${p}"),
    }
}

fn text_value(s: Option<String>) -> Option<Literal> {
    s.map(Literal::Str)
}

#[pymethods]
impl Db {
    /// Runs one statement of the query language. Values go in `params` (a
    /// dict for `$name`, a list for `$1`, `$2`, ...) or as keyword
    /// arguments, never spliced into the text:
    ///
    ///     db.query("claims where speaker = $who and confidence >= $min", who="White", min=0.8)
    ///
    /// Returns a `Result`: iterate it for rows as dicts, or `.df()`.
    #[pyo3(signature = (text, params=None, **kwargs))]
    fn query(
        &self,
        py: Python<'_>,
        text: &str,
        params: Option<&Bound<'_, PyAny>>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<QueryResult> {
        let params = params_of(params, kwargs)?;
        self.run(py, text, params)
    }

    /// Checks `quote` against a text (or a stored source's, `source=`),
    /// writing nothing: the verdict, the anchor, or the closest passage and
    /// what differs, as a dict.
    #[pyo3(signature = (text=None, quote=None, *, source=None))]
    fn locate<'py>(
        &self,
        py: Python<'py>,
        text: Option<String>,
        quote: Option<String>,
        source: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let quote = quote.ok_or_else(|| Error::new_err("locate needs a quote"))?;
        let text = match (text, source) {
            (Some(t), None) => t,
            (None, Some(id)) => {
                let found = match &self.backend {
                    Backend::Local { db, .. } => py.detach(|| db.source_text(&id)),
                    Backend::Remote(_) => {
                        let client = self.backend.client().expect("remote");
                        let answer = py.detach(|| client.locate(&id, &quote));
                        return match answer {
                            Ok(v) => to_py(py, &v),
                            Err(e) => Err(raise(py, e, None)),
                        };
                    }
                };
                match found {
                    Ok(Some(t)) => t,
                    Ok(None) => {
                        return Err(NotFound::new_err(format!("source {id:?} holds no text")))
                    }
                    Err(e) => return Err(raise(py, e, None)),
                }
            }
            _ => {
                return Err(Error::new_err(
                    "give a text, or source= a stored source's id",
                ))
            }
        };
        let citation = py.detach(|| claimdb::cite::locate(&text, &quote));
        as_py(py, &citation)
    }

    /// Adds a source (its text inline, or read from `text_file` on this
    /// machine); the stored record as a dict.
    #[pyo3(signature = (id, title, text=None, *, text_file=None, author=None, publisher=None, date=None, kind=None, url=None, notes=None))]
    #[allow(clippy::too_many_arguments)]
    fn add_source<'py>(
        &self,
        py: Python<'py>,
        id: String,
        title: String,
        text: Option<String>,
        text_file: Option<PathBuf>,
        author: Option<String>,
        publisher: Option<String>,
        date: Option<String>,
        kind: Option<String>,
        url: Option<String>,
        notes: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let text = match (text, text_file) {
            (Some(t), _) => Some(t),
            (None, Some(path)) => Some(
                claimdb::limits::read_text_file(&path, claimdb::limits::MAX_SOURCE_TEXT_BYTES)
                    .map_err(|e| raise(py, e, None))?,
            ),
            (None, None) => None,
        };
        let out = self.write(
            py,
            &format!("add source {}", quote_string(&id)),
            &[
                ("title", Some(Literal::Str(title))),
                ("author", text_value(author)),
                ("publisher", text_value(publisher)),
                ("date", text_value(date)),
                ("kind", text_value(kind)),
                ("url", text_value(url)),
                ("notes", text_value(notes)),
                ("text", text_value(text)),
            ],
        )?;
        self.record_of(py, out, || {
            format!("sources where id = {}", quote_string(&id))
        })
    }

    /// Adds a speaker; the stored record as a dict.
    #[pyo3(signature = (name, aliases=Vec::new(), description=None))]
    fn add_speaker<'py>(
        &self,
        py: Python<'py>,
        name: String,
        aliases: Vec<String>,
        description: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut text = format!("add speaker {}", quote_string(&name));
        if !aliases.is_empty() {
            let quoted: Vec<String> = aliases.iter().map(|a| quote_string(a)).collect();
            text.push_str(&format!(" aliases ({})", quoted.join(", ")));
        }
        if let Some(d) = &description {
            text.push_str(&format!(" description {}", quote_string(d)));
        }
        let out = self.run(py, &text, Params::new())?;
        self.record_of(py, out, || {
            format!("speakers where name = {}", quote_string(&name))
        })
    }

    /// Adds a claim, its quote checked against its source: the stored
    /// claim as a dict (its `status`, `anchor` and `attribution` say what
    /// the checks found). A misquote raises `Misquote`. Inside a
    /// transaction the claim is held, and None is returned.
    #[pyo3(signature = (speaker, source, quote, statement, confidence, rationale, *, tags=Vec::new(), origin=None, key=None))]
    #[allow(clippy::too_many_arguments)]
    fn add_claim<'py>(
        &self,
        py: Python<'py>,
        speaker: String,
        source: String,
        quote: String,
        statement: String,
        confidence: f64,
        rationale: String,
        tags: Vec<String>,
        origin: Option<String>,
        key: Option<String>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let out = self.write(
            py,
            "add claim",
            &[
                ("speaker", Some(Literal::Str(speaker))),
                ("source", Some(Literal::Str(source))),
                ("origin", text_value(origin)),
                ("quote", Some(Literal::Str(quote))),
                ("statement", Some(Literal::Str(statement))),
                ("confidence", Some(Literal::Num(confidence))),
                ("rationale", Some(Literal::Str(rationale))),
                (
                    "tags",
                    Some(Literal::List(tags.into_iter().map(Literal::Str).collect())),
                ),
                ("key", text_value(key)),
            ],
        )?;
        match out.output.done() {
            Some(claimdb::query::Outcome::ClaimAdded { claim, .. }) => as_py(py, claim).map(Some),
            _ => Ok(None),
        }
    }

    /// Imports a JSON Lines or CSV file; the per-row report as a dict. All
    /// or nothing unless `partial`; `dry_run` checks and writes nothing.
    #[pyo3(signature = (path, partial=false, dry_run=false))]
    fn import_file<'py>(
        &self,
        py: Python<'py>,
        path: PathBuf,
        partial: bool,
        dry_run: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        if self.backend.in_transaction() {
            return Err(Error::new_err(
                "import_file runs on its own, not inside a transaction",
            ));
        }
        let answer = match &self.backend {
            Backend::Local { db, .. } => py
                .detach(|| {
                    db.import(
                        std::slice::from_ref(&path),
                        &ImportOptions {
                            partial,
                            dry_run,
                            ..ImportOptions::default()
                        },
                    )
                })
                .and_then(|r| serde_json::to_value(r).map_err(|e| DbError::Corrupt(e.to_string()))),
            Backend::Remote(_) => {
                let client = self.backend.client().expect("remote");
                py.detach(|| {
                    let body = std::fs::read(&path).map_err(|e| DbError::Io {
                        path: path.clone(),
                        source: e,
                    })?;
                    let format = match InputFormat::of_file(&path, &body, None)? {
                        InputFormat::Csv => "csv",
                        _ => "jsonl",
                    };
                    client.import(
                        &path.display().to_string(),
                        &body,
                        format,
                        None,
                        partial,
                        dry_run,
                    )
                })
            }
        };
        match answer {
            Ok(v) => to_py(py, &v),
            Err(e) => Err(raise(py, e, None)),
        }
    }

    /// The database, or the claims `query` selects, as text in `format`:
    /// "dump", "jsonl", "csv", "claimreview", "annotation" (or "text": a
    /// source's text, `query` being its id). `versions=True` adds each
    /// claim's `version`, `modified_at` and `modified_by` (jsonl, csv).
    #[pyo3(signature = (format="jsonl", query=None, versions=false))]
    fn export(
        &self,
        py: Python<'_>,
        format: &str,
        query: Option<String>,
        versions: bool,
    ) -> PyResult<String> {
        let format = ExportFormat::parse(format)
            .ok_or_else(|| Error::new_err(format!("unknown export format {format:?}")))?;
        let options = ExportOptions {
            format,
            query,
            review: ReviewOptions {
                organization: None,
                url_base: None,
                date: claimdb::export::today(),
            },
            versions,
        };
        let mut bytes = Vec::new();
        let done = match &self.backend {
            Backend::Local { db, .. } => py.detach(|| db.export(&options, &mut bytes).map(drop)),
            Backend::Remote(_) => {
                let client = self.backend.client().expect("remote");
                py.detach(|| client.export(&options, &mut bytes))
            }
        };
        done.map_err(|e| raise(py, e, None))?;
        String::from_utf8(bytes).map_err(|e| Error::new_err(e.to_string()))
    }

    /// The claims a stored source's text supports, proposed (nothing is
    /// written): a list of dicts with speaker, quote, mode, confidence, rule.
    fn extract<'py>(&self, py: Python<'py>, source: String) -> PyResult<Bound<'py, PyAny>> {
        let answer = match &self.backend {
            Backend::Local { db, .. } => py
                .detach(|| db.extract(&source))
                .and_then(|p| serde_json::to_value(p).map_err(|e| DbError::Corrupt(e.to_string()))),
            Backend::Remote(_) => {
                let client = self.backend.client().expect("remote");
                py.detach(|| client.extract(&source, false, 0.0))
                    .map(|mut v| v["proposals"].take())
            }
        };
        match answer {
            Ok(v) => to_py(py, &v),
            Err(e) => Err(raise(py, e, None)),
        }
    }

    /// `with db.transaction():` the writes inside run as one, at the end of
    /// the block, all or nothing; an exception in the block rolls them back.
    fn transaction(slf: Py<Self>) -> Transaction {
        Transaction { db: slf }
    }

    /// True inside `with db.transaction():`.
    #[getter]
    fn in_transaction(&self) -> bool {
        self.backend.in_transaction()
    }

    /// Where the database is: its folder, or the server's address.
    #[getter]
    fn location(&self) -> String {
        self.place.clone()
    }

    fn __repr__(&self) -> String {
        format!("<claimdb.Db {}>", self.place)
    }
}

impl Db {
    /// A write's stored record, read back (a source or a speaker); None
    /// inside a transaction, where the write is held.
    fn record_of<'py>(
        &self,
        py: Python<'py>,
        written: QueryResult,
        listing: impl FnOnce() -> String,
    ) -> PyResult<Bound<'py, PyAny>> {
        if !matches!(
            written.output.done(),
            Some(
                claimdb::query::Outcome::SourceAdded { .. }
                    | claimdb::query::Outcome::SpeakerAdded { .. }
            )
        ) {
            return Ok(py.None().into_bound(py));
        }
        let found = self.run(py, &listing(), Params::new())?;
        match &found.output {
            Output::Sources(rows) => rows
                .first()
                .map_or(Ok(py.None().into_bound(py)), |r| as_py(py, &r.source)),
            Output::Speakers(rows) => rows
                .first()
                .map_or(Ok(py.None().into_bound(py)), |r| as_py(py, &r.speaker)),
            _ => Ok(py.None().into_bound(py)),
        }
    }
}

/// Opens (creating if needed) the database at `path`, or ":memory:" for
/// one held in memory. `seed=True` loads the demo corpus into a new one.
#[pyfunction]
#[pyo3(signature = (path, seed=false))]
fn open(py: Python<'_>, path: PathBuf, seed: bool) -> PyResult<Db> {
    let options = OpenOptions::new().seed(seed);
    let opened = py.detach(|| claimdb::Db::open_with(&path, options));
    let db = opened.map_err(|e| raise(py, e, None))?;
    Ok(Db {
        place: path.display().to_string(),
        backend: Backend::Local {
            db,
            session: Mutex::new(Session::new()),
        },
    })
}

/// Connects to a claimdb server (`claimdb serve`) at `url`, sending
/// `token` with every request: the same calls as a local database.
#[pyfunction]
#[pyo3(signature = (url, token=None))]
fn connect(py: Python<'_>, url: &str, token: Option<String>) -> PyResult<Db> {
    let client = Client::new(url, token).map_err(|e| raise(py, e, None))?;
    py.detach(|| client.health())
        .map_err(|e| raise(py, e, None))?;
    Ok(Db {
        place: client.url().to_string(),
        backend: Backend::Remote(Mutex::new(RemoteSession::new(client))),
    })
}

#[pymodule]
fn _claimdb(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_function(wrap_pyfunction!(open, m)?)?;
    m.add_function(wrap_pyfunction!(connect, m)?)?;
    m.add_class::<Db>()?;
    m.add_class::<QueryResult>()?;
    m.add_class::<Transaction>()?;
    m.add("Error", py.get_type::<Error>())?;
    m.add("QueryError", py.get_type::<QueryError>())?;
    m.add("Misquote", py.get_type::<Misquote>())?;
    m.add("Duplicate", py.get_type::<Duplicate>())?;
    m.add("NotFound", py.get_type::<NotFound>())?;
    m.add("StorageError", py.get_type::<StorageError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
