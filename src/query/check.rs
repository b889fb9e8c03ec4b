//! Checking a statement before anything runs, once its parameters are
//! bound (`bind.rs`). Every comparison is checked: a
//! number field against a string (`confidence = "high"`), a text operator on
//! a number, an unknown status, a regular expression that does not compile,
//! `is null` on a field that is never null, a `select` that mixes plain
//! fields and aggregates without `group by`, an unknown field in `set` or
//! `with`. Each error points at the offending span.

use super::ast::{
    quote_string, Aggregate, ClaimsQuery, Expr, Field, FieldType, HistoryOf, Literal, Op,
    SelectItem, Spanned, Statement, Table,
};
use super::writes;
use crate::error::QueryError;
use crate::model::{SourceKind, Status};

pub(super) type CheckResult = Result<(), QueryError>;

pub(super) fn err(message: impl Into<String>, span: crate::error::Span) -> QueryError {
    QueryError::new(message, span)
}

/// Checks a bound statement.
pub fn check(stmt: &Statement) -> CheckResult {
    match stmt {
        Statement::Claims(q) => check_claims_query(q),
        Statement::CountClaims { filter, .. } | Statement::Delete { filter } => {
            check_filter(filter.as_ref())
        }
        Statement::List(q) => {
            check_filter(q.filter.as_ref())?;
            for o in &q.order {
                if let SelectItem::Aggregate(..) = o.key.node {
                    return Err(err(
                        "`order by` takes a field here, not an aggregate",
                        o.key.span,
                    ));
                }
            }
            Ok(())
        }
        Statement::ShowClaim(id) => whole_number(id, "a claim id"),
        Statement::Revert { id, version } => {
            whole_number(id, "a claim id")?;
            whole_number(version, "a version number")
        }
        Statement::History { kind, id } => match kind {
            HistoryOf::Claim => whole_number(id, "a claim id"),
            HistoryOf::Source => text(id, "a source id"),
            // A speaker by name, or by id once deleted (its names are gone).
            HistoryOf::Speaker => match &id.node {
                Literal::Num(_) => whole_number(id, "a speaker id"),
                _ => text(id, "a speaker's name"),
            },
        },
        Statement::ShowSource { id, lines } => {
            text(id, "a source id")?;
            if let Some((first, last)) = lines {
                line_number(first)?;
                if let Some(last) = last {
                    line_number(last)?;
                    if let (Literal::Num(a), Literal::Num(b)) = (&first.node, &last.node) {
                        if b < a {
                            return Err(err(
                                format!("the last line ({b}) comes before the first ({a})"),
                                last.span,
                            ));
                        }
                    }
                }
            }
            Ok(())
        }
        Statement::Explain(inner) => check(inner),
        Statement::Because { reason, statement } => {
            text(reason, "the reason")?;
            if !statement.is_write() {
                return Err(err(
                    "`because` gives the reason for a write; a read changes nothing",
                    reason.span,
                ));
            }
            check(statement)
        }
        Statement::AsOf { at, query } => {
            text(at, "a date or a timestamp")?;
            if let Literal::Str(s) = &at.node {
                if crate::text::as_of_bound(s).is_none() {
                    return Err(err(
                        format!("expected a date (2026-11-01) or a UTC timestamp (2026-11-01T09:30:00Z), not {}", quote_string(s)),
                        at.span,
                    ));
                }
            }
            check(query)
        }
        Statement::AddSource { id, fields } => {
            text(id, "a source id")?;
            writes::source_values(fields, id.span).map(drop)
        }
        Statement::AddSpeaker {
            name,
            aliases,
            description,
        } => {
            text(name, "a speaker's name")?;
            for a in aliases {
                text(a, "an alias")?;
            }
            description
                .as_ref()
                .map_or(Ok(()), |d| text(d, "a description"))
        }
        Statement::AddClaim { fields } => {
            let at = fields
                .first()
                .map_or(crate::error::Span::default(), |a| a.name.span);
            writes::claim_values(fields, at).map(drop)
        }
        Statement::Update { set, filter } => {
            check_filter(filter.as_ref())?;
            writes::claim_set(set).map(drop)
        }
        Statement::Alias { alias, speaker } => {
            text(alias, "an alias")?;
            text(speaker, "a speaker's name")
        }
        Statement::UpdateList { table, set, filter } => {
            check_expr(filter)?;
            match table {
                Table::Speakers => writes::speaker_set(set).map(drop),
                _ => writes::source_set(set).map(drop),
            }
        }
        Statement::DeleteList { filter, .. } => check_expr(filter),
        Statement::Merge { from, into } => {
            text(from, "a speaker's name")?;
            text(into, "a speaker's name")
        }
        Statement::Begin | Statement::Commit | Statement::Rollback => Ok(()),
    }
}

