//! The checks of a record's fields that are not about other records:
//! each within its limit ([`crate::limits`]), tags normalized and kept
//! once each.

use crate::error::Result;
use crate::limits::{check_count, check_field, check_name, MAX_TAGS};
use crate::model::normalize_tag;
use crate::store::fold_name;

/// Tags as a claim stores them: each checked, and one of each that fold alike.
pub(super) fn tag_list(tags: &[String]) -> Result<Vec<String>> {
    check_count("tags", tags.len(), MAX_TAGS)?;
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for tag in tags {
        let tag = normalize_tag(tag)?;
        check_name("tag", &tag)?;
        if seen.insert(fold_name(&tag)) {
            out.push(tag);
        }
    }
    Ok(out)
}

/// Refuses a source's record fields over their limits.
pub(super) fn source_fields(title: Option<&String>, others: [&Option<String>; 5]) -> Result<()> {
    if let Some(title) = title {
        check_field("source title", title)?;
    }
    let names = [
        "source author",
        "source publisher",
        "source date",
        "source url",
        "source notes",
    ];
    for (what, value) in names.into_iter().zip(others) {
        if let Some(v) = value {
            check_field(what, v)?;
        }
    }
    Ok(())
}
