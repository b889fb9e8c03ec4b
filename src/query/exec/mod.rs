//! Running a plan: one executor for the operator tree the planner built.
//!
//! [`Exec::run`] turns each [`Node`] into a [`Flow`]: the access paths
//! (`access.rs`) yield claims in id order, reading nothing before it is
//! asked for; `filter` drops those the condition refuses as they pass;
//! `limit` skips and stops; `top k` keeps k rows; `group` (`group.rs`)
//! accumulates; `count` counts (from the index alone when the index below
//! answers the condition); `project` picks fields. Speakers and sources
//! (`lists.rs`) flow through the same operators. Nothing is read that the
//! statement does not need, and every claim read is counted
//! ([`ExecStats`]), which is how tests show that an index, not a scan,
//! answered a query. A claims query streams: [`execute_streaming`] hands
//! each row to the caller as it comes, and [`execute_read`] gathers them.
//! Writes are not run here: `Db` runs them through its checked writer,
//! finding their targets with [`matching_claims`], which runs the write's
//! own plan below its write node.

mod access;
mod group;
mod history;
mod lists;
mod outcome;
mod output;

use std::cell::{Cell, RefCell};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::rc::Rc;

use super::ast::{Expr, Field, OrderBy, SelectItem, Statement, Table};
use super::plan::{Node, Plan};
use super::planner::plan;
use super::record::{eval, sort_cmp, ClaimRecord, Patterns, Record};
use crate::error::{Error, Result};
use crate::model::{Claim, ClaimId, Speaker, SpeakerId};
use crate::store::ReadView;
use access::Claims;
use group::group;
use lists::{
    filter_listed, selected, show_claim, show_source, sort_listed, source_rows, speaker_rows,
};
pub use outcome::Outcome;
pub use output::{
    ClaimDetail, ClaimRow, ContextLine, ExecStats, Output, Row, Rows, SourceDetail, SourceRow,
    SpeakerRow, Value,
};

/// Claims rows as they come.
type RowStream<'a> = Box<dyn Iterator<Item = Result<ClaimRow>> + 'a>;

/// What a node yields to the node above it.
enum Flow<'a> {
    /// Claims in id order, not yet named.
    Claims(Claims<'a>),
    /// Claims with their speakers' names, in the order they are to be shown.
    Rows(RowStream<'a>),
    /// A table of values (groups, aggregates, selected fields).
    Table(Rows),
    /// A count.
    Count(u64),
    /// Speakers listed.
    Speakers(Vec<SpeakerRow>),
    /// Sources listed.
    Sources(Vec<SourceRow>),
    /// A finished output (`show claim`, `show source`).
    Done(Output),
}

/// The executor: one read view, the speakers met, and the count of claims read.
struct Exec<'a> {
    store: &'a dyn ReadView,
    speakers: &'a Speakers<'a>,
    read: &'a Cell<u64>,
}