fn text(lit: &Spanned<Literal>, what: &str) -> CheckResult {
    match &lit.node {
        Literal::Str(s) if !s.trim().is_empty() => Ok(()),
        Literal::Str(_) => Err(err(format!("{what} must not be empty"), lit.span)),
        _ => Err(err(format!("expected {what} in double quotes"), lit.span)),
    }
}

/// The largest whole number a literal holds exactly (2^53 - 1): numbers are
/// f64, and past this one an id would be rounded to a neighbour.
pub const MAX_WHOLE_NUMBER: f64 = 9_007_199_254_740_991.0;

/// A line number: a whole number from 1.
fn line_number(lit: &Spanned<Literal>) -> CheckResult {
    whole_number(lit, "a line number")?;
    match lit.node {
        Literal::Num(n) if n < 1.0 => Err(err("line numbers start at 1", lit.span)),
        _ => Ok(()),
    }
}

fn whole_number(lit: &Spanned<Literal>, what: &str) -> CheckResult {
    match lit.node {
        Literal::Num(n) if n > MAX_WHOLE_NUMBER => Err(err(
            format!("{what} is too large (the largest is {MAX_WHOLE_NUMBER})"),
            lit.span,
        )),
        Literal::Num(n) if n >= 0.0 && n.fract() == 0.0 => Ok(()),
        _ => Err(err(format!("expected {what}: a whole number"), lit.span)),
    }
}

