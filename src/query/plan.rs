//! The plan of a statement: what `explain` shows and the executor follows.
//!
//! `choose.rs` picks the access path (an index range, a union of ranges,
//! claims by primary key, or a full scan) and the notes about unknown
//! speakers; this file holds the plan itself and how `explain` prints it.
//!
//! The plan is a stack of operators, printed by `explain` from the output
//! down to the access path, as the executor runs them (`exec.rs`): the
//! access path yields claims in id order, `filter` drops those the condition
//! refuses, then `group`, `sort` (or `top k` when a limit follows a sort, so
//! only k rows are kept), `limit`, and `count`. `count claims` alone, and
//! `count claims group by` speaker, source or status, read the counts kept
//! with the claims and no claim at all.

use std::fmt;

use serde::Serialize;

use super::ast::{quote_string, Expr, Field, Literal, SelectItem, Statement};
use super::choose::{choose_access, unknown_speakers};
use crate::error::Result;
use crate::model::{ClaimId, Confidence};
use crate::store::{IndexScan, ReadView};

/// How a statement's claims are found.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Access {
    /// Read the claim ids one index range holds.
    Index(IndexScan),
    /// Read the claim ids of several index ranges, each claim once.
    Union(Vec<IndexScan>),
    /// Read every claim.
    FullScan,
    /// Read these claims by primary key, in id order.
    Ids(Vec<ClaimId>),
    /// Read the claims with ids in `first..=last`, in id order.
    IdRange(ClaimId, ClaimId),
    /// Read no claim: the answer is the count kept with the claims.
    StoredCount,
    /// Read no claim: the answer is the count kept per value of this
    /// field's index (`count claims group by speaker`).
    StoredCounts(Field),
    /// Nothing can match (a speaker no one is called): read nothing.
    Nothing(String),
    /// Read one source by its id, and its text; no claim.
    Source(String),
}

/// The plan `explain` shows and the executor follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// How records are found.
    pub access: Access,
    /// What is scanned: "claims", "speakers" or "sources".
    pub table: &'static str,
    /// How many records the access path reads (exact for indexes).
    pub estimated_rows: u64,
    /// The condition applied to each record read, as written: all of it,
    /// or (see [`Plan::residual`]) what the access path leaves.
    pub filter: Option<String>,
    /// `group by`, as written.
    pub group_by: Option<String>,
    /// `order by`, as written.
    pub order: Option<String>,
    /// `limit` and `offset`.
    pub limit: Option<(u64, u64)>,
    /// For a write: what it does to the records found.
    pub action: Option<&'static str>,
    /// `count claims`: the rows are counted, not built.
    pub count: bool,
    /// The access path alone answers the condition (an index lookup whose
    /// every claim satisfies it, and no other): nothing is left to check,
    /// and a count reads no claim.
    pub exact: bool,
    /// The confidence range the condition requires, checked in the
    /// entries of an index access before a claim is read (the entries of
    /// every index but the word index record their claim's confidence): a
    /// speaker's claims below it are passed over unread.
    pub index_confidence: Option<(Confidence, Confidence)>,
    /// When the access path answers one `and`-ed part of the condition,
    /// the rest: what each claim read is checked against instead of the
    /// whole condition ([`Plan::filter`] shows it).
    pub residual: Option<Box<Expr>>,
    /// Remarks for a person (a speaker no one is called), not errors.
    pub notes: Vec<String>,
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
    operators: Vec<String>,
}

