//! `speakers`, `sources` and `show claim`: the statements that do not read
//! claims through an access path.

use super::super::ast::{Expr, Field, OrderBy, Table};
use super::super::record::{eval, FieldValue, Patterns, Record, SourceRecord, SpeakerRecord};
use super::output::{
    ClaimDetail, ClaimRow, ContextLine, Output, Rows, SourceDetail, SourceRow, SpeakerRow, Value,
};
use super::{compare_records, Speakers};
use crate::cite::LineIndex;
use crate::error::{Error, Result};
use crate::model::ClaimId;
use crate::store::{IndexScan, ReadView};

/// A listed row, seen as a record for conditions and sorting.
pub(super) trait AsRecord {
    fn record(&self) -> Box<dyn Record + '_>;
}

impl AsRecord for SpeakerRow {
    fn record(&self) -> Box<dyn Record + '_> {
        Box::new(SpeakerRecord {
            speaker: &self.speaker,
            claims: self.claims,
        })
    }
}

impl AsRecord for SourceRow {
    fn record(&self) -> Box<dyn Record + '_> {
        Box::new(SourceRecord {
            source: &self.source,
            claims: self.claims,
            origin_of: self.origin_of,
        })
    }
}

/// Every speaker, with how many claims are theirs (from the kept counts).
pub(super) fn speaker_rows(store: &dyn ReadView) -> Result<Vec<SpeakerRow>> {
    store
        .speakers()?
        .into_iter()
        .map(|speaker| {
            Ok(SpeakerRow {
                claims: store.index_count(&IndexScan::Speaker(speaker.id))?,
                speaker,
            })
        })
        .collect()
}

/// Every source, with how many claims quote it and name it as origin.
pub(super) fn source_rows(store: &dyn ReadView) -> Result<Vec<SourceRow>> {
    store
        .sources()?
        .into_iter()
        .map(|source| {
            Ok(SourceRow {
                claims: store.index_count(&IndexScan::Source(source.id.clone()))?,
                origin_of: store.index_count(&IndexScan::Origin(source.id.clone()))?,
                source,
            })
        })
        .collect()
}

/// The listed rows that satisfy `condition`.
pub(super) fn filter_listed<T: AsRecord>(rows: Vec<T>, condition: &Expr) -> Vec<T> {
    let patterns = Patterns::of(Some(condition));
    rows.into_iter()
        .filter(|r| eval(condition, r.record().as_ref(), &patterns))
        .collect()
}

/// The listed rows in `order` (ties keep id order).
pub(super) fn sort_listed<T: AsRecord>(rows: &mut [T], order: &[OrderBy]) {
    rows.sort_by(|a, b| compare_records(order, a.record().as_ref(), b.record().as_ref()));
}

/// `speakers select ...`, `sources select ...`: the chosen fields of each
/// row, under the names the listings show (a source's `id`, a speaker's
/// `name` alone: `name` matches aliases too, but a column shows the name).
pub(super) fn selected<T: AsRecord>(rows: &[T], fields: &[Field], table: Table) -> Output {
    Output::Rows(Rows {
        columns: fields
            .iter()
            .map(|f| f.name_in(table).to_string())
            .collect(),
        rows: rows
            .iter()
            .map(|r| {
                let record = r.record();
                fields
                    .iter()
                    .map(|&f| match (f, record.value(f)) {
                        (Field::Name, FieldValue::Texts(names)) => names
                            .first()
                            .map_or(Value::Null, |n| Value::Text(n.to_string())),
                        (_, v) => Value::from_field(&v),
                    })
                    .collect()
            })
            .collect(),
    })
}
/// How many lines of context `show claim` prints around the quote.
const CONTEXT_LINES: usize = 1;

/// `show source "ID" [lines A [to B]]`.
pub(super) fn show_source(
    store: &dyn ReadView,
    id: &str,
    first: u64,
    last: u64,
) -> Result<SourceDetail> {
    let source = store
        .source(id)?
        .ok_or_else(|| Error::not_found("source", id))?;
    let first = usize::try_from(first).unwrap_or(usize::MAX);
    let last = usize::try_from(last).unwrap_or(usize::MAX);
    let text = store.source_text(id)?;
    let mut shown = Vec::new();
    let mut total_lines = 0;
    if let Some(text) = &text {
        for (i, line) in text.split_inclusive('\n').enumerate() {
            total_lines = i + 1;
            if (first..=last).contains(&total_lines) {
                shown.push(ContextLine {
                    number: total_lines,
                    text: line.trim_end_matches(['\n', '\r']).to_string(),
                    quoted: None,
                });
            }
        }
        if first > total_lines.max(1) {
            return Err(Error::invalid(
                "line number",
                format!(
                    "source {} has {} lines; line {first} is past its end",
                    crate::error::quoted(id),
                    total_lines
                ),
            ));
        }
    }
    let count = |scan: IndexScan| store.index_count(&scan);
    Ok(SourceDetail {
        row: SourceRow {
            claims: count(IndexScan::Source(id.to_string()))?,
            origin_of: count(IndexScan::Origin(id.to_string()))?,
            source,
        },
        total_lines,
        lines: shown,
    })
}

pub(super) fn show_claim(store: &dyn ReadView, id: ClaimId) -> Result<ClaimDetail> {
    let claim = store
        .claim(id)?
        .ok_or_else(|| Error::not_found("claim", id.to_string()))?;
    let speakers = Speakers::load(store)?;
    let mut context = Vec::new();
    if let (Some(anchor), Some(text)) = (&claim.anchor, store.source_text(&claim.source)?) {
        if anchor.text_sha256 == crate::cite::sha256_hex(&text) {
            let (start, end) = (anchor.start_byte as usize, anchor.end_byte as usize);
            let lines = LineIndex::new(&text);
            let first = lines
                .position(start)
                .line
                .saturating_sub(CONTEXT_LINES)
                .max(1);
            let last = lines.position(end.saturating_sub(1).max(start)).line + CONTEXT_LINES;
            let mut offset = 0;
            for (i, line) in text.split_inclusive('\n').enumerate() {
                let number = i + 1;
                let line_start = offset;
                offset += line.len();
                if number < first || number > last {
                    continue;
                }
                let body = line.trim_end_matches(['\n', '\r']);
                let line_end = line_start + body.len();
                let quoted =
                    (start < line_end.max(line_start + 1) && end > line_start).then(|| {
                        let s = start.max(line_start) - line_start;
                        let e = end.min(line_end) - line_start;
                        (body[..s].chars().count(), body[..e.max(s)].chars().count())
                    });
                context.push(ContextLine {
                    number,
                    text: body.to_string(),
                    quoted,
                });
            }
        }
    }
    Ok(ClaimDetail {
        row: ClaimRow {
            speaker_name: {
                let name = speakers
                    .get(claim.speaker)
                    .map_or_else(String::new, |s| s.name.clone());
                speakers.finish()?;
                name
            },
            claim,
        },
        context,
    })
}
