//! Running a planned statement: pull claims from the store, filter, sort, cut.
//!
//! The executor follows the [`Plan`]'s access path, decodes each claim it
//! reads, keeps those the whole condition accepts, then sorts and limits.
//! It counts the claims it reads ([`ExecStats`]), which is how tests show
//! that an index, not a scan, answered a query.

use std::cmp::Ordering;
use std::collections::HashMap;

use serde::Serialize;

use super::ast::{ClaimsQuery, Expr, Field, Literal, Op, OrderBy, Statement};
use super::plan::{plan, Access, Plan};
use crate::error::Result;
use crate::model::{Claim, Source, Speaker, SpeakerId, Status};
use crate::store::{fold_name, IndexScan, Store};

/// A claim as a query returns it: the record and its speaker's name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimRow {
    /// The stored claim.
    pub claim: Claim,
    /// The speaker's canonical name.
    pub speaker_name: String,
}

/// A speaker with the number of claims attributed to them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeakerRow {
    /// The speaker.
    pub speaker: Speaker,
    /// How many claims are theirs.
    pub claims: u64,
}

/// A source with the number of claims quoting it and citing it as origin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRow {
    /// The source (without its text).
    pub source: Source,
    /// Claims whose quote is in this source.
    pub claims: u64,
    /// Claims that name this source as their origin.
    pub origin_of: u64,
}

/// What a statement returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// `claims ...`
    Claims(Vec<ClaimRow>),
    /// `count claims ...`
    Count(u64),
    /// `speakers`
    Speakers(Vec<SpeakerRow>),
    /// `sources`
    Sources(Vec<SourceRow>),
    /// `explain ...`
    Plan(Plan),
}

impl Output {
    /// The claims, when the statement was a claims query.
    pub fn claims(&self) -> Option<&[ClaimRow]> {
        match self {
            Output::Claims(rows) => Some(rows),
            _ => None,
        }
    }

    /// The count, when the statement was `count claims`.
    pub fn count(&self) -> Option<u64> {
        match self {
            Output::Count(n) => Some(*n),
            _ => None,
        }
    }
}

/// What running a statement cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExecStats {
    /// Claims read from the store and decoded.
    pub claims_read: u64,
}

/// Runs a parsed statement.
pub fn execute(db: &crate::Db, statement: &Statement) -> Result<Output> {
    execute_with_stats(db.store(), statement).map(|(out, _)| out)
}

/// Runs a parsed statement and reports what it read.
pub fn execute_with_stats(store: &Store, statement: &Statement) -> Result<(Output, ExecStats)> {
    let mut stats = ExecStats::default();
    let output = match statement {
        Statement::Explain(inner) => Output::Plan(plan(store, inner)?),
        Statement::Claims(q) => {
            let p = plan(store, statement)?;
            Output::Claims(run_claims(store, &p, q, &mut stats)?)
        }
        Statement::CountClaims { filter } => {
            let p = plan(store, statement)?;
            let q = ClaimsQuery {
                filter: filter.clone(),
                ..Default::default()
            };
            Output::Count(matching(store, &p, &q, &mut stats)?.len() as u64)
        }
        Statement::Speakers => Output::Speakers(
            store
                .speakers()?
                .into_iter()
                .map(|speaker| SpeakerRow {
                    claims: store.scan_index(&IndexScan::Speaker(speaker.id)).count() as u64,
                    speaker,
                })
                .collect(),
        ),
        Statement::Sources => Output::Sources(
            store
                .sources()?
                .into_iter()
                .map(|source| SourceRow {
                    claims: store
                        .scan_index(&IndexScan::Source(source.id.clone()))
                        .count() as u64,
                    origin_of: store
                        .scan_index(&IndexScan::Origin(source.id.clone()))
                        .count() as u64,
                    source,
                })
                .collect(),
        ),
    };
    Ok((output, stats))
}

/// Names of every speaker, loaded once per query for matching and sorting.
struct Speakers {
    by_id: HashMap<SpeakerId, Speaker>,
    /// Names in conditions, resolved once: `speaker = "White"` -> White's id.
    resolved: HashMap<String, Option<SpeakerId>>,
}

impl Speakers {
    fn load(store: &Store, filter: Option<&Expr>) -> Result<Self> {
        let by_id = store.speakers()?.into_iter().map(|s| (s.id, s)).collect();
        let mut resolved = HashMap::new();
        let mut names = Vec::new();
        if let Some(f) = filter {
            speaker_names(f, &mut names);
        }
        for name in names {
            let id = store.speaker_by_name(&name)?;
            resolved.insert(fold_name(&name), id);
        }
        Ok(Speakers { by_id, resolved })
    }

    fn name(&self, id: SpeakerId) -> &str {
        self.by_id.get(&id).map_or("", |s| s.name.as_str())
    }
}

fn speaker_names(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Or(a, b) | Expr::And(a, b) => {
            speaker_names(a, out);
            speaker_names(b, out);
        }
        Expr::Not(a) => speaker_names(a, out),
        Expr::Compare {
            field,
            value,
            op: Op::Eq | Op::Ne,
        } if field.node == Field::Speaker => {
            if let Literal::Str(s) = &value.node {
                out.push(s.clone());
            }
        }
        Expr::Compare { .. } => {}
    }
}

