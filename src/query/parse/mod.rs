//! Text to [`Statement`], with nom, over the language's one lexer.
//!
//! The parser is a set of small nom parsers over `&str` whose leaves each
//! take one token from the lexer (`lex.rs`): [`tok`] skips whitespace and
//! comments and lexes the next token, and `keyword`, `punct`, `value` and
//! `field` are built on it. So the parser, the script splitter and the
//! shell agree on what a string, a comment or a keyword is. Positions are
//! byte offsets into the statement, found by comparing what is left of
//! the input with the whole (`src.len() - rest.len()`), so every error and
//! every field and value node carries a [`Span`].
//!
//! Errors are written for people and typed for programs
//! ([`QueryErrorKind`]). After a keyword the branch is committed (nom's
//! `Failure`, what `cut` makes), so a mistake is reported where it is
//! ("expected a value after `=`"), not as a failure of the whole
//! statement; between alternatives the error that got furthest wins. A
//! word that is not a keyword but is close to one is named ("unexpected
//! `were`: did you mean `where`?"). Parentheses and `not` nest at most
//! [`MAX_DEPTH`] deep, so hostile input cannot overflow the stack.
//!
//! While it parses, the parser notes what it would have accepted at the
//! furthest point it reached ([`Expected`]): keywords, a field, a value.
//! [`expected_at_end`] asks that of an unfinished statement, which is how
//! the shell ranks its completions by the grammar.
//!
//! The parser checks syntax and resolves field names; types (a number
//! compared with a string) are checked afterwards, once parameters are
//! bound, by `check.rs`.
//!
//! The files: `statement.rs` (statements and their clauses), `expr.rs`
//! (conditions), `literal.rs` (values, lists, strings), `error.rs` (the
//! parse error and how it becomes a [`QueryError`]); here, the entry point,
//! the token leaves and the parser's state.

mod error;
mod expr;
mod literal;
mod statement;
mod writes;

use std::cell::{Cell, RefCell};

use nom::combinator::opt;
use nom::{Err, Parser};

use error::{cut_with, fail, fail_kind, found, join_or, Msg, PErr, PResult};

use super::ast::{
    Aggregate, Assignment, ClaimsQuery, Expr, Field, LimitParams, ListQuery, Literal, Op, OrderBy,
    SelectItem, Spanned, Statement, Table,
};
use super::lex::{is_word_char, lex_one, Keyword, Punct, TokenKind};
use crate::error::{QueryError, QueryErrorKind, Span};
use crate::limits::{human_bytes, MAX_CONDITION_TERMS, MAX_STATEMENT_BYTES};

/// How deeply parentheses and `not` may nest.
pub const MAX_DEPTH: usize = 64;

/// Keywords that start a statement, in the order messages list them.
const STATEMENTS: &[Keyword] = &[
    Keyword::Claims,
    Keyword::Count,
    Keyword::Speakers,
    Keyword::Sources,
    Keyword::Show,
    Keyword::History,
    Keyword::Revert,
    Keyword::Explain,
    Keyword::Add,
    Keyword::Update,
    Keyword::Delete,
    Keyword::Alias,
    Keyword::Merge,
    Keyword::Begin,
    Keyword::Commit,
    Keyword::Rollback,
];

/// Something the grammar would accept at a point of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Expected {
    /// This keyword.
    Keyword(Keyword),
    /// This punctuation or operator.
    Punct(Punct),
    /// A field name of the statement's table.
    Field(Table),
    /// A value: a string, a number, a list or a `$parameter`.
    Value,
}

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
        )
        .with_kind(QueryErrorKind::TooComplex));
    }
    let p = StatementParser::new(src);
    p.run()
}

/// What the grammar would accept at the end of `prefix`, an unfinished
/// statement: the keywords, punctuation, fields or values that could come
/// next, in the order the parser tried them. Empty when `prefix` has a
/// mistake before its end (nothing there can make it right).
pub fn expected_at_end(prefix: &str) -> Vec<Expected> {
    if prefix.len() > MAX_STATEMENT_BYTES {
        return Vec::new();
    }
    let p = StatementParser::new(prefix);
    let _ = p.run();
    // Expectations are noted after trivia, so one at the very end is about
    // what comes after everything typed so far.
    let (at, items) = p.expected.into_inner();
    if at == prefix.len() {
        items
    } else {
        Vec::new()
    }
}

/// The next token's text at `rest` (no trivia skipped), for messages and
/// carets: a word, a number, a string, an operator, or one character.
fn token(rest: &str) -> &str {
    lex_one(rest).map_or("", |(_, len)| &rest[..len])
}

/// Skips whitespace and `--` comments (the lexer's trivia).
fn ws(mut i: &str) -> PResult<'_, ()> {
    while let Some((TokenKind::Space | TokenKind::Comment, len)) = lex_one(i) {
        i = &i[len..];
    }
    Ok((i, ()))
}

/// A token as the parser sees it: its kind and text.
#[derive(Debug, Clone, Copy)]
struct Tok<'a> {
    kind: TokenKind,
    text: &'a str,
}

impl<'a> Tok<'a> {
    /// A word of letters, digits and `_` (a keyword, a name, or digits):
    /// what may be a field name or a misspelt keyword.
    fn word(self) -> Option<&'a str> {
        match self.kind {
            TokenKind::Keyword(_) | TokenKind::Word => Some(self.text),
            TokenKind::Number if self.text.chars().all(is_word_char) => Some(self.text),
            _ => None,
        }
    }
}

