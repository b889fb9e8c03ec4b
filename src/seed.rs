//! The seed corpus, compiled into the binary.
//!
//! `db-seed/` holds the review of *The Lazarus Heist* byte for byte, the
//! sources it cites, the people it quotes and the curated claims. They are
//! embedded with `include_str!`, so claimdb works from any directory, and
//! loaded through the same checked [`crate::Writer`] as every other write: a seed
//! claim whose quote is not in its source fails the load (and the tests).

use crate::error::{Error, Result};
use crate::model::SourceLine;
use crate::model::{NewClaim, NewSource, NewSpeaker};

/// The seed's files: sources, speakers and claims as JSON.
pub const SOURCES_JSON: &str = include_str!("../db-seed/sources.json");
/// See [`SOURCES_JSON`].
pub const SPEAKERS_JSON: &str = include_str!("../db-seed/speakers.json");
/// See [`SOURCES_JSON`].
pub const CLAIMS_JSON: &str = include_str!("../db-seed/claims.json");

/// Texts the seed's sources point to, by their path under `db-seed/`.
pub const TEXTS: &[(&str, &str)] = &[(
    "texts/fp-lazarus-review.txt",
    include_str!("../db-seed/texts/fp-lazarus-review.txt"),
)];

/// The parsed seed, ready to load.
#[derive(Debug)]
pub struct Seed {
    /// Sources, with their texts.
    pub sources: Vec<NewSource>,
    /// Speakers.
    pub speakers: Vec<NewSpeaker>,
    /// Claims, in file order (they get ids 1, 2, ... in a new database).
    pub claims: Vec<NewClaim>,
}

/// Parses the embedded seed files.
pub fn seed() -> Result<Seed> {
    let parse_err = |file: &str, e: serde_json::Error| {
        Error::Seed(format!("db-seed/{file}:{}:{}: {e}", e.line(), e.column()))
    };
    let sources: Vec<SourceLine> =
        serde_json::from_str(SOURCES_JSON).map_err(|e| parse_err("sources.json", e))?;
    let sources = sources
        .into_iter()
        .map(|s| {
            let id = s.id.clone();
            if s.kind.is_none() {
                return Err(Error::Seed(format!("source {id:?}: no kind")));
            }
            s.into_source(|path| {
                TEXTS
                    .iter()
                    .find(|(p, _)| *p == path)
                    .map(|(_, text)| text.to_string())
                    .ok_or_else(|| format!("no embedded text {path:?}"))
            })
            .map_err(|why| Error::Seed(format!("source {id:?}: {why}")))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Seed {
        sources,
        speakers: serde_json::from_str(SPEAKERS_JSON).map_err(|e| parse_err("speakers.json", e))?,
        claims: serde_json::from_str(CLAIMS_JSON).map_err(|e| parse_err("claims.json", e))?,
    })
}
