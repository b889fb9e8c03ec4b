//! The query language: text in, typed rows out.
//!
//! The life of a query, in the files of this module:
//!
//! 1. [`parse`] (`parse.rs`) turns text into a [`Statement`] (`ast.rs`) whose
//!    fields and values keep their spans; a mistake is a [`QueryError`] with a
//!    span, drawn with a caret by the caller.
//! 2. [`plan`] (`plan.rs`) picks an access path: an index range or a full scan.
//! 3. [`execute`] (`exec.rs`) reads claims along that path, filters, sorts and
//!    limits, and returns an [`Output`].
//!
//! Scripts hold many statements; [`split_statements`] (`script.rs`) cuts them
//! apart at `;` without being fooled by strings or comments.
//!
//! [`QueryError`]: crate::error::QueryError

mod ast;
mod exec;
mod parse;
mod plan;
mod script;

pub use ast::{ClaimsQuery, Expr, Field, FieldType, Literal, Op, OrderBy, Spanned, Statement};
pub use exec::{execute, execute_with_stats, ClaimRow, ExecStats, Output, SourceRow, SpeakerRow};
pub use parse::{did_you_mean, parse, KEYWORDS, MAX_DEPTH};
pub use plan::{plan, Access, Plan};
pub use script::{split_statements, Chunk};