/// The next token after trivia: the leaf every other parser stands on.
/// Fails (recoverably, without a message) only at the end of the text.
fn tok(i: &str) -> PResult<'_, Tok<'_>> {
    let (i, _) = ws(i)?;
    match lex_one(i) {
        Some((kind, len)) => Ok((
            &i[len..],
            Tok {
                kind,
                text: &i[..len],
            },
        )),
        None => Err(Err::Error(PErr::silent(i))),
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
    terms: Cell<usize>,
    /// Where the last counted comparison started: a comparison read again
    /// after backtracking is not counted twice.
    last_term: Cell<usize>,
    /// The furthest offset at which a token was looked for, and what would
    /// have been accepted there.
    expected: RefCell<(usize, Vec<Expected>)>,
    /// A write's `because "..."`, read where the statement ends.
    because: RefCell<Option<Spanned<Literal>>>,
}

impl<'s> StatementParser<'s> {
    fn new(src: &'s str) -> Self {
        StatementParser {
            src,
            terms: Cell::new(0),
            last_term: Cell::new(0),
            expected: RefCell::new((0, Vec::new())),
            because: RefCell::new(None),
        }
    }

    /// The whole statement, then an optional `;`, then nothing.
    fn run(&self) -> Result<Statement, QueryError> {
        let src = self.src;
        let result = self.statement(src, 0).and_then(|(rest, stmt)| {
            // `because "..."` ends a write: the reason its versions record.
            let (rest, stmt) = match self.because.borrow_mut().take() {
                Some(reason) => (
                    // What the statement's own parts left is before it.
                    &src[reason.span.end.min(src.len())..],
                    Statement::Because {
                        reason,
                        statement: Box::new(stmt),
                    },
                ),
                None => (rest, stmt),
            };
            let (rest, _) = opt(|i| self.punct(Punct::Semicolon, i)).parse(rest)?;
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
            Err(Err::Error(e) | Err::Failure(e)) => Err(self.to_query_error(e)),
            Err(Err::Incomplete(_)) => Err(QueryError::new(
                "incomplete input",
                Span::new(src.len(), src.len()),
            )
            .with_kind(QueryErrorKind::Syntax)),
        }
    }

    pub(super) fn offset(&self, rest: &str) -> usize {
        self.src.len() - rest.len()
    }

    pub(super) fn span(&self, from: &str, to: &str) -> Span {
        Span::new(self.offset(from), self.offset(to))
    }

    /// Notes that `what` would have been accepted at `at` (after trivia).
    pub(super) fn expect_here(&self, at: &str, what: Expected) {
        let offset = self.offset(at);
        let mut expected = self.expected.borrow_mut();
        if offset > expected.0 {
            *expected = (offset, Vec::new());
        }
        if offset == expected.0 && !expected.1.contains(&what) {
            expected.1.push(what);
        }
    }

    pub(super) fn to_query_error(&self, e: PErr<'_>) -> QueryError {
        let start = self.offset(e.at);
        let message = match e.msg {
            Some(msg) => msg.text(e.at),
            None => format!("unexpected {}", found(e.at)),
        };
        let len = if e.len == 0 { token(e.at).len() } else { e.len };
        QueryError::new(message, Span::new(start, start + len)).with_kind(e.kind)
    }

    pub(super) fn column_of(&self, at: &str) -> usize {
        crate::cite::LineIndex::new(self.src)
            .position(self.offset(at))
            .column
    }

    /// Matches keyword `kw` (a whole word, in any case); returns its span.
    pub(super) fn keyword<'a>(&self, kw: Keyword, i: &'a str) -> PResult<'a, Span> {
        let (i, _) = ws(i)?;
        match tok(i) {
            Ok((rest, t)) if t.kind == TokenKind::Keyword(kw) => Ok((rest, self.span(i, rest))),
            other => {
                self.expect_here(i, Expected::Keyword(kw));
                match other {
                    Ok((_, t)) => Err(Err::Error(PErr::expected(
                        i,
                        t.text.len(),
                        Msg::Keyword(kw),
                    ))),
                    Err(e) => Err(e),
                }
            }
        }
    }

    /// A keyword that must be there, with a message for when it is not.
    pub(super) fn expect<'a>(&self, kw: Keyword, i: &'a str, msg: &str) -> PResult<'a, Span> {
        self.keyword(kw, i).map_err(|e| cut_with(e, msg))
    }

    /// A punctuation mark or operator, after optional trivia.
    pub(super) fn punct<'a>(&self, p: Punct, i: &'a str) -> PResult<'a, ()> {
        let (i, _) = ws(i)?;
        match tok(i) {
            Ok((rest, t)) if t.kind == TokenKind::Punct(p) => Ok((rest, ())),
            _ => {
                self.expect_here(i, Expected::Punct(p));
                Err(Err::Error(PErr::expected(i, token(i).len(), Msg::Punct(p))))
            }
        }
    }

    /// A word (see [`Tok::word`]) and its text; the end of the text or any
    /// other token fails recoverably without a message.
    pub(super) fn word<'a>(&self, i: &'a str) -> PResult<'a, &'a str> {
        let (i, _) = ws(i)?;
        match tok(i) {
            Ok((rest, t)) => match t.word() {
                Some(w) => Ok((rest, w)),
                None => Err(Err::Error(PErr::silent(i))),
            },
            Err(e) => Err(e),
        }
    }
}
