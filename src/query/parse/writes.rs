//! The parts of statements that write or show one record: `add source`,
//! `add speaker`, `add claim` and their assignments, the tables `update`
//! and `delete` take besides claims, `show source`.

use super::*;

impl StatementParser<'_> {
    /// `sources` or `speakers` (after `update` or `delete`), if next.
    pub(super) fn list_table<'a>(&self, rest: &'a str) -> Option<(&'a str, Table)> {
        if let Ok((rest, _)) = self.keyword(Keyword::Sources, rest) {
            return Some((rest, Table::Sources));
        }
        if let Ok((rest, _)) = self.keyword(Keyword::Speakers, rest) {
            return Some((rest, Table::Speakers));
        }
        None
    }

    /// The `where` condition that changing sources or speakers needs.
    pub(super) fn required_where<'a>(
        &self,
        rest: &'a str,
        table: Table,
        verb: &str,
    ) -> PResult<'a, Expr> {
        let (after, filter) = self.opt_where(rest, table)?;
        match filter {
            Some(f) => Ok((after, f)),
            None => fail(
                rest,
                token(rest).len(),
                format!(
                    "expected `where`: `{verb} {}` needs a condition saying which",
                    table.name()
                ),
            ),
        }
    }

    /// `show source "ID" [lines A [to B]]`, after `show source`.
    pub(super) fn show_source<'a>(&self, rest: &'a str) -> PResult<'a, Statement> {
        let (rest, _) = ws(rest)?;
        let (after, id) = self.value(rest, "a source id after `show source`")?;
        let id = Spanned::new(id, self.span(rest, after));
        let (after, at) = self.opt_as_of(after)?;
        let (rest, show) = self.show_source_lines(after, id)?;
        Ok((rest, super::statement::as_of(at, show)))
    }

    /// `lines N [to M]` after `show source "ID"`, when there.
    fn show_source_lines<'a>(
        &self,
        after: &'a str,
        id: Spanned<Literal>,
    ) -> PResult<'a, Statement> {
        let Ok((rest, _)) = self.keyword(Keyword::Lines, after) else {
            return Ok((after, Statement::ShowSource { id, lines: None }));
        };
        let (rest, _) = ws(rest)?;
        let (after, first) = self.value(rest, "a line number after `lines`")?;
        let first = Spanned::new(first, self.span(rest, after));
        let Ok((rest, _)) = self.keyword(Keyword::To, after) else {
            return Ok((
                after,
                Statement::ShowSource {
                    id,
                    lines: Some((first, None)),
                },
            ));
        };
        let (rest, _) = ws(rest)?;
        let (after, last) = self.value(rest, "a line number after `to`")?;
        let last = Spanned::new(last, self.span(rest, after));
        Ok((
            after,
            Statement::ShowSource {
                id,
                lines: Some((first, Some(last))),
            },
        ))
    }

    pub(super) fn add<'a>(&self, i: &'a str) -> PResult<'a, Statement> {
        let (i, _) = ws(i)?;
        let what = match tok(i) {
            Ok((rest, t)) => Some((rest, t.kind)),
            Err(_) => None,
        };
        match what {
            Some((rest, TokenKind::Keyword(Keyword::Source))) => {
                let (rest, id) = self.string_arg(
                    rest,
                    "the new source's id in double quotes after `add source`",
                )?;
                let (rest, _) = self.expect(
                    Keyword::With,
                    rest,
                    "expected `with` and the source's fields",
                )?;
                let (rest, fields) = self.assignments(rest)?;
                Ok((rest, Statement::AddSource { id, fields }))
            }
            Some((rest, TokenKind::Keyword(Keyword::Speaker))) => {
                let (rest, name) = self.string_arg(
                    rest,
                    "the speaker's name in double quotes after `add speaker`",
                )?;
                let (rest, aliases) = match self.keyword(Keyword::Aliases, rest) {
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
                let (rest, description) = match self.keyword(Keyword::Description, rest) {
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
            Some((rest, TokenKind::Keyword(Keyword::Claim))) => {
                let (rest, _) = self.expect(
                    Keyword::With,
                    rest,
                    "expected `with` and the claim's fields",
                )?;
                let (rest, fields) = self.assignments(rest)?;
                Ok((rest, Statement::AddClaim { fields }))
            }
            _ => {
                for k in [Keyword::Source, Keyword::Speaker, Keyword::Claim] {
                    self.expect_here(i, Expected::Keyword(k));
                }
                fail(
                    i,
                    token(i).len(),
                    format!(
                        "`add` is followed by `source`, `speaker` or `claim`, found {}",
                        found(i)
                    ),
                )
            }
        }
    }

    /// A string (or parameter) argument.
    pub(super) fn string_arg<'a>(&self, i: &'a str, what: &str) -> PResult<'a, Spanned<Literal>> {
        let (i, _) = ws(i)?;
        if !matches!(
            lex_one(i),
            Some((TokenKind::Str { .. } | TokenKind::Param, _))
        ) {
            self.expect_here(i, Expected::Value);
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
    pub(super) fn assignments<'a>(&self, mut i: &'a str) -> PResult<'a, Vec<Assignment>> {
        let mut out = Vec::new();
        loop {
            let (at, _) = ws(i)?;
            let Ok((rest, name)) = self.word(at) else {
                return fail(
                    at,
                    token(at).len(),
                    format!("expected a field name, found {}", found(at)),
                );
            };
            let name = Spanned::new(name.to_ascii_lowercase(), self.span(at, rest));
            let (rest, _) = self
                .punct(Punct::Eq, rest)
                .map_err(|e| cut_with(e, &format!("expected `=` after `{}`", name.node)))?;
            let (rest, _) = ws(rest)?;
            let (after, value) = self.value(rest, &format!("a value after `{} =`", name.node))?;
            out.push(Assignment {
                name,
                value: Spanned::new(value, self.span(rest, after)),
            });
            i = after;
            match self.punct(Punct::Comma, i) {
                Ok((r, _)) => i = r,
                Err(_) => return Ok((i, out)),
            }
        }
    }
}
