//! The records claimdb keeps: plain serde types, no behaviour beyond validation.
//!
//! A [`Source`] is a document (an article, a book, a testimony). A [`Speaker`]
//! is someone who says things, known by a canonical name and any number of
//! aliases. A [`Claim`] ties them together: *this speaker* said *this*, and the
//! proof is a verbatim `quote` found in the source's text at the position its
//! [`Anchor`] records. New records come in as [`NewSource`], [`NewSpeaker`] and
//! [`NewClaim`]; the database assigns ids and computes anchors, so a stored
//! record is always one that passed the checks.
//!
//! These structs are stored with bincode, so they stay plain: no
//! `skip_serializing_if`, no `flatten`, no untagged enums (see TECH-NOTES).

mod changes;
mod review;
mod source;
mod token;
mod version;

pub use changes::{ClaimChanges, SourceChanges};
pub use review::{validate_reviews, Review, MAX_REVIEWS};
pub(crate) use source::SourceLine;
pub use source::{validate_source_id, NewSource, Source, SourceKind};
pub use token::{Role, Token};
pub use version::{Action, Authorship, FieldChange, Subject, Version};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Identifies a claim. Ids are assigned in insertion order, starting at 1.
pub type ClaimId = u64;
/// Identifies a speaker. Ids are assigned in insertion order, starting at 1.
pub type SpeakerId = u64;

/// Someone who makes claims: a person, an agency, a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Speaker {
    /// Assigned by the database.
    pub id: SpeakerId,
    /// The name claimdb shows: "Priscilla Moriuchi".
    pub name: String,
    /// Every other name a text uses for them: "Moriuchi". Queries match any of them.
    pub aliases: Vec<String>,
    /// Role and affiliation.
    pub description: Option<String>,
}

/// A speaker as given to [`crate::Db::add_speaker`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSpeaker {
    /// See [`Speaker::name`].
    pub name: String,
    /// See [`Speaker::aliases`].
    #[serde(default)]
    pub aliases: Vec<String>,
    /// See [`Speaker::description`].
    #[serde(default)]
    pub description: Option<String>,
}

/// How sure we are of a claim, from 0 to 1, kept exactly in ten-thousandths so
/// that `confidence >= 0.8` compares without floating-point surprises. It
/// serializes as people write it (`0.31`) in JSON and other formats for
/// people, and as its ten-thousandths in claimdb's binary records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Confidence(u16);

impl Serialize for Confidence {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.serialize_f64(self.value())
        } else {
            serializer.serialize_u16(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Confidence {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            let value = f64::deserialize(deserializer)?;
            Confidence::new(value).map_err(serde::de::Error::custom)
        } else {
            u16::deserialize(deserializer).map(Confidence::from_basis_points)
        }
    }
}

impl Confidence {
    /// The scale: 1.0 is stored as 10 000.
    pub const SCALE: u16 = 10_000;

    /// A confidence from a number in `0..=1`; anything else (or NaN) is refused.
    pub fn new(value: f64) -> Result<Self> {
        if !(0.0..=1.0).contains(&value) {
            return Err(Error::invalid(
                "confidence",
                format!("{value} is outside 0..=1"),
            ));
        }
        Ok(Confidence((value * f64::from(Self::SCALE)).round() as u16))
    }

    /// The confidence in ten-thousandths (0..=10000): the order-preserving form used in keys.
    pub fn basis_points(self) -> u16 {
        self.0
    }

    /// From ten-thousandths; values above 10 000 are clamped.
    pub fn from_basis_points(bp: u16) -> Self {
        Confidence(bp.min(Self::SCALE))
    }

    /// The confidence as a number in `0..=1`.
    pub fn value(self) -> f64 {
        f64::from(self.0) / f64::from(Self::SCALE)
    }
}

impl std::fmt::Display for Confidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Shortest form that round-trips: 0.85, 1, 0.9125.
        write!(f, "{}", self.value())
    }
}

/// Whether a claim's quote is anchored in its source's current text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Status {
    /// The quote was found in the source text; the anchor says where.
    Verified,
    /// Not checked: the claim's source holds no text to check against.
    Unverified,
    /// The quote was once anchored but the source's text no longer holds it.
    Broken,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 3] = [Status::Verified, Status::Unverified, Status::Broken];

    /// The lowercase name used in queries and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::Unverified => "unverified",
            Status::Broken => "broken",
        }
    }

    /// Parses a lowercase name.
    pub fn parse(name: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(name))
    }
}

/// How a claim's quote stands in its source: the speaker's own words, a
/// paraphrase of them, or a paraphrase holding some of their words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The speaker's own words: in quotation marks, a transcript turn, or
    /// the author's own text.
    Direct,
    /// Reported speech: the writer's words for what the speaker said.
    Indirect,
    /// Reported speech holding some of the speaker's words in quotation marks.
    Mixed,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 3] = [Mode::Direct, Mode::Indirect, Mode::Mixed];

    /// The lowercase name used in queries and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Direct => "direct",
            Mode::Indirect => "indirect",
            Mode::Mixed => "mixed",
        }
    }
}

