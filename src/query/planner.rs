//! Building a statement's plan: the operator tree (`plan.rs`) that
//! `explain` prints and the executor runs.
//!
//! The access path, and the part of the condition it leaves to a `filter`,
//! come from `choose.rs`. Above them this file stacks what the statement
//! asks for, innermost first: `group` (with its aggregates), `sort` (or
//! `top k` when a limit follows, so only k rows are kept), `limit`, and
//! `count` or `project`; a write or a `show` puts its own node on top.
//! `count claims` alone reads the count kept with the claims, and `count
//! claims group by` speaker, source or status the counts kept per value:
//! no claim at all.

use super::ast::{
    Aggregate, ClaimsQuery, Expr, Field, ListQuery, Literal, OrderBy, SelectItem, Spanned,
    Statement, Table,
};
use super::choose::{choose_access, unknown_speakers};
use super::plan::{Node, Plan};
use crate::error::{Result, Span};
use crate::model::ClaimId;
use crate::store::ReadView;

/// Plans a parsed, checked statement against the store's current counts.
pub fn plan(store: &dyn ReadView, statement: &Statement) -> Result<Plan> {
    let mut notes = Vec::new();
    // The condition's notes (a speaker no one is called), and its access path.
    let mut access = |filter: Option<&Expr>| -> Result<Node> {
        if let Some(f) = filter {
            notes = unknown_speakers(store, f)?;
        }
        choose_access(store, filter)
    };
    let root = match statement {
        Statement::Claims(q) => claims(access(q.filter.as_ref())?, q),
        Statement::CountClaims { filter, group_by } => match (filter, group_by) {
            (None, None) => Node::Count {
                input: Box::new(Node::StoredCount),
            },
            // Fields that every claim has exactly one value of, each value
            // with its count kept: the groups are the counts.
            (None, Some(g)) if matches!(g.node, Field::Speaker | Field::Source | Field::Status) => {
                Node::StoredCounts { field: g.node }
            }
            (filter, None) => Node::Count {
                input: Box::new(access(filter.as_ref())?),
            },
            (filter, Some(g)) => {
                // Most claims first: the usual question is "who says most".
                let order = vec![
                    order_by(SelectItem::Aggregate(Aggregate::Count, None), true),
                    order_by(SelectItem::Field(g.node), false),
                ];
                Node::Sort {
                    order,
                    input: Box::new(Node::Group {
                        by: Some(g.node),
                        items: vec![
                            SelectItem::Field(g.node),
                            SelectItem::Aggregate(Aggregate::Count, None),
                        ],
                        input: Box::new(access(filter.as_ref())?),
                    }),
                }
            }
        },
        Statement::Update { filter, .. } => Node::Write {
            action: "update each claim found (citation-checked), in one transaction".into(),
            input: Some(Box::new(access(filter.as_ref())?)),
        },
        Statement::Delete { filter } => Node::Write {
            action: "delete each claim found and its index entries, in one transaction".into(),
            input: Some(Box::new(access(filter.as_ref())?)),
        },
        Statement::ShowSource { id, lines } => {
            let id = text(&id.node);
            let (first, last) = match lines {
                None => (1, u64::MAX),
                Some((a, None)) => (number(&a.node), number(&a.node)),
                Some((a, Some(b))) => (number(&a.node), number(&b.node)),
            };
            Node::ShowSource {
                input: Box::new(Node::SourceById { id: id.clone() }),
                id,
                first,
                last,
            }
        }
        Statement::ShowClaim(id) => {
            let id: ClaimId = number(&id.node);
            Node::ShowClaim {
                id,
                input: Box::new(Node::ClaimIds { ids: vec![id] }),
            }
        }
        Statement::List(q) => list(store, q)?,
        Statement::UpdateList { table, filter, .. }
        | Statement::DeleteList { table, filter, .. } => {
            let action = match (statement, table) {
                (Statement::UpdateList { .. }, _) => "change each one found, in one transaction",
                (Statement::DeleteList { cascade: true, .. }, Table::Sources) => {
                    "delete each one found with the claims that quote it, in one transaction"
                }
                (Statement::DeleteList { cascade: true, .. }, _) => {
                    "delete each one found with their claims, in one transaction"
                }
                _ => "delete each one found (refused while claims refer to it), in one transaction",
            };
            Node::Write {
                action: action.into(),
                input: Some(Box::new(Node::Filter {
                    condition: filter.clone(),
                    input: Box::new(scan(store, *table)?),
                })),
            }
        }
        Statement::History { kind, id } => Node::History {
            kind: *kind,
            id: id.node.clone(),
        },
        Statement::Explain(inner) | Statement::Because { statement: inner, .. } => {
            return plan(store, inner)
        }
        Statement::AsOf { at, query } => {
            let mut inner = plan(store, query)?;
            inner.notes.push(format!(
                "as of {}: the database as it stood then, rebuilt from every record's versions (read whole), then this plan runs on it",
                at.node
            ));
            return Ok(inner);
        }
        other => Node::Write {
            action: match other {
                Statement::AddSource { .. } => "add one source",
                Statement::AddSpeaker { .. } => "add one speaker",
                Statement::AddClaim { .. } => {
                    "check the quote against its source and add one claim"
                }
                Statement::Alias { .. } => "add a name to a speaker",
                Statement::Revert { .. } => {
                    "set the claim's fields back to those of an earlier version (the quote checked again)"
                }
                Statement::Merge { .. } => {
                    "move one speaker's claims and names to another, and remove the first"
                }
                _ => "change the transaction state",
            }
            .into(),
            input: None,
        },
    };
    Ok(Plan { root, notes })
}

