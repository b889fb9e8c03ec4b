//! The plan of a statement: one tree of operators, which `explain` prints
//! and the executor runs.
//!
//! A [`Node`] is an operator and its input: the leaves are access paths
//! (an index range, a union of ranges, claims by primary key, a full scan,
//! the counts kept with the indexes), and above them come `filter`,
//! `group`, `sort` or `top k`, `limit`, `count` and `project`, and for a
//! write or a `show`, what is done with what they find. The planner
//! (`planner.rs`) builds the tree, `explain` is its [`Display`](fmt::Display)
//! (one line per node, each reading from the one indented below it), and
//! the executor (`exec/`) runs the same tree: there is no second
//! description of a plan that could disagree with what runs. A plan
//! serializes (serde) as the tree.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::ast::{quote_string, Expr, Field, OrderBy, SelectItem, Table};
use crate::model::{ClaimId, Confidence};
use crate::store::IndexScan;

/// A statement's plan: its tree, and remarks for a person (a speaker no
/// one is called) that are not errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The operator that produces the result, reading from those below it.
    pub root: Node,
    /// Remarks for a person, printed beside the result.
    pub notes: Vec<String>,
}

/// The confidence range an index access checks in its entries, before a
/// claim is read (the entries of every index but the word index record
/// their claim's confidence): `low..=high`.
pub type Window = Option<(Confidence, Confidence)>;

/// One operator of a plan, with its input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Node {
    /// Every record of a table, in id order.
    Scan {
        /// Claims, speakers or sources.
        table: Table,
        /// How many it holds.
        rows: u64,
    },
    /// Claims by primary key, in id order.
    ClaimIds {
        /// The ids (sorted, each once).
        ids: Vec<ClaimId>,
    },
    /// The claims with ids in `first..=last`, in id order.
    ClaimRange {
        /// First id.
        first: ClaimId,
        /// Last id.
        last: ClaimId,
        /// At most this many claims.
        rows: u64,
    },
    /// The claims one index range holds, in id order.
    Index {
        /// The range.
        scan: IndexScan,
        /// The confidence range checked in its entries.
        window: Window,
        /// Whether it alone answers the condition: no claim it yields is
        /// checked again, and a count reads no claim.
        exact: bool,
        /// How many entries it holds (from the counts kept with it).
        rows: u64,
    },
    /// The claims of several index ranges, each once, in id order.
    Union {
        /// The ranges.
        scans: Vec<IndexScan>,
        /// The confidence range checked in their entries.
        window: Window,
        /// Whether they alone answer the condition.
        exact: bool,
        /// How many entries they hold together.
        rows: u64,
    },
    /// The claim count kept with the claims: no claim is read.
    StoredCount,
    /// The counts kept per value of a field's index (`count claims group
    /// by speaker`): no claim is read.
    StoredCounts {
        /// The field.
        field: Field,
    },
    /// Nothing can match (a speaker no one is called): nothing is read.
    Nothing {
        /// Why.
        why: String,
    },
    /// One source by its id, with its text.
    SourceById {
        /// The id.
        id: String,
    },
    /// Only the records that satisfy a condition pass.
    Filter {
        /// The condition (what the access path below leaves to check).
        condition: Expr,
        /// The records checked.
        input: Box<Node>,
    },
    /// Rows grouped by a field's values (or all in one group), with the
    /// selected fields and aggregates computed per group.
    Group {
        /// The field; `None` for one group of every row.
        by: Option<Field>,
        /// The columns: the field and aggregates.
        items: Vec<SelectItem>,
        /// The claims grouped.
        input: Box<Node>,
    },
    /// Every row, sorted.
    Sort {
        /// The keys.
        order: Vec<OrderBy>,
        /// The rows sorted.
        input: Box<Node>,
    },
    /// The first `k` rows in an order, keeping no more than `k` in memory.
    TopK {
        /// How many are kept.
        k: u64,
        /// The keys.
        order: Vec<OrderBy>,
        /// The rows ranked.
        input: Box<Node>,
    },
    /// Rows `offset..offset + limit`; reading stops once they are out.
    Limit {
        /// How many.
        limit: u64,
        /// How many are skipped first.
        offset: u64,
        /// The rows cut.
        input: Box<Node>,
    },
    /// How many rows the input yields (from the index alone, when the index
    /// below answers the condition).
    Count {
        /// The rows counted.
        input: Box<Node>,
    },
    /// The chosen fields of each claim.
    Project {
        /// The fields.
        fields: Vec<Field>,
        /// The claims.
        input: Box<Node>,
    },
    /// `show claim N`: the claim and its source's text around the quote.
    ShowClaim {
        /// The claim.
        id: ClaimId,
        /// How it is read.
        input: Box<Node>,
    },
    /// `history claim N` and the like: the record's versions.
    History {
        /// Which kind of record.
        kind: super::ast::HistoryOf,
        /// Its id, or a speaker's name.
        id: super::ast::Literal,
    },
    /// `show source "ID" [lines A [to B]]`.
    ShowSource {
        /// The source.
        id: String,
        /// The first line shown (1-based).
        first: u64,
        /// The last line shown.
        last: u64,
        /// How it is read.
        input: Box<Node>,
    },
    /// A write: what is done to each record the input finds, or (for an
    /// `add`, `begin`...) what is done without reading any.
    Write {
        /// What it does, for a person.
        action: String,
        /// The records it acts on.
        input: Option<Box<Node>>,
    },
}