fn matching(
    store: &Store,
    p: &Plan,
    q: &ClaimsQuery,
    stats: &mut ExecStats,
) -> Result<Vec<ClaimRow>> {
    let speakers = Speakers::load(store, q.filter.as_ref())?;
    let mut keep = |claim: Claim, out: &mut Vec<ClaimRow>| {
        stats.claims_read += 1;
        if q.filter.as_ref().is_none_or(|f| eval(f, &claim, &speakers)) {
            out.push(ClaimRow {
                speaker_name: speakers.name(claim.speaker).to_string(),
                claim,
            });
        }
    };
    let mut rows = Vec::new();
    match &p.access {
        Access::Nothing(_) => {}
        Access::FullScan => {
            for claim in store.claims() {
                keep(claim?, &mut rows);
            }
        }
        Access::Index(scan) => {
            for id in store.scan_index(scan) {
                let id = id?;
                match store.claim(id)? {
                    Some(claim) => keep(claim, &mut rows),
                    None => {
                        return Err(crate::Error::Corrupt(format!(
                            "index {} names claim {id}, which does not exist",
                            scan.index_name()
                        )))
                    }
                }
            }
        }
    }
    if let Some(order) = q.order {
        rows.sort_by(|a, b| compare(order, a, b));
    } else if matches!(p.access, Access::Index(_)) {
        rows.sort_by_key(|r| r.claim.id);
    }
    Ok(rows)
}

fn run_claims(
    store: &Store,
    p: &Plan,
    q: &ClaimsQuery,
    stats: &mut ExecStats,
) -> Result<Vec<ClaimRow>> {
    let mut rows = matching(store, p, q, stats)?;
    if let Some(limit) = q.limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    }
    Ok(rows)
}

fn compare(order: OrderBy, a: &ClaimRow, b: &ClaimRow) -> Ordering {
    let (x, y) = (&a.claim, &b.claim);
    let by_field = match order.field {
        Field::Id => x.id.cmp(&y.id),
        Field::Speaker => a.speaker_name.cmp(&b.speaker_name),
        Field::Source => x.source.cmp(&y.source),
        Field::Origin => x.origin.cmp(&y.origin),
        Field::Quote => x.quote.cmp(&y.quote),
        Field::Statement => x.statement.cmp(&y.statement),
        Field::Confidence => x.confidence.cmp(&y.confidence),
        Field::Rationale => x.rationale.cmp(&y.rationale),
        Field::Tag => x.tags.cmp(&y.tags),
        Field::Status => x.status.cmp(&y.status),
    };
    let by_field = if order.descending {
        by_field.reverse()
    } else {
        by_field
    };
    // Ties keep id order, so results are deterministic.
    by_field.then(x.id.cmp(&y.id))
}

/// Does the claim satisfy the condition?
fn eval(e: &Expr, c: &Claim, speakers: &Speakers) -> bool {
    match e {
        Expr::Or(a, b) => eval(a, c, speakers) || eval(b, c, speakers),
        Expr::And(a, b) => eval(a, c, speakers) && eval(b, c, speakers),
        Expr::Not(a) => !eval(a, c, speakers),
        Expr::Compare { field, op, value } => match (&value.node, field.node) {
            (Literal::Num(n), Field::Id) => compare_op(*op, (c.id as f64).total_cmp(n)),
            (Literal::Num(n), Field::Confidence) => {
                compare_op(*op, c.confidence.value().total_cmp(n))
            }
            (Literal::Num(_), _) => false,
            (Literal::Str(s), Field::Speaker) => match op {
                Op::Eq | Op::Ne => {
                    let same =
                        speakers.resolved.get(&fold_name(s)).copied().flatten() == Some(c.speaker);
                    same == (*op == Op::Eq)
                }
                Op::Contains => speakers.by_id.get(&c.speaker).is_some_and(|sp| {
                    std::iter::once(&sp.name)
                        .chain(&sp.aliases)
                        .any(|n| contains(n, s))
                }),
                _ => text_op(*op, speakers.name(c.speaker), s),
            },
            (Literal::Str(s), Field::Source) => text_op(*op, &c.source, s),
            (Literal::Str(s), Field::Origin) => match &c.origin {
                Some(o) => text_op(*op, o, s),
                None => *op == Op::Ne,
            },
            (Literal::Str(s), Field::Quote) => text_op(*op, &c.quote, s),
            (Literal::Str(s), Field::Statement) => text_op(*op, &c.statement, s),
            (Literal::Str(s), Field::Rationale) => text_op(*op, &c.rationale, s),
            (Literal::Str(s), Field::Tag) => {
                let s = s.to_lowercase();
                match op {
                    Op::Ne => !c.tags.contains(&s),
                    _ => c.tags.iter().any(|t| text_op(*op, t, &s)),
                }
            }
            (Literal::Str(s), Field::Status) => match op {
                Op::Contains => contains(c.status.as_str(), s),
                _ => compare_op(
                    *op,
                    c.status.cmp(&Status::parse(s).unwrap_or(Status::Broken)),
                ),
            },
            (Literal::Str(_), Field::Id | Field::Confidence) => false,
        },
    }
}

fn text_op(op: Op, have: &str, want: &str) -> bool {
    match op {
        Op::Contains => contains(have, want),
        _ => compare_op(op, have.cmp(want)),
    }
}

fn compare_op(op: Op, ord: Ordering) -> bool {
    match op {
        Op::Eq => ord == Ordering::Equal,
        Op::Ne => ord != Ordering::Equal,
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
        Op::Gt => ord == Ordering::Greater,
        Op::Ge => ord != Ordering::Less,
        Op::Contains => false,
    }
}

/// Case-insensitive substring test, with typography folded on both sides
/// (so `contains "don't"` finds "don’t").
fn contains(have: &str, want: &str) -> bool {
    let fold = |s: &str| crate::cite::normalize(s).text.to_lowercase();
    fold(have).contains(&fold(want))
}
