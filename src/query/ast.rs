//! The parsed form of a statement. Every node that a later error may point at
//! keeps its [`Span`] in the query text.

use crate::error::Span;

/// A value with the span of text it came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Spanned<T> {
    /// The value.
    pub node: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps `node` with `span`.
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

/// What a list statement or condition ranges over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Table {
    /// Claims.
    Claims,
    /// Speakers.
    Speakers,
    /// Sources.
    Sources,
}

impl Table {
    /// The table's name in the language.
    pub fn name(self) -> &'static str {
        match self {
            Table::Claims => "claims",
            Table::Speakers => "speakers",
            Table::Sources => "sources",
        }
    }
}

/// One statement of the language.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Statement {
    /// `claims [select ...] [where ...] [group by ...] [order by ...] [limit N [offset M]]`
    Claims(ClaimsQuery),
    /// `count claims [where ...] [group by FIELD]`
    CountClaims {
        /// The condition, if any.
        filter: Option<Expr>,
        /// Count per value of this field.
        group_by: Option<Spanned<Field>>,
    },
    /// `speakers [where ...] [order by ...] [limit ...]`, `sources ...`
    List(ListQuery),
    /// `show claim N`
    ShowClaim(Spanned<Literal>),
    /// `show source "ID" [lines A [to B]]`: a source's record and its text.
    ShowSource {
        /// The source's id (a string or a parameter).
        id: Spanned<Literal>,
        /// The first and last line shown (1-based, inclusive); all when `None`.
        lines: Option<(Spanned<Literal>, Option<Spanned<Literal>>)>,
    },
    /// `history claim N`, `history source "ID"`, `history speaker "NAME"`
    /// (or a speaker's id): the record's versions, newest first.
    History {
        /// Which kind of record.
        kind: HistoryOf,
        /// Its id (or a speaker's name).
        id: Spanned<Literal>,
    },
    /// `claims as of "2026-11-01" ...`, `count claims as of ...`: the
    /// query over the database as it stood then (read from the versions).
    AsOf {
        /// A date (its end) or a UTC timestamp.
        at: Spanned<Literal>,
        /// The query.
        query: Box<Statement>,
    },
    /// `revert claim N to version K`: the claim's statement, quote, origin,
    /// confidence, rationale and tags set back to what they were at its
    /// version K, as a new version (the quote checked again).
    Revert {
        /// The claim.
        id: Spanned<Literal>,
        /// The version to go back to.
        version: Spanned<Literal>,
    },
    /// `WRITE because "REASON"`: the write, with the reason its versions record.
    Because {
        /// Why (a string or a parameter).
        reason: Spanned<Literal>,
        /// The write.
        statement: Box<Statement>,
    },
    /// `explain STATEMENT`: the plan instead of the rows.
    Explain(Box<Statement>),
    /// `add source "id" with title = "...", ...`
    AddSource {
        /// The new source's id.
        id: Spanned<Literal>,
        /// `field = value` pairs.
        fields: Vec<Assignment>,
    },
    /// `add speaker "Name" [aliases ("A", ...)] [description "..."]`
    AddSpeaker {
        /// The canonical name.
        name: Spanned<Literal>,
        /// Other names.
        aliases: Vec<Spanned<Literal>>,
        /// Role and affiliation.
        description: Option<Spanned<Literal>>,
    },
    /// `add claim with speaker = "...", source = "...", quote = "...", ...`
    AddClaim {
        /// `field = value` pairs.
        fields: Vec<Assignment>,
    },
    /// `update claims set FIELD = VALUE, ... [where ...]`
    Update {
        /// What to change.
        set: Vec<Assignment>,
        /// Which claims (all without it).
        filter: Option<Expr>,
    },
    /// `delete claims [where ...]`
    Delete {
        /// Which claims (all without it).
        filter: Option<Expr>,
    },
    /// `alias "Thae" to "Thae Yong-ho"`
    Alias {
        /// The new name.
        alias: Spanned<Literal>,
        /// A name the speaker already has.
        speaker: Spanned<Literal>,
    },
    /// `update sources|speakers set FIELD = VALUE, ... where ...`
    UpdateList {
        /// Sources or speakers.
        table: Table,
        /// What to change.
        set: Vec<Assignment>,
        /// Which records.
        filter: Expr,
    },
    /// `delete sources|speakers where ... [cascade]`
    DeleteList {
        /// Sources or speakers.
        table: Table,
        /// Which records.
        filter: Expr,
        /// Delete the claims that refer to them too.
        cascade: bool,
    },
    /// `merge speaker "A" into "B"`
    Merge {
        /// The speaker that goes.
        from: Spanned<Literal>,
        /// The speaker that stays, with the other's claims and names.
        into: Spanned<Literal>,
    },
    /// `begin`
    Begin,
    /// `commit`
    Commit,
    /// `rollback`
    Rollback,
}

