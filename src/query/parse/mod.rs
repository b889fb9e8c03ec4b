//! Text to [`Statement`], with nom.
//!
//! The parser is a set of small nom parsers over `&str`. Positions are byte
//! offsets into the statement, found by comparing what is left of the input
//! with the whole (`src.len() - rest.len()`), so every error and every field
//! and value node carries a [`Span`].
//!
//! Errors are written for people. After a keyword the branch is committed
//! (nom's `Failure`, what `cut` makes), so a mistake is reported where it is
//! ("expected a value after `=`"), not as a failure of the whole statement;
//! between alternatives the error that got furthest wins. A word that is not
//! a keyword but is close to one is named ("unexpected `were`: did you mean
//! `where`?"). Parentheses and `not` nest at most [`MAX_DEPTH`] deep, so
//! hostile input cannot overflow the stack.
//!
//! The parser checks syntax and resolves field names; types (a number
//! compared with a string) are checked afterwards, once parameters are
//! bound, by `check.rs`.
//!
//! The files: `statement.rs` (statements and their clauses), `expr.rs`
//! (conditions), `literal.rs` (values, lists, strings), `error.rs` (the
//! parse error and how it becomes a [`QueryError`]); here, the entry point,
//! the token helpers and the parser's state.

mod error;
mod expr;
mod literal;
mod statement;

use nom::bytes::complete::{take_while, take_while1};
use nom::character::complete::{char, digit1};
use nom::combinator::{opt, recognize};
use nom::{Err, Parser};

use error::{backtrack, cut_with, fail, found, join_or, PErr, PResult};

use super::ast::{
    Aggregate, Assignment, ClaimsQuery, Expr, Field, LimitParams, ListQuery, Literal, Op, OrderBy,
    SelectItem, Spanned, Statement, Table,
};
use crate::error::{QueryError, Span};
use crate::limits::{human_bytes, MAX_CONDITION_TERMS, MAX_STATEMENT_BYTES};

/// How deeply parentheses and `not` may nest.
pub const MAX_DEPTH: usize = 64;

/// The language's keywords (matched case-insensitively).
pub const KEYWORDS: &[&str] = &[
    "claims",
    "count",
    "speakers",
    "sources",
    "explain",
    "show",
    "claim",
    "where",
    "and",
    "or",
    "not",
    "order",
    "by",
    "asc",
    "desc",
    "limit",
    "offset",
    "contains",
    "starts",
    "with",
    "matches",
    "in",
    "between",
    "is",
    "null",
    "has",
    "tag",
    "select",
    "group",
    "add",
    "source",
    "speaker",
    "aliases",
    "description",
    "update",
    "set",
    "delete",
    "alias",
    "to",
    "begin",
    "commit",
    "rollback",
];

/// Words that start a statement.
const STATEMENTS: &[&str] = &[
    "claims", "count", "speakers", "sources", "show", "explain", "add", "update", "delete",
    "alias", "begin", "commit", "rollback",
];

/// Parses one statement (an optional trailing `;` is allowed).
pub fn parse(src: &str) -> Result<Statement, QueryError> {
    if src.len() > MAX_STATEMENT_BYTES {
        return Err(QueryError::new(
            format!(
                "the statement is {} bytes long, over the limit of {}",
                src.len(),
                human_bytes(MAX_STATEMENT_BYTES)
            ),
            Span::new(0, 0),
        ));
    }
    let p = StatementParser {
        src,
        terms: std::cell::Cell::new(0),
        last_term: std::cell::Cell::new(0),
    };
    let result = p.statement(src, 0).and_then(|(rest, stmt)| {
        let (rest, _) = ws(rest)?;
        let (rest, _) = opt(char(';')).parse(rest)?;
        let (rest, _) = ws(rest)?;
        if rest.is_empty() {
            Ok((rest, stmt))
        } else {
            let word = token(rest);
            fail(
                rest,
                word.len(),
                format!("unexpected `{word}` after the end of the statement"),
            )
        }
    });
    match result {
        Ok((_, stmt)) => Ok(stmt),
        Err(Err::Error(e) | Err::Failure(e)) => Err(p.to_query_error(e)),
        Err(Err::Incomplete(_)) => Err(QueryError::new(
            "incomplete input",
            Span::new(src.len(), src.len()),
        )),
    }
}

