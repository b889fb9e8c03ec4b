//! The one place values are encoded and decoded.
//!
//! Every stored value is one format-version byte followed by bincode 2
//! (standard config, a size limit so damaged bytes cannot ask for gigabytes).
//! Keeping every bincode call here means a change of codec is a new version
//! byte and a migration, not a hunt through the code (bincode is unmaintained
//! upstream; see TECH-NOTES).

use serde::{de::DeserializeOwned, Serialize};

use crate::error::{Error, Result};

/// The version byte written in front of every value.
pub const VALUE_VERSION: u8 = 1;

/// The version byte of a claim written since claims hold reviews
/// ([`encode_claim`]); one written with an attribution and a mode but no
/// reviews has 3, one with only a `key` 2, and one written before keys
/// [`VALUE_VERSION`].
pub const CLAIM_VERSION: u8 = 4;
/// The version byte of a claim with an attribution and a mode, no reviews.
const CLAIM_V3: u8 = 3;

/// The version byte of a claim with a `key` but no attribution.
const CLAIM_V2: u8 = 2;

/// The version byte of a source written since sources remember the file
/// their text was read from ([`encode_source`]); one written before has
/// [`VALUE_VERSION`].
pub const SOURCE_VERSION: u8 = 2;

/// No stored value may be larger than this (source texts live in their own
/// tree as raw UTF-8 and are not decoded here).
const LIMIT: usize = 16 * 1024 * 1024;

fn config() -> impl bincode::config::Config {
    bincode::config::standard().with_limit::<LIMIT>()
}

/// Encodes a value with its version byte.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut out = vec![VALUE_VERSION];
    let body = bincode::serde::encode_to_vec(value, config())
        .map_err(|e| Error::Corrupt(format!("cannot encode value: {e}")))?;
    out.extend_from_slice(&body);
    Ok(out)
}

/// Decodes a value written by [`encode`]; `what` names it in errors.
pub fn decode<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    match bytes.split_first() {
        Some((&VALUE_VERSION, body)) => decode_body(body, what),
        Some((v, _)) => Err(Error::Corrupt(format!("{what}: unknown value version {v}"))),
        None => Err(Error::Corrupt(format!("{what}: empty value"))),
    }
}

/// Decodes the bincode after a value's version byte, all of it.
fn decode_body<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T> {
    let (value, used) = bincode::serde::decode_from_slice(body, config())
        .map_err(|e| Error::Corrupt(format!("cannot decode {what}: {e}")))?;
    if used != body.len() {
        return Err(Error::Corrupt(format!(
            "{what}: {} trailing bytes after the value",
            body.len() - used
        )));
    }
    Ok(value)
}

/// A claim as format 5 and before stored it: without a `key`.
#[derive(serde::Deserialize)]
struct ClaimV1 {
    id: crate::model::ClaimId,
    speaker: crate::model::SpeakerId,
    source: String,
    origin: Option<String>,
    quote: String,
    statement: String,
    confidence: crate::model::Confidence,
    rationale: String,
    tags: Vec<String>,
    anchor: Option<crate::model::Anchor>,
    status: crate::model::Status,
    mismatch: Option<crate::model::Mismatch>,
}

/// A claim as format 6 stored it: without an attribution or mode. bincode
/// writes a struct as its fields in order, so the older claim's fields
/// followed by the key read as this pair.
#[derive(serde::Deserialize)]
struct ClaimV2 {
    v1: ClaimV1,
    key: Option<String>,
}

/// A claim as formats 7 to 9 stored it: without reviews.
#[derive(serde::Deserialize)]
struct ClaimV3 {
    v2: ClaimV2,
    attribution: Option<crate::model::Attribution>,
    mode: Option<crate::model::Mode>,
}

impl ClaimV1 {
    fn upgrade(self, key: Option<String>) -> crate::model::Claim {
        crate::model::Claim {
            id: self.id,
            speaker: self.speaker,
            source: self.source,
            origin: self.origin,
            quote: self.quote,
            statement: self.statement,
            confidence: self.confidence,
            rationale: self.rationale,
            tags: self.tags,
            anchor: self.anchor,
            status: self.status,
            mismatch: self.mismatch,
            key,
            attribution: None,
            mode: None,
            reviews: Vec::new(),
        }
    }
}

/// Encodes a claim, with [`CLAIM_VERSION`].
pub fn encode_claim(claim: &crate::model::Claim) -> Result<Vec<u8>> {
    let mut out = encode(claim)?;
    out[0] = CLAIM_VERSION;
    Ok(out)
}

/// Decodes a claim of any version: one written before claims had a `key`
/// comes back with none, one written before attribution with none checked.
pub fn decode_claim(bytes: &[u8]) -> Result<crate::model::Claim> {
    match bytes.split_first() {
        Some((&CLAIM_VERSION, body)) => decode_body(body, "claim"),
        Some((&CLAIM_V3, body)) => {
            let c: ClaimV3 = decode_body(body, "claim")?;
            let mut claim = c.v2.v1.upgrade(c.v2.key);
            claim.attribution = c.attribution;
            claim.mode = c.mode;
            Ok(claim)
        }
        Some((&CLAIM_V2, body)) => {
            let c: ClaimV2 = decode_body(body, "claim")?;
            Ok(c.v1.upgrade(c.key))
        }
        _ => {
            let c: ClaimV1 = decode(bytes, "claim")?;
            Ok(c.upgrade(None))
        }
    }
}

/// A source as formats 9 and before stored it: without its text file.
#[derive(serde::Deserialize)]
struct SourceV1 {
    id: String,
    title: String,
    author: Option<String>,
    publisher: Option<String>,
    date: Option<String>,
    kind: crate::model::SourceKind,
    url: Option<String>,
    notes: Option<String>,
    sha256: Option<String>,
    text_len: u64,
}

/// Encodes a source, with [`SOURCE_VERSION`].
pub fn encode_source(source: &crate::model::Source) -> Result<Vec<u8>> {
    let mut out = encode(source)?;
    out[0] = SOURCE_VERSION;
    Ok(out)
}

/// Decodes a source of any version: one written before sources remembered
/// their text file comes back with none.
pub fn decode_source(bytes: &[u8]) -> Result<crate::model::Source> {
    match bytes.split_first() {
        Some((&SOURCE_VERSION, body)) => decode_body(body, "source"),
        _ => {
            let s: SourceV1 = decode(bytes, "source")?;
            Ok(crate::model::Source {
                id: s.id,
                title: s.title,
                author: s.author,
                publisher: s.publisher,
                date: s.date,
                kind: s.kind,
                url: s.url,
                notes: s.notes,
                sha256: s.sha256,
                text_len: s.text_len,
                text_file: None,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_damage() {
        let v = (String::from("White"), Some(3u64), vec![1.5f64]);
        let bytes = encode(&v).unwrap();
        assert_eq!(
            decode::<(String, Option<u64>, Vec<f64>)>(&bytes, "t").unwrap(),
            v
        );
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode::<(String, Option<u64>, Vec<f64>)>(&longer, "t").is_err());
        assert!(decode::<String>(&[9, 1], "t").is_err());
        assert!(decode::<String>(&[], "t").is_err());
        assert!(decode::<String>(&[1, 0xff, 0xff, 0xff, 0xff, 0xff], "t").is_err());
    }
}