impl Plan {
    /// The access path, as one line.
    fn access_line(&self) -> String {
        // An index that answers the whole condition says so: no claim it
        // yields is checked again.
        let whole = match (self.exact, self.index_confidence) {
            (true, None) => ", answering the whole condition".to_string(),
            (true, Some((lo, hi))) => {
                format!(", answering the whole condition by the entries in confidence {lo}..={hi}")
            }
            (false, Some((lo, hi))) => {
                format!(", skipping entries outside confidence {lo}..={hi}")
            }
            (false, None) => String::new(),
        };
        match &self.access {
            Access::Index(scan) => format!(
                "index {} on {}{whole} (about {})",
                scan.index_name(),
                describe_scan(scan),
                rows(self.estimated_rows)
            ),
            Access::Union(scans) => {
                // A union of many ranges (the words that hold a needle) is
                // named by its first few.
                const SHOWN: usize = 5;
                let mut named: Vec<String> = scans
                    .iter()
                    .take(SHOWN)
                    .map(|s| format!("{} on {}", s.index_name(), describe_scan(s)))
                    .collect();
                if scans.len() > SHOWN {
                    named.push(format!("and {} more", scans.len() - SHOWN));
                }
                format!(
                    "union of {} index ranges: {}{whole} (about {})",
                    scans.len(),
                    named.join("; "),
                    rows(self.estimated_rows)
                )
            }
            Access::Ids(ids) => format!(
                "claims by id: {} ({} at most)",
                ids.iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                ids.len()
            ),
            Access::IdRange(first, last) if *last == ClaimId::MAX => format!(
                "claims by id from {first} on (at most {})",
                rows(self.estimated_rows)
            ),
            Access::IdRange(first, last) => format!(
                "claims by id from {first} to {last} (at most {})",
                rows(self.estimated_rows)
            ),
            Access::FullScan => {
                format!(
                    "full scan of {} ({})",
                    self.table,
                    rows(self.estimated_rows)
                )
            }
            Access::StoredCount => "the claim count kept with the claims (no claim is read)".into(),
            Access::StoredCounts(f) => format!(
                "the counts kept per {} in its index (no claim is read)",
                f.name()
            ),
            Access::Nothing(why) => format!("no rows: {why}"),
            Access::Source(id) => format!(
                "source {} by its id, with its text (no claim is read)",
                quote_string(id)
            ),
        }
    }

    /// The operators from the output down to the access path, one line each.
    fn operators(&self) -> Vec<String> {
        let mut ops = Vec::new();
        if let Some(a) = self.action {
            ops.push(a.to_string());
        }
        if self.count && self.group_by.is_none() {
            ops.push(match (&self.access, self.exact) {
                (Access::Index(_), true) if self.index_confidence.is_some() => {
                    "count the entries in the confidence range (no claim is read)".into()
                }
                (Access::Index(_), true) => {
                    "count: the index's kept count (no claim is read)".into()
                }
                (Access::Union(_), true) => "count the ids (no claim is read)".into(),
                _ => "count".to_string(),
            });
        }
        if let Some((limit, offset)) = self.limit {
            ops.push(if offset > 0 {
                format!("limit {limit} offset {offset}")
            } else {
                format!("limit {limit}")
            });
        }
        if let Some(o) = &self.order {
            match self.limit {
                Some((limit, offset)) if self.group_by.is_none() => {
                    ops.push(format!("top {} by {o}", limit.saturating_add(offset)))
                }
                _ => ops.push(format!("sort by {o}")),
            }
        }
        if let Some(g) = &self.group_by {
            ops.push(format!("group by {g}"));
        }
        if let Some(f) = &self.filter {
            ops.push(format!("filter {f}"));
        }
        ops.push(self.access_line());
        ops
    }

    /// One line per operator, as `explain` prints them: the output first,
    /// each operator reading from the one below it.
    pub fn lines(&self) -> Vec<String> {
        self.operators()
            .into_iter()
            .enumerate()
            .map(|(depth, op)| match depth {
                0 => op,
                d => format!("{}-> {op}", "  ".repeat(d - 1)),
            })
            .collect()
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
            Access::Ids(_) => ("ids", vec![]),
            Access::IdRange(..) => ("id_range", vec![]),
            Access::FullScan => ("full_scan", vec![]),
            Access::StoredCount => ("stored_count", vec![]),
            Access::StoredCounts(_) => ("stored_counts", vec![]),
            Access::Nothing(_) => ("nothing", vec![]),
            Access::Source(id) => ("source_by_id", vec![id.clone()]),
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
            operators: self.operators(),
        };
        serde_json::to_value(json).unwrap_or(serde_json::Value::Null)
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines().join("\n"))
    }
}