impl Node {
    /// The node this one reads from, if any.
    pub fn input(&self) -> Option<&Node> {
        match self {
            Node::Filter { input, .. }
            | Node::Group { input, .. }
            | Node::Sort { input, .. }
            | Node::TopK { input, .. }
            | Node::Limit { input, .. }
            | Node::Count { input }
            | Node::Project { input, .. }
            | Node::ShowClaim { input, .. }
            | Node::ShowSource { input, .. } => Some(input),
            Node::Write { input, .. } => input.as_deref(),
            Node::Scan { .. }
            | Node::ClaimIds { .. }
            | Node::ClaimRange { .. }
            | Node::Index { .. }
            | Node::Union { .. }
            | Node::StoredCount
            | Node::StoredCounts { .. }
            | Node::Nothing { .. }
            | Node::History { .. }
            | Node::SourceById { .. } => None,
        }
    }

    /// This node's line in `explain`.
    fn line(&self) -> String {
        match self {
            Node::Scan { table, rows } => {
                format!("full scan of {} ({})", table.name(), count(*rows))
            }
            Node::ClaimIds { ids } => format!(
                "claims by id: {} ({} at most)",
                ids.iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                ids.len()
            ),
            Node::ClaimRange { first, last, rows } if *last == ClaimId::MAX => {
                format!("claims by id from {first} on (at most {})", count(*rows))
            }
            Node::ClaimRange { first, last, rows } => {
                format!(
                    "claims by id from {first} to {last} (at most {})",
                    count(*rows)
                )
            }
            Node::Index {
                scan,
                window,
                exact,
                rows,
            } => format!(
                "index {} on {}{} (about {})",
                scan.index_name(),
                describe_scan(scan),
                answers(*exact, *window),
                count(*rows)
            ),
            Node::Union {
                scans,
                window,
                exact,
                rows,
            } => {
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
                    "union of {} index ranges: {}{} (about {})",
                    scans.len(),
                    named.join("; "),
                    answers(*exact, *window),
                    count(*rows)
                )
            }
            Node::StoredCount => "the claim count kept with the claims (no claim is read)".into(),
            Node::StoredCounts { field } => format!(
                "the counts kept per {} in its index (no claim is read)",
                field.name()
            ),
            Node::Nothing { why } => format!("no rows: {why}"),
            Node::SourceById { id } => format!(
                "source {} by its id, with its text (no claim is read)",
                quote_string(id)
            ),
            Node::Filter { condition, .. } => format!("filter {condition}"),
            Node::Group { by: Some(f), .. } => format!("group by {}", f.name()),
            Node::Group { by: None, .. } => "group by (all rows, one group)".into(),
            Node::Sort { order, .. } => format!("sort by {}", order_text(order)),
            Node::TopK { k, order, .. } => format!("top {k} by {}", order_text(order)),
            Node::Limit {
                limit: u64::MAX,
                offset,
                ..
            } => format!("offset {offset}"),
            Node::Limit { limit, offset, .. } if *offset > 0 => {
                format!("limit {limit} offset {offset}")
            }
            Node::Limit { limit, .. } => format!("limit {limit}"),
            Node::Count { input } => match **input {
                Node::Index {
                    exact: true,
                    window: Some(_),
                    ..
                } => "count the entries in the confidence range (no claim is read)".into(),
                Node::Index { exact: true, .. } => {
                    "count: the index's kept count (no claim is read)".into()
                }
                Node::Union { exact: true, .. } => "count the ids (no claim is read)".into(),
                _ => "count".into(),
            },
            Node::Project { fields, .. } => format!(
                "project {}",
                fields
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Node::ShowClaim { .. } => {
                "show the claim, and its source's text around the quote".into()
            }
            Node::ShowSource { .. } => "show the source's record and its text, line by line".into(),
            Node::History { .. } => "read the record's versions, newest first".into(),
            Node::Write { action, .. } => action.clone(),
        }
    }
}

/// ", answering the whole condition ...": an index that answers the whole
/// condition says so, since no claim it yields is checked again.
fn answers(exact: bool, window: Window) -> String {
    match (exact, window) {
        (true, None) => ", answering the whole condition".to_string(),
        (true, Some((lo, hi))) => {
            format!(", answering the whole condition by the entries in confidence {lo}..={hi}")
        }
        (false, Some((lo, hi))) => format!(", skipping entries outside confidence {lo}..={hi}"),
        (false, None) => String::new(),
    }
}

impl Plan {
    /// One line per operator, as `explain` prints them: the output first,
    /// each operator reading from the one below it.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let mut node = Some(&self.root);
        while let Some(n) = node {
            lines.push(match lines.len() {
                0 => n.line(),
                d => format!("{}-> {}", "  ".repeat(d - 1), n.line()),
            });
            node = n.input();
        }
        lines
    }

    /// [`Plan::lines`], then each note on a line of its own: what
    /// `explain` prints.
    pub fn lines_and_notes(&self) -> Vec<String> {
        let mut lines = self.lines();
        lines.extend(self.notes.iter().map(|n| format!("note: {n}")));
        lines
    }

    /// The access path at the bottom of the tree.
    pub fn access(&self) -> &Node {
        let mut node = &self.root;
        while let Some(input) = node.input() {
            node = input;
        }
        node
    }
}

impl Plan {
    /// How many records the access path reads, from the counts kept with
    /// the indexes (exact for an index): what `explain` shows as "about".
    pub fn estimated_rows(&self) -> u64 {
        match self.access() {
            Node::Scan { rows, .. }
            | Node::ClaimRange { rows, .. }
            | Node::Index { rows, .. }
            | Node::Union { rows, .. } => *rows,
            Node::ClaimIds { ids } => ids.len() as u64,
            Node::SourceById { .. } => 1,
            _ => 0,
        }
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines().join("\n"))
    }
}

/// "1 row", "14 rows".
fn count(n: u64) -> String {
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

fn order_text(order: &[OrderBy]) -> String {
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
        .join(", ")
}
