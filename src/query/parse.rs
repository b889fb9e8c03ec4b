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

use nom::bytes::complete::{take_while, take_while1};
use nom::character::complete::{char, digit1};
use nom::combinator::{opt, recognize};
use nom::error::{ErrorKind, ParseError};
use nom::{Err, IResult, Parser};

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

/// Names what was found at `rest`, for "expected X, found Y" messages.
fn found(rest: &str) -> String {
    match token(rest) {
        "" => "the end of the statement".to_string(),
        t => format!("`{t}`"),
    }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Turns a recoverable error into a committed one, adding `msg` when the error
/// had none (or only a generic "expected `x`").
fn cut_with<'a>(e: Err<PErr<'a>>, msg: &str) -> Err<PErr<'a>> {
    match e {
        Err::Error(mut pe) => {
            if pe
                .msg
                .as_deref()
                .is_none_or(|m| m.starts_with("expected `"))
            {
                pe.msg = Some(format!("{msg}, found {}", found(pe.at)));
            }
            Err::Failure(pe)
        }
        other => other,
    }
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

    fn column_of(&self, at: &str) -> usize {
        crate::cite::LineIndex::new(self.src)
            .position(self.offset(at))
            .column
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

    /// A keyword that must be there, with a message for when it is not.
    fn expect<'a>(&self, kw: &'static str, i: &'a str, msg: &str) -> PResult<'a, Span> {
        self.keyword(kw, i).map_err(|e| cut_with(e, msg))
    }

    /// A punctuation mark, after optional whitespace.
    fn punct<'a>(&self, p: char, i: &'a str) -> PResult<'a, ()> {
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

    fn statement<'a>(&self, i: &'a str, depth: usize) -> PResult<'a, Statement> {
        let (i, _) = ws(i)?;
        let (rest, word) = take_while(is_ident_char).parse(i)?;
        match word.to_ascii_lowercase().as_str() {
            "claims" => self.claims_query(rest),
            "count" => {
                let (rest, _) = self.expect("claims", rest, "`count` is followed by `claims`")?;
                let (rest, filter) = self.opt_where(rest, Table::Claims)?;
                let (rest, group_by) = self.opt_group_by(rest)?;
                let mut expected = vec![];
                if filter.is_none() && group_by.is_none() {
                    expected.push("where");
                }
                if group_by.is_none() {
                    expected.push("group by");
                }
                self.expect_end(rest, &expected)?;
                Ok((rest, Statement::CountClaims { filter, group_by }))
            }
            "speakers" => self.list_query(rest, Table::Speakers),
            "sources" => self.list_query(rest, Table::Sources),
            "show" => {
                let (rest, _) = self.expect(
                    "claim",
                    rest,
                    "`show` is followed by `claim` and a claim id",
                )?;
                let (rest, _) = ws(rest)?;
                let (after, id) = self.value(rest, "a claim id after `show claim`")?;
                Ok((
                    after,
                    Statement::ShowClaim(Spanned::new(id, self.span(rest, after))),
                ))
            }
            "explain" if depth == 0 => {
                let (rest, inner) = self.statement(rest, depth + 1)?;
                Ok((rest, Statement::Explain(Box::new(inner))))
            }
            "add" => self.add(rest),
            "update" => {
                let (rest, _) = self.expect("claims", rest, "`update` is followed by `claims`")?;
                let (rest, _) = self.expect("set", rest, "expected `set` after `update claims`")?;
                let (rest, set) = self.assignments(rest)?;
                let (rest, filter) = self.opt_where(rest, Table::Claims)?;
                self.expect_end(rest, if filter.is_none() { &["where"] } else { &[] })?;
                Ok((rest, Statement::Update { set, filter }))
            }
            "delete" => {
                let (rest, _) = self.expect("claims", rest, "`delete` is followed by `claims`")?;
                let (rest, filter) = self.opt_where(rest, Table::Claims)?;
                self.expect_end(rest, if filter.is_none() { &["where"] } else { &[] })?;
                Ok((rest, Statement::Delete { filter }))
            }
            "alias" => {
                let (rest, alias) =
                    self.string_arg(rest, "a new name in double quotes after `alias`")?;
                let (rest, _) = self.expect("to", rest, "expected `to` and the speaker's name")?;
                let (rest, speaker) =
                    self.string_arg(rest, "the speaker's name in double quotes after `to`")?;
                Ok((rest, Statement::Alias { alias, speaker }))
            }
            "begin" => Ok((rest, Statement::Begin)),
            "commit" => Ok((rest, Statement::Commit)),
            "rollback" => Ok((rest, Statement::Rollback)),
            _ => {
                let hint = did_you_mean(word, STATEMENTS.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                fail(
                    i,
                    token(i).len(),
                    format!(
                        "expected a statement (claims, count claims, speakers, sources, show claim, explain, add, update, delete, alias, begin, commit or rollback), found {}{hint}",
                        found(i)
                    ),
                )
            }
        }
    }

    fn claims_query<'a>(&self, i: &'a str) -> PResult<'a, Statement> {
        let (i, select) = self.opt_select(i)?;
        let (i, filter) = self.opt_where(i, Table::Claims)?;
        let (i, group_by) = self.opt_group_by(i)?;
        let (i, order) = self.opt_order(i, Table::Claims)?;
        let (i, (limit, offset, limit_params)) = self.opt_limit(i)?;
        let mut expected = Vec::new();
        let seen = [
            select.is_some(),
            filter.is_some(),
            group_by.is_some(),
            !order.is_empty(),
            limit.is_some() || limit_params.limit.is_some(),
        ];
        for (n, clause) in ["select", "where", "group by", "order by", "limit"]
            .into_iter()
            .enumerate()
        {
            if !seen[n..].iter().any(|&s| s) {
                expected.push(clause);
            }
        }
        let has_limit = limit.is_some() || limit_params.limit.is_some();
        if has_limit && offset.is_none() && limit_params.offset.is_none() {
            expected.push("offset");
        }
        self.expect_end(i, &expected)?;
        Ok((
            i,
            Statement::Claims(ClaimsQuery {
                select,
                filter,
                group_by,
                order,
                limit,
                offset,
                limit_params,
            }),
        ))
    }

    fn list_query<'a>(&self, i: &'a str, table: Table) -> PResult<'a, Statement> {
        let (i, select) = match self.keyword("select", i) {
            Ok((mut rest, _)) => {
                let mut fields = Vec::new();
                loop {
                    let (r, f) = self
                        .field(rest, table)
                        .map_err(|e| cut_with(e, "expected a field in `select`"))?;
                    fields.push(f);
                    match self.punct(',', r) {
                        Ok((r, _)) => rest = r,
                        Err(_) => break (r, Some(fields)),
                    }
                }
            }
            Err(_) => (i, None),
        };
        let (i, filter) = self.opt_where(i, table)?;
        let (i, order) = self.opt_order(i, table)?;
        let (i, (limit, offset, limit_params)) = self.opt_limit(i)?;
        let mut expected = Vec::new();
        let limited = limit.is_some() || limit_params.limit.is_some();
        if select.is_none() && filter.is_none() && order.is_empty() && !limited {
            expected.push("select");
        }
        if filter.is_none() && order.is_empty() && !limited {
            expected.push("where");
        }
        if !limited {
            if order.is_empty() {
                expected.push("order by");
            }
            expected.push("limit");
        }
        self.expect_end(i, &expected)?;
        Ok((
            i,
            Statement::List(ListQuery {
                table,
                select,
                filter,
                order,
                limit,
                offset,
                limit_params,
            }),
        ))
    }

    fn add<'a>(&self, i: &'a str) -> PResult<'a, Statement> {
        let (i, _) = ws(i)?;
        let (rest, what) = take_while(is_ident_char).parse(i)?;
        match what.to_ascii_lowercase().as_str() {
            "source" => {
                let (rest, id) = self.string_arg(
                    rest,
                    "the new source's id in double quotes after `add source`",
                )?;
                let (rest, _) =
                    self.expect("with", rest, "expected `with` and the source's fields")?;
                let (rest, fields) = self.assignments(rest)?;
                Ok((rest, Statement::AddSource { id, fields }))
            }
            "speaker" => {
                let (rest, name) = self.string_arg(
                    rest,
                    "the speaker's name in double quotes after `add speaker`",
                )?;
                let (rest, aliases) = match self.keyword("aliases", rest) {
                    Ok((r, _)) => {
                        let (r, _) = ws(r)?;
                        let (after, list) = self.list(r)?;
                        let items = list
                            .into_iter()
                            .map(|(lit, span)| Spanned::new(lit, span))
                            .collect();
                        (after, items)
                    }
                    Err(_) => (rest, Vec::new()),
                };
                let (rest, description) = match self.keyword("description", rest) {
                    Ok((r, _)) => {
                        let (r, d) = self.string_arg(r, "a description in double quotes")?;
                        (r, Some(d))
                    }
                    Err(_) => (rest, None),
                };
                Ok((
                    rest,
                    Statement::AddSpeaker {
                        name,
                        aliases,
                        description,
                    },
                ))
            }
            "claim" => {
                let (rest, _) =
                    self.expect("with", rest, "expected `with` and the claim's fields")?;
                let (rest, fields) = self.assignments(rest)?;
                Ok((rest, Statement::AddClaim { fields }))
            }
            _ => fail(
                i,
                token(i).len(),
                format!(
                    "`add` is followed by `source`, `speaker` or `claim`, found {}",
                    found(i)
                ),
            ),
        }
    }

    /// A string (or parameter) argument.
    fn string_arg<'a>(&self, i: &'a str, what: &str) -> PResult<'a, Spanned<Literal>> {
        let (i, _) = ws(i)?;
        if !(i.starts_with('"') || i.starts_with('$')) {
            return fail(
                i,
                token(i).len(),
                format!("expected {what}, found {}", found(i)),
            );
        }
        let (rest, value) = self.value(i, what)?;
        Ok((rest, Spanned::new(value, self.span(i, rest))))
    }

    /// `name = value, ...`
    fn assignments<'a>(&self, mut i: &'a str) -> PResult<'a, Vec<Assignment>> {
        let mut out = Vec::new();
        loop {
            let (at, _) = ws(i)?;
            let Ok((rest, name)) = take_while1::<_, _, PErr>(is_ident_char).parse(at) else {
                return fail(
                    at,
                    token(at).len(),
                    format!("expected a field name, found {}", found(at)),
                );
            };
            let name = Spanned::new(name.to_ascii_lowercase(), self.span(at, rest));
            let (rest, _) = self
                .punct('=', rest)
                .map_err(|e| cut_with(e, &format!("expected `=` after `{}`", name.node)))?;
            let (rest, _) = ws(rest)?;
            let (after, value) = self.value(rest, &format!("a value after `{} =`", name.node))?;
            out.push(Assignment {
                name,
                value: Spanned::new(value, self.span(rest, after)),
            });
            i = after;
            match self.punct(',', i) {
                Ok((r, _)) => i = r,
                Err(_) => return Ok((i, out)),
            }
        }
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

    fn opt_select<'a>(&self, i: &'a str) -> PResult<'a, Option<Vec<Spanned<SelectItem>>>> {
        let Ok((mut rest, _)) = self.keyword("select", i) else {
            return Ok((i, None));
        };
        let mut items = Vec::new();
        loop {
            let (r, item) = self.select_item(rest, Table::Claims).map_err(|e| {
                cut_with(
                    e,
                    "expected a field or an aggregate (count, avg, min, max, sum) in `select`",
                )
            })?;
            items.push(item);
            match self.punct(',', r) {
                Ok((r, _)) => rest = r,
                Err(_) => return Ok((r, Some(items))),
            }
        }
    }

    /// A field, or `count(*)`, `avg(field)`, ...
    fn select_item<'a>(&self, i: &'a str, table: Table) -> PResult<'a, Spanned<SelectItem>> {
        let (i, _) = ws(i)?;
        let (rest, word) = take_while1(is_ident_char).parse(i)?;
        let aggregate = match word.to_ascii_lowercase().as_str() {
            "count" => Some(Aggregate::Count),
            "avg" => Some(Aggregate::Avg),
            "min" => Some(Aggregate::Min),
            "max" => Some(Aggregate::Max),
            "sum" => Some(Aggregate::Sum),
            _ => None,
        };
        if let (Some(agg), Ok((r, _))) = (aggregate, self.punct('(', rest)) {
            let (r, _) = ws(r)?;
            let (r, field) = if let Some(after_star) = r.strip_prefix('*') {
                if agg != Aggregate::Count {
                    return fail(
                        r,
                        1,
                        format!(
                            "`{}(*)` is not defined: name a numeric field, as in {}(confidence)",
                            agg.name(),
                            agg.name()
                        ),
                    );
                }
                (after_star, None)
            } else {
                let (r, f) = self
                    .field(r, table)
                    .map_err(|e| cut_with(e, "expected a field or `*`"))?;
                (r, Some(f.node))
            };
            let (r, _) = self
                .punct(')', r)
                .map_err(|e| cut_with(e, "expected `)`"))?;
            return Ok((
                r,
                Spanned::new(SelectItem::Aggregate(agg, field), self.span(i, r)),
            ));
        }
        let (rest, field) = self.field(i, table)?;
        Ok((
            rest,
            Spanned::new(SelectItem::Field(field.node), field.span),
        ))
    }

    fn opt_where<'a>(&self, i: &'a str, table: Table) -> PResult<'a, Option<Expr>> {
        match self.keyword("where", i) {
            Ok((rest, _)) => {
                let (rest, expr) = self
                    .condition(rest, table, 0)
                    .map_err(|e| cut_with(e, "expected a condition after `where`"))?;
                Ok((rest, Some(expr)))
            }
            Err(Err::Error(_)) => Ok((i, None)),
            Err(e) => Err(e),
        }
    }

    fn opt_group_by<'a>(&self, i: &'a str) -> PResult<'a, Option<Spanned<Field>>> {
        let Ok((rest, _)) = self.keyword("group", i) else {
            return Ok((i, None));
        };
        let (rest, _) = self.expect("by", rest, "expected `by` after `group`")?;
        let (rest, field) = self
            .field(rest, Table::Claims)
            .map_err(|e| cut_with(e, "expected a field name after `group by`"))?;
        Ok((rest, Some(field)))
    }

    fn opt_order<'a>(&self, i: &'a str, table: Table) -> PResult<'a, Vec<OrderBy>> {
        let Ok((mut rest, _)) = self.keyword("order", i) else {
            return Ok((i, Vec::new()));
        };
        rest = self.expect("by", rest, "expected `by` after `order`")?.0;
        let mut keys = Vec::new();
        loop {
            let (r, key) = self
                .select_item(rest, table)
                .map_err(|e| cut_with(e, "expected a field name after `order by`"))?;
            let (r, descending) = match self.keyword("desc", r) {
                Ok((r, _)) => (r, true),
                Err(_) => match self.keyword("asc", r) {
                    Ok((r, _)) => (r, false),
                    Err(_) => (r, false),
                },
            };
            keys.push(OrderBy { key, descending });
            match self.punct(',', r) {
                Ok((r, _)) => rest = r,
                Err(_) => return Ok((r, keys)),
            }
        }
    }

    fn whole_number<'a>(&self, i: &'a str, what: &str) -> PResult<'a, u64> {
        let (i, _) = ws(i)?;
        match digit1::<_, PErr>(i) {
            Ok((after, digits)) if !after.starts_with(|c: char| is_ident_char(c) || c == '.') => {
                match digits.parse::<u64>() {
                    Ok(n) => Ok((after, n)),
                    Err(_) => fail(i, digits.len(), format!("{what} is too large")),
                }
            }
            _ => fail(
                i,
                token(i).len(),
                format!("`{what}` takes a whole number, found {}", found(i)),
            ),
        }
    }

    /// `limit N [offset M]`, where N and M may be `$parameters`.
    #[allow(clippy::type_complexity)]
    fn opt_limit<'a>(&self, i: &'a str) -> PResult<'a, (Option<u64>, Option<u64>, LimitParams)> {
        let mut params = LimitParams::default();
        let Ok((rest, _)) = self.keyword("limit", i) else {
            return Ok((i, (None, None, params)));
        };
        let (rest, limit) = self.count_or_param(rest, "limit", &mut params.limit)?;
        match self.keyword("offset", rest) {
            Ok((r, _)) => {
                let (r, offset) = self.count_or_param(r, "offset", &mut params.offset)?;
                Ok((r, (limit, offset, params)))
            }
            Err(_) => Ok((rest, (limit, None, params))),
        }
    }

    /// A whole number, or a `$parameter` (recorded in `param`, the number left `None`).
    fn count_or_param<'a>(
        &self,
        i: &'a str,
        what: &str,
        param: &mut Option<Spanned<String>>,
    ) -> PResult<'a, Option<u64>> {
        let (i, _) = ws(i)?;
        if i.starts_with('$') {
            let (after, value) = self.value(i, what)?;
            if let Literal::Param(name) = value {
                *param = Some(Spanned::new(name, self.span(i, after)));
            }
            return Ok((after, None));
        }
        let (after, n) = self.whole_number(i, what)?;
        Ok((after, Some(n)))
    }

    fn condition<'a>(&self, i: &'a str, table: Table, depth: usize) -> PResult<'a, Expr> {
        let (mut i, mut left) = self.conjunction(i, table, depth)?;
        while let Ok((rest, _)) = self.keyword("or", i) {
            let (rest, right) = self
                .conjunction(rest, table, depth)
                .map_err(|e| cut_with(e, "expected a condition after `or`"))?;
            left = Expr::Or(Box::new(left), Box::new(right));
            i = rest;
        }
        Ok((i, left))
    }

    fn conjunction<'a>(&self, i: &'a str, table: Table, depth: usize) -> PResult<'a, Expr> {
        let (mut i, mut left) = self.negation(i, table, depth)?;
        while let Ok((rest, _)) = self.keyword("and", i) {
            let (rest, right) = self
                .negation(rest, table, depth)
                .map_err(|e| cut_with(e, "expected a condition after `and`"))?;
            left = Expr::And(Box::new(left), Box::new(right));
            i = rest;
        }
        Ok((i, left))
    }

    fn negation<'a>(&self, i: &'a str, table: Table, depth: usize) -> PResult<'a, Expr> {
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
                    .negation(rest, table, depth + 1)
                    .map_err(|e| cut_with(e, "expected a condition after `not`"))?;
                Ok((rest, Expr::Not(Box::new(inner))))
            }
            Err(_) => self.primary(i, table, depth),
        }
    }

    fn primary<'a>(&self, i: &'a str, table: Table, depth: usize) -> PResult<'a, Expr> {
        let (i, _) = ws(i)?;
        if let Some(rest) = i.strip_prefix('(') {
            let (rest, inner) = self
                .condition(rest, table, depth + 1)
                .map_err(|e| cut_with(e, "expected a condition after `(`"))?;
            let (rest, _) = ws(rest)?;
            return match rest.strip_prefix(')') {
                Some(rest) => Ok((rest, inner)),
                None => fail(
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
        let at = self.offset(i) + 1;
        if at > self.last_term.get() {
            self.last_term.set(at);
            self.terms.set(self.terms.get() + 1);
        }
        if self.terms.get() > MAX_CONDITION_TERMS {
            return fail(
                i,
                token(i).len(),
                format!(
                    "the condition has more than {MAX_CONDITION_TERMS} comparisons \
                     (for many values, use `in (...)`)"
                ),
            );
        }
        if let Ok((rest, _)) = self.keyword("has", i) {
            if table != Table::Claims {
                return fail(
                    i,
                    3,
                    format!("`has tag` applies to claims, not {}", table.name()),
                );
            }
            let (rest, _) = self.expect("tag", rest, "expected `tag` after `has`")?;
            let (rest, _) = ws(rest)?;
            let (after, tag) = self.value(rest, "a tag after `has tag`")?;
            return Ok((
                after,
                Expr::HasTag(Spanned::new(tag, self.span(rest, after))),
            ));
        }
        self.predicate(i, table)
    }

    fn field<'a>(&self, i: &'a str, table: Table) -> PResult<'a, Spanned<Field>> {
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
        match Field::lookup(table, word) {
            Some(field) => Ok((rest, Spanned::new(field, self.span(i, rest)))),
            None => {
                let names: Vec<&str> = Field::of(table).iter().map(|f| f.name_in(table)).collect();
                let hint = did_you_mean(word, names.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_else(|| format!("; {} have {}", table.name(), names.join(", ")));
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
        if let Ok((rest, _)) = self.keyword("matches", i) {
            return Ok((rest, Op::Matches));
        }
        if let Ok((rest, _)) = self.keyword("starts", i) {
            let (rest, _) = self.expect("with", rest, "expected `with` after `starts`")?;
            return Ok((rest, Op::StartsWith));
        }
        let word = token(i);
        let hint = did_you_mean(
            word,
            ["contains", "matches", "starts", "between", "in", "is"],
        )
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
        fail(
            i,
            word.len(),
            format!(
                "expected an operator (=, !=, <, <=, >, >=, contains, starts with, matches, in, between or is null) after `{}`, found {}{hint}",
                field.name(),
                found(i)
            ),
        )
    }

    fn predicate<'a>(&self, i: &'a str, table: Table) -> PResult<'a, Expr> {
        let (rest, field) = self.field(i, table)?;
        // `in`, `not in`, `between`, `is [not] null`
        let (negated_in, after_not) = match self.keyword("not", rest) {
            Ok((r, _)) => (true, r),
            Err(_) => (false, rest),
        };
        if let Ok((r, _)) = self.keyword("in", after_not) {
            let (r, _) = ws(r)?;
            // `in $names`: a parameter bound to a list (expanded by `bind`).
            let (after, values) = if r.starts_with('$') {
                let (after, param) = self.value(r, "a list")?;
                (after, vec![(param, self.span(r, after))])
            } else {
                self.list(r)?
            };
            let values = values
                .into_iter()
                .map(|(v, s)| Spanned::new(v, s))
                .collect();
            let e = Expr::In { field, values };
            return Ok((
                after,
                if negated_in {
                    Expr::Not(Box::new(e))
                } else {
                    e
                },
            ));
        }
        if negated_in {
            let (at, _) = ws(after_not)?;
            return fail(
                at,
                token(at).len(),
                format!(
                    "expected `in` after `{} not`, found {}",
                    field.node.name(),
                    found(at)
                ),
            );
        }
        if let Ok((r, _)) = self.keyword("between", rest) {
            let (r, _) = ws(r)?;
            let (after_low, low) = self.value(r, "a value after `between`")?;
            let low = Spanned::new(low, self.span(r, after_low));
            let (r2, _) = self.expect(
                "and",
                after_low,
                "expected `and` between the bounds of `between`",
            )?;
            let (r2, _) = ws(r2)?;
            let (after, high) = self.value(r2, "a value after `and`")?;
            let high = Spanned::new(high, self.span(r2, after));
            return Ok((after, Expr::Between { field, low, high }));
        }
        if let Ok((r, _)) = self.keyword("is", rest) {
            let (r, negated) = match self.keyword("not", r) {
                Ok((r, _)) => (r, true),
                Err(_) => (r, false),
            };
            let (r, _) = self.expect("null", r, "expected `null` after `is`")?;
            return Ok((r, Expr::IsNull { field, negated }));
        }
        let (rest, op) = self.operator(rest, field.node)?;
        let (rest, _) = ws(rest)?;
        let what = format!("a value after `{}`", op.as_str());
        let (after, value) = if matches!(field.node, Field::Status | Field::Kind) {
            self.value_or_word(rest, &what)?
        } else {
            self.value(rest, &what)?
        };
        let value = Spanned::new(value, self.span(rest, after));
        Ok((after, Expr::Compare { field, op, value }))
    }

    /// A value, or a bare word standing for a string (`status = verified`).
    fn value_or_word<'a>(&self, i: &'a str, what: &str) -> PResult<'a, Literal> {
        match take_while1::<_, _, PErr>(|c: char| c.is_ascii_alphabetic()).parse(i) {
            Ok((rest, word)) if !rest.starts_with(is_ident_char) => {
                Ok((rest, Literal::Str(word.to_ascii_lowercase())))
            }
            _ => self.value(i, what),
        }
    }

    /// `(value, ...)`, with each value's span.
    fn list<'a>(&self, i: &'a str) -> PResult<'a, Vec<(Literal, Span)>> {
        let Some(mut rest) = i.strip_prefix('(') else {
            return fail(
                i,
                token(i).len(),
                format!(
                    "expected a list in parentheses, as in (\"a\", \"b\"), found {}",
                    found(i)
                ),
            );
        };
        let mut items = Vec::new();
        loop {
            let (r, _) = ws(rest)?;
            if let Some(r) = r.strip_prefix(')') {
                return Ok((r, items));
            }
            if !items.is_empty() {
                let Some(r2) = r.strip_prefix(',') else {
                    return fail(
                        r,
                        token(r).len(),
                        format!("expected `,` or `)` in the list, found {}", found(r)),
                    );
                };
                let (r2, _) = ws(r2)?;
                let (after, v) = self.value(r2, "a value in the list")?;
                items.push((v, self.span(r2, after)));
                rest = after;
            } else {
                let (after, v) = self.value(r, "a value in the list")?;
                items.push((v, self.span(r, after)));
                rest = after;
            }
        }
    }

    /// A string, a number, a list or a parameter.
    fn value<'a>(&self, i: &'a str, what: &str) -> PResult<'a, Literal> {
        if i.starts_with('"') {
            return self.string(i);
        }
        if i.starts_with('\'') {
            return fail(i, 1, "strings are written in double quotes: \"...\"");
        }
        if i.starts_with('(') {
            let (rest, items) = self.list(i)?;
            return Ok((
                rest,
                Literal::List(items.into_iter().map(|(v, _)| v).collect()),
            ));
        }
        if let Some(rest) = i.strip_prefix('$') {
            return match take_while1::<_, _, PErr>(is_ident_char).parse(rest) {
                Ok((after, name)) => Ok((after, Literal::Param(name.to_string()))),
                Err(_) => fail(
                    i,
                    1,
                    "a parameter is `$` and a number or a name, as in $1 or $speaker",
                ),
            };
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
        let word = token(i);
        let hint = if !word.is_empty() && word.chars().all(is_ident_char) {
            format!(" (text is written in double quotes: \"{word}\")")
        } else {
            String::new()
        };
        fail(
            i,
            word.len(),
            format!("expected {what} (a \"string\", a number, a (list) or a $parameter), found {}{hint}", found(i)),
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
                                None => {
                                    return fail(&i[at..], 2, "bad unicode escape: write \\u{XXXX} with hex digits")
                                }
                            }
                        }
                        other => {
                            return fail(
                                &i[at..],
                                1 + other.len_utf8(),
                                format!("unknown escape `\\{other}` (use \\\" \\\\ \\n \\t \\r or \\u{{...}})"),
                            )
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
