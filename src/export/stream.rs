//! Writing an export's claims as they stream past, one at a time: a row
//! of CSV, a line of JSON (the full record), ClaimReviews or Web
//! Annotations. What a row refers to (its source, its speaker's
//! description, its source's text for an annotation) is read once and
//! kept: that grows with the sources, not with the claims.

use std::collections::HashMap;
use std::io::Write;

use serde_json::Value;

use super::{
    annotation, claim_reviews, claims, csv_error, first_and_last_days, full_record, output_error,
    ExportFormat, ExportOptions, CSV_COLUMNS, VERSION_COLUMNS,
};
use crate::error::{Error, Result};
use crate::model::{Source, Subject};
use crate::query::ClaimRow;
use crate::store::ReadView;

/// Where the rows go.
enum Sink<'o> {
    Csv(Box<csv::Writer<&'o mut dyn Write>>),
    Lines(&'o mut dyn Write),
}

/// An export being written.
pub(super) struct Rows<'v, 'o> {
    view: &'v dyn ReadView,
    options: &'v ExportOptions,
    sink: Sink<'o>,
    sources: HashMap<String, Source>,
    texts: HashMap<String, Option<String>>,
    descriptions: HashMap<u64, Option<String>>,
    /// Whether the CSV header is out (with the first row, or at the end
    /// of an export without rows).
    started: bool,
    written: u64,
}

impl<'v, 'o> Rows<'v, 'o> {
    pub(super) fn new(
        view: &'v dyn ReadView,
        options: &'v ExportOptions,
        out: &'o mut dyn Write,
    ) -> Result<Self> {
        let descriptions = view
            .speakers()?
            .into_iter()
            .map(|s| (s.id, s.description))
            .collect();
        Ok(Rows {
            view,
            options,
            sink: if options.format == ExportFormat::Csv {
                Sink::Csv(Box::new(csv::Writer::from_writer(out)))
            } else {
                Sink::Lines(out)
            },
            sources: HashMap::new(),
            texts: HashMap::new(),
            descriptions,
            started: false,
            written: 0,
        })
    }

    /// The CSV header, once.
    fn start(&mut self) -> Result<()> {
        if std::mem::replace(&mut self.started, true) {
            return Ok(());
        }
        if let Sink::Csv(w) = &mut self.sink {
            let mut header = CSV_COLUMNS.to_vec();
            if self.options.versions {
                header.extend(VERSION_COLUMNS);
            }
            w.write_record(header).map_err(csv_error)?;
        }
        Ok(())
    }

    /// A claim's last version: its number, when and who (empty without).
    fn last_version(&self, id: u64) -> Result<[String; 3]> {
        let versions = self.view.versions(&Subject::Claim(id))?;
        Ok(match versions.last() {
            Some(v) => [v.number.to_string(), v.at.clone(), v.author.clone()],
            None => Default::default(),
        })
    }

    fn source(&mut self, id: &str) -> Result<Source> {
        if let Some(s) = self.sources.get(id) {
            return Ok(s.clone());
        }
        let s = self.view.source(id)?.ok_or_else(|| {
            Error::Corrupt(format!("a claim names source {id:?}, which is not stored"))
        })?;
        self.sources.insert(id.to_string(), s.clone());
        Ok(s)
    }

    /// Writes one claim.
    pub(super) fn write(&mut self, row: &ClaimRow) -> Result<()> {
        self.start()?;
        let c = &row.claim;
        if matches!(self.sink, Sink::Csv(_)) {
            let mut cells = claims::csv_row(row);
            if self.options.versions {
                cells.extend(self.last_version(c.id)?);
            }
            if let Sink::Csv(w) = &mut self.sink {
                w.write_record(cells).map_err(csv_error)?;
            }
            self.written += 1;
            return Ok(());
        }
        let values = match self.options.format {
            ExportFormat::ClaimReview => {
                let source = self.source(&c.source)?;
                let origin = match &c.origin {
                    Some(o) => Some(self.source(o)?),
                    None => None,
                };
                let description = self.descriptions.get(&c.speaker).cloned().flatten();
                let dates = first_and_last_days(&self.view.versions(&Subject::Claim(c.id))?);
                claim_reviews(
                    row,
                    description.as_deref(),
                    &source,
                    origin.as_ref(),
                    &self.options.review,
                    dates.as_ref(),
                )
            }
            ExportFormat::Annotation => {
                let source = self.source(&c.source)?;
                if !self.texts.contains_key(&c.source) {
                    let text = self.view.source_text(&c.source)?;
                    self.texts.insert(c.source.clone(), text);
                }
                let text = self.texts.get(&c.source).and_then(Option::as_deref);
                let passage = c.anchor.as_ref().and_then(|a| {
                    text.and_then(|t| t.get(a.start_byte as usize..a.end_byte as usize))
                });
                vec![annotation(row, &source, passage)]
            }
            _ => {
                let mut record = full_record(row);
                if self.options.versions {
                    let [number, at, author] = self.last_version(c.id)?;
                    if let Value::Object(map) = &mut record {
                        let or_null = |s: String| {
                            if s.is_empty() {
                                Value::Null
                            } else {
                                Value::from(s)
                            }
                        };
                        map.insert(
                            "version".into(),
                            number.parse::<u64>().map_or(Value::Null, Into::into),
                        );
                        map.insert("modified_at".into(), or_null(at));
                        map.insert("modified_by".into(), or_null(author));
                    }
                }
                vec![record]
            }
        };
        if let Sink::Lines(out) = &mut self.sink {
            for value in values {
                serde_json::to_writer(&mut **out, &value)
                    .map_err(|e| output_error("the export", std::io::Error::from(e)))?;
                out.write_all(b"\n")
                    .map_err(|e| output_error("the export", e))?;
                self.written += 1;
            }
        }
        Ok(())
    }

    /// Ends the export (the CSV header of one without rows), flushed;
    /// how many records were written.
    pub(super) fn finish(mut self) -> Result<u64> {
        self.start()?;
        let flushed = match &mut self.sink {
            Sink::Csv(w) => w.flush(),
            Sink::Lines(out) => out.flush(),
        };
        flushed.map_err(|e| output_error("the export", e))?;
        Ok(self.written)
    }
}