fn check_claims_query(q: &ClaimsQuery) -> CheckResult {
    check_filter(q.filter.as_ref())?;
    let select = q.select.as_deref().unwrap_or(&[]);
    let has_aggregate = select
        .iter()
        .any(|s| matches!(s.node, SelectItem::Aggregate(..)));
    for item in select {
        match item.node {
            SelectItem::Aggregate(a @ (Aggregate::Avg | Aggregate::Sum), Some(f))
                if f.field_type() != FieldType::Number =>
            {
                return Err(err(
                    format!(
                        "`{}` needs a number field, and `{}` is text",
                        a.name(),
                        f.name()
                    ),
                    item.span,
                ));
            }
            SelectItem::Field(f)
                if (has_aggregate || q.group_by.is_some())
                    && q.group_by.as_ref().is_none_or(|g| g.node != f) =>
            {
                return Err(err(
                    format!("`{}` is neither grouped nor aggregated: add `group by {}` or use it in an aggregate", f.name(), f.name()),
                    item.span,
                ));
            }
            _ => {}
        }
    }
    let grouped = has_aggregate || q.group_by.is_some();
    for o in &q.order {
        match o.key.node {
            SelectItem::Aggregate(..) if !grouped => {
                return Err(err(
                    "aggregates can only be ordered by in a grouped query (add `group by`)",
                    o.key.span,
                ))
            }
            SelectItem::Field(f) if grouped && q.group_by.as_ref().is_none_or(|g| g.node != f) => {
                return Err(err(
                    format!(
                        "a grouped query can be ordered by `{}` only if it is grouped by it",
                        f.name()
                    ),
                    o.key.span,
                ))
            }
            SelectItem::Aggregate(..)
                if grouped
                    && !select.iter().any(|s| s.node == o.key.node)
                    && o.key.node != SelectItem::Aggregate(Aggregate::Count, None) =>
            {
                return Err(err(
                    format!("`{}` is not in the `select` list", o.key.node),
                    o.key.span,
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_filter(filter: Option<&Expr>) -> CheckResult {
    filter.map_or(Ok(()), check_expr)
}

fn check_expr(e: &Expr) -> CheckResult {
    match e {
        Expr::Or(a, b) | Expr::And(a, b) => {
            check_expr(a)?;
            check_expr(b)
        }
        Expr::Not(a) => check_expr(a),
        Expr::Compare { field, op, value } => check_compare(field, *op, value),
        Expr::In { field, values } => values
            .iter()
            .try_for_each(|v| check_compare(field, Op::Eq, v)),
        Expr::Between { field, low, high } => {
            check_compare(field, Op::Ge, low)?;
            check_compare(field, Op::Le, high)
        }
        Expr::IsNull { field, .. } => {
            if field.node.nullable() {
                Ok(())
            } else {
                Err(err(
                    format!("`{}` is never null", field.node.name()),
                    field.span,
                ))
            }
        }
        Expr::HasTag(tag) => text(tag, "a tag"),
        Expr::Bool(_) => Ok(()),
    }
}

fn check_compare(field: &Spanned<Field>, op: Op, value: &Spanned<Literal>) -> CheckResult {
    let name = field.node.name();
    let span = value.span;
    match (field.node.field_type(), &value.node) {
        (_, Literal::List(_)) => {
            return Err(err(
                format!(
                    "`{}` compares with one value; use `{name} in (...)` for a list",
                    op.as_str()
                ),
                span,
            ))
        }
        (_, Literal::Param(p)) => return Err(err(format!("no value is bound to ${p}"), span)),
        (FieldType::Number, Literal::Str(s)) => {
            return Err(err(
                format!(
                    "`{name}` is a number and cannot be compared with the string {}",
                    quote_string(s)
                ),
                span,
            ));
        }
        (FieldType::Text, Literal::Num(n)) => {
            return Err(err(
                format!(
                    "`{name}` is text: write the value in double quotes, as in {name} = \"{n}\""
                ),
                span,
            ));
        }
        (FieldType::Number, _) if op.is_textual() => {
            return Err(err(
                format!(
                    "`{}` needs a text field, and `{name}` is a number",
                    op.as_str()
                ),
                span,
            ));
        }
        _ => {}
    }
    if let Literal::Str(s) = &value.node {
        if field.node == Field::Status && !op.is_textual() && Status::parse(s).is_none() {
            let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
            return Err(err(
                format!(
                    "unknown status {}: a status is {}",
                    quote_string(s),
                    names.join(", ")
                ),
                span,
            ));
        }
        if field.node == Field::Kind
            && !op.is_textual()
            && !SourceKind::ALL
                .iter()
                .any(|k| k.as_str() == s.to_lowercase())
        {
            let kinds: Vec<&str> = SourceKind::ALL.iter().map(|k| k.as_str()).collect();
            return Err(err(
                format!(
                    "unknown kind {}: a kind is {}",
                    quote_string(s),
                    kinds.join(", ")
                ),
                span,
            ));
        }
        if op == Op::Matches {
            compile_regex(s).map_err(|m| err(m, span))?;
        }
    }
    Ok(())
}

/// The compiled-program size a `matches` pattern may reach: patterns are
/// matched in linear time (the regex crate has no backtracking), and this
/// bounds the memory a hostile pattern can claim.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Compiles a `matches` pattern, case-insensitively.
pub fn compile_regex(pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .nest_limit(64)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => "regular expression is too large".to_string(),
            other => format!(
                "bad regular expression: {}",
                other.to_string().lines().last().unwrap_or("").trim()
            ),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;
    use crate::query::{bind, Params};

    fn checked(q: &str) -> Result<Statement, QueryError> {
        let mut s = parse(q)?;
        bind(&mut s, &Params::new().bind(1, "White").bind("min", 0.8))?;
        check(&s)?;
        Ok(s)
    }

    #[test]
    fn binds_and_checks() {
        checked(r#"claims where speaker = $1 and confidence >= $min"#).unwrap();
        let e = checked(r#"claims where speaker = $2"#).unwrap_err();
        assert_eq!(e.message, "no value is bound to $2");
        let e = checked(r#"claims where confidence = $1"#).unwrap_err();
        assert!(
            e.message.starts_with("`confidence` is a number"),
            "{}",
            e.message
        );
        let e = checked(r#"claims where quote matches "(unclosed""#).unwrap_err();
        assert!(
            e.message.starts_with("bad regular expression"),
            "{}",
            e.message
        );
        let e = checked(r#"claims where speaker is null"#).unwrap_err();
        assert_eq!(e.message, "`speaker` is never null");
        let e = checked(r#"claims select speaker, count(*)"#).unwrap_err();
        assert!(
            e.message.contains("neither grouped nor aggregated"),
            "{}",
            e.message
        );
        checked(r#"claims select speaker, count(*), avg(confidence) group by speaker order by count desc"#).unwrap_err();
        checked(r#"claims select speaker, count(*), avg(confidence) group by speaker order by count(*) desc"#).unwrap();
        let e = checked(r#"update claims set confidance = 0.5 where id = 1"#).unwrap_err();
        assert_eq!(
            e.message,
            "`confidance` cannot be set here (did you mean `confidence`?)"
        );
    }
}
