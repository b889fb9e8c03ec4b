//! Binding parameters: `$1` and `$name` replaced by the values the caller
//! bound, never spliced into the query text. A list bound after `in`
//! becomes its values; `limit $n` and `offset $m` become numbers.

use super::ast::{Expr, Literal, Spanned, Statement};
use super::check::{err, CheckResult, MAX_WHOLE_NUMBER};

/// Values bound to a statement's parameters: `$1` is named "1".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params(Vec<(String, Literal)>);

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Params::default()
    }

    /// The values bound, by name (`"1"` for `$1`), in the order bound.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Literal)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// Binds `$name` (or `$1` for `name` = "1") to `value`: text, any
    /// number, or a list of them (for `in`).
    ///
    /// ```
    /// use claimdb::Params;
    /// let p = Params::new().bind(1, 1).bind("speaker", "Thae").bind("min", 0.8).bind("ids", vec![1u8, 2]);
    /// # let _ = p;
    /// ```
    pub fn bind(mut self, name: impl ToString, value: impl Into<Literal>) -> Self {
        let name = name.to_string();
        let name = name.trim_start_matches('$').to_string();
        self.0.retain(|(n, _)| *n != name);
        self.0.push((name, value.into()));
        self
    }

    fn get(&self, name: &str) -> Option<&Literal> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