impl<'a> Exec<'a> {
    /// Runs `node` and what is below it.
    fn run(&self, node: &'a Node) -> Result<Flow<'a>> {
        let store = self.store;
        Ok(match node {
            Node::Scan {
                table: Table::Speakers,
                ..
            } => Flow::Speakers(speaker_rows(store)?),
            Node::Scan {
                table: Table::Sources,
                ..
            } => Flow::Sources(source_rows(store)?),
            Node::Scan { .. }
            | Node::ClaimIds { .. }
            | Node::ClaimRange { .. }
            | Node::Index { .. }
            | Node::Union { .. }
            | Node::Nothing { .. }
            | Node::SourceById { .. } => Flow::Claims(access::claims(store, node, self.read)),
            Node::StoredCount => Flow::Count(store.claim_count()?),
            Node::StoredCounts { field } => Flow::Table(group::stored_counts(store, *field)?),
            Node::Filter { condition, input } => match self.run(input)? {
                Flow::Claims(claims) => {
                    let patterns = Patterns::of(Some(condition));
                    let speakers = self.speakers;
                    Flow::Claims(Box::new(claims.filter(move |c| match c {
                        Ok(claim) => claim_matches(claim, Some(condition), speakers, &patterns),
                        Err(_) => true,
                    })))
                }
                Flow::Speakers(rows) => Flow::Speakers(filter_listed(rows, condition)),
                Flow::Sources(rows) => Flow::Sources(filter_listed(rows, condition)),
                other => return Err(misplaced("filter", &other)),
            },
            Node::Group { by, items, input } => match self.run(input)? {
                Flow::Claims(claims) => Flow::Table(group(self.speakers, claims, *by, items)?),
                other => return Err(misplaced("group", &other)),
            },
            Node::Sort { order, input } => self.sorted(order, usize::MAX, input)?,
            Node::TopK { k, order, input } => {
                self.sorted(order, usize::try_from(*k).unwrap_or(usize::MAX), input)?
            }
            Node::Limit {
                limit,
                offset,
                input,
            } => {
                let offset = usize::try_from(*offset).unwrap_or(usize::MAX);
                let limit = usize::try_from(*limit).unwrap_or(usize::MAX);
                match self.run(input)? {
                    // Id order or ranked already: skip and stop without reading further.
                    Flow::Claims(claims) => {
                        Flow::Rows(Box::new(self.named(claims).skip(offset).take(limit)))
                    }
                    Flow::Rows(rows) => Flow::Rows(Box::new(rows.skip(offset).take(limit))),
                    Flow::Table(mut rows) => {
                        paginate(&mut rows.rows, offset, limit);
                        Flow::Table(rows)
                    }
                    Flow::Speakers(mut rows) => {
                        paginate(&mut rows, offset, limit);
                        Flow::Speakers(rows)
                    }
                    Flow::Sources(mut rows) => {
                        paginate(&mut rows, offset, limit);
                        Flow::Sources(rows)
                    }
                    other => return Err(misplaced("limit", &other)),
                }
            }
            Node::Count { input } => match access::count_from_index(store, input)? {
                Some(n) => Flow::Count(n),
                None => match self.run(input)? {
                    Flow::Count(n) => Flow::Count(n),
                    Flow::Claims(claims) => {
                        let mut n = 0;
                        for claim in claims {
                            claim?;
                            n += 1;
                        }
                        Flow::Count(n)
                    }
                    other => return Err(misplaced("count", &other)),
                },
            },
            Node::Project { fields, input } => match self.run(input)? {
                Flow::Claims(claims) => Flow::Table(self.project(fields, self.named(claims))?),
                Flow::Rows(rows) => Flow::Table(self.project(fields, rows)?),
                Flow::Speakers(rows) => Flow::Done(selected(&rows, fields, Table::Speakers)),
                Flow::Sources(rows) => Flow::Done(selected(&rows, fields, Table::Sources)),
                other => return Err(misplaced("project", &other)),
            },
            Node::ShowClaim { id, .. } => {
                self.read.set(self.read.get() + 1);
                Flow::Done(Output::Claim(Box::new(show_claim(store, *id)?)))
            }
            Node::ShowSource {
                id, first, last, ..
            } => Flow::Done(Output::Source(Box::new(show_source(
                store, id, *first, *last,
            )?))),
            Node::History { kind, id } => {
                Flow::Done(Output::History(history::versions(store, *kind, id)?))
            }
            // A write's targets: what the tree below it finds.
            Node::Write { input, .. } => match input {
                Some(input) => self.run(input)?,
                None => Flow::Claims(Box::new(std::iter::empty())),
            },
        })
    }

    /// Claims with their speakers' names.
    fn named(&self, claims: Claims<'a>) -> RowStream<'a> {
        let speakers = self.speakers;
        Box::new(claims.map(move |c| c.map(|c| speakers.row(c))))
    }

    /// The first `k` rows of `input` in `order` (all of them, sorted, for
    /// `usize::MAX`).
    fn sorted(&self, order: &'a [OrderBy], k: usize, input: &'a Node) -> Result<Flow<'a>> {
        Ok(match self.run(input)? {
            Flow::Claims(claims) => self.ranked(order, k, self.named(claims))?,
            Flow::Rows(rows) => self.ranked(order, k, rows)?,
            Flow::Table(mut rows) => {
                sort_table(&mut rows, order);
                rows.rows.truncate(k);
                Flow::Table(rows)
            }
            Flow::Speakers(mut rows) => {
                sort_listed(&mut rows, order);
                rows.truncate(k);
                Flow::Speakers(rows)
            }
            Flow::Sources(mut rows) => {
                sort_listed(&mut rows, order);
                rows.truncate(k);
                Flow::Sources(rows)
            }
            other => return Err(misplaced("sort", &other)),
        })
    }

    fn ranked(&self, order: &'a [OrderBy], k: usize, rows: RowStream<'a>) -> Result<Flow<'a>> {
        let speakers = self.speakers;
        let cmp = |a: &ClaimRow, b: &ClaimRow| compare_claims(order, a, b, speakers);
        Ok(Flow::Rows(Box::new(
            top_k(rows, k, cmp)?.into_iter().map(Ok),
        )))
    }