/// The kind of record `history` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryOf {
    /// `history claim N`
    Claim,
    /// `history source "ID"`
    Source,
    /// `history speaker "NAME"` (or its id)
    Speaker,
}

impl Statement {
    /// True for statements that change the database.
    pub fn is_write(&self) -> bool {
        if let Statement::Because { statement, .. } = self {
            return statement.is_write();
        }
        matches!(
            self,
            Statement::AddSource { .. }
                | Statement::AddSpeaker { .. }
                | Statement::AddClaim { .. }
                | Statement::Update { .. }
                | Statement::Delete { .. }
                | Statement::Alias { .. }
                | Statement::Merge { .. }
                | Statement::UpdateList { .. }
                | Statement::DeleteList { .. }
                | Statement::Revert { .. }
        )
    }
}

/// `name = value` in `add ... with` and `update ... set`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Assignment {
    /// The field's name as written.
    pub name: Spanned<String>,
    /// The value.
    pub value: Spanned<Literal>,
}

/// The parts of a `claims` query.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct ClaimsQuery {
    /// `select` list; all fields without it.
    pub select: Option<Vec<Spanned<SelectItem>>>,
    /// `where` condition.
    pub filter: Option<Expr>,
    /// `group by`.
    pub group_by: Option<Spanned<Field>>,
    /// `order by`; claims come in id order without it.
    pub order: Vec<OrderBy>,
    /// `limit`.
    pub limit: Option<u64>,
    /// `offset`.
    pub offset: Option<u64>,
    /// `limit $n` / `offset $m`: parameters that `bind` turns into numbers.
    pub limit_params: LimitParams,
}

/// The parameters written for `limit` and `offset`, until they are bound.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct LimitParams {
    /// `limit $name`.
    pub limit: Option<Spanned<String>>,
    /// `offset $name`.
    pub offset: Option<Spanned<String>>,
}

/// `speakers ...` or `sources ...`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ListQuery {
    /// Which.
    pub table: Table,
    /// `select` fields; the whole record without it.
    pub select: Option<Vec<Spanned<Field>>>,
    /// `where` condition.
    pub filter: Option<Expr>,
    /// `order by`.
    pub order: Vec<OrderBy>,
    /// `limit`.
    pub limit: Option<u64>,
    /// `offset`.
    pub offset: Option<u64>,
    /// `limit $n` / `offset $m`, until bound.
    pub limit_params: LimitParams,
}

/// One item of a `select` list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelectItem {
    /// A field.
    Field(Field),
    /// An aggregate over the group.
    Aggregate(Aggregate, Option<Field>),
}

/// Aggregate functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// `count(*)`
    Count,
    /// `avg(field)`
    Avg,
    /// `min(field)`
    Min,
    /// `max(field)`
    Max,
    /// `sum(field)`
    Sum,
}

impl Aggregate {
    /// The function's name.
    pub fn name(self) -> &'static str {
        match self {
            Aggregate::Count => "count",
            Aggregate::Avg => "avg",
            Aggregate::Min => "min",
            Aggregate::Max => "max",
            Aggregate::Sum => "sum",
        }
    }
}

impl SelectItem {
    /// The output column's name: the field's name, `count`, or `avg_confidence`.
    pub fn column(self) -> String {
        match self {
            SelectItem::Field(f) => f.name().to_string(),
            SelectItem::Aggregate(Aggregate::Count, None) => "count".to_string(),
            SelectItem::Aggregate(a, Some(f)) => format!("{}_{}", a.name(), f.name()),
            SelectItem::Aggregate(a, None) => a.name().to_string(),
        }
    }
}

/// `order by KEY [asc|desc]`: a field, or an output column of a grouped query.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OrderBy {
    /// The key: a field, or an aggregate.
    pub key: Spanned<SelectItem>,
    /// True for `desc`.
    pub descending: bool,
}

