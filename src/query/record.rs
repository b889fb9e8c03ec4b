//! Records as conditions see them, and how a condition is evaluated.
//!
//! Claims, speakers and sources all answer [`Record::value`] for the fields
//! they have, so one evaluator serves every table. A field may hold several
//! values (a claim's tags; a speaker's names): a comparison is true when it
//! is true of any of them, so `speaker = "Moriuchi"` holds for a claim whose
//! speaker has that alias, and `tag = "sony"` for a claim with that tag.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;

use super::ast::{Expr, Field, Literal, Op};
use crate::cite::fold_for_search;
use crate::model::{Claim, Source, Speaker};
use crate::store::fold_name;

/// A field's value on one record.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue<'r> {
    /// Absent (an optional field).
    Null,
    /// A number.
    Num(f64),
    /// Text.
    Text(Cow<'r, str>),
    /// Several texts: any may match.
    Texts(Vec<Cow<'r, str>>),
}

/// Something a condition can be evaluated against.
pub trait Record {
    /// The value of `field`, or `Null` for a field this record lacks.
    fn value(&self, field: Field) -> FieldValue<'_>;
}

/// A claim together with its speaker, as claim conditions need it.
pub struct ClaimRecord<'a> {
    /// The claim.
    pub claim: &'a Claim,
    /// Its speaker, when known.
    pub speaker: Option<&'a Speaker>,
}

impl Record for ClaimRecord<'_> {
    fn value(&self, field: Field) -> FieldValue<'_> {
        let c = self.claim;
        let text = |s: &str| FieldValue::Text(Cow::Owned(s.to_string()));
        match field {
            Field::Id => FieldValue::Num(c.id as f64),
            Field::Speaker => match self.speaker {
                Some(s) => FieldValue::Texts(
                    std::iter::once(&s.name)
                        .chain(&s.aliases)
                        .map(|n| Cow::Borrowed(n.as_str()))
                        .collect(),
                ),
                None => FieldValue::Null,
            },
            Field::Source => FieldValue::Text(Cow::Borrowed(&c.source)),
            Field::Origin => c
                .origin
                .as_deref()
                .map_or(FieldValue::Null, |o| FieldValue::Text(Cow::Borrowed(o))),
            Field::Quote => FieldValue::Text(Cow::Borrowed(&c.quote)),
            Field::Key => c
                .key
                .as_deref()
                .map_or(FieldValue::Null, |k| FieldValue::Text(Cow::Borrowed(k))),
            Field::Statement => FieldValue::Text(Cow::Borrowed(&c.statement)),
            Field::Confidence => FieldValue::Num(c.confidence.value()),
            Field::Rationale => FieldValue::Text(Cow::Borrowed(&c.rationale)),
            Field::Tag => {
                FieldValue::Texts(c.tags.iter().map(|t| Cow::Borrowed(t.as_str())).collect())
            }
            Field::Status => text(c.status.as_str()),
            Field::Line => c
                .current_anchor()
                .map_or(FieldValue::Null, |a| FieldValue::Num(f64::from(a.line))),
            Field::Column => c
                .current_anchor()
                .map_or(FieldValue::Null, |a| FieldValue::Num(f64::from(a.column))),
            Field::SpeakerId => FieldValue::Num(c.speaker as f64),
            Field::Attribution => c
                .attribution
                .as_ref()
                .map_or(FieldValue::Null, |a| text(a.verdict.as_str())),
            Field::Credited => c
                .attribution
                .as_ref()
                .and_then(|a| a.named.as_deref())
                .map_or(FieldValue::Null, |n| FieldValue::Text(Cow::Borrowed(n))),
            Field::Mode => c.mode.map_or(FieldValue::Null, |m| text(m.as_str())),
            _ => FieldValue::Null,
        }
    }
}

/// A speaker and the number of claims attributed to them.
pub struct SpeakerRecord<'a> {
    /// The speaker.
    pub speaker: &'a Speaker,
    /// Their claim count.
    pub claims: u64,
}

