//! The parsed form of a statement. Every node that a later error may point at
//! keeps its [`Span`] in the query text.

use crate::error::Span;

/// A value with the span of text it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub node: T,
    /// Where it was written.
    pub span: Span,
}

/// One statement of the language.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `claims [where ...] [order by ...] [limit N]`
    Claims(ClaimsQuery),
    /// `count claims [where ...]`
    CountClaims {
        /// The condition, if any.
        filter: Option<Expr>,
    },
    /// `speakers`
    Speakers,
    /// `sources`
    Sources,
    /// `explain STATEMENT`: the plan instead of the rows.
    Explain(Box<Statement>),
}

/// The parts of a `claims` query.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClaimsQuery {
    /// `where` condition.
    pub filter: Option<Expr>,
    /// `order by`; claims come in id order without it.
    pub order: Option<OrderBy>,
    /// `limit`.
    pub limit: Option<u64>,
}

/// `order by FIELD [asc|desc]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OrderBy {
    /// The field sorted on.
    pub field: Field,
    /// True for `desc`.
    pub descending: bool,
}

/// A condition.
#[derive(Debug, Clone, PartialEq)]
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
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
        }
    }
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `"text"`
    Str(String),
    /// `0.8`, `12`
    Num(f64),
}

/// The type of a field's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Compared as text.
    Text,
    /// Compared as a number.
    Number,
}

/// A claim field that conditions and `order by` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The claim's id.
    Id,
    /// The speaker: `=` matches any of their names.
    Speaker,
    /// The source id.
    Source,
    /// The origin source id (may be absent).
    Origin,
    /// The verbatim quote.
    Quote,
    /// The claim in plain words.
    Statement,
    /// 0 to 1.
    Confidence,
    /// Why that confidence.
    Rationale,
    /// Any one of the claim's tags.
    Tag,
    /// verified, unverified or broken.
    Status,
}

impl Field {
    /// Every field, in the order `.schema` and the grammar list them.
    pub const ALL: [Field; 10] = [
        Field::Id,
        Field::Speaker,
        Field::Source,
        Field::Origin,
        Field::Quote,
        Field::Statement,
        Field::Confidence,
        Field::Rationale,
        Field::Tag,
        Field::Status,
    ];

    /// The name used in queries.
    pub fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Speaker => "speaker",
            Field::Source => "source",
            Field::Origin => "origin",
            Field::Quote => "quote",
            Field::Statement => "statement",
            Field::Confidence => "confidence",
            Field::Rationale => "rationale",
            Field::Tag => "tag",
            Field::Status => "status",
        }
    }

    /// Looks a field up by name, case-insensitively (`tags` is accepted for `tag`).
    pub fn from_name(name: &str) -> Option<Field> {
        let lower = name.to_ascii_lowercase();
        if lower == "tags" {
            return Some(Field::Tag);
        }
        Field::ALL.into_iter().find(|f| f.name() == lower)
    }

    /// The type of the field's values.
    pub fn field_type(self) -> FieldType {
        match self {
            Field::Id | Field::Confidence => FieldType::Number,
            _ => FieldType::Text,
        }
    }
}

impl std::fmt::Display for Literal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Literal::Str(s) => write!(f, "{s:?}"),
            Literal::Num(n) => write!(f, "{n}"),
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
            Expr::Compare { .. } => 4,
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
                self.fmt_child(b, f)
            }
            Expr::Not(a) => {
                f.write_str("not ")?;
                self.fmt_child(a, f)
            }
            Expr::Compare { field, op, value } => {
                write!(f, "{} {} {}", field.node.name(), op.as_str(), value.node)
            }
        }
    }
}
