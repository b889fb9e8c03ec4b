//! The query language: text in, typed rows out.
//!
//! The life of a query, in the files of this module:
//!
//! 1. [`parse`] (`parse.rs`) turns text into a [`Statement`] (`ast.rs`) whose
//!    fields and values keep their spans; a mistake is a [`QueryError`] with a
//!    span, drawn with a caret by the caller.
//! 2. [`bind`] and [`check`] (`check.rs`) put the caller's [`Params`] in place
//!    of `$1` and `$name` and catch type errors before anything runs.
//! 3. [`plan`] (`plan.rs`) picks an access path: an index range, a union of
//!    ranges, or a full scan.
//! 4. [`execute_read`] (`exec.rs`) reads records along that path and
//!    evaluates the condition on each (`record.rs`), then groups, sorts and
//!    limits, and returns an [`Output`]. Writes go through `Db` and its
//!    checked writer instead, which use the same plans to find their targets.
//!
//! Scripts hold many statements; [`split_statements`] (`script.rs`) cuts them
//! apart at `;` without being fooled by strings or comments.
//!
//! [`QueryError`]: crate::error::QueryError

mod ast;
mod check;
mod exec;
mod parse;
mod plan;
mod record;
mod script;

pub use ast::{
    Aggregate, Assignment, ClaimsQuery, Expr, Field, FieldType, ListQuery, Literal, Op, OrderBy,
    SelectItem, Spanned, Statement, Table,
};
pub use check::{bind, check, compile_regex, Params};
pub(crate) use exec::{claim_matches, Speakers};
pub use exec::{
    execute_read, matching_claims, ClaimDetail, ClaimRow, ContextLine, Done, ExecStats, Output,
    Rows, SourceRow, SpeakerRow, Value,
};
pub use parse::{did_you_mean, parse, KEYWORDS, MAX_DEPTH};
pub use plan::{plan, Access, Plan};
pub(crate) use record::Patterns;
pub use script::{only_comments, split_statements, Chunk, Scanner};

/// Parses, binds and checks one statement: everything short of running it.
pub fn prepare(text: &str, params: &Params) -> Result<Statement, crate::error::QueryError> {
    let mut statement = parse(text)?;
    bind(&mut statement, params)?;
    check(&statement)?;
    Ok(statement)
}