/// A condition.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Expr {
    /// `a or b`
    Or(Box<Expr>, Box<Expr>),
    /// `a and b`
    And(Box<Expr>, Box<Expr>),
    /// `not a`
    Not(Box<Expr>),
    /// `field op value`
    Compare {
        /// The field, with its span.
        field: Spanned<Field>,
        /// The operator.
        op: Op,
        /// The literal compared with, with its span.
        value: Spanned<Literal>,
    },
    /// `field [not] in (v, ...)`
    In {
        /// The field.
        field: Spanned<Field>,
        /// The values.
        values: Vec<Spanned<Literal>>,
    },
    /// `field between low and high` (both ends included)
    Between {
        /// The field.
        field: Spanned<Field>,
        /// Lower bound.
        low: Spanned<Literal>,
        /// Upper bound.
        high: Spanned<Literal>,
    },
    /// `field is [not] null`
    IsNull {
        /// The field.
        field: Spanned<Field>,
        /// True for `is not null`.
        negated: bool,
    },
    /// `has tag "x"`
    HasTag(Spanned<Literal>),
    /// `true` or `false`: every record, or none (`delete claims where
    /// true` says in so many words that every claim goes).
    Bool(bool),
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `contains`: case-insensitive substring.
    Contains,
    /// `starts with`: case-insensitive prefix.
    StartsWith,
    /// `matches`: a regular expression.
    Matches,
}

impl Op {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Contains => "contains",
            Op::StartsWith => "starts with",
            Op::Matches => "matches",
        }
    }

    /// True for the operators that only make sense on text.
    pub fn is_textual(self) -> bool {
        matches!(self, Op::Contains | Op::StartsWith | Op::Matches)
    }
}

/// A literal value.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Literal {
    /// `"text"`, or a bare word where a name is expected (`status = verified`).
    Str(String),
    /// `0.8`, `12`
    Num(f64),
    /// `("a", "b")`
    List(Vec<Literal>),
    /// `$1`, `$name`: bound before the statement runs.
    Param(String),
}

pub use super::fields::{Field, FieldType};

impl std::fmt::Display for Literal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Literal::Str(s) => f.write_str(&quote_string(s)),
            Literal::Num(n) => write!(f, "{n}"),
            Literal::Param(p) => write!(f, "${p}"),
            Literal::List(items) => {
                let parts: Vec<String> = items.iter().map(|i| i.to_string()).collect();
                write!(f, "({})", parts.join(", "))
            }
        }
    }
}

/// A string as the query language writes it: in double quotes, with the
/// escapes the parser reads (`\"`, `\\`, `\n`, `\t`, `\r`, `\u{...}` for
/// other control characters), so that printing and parsing round-trip.
pub fn quote_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl std::fmt::Display for SelectItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SelectItem::Field(field) => f.write_str(field.name()),
            SelectItem::Aggregate(a, None) => write!(f, "{}(*)", a.name()),
            SelectItem::Aggregate(a, Some(field)) => write!(f, "{}({})", a.name(), field.name()),
        }
    }
}

impl Expr {
    /// Binding strength, for printing parentheses only where they are needed.
    fn precedence(&self) -> u8 {
        match self {
            Expr::Or(..) => 1,
            Expr::And(..) => 2,
            Expr::Not(_) => 3,
            _ => 4,
        }
    }

    fn fmt_child(&self, child: &Expr, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if child.precedence() < self.precedence() {
            write!(f, "({child})")
        } else {
            write!(f, "{child}")
        }
    }
}

/// Prints the condition back in the query language (used by `explain`).
impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expr::Or(a, b) | Expr::And(a, b) => {
                self.fmt_child(a, f)?;
                f.write_str(if matches!(self, Expr::Or(..)) {
                    " or "
                } else {
                    " and "
                })?;
                // `and` and `or` read left to right: a right operand of the
                // same kind keeps its parentheses, so that printing and
                // parsing give back the same tree.
                if b.precedence() == self.precedence() {
                    write!(f, "({b})")
                } else {
                    self.fmt_child(b, f)
                }
            }
            Expr::Not(a) => {
                f.write_str("not ")?;
                self.fmt_child(a, f)
            }
            Expr::Bool(b) => write!(f, "{b}"),
            Expr::Compare { field, op, value } => {
                write!(f, "{} {} {}", field.node.name(), op.as_str(), value.node)
            }
            Expr::In { field, values } => {
                let list = Literal::List(values.iter().map(|v| v.node.clone()).collect());
                write!(f, "{} in {list}", field.node.name())
            }
            Expr::Between { field, low, high } => {
                write!(
                    f,
                    "{} between {} and {}",
                    field.node.name(),
                    low.node,
                    high.node
                )
            }
            Expr::IsNull { field, negated } => {
                write!(
                    f,
                    "{} is {}null",
                    field.node.name(),
                    if *negated { "not " } else { "" }
                )
            }
            Expr::HasTag(tag) => write!(f, "has tag {}", tag.node),
        }
    }
}
