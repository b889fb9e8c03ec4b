//! Running a planned read: pull records from the store, filter, group, sort, cut.
//!
//! The executor follows the [`Plan`]'s access path, decodes each claim it
//! reads, keeps those the whole condition accepts, then groups and
//! aggregates, sorts, and applies `limit` and `offset`. It counts the claims
//! it reads ([`ExecStats`]), which is how tests show that an index, not a
//! scan, answered a query. Writes are not run here: `Db` runs them through
//! its checked writer, using [`matching_claims`] to find their targets.

use std::cell::Cell;
use std::cmp::Ordering;
use std::collections::HashMap;

use serde::Serialize;

use super::ast::{
    Aggregate, ClaimsQuery, Expr, Field, ListQuery, Literal, OrderBy, SelectItem, Statement, Table,
};
use super::plan::{plan, Access, Plan};
use super::record::{
    eval, sort_cmp, ClaimRecord, FieldValue, Patterns, Record, SourceRecord, SpeakerRecord,
};
use crate::cite::LineIndex;
use crate::error::{Error, Result};
use crate::model::{Claim, ClaimId, Source, Speaker, SpeakerId};
use crate::store::{IndexScan, ReadView};

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

/// One cell of a [`Rows`] result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// Absent.
    Null,
    /// A whole number.
    Int(i64),
    /// A number.
    Num(f64),
    /// Text.
    Text(String),
    /// A list of strings (tags, aliases).
    List(Vec<String>),
}

impl Value {
    /// The cell as the text view shows it.
    pub fn display(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Int(n) => n.to_string(),
            Value::Num(n) => n.to_string(),
            Value::Text(s) => s.clone(),
            Value::List(items) => items.join(", "),
        }
    }

    fn from_field(v: &FieldValue) -> Value {
        match v {
            FieldValue::Null => Value::Null,
            FieldValue::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => Value::Int(*n as i64),
            FieldValue::Num(n) => Value::Num(*n),
            FieldValue::Text(t) => Value::Text(t.to_string()),
            FieldValue::Texts(ts) => Value::List(ts.iter().map(|t| t.to_string()).collect()),
        }
    }

    fn cmp_for_sort(&self, other: &Value) -> Ordering {
        let num = |v: &Value| match v {
            Value::Int(n) => Some(*n as f64),
            Value::Num(n) => Some(*n),
            _ => None,
        };
        match (self, other) {
            (Value::Null, Value::Null) => Ordering::Equal,
            (Value::Null, _) => Ordering::Greater,
            (_, Value::Null) => Ordering::Less,
            _ => match (num(self), num(other)) {
                (Some(a), Some(b)) => a.total_cmp(&b),
                _ => self.display().cmp(&other.display()),
            },
        }
    }
}

/// A table of values: the result of `select`, `group by` and aggregates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rows {
    /// Column names.
    pub columns: Vec<String>,
    /// One cell per column.
    pub rows: Vec<Vec<Value>>,
}

/// `show claim N`: the claim, and its passage in context.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimDetail {
    /// The claim.
    pub row: ClaimRow,
    /// The lines around the quote (none when the source holds no text).
    pub context: Vec<ContextLine>,
}

/// One line of a source's text, with the quoted part marked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContextLine {
    /// 1-based line number.
    pub number: usize,
    /// The line's text.
    pub text: String,
    /// The quoted characters on this line, as a character range.
    pub quoted: Option<(usize, usize)>,
}

/// What a write or a transaction statement did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Done {
    /// One line for a person: "added claim 62 (verified)".
    pub message: String,
    /// The ids of the claims (or speakers) written, when there are any.
    pub ids: Vec<u64>,
}

/// What a statement returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// `claims ...`
    Claims(Vec<ClaimRow>),
    /// `claims select ...`, `group by`, aggregates.
    Rows(Rows),
    /// `count claims ...`
    Count(u64),
    /// `speakers ...`
    Speakers(Vec<SpeakerRow>),
    /// `sources ...`
    Sources(Vec<SourceRow>),
    /// `show claim N`
    Claim(Box<ClaimDetail>),
    /// `explain ...`
    Plan(Plan),
    /// A write or `begin`, `commit`, `rollback`.
    Done(Done),
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