impl Record for SpeakerRecord<'_> {
    fn value(&self, field: Field) -> FieldValue<'_> {
        let s = self.speaker;
        match field {
            Field::Id => FieldValue::Num(s.id as f64),
            Field::Name => FieldValue::Texts(
                std::iter::once(&s.name)
                    .chain(&s.aliases)
                    .map(|n| Cow::Borrowed(n.as_str()))
                    .collect(),
            ),
            Field::Alias => FieldValue::Texts(
                s.aliases
                    .iter()
                    .map(|n| Cow::Borrowed(n.as_str()))
                    .collect(),
            ),
            Field::Description => s
                .description
                .as_deref()
                .map_or(FieldValue::Null, |d| FieldValue::Text(Cow::Borrowed(d))),
            Field::Claims => FieldValue::Num(self.claims as f64),
            _ => FieldValue::Null,
        }
    }
}

/// A source and the number of claims quoting it.
pub struct SourceRecord<'a> {
    /// The source.
    pub source: &'a Source,
    /// How many claims quote it.
    pub claims: u64,
    /// How many claims name it as their origin.
    pub origin_of: u64,
}

impl Record for SourceRecord<'_> {
    fn value(&self, field: Field) -> FieldValue<'_> {
        let s = self.source;
        fn opt(v: &Option<String>) -> FieldValue<'_> {
            v.as_deref()
                .map_or(FieldValue::Null, |t| FieldValue::Text(Cow::Borrowed(t)))
        }
        match field {
            Field::Source => FieldValue::Text(Cow::Borrowed(&s.id)),
            Field::Title => FieldValue::Text(Cow::Borrowed(&s.title)),
            Field::Author => opt(&s.author),
            Field::Publisher => opt(&s.publisher),
            Field::Date => opt(&s.date),
            Field::Kind => FieldValue::Text(Cow::Borrowed(s.kind.as_str())),
            Field::Url => opt(&s.url),
            Field::Claims => FieldValue::Num(self.claims as f64),
            Field::TextBytes => FieldValue::Num(s.text_len as f64),
            Field::Sha256 => opt(&s.sha256),
            Field::OriginOf => FieldValue::Num(self.origin_of as f64),
            _ => FieldValue::Null,
        }
    }
}

/// What a condition needs prepared once rather than once per record: its
/// `matches` patterns compiled, and its `contains` and `starts with` needles
/// folded (case and typography).
#[derive(Default)]
pub struct Patterns {
    regexes: HashMap<String, regex::Regex>,
    needles: HashMap<String, String>,
}

impl Patterns {
    /// Compiles every `matches` pattern in `e` (already checked to compile).
    pub fn of(e: Option<&Expr>) -> Patterns {
        let mut p = Patterns::default();
        if let Some(e) = e {
            p.collect(e);
        }
        p
    }

    fn collect(&mut self, e: &Expr) {
        match e {
            Expr::Or(a, b) | Expr::And(a, b) => {
                self.collect(a);
                self.collect(b);
            }
            Expr::Not(a) => self.collect(a),
            Expr::Compare { op, value, .. } => match (op, &value.node) {
                (Op::Matches, Literal::Str(s)) => {
                    if let Ok(re) = super::check::compile_regex(s) {
                        self.regexes.insert(s.clone(), re);
                    }
                }
                (Op::Contains | Op::StartsWith, Literal::Str(s)) => {
                    self.needles.insert(s.clone(), fold_for_search(s));
                }
                _ => {}
            },
            _ => {}
        }
    }
}

impl Patterns {
    /// The folded needle for `want` (folded now if the condition was not prepared).
    fn needle<'p>(&'p self, want: &str) -> std::borrow::Cow<'p, str> {
        match self.needles.get(want) {
            Some(n) => Cow::Borrowed(n.as_str()),
            None => Cow::Owned(fold_for_search(want)),
        }
    }
}

