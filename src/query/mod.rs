//! The query language: text in, typed rows out.
//!
//! The life of a query, from the shell line to the storage read:
//!
//! 0. One lexer (`lex.rs`) cuts text into [`Token`]s with spans: keywords
//!    ([`Keyword`]), words, numbers, strings, parameters, punctuation,
//!    comments. Everything below that reads query text reads it through
//!    the lexer, and so does the shell's highlighter and completer.
//! 1. The shell, a script or `claimdb query` (`bin/claimdb/shell.rs`) cuts
//!    its input into statements at `;` tokens with [`split_statements`]
//!    (`script.rs`; the [`Scanner`] reads stdin line by line in one pass)
//!    and hands each one to a [`crate::Session`] or [`crate::Db::query`]
//!    (`db/statements.rs`).
//! 2. [`parse`] (`parse/`: statements, conditions, literals; nom parsers
//!    whose leaves take one token each) turns the text into a
//!    [`Statement`] (`ast.rs`) whose fields and values keep their spans; a
//!    mistake is a [`QueryError`] with a span and a kind, drawn with a
//!    caret by the caller. [`expected_at_end`] says what the grammar
//!    accepts after an unfinished statement (the shell's completion).
//! 3. [`bind`] (`bind.rs`) and [`check`] (`check.rs`) put the caller's [`Params`] in
//!    place of `$1` and `$name` and catch type errors before anything runs.
//! 4. `Db` opens one read view of the store ([`crate::store::ReadView`]: a
//!    consistent state for the whole statement) and [`plan`] (`plan.rs`)
//!    picks an access path: claims by primary key, an index range, a union
//!    of ranges, or a full scan, under filter, group, sort or top-k, limit
//!    and count operators; `explain` prints that stack.
//! 5. [`execute_read`] (`exec.rs`) runs the stack as iterators over the
//!    view: the access path yields claims in id order (`store/records.rs`
//!    decodes them from the engine's trees), the condition is evaluated on
//!    each (`record.rs`), and rows flow on; a `limit` stops the reading,
//!    `count` builds no rows. [`stream_claims`] hands the rows of a claims
//!    query to the caller one at a time (the shell writes JSON Lines and
//!    CSV that way). Writes go through `Db` and its checked writer instead,
//!    which use the same plans to find their targets.
//!
//! [`QueryError`]: crate::error::QueryError

mod ast;
mod bind;
mod check;
mod choose;
mod exec;
mod fields;
pub mod lex;
mod parse;
mod plan;
mod planner;
mod ranges;
mod record;
mod script;
mod writes;

pub use ast::{
    Aggregate, Assignment, ClaimsQuery, Expr, Field, FieldType, ListQuery, Literal, Op, OrderBy,
    SelectItem, Spanned, Statement, Table,
};
pub use bind::{bind, Params};
pub use check::{check, compile_regex};
pub(crate) use exec::{claim_matches, Speakers};
pub use exec::{
    execute_plan, execute_read, execute_streaming, matching_claims, ClaimDetail, ClaimRow,
    ContextLine, ExecStats, Outcome, Output, Rows, SourceDetail, SourceRow, SpeakerRow, Value,
};
pub use fields::{Setting, ValueKind, WriteStatement};
pub use lex::{tokens, Keyword, Token, TokenKind, KEYWORDS};
pub use parse::{closest_name, did_you_mean, expected_at_end, parse, Expected, MAX_DEPTH};
pub use plan::{Node, Plan, Window};
pub use planner::plan;
pub(crate) use record::Patterns;
pub use script::{split_statements, statement_start, Chunk, Scanner};
pub use writes::{
    claim_set, claim_values, source_set, source_values, speaker_set, ClaimSet, ClaimValues,
    SourceSet, SourceValues, SpeakerSet,
};

/// Parses, binds and checks one statement: everything short of running it.
pub fn prepare(text: &str, params: &Params) -> Result<Statement, crate::error::QueryError> {
    let mut statement = parse(text)?;
    bind(&mut statement, params)?;
    check(&statement)?;
    Ok(statement)
}
