//! `group by` and aggregates, accumulated as the claims stream past.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::super::ast::{Aggregate, Field, SelectItem};
use super::super::record::{ClaimRecord, FieldValue, Record};
use super::access::Claims;
use super::output::{Rows, Value};
use super::{claim_cell, Speakers};
use crate::error::{Error, Result};
use crate::store::{Index, IndexScan, ReadView};

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

/// `count claims group by FIELD` from the counts kept per index value, for
/// a field every claim has one value of: the same rows as grouping the
/// claims would give (most claims first, then by value), without reading
/// a claim.
pub(super) fn stored_counts(store: &dyn ReadView, field: Field) -> Result<Rows> {
    let kept = matches!(field, Field::Speaker | Field::Source | Field::Status);
    let Some(index) = Index::ALL
        .into_iter()
        .find(|i| kept && i.field() == field.name())
    else {
        return Err(Error::invalid(
            "plan",
            format!("no counts are kept per {}", field.name()),
        ));
    };
    // A speaker's counts are kept by id: named from one pass over the
    // speakers, not a lookup per count.
    let mut names: HashMap<_, _> = match field {
        Field::Speaker => store
            .speakers()?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect(),
        _ => HashMap::new(),
    };
    let mut counted: Vec<(Value, u64)> = Vec::new();
    for (scan, n) in store.value_counts(index)? {
        let value = match scan {
            IndexScan::Speaker(id) => match names.remove(&id) {
                Some(name) => name,
                None => continue,
            },
            IndexScan::Source(id) => id,
            IndexScan::Status(status) => status.as_str().to_string(),
            // The three indexes hold nothing else.
            _ => continue,
        };
        counted.push((Value::Text(value), n));
    }
    counted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp_for_sort(&b.0)));
    let items = [
        SelectItem::Field(field),
        SelectItem::Aggregate(Aggregate::Count, None),
    ];
    Ok(Rows {
        columns: items.iter().map(|i| i.column()).collect(),
        rows: counted
            .into_iter()
            .map(|(v, n)| vec![v, Value::Int(n as i64)])
            .collect(),
    })
}

/// The claims of `rows` grouped by `by` (all in one group when `None`),
/// each group's row holding `items`: the field's value and aggregates.
pub(super) fn group(
    speakers: &Speakers,
    rows: Claims<'_>,
    group_field: Option<Field>,
    items: &[SelectItem],
) -> Result<Rows> {
    let mut order: Vec<Value> = Vec::new();
    let mut groups: HashMap<String, (Value, Acc)> = HashMap::new();
    let n = items.len();
    for row in rows {
        let row = speakers.row(row?);
        let speaker = speakers.get(row.claim.speaker);
        let record = ClaimRecord {
            claim: &row.claim,
            speaker: speaker.as_deref(),
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