/// "1 row", "14 rows".
fn rows(n: u64) -> String {
    format!("{n} row{}", if n == 1 { "" } else { "s" })
}

fn describe_scan(scan: &IndexScan) -> String {
    match scan {
        IndexScan::Speaker(id) => format!("speaker id {id}"),
        IndexScan::Source(s) => format!("source = {}", quote_string(s)),
        IndexScan::Origin(s) => format!("origin = {}", quote_string(s)),
        IndexScan::Tag(s) => format!("tag = {}", quote_string(s)),
        IndexScan::Status(s) => format!("status = {}", quote_string(s.as_str())),
        IndexScan::Confidence(lo, hi) => format!("confidence {lo}..={hi}"),
        IndexScan::Word(w) => format!("word {}", quote_string(w)),
        IndexScan::Key(k) => format!("key {}", quote_string(k)),
        IndexScan::Passage {
            source,
            start,
            end,
            speaker,
            ..
        } => format!(
            "passage {} bytes {start}..{end} speaker id {speaker}",
            quote_string(source)
        ),
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
        count: false,
        exact: false,
        index_confidence: None,
        residual: None,
        notes: Vec::new(),
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
            p.count = true;
            if filter.is_none() && group_by.is_none() {
                p.access = Access::StoredCount;
                return Ok(p);
            }
            // Fields that every claim has exactly one value of, each value
            // with its count kept: the groups are the counts.
            if let (None, Some(g)) = (filter, group_by) {
                if matches!(g.node, Field::Speaker | Field::Source | Field::Status) {
                    p.access = Access::StoredCounts(g.node);
                    return Ok(p);
                }
            }
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
        Statement::ShowSource { id, .. } => {
            p.table = "sources";
            p.access = Access::Source(match &id.node {
                Literal::Str(s) => s.clone(),
                other => other.to_string(),
            });
            p.estimated_rows = 1;
            p.action = Some("show the source's record and its text, line by line");
            return Ok(p);
        }
        Statement::ShowClaim(id) => {
            let id = match id.node {
                Literal::Num(n) => n as ClaimId,
                _ => 0,
            };
            p.access = Access::Ids(vec![id]);
            p.estimated_rows = 1;
            p.action = Some("show the claim, and its source's text around the quote");
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
        Statement::UpdateList { table, filter, .. }
        | Statement::DeleteList { table, filter, .. } => {
            p.table = table.name();
            p.filter = Some(filter.to_string());
            p.estimated_rows = match table {
                super::ast::Table::Speakers => store.speakers()?.len() as u64,
                _ => store.sources()?.len() as u64,
            };
            p.action = Some(match (statement, table) {
                (Statement::UpdateList { .. }, _) => "change each one found, in one transaction",
                (Statement::DeleteList { cascade: true, .. }, super::ast::Table::Sources) => {
                    "delete each one found with the claims that quote it, in one transaction"
                }
                (Statement::DeleteList { cascade: true, .. }, _) => {
                    "delete each one found with their claims, in one transaction"
                }
                _ => "delete each one found (refused while claims refer to it), in one transaction",
            });
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
                Statement::Merge { .. } => {
                    "move one speaker's claims and names to another, and remove the first"
                }
                _ => "change the transaction state",
            });
            return Ok(p);
        }
    };
    p.filter = filter.map(|f| f.to_string());
    if let Some(f) = filter {
        p.notes = unknown_speakers(store, f)?;
    }
    let chosen = choose_access(store, filter)?;
    p.index_confidence = chosen.index_confidence;
    p.access = chosen.access;
    p.estimated_rows = chosen.estimate;
    if chosen.exact {
        p.exact = true;
        p.filter = None;
    } else if let Some(residual) = chosen.residual {
        p.filter = Some(residual.to_string());
        p.residual = Some(Box::new(residual));
    }
    Ok(p)
}