/// Does the record satisfy the condition?
pub fn eval(e: &Expr, r: &dyn Record, patterns: &Patterns) -> bool {
    match e {
        Expr::Or(a, b) => eval(a, r, patterns) || eval(b, r, patterns),
        Expr::And(a, b) => eval(a, r, patterns) && eval(b, r, patterns),
        Expr::Not(a) => !eval(a, r, patterns),
        Expr::Compare { field, op, value } => {
            compare(field.node, &r.value(field.node), *op, &value.node, patterns)
        }
        Expr::In { field, values } => {
            let have = r.value(field.node);
            values
                .iter()
                .any(|v| compare(field.node, &have, Op::Eq, &v.node, patterns))
        }
        Expr::Between { field, low, high } => {
            let have = r.value(field.node);
            compare(field.node, &have, Op::Ge, &low.node, patterns)
                && compare(field.node, &have, Op::Le, &high.node, patterns)
        }
        Expr::IsNull { field, negated } => {
            matches!(r.value(field.node), FieldValue::Null) != *negated
        }
        Expr::Bool(b) => *b,
        Expr::HasTag(tag) => compare(
            Field::Tag,
            &r.value(Field::Tag),
            Op::Eq,
            &tag.node,
            patterns,
        ),
    }
}

fn compare(field: Field, have: &FieldValue, op: Op, want: &Literal, patterns: &Patterns) -> bool {
    match (have, want) {
        // Absent values equal nothing and differ from everything.
        (FieldValue::Null, _) => op == Op::Ne,
        (FieldValue::Num(h), Literal::Num(w)) => ordering_holds(op, h.total_cmp(w)),
        (FieldValue::Text(h), Literal::Str(w)) => text_holds(field, op, h, w, patterns),
        (FieldValue::Texts(hs), Literal::Str(w)) => {
            if op == Op::Ne {
                // "not equal" to a multi-valued field: none of its values equals.
                !hs.iter().any(|h| text_holds(field, Op::Eq, h, w, patterns))
            } else {
                hs.iter().any(|h| text_holds(field, op, h, w, patterns))
            }
        }
        _ => false,
    }
}

fn text_holds(field: Field, op: Op, have: &str, want: &str, patterns: &Patterns) -> bool {
    match op {
        Op::Contains => fold_for_search(have).contains(patterns.needle(want).as_ref()),
        Op::StartsWith => fold_for_search(have).starts_with(patterns.needle(want).as_ref()),
        Op::Matches => patterns
            .regexes
            .get(want)
            .is_some_and(|re| re.is_match(have)),
        _ if field.folds_case() => ordering_holds(op, fold_name(have).cmp(&fold_name(want))),
        _ => ordering_holds(op, have.cmp(want)),
    }
}

fn ordering_holds(op: Op, ord: Ordering) -> bool {
    match op {
        Op::Eq => ord == Ordering::Equal,
        Op::Ne => ord != Ordering::Equal,
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
        Op::Gt => ord == Ordering::Greater,
        Op::Ge => ord != Ordering::Less,
        Op::Contains | Op::StartsWith | Op::Matches => false,
    }
}

/// A value as a sort key: numbers before text, absent last.
pub fn sort_cmp(a: &FieldValue, b: &FieldValue) -> Ordering {
    fn first<'v>(v: &'v FieldValue) -> Option<Result<f64, &'v str>> {
        match v {
            FieldValue::Null => None,
            FieldValue::Num(n) => Some(Ok(*n)),
            FieldValue::Text(t) => Some(Err(t)),
            FieldValue::Texts(ts) => ts.first().map(|t| Err(t.as_ref())),
        }
    }
    match (first(a), first(b)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(Ok(x)), Some(Ok(y))) => x.total_cmp(&y),
        (Some(Err(x)), Some(Err(y))) => x.cmp(y),
        (Some(Ok(_)), Some(Err(_))) => Ordering::Less,
        (Some(Err(_)), Some(Ok(_))) => Ordering::Greater,
    }
}
