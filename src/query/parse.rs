//! Text to [`Statement`], with nom.
//!
//! The parser is a set of small nom parsers over `&str`. Positions are byte
//! offsets into the statement, found by comparing what is left of the input
//! with the whole (`src.len() - rest.len()`), so every error and every field
//! and value node carries a [`Span`].
//!
//! Errors are written for people. After a keyword the branch is committed with
//! `cut`, so a mistake is reported where it is ("expected a value after `=`"),
//! not as a failure of the whole statement; between alternatives the error
//! that got furthest wins. A word that is not a keyword but is close to one is
//! named ("unexpected `were`: did you mean `where`?"). Parentheses and `not`
//! nest at most [`MAX_DEPTH`] deep, so hostile input cannot overflow the stack.

use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, digit1};
use nom::combinator::{opt, recognize};
use nom::error::{ErrorKind, ParseError};
use nom::{Err, IResult, Parser};

use super::ast::{ClaimsQuery, Expr, Field, FieldType, Literal, Op, OrderBy, Spanned, Statement};
use crate::error::{QueryError, Span};
use crate::model::Status;

/// How deeply parentheses and `not` may nest.
pub const MAX_DEPTH: usize = 64;

/// The language's keywords (matched case-insensitively).
pub const KEYWORDS: &[&str] = &[
    "claims", "count", "speakers", "sources", "explain", "where", "and", "or", "not", "order",
    "by", "asc", "desc", "limit", "contains",
];

/// A parse error: where, how long, and (when known) what to say.
#[derive(Debug)]
struct PErr<'a> {
    at: &'a str,
    len: usize,
    msg: Option<String>,
}

impl<'a> PErr<'a> {
    fn msg(at: &'a str, len: usize, msg: impl Into<String>) -> Self {
        PErr {
            at,
            len,
            msg: Some(msg.into()),
        }
    }
}

impl<'a> ParseError<&'a str> for PErr<'a> {
    fn from_error_kind(at: &'a str, _: ErrorKind) -> Self {
        PErr {
            at,
            len: 0,
            msg: None,
        }
    }
    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
    /// Of two failed alternatives, the one that got further says more.
    fn or(self, other: Self) -> Self {
        if other.at.len() < self.at.len()
            || (other.at.len() == self.at.len() && other.msg.is_some())
        {
            other
        } else {
            self
        }
    }
}

type PResult<'a, O> = IResult<&'a str, O, PErr<'a>>;

/// A recoverable error (an alternative may still match).
fn backtrack<'a, O>(at: &'a str, len: usize, msg: impl Into<String>) -> PResult<'a, O> {
    Err(Err::Error(PErr::msg(at, len, msg)))
}

/// A committed error: reported as it is.
fn fail<'a, O>(at: &'a str, len: usize, msg: impl Into<String>) -> PResult<'a, O> {
    Err(Err::Failure(PErr::msg(at, len, msg)))
}

/// Parses one statement (an optional trailing `;` is allowed).
pub fn parse(src: &str) -> Result<Statement, QueryError> {
    let p = Parser_ { src };
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

/// The first token of `rest`, for messages: a word, a string start or one character.
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

/// Names what was found at `rest`, for "expected X, found Y" messages.
fn found(rest: &str) -> String {
    match token(rest) {
        "" => "the end of the statement".to_string(),
        t => format!("`{t}`"),
    }
}

// The name has a trailing underscore so as not to clash with nom's `Parser` trait.
struct Parser_<'s> {
    src: &'s str,
}

impl<'s> Parser_<'s> {
    fn offset(&self, rest: &str) -> usize {
        self.src.len() - rest.len()
    }

    fn span(&self, from: &str, to: &str) -> Span {
        Span::new(self.offset(from), self.offset(to))
    }

    fn to_query_error(&self, e: PErr<'_>) -> QueryError {
        let start = self.offset(e.at);
        let message = e
            .msg
            .unwrap_or_else(|| format!("unexpected {}", found(e.at)));
        let len = if e.len == 0 { token(e.at).len() } else { e.len };
        QueryError::new(message, Span::new(start, start + len))
    }

    /// Matches keyword `kw` (case-insensitively, as a whole word); returns its span.
    fn keyword<'a>(&self, kw: &'static str, i: &'a str) -> PResult<'a, Span> {
        let (i, _) = ws(i)?;
        let (rest, word) = take_while1(is_ident_char).parse(i)?;
        if word.eq_ignore_ascii_case(kw) {
            Ok((rest, self.span(i, rest)))
        } else {
            backtrack(i, word.len(), format!("expected `{kw}`, found `{word}`"))
        }
    }