/// Runs a parsed, checked read statement and reports what it read.
pub fn execute_read(store: &dyn ReadView, statement: &Statement) -> Result<(Output, ExecStats)> {
    let read = Cell::new(0);
    let output = match statement {
        Statement::Explain(inner) => Output::Plan(plan(store, inner)?),
        Statement::Claims(q) => {
            let p = plan(store, statement)?;
            run_claims(store, &p, q, &read)?
        }
        Statement::CountClaims { filter, group_by } => {
            let p = plan(store, statement)?;
            if p.access == Access::StoredCount {
                Output::Count(store.claim_count()?)
            } else {
                let speakers = Speakers::load(store)?;
                let patterns = Patterns::of(filter.as_ref());
                let rows = matching(store, &p, &read, filter.as_ref(), &speakers, &patterns)?;
                match group_by {
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
                }
            }
        }
        Statement::List(q) => run_list(store, q)?,
        Statement::ShowClaim(id) => {
            read.set(1);
            Output::Claim(Box::new(show_claim(store, id)?))
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
        },
    ))
}

/// Every speaker by id, loaded once per statement for matching and display.
pub(crate) struct Speakers(HashMap<SpeakerId, Speaker>);

impl Speakers {
    pub(crate) fn load(store: &dyn ReadView) -> Result<Self> {
        Ok(Speakers(
            store.speakers()?.into_iter().map(|s| (s.id, s)).collect(),
        ))
    }

    pub(crate) fn get(&self, id: SpeakerId) -> Option<&Speaker> {
        self.0.get(&id)
    }

    fn name(&self, id: SpeakerId) -> &str {
        self.0.get(&id).map_or("", |s| s.name.as_str())
    }

    fn row(&self, claim: Claim) -> ClaimRow {
        ClaimRow {
            speaker_name: self.name(claim.speaker).to_string(),
            claim,
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
    let record = ClaimRecord {
        claim,
        speaker: speakers.get(claim.speaker),
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
    ids
}

/// A stream of claims.
type Claims<'a> = Box<dyn Iterator<Item = Result<Claim>> + 'a>;

/// The claims the plan's access path yields, in id order; each one pulled
/// is counted in `read`. Nothing is read before it is asked for, so a
/// `limit` stops the reading.
fn access<'a>(store: &'a dyn ReadView, p: &Plan, read: &'a Cell<u64>) -> Claims<'a> {
    let counted = move |c: &Result<Claim>| {
        if c.is_ok() {
            read.set(read.get() + 1);
        }
    };
    let by_id = move |ids: Box<dyn Iterator<Item = Result<ClaimId>> + 'a>, index: &'static str| {
        ids.map(move |id| {
            let id = id?;
            store.claim(id)?.ok_or_else(|| {
                Error::Corrupt(format!(
                    "index {index} names claim {id}, which does not exist"
                ))
            })
        })
    };
    match &p.access {
        Access::Nothing(_) | Access::StoredCount => Box::new(std::iter::empty()),
        Access::FullScan => Box::new(store.claims().inspect(counted)),
        Access::IdRange(first, last) => Box::new(store.claims_in(*first, *last).inspect(counted)),
        Access::Ids(ids) => {
            let ids = ids.clone();
            Box::new(
                ids.into_iter()
                    .filter_map(move |id| store.claim(id).transpose())
                    .inspect(counted),
            )
        }
        Access::Index(scan) => {
            let name = scan.index_name();
            if scan.yields_ids_in_order() {
                Box::new(by_id(store.scan_index(scan), name).inspect(counted))
            } else {
                // A range of values: its ids come in value order; sort them.
                match store.scan_index(scan).collect::<Result<Vec<ClaimId>>>() {
                    Ok(mut ids) => {
                        ids.sort_unstable();
                        Box::new(by_id(Box::new(ids.into_iter().map(Ok)), name).inspect(counted))
                    }
                    Err(e) => Box::new(std::iter::once(Err(e))),
                }
            }
        }
        Access::Union(scans) => {
            let name = scans[0].index_name();
            let streams: Vec<_> = scans.iter().map(|s| store.scan_index(s)).collect();
            Box::new(by_id(Box::new(MergeIds::new(streams)), name).inspect(counted))
        }
    }
}

/// Sorted streams of ids merged into one sorted stream, each id once.
struct MergeIds<'a> {
    streams: Vec<std::iter::Peekable<Box<dyn Iterator<Item = Result<ClaimId>> + 'a>>>,
    last: Option<ClaimId>,
}

impl<'a> MergeIds<'a> {
    fn new(streams: Vec<Box<dyn Iterator<Item = Result<ClaimId>> + 'a>>) -> Self {
        MergeIds {
            streams: streams.into_iter().map(Iterator::peekable).collect(),
            last: None,
        }
    }
}

impl Iterator for MergeIds<'_> {
    type Item = Result<ClaimId>;

    fn next(&mut self) -> Option<Result<ClaimId>> {
        loop {
            // An error anywhere comes out first.
            for s in &mut self.streams {
                if let Some(Err(_)) = s.peek() {
                    return s.next();
                }
            }
            let (at, id) = self
                .streams
                .iter_mut()
                .enumerate()
                .filter_map(|(i, s)| match s.peek() {
                    Some(Ok(id)) => Some((i, *id)),
                    _ => None,
                })
                .min_by_key(|&(_, id)| id)?;
            self.streams[at].next();
            if self.last != Some(id) {
                self.last = Some(id);
                return Some(Ok(id));
            }
        }
    }
}

/// The claims that satisfy `filter`, in id order, as a stream.
fn matching<'a>(
    store: &'a dyn ReadView,
    p: &Plan,
    read: &'a Cell<u64>,
    filter: Option<&'a Expr>,
    speakers: &'a Speakers,
    patterns: &'a Patterns,
) -> Result<Claims<'a>> {
    Ok(Box::new(access(store, p, read).filter(move |c| match c {
        Ok(claim) => claim_matches(claim, filter, speakers, patterns),
        Err(_) => true,
    })))
}

