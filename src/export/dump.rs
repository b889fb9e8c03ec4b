//! The dump: one self-contained JSON Lines file of a whole database.
//!
//! The first line names the format (`{"type":"dump","format_version":6}`);
//! then every source with its text, every speaker, every claim, each a
//! line `claimdb import` reads (`import/read.rs`). A claim carries the
//! prefix, suffix and position of its anchor, so a quote that occurs more
//! than once is anchored again where it was. Claims come in id order, so
//! importing a dump into an empty database gives them the same ids when
//! none was ever deleted.
//!
//! Then every record's versions, one line each (`"type":"version"`), the
//! deleted records' included. Speakers and claims carry their ids, which
//! the versions name: imported into an empty database, a dump restores
//! the records under those ids and the history as it was
//! (`import/restore.rs`).

use std::io::Write;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{Claim, Review, Source, SourceKind, Speaker, Status, Version};
use crate::store::{ReadView, FORMAT_VERSION};

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum DumpLine<'a> {
    Dump {
        format_version: u32,
        claimdb: &'static str,
        /// When history was pruned: `as of` reaches back to here.
        #[serde(skip_serializing_if = "Option::is_none")]
        history_horizon: Option<String>,
    },
    Source {
        id: &'a str,
        title: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        author: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        publisher: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        date: Option<&'a str>,
        kind: SourceKind,
        #[serde(skip_serializing_if = "Option::is_none")]
        url: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        notes: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<&'a str>,
    },
    Speaker {
        id: u64,
        name: &'a str,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        aliases: &'a [String],
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<&'a str>,
    },
    Claim {
        id: u64,
        speaker: &'a str,
        source: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        origin: Option<&'a str>,
        quote: &'a str,
        statement: &'a str,
        confidence: f64,
        rationale: &'a str,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        tags: &'a [String],
        #[serde(skip_serializing_if = "Option::is_none")]
        prefix: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        suffix: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        position: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        key: Option<&'a str>,
        /// Only for a broken claim: "broken", and its stale anchor.
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<Status>,
        #[serde(skip_serializing_if = "Option::is_none")]
        anchor: Option<&'a crate::model::Anchor>,
        #[serde(skip_serializing_if = "<[Review]>::is_empty")]
        reviews: &'a [Review],
    },
    Version(&'a Version),
}

/// Writes the whole database as a dump; returns how many lines.
pub fn write_dump(view: &dyn ReadView, out: &mut dyn Write) -> Result<u64> {
    let mut lines = 0;
    let mut line = |value: &DumpLine| -> Result<()> {
        serde_json::to_writer(&mut *out, value)
            .map_err(|e| super::output_error("the dump", std::io::Error::from(e)))?;
        out.write_all(b"\n").map_err(write_error)?;
        lines += 1;
        Ok(())
    };
    line(&DumpLine::Dump {
        format_version: FORMAT_VERSION,
        claimdb: env!("CARGO_PKG_VERSION"),
        history_horizon: view.history_horizon()?,
    })?;
    for s in view.sources()? {
        let text = view.source_text(&s.id)?;
        line(&source_line(&s, text.as_deref()))?;
    }
    let speakers = view.speakers()?;
    for s in &speakers {
        line(&speaker_line(s))?;
    }
    let names: std::collections::HashMap<u64, &str> =
        speakers.iter().map(|s| (s.id, s.name.as_str())).collect();
    for claim in view.claims() {
        let claim = claim?;
        let speaker = names.get(&claim.speaker).copied().ok_or_else(|| {
            Error::Corrupt(format!(
                "claim {} names speaker {}, which is not stored",
                claim.id, claim.speaker
            ))
        })?;
        line(&claim_line(&claim, speaker))?;
    }
    for version in view.versions_in_order() {
        line(&DumpLine::Version(&version?))?;
    }
    out.flush().map_err(write_error)?;
    Ok(lines)
}

fn write_error(e: std::io::Error) -> Error {
    Error::Io {
        path: "the dump".into(),
        source: e,
    }
}

fn source_line<'a>(s: &'a Source, text: Option<&'a str>) -> DumpLine<'a> {
    DumpLine::Source {
        id: &s.id,
        title: &s.title,
        author: s.author.as_deref(),
        publisher: s.publisher.as_deref(),
        date: s.date.as_deref(),
        kind: s.kind,
        url: s.url.as_deref(),
        notes: s.notes.as_deref(),
        text,
    }
}

fn speaker_line(s: &Speaker) -> DumpLine<'_> {
    DumpLine::Speaker {
        id: s.id,
        name: &s.name,
        aliases: &s.aliases,
        description: s.description.as_deref(),
    }
}

fn claim_line<'a>(c: &'a Claim, speaker: &'a str) -> DumpLine<'a> {
    let broken = c.status == Status::Broken;
    let anchor = c.anchor.as_ref().filter(|_| !broken);
    DumpLine::Claim {
        id: c.id,
        speaker,
        source: &c.source,
        origin: c.origin.as_deref(),
        quote: &c.quote,
        statement: &c.statement,
        confidence: c.confidence.value(),
        rationale: &c.rationale,
        tags: &c.tags,
        prefix: anchor.map(|a| a.prefix.as_str()),
        suffix: anchor.map(|a| a.suffix.as_str()),
        position: anchor.map(|a| a.start_byte),
        key: c.key.as_deref(),
        status: broken.then_some(Status::Broken),
        anchor: c.anchor.as_ref().filter(|_| broken),
        reviews: &c.reviews,
    }
}