    fn statement<'a>(&self, i: &'a str, depth: usize) -> PResult<'a, Statement> {
        let (i, _) = ws(i)?;
        let (rest, word) = take_while(is_ident_char).parse(i)?;
        match word.to_ascii_lowercase().as_str() {
            "claims" => self.claims_query(rest),
            "count" => {
                let (rest, _) = self
                    .keyword("claims", rest)
                    .map_err(|e| cut_with(e, "`count` is followed by `claims`"))?;
                let (rest, filter) = self.opt_where(rest)?;
                self.expect_end(rest, &["where"])?;
                Ok((rest, Statement::CountClaims { filter }))
            }
            "speakers" => Ok((rest, Statement::Speakers)),
            "sources" => Ok((rest, Statement::Sources)),
            "explain" if depth == 0 => {
                let (rest, inner) = self.statement(rest, depth + 1)?;
                Ok((rest, Statement::Explain(Box::new(inner))))
            }
            _ => {
                let starts = ["claims", "count", "speakers", "sources", "explain"];
                let hint = did_you_mean(word, starts)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                fail(
                    i,
                    token(i).len(),
                    format!("expected a statement (claims, count claims, speakers, sources or explain), found {}{hint}", found(i)),
                )
            }
        }
    }

    fn claims_query<'a>(&self, i: &'a str) -> PResult<'a, Statement> {
        let (i, filter) = self.opt_where(i)?;
        let (i, order) = self.opt_order(i)?;
        let (i, limit) = self.opt_limit(i)?;
        let mut expected = Vec::new();
        if filter.is_none() && order.is_none() && limit.is_none() {
            expected.push("where");
        }
        if order.is_none() && limit.is_none() {
            expected.push("order by");
        }
        if limit.is_none() {
            expected.push("limit");
        }
        self.expect_end(i, &expected)?;
        Ok((
            i,
            Statement::Claims(ClaimsQuery {
                filter,
                order,
                limit,
            }),
        ))
    }

    /// Succeeds when only `;`, comments or the end follow; otherwise names the stray token.
    fn expect_end<'a>(&self, i: &'a str, expected: &[&'static str]) -> PResult<'a, ()> {
        let (rest, _) = ws(i)?;
        if rest.is_empty() || rest.starts_with(';') {
            return Ok((i, ()));
        }
        let word = token(rest);
        let hint = did_you_mean(
            word,
            expected.iter().map(|e| e.split(' ').next().unwrap_or(e)),
        )
        .map(|s| format!(": did you mean `{s}`?"))
        .unwrap_or_else(|| {
            let mut list: Vec<String> = expected.iter().map(|e| format!("`{e}`")).collect();
            list.push("the end of the statement".into());
            format!(": expected {}", join_or(&list))
        });
        fail(rest, word.len(), format!("unexpected `{word}`{hint}"))
    }

    fn opt_where<'a>(&self, i: &'a str) -> PResult<'a, Option<Expr>> {
        match self.keyword("where", i) {
            Ok((rest, _)) => {
                let (rest, expr) = self
                    .condition(rest, 0)
                    .map_err(|e| cut_with(e, "expected a condition after `where`"))?;
                Ok((rest, Some(expr)))
            }
            Err(Err::Error(_)) => Ok((i, None)),
            Err(e) => Err(e),
        }
    }

    fn opt_order<'a>(&self, i: &'a str) -> PResult<'a, Option<OrderBy>> {
        let Ok((rest, _)) = self.keyword("order", i) else {
            return Ok((i, None));
        };
        let (rest, _) = self
            .keyword("by", rest)
            .map_err(|e| cut_with(e, "expected `by` after `order`"))?;
        let (rest, field) = self
            .field(rest)
            .map_err(|e| cut_with(e, "expected a field name after `order by`"))?;
        let (rest, descending) = match self.keyword("desc", rest) {
            Ok((r, _)) => (r, true),
            Err(_) => match self.keyword("asc", rest) {
                Ok((r, _)) => (r, false),
                Err(_) => (rest, false),
            },
        };
        Ok((
            rest,
            Some(OrderBy {
                field: field.node,
                descending,
            }),
        ))
    }

    fn opt_limit<'a>(&self, i: &'a str) -> PResult<'a, Option<u64>> {
        let Ok((rest, _)) = self.keyword("limit", i) else {
            return Ok((i, None));
        };
        let (rest, _) = ws(rest)?;
        match digit1::<_, PErr>(rest) {
            Ok((after, digits)) if !after.starts_with(|c: char| is_ident_char(c) || c == '.') => {
                match digits.parse::<u64>() {
                    Ok(n) => Ok((after, Some(n))),
                    Err(_) => fail(rest, digits.len(), "limit is too large"),
                }
            }
            _ => fail(
                rest,
                token(rest).len(),
                format!("`limit` takes a whole number, found {}", found(rest)),
            ),
        }
    }

    fn condition<'a>(&self, i: &'a str, depth: usize) -> PResult<'a, Expr> {
        let (mut i, mut left) = self.conjunction(i, depth)?;
        while let Ok((rest, _)) = self.keyword("or", i) {
            let (rest, right) = self
                .conjunction(rest, depth)
                .map_err(|e| cut_with(e, "expected a condition after `or`"))?;
            left = Expr::Or(Box::new(left), Box::new(right));
            i = rest;
        }
        Ok((i, left))
    }

    fn conjunction<'a>(&self, i: &'a str, depth: usize) -> PResult<'a, Expr> {
        let (mut i, mut left) = self.negation(i, depth)?;
        while let Ok((rest, _)) = self.keyword("and", i) {
            let (rest, right) = self
                .negation(rest, depth)
                .map_err(|e| cut_with(e, "expected a condition after `and`"))?;
            left = Expr::And(Box::new(left), Box::new(right));
            i = rest;
        }
        Ok((i, left))
    }

    fn negation<'a>(&self, i: &'a str, depth: usize) -> PResult<'a, Expr> {
        if depth >= MAX_DEPTH {
            let (at, _) = ws(i)?;
            return fail(
                at,
                1,
                format!("conditions nest more than {MAX_DEPTH} levels deep"),
            );
        }
        match self.keyword("not", i) {
            Ok((rest, _)) => {
                let (rest, inner) = self
                    .negation(rest, depth + 1)
                    .map_err(|e| cut_with(e, "expected a condition after `not`"))?;
                Ok((rest, Expr::Not(Box::new(inner))))
            }
            Err(_) => self.primary(i, depth),
        }
    }

    fn primary<'a>(&self, i: &'a str, depth: usize) -> PResult<'a, Expr> {
        let (i, _) = ws(i)?;
        if let Some(rest) = i.strip_prefix('(') {
            let (rest, inner) = self
                .condition(rest, depth + 1)
                .map_err(|e| cut_with(e, "expected a condition after `(`"))?;
            let (rest, _) = ws(rest)?;
            return match tag::<_, _, PErr>(")").parse(rest) {
                Ok((rest, _)) => Ok((rest, inner)),
                Err(_) => fail(
                    rest,
                    token(rest).len(),
                    format!(
                        "expected `)` to close the `(` at column {}, found {}",
                        self.column_of(i),
                        found(rest)
                    ),
                ),
            };
        }
        self.comparison(i)
    }

    fn column_of(&self, at: &str) -> usize {
        crate::cite::LineIndex::new(self.src)
            .position(self.offset(at))
            .column
    }

    fn field<'a>(&self, i: &'a str) -> PResult<'a, Spanned<Field>> {
        let (i, _) = ws(i)?;
        // No word at all: a recoverable error without a message, so that the
        // caller says what it expected ("a condition after `and`").
        let Ok((rest, word)) = take_while1::<_, _, PErr>(is_ident_char).parse(i) else {
            return Err(Err::Error(PErr {
                at: i,
                len: 0,
                msg: None,
            }));
        };
        match Field::from_name(word) {
            Some(field) => Ok((
                rest,
                Spanned {
                    node: field,
                    span: self.span(i, rest),
                },
            )),
            None => {
                let hint = did_you_mean(word, Field::ALL.iter().map(|f| f.name()))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_else(|| {
                        let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
                        format!("; fields are {}", names.join(", "))
                    });
                fail(i, word.len(), format!("unknown field `{word}`{hint}"))
            }
        }
    }

    fn operator<'a>(&self, i: &'a str, field: Field) -> PResult<'a, Op> {
        let (i, _) = ws(i)?;
        if let Some(rest) = i.strip_prefix("==") {
            return fail(i, i.len() - rest.len(), "use `=` for equality");
        }
        for (text, op) in [
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("!=", Op::Ne),
            ("<>", Op::Ne),
            ("=", Op::Eq),
            ("<", Op::Lt),
            (">", Op::Gt),
        ] {
            if let Some(rest) = i.strip_prefix(text) {
                return Ok((rest, op));
            }
        }
        if let Ok((rest, _)) = self.keyword("contains", i) {
            return Ok((rest, Op::Contains));
        }
        fail(
            i,
            token(i).len(),
            format!(
                "expected an operator (=, !=, <, <=, >, >= or contains) after `{}`, found {}",
                field.name(),
                found(i)
            ),
        )
    }

    fn comparison<'a>(&self, i: &'a str) -> PResult<'a, Expr> {
        let (rest, field) = self.field(i)?;
        let (rest, op) = self.operator(rest, field.node)?;
        let (rest, _) = ws(rest)?;
        let (after, value) = self.literal(rest, op)?;
        let value = Spanned {
            node: value,
            span: self.span(rest, after),
        };
        self.check_types(rest, &field, op, &value)?;
        Ok((after, Expr::Compare { field, op, value }))
    }

    /// Catches type errors before anything runs.
    fn check_types<'a>(
        &self,
        at: &'a str,
        field: &Spanned<Field>,
        op: Op,
        value: &Spanned<Literal>,
    ) -> PResult<'a, ()> {
        let len = value.span.end - value.span.start;
        let name = field.node.name();
        match (field.node.field_type(), &value.node) {
            (FieldType::Number, Literal::Str(s)) => {
                return fail(
                    at,
                    len,
                    format!("`{name}` is a number and cannot be compared with the string {s:?}"),
                );
            }
            (FieldType::Text, Literal::Num(n)) => {
                return fail(at, len, format!("`{name}` is text: write the value in double quotes, as in {name} = \"{n}\""));
            }
            (FieldType::Number, _) if op == Op::Contains => {
                return fail(
                    at,
                    len,
                    format!("`contains` needs a text field, and `{name}` is a number"),
                );
            }
            _ => {}
        }
        if let (Field::Status, Literal::Str(s)) = (field.node, &value.node) {
            if op != Op::Contains && Status::parse(s).is_none() {
                let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
                return fail(
                    at,
                    len,
                    format!("unknown status {s:?}: a status is {}", names.join(", ")),
                );
            }
        }
        Ok((at, ()))
    }

    fn literal<'a>(&self, i: &'a str, op: Op) -> PResult<'a, Literal> {
        if i.starts_with('"') {
            return self.string(i);
        }
        if i.starts_with('\'') {
            return fail(i, 1, "strings are written in double quotes: \"...\"");
        }
        let mut number = recognize((
            opt(char::<&str, PErr>('-')),
            digit1,
            opt((char('.'), digit1)),
        ));
        if let Ok((rest, text)) = number.parse(i) {
            if rest.starts_with(|c: char| is_ident_char(c) || c == '.') {
                let bad = token(rest).len() + (i.len() - rest.len());
                return fail(i, bad, format!("`{}` is not a number", &i[..bad]));
            }
            return match text.parse::<f64>() {
                Ok(n) if n.is_finite() => Ok((rest, Literal::Num(n))),
                _ => fail(
                    i,
                    text.len(),
                    format!("`{text}` is not a number claimdb can hold"),
                ),
            };
        }
        fail(
            i,
            token(i).len(),
            format!(
                "expected a value (a \"string\" or a number) after `{}`, found {}",
                op.as_str(),
                found(i)
            ),
        )
    }

    /// A double-quoted string with `\"`, `\\`, `\n`, `\t`, `\r` and `\u{...}` escapes.
    fn string<'a>(&self, i: &'a str) -> PResult<'a, Literal> {
        let mut out = String::new();
        let mut chars = i.char_indices().skip(1);
        while let Some((at, c)) = chars.next() {
            match c {
                '"' => return Ok((&i[at + 1..], Literal::Str(out))),
                '\\' => {
                    let Some((_, e)) = chars.next() else { break };
                    match e {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        'u' => {
                            let rest = &i[at + 2..];
                            let hex = rest.strip_prefix('{').and_then(|r| r.split_once('}')).map(|(h, _)| h);
                            match hex.and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32) {
                                Some(ch) => {
                                    out.push(ch);
                                    let used = hex.map_or(0, str::len) + 2;
                                    for _ in 0..used {
                                        chars.next();
                                    }
                                }
                                None => return fail(&i[at..], 2, "bad unicode escape: write \\u{XXXX} with hex digits"),
                            }
                        }
                        other => {
                            return fail(&i[at..], 1 + other.len_utf8(), format!("unknown escape `\\{other}` (use \\\" \\\\ \\n \\t \\r or \\u{{...}})"))
                        }
                    }
                }
                c => out.push(c),
            }
        }
        fail(
            i,
            1,
            "unterminated string: no closing `\"` for the quote that opens here",
        )
    }
}

/// Turns a recoverable error into a committed one, adding `msg` when the error had none.
fn cut_with<'a>(e: Err<PErr<'a>>, msg: &str) -> Err<PErr<'a>> {
    match e {
        Err::Error(mut pe) => {
            if pe.msg.is_none()
                || pe
                    .msg
                    .as_deref()
                    .is_some_and(|m| m.starts_with("expected `"))
            {
                pe.msg = Some(format!("{msg}, found {}", found(pe.at)));
            }
            Err::Failure(pe)
        }
        other => other,
    }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
