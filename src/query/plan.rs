//! Choosing how to find the claims a condition asks for.
//!
//! The planner looks at the conditions joined by `and` at the top of the
//! `where` clause. Each one that indexes can answer is a candidate access
//! path: equality (or `in`, or `has tag`) on speaker, source, origin, tag or
//! status reads one index entry range per value; an `or` whose every branch
//! is indexable reads the union of their ranges; the confidence conditions
//! together make one range of the confidence index. The planner counts the
//! index entries each candidate would read (capped, so planning stays cheap)
//! and takes the smallest, unless it would read as much as a full scan.
//! Whatever the access path, the executor still applies the whole condition
//! to each claim it reads, so an index only ever narrows the search and
//! cannot change the answer.

use std::fmt;

use serde::Serialize;

use super::ast::{Expr, Field, Literal, Op, SelectItem, Statement};
use crate::error::Result;
use crate::model::{Confidence, Status};
use crate::store::{IndexScan, ReadView};

/// Index entries counted at most when estimating (a bound on planning cost).
const ESTIMATE_CAP: usize = 100_000;

/// How a statement's claims are found.
#[derive(Debug, Clone, PartialEq)]
pub enum Access {
    /// Read the claim ids one index range holds.
    Index(IndexScan),
    /// Read the claim ids of several index ranges, each claim once.
    Union(Vec<IndexScan>),
    /// Read every claim.
    FullScan,
    /// Nothing can match (a speaker no one is called): read nothing.
    Nothing(String),
}

/// The plan `explain` shows and the executor follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// How records are found.
    pub access: Access,
    /// What is scanned: "claims", "speakers" or "sources".
    pub table: &'static str,
    /// How many records the access path reads (exact for indexes up to a cap).
    pub estimated_rows: u64,
    /// The condition applied to each record read, as written.
    pub filter: Option<String>,
    /// `group by`, as written.
    pub group_by: Option<String>,
    /// `order by`, as written.
    pub order: Option<String>,
    /// `limit` and `offset`.
    pub limit: Option<(u64, u64)>,
    /// For a write: what it does to the records found.
    pub action: Option<&'static str>,
}

/// A plan in the form `--format json` prints.
#[derive(Debug, Serialize)]
struct PlanJson<'a> {
    access: &'a str,
    table: &'a str,
    indexes: Vec<String>,
    estimated_rows: u64,
    filter: Option<&'a str>,
    group_by: Option<&'a str>,
    order: Option<&'a str>,
    limit: Option<u64>,
    offset: Option<u64>,
    action: Option<&'a str>,
}

impl Plan {
    /// One line per step, as `explain` prints them.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![match &self.access {
            Access::Index(scan) => format!(
                "index {} on {} (about {} rows)",
                scan.index_name(),
                describe_scan(scan),
                self.estimated_rows
            ),
            Access::Union(scans) => format!(
                "union of {} index ranges: {} (about {} rows)",
                scans.len(),
                scans
                    .iter()
                    .map(|s| format!("{} on {}", s.index_name(), describe_scan(s)))
                    .collect::<Vec<_>>()
                    .join("; "),
                self.estimated_rows
            ),
            Access::FullScan => {
                format!("full scan of {} ({} rows)", self.table, self.estimated_rows)
            }
            Access::Nothing(why) => format!("no rows: {why}"),
        }];
        if let Some(f) = &self.filter {
            lines.push(format!("filter {f}"));
        }
        if let Some(g) = &self.group_by {
            lines.push(format!("group by {g}"));
        }
        if let Some(o) = &self.order {
            lines.push(format!("sort by {o}"));
        }
        if let Some((limit, offset)) = self.limit {
            if offset > 0 {
                lines.push(format!("limit {limit} offset {offset}"));
            } else {
                lines.push(format!("limit {limit}"));
            }
        }
        if let Some(a) = self.action {
            lines.push(a.to_string());
        }
        lines
    }

    /// The plan as a JSON value.
    pub fn to_json(&self) -> serde_json::Value {
        let (access, indexes) = match &self.access {
            Access::Index(scan) => (
                "index",
                vec![format!("{} on {}", scan.index_name(), describe_scan(scan))],
            ),
            Access::Union(scans) => (
                "union",
                scans
                    .iter()
                    .map(|s| format!("{} on {}", s.index_name(), describe_scan(s)))
                    .collect(),
            ),
            Access::FullScan => ("full_scan", vec![]),
            Access::Nothing(_) => ("nothing", vec![]),
        };
        let json = PlanJson {
            access,
            table: self.table,
            indexes,
            estimated_rows: self.estimated_rows,
            filter: self.filter.as_deref(),
            group_by: self.group_by.as_deref(),
            order: self.order.as_deref(),
            limit: self.limit.map(|l| l.0),
            offset: self.limit.map(|l| l.1),
            action: self.action,
        };
        serde_json::to_value(json).unwrap_or(serde_json::Value::Null)
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines().join("\n"))
    }
}