/// Whether the source credits the claim's speaker with the quoted passage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributionVerdict {
    /// The source attributes the passage to the claim's speaker.
    Confirmed,
    /// The source attributes it to someone else (named in the attribution).
    DifferentSpeaker,
    /// The source credits no one the checker could find.
    NotFound,
}

impl AttributionVerdict {
    /// Every verdict.
    pub const ALL: [AttributionVerdict; 3] = [
        AttributionVerdict::Confirmed,
        AttributionVerdict::DifferentSpeaker,
        AttributionVerdict::NotFound,
    ];

    /// The name used in queries and output: "confirmed", "different speaker", "not found".
    pub fn as_str(self) -> &'static str {
        match self {
            AttributionVerdict::Confirmed => "confirmed",
            AttributionVerdict::DifferentSpeaker => "different speaker",
            AttributionVerdict::NotFound => "not found",
        }
    }
}

/// What the attribution check found for a claim's anchored passage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    /// Confirmed, different speaker or not found.
    pub verdict: AttributionVerdict,
    /// Whom the source credits, as it names them ("Thae", "Mr. GORTON",
    /// the author), when it credits anyone.
    pub named: Option<String>,
    /// The attribution's words as printed ("Thae says"), when there are any.
    pub cue: Option<String>,
    /// The reading that found it ("reported speech", "speaker label", ...).
    pub rule: Option<String>,
    /// 1-based line of the cue (0 when there is none).
    pub line: u32,
    /// 1-based column of the cue, in characters (0 when there is none).
    pub column: u32,
}

impl Attribution {
    /// The verdict as one line for a person: "confirmed: “Thae says” (line
    /// 3, column 1), reported", or whom the source credits instead.
    pub fn describe(&self, mode: Option<Mode>) -> String {
        let cue = match (&self.cue, self.line) {
            (Some(cue), line) if line > 0 => {
                format!("“{cue}” (line {line}, column {})", self.column)
            }
            (Some(cue), _) => format!("“{cue}”"),
            (None, _) => self.rule.clone().unwrap_or_default(),
        };
        let mode = mode.map_or(String::new(), |m| format!(", {}", m.as_str()));
        let named = self.named.as_deref().unwrap_or("someone else");
        match self.verdict {
            AttributionVerdict::Confirmed => format!("confirmed: {cue}{mode}"),
            AttributionVerdict::DifferentSpeaker => {
                format!("different speaker: the source credits {named}: {cue}{mode}")
            }
            AttributionVerdict::NotFound => {
                "not found: the source credits no one with the passage".into()
            }
        }
    }
}

/// Where a quote sits in its source's text. Positions refer to the original
/// text, byte for byte, never to a normalized copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    /// First byte of the quoted passage.
    pub start_byte: u64,
    /// One past its last byte.
    pub end_byte: u64,
    /// First character (Unicode scalar) of the passage.
    pub start_char: u64,
    /// One past its last character.
    pub end_char: u64,
    /// 1-based line of the first character.
    pub line: u32,
    /// 1-based column (in characters) of the first character.
    pub column: u32,
    /// 1-based line of the last character.
    pub end_line: u32,
    /// 1-based column of the last character.
    pub end_column: u32,
    /// For a quote in parts (ellipses, brackets), each part's byte range.
    pub segments: Vec<(u64, u64)>,
    /// True when the quote is the source's bytes exactly; false when it
    /// matched after normalization (typography, whitespace, ellipses...).
    pub exact: bool,
    /// Up to 32 characters of text just before the passage.
    pub prefix: String,
    /// Up to 32 characters of text just after the passage.
    pub suffix: String,
    /// sha256 of the text the anchor was computed against.
    pub text_sha256: String,
}

/// A statement attributed to a speaker, proved by a quote from a source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// Assigned by the database.
    pub id: ClaimId,
    /// Who made the claim.
    pub speaker: SpeakerId,
    /// The document whose text holds the quote.
    pub source: String,
    /// Where the speaker first said it (a book, a hearing), when known: a source id.
    pub origin: Option<String>,
    /// Verbatim words from the source.
    pub quote: String,
    /// The claim in plain words.
    pub statement: String,
    /// How far the claim can be relied on as recorded.
    pub confidence: Confidence,
    /// One line on why that confidence.
    pub rationale: String,
    /// Lowercase labels.
    pub tags: Vec<String>,
    /// Where the quote sits in the source, once verified.
    pub anchor: Option<Anchor>,
    /// Whether the quote is anchored.
    pub status: Status,
    /// For a broken claim: what the checker found instead.
    pub mismatch: Option<Mismatch>,
    /// The caller's own key for the claim (a row id in a spreadsheet, a
    /// case number), unique among claims: importing a row with the same
    /// key again updates this claim instead of adding another.
    pub key: Option<String>,
    /// Whom the source credits with the anchored passage (none when the
    /// claim is not anchored).
    pub attribution: Option<Attribution>,
    /// How the quote stands in the source, when its attribution was found.
    pub mode: Option<Mode>,
    /// Fact-checks of whether the claim is true, as they were imported
    /// (never claimdb's own: see [`Review`]).
    pub reviews: Vec<Review>,
}

