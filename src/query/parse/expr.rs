//! Conditions: `or` over `and` over `not` over comparisons and
//! parentheses, bounded in depth and in the number of comparisons.

use super::*;

impl StatementParser<'_> {
    pub(super) fn condition<'a>(
        &self,
        i: &'a str,
        table: Table,
        depth: usize,
    ) -> PResult<'a, Expr> {
        let (mut i, mut left) = self.conjunction(i, table, depth)?;
        while let Ok((rest, _)) = self.keyword(Keyword::Or, i) {
            let (rest, right) = self
                .conjunction(rest, table, depth)
                .map_err(|e| cut_with(e, "expected a condition after `or`"))?;
            left = Expr::Or(Box::new(left), Box::new(right));
            i = rest;
        }
        Ok((i, left))
    }

    pub(super) fn conjunction<'a>(
        &self,
        i: &'a str,
        table: Table,
        depth: usize,
    ) -> PResult<'a, Expr> {
        let (mut i, mut left) = self.negation(i, table, depth)?;
        while let Ok((rest, _)) = self.keyword(Keyword::And, i) {
            let (rest, right) = self
                .negation(rest, table, depth)
                .map_err(|e| cut_with(e, "expected a condition after `and`"))?;
            left = Expr::And(Box::new(left), Box::new(right));
            i = rest;
        }
        Ok((i, left))
    }

    pub(super) fn negation<'a>(&self, i: &'a str, table: Table, depth: usize) -> PResult<'a, Expr> {
        if depth >= MAX_DEPTH {
            let (at, _) = ws(i)?;
            return fail_kind(
                at,
                1,
                QueryErrorKind::TooComplex,
                format!("conditions nest more than {MAX_DEPTH} levels deep"),
            );
        }
        match self.keyword(Keyword::Not, i) {
            Ok((rest, _)) => {
                let (rest, inner) = self
                    .negation(rest, table, depth + 1)
                    .map_err(|e| cut_with(e, "expected a condition after `not`"))?;
                Ok((rest, Expr::Not(Box::new(inner))))
            }
            Err(_) => self.primary(i, table, depth),
        }
    }

    pub(super) fn primary<'a>(&self, i: &'a str, table: Table, depth: usize) -> PResult<'a, Expr> {
        let (i, _) = ws(i)?;
        if let Ok((rest, _)) = self.punct(Punct::LParen, i) {
            let (rest, inner) = self
                .condition(rest, table, depth + 1)
                .map_err(|e| cut_with(e, "expected a condition after `(`"))?;
            let (rest, _) = ws(rest)?;
            return match self.punct(Punct::RParen, rest) {
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
        let at = self.offset(i) + 1;
        if at > self.last_term.get() {
            self.last_term.set(at);
            self.terms.set(self.terms.get() + 1);
        }
        if self.terms.get() > MAX_CONDITION_TERMS {
            return fail_kind(
                i,
                token(i).len(),
                QueryErrorKind::TooComplex,
                format!(
                    "the condition has more than {MAX_CONDITION_TERMS} comparisons \
                     (for many values, use `in (...)`)"
                ),
            );
        }
        for (keyword, value) in [(Keyword::True, true), (Keyword::False, false)] {
            if let Ok((rest, _)) = self.keyword(keyword, i) {
                return Ok((rest, Expr::Bool(value)));
            }
        }
        if let Ok((rest, _)) = self.keyword(Keyword::Has, i) {
            if table != Table::Claims {
                return fail(
                    i,
                    3,
                    format!("`has tag` applies to claims, not {}", table.name()),
                );
            }
            let (rest, _) = self.expect(Keyword::Tag, rest, "expected `tag` after `has`")?;
            let (rest, _) = ws(rest)?;
            let (after, tag) = self.value(rest, "a tag after `has tag`")?;
            return Ok((
                after,
                Expr::HasTag(Spanned::new(tag, self.span(rest, after))),
            ));
        }
        self.predicate(i, table)
    }

    pub(super) fn field<'a>(&self, i: &'a str, table: Table) -> PResult<'a, Spanned<Field>> {
        let (i, _) = ws(i)?;
        self.expect_here(i, Expected::Field(table));
        // No word at all: a recoverable error without a message, so that the
        // caller says what it expected ("a condition after `and`").
        let (rest, word) = self.word(i)?;
        match Field::lookup(table, word) {
            Some(field) => Ok((rest, Spanned::new(field, self.span(i, rest)))),
            None => {
                let names: Vec<&str> = Field::of(table).iter().map(|f| f.name_in(table)).collect();
                let hint = did_you_mean(word, names.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_else(|| format!("; {} have {}", table.name(), names.join(", ")));
                fail_kind(
                    i,
                    word.len(),
                    QueryErrorKind::UnknownField,
                    format!("unknown field `{word}`{hint}"),
                )
            }
        }
    }

    pub(super) fn operator<'a>(&self, i: &'a str, field: Field) -> PResult<'a, Op> {
        let (i, _) = ws(i)?;
        if let Ok((
            _,
            Tok {
                kind: TokenKind::Punct(Punct::EqEq),
                text,
            },
        )) = tok(i)
        {
            return fail(i, text.len(), "use `=` for equality");
        }
        for (punct, op) in [
            (Punct::Eq, Op::Eq),
            (Punct::Ne, Op::Ne),
            (Punct::LtGt, Op::Ne),
            (Punct::Lt, Op::Lt),
            (Punct::Le, Op::Le),
            (Punct::Gt, Op::Gt),
            (Punct::Ge, Op::Ge),
        ] {
            if let Ok((rest, _)) = self.punct(punct, i) {
                return Ok((rest, op));
            }
        }
        if let Ok((rest, _)) = self.keyword(Keyword::Contains, i) {
            return Ok((rest, Op::Contains));
        }
        if let Ok((rest, _)) = self.keyword(Keyword::Matches, i) {
            return Ok((rest, Op::Matches));
        }
        if let Ok((rest, _)) = self.keyword(Keyword::Starts, i) {
            let (rest, _) = self.expect(Keyword::With, rest, "expected `with` after `starts`")?;
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

    pub(super) fn predicate<'a>(&self, i: &'a str, table: Table) -> PResult<'a, Expr> {
        let (rest, field) = self.field(i, table)?;
        // `in`, `not in`, `between`, `is [not] null`
        let (negated_in, after_not) = match self.keyword(Keyword::Not, rest) {
            Ok((r, _)) => (true, r),
            Err(_) => (false, rest),
        };
        if let Ok((r, _)) = self.keyword(Keyword::In, after_not) {
            let (r, _) = ws(r)?;
            // `in $names`: a parameter bound to a list (expanded by `bind`).
            let (after, values) = if matches!(lex_one(r), Some((TokenKind::Param, _))) {
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
        if let Ok((r, _)) = self.keyword(Keyword::Between, rest) {
            let (r, _) = ws(r)?;
            let (after_low, low) = self.value(r, "a value after `between`")?;
            let low = Spanned::new(low, self.span(r, after_low));
            let (r2, _) = self.expect(
                Keyword::And,
                after_low,
                "expected `and` between the bounds of `between`",
            )?;
            let (r2, _) = ws(r2)?;
            let (after, high) = self.value(r2, "a value after `and`")?;
            let high = Spanned::new(high, self.span(r2, after));
            return Ok((after, Expr::Between { field, low, high }));
        }
        if let Ok((r, _)) = self.keyword(Keyword::Is, rest) {
            let (r, negated) = match self.keyword(Keyword::Not, r) {
                Ok((r, _)) => (r, true),
                Err(_) => (r, false),
            };
            let (r, _) = self.expect(Keyword::Null, r, "expected `null` after `is`")?;
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
}
