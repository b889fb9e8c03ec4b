//! Conditions read as key ranges: the ids `id = N` and `id in (...)` name,
//! the id range `id > N` and `between` bound, and the confidence range
//! (in ten-thousandths) the confidence conditions leave. The id ranges are
//! a superset of what the condition accepts, made exact by the filter
//! applied afterwards; the confidence range is exact (see
//! [`confidence_bounds`]), so an index whose entries record confidence
//! answers it alone.

use super::ast::{Expr, Field, Literal, Op};
use crate::model::{ClaimId, Confidence};

/// Narrows `low..=high` (ten-thousandths) by a range condition on
/// `confidence`, if `e` is one, to exactly the confidences that satisfy it.
/// Every stored confidence is a whole number of ten-thousandths, and the
/// filter compares its value (`Confidence::value`) with the literal (by
/// `f64::total_cmp`), so the
/// bound is found by asking that same comparison of whole ten-thousandths:
/// `confidence > 0.8` keeps 8001 and up, `confidence = 0.12345` nothing.
pub(super) fn confidence_bounds(e: &Expr, low: &mut f64, high: &mut f64) -> bool {
    let value = |bp: u16| Confidence::from_basis_points(bp).value();
    // The first whole ten-thousandth at which `holds` (false, then true
    // from there on) holds; one past the scale when none does.
    let first = |holds: &dyn Fn(f64) -> bool| {
        let (mut lo, mut hi) = (0u16, Confidence::SCALE + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if holds(value(mid)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        f64::from(lo)
    };
    let narrow = |op: Op, n: f64| {
        let mut at_least = |from: f64| *low = low.max(from);
        let mut at_most = |to: f64| *high = high.min(to);
        match op {
            Op::Ge => at_least(first(&|v| v.total_cmp(&n).is_ge())),
            Op::Gt => at_least(first(&|v| v.total_cmp(&n).is_gt())),
            Op::Le => at_most(first(&|v| v.total_cmp(&n).is_gt()) - 1.0),
            Op::Lt => at_most(first(&|v| v.total_cmp(&n).is_ge()) - 1.0),
            Op::Eq => {
                at_least(first(&|v| v.total_cmp(&n).is_ge()));
                at_most(first(&|v| v.total_cmp(&n).is_gt()) - 1.0);
            }
            _ => {}
        }
    };
    numeric_bounds(e, Field::Confidence, &[Op::Eq], narrow)
}

/// The ids `id = N` or `id in (...)` names (whole numbers only).
pub(super) fn id_list(e: &Expr) -> Option<Vec<ClaimId>> {
    let whole = |lit: &Literal| match lit {
        Literal::Num(n) if *n >= 0.0 && n.fract() == 0.0 => Some(*n as ClaimId),
        _ => None,
    };
    match e {
        Expr::Compare {
            field,
            op: Op::Eq,
            value,
        } if field.node == Field::Id => {
            // `id = 1.5` names no claim: an empty list reads nothing.
            Some(whole(&value.node).into_iter().collect())
        }
        Expr::In { field, values } if field.node == Field::Id => {
            Some(values.iter().filter_map(|v| whole(&v.node)).collect())
        }
        _ => None,
    }
}

/// Narrows `first..=last` by a range condition on `id`, if `e` is one.
pub(super) fn id_bounds(e: &Expr, first: &mut u64, last: &mut u64) -> bool {
    let narrow = |op: Op, n: f64| {
        if n.is_nan() {
            return;
        }
        match op {
            Op::Ge => *first = (*first).max(n.max(0.0).ceil() as u64),
            Op::Gt => *first = (*first).max((n.max(-1.0).floor() + 1.0) as u64),
            // Ids start at 1: a bound below that leaves only the absent id 0.
            Op::Le if n < 0.0 => *last = 0,
            Op::Le => *last = (*last).min(n.floor() as u64),
            Op::Lt if n <= 0.0 => *last = 0,
            Op::Lt => *last = (*last).min((n.ceil() - 1.0) as u64),
            _ => {}
        }
    };
    // `id = N` is a list of ids (`id_list`), read before ranges are.
    numeric_bounds(e, Field::Id, &[], narrow)
}

/// If `e` bounds `field` by numbers (`<`, `<=`, `>`, `>=`, the operators in
/// `also`, or `between`), hands each bound to `narrow` and says so.
fn numeric_bounds(e: &Expr, field: Field, also: &[Op], mut narrow: impl FnMut(Op, f64)) -> bool {
    match e {
        Expr::Compare {
            field: f,
            op,
            value,
        } if f.node == field => match &value.node {
            Literal::Num(n)
                if matches!(op, Op::Ge | Op::Gt | Op::Le | Op::Lt) || also.contains(op) =>
            {
                narrow(*op, *n);
                true
            }
            _ => false,
        },
        Expr::Between {
            field: f,
            low,
            high,
        } if f.node == field => match (&low.node, &high.node) {
            (Literal::Num(a), Literal::Num(b)) => {
                narrow(Op::Ge, *a);
                narrow(Op::Le, *b);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::ast::Statement;
    use crate::query::parse;
    use crate::query::record::{eval, FieldValue, Patterns, Record};

    /// A record with a confidence and nothing else, for the filter itself.
    struct Confident(Confidence);

    impl Record for Confident {
        fn value(&self, field: Field) -> FieldValue<'_> {
            match field {
                Field::Confidence => FieldValue::Num(self.0.value()),
                _ => FieldValue::Null,
            }
        }
    }

    /// The confidence range of a condition holds exactly the stored
    /// confidences (every whole ten-thousandth) that the filter keeps, for
    /// literals on, between and beyond the ten-thousandths, and outside 0..1.
    #[test]
    fn a_confidence_range_holds_exactly_what_the_filter_keeps() {
        let literals = [
            "0",
            "0.5",
            "0.57",
            "0.8",
            "0.80005",
            "0.12345",
            "0.99999",
            "1",
            "1.5",
            "-0.3",
            "0.30000000000000004",
        ];
        let conditions = ["=", ">=", ">", "<=", "<"]
            .iter()
            .flat_map(|op| literals.iter().map(move |n| format!("confidence {op} {n}")))
            .chain(
                [
                    "confidence between 0.25 and 0.2500",
                    "confidence between 0.7 and 0.3",
                ]
                .map(String::from),
            );
        for condition in conditions {
            let Statement::Claims(q) = parse(&format!("claims where {condition}")).unwrap() else {
                panic!("{condition}");
            };
            let e = q.filter.unwrap();
            let (mut low, mut high) = (0.0, f64::from(Confidence::SCALE));
            assert!(confidence_bounds(&e, &mut low, &mut high), "{condition}");
            let patterns = Patterns::of(Some(&e));
            for bp in 0..=Confidence::SCALE {
                let kept = eval(&e, &Confident(Confidence::from_basis_points(bp)), &patterns);
                let in_range = (low..=high).contains(&f64::from(bp));
                assert_eq!(in_range, kept, "{condition}: {bp}");
            }
        }
    }
}
