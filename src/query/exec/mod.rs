//! Running a planned read as a stack of iterators.
//!
//! The access path (`access.rs`) yields claims in id order; the condition
//! filters them as they pass; then rows are grouped (`group.rs`), sorted or
//! cut to the top k, limited, or only counted, here. Nothing is read that
//! the statement does not need, and every claim read is counted
//! ([`ExecStats`]), which is how tests show that an index, not a scan,
//! answered a query. Speakers, sources and `show claim` are in `lists.rs`;
//! the result types in `output.rs`. Writes are not run here: `Db` runs them
//! through its checked writer, using [`matching_claims`] to find their
//! targets.

mod access;
mod group;
mod lists;
mod outcome;
mod output;

use std::cell::{Cell, RefCell};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::rc::Rc;

use super::ast::{Aggregate, ClaimsQuery, Expr, Field, OrderBy, SelectItem, Statement};
use super::plan::{plan, Access, Plan};
use super::record::{eval, sort_cmp, ClaimRecord, Patterns, Record};
use crate::error::{Error, Result};
use crate::model::{Claim, ClaimId, Speaker, SpeakerId};
use crate::store::ReadView;
use access::{matching, Claims};
use group::group;
use lists::{run_list, show_claim, show_source};
pub use outcome::Outcome;
pub use output::{
    ClaimDetail, ClaimRow, ContextLine, ExecStats, Output, Rows, SourceDetail, SourceRow,
    SpeakerRow, Value,
};

/// Runs a parsed, checked read statement and reports what it read.
pub fn execute_read(store: &dyn ReadView, statement: &Statement) -> Result<(Output, ExecStats)> {
    let read = Cell::new(0);
    let mut notes = Vec::new();
    let output = match statement {
        Statement::Explain(inner) => Output::Plan(plan(store, inner)?),
        Statement::Claims(q) => {
            let p = plan(store, statement)?;
            notes.clone_from(&p.notes);
            run_claims(store, &p, q, &read)?
        }
        Statement::CountClaims { filter, group_by } => {
            let p = plan(store, statement)?;
            notes.clone_from(&p.notes);
            if p.access == Access::StoredCount {
                Output::Count(store.claim_count()?)
            } else if let Access::StoredCounts(field) = p.access {
                Output::Rows(group::stored_counts(store, field)?)
            } else if let (None, Some(n)) = (group_by, access::count_from_index(store, &p)?) {
                Output::Count(n)
            } else {
                let speakers = Speakers::load(store)?;
                let patterns = Patterns::of(filter.as_ref());
                let rows = matching(store, &p, &read, filter.as_ref(), &speakers, &patterns)?;
                let output = match group_by {
                    None => {
                        let mut n = 0;
                        for row in rows {
                            row?;
                            n += 1;
                        }
                        Output::Count(n)
                    }
                    Some(field) => {
                        let q = ClaimsQuery {
                            select: Some(vec![
                                super::ast::Spanned::new(SelectItem::Field(field.node), field.span),
                                super::ast::Spanned::new(
                                    SelectItem::Aggregate(Aggregate::Count, None),
                                    field.span,
                                ),
                            ]),
                            group_by: Some(field.clone()),
                            ..Default::default()
                        };
                        let mut out = group(&speakers, rows, &q)?;
                        // Most claims first: the usual question is "who says most".
                        out.rows.sort_by(|a, b| {
                            b[1].cmp_for_sort(&a[1]).then(a[0].cmp_for_sort(&b[0]))
                        });
                        Output::Rows(out)
                    }
                };
                speakers.finish()?;
                output
            }
        }
        Statement::List(q) => run_list(store, q)?,
        Statement::ShowClaim(id) => {
            read.set(1);
            Output::Claim(Box::new(show_claim(store, id)?))
        }
        Statement::ShowSource { id, lines } => {
            Output::Source(Box::new(show_source(store, id, lines.as_ref())?))
        }
        other => {
            return Err(Error::invalid(
                "statement",
                format!("not a read: {other:?}"),
            ));
        }
    };
    Ok((
        output,
        ExecStats {
            claims_read: read.get(),
            notes,
        },
    ))
}

