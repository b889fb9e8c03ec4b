//! The query language: text in, typed rows out.
//!
//! The life of a query, from the shell line to the storage read and back,
//! file by file:
//!
//! 0. One lexer (`lex.rs`) cuts text into [`Token`]s with spans: keywords
//!    ([`Keyword`]), words, numbers, strings, parameters, punctuation,
//!    comments. Everything that reads query text reads it through the
//!    lexer: the script splitter, the shell's highlighter and completer.
//! 1. The shell, a script or `claimdb query` (`bin/claimdb/shell.rs`) cuts
//!    its input into statements at `;` tokens with [`split_statements`]
//!    (`script.rs`) and hands each one, as text, to a [`crate::Session`]
//!    (`db/session.rs`), as the library's [`crate::Db::query`] does
//!    (`db/statements.rs`). The statement is parsed there, once.
//! 2. [`parse`] (`parse/`: statements, conditions, literals; nom parsers
//!    whose leaves take one token each) turns the text into a
//!    [`Statement`] (`ast.rs`) whose fields and values keep their spans; a
//!    mistake is a [`QueryError`] with a span and a kind, drawn with a
//!    caret by the caller.
//! 3. [`bind`] (`bind.rs`) puts the caller's [`Params`] in place of `$1`
//!    and `$name`; [`check`] (`check.rs`) catches type errors before
//!    anything runs, and reads a write's `name = value` pairs into typed
//!    values (`writes.rs`, over the table of settable fields in
//!    `fields.rs`).
//! 4. A read view of the store is opened ([`crate::store::ReadView`]: one
//!    consistent state for the whole statement) and [`plan`] (`planner.rs`)
//!    builds the operator tree ([`Plan`], [`Node`] in `plan.rs`): the
//!    access path `choose.rs` picks (claims by primary key, an index range,
//!    a union of ranges, the word index, or a scan, with what it leaves to
//!    a filter), under group, sort or top k, limit, count and project.
//!    `explain` prints that tree.
//! 5. The executor (`exec/mod.rs`) runs the same tree as iterators: the
//!    access path (`exec/access.rs`) yields claims in id order, decoded by
//!    the engine (`store/kv/records.rs` for sled and memory), the
//!    condition is evaluated on each (`record.rs`), and rows flow up; a
//!    `limit` stops the reading, `count` builds no rows. The rows of a
//!    claims query stream to the caller ([`execute_streaming`]: the shell
//!    writes JSON Lines and CSV that way) or are gathered ([`execute_read`]).
//! 6. The [`Output`] goes back to the shell, which renders it
//!    (`render/`). A write returns an [`Outcome`] instead: `db` runs it
//!    through its checked writer, finding the claims an `update` or
//!    `delete` targets with the write's own plan (`matching_claims`).
//!
//! [`QueryError`]: crate::error::QueryError

mod ast;
mod bind;
mod check;
mod choose;
mod deadline;
mod exec;
mod fields;
mod lex;
mod parse;
mod plan;
mod planner;
mod ranges;
mod record;
mod script;
mod writes;

pub use ast::{
    quote_string, Aggregate, Assignment, ClaimsQuery, Expr, Field, FieldType, ListQuery, Literal,
    Op, OrderBy, SelectItem, Spanned, Statement, Table,
};
pub use bind::{bind, Params};
pub use check::{check, compile_regex};
pub(crate) use deadline::check as check_deadline;
pub use deadline::with_time_limit;
pub(crate) use exec::{claim_matches, matching_claims, Speakers};
pub use exec::{
    execute_plan, execute_read, execute_streaming, ClaimDetail, ClaimRow, ContextLine, ExecStats,
    Outcome, Output, Row, Rows, SourceDetail, SourceRow, SpeakerRow, Value,
};
pub use fields::{Setting, ValueKind, WriteStatement};
pub use lex::{tokens, Keyword, Lexer, Punct, Token, TokenKind, KEYWORDS};
pub use parse::{closest_name, did_you_mean, expected_at_end, parse, Expected, MAX_DEPTH};
pub use plan::{Node, Plan, Window};
pub use planner::plan;
pub(crate) use record::Patterns;
pub use script::{split_statements, statement_start, Chunk, Scanner};
pub(crate) use writes::{
    claim_set, claim_values, source_set, source_values, speaker_set, ClaimValues,
};

/// Parses, binds and checks one statement: everything short of running it.
pub fn prepare(text: &str, params: &Params) -> Result<Statement, crate::error::QueryError> {
    let mut statement = parse(text)?;
    bind(&mut statement, params)?;
    check(&statement)?;
    Ok(statement)
}
