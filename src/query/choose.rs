//! Choosing how to find the claims a condition asks for.
//!
//! The planner looks at the conditions joined by `and` at the top of the
//! `where` clause. Each one that indexes can answer is a candidate access
//! path: equality (or `in`, or `has tag`) on speaker, source, origin, tag or
//! status reads one index entry range per value; an `or` whose every branch
//! is indexable reads the union of their ranges; the confidence conditions
//! together make one range of the confidence index; `quote contains` (or
//! `starts with`) reads the word index for every quote word that holds the
//! needle's longest word, found in the index's vocabulary. The planner reads how
//! many entries each candidate holds from the counts kept beside the
//! indexes (no scan, so planning and `explain` cost the same at any size)
//! and takes the smallest, unless it would read as much as a full scan.
//! Conditions on `id` read the claims by primary key (`id = N`, `id in
//! (...)`, ranges). Whatever the access path, the executor still applies the
//! whole condition to each claim it reads, so an index only ever narrows the
//! search and cannot change the answer.

use super::ast::Table;
use super::ast::{Expr, Field, Literal, Op};
use super::plan::Node;
use super::ranges::{confidence_bounds, id_bounds, id_list};
use crate::error::Result;
use crate::model::{ClaimId, Confidence, Status};
use crate::store::{IndexScan, ReadView};

/// A note for each speaker a condition names that no one is called, with
/// the closest name when one is near: a misspelled name otherwise only
/// gives an empty answer.
pub(super) fn unknown_speakers(store: &dyn ReadView, e: &Expr) -> Result<Vec<String>> {
    let mut names: Vec<&str> = Vec::new();
    collect_speaker_names(e, &mut names);
    let mut notes = Vec::new();
    let mut known: Option<Vec<String>> = None;
    // A name written twice (or in two spellings that fold alike) gets one note.
    let mut seen = std::collections::HashSet::new();
    for name in names {
        if !seen.insert(crate::store::fold_name(name)) || store.speaker_by_name(name)?.is_some() {
            continue;
        }
        let known = match &mut known {
            Some(k) => k,
            None => known.insert(
                store
                    .speakers()?
                    .into_iter()
                    .flat_map(|s| std::iter::once(s.name).chain(s.aliases))
                    .collect(),
            ),
        };
        let closest = super::parse::closest_name(name, known.iter().map(String::as_str))
            .map(|k| format!(" (did you mean {}?)", crate::error::quoted(k)))
            .unwrap_or_default();
        notes.push(format!(
            "no speaker is called {}{closest}",
            crate::error::quoted(name)
        ));
    }
    Ok(notes)
}

fn collect_speaker_names<'e>(e: &'e Expr, out: &mut Vec<&'e str>) {
    match e {
        Expr::And(a, b) | Expr::Or(a, b) => {
            collect_speaker_names(a, out);
            collect_speaker_names(b, out);
        }
        Expr::Not(a) => collect_speaker_names(a, out),
        // Only equality names a speaker: `contains "FBI"` names a part of one.
        Expr::Compare {
            field,
            op: Op::Eq,
            value,
        } if field.node == Field::Speaker => {
            if let Literal::Str(s) = &value.node {
                out.push(s);
            }
        }
        Expr::In { field, values } if field.node == Field::Speaker => {
            out.extend(values.iter().filter_map(|v| match &v.node {
                Literal::Str(s) => Some(s.as_str()),
                _ => None,
            }));
        }
        _ => {}
    }
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
            Field::Key => Some(vec![IndexScan::Key(s.trim().to_string())]),
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
        Expr::Compare {
            field,
            op: Op::Contains | Op::StartsWith,
            value,
        } if field.node == Field::Quote => {
            // A quote that holds the needle has a word holding the needle's
            // longest word: the words of the index that hold it, found in
            // its vocabulary, give every claim that can match (and the
            // filter then checks each).
            let Literal::Str(s) = &value.node else {
                return Ok(None);
            };
            let folded = crate::cite::fold_for_search(s);
            let Some(part) = crate::cite::search_words(&folded)
                .into_iter()
                .max_by_key(|w| w.len())
            else {
                return Ok(None);
            };
            Ok(Some(
                store
                    .words_containing(part)?
                    .into_iter()
                    .map(|(w, _)| IndexScan::Word(w))
                    .collect(),
            ))
        }
        Expr::HasTag(tag) => eq_scan(Field::Tag, &tag.node),
        // No claim satisfies `false`: an empty union reads nothing.
        Expr::Bool(false) => Ok(Some(Vec::new())),
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

/// How many entries `scans` read, or any number of at least `cap` once
/// the sum reaches it.
fn count(store: &dyn ReadView, scans: &[IndexScan], cap: u64) -> Result<u64> {
    let mut n = 0u64;
    for s in scans {
        if n >= cap {
            break;
        }
        n = n.saturating_add(store.index_count_up_to(s, cap - n)?);
    }
    Ok(n)
}