fn describe_scan(scan: &IndexScan) -> String {
    match scan {
        IndexScan::Speaker(id) => format!("speaker id {id}"),
        IndexScan::Source(s) => format!("source = {s:?}"),
        IndexScan::Origin(s) => format!("origin = {s:?}"),
        IndexScan::Tag(s) => format!("tag = {s:?}"),
        IndexScan::Status(s) => format!("status = {:?}", s.as_str()),
        IndexScan::Confidence(lo, hi) => format!("confidence {lo}..={hi}"),
    }
}

fn order_text(order: &[super::ast::OrderBy]) -> Option<String> {
    if order.is_empty() {
        return None;
    }
    Some(
        order
            .iter()
            .map(|o| {
                format!(
                    "{} {}",
                    o.key.node,
                    if o.descending { "desc" } else { "asc" }
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// Plans a statement's record access.
pub fn plan(store: &dyn ReadView, statement: &Statement) -> Result<Plan> {
    let mut p = Plan {
        access: Access::FullScan,
        table: "claims",
        estimated_rows: 0,
        filter: None,
        group_by: None,
        order: None,
        limit: None,
        action: None,
    };
    let filter = match statement {
        Statement::Claims(q) => {
            p.order = order_text(&q.order);
            p.group_by = q.group_by.as_ref().map(|g| g.node.name().to_string());
            p.limit = q.limit.map(|l| (l, q.offset.unwrap_or(0)));
            if let Some(select) = &q.select {
                let aggregates = select
                    .iter()
                    .any(|s| matches!(s.node, SelectItem::Aggregate(..)));
                if aggregates && p.group_by.is_none() {
                    p.group_by = Some("(all rows, one group)".into());
                }
            }
            q.filter.as_ref()
        }
        Statement::CountClaims { filter, group_by } => {
            p.group_by = group_by.as_ref().map(|g| g.node.name().to_string());
            filter.as_ref()
        }
        Statement::Update { filter, .. } => {
            p.action = Some("update each claim found (citation-checked), in one transaction");
            filter.as_ref()
        }
        Statement::Delete { filter } => {
            p.action = Some("delete each claim found and its index entries, in one transaction");
            filter.as_ref()
        }
        Statement::ShowClaim(_) => {
            p.access = Access::FullScan;
            p.estimated_rows = 1;
            p.action = Some("read one claim by id, and its source's text around the quote");
            return Ok(p);
        }
        Statement::List(q) => {
            p.table = q.table.name();
            p.filter = q.filter.as_ref().map(|f| f.to_string());
            p.order = order_text(&q.order);
            p.limit = q.limit.map(|l| (l, q.offset.unwrap_or(0)));
            p.estimated_rows = match q.table {
                super::ast::Table::Speakers => store.speakers()?.len() as u64,
                _ => store.sources()?.len() as u64,
            };
            return Ok(p);
        }
        Statement::Explain(inner) => return plan(store, inner),
        other => {
            p.access = Access::Nothing("not a query".into());
            p.action = Some(match other {
                Statement::AddSource { .. } => "add one source",
                Statement::AddSpeaker { .. } => "add one speaker",
                Statement::AddClaim { .. } => {
                    "check the quote against its source and add one claim"
                }
                Statement::Alias { .. } => "add a name to a speaker",
                _ => "change the transaction state",
            });
            return Ok(p);
        }
    };
    p.filter = filter.map(|f| f.to_string());
    let (access, estimate) = choose_access(store, filter)?;
    p.access = access;
    p.estimated_rows = estimate;
    Ok(p)
}

/// The index ranges whose union holds every claim that can satisfy `e`, or
/// `None` when `e` is not answerable from indexes (confidence is handled
/// apart, as one merged range).
fn index_scans(store: &dyn ReadView, e: &Expr) -> Result<Option<Vec<IndexScan>>> {
    let eq_scan = |field: Field, lit: &Literal| -> Result<Option<Vec<IndexScan>>> {
        let Literal::Str(s) = lit else {
            return Ok(None);
        };
        Ok(match field {
            Field::Speaker => Some(
                store
                    .speaker_by_name(s)?
                    .map(IndexScan::Speaker)
                    .into_iter()
                    .collect(),
            ),
            Field::Source => Some(vec![IndexScan::Source(s.clone())]),
            Field::Origin => Some(vec![IndexScan::Origin(s.clone())]),
            Field::Tag => Some(vec![IndexScan::Tag(crate::cite::fold_key(s))]),
            Field::Status => {
                Status::parse(&crate::cite::fold_key(s)).map(|st| vec![IndexScan::Status(st)])
            }
            _ => None,
        })
    };
    match e {
        Expr::Compare {
            field,
            op: Op::Eq,
            value,
        } => eq_scan(field.node, &value.node),
        Expr::HasTag(tag) => eq_scan(Field::Tag, &tag.node),
        Expr::In { field, values } => {
            let mut all = Vec::new();
            for v in values {
                match eq_scan(field.node, &v.node)? {
                    Some(scans) => all.extend(scans),
                    None => return Ok(None),
                }
            }
            Ok(Some(all))
        }
        Expr::Or(a, b) => match (index_scans(store, a)?, index_scans(store, b)?) {
            (Some(mut x), Some(y)) => {
                x.extend(y);
                Ok(Some(x))
            }
            _ => Ok(None),
        },
        _ => Ok(None),
    }
}

/// Narrows `low..=high` (ten-thousandths) by a confidence condition, if `e` is one.
fn confidence_bounds(e: &Expr, low: &mut f64, high: &mut f64) -> bool {
    let scale = f64::from(Confidence::SCALE);
    // A superset of the exact range, in whole ten-thousandths; the filter
    // applied afterwards makes the answer exact.
    let mut narrow = |op: Op, n: f64| {
        let scaled = n * scale;
        match op {
            Op::Ge | Op::Gt => *low = low.max(scaled.floor()),
            Op::Le | Op::Lt => *high = high.min(scaled.ceil()),
            Op::Eq => {
                *low = low.max(scaled.floor());
                *high = high.min(scaled.ceil());
            }
            _ => {}
        }
    };
    match e {
        Expr::Compare { field, op, value } if field.node == Field::Confidence => {
            match (&value.node, op) {
                (Literal::Num(n), Op::Ge | Op::Gt | Op::Le | Op::Lt | Op::Eq) => {
                    narrow(*op, *n);
                    true
                }
                _ => false,
            }
        }
        Expr::Between {
            field,
            low: lo,
            high: hi,
        } if field.node == Field::Confidence => match (&lo.node, &hi.node) {
            (Literal::Num(a), Literal::Num(b)) => {
                narrow(Op::Ge, *a);
                narrow(Op::Le, *b);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

fn count(store: &dyn ReadView, scans: &[IndexScan]) -> u64 {
    scans
        .iter()
        .map(|s| store.scan_index(s).take(ESTIMATE_CAP).count() as u64)
        .sum()
}

fn choose_access(store: &dyn ReadView, filter: Option<&Expr>) -> Result<(Access, u64)> {
    let total = store.claim_count()?;
    let Some(filter) = filter else {
        return Ok((Access::FullScan, total));
    };
    let mut conjuncts = Vec::new();
    flatten_and(filter, &mut conjuncts);

    let mut candidates: Vec<Vec<IndexScan>> = Vec::new();
    let (mut low, mut high) = (0.0, f64::from(Confidence::SCALE));
    let mut has_range = false;
    for c in conjuncts {
        if confidence_bounds(c, &mut low, &mut high) {
            has_range = true;
        } else if let Some(scans) = index_scans(store, c)? {
            if scans.is_empty() {
                return Ok((Access::Nothing(format!("no speaker matches `{c}`")), 0));
            }
            candidates.push(scans);
        }
    }
    if has_range {
        let (lo, hi) = (low.max(0.0), high.min(f64::from(Confidence::SCALE)));
        if lo > hi {
            return Ok((
                Access::Nothing("the confidence conditions exclude each other".into()),
                0,
            ));
        }
        candidates.push(vec![IndexScan::Confidence(
            Confidence::from_basis_points(lo as u16),
            Confidence::from_basis_points(hi as u16),
        )]);
    }
    let mut best: Option<(Vec<IndexScan>, u64)> = None;
    for scans in candidates {
        let estimate = count(store, &scans);
        if best.as_ref().is_none_or(|(_, n)| estimate < *n) {
            best = Some((scans, estimate));
        }
    }
    Ok(match best {
        Some((mut scans, n)) if n < total || scans.len() == 1 && n == 0 => {
            if scans.len() == 1 {
                (Access::Index(scans.remove(0)), n)
            } else {
                (Access::Union(scans), n)
            }
        }
        _ => (Access::FullScan, total),
    })
}

fn flatten_and<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match e {
        Expr::And(a, b) => {
            flatten_and(a, out);
            flatten_and(b, out);
        }
        other => out.push(other),
    }
}