/// Every speaker by id, loaded once per statement for matching and display.
pub(crate) struct Speakers<'v> {
    /// Where speakers not yet seen are read from; `None` once all are loaded.
    store: Option<&'v dyn ReadView>,
    cache: RefCell<HashMap<SpeakerId, Option<Rc<Speaker>>>>,
    /// The first read that failed: the statement fails with it at the end
    /// ([`Speakers::finish`]), rather than with a wrong answer.
    failed: RefCell<Option<Error>>,
}

/// The speakers a statement meets, read from the view as their claims come
/// (a result of ten claims reads at most ten speakers, however many the
/// database holds), each once.
impl<'v> Speakers<'v> {
    /// Speakers read on demand from `store`.
    pub(crate) fn load(store: &'v dyn ReadView) -> Result<Self> {
        Ok(Speakers {
            store: Some(store),
            cache: RefCell::new(HashMap::new()),
            failed: RefCell::new(None),
        })
    }

    /// Every speaker, read now (for writes, whose view does not outlive this).
    pub(crate) fn load_all(store: &dyn ReadView) -> Result<Speakers<'static>> {
        let cache = store
            .speakers()?
            .into_iter()
            .map(|s| (s.id, Some(Rc::new(s))))
            .collect();
        Ok(Speakers {
            store: None,
            cache: RefCell::new(cache),
            failed: RefCell::new(None),
        })
    }

    pub(crate) fn get(&self, id: SpeakerId) -> Option<Rc<Speaker>> {
        if let Some(known) = self.cache.borrow().get(&id) {
            return known.clone();
        }
        let found = match self.store.map(|s| s.speaker(id)) {
            Some(Ok(found)) => found.map(Rc::new),
            Some(Err(e)) => {
                self.failed.borrow_mut().get_or_insert(e);
                None
            }
            None => None,
        };
        self.cache.borrow_mut().insert(id, found.clone());
        found
    }

    fn row(&self, claim: Claim) -> ClaimRow {
        ClaimRow {
            speaker_name: self
                .get(claim.speaker)
                .map_or_else(String::new, |s| s.name.clone()),
            claim,
        }
    }

    /// The error of a speaker that could not be read, if any.
    pub(crate) fn finish(&self) -> Result<()> {
        match self.failed.borrow_mut().take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// Does `claim` satisfy `filter`? (Used by writes inside a transaction.)
pub(crate) fn claim_matches(
    claim: &Claim,
    filter: Option<&Expr>,
    speakers: &Speakers,
    patterns: &Patterns,
) -> bool {
    let speaker = speakers.get(claim.speaker);
    let record = ClaimRecord {
        claim,
        speaker: speaker.as_deref(),
    };
    filter.is_none_or(|f| eval(f, &record, patterns))
}

/// The ids of the claims that satisfy `filter` now, found as a query would.
pub fn matching_claims(
    store: &dyn ReadView,
    statement: &Statement,
    filter: Option<&Expr>,
) -> Result<Vec<ClaimId>> {
    let p = plan(store, statement)?;
    let read = Cell::new(0);
    let speakers = Speakers::load(store)?;
    let patterns = Patterns::of(filter);
    let ids = matching(store, &p, &read, filter, &speakers, &patterns)?
        .map(|c| c.map(|c| c.id))
        .collect();
    speakers.finish()?;
    ids
}

fn run_claims(store: &dyn ReadView, p: &Plan, q: &ClaimsQuery, read: &Cell<u64>) -> Result<Output> {
    // Speakers are read as claims name them: for conditions, names, sorting and groups.
    let speakers = Speakers::load(store)?;
    let output = claims_output(store, p, q, read, &speakers);
    speakers.finish()?;
    output
}

fn claims_output(
    store: &dyn ReadView,
    p: &Plan,
    q: &ClaimsQuery,
    read: &Cell<u64>,
    speakers: &Speakers,
) -> Result<Output> {
    let patterns = Patterns::of(q.filter.as_ref());
    let rows = matching(store, p, read, q.filter.as_ref(), speakers, &patterns)?;
    let grouped = q.group_by.is_some()
        || q.select.as_ref().is_some_and(|s| {
            s.iter()
                .any(|i| matches!(i.node, SelectItem::Aggregate(..)))
        });
    if grouped {
        let mut out = group(speakers, rows, q)?;
        let columns = out.columns.clone();
        let keys: Vec<(usize, bool)> = q
            .order
            .iter()
            .filter_map(|o| {
                columns
                    .iter()
                    .position(|c| *c == o.key.node.column())
                    .map(|i| (i, o.descending))
            })
            .collect();
        out.rows.sort_by(|a, b| {
            for &(i, desc) in &keys {
                let ord = a[i].cmp_for_sort(&b[i]);
                let ord = if desc { ord.reverse() } else { ord };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            a[0].cmp_for_sort(&b[0])
        });
        paginate(&mut out.rows, q.limit, q.offset);
        return Ok(Output::Rows(out));
    }
    let offset = usize::try_from(q.offset.unwrap_or(0)).unwrap_or(usize::MAX);
    let limit = q
        .limit
        .map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
    let rows: Vec<ClaimRow> = if q.order.is_empty() {
        // Id order already: skip and stop without reading further.
        rows.skip(offset)
            .take(limit)
            .map(|c| c.map(|c| speakers.row(c)))
            .collect::<Result<_>>()?
    } else {
        let cmp = |a: &ClaimRow, b: &ClaimRow| compare_claims(&q.order, a, b, speakers);
        let keep = offset.saturating_add(limit);
        let mut kept = top_k(rows.map(|c| c.map(|c| speakers.row(c))), keep, cmp)?;
        kept.drain(..offset.min(kept.len()));
        kept
    };
    match &q.select {
        None => Ok(Output::Claims(rows)),
        Some(items) => {
            let fields: Vec<Field> = items
                .iter()
                .filter_map(|i| match i.node {
                    SelectItem::Field(f) => Some(f),
                    SelectItem::Aggregate(..) => None,
                })
                .collect();
            // A plain select shows a claim's whole tag list: "tags", as in every claim output.
            let columns = fields
                .iter()
                .map(|f| {
                    if *f == Field::Tag {
                        "tags".to_string()
                    } else {
                        f.name().to_string()
                    }
                })
                .collect();
            let rows = rows
                .iter()
                .map(|r| {
                    let speaker = speakers.get(r.claim.speaker);
                    let record = ClaimRecord {
                        claim: &r.claim,
                        speaker: speaker.as_deref(),
                    };
                    fields
                        .iter()
                        .map(|&f| claim_cell(&record, &r.speaker_name, f))
                        .collect()
                })
                .collect();
            Ok(Output::Rows(Rows { columns, rows }))
        }
    }
}

/// The rows of a claims query that neither groups nor aggregates, in its
/// order, cut by its limit and offset. Without `order by` nothing is
/// buffered: the rows come as the access path yields them, and reading
/// stops at the limit. With it, the top `offset + limit` are kept.
fn ordered_rows<'a>(
    rows: Claims<'a>,
    q: &'a ClaimsQuery,
    speakers: &'a Speakers,
) -> Result<Box<dyn Iterator<Item = Result<ClaimRow>> + 'a>> {
    let offset = usize::try_from(q.offset.unwrap_or(0)).unwrap_or(usize::MAX);
    let limit = q
        .limit
        .map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
    if q.order.is_empty() {
        // Id order already: skip and stop without reading further.
        return Ok(Box::new(
            rows.skip(offset)
                .take(limit)
                .map(move |c| c.map(|c| speakers.row(c))),
        ));
    }
    let cmp = |a: &ClaimRow, b: &ClaimRow| compare_claims(&q.order, a, b, speakers);
    let keep = offset.saturating_add(limit);
    let mut kept = top_k(rows.map(|c| c.map(|c| speakers.row(c))), keep, cmp)?;
    kept.drain(..offset.min(kept.len()));
    Ok(Box::new(kept.into_iter().map(Ok)))
}