fn run_claims(store: &dyn ReadView, p: &Plan, q: &ClaimsQuery, read: &Cell<u64>) -> Result<Output> {
    // Speakers are loaded once: for conditions, names, sorting and groups.
    let speakers = Speakers::load(store)?;
    let patterns = Patterns::of(q.filter.as_ref());
    let rows = matching(store, p, read, q.filter.as_ref(), &speakers, &patterns)?;
    let grouped = q.group_by.is_some()
        || q.select.as_ref().is_some_and(|s| {
            s.iter()
                .any(|i| matches!(i.node, SelectItem::Aggregate(..)))
        });
    if grouped {
        let mut out = group(&speakers, rows, q)?;
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
        let cmp = |a: &ClaimRow, b: &ClaimRow| compare_claims(&q.order, a, b, &speakers);
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
                    let record = ClaimRecord {
                        claim: &r.claim,
                        speaker: speakers.get(r.claim.speaker),
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
    Ok(Some(ExecStats {
        claims_read: read.get(),
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

fn paginate<T>(rows: &mut Vec<T>, limit: Option<u64>, offset: Option<u64>) {
    let offset = usize::try_from(offset.unwrap_or(0)).unwrap_or(usize::MAX);
    rows.drain(..offset.min(rows.len()));
    if let Some(limit) = limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    }
}

/// A claim's field as a cell: the speaker by canonical name, tags as a list.
fn claim_cell(record: &ClaimRecord, speaker_name: &str, f: Field) -> Value {
    match f {
        Field::Speaker => Value::Text(speaker_name.to_string()),
        _ => Value::from_field(&record.value(f)),
    }
}

fn compare_claims(order: &[OrderBy], a: &ClaimRow, b: &ClaimRow, speakers: &Speakers) -> Ordering {
    let ra = ClaimRecord {
        claim: &a.claim,
        speaker: speakers.get(a.claim.speaker),
    };
    let rb = ClaimRecord {
        claim: &b.claim,
        speaker: speakers.get(b.claim.speaker),
    };
    compare_records(order, &ra, &rb)
        // Ties keep id order, so results are deterministic.
        .then(a.claim.id.cmp(&b.claim.id))
}

/// Orders two records by the `order by` keys (fields; aggregates are
/// ordered elsewhere).
fn compare_records(order: &[OrderBy], a: &dyn Record, b: &dyn Record) -> Ordering {
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

/// Running totals of one group.
#[derive(Default, Clone)]
struct Acc {
    count: u64,
    sums: Vec<f64>,
    counts: Vec<u64>,
    mins: Vec<Option<Value>>,
    maxs: Vec<Option<Value>>,
}

impl Acc {
    /// Totals for `n` select items, all empty.
    fn new(n: usize) -> Acc {
        Acc {
            count: 0,
            sums: vec![0.0; n],
            counts: vec![0; n],
            mins: vec![None; n],
            maxs: vec![None; n],
        }
    }
}

fn group(speakers: &Speakers, rows: Claims<'_>, q: &ClaimsQuery) -> Result<Rows> {
    let items: Vec<SelectItem> = q.select.as_ref().map_or_else(
        || {
            let mut v = Vec::new();
            if let Some(g) = &q.group_by {
                v.push(SelectItem::Field(g.node));
            }
            v.push(SelectItem::Aggregate(Aggregate::Count, None));
            v
        },
        |s| s.iter().map(|i| i.node).collect(),
    );
    let group_field = q.group_by.as_ref().map(|g| g.node);
    let mut order: Vec<Value> = Vec::new();
    let mut groups: HashMap<String, (Value, Acc)> = HashMap::new();
    let n = items.len();
    for row in rows {
        let row = speakers.row(row?);
        let record = ClaimRecord {
            claim: &row.claim,
            speaker: speakers.get(row.claim.speaker),
        };
        // The values this claim is grouped under: one, or one per tag.
        let keys: Vec<Value> = match group_field {
            None => vec![Value::Null],
            Some(Field::Speaker) => vec![Value::Text(row.speaker_name.clone())],
            Some(f) => match record.value(f) {
                FieldValue::Texts(ts) if !ts.is_empty() => {
                    ts.iter().map(|t| Value::Text(t.to_string())).collect()
                }
                other => vec![Value::from_field(&other)],
            },
        };
        for key in keys {
            let id = format!("{key:?}");
            let entry = groups.entry(id).or_insert_with(|| {
                order.push(key.clone());
                (key.clone(), Acc::new(n))
            });
            let acc = &mut entry.1;
            acc.count += 1;
            for (i, item) in items.iter().enumerate() {
                let SelectItem::Aggregate(_, Some(f)) = item else {
                    continue;
                };
                let v = claim_cell(&record, &row.speaker_name, *f);
                if v == Value::Null {
                    continue;
                }
                if let Value::Int(x) = v {
                    acc.sums[i] += x as f64;
                } else if let Value::Num(x) = v {
                    acc.sums[i] += x;
                }
                acc.counts[i] += 1;
                if acc.mins[i]
                    .as_ref()
                    .is_none_or(|m| v.cmp_for_sort(m) == Ordering::Less)
                {
                    acc.mins[i] = Some(v.clone());
                }
                if acc.maxs[i]
                    .as_ref()
                    .is_none_or(|m| v.cmp_for_sort(m) == Ordering::Greater)
                {
                    acc.maxs[i] = Some(v.clone());
                }
            }
        }
    }
    // An aggregate over no rows at all still gives one row (count 0).
    if groups.is_empty() && group_field.is_none() {
        order.push(Value::Null);
        groups.insert(format!("{:?}", Value::Null), (Value::Null, Acc::new(n)));
    }
    let columns = items.iter().map(|i| i.column()).collect();
    let out_rows = order
        .iter()
        .map(|key| {
            let (_, acc) = &groups[&format!("{key:?}")];
            items
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    SelectItem::Field(_) => key.clone(),
                    SelectItem::Aggregate(Aggregate::Count, None) => Value::Int(acc.count as i64),
                    SelectItem::Aggregate(Aggregate::Count, Some(_)) => {
                        Value::Int(acc.counts[i] as i64)
                    }
                    SelectItem::Aggregate(Aggregate::Sum, _) => round(acc.sums[i]),
                    SelectItem::Aggregate(Aggregate::Avg, _) if acc.counts[i] == 0 => Value::Null,
                    SelectItem::Aggregate(Aggregate::Avg, _) => {
                        round(acc.sums[i] / acc.counts[i] as f64)
                    }
                    SelectItem::Aggregate(Aggregate::Min, _) => {
                        acc.mins[i].clone().unwrap_or(Value::Null)
                    }
                    SelectItem::Aggregate(Aggregate::Max, _) => {
                        acc.maxs[i].clone().unwrap_or(Value::Null)
                    }
                })
                .collect()
        })
        .collect();
    Ok(Rows {
        columns,
        rows: out_rows,
    })
}

/// Averages to four decimals: confidence has no more.
fn round(x: f64) -> Value {
    Value::Num((x * 10_000.0).round() / 10_000.0)
}

/// A listed row, seen as a record for conditions and sorting.
trait AsRecord {
    fn record(&self) -> Box<dyn Record + '_>;
}

impl AsRecord for SpeakerRow {
    fn record(&self) -> Box<dyn Record + '_> {
        Box::new(SpeakerRecord {
            speaker: &self.speaker,
            claims: self.claims,
        })
    }
}

impl AsRecord for SourceRow {
    fn record(&self) -> Box<dyn Record + '_> {
        Box::new(SourceRecord {
            source: &self.source,
            claims: self.claims,
        })
    }
}

/// Applies a list query's condition, order, limit and offset to its rows.
fn filter_sort_page<T: AsRecord>(rows: Vec<T>, q: &ListQuery) -> Vec<T> {
    let patterns = Patterns::of(q.filter.as_ref());
    let mut rows: Vec<T> = rows
        .into_iter()
        .filter(|r| {
            q.filter
                .as_ref()
                .is_none_or(|f| eval(f, r.record().as_ref(), &patterns))
        })
        .collect();
    rows.sort_by(|a, b| compare_records(&q.order, a.record().as_ref(), b.record().as_ref()));
    paginate(&mut rows, q.limit, q.offset);
    rows
}

fn run_list(store: &dyn ReadView, q: &ListQuery) -> Result<Output> {
    let count = |scan: IndexScan| store.scan_index(&scan).count() as u64;
    Ok(match q.table {
        Table::Speakers => {
            let rows = store
                .speakers()?
                .into_iter()
                .map(|speaker| SpeakerRow {
                    claims: count(IndexScan::Speaker(speaker.id)),
                    speaker,
                })
                .collect();
            Output::Speakers(filter_sort_page(rows, q))
        }
        _ => {
            let rows = store
                .sources()?
                .into_iter()
                .map(|source| SourceRow {
                    claims: count(IndexScan::Source(source.id.clone())),
                    origin_of: count(IndexScan::Origin(source.id.clone())),
                    source,
                })
                .collect();
            Output::Sources(filter_sort_page(rows, q))
        }
    })
}

/// How many lines of context `show claim` prints around the quote.
const CONTEXT_LINES: usize = 1;

fn show_claim(store: &dyn ReadView, id: &super::ast::Spanned<Literal>) -> Result<ClaimDetail> {
    let Literal::Num(n) = id.node else {
        return Err(Error::invalid("claim id", "a claim id is a whole number"));
    };
    let claim = store
        .claim(n as u64)?
        .ok_or_else(|| Error::not_found("claim", (n as u64).to_string()))?;
    let speakers = Speakers::load(store)?;
    let mut context = Vec::new();
    if let (Some(anchor), Some(text)) = (&claim.anchor, store.source_text(&claim.source)?) {
        if anchor.text_sha256 == crate::cite::sha256_hex(&text) {
            let (start, end) = (anchor.start_byte as usize, anchor.end_byte as usize);
            let lines = LineIndex::new(&text);
            let first = lines
                .position(start)
                .line
                .saturating_sub(CONTEXT_LINES)
                .max(1);
            let last = lines.position(end.saturating_sub(1).max(start)).line + CONTEXT_LINES;
            let mut offset = 0;
            for (i, line) in text.split_inclusive('\n').enumerate() {
                let number = i + 1;
                let line_start = offset;
                offset += line.len();
                if number < first || number > last {
                    continue;
                }
                let body = line.trim_end_matches(['\n', '\r']);
                let line_end = line_start + body.len();
                let quoted =
                    (start < line_end.max(line_start + 1) && end > line_start).then(|| {
                        let s = start.max(line_start) - line_start;
                        let e = end.min(line_end) - line_start;
                        (body[..s].chars().count(), body[..e.max(s)].chars().count())
                    });
                context.push(ContextLine {
                    number,
                    text: body.to_string(),
                    quoted,
                });
            }
        }
    }
    Ok(ClaimDetail {
        row: ClaimRow {
            speaker_name: speakers.name(claim.speaker).to_string(),
            claim,
        },
        context,
    })
}