/// The access path for `filter`, under a `filter` node for what it leaves
/// to check: the whole condition, the `and`-ed parts an index does not
/// answer, or nothing when the index answers it all.
pub(super) fn choose_access(store: &dyn ReadView, filter: Option<&Expr>) -> Result<Node> {
    let Path {
        mut access,
        used,
        range,
        ..
    } = access_for(store, filter)?;
    let by_index = matches!(
        access,
        Node::Index { .. } | Node::Union { .. } | Node::Nothing { .. }
    );
    let mut conjuncts = Vec::new();
    if let Some(filter) = filter {
        flatten_and(filter, &mut conjuncts);
    }
    // A condition of confidence ranges alone is answered by the confidence
    // index, whose range is exact (`ranges.rs`).
    let exact = by_index
        && filter.is_some_and(|f| {
            answered_by_index(f)
                || used.is_none() && conjuncts.iter().all(|c| is_confidence_range(c))
        });
    // The `and`-ed parts the access path leaves, when it answers one. The
    // confidence range its entries are checked against is exact too: its
    // parts need no second check, and when they are all that is left, the
    // path answers the whole condition.
    let rest: Option<Vec<&Expr>> = match used {
        Some(used) if by_index && !exact && answered_by_index(used) => Some(
            conjuncts
                .into_iter()
                .filter(|c| !(std::ptr::eq(*c, used) || range.is_some() && is_confidence_range(c)))
                .collect(),
        ),
        _ => None,
    };
    let range_alone = rest.as_ref().is_some_and(Vec::is_empty);
    let residual = rest.and_then(|rest| {
        rest.into_iter()
            .cloned()
            .reduce(|a, b| Expr::And(Box::new(a), Box::new(b)))
    });
    let answered = exact || range_alone;
    if let Node::Index {
        window, exact: e, ..
    }
    | Node::Union {
        window, exact: e, ..
    } = &mut access
    {
        *window = range.filter(|_| !exact);
        *e = answered;
    }
    Ok(match (answered, residual, filter) {
        (true, _, _) | (false, None, None) => access,
        (false, Some(rest), _) => Node::Filter {
            condition: rest,
            input: Box::new(access),
        },
        (false, None, Some(whole)) => Node::Filter {
            condition: whole.clone(),
            input: Box::new(access),
        },
    })
}

/// Whether the index scans of a condition hold exactly the claims that
/// satisfy it, so that nothing is left to check: equality on a speaker
/// (any of their names), a source, an origin or a status, `in` and `or`
/// of those, and `quote contains` a needle of one word. A quote holds
/// such a needle exactly when one of its words does (`cite::search_words`
/// cuts the folded quote at every other character), and the word index
/// holds every word of every quote, folded as `contains` folds.
fn answered_by_index(e: &Expr) -> bool {
    let exact_eq = |field: Field, value: &Literal| {
        matches!(
            field,
            Field::Speaker | Field::Source | Field::Origin | Field::Status
        ) && matches!(value, Literal::Str(_))
    };
    match e {
        Expr::Compare {
            field,
            op: Op::Eq,
            value,
        } => exact_eq(field.node, &value.node),
        Expr::Compare {
            field,
            op: Op::Contains,
            value,
        } if field.node == Field::Quote => match &value.node {
            Literal::Str(s) => {
                let folded = crate::cite::fold_for_search(s);
                !folded.is_empty() && folded.chars().all(char::is_alphanumeric)
            }
            _ => false,
        },
        Expr::In { field, values } => values.iter().all(|v| exact_eq(field.node, &v.node)),
        Expr::Or(a, b) => answered_by_index(a) && answered_by_index(b),
        _ => false,
    }
}