/// Runs a claims query row by row, handing each row to `each` as it is
/// produced, when the statement is one whose result is a list of claims
/// (`claims [where ...] [order by ...] [limit ...]`, no select or group).
/// Returns `None`, running nothing, for any other statement.
pub fn stream_claims(
    store: &dyn ReadView,
    statement: &Statement,
    each: &mut dyn FnMut(ClaimRow) -> Result<()>,
) -> Result<Option<ExecStats>> {
    let Statement::Claims(q) = statement else {
        return Ok(None);
    };
    if q.select.is_some() || q.group_by.is_some() {
        return Ok(None);
    }
    let p = plan(store, statement)?;
    let read = Cell::new(0);
    let speakers = Speakers::load(store)?;
    let patterns = Patterns::of(q.filter.as_ref());
    let rows = matching(store, &p, &read, q.filter.as_ref(), &speakers, &patterns)?;
    for row in ordered_rows(rows, q, &speakers)? {
        each(row?)?;
    }
    speakers.finish()?;
    Ok(Some(ExecStats {
        claims_read: read.get(),
        notes: p.notes,
    }))
}

/// The first `k` rows of a stream in `cmp` order, keeping at most `k` (plus
/// a batch) in memory: `order by ... limit k` over a million claims holds k
/// rows, not a million.
fn top_k<T>(
    rows: impl Iterator<Item = Result<T>>,
    k: usize,
    cmp: impl Fn(&T, &T) -> Ordering,
) -> Result<Vec<T>> {
    let mut kept: Vec<T> = Vec::new();
    for row in rows {
        let row = row?;
        if k == usize::MAX {
            kept.push(row);
            continue;
        }
        if kept.len() == k
            && kept
                .last()
                .is_some_and(|last| cmp(&row, last) != Ordering::Less)
        {
            continue;
        }
        let at = kept.partition_point(|x| cmp(x, &row) != Ordering::Greater);
        kept.insert(at, row);
        kept.truncate(k);
    }
    if k == usize::MAX {
        kept.sort_by(&cmp);
    }
    Ok(kept)
}