    /// The chosen fields of each claim (a plain select shows a claim's whole
    /// tag list: "tags", as in every claim output).
    fn project(&self, fields: &[Field], rows: RowStream<'a>) -> Result<Rows> {
        let columns = fields
            .iter()
            .map(|f| match f {
                Field::Tag => "tags".to_string(),
                f => f.name().to_string(),
            })
            .collect();
        let rows = rows
            .map(|r| {
                let r = r?;
                let speaker = self.speakers.get(r.claim.speaker);
                let record = ClaimRecord {
                    claim: &r.claim,
                    speaker: speaker.as_deref(),
                };
                Ok(fields
                    .iter()
                    .map(|&f| claim_cell(&record, &r.speaker_name, f))
                    .collect())
            })
            .collect::<Result<_>>()?;
        Ok(Rows { columns, rows })
    }
}

/// An operator over an input it cannot take: a planner bug, reported
/// rather than answered wrongly.
fn misplaced(op: &str, input: &Flow) -> Error {
    let what = match input {
        Flow::Claims(_) => "claims",
        Flow::Rows(_) => "rows",
        Flow::Table(_) => "a table",
        Flow::Count(_) => "a count",
        Flow::Speakers(_) => "speakers",
        Flow::Sources(_) => "sources",
        Flow::Done(_) => "a finished output",
    };
    Error::invalid("plan", format!("{op} cannot read {what}"))
}

/// Sorts a table by the `order by` keys that name its columns; ties keep
/// the first column's order.
fn sort_table(rows: &mut Rows, order: &[OrderBy]) {
    let keys: Vec<(usize, bool)> = order
        .iter()
        .filter_map(|o| {
            rows.columns
                .iter()
                .position(|c| *c == o.key.node.column())
                .map(|i| (i, o.descending))
        })
        .collect();
    rows.rows.sort_by(|a, b| {
        for &(i, desc) in &keys {
            let ord = a[i].cmp_for_sort(&b[i]);
            let ord = if desc { ord.reverse() } else { ord };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        a[0].cmp_for_sort(&b[0])
    });
}

/// The output of a flow, gathered; `each` takes the rows of a stream of
/// claims instead, when given.
fn finish(
    flow: Flow,
    each: Option<&mut dyn FnMut(ClaimRow) -> Result<()>>,
    exec: &Exec,
) -> Result<Option<Output>> {
    let rows: RowStream = match flow {
        Flow::Claims(claims) => exec.named(claims),
        Flow::Rows(rows) => rows,
        Flow::Table(rows) => return Ok(Some(Output::Rows(rows))),
        Flow::Count(n) => return Ok(Some(Output::Count(n))),
        Flow::Speakers(rows) => return Ok(Some(Output::Speakers(rows))),
        Flow::Sources(rows) => return Ok(Some(Output::Sources(rows))),
        Flow::Done(output) => return Ok(Some(output)),
    };
    match each {
        Some(each) => {
            for row in rows {
                each(row?)?;
            }
            Ok(None)
        }
        None => Ok(Some(Output::Claims(rows.collect::<Result<_>>()?))),
    }
}

/// Runs `f` with an executor over `store`, and says how many claims it read.
/// A speaker that could not be read fails the statement, rather than
/// giving a wrong answer.
fn with_executor<T>(
    store: &dyn ReadView,
    f: impl for<'a> FnOnce(&Exec<'a>) -> Result<T>,
) -> Result<(T, u64)> {
    let read = Cell::new(0);
    let speakers = Speakers::load(store)?;
    let exec = Exec {
        store,
        speakers: &speakers,
        read: &read,
    };
    let out = f(&exec);
    speakers.finish()?;
    Ok((out?, read.get()))
}