/// The access path for `filter` (see [`Path`]).
fn access_for<'e>(store: &dyn ReadView, filter: Option<&'e Expr>) -> Result<Path<'e>> {
    let total = store.claim_count()?;
    let Some(filter) = filter else {
        return Ok(Path::plain(Node::Scan {
            table: Table::Claims,
            rows: total,
        }));
    };
    let mut conjuncts = Vec::new();
    flatten_and(filter, &mut conjuncts);

    // Conditions on `id` read by primary key: a list of ids, or a range.
    let mut ids: Option<Vec<ClaimId>> = None;
    let (mut first, mut last) = (0u64, u64::MAX);
    let mut has_id_range = false;
    for c in &conjuncts {
        if let Some(list) = id_list(c) {
            ids = Some(match ids {
                None => list,
                Some(before) => before.into_iter().filter(|i| list.contains(i)).collect(),
            });
        } else if id_bounds(c, &mut first, &mut last) {
            has_id_range = true;
        }
    }
    if let Some(mut ids) = ids {
        ids.retain(|i| (first..=last).contains(i));
        ids.sort_unstable();
        ids.dedup();
        return Ok(Path::plain(Node::ClaimIds { ids }));
    }
    if has_id_range {
        if first > last {
            return Ok(Path::plain(Node::Nothing {
                why: "the id conditions exclude each other".into(),
            }));
        }
        // A range of the claims tree is never more work than reading it all.
        let span = last.saturating_sub(first).saturating_add(1);
        let rows = span.min(total);
        return Ok(Path::plain(Node::ClaimRange { first, last, rows }));
    }

    let mut candidates: Vec<(Vec<IndexScan>, Option<&Expr>)> = Vec::new();
    let (mut low, mut high) = (0.0, f64::from(Confidence::SCALE));
    let mut has_range = false;
    let mut range = None;
    for c in conjuncts {
        if confidence_bounds(c, &mut low, &mut high) {
            has_range = true;
        } else if let Some(scans) = index_scans(store, c)? {
            if scans.is_empty() {
                let why = match c {
                    Expr::Bool(false) => "the condition is false".to_string(),
                    Expr::Compare { field, .. } if field.node == Field::Quote => {
                        format!("no quote has a word that `{c}` could match")
                    }
                    _ => format!("no speaker matches `{c}`"),
                };
                return Ok(Path {
                    used: Some(c),
                    ..Path::plain(Node::Nothing { why })
                });
            }
            candidates.push((scans, Some(c)));
        }
    }
    if has_range {
        let Some((lo, hi)) = window(low, high) else {
            return Ok(Path::plain(Node::Nothing {
                why: "the confidence conditions exclude each other".into(),
            }));
        };
        candidates.push((vec![IndexScan::Confidence(lo, hi)], None));
        range = Some((lo, hi));
    }
    let mut best: Option<(Vec<IndexScan>, u64, Option<&Expr>)> = None;
    // Cheapest first: equality counts are one key each, and the
    // confidence range (last) stops counting once it costs more.
    for (scans, from) in candidates {
        let cap = best.as_ref().map_or(u64::MAX, |(_, n, _)| *n);
        let estimate = count(store, &scans, cap)?;
        match &mut best {
            // The confidence range holds fewer claims than the best
            // equality, but an equality whose entries record confidence
            // reads only the claims in both: it wins unless scanning its
            // entries costs more than the claims it spares reading.
            Some((eq_scans, n, Some(_)))
                if from.is_none() && estimate < *n && records_confidence(eq_scans) =>
            {
                let both =
                    (u128::from(*n) * u128::from(estimate)).div_ceil(u128::from(total.max(1)));
                let both = u64::try_from(both).unwrap_or(u64::MAX);
                if *n / ENTRIES_PER_CLAIM_READ + both >= estimate {
                    best = Some((scans, estimate, from));
                } else {
                    *n = both;
                }
            }
            Some((_, n, _)) if estimate >= *n => {}
            _ => best = Some((scans, estimate, from)),
        }
    }
    Ok(match best {
        Some((mut scans, n, from)) if n < total || scans.len() == 1 && n == 0 => {
            // An equality path checks the confidence range in its entries,
            // when they record it.
            let range = range.filter(|_| from.is_some() && records_confidence(&scans));
            let access = if scans.len() == 1 {
                Node::Index {
                    scan: scans.remove(0),
                    window: None,
                    exact: false,
                    rows: n,
                }
            } else {
                Node::Union {
                    scans,
                    window: None,
                    exact: false,
                    rows: n,
                }
            };
            Path {
                access,
                used: from,
                range,
            }
        }
        _ => Path::plain(Node::Scan {
            table: Table::Claims,
            rows: total,
        }),
    })
}

/// Whether `e` bounds the confidence (what [`confidence_bounds`] reads).
fn is_confidence_range(e: &Expr) -> bool {
    let (mut low, mut high) = (0.0, 0.0);
    confidence_bounds(e, &mut low, &mut high)
}

/// How many index entries scanning costs about as much as reading one
/// claim: a posting is a few bytes decoded from a chunk in hand, a claim a
/// lookup and a decoded record of hundreds of bytes.
const ENTRIES_PER_CLAIM_READ: u64 = 64;

/// Whether every index of `scans` records its claims' confidence.
fn records_confidence(scans: &[IndexScan]) -> bool {
    scans.iter().all(|s| s.index().records_confidence())
}

/// An access path, and what choosing it found.
struct Path<'e> {
    /// A leaf of the plan.
    access: Node,
    /// The `and`-ed part of the condition whose index scans it is, if it
    /// is one.
    used: Option<&'e Expr>,
    /// The confidence range the condition requires, for an equality path
    /// whose entries record confidence to check them against.
    range: Option<(Confidence, Confidence)>,
}

impl Path<'_> {
    /// A path that answers no part of the condition by itself.
    fn plain(access: Node) -> Self {
        Path {
            access,
            used: None,
            range: None,
        }
    }
}

/// The confidence range `low..=high` (ten-thousandths) within 0..=1;
/// `None` when it is empty.
fn window(low: f64, high: f64) -> Option<(Confidence, Confidence)> {
    let (lo, hi) = (low.max(0.0), high.min(f64::from(Confidence::SCALE)));
    (lo <= hi).then(|| {
        (
            Confidence::from_basis_points(lo as u16),
            Confidence::from_basis_points(hi as u16),
        )
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
