//! Conditions read as key ranges: the ids `id = N` and `id in (...)` name,
//! the id range `id > N` and `between` bound, and the confidence range
//! (in ten-thousandths) the confidence conditions leave. Each is a superset
//! of what the condition accepts; the filter applied afterwards is exact.

use super::ast::{Expr, Field, Literal, Op};
use crate::model::{ClaimId, Confidence};

/// Narrows `low..=high` (ten-thousandths) by a confidence condition, if `e` is one.
pub(super) fn confidence_bounds(e: &Expr, low: &mut f64, high: &mut f64) -> bool {
    let scale = f64::from(Confidence::SCALE);
    // A superset of the exact range, in whole ten-thousandths; the filter
    // applied afterwards makes the answer exact.
    let narrow = |op: Op, n: f64| {
        let scaled = n * scale;
        match op {
            Op::Ge | Op::Gt => *low = low.max(scaled.floor()),
            Op::Le | Op::Lt => *high = high.min(scaled.ceil()),
            Op::Eq => {
                *low = low.max(scaled.floor());
                *high = high.min(scaled.ceil());
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