pub(super) fn paginate<T>(rows: &mut Vec<T>, limit: Option<u64>, offset: Option<u64>) {
    let offset = usize::try_from(offset.unwrap_or(0)).unwrap_or(usize::MAX);
    rows.drain(..offset.min(rows.len()));
    if let Some(limit) = limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    }
}

/// A claim's field as a cell: the speaker by canonical name, tags as a list.
pub(super) fn claim_cell(record: &ClaimRecord, speaker_name: &str, f: Field) -> Value {
    match f {
        Field::Speaker => Value::Text(speaker_name.to_string()),
        _ => Value::from_field(&record.value(f)),
    }
}

fn compare_claims(order: &[OrderBy], a: &ClaimRow, b: &ClaimRow, speakers: &Speakers) -> Ordering {
    let (sa, sb) = (speakers.get(a.claim.speaker), speakers.get(b.claim.speaker));
    let ra = ClaimRecord {
        claim: &a.claim,
        speaker: sa.as_deref(),
    };
    let rb = ClaimRecord {
        claim: &b.claim,
        speaker: sb.as_deref(),
    };
    compare_records(order, &ra, &rb)
        // Ties keep id order, so results are deterministic.
        .then(a.claim.id.cmp(&b.claim.id))
}

/// Orders two records by the `order by` keys (fields; aggregates are
/// ordered elsewhere).
pub(super) fn compare_records(order: &[OrderBy], a: &dyn Record, b: &dyn Record) -> Ordering {
    for o in order {
        let SelectItem::Field(f) = o.key.node else {
            continue;
        };
        let ord = sort_cmp(&a.value(f), &b.value(f));
        let ord = if o.descending { ord.reverse() } else { ord };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}