/// `claims ...` above its access path: grouped, or ranked, cut and projected.
fn claims(access: Node, q: &ClaimsQuery) -> Node {
    let aggregates = q.select.as_ref().is_some_and(|s| {
        s.iter()
            .any(|i| matches!(i.node, SelectItem::Aggregate(..)))
    });
    if q.group_by.is_some() || aggregates {
        let by = q.group_by.as_ref().map(|g| g.node);
        let items = match &q.select {
            Some(select) => select.iter().map(|i| i.node).collect(),
            None => by
                .map(SelectItem::Field)
                .into_iter()
                .chain([SelectItem::Aggregate(Aggregate::Count, None)])
                .collect(),
        };
        let mut node = Node::Group {
            by,
            items,
            input: Box::new(access),
        };
        if !q.order.is_empty() {
            node = Node::Sort {
                order: q.order.clone(),
                input: Box::new(node),
            };
        }
        return limited(node, q.limit, q.offset);
    }
    // Every access path yields claims in id order: `order by id` (asc)
    // is that order already, and a limit then stops the scan early.
    let in_id_order = q
        .order
        .iter()
        .all(|o| !o.descending && o.key.node == SelectItem::Field(Field::Id));
    let node = if in_id_order {
        access
    } else {
        ranked(access, &q.order, q.limit, q.offset)
    };
    let node = limited(node, q.limit, q.offset);
    match &q.select {
        Some(select) => Node::Project {
            fields: select
                .iter()
                .filter_map(|i| match i.node {
                    SelectItem::Field(f) => Some(f),
                    SelectItem::Aggregate(..) => None,
                })
                .collect(),
            input: Box::new(node),
        },
        None => node,
    }
}

/// `speakers ...` and `sources ...`: a scan of the table, filtered, ranked,
/// cut and projected.
fn list(store: &dyn ReadView, q: &ListQuery) -> Result<Node> {
    let mut node = scan(store, q.table)?;
    if let Some(condition) = &q.filter {
        node = Node::Filter {
            condition: condition.clone(),
            input: Box::new(node),
        };
    }
    let node = limited(ranked(node, &q.order, q.limit, q.offset), q.limit, q.offset);
    Ok(match &q.select {
        Some(fields) => Node::Project {
            fields: fields.iter().map(|f| f.node).collect(),
            input: Box::new(node),
        },
        None => node,
    })
}

/// A full scan of `table`, with how many records it holds.
fn scan(store: &dyn ReadView, table: Table) -> Result<Node> {
    let rows = match table {
        Table::Speakers => store.speakers()?.len() as u64,
        Table::Sources => store.sources()?.len() as u64,
        Table::Claims => store.claim_count()?,
    };
    Ok(Node::Scan { table, rows })
}

/// `input` in `order`: all of it sorted, or with a limit only the top
/// `offset + limit` kept. Without an order, id order is kept.
fn ranked(input: Node, order: &[OrderBy], limit: Option<u64>, offset: Option<u64>) -> Node {
    if order.is_empty() {
        return input;
    }
    let order = order.to_vec();
    match limit {
        Some(limit) => Node::TopK {
            k: limit.saturating_add(offset.unwrap_or(0)),
            order,
            input: Box::new(input),
        },
        None => Node::Sort {
            order,
            input: Box::new(input),
        },
    }
}

/// `input` cut by `limit` and `offset`, when either is given.
fn limited(input: Node, limit: Option<u64>, offset: Option<u64>) -> Node {
    if limit.is_none() && offset.is_none() {
        return input;
    }
    Node::Limit {
        limit: limit.unwrap_or(u64::MAX),
        offset: offset.unwrap_or(0),
        input: Box::new(input),
    }
}

fn order_by(item: SelectItem, descending: bool) -> OrderBy {
    OrderBy {
        key: Spanned::new(item, Span::default()),
        descending,
    }
}

/// A checked statement's string literal.
fn text(lit: &Literal) -> String {
    match lit {
        Literal::Str(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A checked statement's whole number (an id, a line number).
fn number(lit: &Literal) -> u64 {
    match lit {
        Literal::Num(n) if *n >= 0.0 => *n as u64,
        _ => 0,
    }
}
