//! Choosing how to find the claims a condition asks for.
//!
//! The planner looks at the conditions joined by `and` at the top of the
//! `where` clause. Each one that an index can answer (speaker, source,
//! origin, tag or status equality; a confidence range) is a candidate access
//! path; the planner counts how many index entries each would read and takes
//! the smallest. Without a candidate it scans every claim. Whatever the
//! access path, the executor still applies the whole condition to each claim
//! it reads, so an index only ever narrows the search and cannot change the
//! answer.

use std::fmt;

use serde::Serialize;

use super::ast::{Expr, Field, Literal, Op, Statement};
use crate::error::Result;
use crate::model::{Confidence, Status};
use crate::store::{IndexScan, Store};

/// Index entries counted at most when estimating (a bound on planning cost).
const ESTIMATE_CAP: usize = 100_000;

/// How a statement's claims are found.
#[derive(Debug, Clone, PartialEq)]
pub enum Access {
    /// Read the claim ids an index holds.
    Index(IndexScan),
    /// Read every claim.
    FullScan,
    /// Nothing can match (a speaker no one is called): read nothing.
    Nothing(String),
}

/// The plan `explain` shows and the executor follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// How claims are found.
    pub access: Access,
    /// How many claims the access path reads (exact for indexes up to a cap).
    pub estimated_rows: u64,
    /// The condition applied to each claim read, as written.
    pub filter: Option<String>,
    /// `order by`, as written.
    pub order: Option<String>,
    /// `limit`.
    pub limit: Option<u64>,
    /// For list statements (`speakers`, `sources`): what is listed.
    pub listing: Option<&'static str>,
}

/// A plan in the form `--format json` prints.
#[derive(Debug, Serialize)]
struct PlanJson<'a> {
    access: &'a str,
    index: Option<&'a str>,
    range: Option<String>,
    estimated_rows: u64,
    filter: Option<&'a str>,
    order: Option<&'a str>,
    limit: Option<u64>,
}