impl Claim {
    /// Where the quote is, while the claim is anchored: a broken claim's
    /// stored anchor points into a text that is no longer the source's,
    /// so it has none here (its `mismatch` says what the text has instead).
    pub fn current_anchor(&self) -> Option<&Anchor> {
        self.anchor
            .as_ref()
            .filter(|_| self.status != Status::Broken)
    }
}

/// What the citation checker found when a claim's quote stopped verifying.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mismatch {
    /// The checker's verdict: "approximate" or "not found".
    pub verdict: String,
    /// The closest passage of the new text, when any.
    pub passage: Option<String>,
    /// Its 1-based line (0 when there is none).
    pub line: u32,
    /// Its 1-based column (0 when there is none).
    pub column: u32,
    /// Its similarity to the quote, 0..=1.
    pub score: f64,
    /// The word changes, one line each ("the quote says X where the source says Y (number)").
    pub changes: Vec<String>,
    /// sha256 of the text that was checked.
    pub text_sha256: String,
}

/// A claim as given to [`crate::Db::add_claim`]. The speaker may be named by any alias.
///
/// ```
/// let claim = claimdb::NewClaim {
///     speaker: "Geoff White".into(),
///     source: "fp-lazarus-review".into(),
///     quote: "North Korea".into(),
///     statement: "The book is about North Korea.".into(),
///     confidence: 0.9,
///     rationale: "the review says so".into(),
///     ..Default::default()
/// };
/// assert!(claim.tags.is_empty() && claim.reviews.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewClaim {
    /// A speaker's name or alias.
    pub speaker: String,
    /// Id of the source whose text holds the quote.
    pub source: String,
    /// Id of the source where the speaker first said it, when known.
    #[serde(default)]
    pub origin: Option<String>,
    /// Verbatim words from the source.
    pub quote: String,
    /// The claim in plain words.
    pub statement: String,
    /// In `0..=1`.
    pub confidence: f64,
    /// One line on why that confidence.
    pub rationale: String,
    /// Labels; stored lowercase.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The caller's own key for the claim, unique among claims (see [`Claim::key`]).
    #[serde(default)]
    pub key: Option<String>,
    /// Fact-checks of the claim, kept as given (see [`Review`]).
    #[serde(default)]
    pub reviews: Vec<Review>,
}

/// Checks a free-text field that must not be blank.
pub(crate) fn require_text(what: &'static str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        Err(Error::invalid(what, "must not be empty"))
    } else {
        Ok(())
    }
}

/// A tag as it is stored and shown: trimmed and lowercased. It is indexed
/// and compared by [`crate::cite::fold_key`] (the same fold the planner and
/// the filter apply to a tag in a query), never by this spelling. Tags that
/// fold to nothing are refused.
pub(crate) fn normalize_tag(tag: &str) -> Result<String> {
    require_text("tag", &crate::cite::fold_key(tag))?;
    Ok(tag.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_is_exact_in_ten_thousandths() {
        assert_eq!(Confidence::new(0.8).unwrap().basis_points(), 8000);
        assert_eq!(Confidence::new(1.0).unwrap().to_string(), "1");
        assert_eq!(Confidence::new(0.85).unwrap().to_string(), "0.85");
        assert!(Confidence::new(1.01).is_err());
        assert!(Confidence::new(-0.1).is_err());
        assert!(Confidence::new(f64::NAN).is_err());
    }

    /// JSON (the server's answers) says 0.31; the stored record keeps
    /// 3100 exactly, in two bytes.
    #[test]
    fn confidence_serializes_as_people_write_it_and_is_stored_exactly() {
        let c = Confidence::new(0.31).unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), "0.31");
        assert_eq!(serde_json::from_str::<Confidence>("0.31").unwrap(), c);
        let refused = serde_json::from_str::<Confidence>("3100").unwrap_err();
        assert!(
            refused.to_string().contains("3100 is outside 0..=1"),
            "{refused}"
        );
        let config = bincode::config::standard();
        let stored = bincode::serde::encode_to_vec(c, config).unwrap();
        let (read, _): (Confidence, _) =
            bincode::serde::decode_from_slice(&stored, config).unwrap();
        assert_eq!(read, c);
        assert!(stored.len() <= 3, "{stored:?}");
    }
}
