//! `speakers`, `sources` and `show claim`: the statements that do not read
//! claims through an access path.

use super::super::ast::{Field, ListQuery, Literal, Spanned, Table};
use super::super::record::{eval, FieldValue, Patterns, Record, SourceRecord, SpeakerRecord};
use super::output::{
    ClaimDetail, ClaimRow, ContextLine, Output, Rows, SourceDetail, SourceRow, SpeakerRow, Value,
};
use super::{compare_records, paginate, Speakers};
use crate::cite::LineIndex;
use crate::error::{Error, Result};
use crate::store::{IndexScan, ReadView};

/// A listed row, seen as a record for conditions and sorting.
trait AsRecord {
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

/// Applies a list query's condition, order, limit and offset to its rows.
fn filter_sort_page<T: AsRecord>(rows: Vec<T>, q: &ListQuery) -> Vec<T> {
    let patterns = Patterns::of(q.filter.as_ref());
    let mut rows: Vec<T> = rows
        .into_iter()
        .filter(|r| {
            q.filter
                .as_ref()
                .is_none_or(|f| eval(f, r.record().as_ref(), &patterns))
        })
        .collect();
    rows.sort_by(|a, b| compare_records(&q.order, a.record().as_ref(), b.record().as_ref()));
    paginate(&mut rows, q.limit, q.offset);
    rows
}

pub(super) fn run_list(store: &dyn ReadView, q: &ListQuery) -> Result<Output> {
    let count = |scan: IndexScan| store.scan_index(&scan).count() as u64;
    Ok(match q.table {
        Table::Speakers => {
            let rows = store
                .speakers()?
                .into_iter()
                .map(|speaker| SpeakerRow {
                    claims: count(IndexScan::Speaker(speaker.id)),
                    speaker,
                })
                .collect();
            let rows = filter_sort_page(rows, q);
            match &q.select {
                Some(fields) => selected(&rows, fields, q.table),
                None => Output::Speakers(rows),
            }
        }
        _ => {
            let rows = store
                .sources()?
                .into_iter()
                .map(|source| SourceRow {
                    claims: count(IndexScan::Source(source.id.clone())),
                    origin_of: count(IndexScan::Origin(source.id.clone())),
                    source,
                })
                .collect();
            let rows = filter_sort_page(rows, q);
            match &q.select {
                Some(fields) => selected(&rows, fields, q.table),
                None => Output::Sources(rows),
            }
        }
    })
}

/// `speakers select ...`, `sources select ...`: the chosen fields of each
/// row, under the names the listings show (a source's `id`, a speaker's
/// `name` alone: `name` matches aliases too, but a column shows the name).
fn selected<T: AsRecord>(rows: &[T], fields: &[Spanned<Field>], table: Table) -> Output {
    Output::Rows(Rows {
        columns: fields
            .iter()
            .map(|f| f.node.name_in(table).to_string())
            .collect(),
        rows: rows
            .iter()
            .map(|r| {
                let record = r.record();
                fields
                    .iter()
                    .map(|f| match (f.node, record.value(f.node)) {
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
    id: &Spanned<Literal>,
    lines: Option<&(Spanned<Literal>, Option<Spanned<Literal>>)>,
) -> Result<SourceDetail> {
    let Literal::Str(id) = &id.node else {
        return Err(Error::invalid("source id", "a source id is a string"));
    };
    let source = store
        .source(id)?
        .ok_or_else(|| Error::not_found("source", id.as_str()))?;
    let number = |l: &Spanned<Literal>| match l.node {
        Literal::Num(n) => n as usize,
        _ => 1,
    };
    let (first, last) = match lines {
        None => (1, usize::MAX),
        Some((a, None)) => (number(a), number(a)),
        Some((a, Some(b))) => (number(a), number(b)),
    };
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
            claims: count(IndexScan::Source(id.clone()))?,
            origin_of: count(IndexScan::Origin(id.clone()))?,
            source,
        },
        total_lines,
        lines: shown,
    })
}

pub(super) fn show_claim(store: &dyn ReadView, id: &Spanned<Literal>) -> Result<ClaimDetail> {
    let Literal::Num(n) = id.node else {
        return Err(Error::invalid("claim id", "a claim id is a whole number"));
    };
    let claim = store
        .claim(n as u64)?
        .ok_or_else(|| Error::not_found("claim", (n as u64).to_string()))?;
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