impl Plan {
    /// One line per step, as `explain` prints them.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(what) = self.listing {
            lines.push(format!("list {what} (full scan of the {what} tree)"));
            return lines;
        }
        lines.push(match &self.access {
            Access::Index(scan) => format!(
                "index {} on {} (about {} rows)",
                scan.index_name(),
                describe_scan(scan),
                self.estimated_rows
            ),
            Access::FullScan => format!("full scan of claims ({} rows)", self.estimated_rows),
            Access::Nothing(why) => format!("no rows: {why}"),
        });
        if let Some(f) = &self.filter {
            lines.push(format!("filter {f}"));
        }
        if let Some(o) = &self.order {
            lines.push(format!("sort by {o}"));
        }
        if let Some(l) = self.limit {
            lines.push(format!("limit {l}"));
        }
        lines
    }

    /// The plan as a JSON value.
    pub fn to_json(&self) -> serde_json::Value {
        let (access, index, range) = match &self.access {
            Access::Index(scan) => ("index", Some(scan.index_name()), Some(describe_scan(scan))),
            Access::FullScan => ("full_scan", None, None),
            Access::Nothing(_) => ("nothing", None, None),
        };
        let json = PlanJson {
            access: self.listing.map_or(access, |_| "full_scan"),
            index,
            range,
            estimated_rows: self.estimated_rows,
            filter: self.filter.as_deref(),
            order: self.order.as_deref(),
            limit: self.limit,
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

/// Plans a statement's claim access.
pub fn plan(store: &Store, statement: &Statement) -> Result<Plan> {
    let (filter, order, limit) = match statement {
        Statement::Claims(q) => (
            q.filter.as_ref(),
            q.order.map(|o| {
                format!(
                    "{} {}",
                    o.field.name(),
                    if o.descending { "desc" } else { "asc" }
                )
            }),
            q.limit,
        ),
        Statement::CountClaims { filter } => (filter.as_ref(), None, None),
        Statement::Explain(inner) => return plan(store, inner),
        Statement::Speakers | Statement::Sources => {
            let listing = if matches!(statement, Statement::Speakers) {
                "speakers"
            } else {
                "sources"
            };
            return Ok(Plan {
                access: Access::FullScan,
                estimated_rows: 0,
                filter: None,
                order: None,
                limit: None,
                listing: Some(listing),
            });
        }
    };
    let (access, estimated_rows) = choose_access(store, filter)?;
    Ok(Plan {
        access,
        estimated_rows,
        filter: filter.map(|f| f.to_string()),
        order,
        limit,
        listing: None,
    })
}

fn choose_access(store: &Store, filter: Option<&Expr>) -> Result<(Access, u64)> {
    let full = || (Access::FullScan, store.claim_count() as u64);
    let Some(filter) = filter else {
        return Ok(full());
    };
    let mut conjuncts = Vec::new();
    flatten_and(filter, &mut conjuncts);

    let mut candidates = Vec::new();
    let (mut low, mut high) = (0u16, Confidence::SCALE);
    let mut has_range = false;
    for c in conjuncts {
        let Expr::Compare { field, op, value } = c else {
            continue;
        };
        match (field.node, op, &value.node) {
            (Field::Speaker, Op::Eq, Literal::Str(name)) => match store.speaker_by_name(name)? {
                Some(id) => candidates.push(IndexScan::Speaker(id)),
                None => return Ok((Access::Nothing(format!("no speaker is named {name:?}")), 0)),
            },
            (Field::Source, Op::Eq, Literal::Str(s)) => {
                candidates.push(IndexScan::Source(s.clone()))
            }
            (Field::Origin, Op::Eq, Literal::Str(s)) => {
                candidates.push(IndexScan::Origin(s.clone()))
            }
            (Field::Tag, Op::Eq, Literal::Str(s)) => {
                candidates.push(IndexScan::Tag(s.to_lowercase()))
            }
            (Field::Status, Op::Eq, Literal::Str(s)) => {
                if let Some(status) = Status::parse(s) {
                    candidates.push(IndexScan::Status(status));
                }
            }
            (Field::Confidence, op, Literal::Num(n)) => {
                // A superset of the exact range, in whole ten-thousandths; the
                // filter applied afterwards makes the answer exact.
                let scaled = n * f64::from(Confidence::SCALE);
                let floor = scaled
                    .floor()
                    .clamp(-1.0, f64::from(Confidence::SCALE) + 1.0);
                let ceil = scaled
                    .ceil()
                    .clamp(-1.0, f64::from(Confidence::SCALE) + 1.0);
                let (lo, hi) = match op {
                    Op::Ge | Op::Gt => (floor, f64::from(Confidence::SCALE)),
                    Op::Le | Op::Lt => (0.0, ceil),
                    Op::Eq => (floor, ceil),
                    _ => continue,
                };
                if hi < 0.0 || lo > f64::from(Confidence::SCALE) {
                    return Ok((
                        Access::Nothing(format!("confidence is never {} {n}", op.as_str())),
                        0,
                    ));
                }
                low = low.max(lo.max(0.0) as u16);
                high = high.min(hi as u16);
                has_range = true;
            }
            _ => {}
        }
    }
    if has_range {
        if low > high {
            return Ok((
                Access::Nothing("the confidence conditions exclude each other".into()),
                0,
            ));
        }
        candidates.push(IndexScan::Confidence(
            Confidence::from_basis_points(low),
            Confidence::from_basis_points(high),
        ));
    }
    let mut best: Option<(IndexScan, u64)> = None;
    for scan in candidates {
        let estimate = store.scan_index(&scan).take(ESTIMATE_CAP).count() as u64;
        if best.as_ref().is_none_or(|(_, n)| estimate < *n) {
            best = Some((scan, estimate));
        }
    }
    Ok(match best {
        Some((scan, n)) => (Access::Index(scan), n),
        None => full(),
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