impl From<&str> for Literal {
    fn from(s: &str) -> Self {
        Literal::Str(s.to_string())
    }
}
impl From<String> for Literal {
    fn from(s: String) -> Self {
        Literal::Str(s)
    }
}
/// Any number binds: `bind(1, 1)`, `bind("min", 0.8)`, `bind("n", len)`.
macro_rules! numbers_bind {
    ($($t:ty),*) => {$(
        impl From<$t> for Literal {
            fn from(n: $t) -> Self {
                Literal::Num(n as f64)
            }
        }
    )*};
}
numbers_bind!(f64, f32, i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl<T: Into<Literal>> From<Vec<T>> for Literal {
    fn from(items: Vec<T>) -> Self {
        Literal::List(items.into_iter().map(Into::into).collect())
    }
}

/// Replaces every parameter in `stmt` by its bound value.
pub fn bind(stmt: &mut Statement, params: &Params) -> CheckResult {
    let mut result = Ok(());
    visit_literals(stmt, &mut |lit: &mut Spanned<Literal>| {
        if result.is_err() {
            return;
        }
        if let Literal::Param(name) = &lit.node {
            match params.get(name) {
                Some(value) => lit.node = value.clone(),
                None => result = Err(param_err(format!("no value is bound to ${name}"), lit.span)),
            }
        }
    });
    result?;
    bind_limits(stmt, params)?;
    // `field in $list`: the bound list's items become the values.
    visit_exprs(stmt, &mut |e| {
        if let Expr::In { values, .. } = e {
            if values.iter().any(|v| matches!(v.node, Literal::List(_))) {
                *values = std::mem::take(values)
                    .into_iter()
                    .flat_map(|v| match v.node {
                        Literal::List(items) => items
                            .into_iter()
                            .map(|i| Spanned::new(i, v.span))
                            .collect::<Vec<_>>(),
                        other => vec![Spanned::new(other, v.span)],
                    })
                    .collect();
            }
        }
    });
    Ok(())
}

/// `limit $n` and `offset $m`: the bound values, which must be whole
/// numbers, become the statement's limit and offset.
fn bind_limits(stmt: &mut Statement, params: &Params) -> CheckResult {
    let (limit, offset, slots) = match stmt {
        Statement::Claims(q) => (&mut q.limit, &mut q.offset, &mut q.limit_params),
        Statement::List(q) => (&mut q.limit, &mut q.offset, &mut q.limit_params),
        Statement::Explain(inner)
        | Statement::AsOf { query: inner, .. }
        | Statement::Because {
            statement: inner, ..
        } => return bind_limits(inner, params),
        _ => return Ok(()),
    };
    for (slot, target, what) in [
        (&mut slots.limit, limit, "limit"),
        (&mut slots.offset, offset, "offset"),
    ] {
        let Some(param) = slot.take() else { continue };
        let value = params.get(&param.node).ok_or_else(|| {
            param_err(format!("no value is bound to ${}", param.node), param.span)
        })?;
        match value {
            Literal::Num(n) if *n >= 0.0 && n.fract() == 0.0 && *n <= MAX_WHOLE_NUMBER => {
                *target = Some(*n as u64)
            }
            other => {
                return Err(param_err(
                    format!(
                        "`{what}` takes a whole number, and ${} is {other}",
                        param.node
                    ),
                    param.span,
                ))
            }
        }
    }
    Ok(())
}

/// Calls `f` on every condition node of `stmt`.
fn visit_exprs(stmt: &mut Statement, f: &mut dyn FnMut(&mut Expr)) {
    fn walk(e: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
        f(e);
        match e {
            Expr::Or(a, b) | Expr::And(a, b) => {
                walk(a, f);
                walk(b, f);
            }
            Expr::Not(a) => walk(a, f),
            _ => {}
        }
    }
    let filter = match stmt {
        Statement::Claims(q) => q.filter.as_mut(),
        Statement::List(q) => q.filter.as_mut(),
        Statement::CountClaims { filter, .. }
        | Statement::Delete { filter }
        | Statement::Update { filter, .. } => filter.as_mut(),
        Statement::Explain(inner)
        | Statement::AsOf { query: inner, .. }
        | Statement::Because {
            statement: inner, ..
        } => return visit_exprs(inner, f),
        _ => None,
    };
    if let Some(e) = filter {
        walk(e, f);
    }
}

/// Calls `f` on every literal of the statement, in order.
fn visit_literals(stmt: &mut Statement, f: &mut dyn FnMut(&mut Spanned<Literal>)) {
    fn expr(e: &mut Expr, f: &mut dyn FnMut(&mut Spanned<Literal>)) {
        match e {
            Expr::Or(a, b) | Expr::And(a, b) => {
                expr(a, f);
                expr(b, f);
            }
            Expr::Not(a) => expr(a, f),
            Expr::Compare { value, .. } => f(value),
            Expr::In { values, .. } => values.iter_mut().for_each(&mut *f),
            Expr::Between { low, high, .. } => {
                f(low);
                f(high);
            }
            Expr::IsNull { .. } | Expr::Bool(_) => {}
            Expr::HasTag(tag) => f(tag),
        }
    }
    match stmt {
        Statement::Claims(q) => {
            if let Some(e) = &mut q.filter {
                expr(e, f)
            }
        }
        Statement::CountClaims { filter, .. } | Statement::Delete { filter } => {
            if let Some(e) = filter {
                expr(e, f)
            }
        }
        Statement::List(q) => {
            if let Some(e) = &mut q.filter {
                expr(e, f)
            }
        }
        Statement::ShowClaim(id) | Statement::History { id, .. } => f(id),
        Statement::Revert { id, version } => {
            f(id);
            f(version)
        }
        Statement::ShowSource { id, lines } => {
            f(id);
            if let Some((first, last)) = lines {
                f(first);
                if let Some(last) = last {
                    f(last);
                }
            }
        }
        Statement::Explain(inner) => visit_literals(inner, f),
        Statement::AsOf { at, query } => {
            f(at);
            visit_literals(query, f)
        }
        Statement::Because { reason, statement } => {
            f(reason);
            visit_literals(statement, f)
        }
        Statement::AddSource { id, fields } => {
            f(id);
            fields.iter_mut().for_each(|a| f(&mut a.value));
        }
        Statement::AddSpeaker {
            name,
            aliases,
            description,
        } => {
            f(name);
            aliases.iter_mut().for_each(&mut *f);
            if let Some(d) = description {
                f(d)
            }
        }
        Statement::AddClaim { fields } => fields.iter_mut().for_each(|a| f(&mut a.value)),
        Statement::Update { set, filter } => {
            set.iter_mut().for_each(|a| f(&mut a.value));
            if let Some(e) = filter {
                expr(e, f)
            }
        }
        Statement::Merge { from, into } => {
            f(from);
            f(into);
        }
        Statement::UpdateList { set, filter, .. } => {
            set.iter_mut().for_each(|a| f(&mut a.value));
            expr(filter, f);
        }
        Statement::DeleteList { filter, .. } => expr(filter, f),
        Statement::Alias { alias, speaker } => {
            f(alias);
            f(speaker);
        }
        Statement::Begin | Statement::Commit | Statement::Rollback => {}
    }
}

/// An error about a parameter's value (or its absence).
fn param_err(message: String, span: crate::error::Span) -> crate::error::QueryError {
    err(message, span).with_kind(crate::error::QueryErrorKind::Parameter)
}