/// The first token of `rest`, for messages: a word, or one character.
fn token(rest: &str) -> &str {
    let word_len = rest.find(|c: char| !is_ident_char(c)).unwrap_or(rest.len());
    if word_len > 0 {
        &rest[..word_len]
    } else {
        rest.chars().next().map_or("", |c| &rest[..c.len_utf8()])
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Skips whitespace and `--` comments.
fn ws(mut i: &str) -> PResult<'_, ()> {
    loop {
        i = i.trim_start();
        if let Some(rest) = i.strip_prefix("--") {
            i = rest.find('\n').map_or("", |n| &rest[n..]);
        } else {
            return Ok((i, ()));
        }
    }
}

/// Suggests the closest of `candidates` to `word`, if it is close.
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let word = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&word, c), c))
        .filter(|&(d, c)| d > 0 && d <= 2.min(c.len() / 2))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// The name among `names` closest to `name` once both are folded (case,
/// spacing, typography), if one is near enough to be a likely misspelling.
pub fn closest_name<'n>(name: &str, names: impl IntoIterator<Item = &'n str>) -> Option<&'n str> {
    let wanted = crate::store::fold_name(name);
    names
        .into_iter()
        .map(|n| {
            (
                strsim::damerau_levenshtein(&wanted, &crate::store::fold_name(n)),
                n,
            )
        })
        .filter(|&(d, n)| d > 0 && d <= 2.max(n.chars().count() / 4))
        .min_by_key(|&(d, _)| d)
        .map(|(_, n)| n)
}

struct StatementParser<'s> {
    src: &'s str,
    /// Comparisons read so far: a condition holds at most
    /// [`MAX_CONDITION_TERMS`], so no later pass over it can run out of stack.
    terms: std::cell::Cell<usize>,
    /// Where the last counted comparison started: a comparison read again
    /// after backtracking is not counted twice.
    last_term: std::cell::Cell<usize>,
}

impl StatementParser<'_> {
    pub(super) fn offset(&self, rest: &str) -> usize {
        self.src.len() - rest.len()
    }

    pub(super) fn span(&self, from: &str, to: &str) -> Span {
        Span::new(self.offset(from), self.offset(to))
    }

    pub(super) fn to_query_error(&self, e: PErr<'_>) -> QueryError {
        let start = self.offset(e.at);
        let message = e
            .msg
            .unwrap_or_else(|| format!("unexpected {}", found(e.at)));
        let len = if e.len == 0 { token(e.at).len() } else { e.len };
        QueryError::new(message, Span::new(start, start + len))
    }

    pub(super) fn column_of(&self, at: &str) -> usize {
        crate::cite::LineIndex::new(self.src)
            .position(self.offset(at))
            .column
    }

    /// Matches keyword `kw` (case-insensitively, as a whole word); returns its span.
    pub(super) fn keyword<'a>(&self, kw: &'static str, i: &'a str) -> PResult<'a, Span> {
        let (i, _) = ws(i)?;
        let (rest, word) = take_while1(is_ident_char).parse(i)?;
        if word.eq_ignore_ascii_case(kw) {
            Ok((rest, self.span(i, rest)))
        } else {
            backtrack(i, word.len(), format!("expected `{kw}`, found `{word}`"))
        }
    }

    /// A keyword that must be there, with a message for when it is not.
    pub(super) fn expect<'a>(&self, kw: &'static str, i: &'a str, msg: &str) -> PResult<'a, Span> {
        self.keyword(kw, i).map_err(|e| cut_with(e, msg))
    }

    /// A punctuation mark, after optional whitespace.
    pub(super) fn punct<'a>(&self, p: char, i: &'a str) -> PResult<'a, ()> {
        let (i, _) = ws(i)?;
        match i.strip_prefix(p) {
            Some(rest) => Ok((rest, ())),
            None => backtrack(
                i,
                token(i).len(),
                format!("expected `{p}`, found {}", found(i)),
            ),
        }
    }
}