/// Runs `plan` over `store`; the rows of a claims query go to `each` as
/// they come when it is given (and the output is `None`).
fn run_plan(
    store: &dyn ReadView,
    plan: &Plan,
    each: Option<&mut dyn FnMut(ClaimRow) -> Result<()>>,
) -> Result<(Option<Output>, ExecStats)> {
    let (output, claims_read) =
        with_executor(store, |exec| finish(exec.run(&plan.root)?, each, exec))?;
    Ok((
        output,
        ExecStats {
            claims_read,
            notes: plan.notes.clone(),
        },
    ))
}

/// Runs a plan and gathers its output: what `explain` printed is what runs.
///
/// ```
/// # fn main() -> claimdb::Result<()> {
/// use claimdb::query::{execute_plan, plan, prepare, Params};
/// let db = claimdb::Db::open_in_memory(claimdb::OpenOptions::new().seed(true))?;
/// let view = db.view()?;
/// let statement = prepare(r#"count claims where speaker = "White""#, &Params::new())?;
/// let plan = plan(&*view, &statement)?;
/// assert!(plan.to_string().contains("idx_speaker"));
/// let (out, _) = execute_plan(&*view, &plan)?;
/// assert!(out.count().unwrap() > 0);
/// # Ok(()) }
/// ```
pub fn execute_plan(store: &dyn ReadView, plan: &Plan) -> Result<(Output, ExecStats)> {
    let (output, stats) = run_plan(store, plan, None)?;
    Ok((output.unwrap_or(Output::Claims(Vec::new())), stats))
}

/// Plans and runs a parsed, checked read statement, and reports what it read.
pub fn execute_read(store: &dyn ReadView, statement: &Statement) -> Result<(Output, ExecStats)> {
    match statement {
        Statement::Explain(inner) => Ok((Output::Plan(plan(store, inner)?), ExecStats::default())),
        Statement::AsOf { at, query } => {
            let past = history::in_the_past(store, at)?;
            let view = crate::store::Engine::read(&past)?;
            execute_read(&*view, query)
        }
        s if s.is_write()
            || matches!(
                s,
                Statement::Begin | Statement::Commit | Statement::Rollback
            ) =>
        {
            Err(Error::invalid("statement", format!("not a read: {s:?}")))
        }
        s => execute_plan(store, &plan(store, s)?),
    }
}

/// Like [`execute_read`], handing the rows of a claims query to `each` as
/// they are produced instead of gathering them (for output written row by
/// row, such as JSON Lines and CSV); the output is `None` when they went to
/// `each`. The rows are the same, in the same order.
pub fn execute_streaming(
    store: &dyn ReadView,
    statement: &Statement,
    each: &mut dyn FnMut(ClaimRow) -> Result<()>,
) -> Result<(Option<Output>, ExecStats)> {
    match statement {
        Statement::Explain(_) | Statement::AsOf { .. } => {
            execute_read(store, statement).map(|(out, stats)| (Some(out), stats))
        }
        s if s.is_write()
            || matches!(
                s,
                Statement::Begin | Statement::Commit | Statement::Rollback
            ) =>
        {
            Err(Error::invalid("statement", format!("not a read: {s:?}")))
        }
        s => run_plan(store, &plan(store, s)?, Some(each)),
    }
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

/// The ids of the claims a write statement (`update claims`, `delete
/// claims`) targets now: its plan run below its write node.
pub(crate) fn matching_claims(store: &dyn ReadView, statement: &Statement) -> Result<Vec<ClaimId>> {
    let plan = plan(store, statement)?;
    let (ids, _) = with_executor(store, |exec| match exec.run(&plan.root)? {
        Flow::Claims(claims) => claims.map(|c| c.map(|c| c.id)).collect(),
        other => Err(misplaced("a write", &other)),
    })?;
    Ok(ids)
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

fn paginate<T>(rows: &mut Vec<T>, offset: usize, limit: usize) {
    rows.drain(..offset.min(rows.len()));
    rows.truncate(limit);
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
