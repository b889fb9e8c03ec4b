//! Statements and their clauses: claims queries, lists, add, update,
//! delete, alias, transactions, explain; select, where, group by, order by,
//! limit.

use super::*;
use crate::query::ast::HistoryOf;

impl StatementParser<'_> {
    pub(super) fn statement<'a>(&self, i: &'a str, depth: usize) -> PResult<'a, Statement> {
        let (i, _) = ws(i)?;
        let next = tok(i);
        let keyword = match next {
            Ok((
                rest,
                Tok {
                    kind: TokenKind::Keyword(k),
                    ..
                },
            )) if STATEMENTS.contains(&k) && (k != Keyword::Explain || depth == 0) => {
                Some((rest, k))
            }
            _ => None,
        };
        let Some((rest, keyword)) = keyword else {
            for &k in STATEMENTS {
                if k != Keyword::Explain || depth == 0 {
                    self.expect_here(i, Expected::Keyword(k));
                }
            }
            let word = next.ok().and_then(|(_, t)| t.word()).unwrap_or("");
            let hint = did_you_mean(word, STATEMENTS.iter().map(|k| k.as_str()))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return fail(
                i,
                token(i).len(),
                format!(
                    "expected a statement (claims, count claims, speakers, sources, show claim, show source, history, revert, explain, add, update, delete, alias, merge, begin, commit or rollback), found {}{hint}",
                    found(i)
                ),
            );
        };
        match keyword {
            Keyword::Claims => {
                let (rest, at) = self.opt_as_of(rest)?;
                let (rest, query) = self.claims_query(rest)?;
                Ok((rest, as_of(at, query)))
            }
            Keyword::Count => {
                let (rest, _) =
                    self.expect(Keyword::Claims, rest, "`count` is followed by `claims`")?;
                let (rest, at) = self.opt_as_of(rest)?;
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
                Ok((rest, as_of(at, Statement::CountClaims { filter, group_by })))
            }
            Keyword::Speakers | Keyword::Sources => {
                let table = if keyword == Keyword::Speakers {
                    Table::Speakers
                } else {
                    Table::Sources
                };
                let (rest, at) = self.opt_as_of(rest)?;
                let (rest, query) = self.list_query(rest, table)?;
                Ok((rest, as_of(at, query)))
            }
            Keyword::Show => {
                if let Ok((after, _)) = self.keyword(Keyword::Source, rest) {
                    return self.show_source(after);
                }
                let (rest, _) = self.expect(
                    Keyword::Claim,
                    rest,
                    "`show` is followed by `claim` and a claim id, or `source` and a source id",
                )?;
                let (rest, _) = ws(rest)?;
                let (after, id) = self.value(rest, "a claim id after `show claim`")?;
                let show = Statement::ShowClaim(Spanned::new(id, self.span(rest, after)));
                let (after, at) = self.opt_as_of(after)?;
                Ok((after, as_of(at, show)))
            }
            Keyword::History => {
                let (kind, after_kind) = if let Ok((after, _)) = self.keyword(Keyword::Claim, rest)
                {
                    (HistoryOf::Claim, after)
                } else if let Ok((after, _)) = self.keyword(Keyword::Source, rest) {
                    (HistoryOf::Source, after)
                } else {
                    let (after, _) = self.expect(
                        Keyword::Speaker,
                        rest,
                        "`history` is followed by `claim`, `source` or `speaker` and which one",
                    )?;
                    (HistoryOf::Speaker, after)
                };
                let (rest, _) = ws(after_kind)?;
                let what = match kind {
                    HistoryOf::Claim => "a claim id after `history claim`",
                    HistoryOf::Source => "a source id after `history source`",
                    HistoryOf::Speaker => "a speaker's name or id after `history speaker`",
                };
                let (after, id) = self.value(rest, what)?;
                self.expect_end(after, &[])?;
                Ok((
                    after,
                    Statement::History {
                        kind,
                        id: Spanned::new(id, self.span(rest, after)),
                    },
                ))
            }
            Keyword::Revert => {
                let (rest, _) = self.expect(
                    Keyword::Claim,
                    rest,
                    "`revert` is followed by `claim`, its id, `to version` and a version",
                )?;
                let (rest, _) = ws(rest)?;
                let (after, id) = self.value(rest, "a claim id after `revert claim`")?;
                let id = Spanned::new(id, self.span(rest, after));
                let (rest, _) = self.expect(
                    Keyword::To,
                    after,
                    "expected `to version` after the claim id",
                )?;
                let (rest, _) =
                    self.expect(Keyword::Version, rest, "expected `version` after `to`")?;
                let (rest, _) = ws(rest)?;
                let (after, version) = self.value(rest, "a version number after `to version`")?;
                self.expect_end(after, &[])?;
                Ok((
                    after,
                    Statement::Revert {
                        id,
                        version: Spanned::new(version, self.span(rest, after)),
                    },
                ))
            }
            Keyword::Explain => {
                let (rest, inner) = self.statement(rest, depth + 1)?;
                Ok((rest, Statement::Explain(Box::new(inner))))
            }
            Keyword::Add => self.add(rest),
            Keyword::Update => {
                if let Some((rest, table)) = self.list_table(rest) {
                    let (rest, _) = self.expect(
                        Keyword::Set,
                        rest,
                        &format!("expected `set` after `update {}`", table.name()),
                    )?;
                    let (rest, set) = self.assignments(rest)?;
                    let (rest, filter) = self.required_where(rest, table, "update")?;
                    self.expect_end(rest, &[])?;
                    return Ok((rest, Statement::UpdateList { table, set, filter }));
                }
                let (rest, _) = self.expect(
                    Keyword::Claims,
                    rest,
                    "`update` is followed by `claims`, `sources` or `speakers`",
                )?;
                let (rest, _) =
                    self.expect(Keyword::Set, rest, "expected `set` after `update claims`")?;
                let (rest, set) = self.assignments(rest)?;
                let (rest, filter) = self.opt_where(rest, Table::Claims)?;
                self.expect_end(rest, if filter.is_none() { &["where"] } else { &[] })?;
                Ok((rest, Statement::Update { set, filter }))
            }
            Keyword::Delete => {
                if let Some((rest, table)) = self.list_table(rest) {
                    let (rest, filter) = self.required_where(rest, table, "delete")?;
                    let (rest, cascade) = match self.keyword(Keyword::Cascade, rest) {
                        Ok((rest, _)) => (rest, true),
                        Err(_) => (rest, false),
                    };
                    self.expect_end(rest, if cascade { &[] } else { &["cascade"] })?;
                    return Ok((
                        rest,
                        Statement::DeleteList {
                            table,
                            filter,
                            cascade,
                        },
                    ));
                }
                let (rest, _) = self.expect(
                    Keyword::Claims,
                    rest,
                    "`delete` is followed by `claims`, `sources` or `speakers`",
                )?;
                let (rest, filter) = self.opt_where(rest, Table::Claims)?;
                self.expect_end(rest, if filter.is_none() { &["where"] } else { &[] })?;
                Ok((rest, Statement::Delete { filter }))
            }
            Keyword::Alias => {
                let (rest, alias) =
                    self.string_arg(rest, "a new name in double quotes after `alias`")?;
                let (rest, _) =
                    self.expect(Keyword::To, rest, "expected `to` and the speaker's name")?;
                let (rest, speaker) =
                    self.string_arg(rest, "the speaker's name in double quotes after `to`")?;
                Ok((rest, Statement::Alias { alias, speaker }))
            }
            Keyword::Merge => {
                let (rest, _) =
                    self.expect(Keyword::Speaker, rest, "`merge` is followed by `speaker`")?;
                let (rest, from) = self.string_arg(
                    rest,
                    "the name of the speaker to merge, in double quotes, after `merge speaker`",
                )?;
                let (rest, _) = self.expect(
                    Keyword::Into,
                    rest,
                    "expected `into` and the speaker who stays",
                )?;
                let (rest, into) = self.string_arg(
                    rest,
                    "the name of the speaker who stays, in double quotes, after `into`",
                )?;
                Ok((rest, Statement::Merge { from, into }))
            }
            Keyword::Begin => Ok((rest, Statement::Begin)),
            Keyword::Commit => Ok((rest, Statement::Commit)),
            _ => Ok((rest, Statement::Rollback)),
        }
    }

    /// `as of "2026-11-01"` (a date or a UTC timestamp, or a parameter)
    /// after `claims`, `count claims`, `speakers` or `sources`, or after
    /// the id of `show claim` or `show source`, when there.
    pub(super) fn opt_as_of<'a>(&self, i: &'a str) -> PResult<'a, Option<Spanned<Literal>>> {
        let Ok((rest, _)) = self.keyword(Keyword::As, i) else {
            return Ok((i, None));
        };
        let (rest, _) = self.expect(Keyword::Of, rest, "`as` is followed by `of` and a date")?;
        let (rest, _) = ws(rest)?;
        let (after, at) = self.value(rest, "a date or a timestamp after `as of`")?;
        Ok((after, Some(Spanned::new(at, self.span(rest, after)))))
    }

    pub(super) fn claims_query<'a>(&self, i: &'a str) -> PResult<'a, Statement> {
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

    pub(super) fn list_query<'a>(&self, i: &'a str, table: Table) -> PResult<'a, Statement> {
        let (i, select) = match self.keyword(Keyword::Select, i) {
            Ok((mut rest, _)) => {
                let mut fields = Vec::new();
                loop {
                    let (r, f) = self
                        .field(rest, table)
                        .map_err(|e| cut_with(e, "expected a field in `select`"))?;
                    fields.push(f);
                    match self.punct(Punct::Comma, r) {
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

    /// Succeeds when only `;`, comments or the end follow; otherwise names the stray token.
    pub(super) fn expect_end<'a>(&self, i: &'a str, expected: &[&'static str]) -> PResult<'a, ()> {
        let (rest, _) = ws(i)?;
        // `... because "the ministry retracted the figure"`: the reason a
        // write records (a read is refused it by the checks).
        if let Ok((after, _)) = self.keyword(Keyword::Because, rest) {
            let (after, _) = ws(after)?;
            let (end, reason) =
                self.value(after, "the reason, in double quotes, after `because`")?;
            if self.because.borrow().is_some() {
                return fail(
                    rest,
                    "because".len(),
                    "a write takes one `because`".to_string(),
                );
            }
            *self.because.borrow_mut() = Some(Spanned::new(reason, self.span(after, end)));
            return self.expect_end(end, expected).map(|(_, ())| (end, ()));
        }
        if matches!(
            lex_one(rest),
            None | Some((TokenKind::Punct(Punct::Semicolon), _))
        ) {
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

    pub(super) fn opt_select<'a>(
        &self,
        i: &'a str,
    ) -> PResult<'a, Option<Vec<Spanned<SelectItem>>>> {
        let Ok((mut rest, _)) = self.keyword(Keyword::Select, i) else {
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
            match self.punct(Punct::Comma, r) {
                Ok((r, _)) => rest = r,
                Err(_) => return Ok((r, Some(items))),
            }
        }
    }

    /// A field, or `count(*)`, `avg(field)`, ...
    pub(super) fn select_item<'a>(
        &self,
        i: &'a str,
        table: Table,
    ) -> PResult<'a, Spanned<SelectItem>> {
        let (i, _) = ws(i)?;
        let (rest, word) = self.word(i).inspect_err(|_| {
            self.expect_here(i, Expected::Field(table));
        })?;
        let aggregate = match word.to_ascii_lowercase().as_str() {
            "count" => Some(Aggregate::Count),
            "avg" => Some(Aggregate::Avg),
            "min" => Some(Aggregate::Min),
            "max" => Some(Aggregate::Max),
            "sum" => Some(Aggregate::Sum),
            _ => None,
        };
        if let (Some(agg), Ok((r, _))) = (aggregate, self.punct(Punct::LParen, rest)) {
            let (r, _) = ws(r)?;
            let (r, field) = if let Ok((after_star, _)) = self.punct(Punct::Star, r) {
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
                .punct(Punct::RParen, r)
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

    pub(super) fn opt_where<'a>(&self, i: &'a str, table: Table) -> PResult<'a, Option<Expr>> {
        match self.keyword(Keyword::Where, i) {
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

    pub(super) fn opt_group_by<'a>(&self, i: &'a str) -> PResult<'a, Option<Spanned<Field>>> {
        let Ok((rest, _)) = self.keyword(Keyword::Group, i) else {
            return Ok((i, None));
        };
        let (rest, _) = self.expect(Keyword::By, rest, "expected `by` after `group`")?;
        let (rest, field) = self
            .field(rest, Table::Claims)
            .map_err(|e| cut_with(e, "expected a field name after `group by`"))?;
        Ok((rest, Some(field)))
    }

    pub(super) fn opt_order<'a>(&self, i: &'a str, table: Table) -> PResult<'a, Vec<OrderBy>> {
        let Ok((mut rest, _)) = self.keyword(Keyword::Order, i) else {
            return Ok((i, Vec::new()));
        };
        rest = self
            .expect(Keyword::By, rest, "expected `by` after `order`")?
            .0;
        let mut keys = Vec::new();
        loop {
            let (r, key) = self
                .select_item(rest, table)
                .map_err(|e| cut_with(e, "expected a field name after `order by`"))?;
            let (r, descending) = match self.keyword(Keyword::Desc, r) {
                Ok((r, _)) => (r, true),
                Err(_) => match self.keyword(Keyword::Asc, r) {
                    Ok((r, _)) => (r, false),
                    Err(_) => (r, false),
                },
            };
            keys.push(OrderBy { key, descending });
            match self.punct(Punct::Comma, r) {
                Ok((r, _)) => rest = r,
                Err(_) => return Ok((r, keys)),
            }
        }
    }

    pub(super) fn whole_number<'a>(&self, i: &'a str, what: &str) -> PResult<'a, u64> {
        let (i, _) = ws(i)?;
        match tok(i) {
            Ok((after, t))
                if t.kind == TokenKind::Number && t.text.bytes().all(|b| b.is_ascii_digit()) =>
            {
                match t.text.parse::<u64>() {
                    Ok(n) => Ok((after, n)),
                    Err(_) => fail_kind(
                        i,
                        t.text.len(),
                        QueryErrorKind::BadNumber,
                        format!("{what} is too large"),
                    ),
                }
            }
            _ => {
                self.expect_here(i, Expected::Value);
                fail(
                    i,
                    token(i).len(),
                    format!("`{what}` takes a whole number, found {}", found(i)),
                )
            }
        }
    }

    /// `limit N [offset M]`, where N and M may be `$parameters`.
    #[allow(clippy::type_complexity)]
    pub(super) fn opt_limit<'a>(
        &self,
        i: &'a str,
    ) -> PResult<'a, (Option<u64>, Option<u64>, LimitParams)> {
        let mut params = LimitParams::default();
        let Ok((rest, _)) = self.keyword(Keyword::Limit, i) else {
            return Ok((i, (None, None, params)));
        };
        let (rest, limit) = self.count_or_param(rest, "limit", &mut params.limit)?;
        match self.keyword(Keyword::Offset, rest) {
            Ok((r, _)) => {
                let (r, offset) = self.count_or_param(r, "offset", &mut params.offset)?;
                Ok((r, (limit, offset, params)))
            }
            Err(_) => Ok((rest, (limit, None, params))),
        }
    }

    /// A whole number, or a `$parameter` (recorded in `param`, the number left `None`).
    pub(super) fn count_or_param<'a>(
        &self,
        i: &'a str,
        what: &str,
        param: &mut Option<Spanned<String>>,
    ) -> PResult<'a, Option<u64>> {
        let (i, _) = ws(i)?;
        if matches!(lex_one(i), Some((TokenKind::Param, _))) {
            let (after, value) = self.value(i, what)?;
            if let Literal::Param(name) = value {
                *param = Some(Spanned::new(name, self.span(i, after)));
            }
            return Ok((after, None));
        }
        let (after, n) = self.whole_number(i, what)?;
        Ok((after, Some(n)))
    }
}

/// `query`, read as the database stood at `at` when given.
pub(super) fn as_of(at: Option<Spanned<Literal>>, query: Statement) -> Statement {
    match at {
        Some(at) => Statement::AsOf {
            at,
            query: Box::new(query),
        },
        None => query,
    }
}
