//! The one table of secondary indexes.
//!
//! Each entry says which tree holds the index, which claim field it answers
//! for, and how the key values of a claim are derived. The writer derives a
//! claim's entries from it ([`index_entries`]), `verify` and `repair`
//! rebuild every index from it, and the planner reads [`IndexScan`]s through
//! it. Index keys are `value ++ claim id` (big-endian), so the entries of one
//! value are a key prefix and come out in claim-id order.

use super::keys::{read_str, trailing_u64, KeyBuf};
use super::T;
use crate::model::{Anchor, Claim, ClaimId, Confidence, SpeakerId, Status};

/// A secondary index, by name: how everything above the store names one
/// (the key-value layout behind it, `IndexDef`, stays inside).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Index {
    /// Claims by speaker id.
    Speaker,
    /// Claims by source.
    Source,
    /// Claims by origin.
    Origin,
    /// Claims by confidence.
    Confidence,
    /// Claims by status.
    Status,
    /// Claims by tag (folded).
    Tag,
    /// Claims by the words of their quotes.
    Word,
    /// Claims by anchored passage and speaker (a claim is stored once).
    Passage,
    /// Claims by the caller's key.
    Key,
}

impl Index {
    /// Every index, in the order of the key-value layout table (`INDEXES`).
    pub const ALL: [Index; 9] = [
        Index::Speaker,
        Index::Source,
        Index::Origin,
        Index::Confidence,
        Index::Status,
        Index::Tag,
        Index::Word,
        Index::Passage,
        Index::Key,
    ];

    /// Its layout in the key-value family.
    pub(crate) fn def(self) -> &'static IndexDef {
        &INDEXES[self as usize]
    }

    /// Its name, as `explain` and `verify` show it ("idx_speaker").
    pub fn name(self) -> &'static str {
        self.def().name()
    }

    /// The claim field it answers for ("speaker", "word").
    pub fn field(self) -> &'static str {
        self.def().field
    }

    /// Whether a count is kept per value (what planning and `count claims
    /// group by` read).
    pub fn counted(self) -> bool {
        self.def().counted
    }

    /// Whether its entries record their claims' confidence
    /// ([`crate::store::ReadView::scan_postings`]).
    pub fn records_confidence(self) -> bool {
        self.def().records_confidence()
    }
}

/// A secondary index's layout in the key-value family.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IndexDef {
    /// The tree it lives in.
    pub(crate) tree: T,
    /// The claim field it answers equality (or, for confidence, ranges) on.
    pub field: &'static str,
    /// The key values (without the claim id) a claim has in this index.
    values: fn(&Claim) -> Vec<Vec<u8>>,
    /// Whether a count per value is kept in `counts` (for planning). The
    /// passage index, whose values are nearly all distinct and which no
    /// query plans with, keeps none.
    pub(crate) counted: bool,
}

/// The index in `tree`, when it is unique: at most one claim per value
/// (the passage and speaker, the duplicate rule; the caller's key).
pub(crate) fn unique_index(tree: T) -> Option<Index> {
    match tree {
        T::IdxPassage => Some(Index::Passage),
        T::IdxKey => Some(Index::Key),
        _ => None,
    }
}

/// Whether the index in `tree` keeps counts per value.
pub(crate) fn is_counted(tree: T) -> bool {
    INDEXES.iter().any(|d| d.tree == tree && d.counted)
}

impl IndexDef {
    /// The index's name, as `explain` and `verify` show it.
    pub fn name(&self) -> &'static str {
        self.tree.name()
    }

    /// Whether its entries record their claims' confidence
    /// ([`crate::store::ReadView::scan_postings`]).
    pub fn records_confidence(&self) -> bool {
        super::postings::records_confidence(self.tree)
    }
}

/// Every secondary index's layout, in the order of [`Index::ALL`].
pub(crate) const INDEXES: [IndexDef; 9] = [
    IndexDef {
        tree: T::IdxSpeaker,
        field: "speaker",
        values: |c| vec![KeyBuf::new().u64(c.speaker).finish()],
        counted: true,
    },
    IndexDef {
        tree: T::IdxSource,
        field: "source",
        values: |c| vec![KeyBuf::new().str(&c.source).finish()],
        counted: true,
    },
    IndexDef {
        tree: T::IdxOrigin,
        field: "origin",
        values: |c| {
            c.origin
                .iter()
                .map(|o| KeyBuf::new().str(o).finish())
                .collect()
        },
        counted: true,
    },
    IndexDef {
        tree: T::IdxConfidence,
        field: "confidence",
        values: |c| vec![KeyBuf::new().u16(c.confidence.basis_points()).finish()],
        counted: true,
    },
    IndexDef {
        tree: T::IdxStatus,
        field: "status",
        values: |c| vec![KeyBuf::new().u8(c.status as u8).finish()],
        counted: true,
    },
    IndexDef {
        tree: T::IdxTag,
        field: "tag",
        // The fold the planner looks a tag up by (and the filter compares by).
        values: |c| {
            c.tags
                .iter()
                .map(|t| KeyBuf::new().str(&crate::cite::fold_key(t)).finish())
                .collect()
        },
        counted: true,
    },
    IndexDef {
        tree: T::IdxWord,
        field: "word",
        // Each distinct word of the quote as `contains` folds it.
        values: |c| {
            let folded = crate::cite::fold_for_search(&c.quote);
            crate::cite::search_words(&folded)
                .into_iter()
                .map(|w| KeyBuf::new().str(w).finish())
                .collect()
        },
        counted: true,
    },
    IndexDef {
        tree: T::IdxPassage,
        field: "passage",
        // Where an anchored claim's quote lies, and who says it: two
        // claims with the same are one claim stored twice.
        values: |c| {
            let scan = IndexScan::passage(
                &c.source,
                c.anchor.as_ref(),
                &c.quote,
                &c.statement,
                c.speaker,
            );
            vec![scan.keys().0]
        },
        counted: false,
    },
    IndexDef {
        tree: T::IdxKey,
        field: "key",
        // A caller's key, unique: what a keyed import finds its claim by.
        values: |c| {
            c.key
                .iter()
                .map(|k| KeyBuf::new().str(k).finish())
                .collect()
        },
        counted: false,
    },
];

/// The passage index's value (see [`IndexScan::passage`]).
fn passage_key(
    source: &str,
    start: u64,
    end: u64,
    speaker: SpeakerId,
    unanchored: Option<&str>,
) -> Vec<u8> {
    let key = KeyBuf::new().str(source).u64(start).u64(end).u64(speaker);
    match unanchored {
        Some(hash) => key.str(hash).finish(),
        None => key.finish(),
    }
}

/// Every index entry a claim has: (tree, key).
pub(crate) fn index_entries(c: &Claim) -> Vec<(T, Vec<u8>)> {
    let mut out = Vec::with_capacity(8);
    for def in &INDEXES {
        // Two values that key alike (tags that fold to one) are one entry,
        // counted once.
        let mut values = (def.values)(c);
        values.sort_unstable();
        values.dedup();
        for mut key in values {
            key.extend_from_slice(&c.id.to_be_bytes());
            out.push((def.tree, key));
        }
    }
    out
}

/// The key under which the `counts` tree keeps how many entries an index
/// holds for one value: the index tree's number, then the value's key.
pub(crate) fn count_key(tree: T, value: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(value.len() + 1);
    key.push(tree as u8);
    key.extend_from_slice(value);
    key
}

/// The count key of an index entry (its key without the trailing claim id).
pub(crate) fn count_key_of_entry(tree: T, entry: &[u8]) -> Vec<u8> {
    count_key(tree, &entry[..entry.len().saturating_sub(8)])
}

/// The claim id an index key ends with.
pub(crate) fn claim_of(key: &[u8]) -> Option<ClaimId> {
    trailing_u64(key)
}

/// An index lookup: the claims with one value of a field, or a confidence range.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IndexScan {
    /// Claims by a speaker.
    Speaker(SpeakerId),
    /// Claims quoting a source.
    Source(String),
    /// Claims first made in an origin.
    Origin(String),
    /// Claims with a status.
    Status(Status),
    /// Claims with a tag (folded by [`crate::cite::fold_key`]).
    Tag(String),
    /// Claims whose confidence lies in `low..=high`.
    Confidence(Confidence, Confidence),
    /// Claims whose quote holds this word (folded, as `contains` folds).
    Word(String),
    /// The claim with a caller's key.
    Key(String),
    /// Claims by a speaker anchored at a span of a source (or, for a
    /// claim that is not anchored, with the same quote).
    Passage {
        /// The source's id.
        source: String,
        /// The anchored span's first byte.
        start: u64,
        /// One past its last byte.
        end: u64,
        /// The speaker.
        speaker: SpeakerId,
        /// For a claim without an anchor: the hash of its quote and
        /// statement, folded, standing for the span it does not have.
        unanchored: Option<String>,
    },
}

impl IndexScan {
    /// The passage-index lookup for a claim by `speaker` on `source`: where
    /// its quote is anchored; or, for a claim that is not anchored (its
    /// source holds no text), its quote and statement (a claim from a
    /// fact-check may have no quote), folded and hashed. The writer looks
    /// a new claim up by it, and the index stores every claim under it.
    pub(crate) fn passage(
        source: &str,
        anchor: Option<&Anchor>,
        quote: &str,
        statement: &str,
        speaker: SpeakerId,
    ) -> IndexScan {
        let (start, end, unanchored) = match anchor {
            Some(a) => (a.start_byte, a.end_byte, None),
            None => {
                let words = crate::cite::fold_for_search(&format!("{quote}\u{0}{statement}"));
                (u64::MAX, u64::MAX, Some(crate::cite::sha256_hex(&words)))
            }
        };
        IndexScan::Passage {
            source: source.to_string(),
            start,
            end,
            speaker,
            unanchored,
        }
    }

    /// The index it reads.
    pub fn index(&self) -> Index {
        match self {
            IndexScan::Speaker(_) => Index::Speaker,
            IndexScan::Source(_) => Index::Source,
            IndexScan::Origin(_) => Index::Origin,
            IndexScan::Status(_) => Index::Status,
            IndexScan::Tag(_) => Index::Tag,
            IndexScan::Confidence(..) => Index::Confidence,
            IndexScan::Word(_) => Index::Word,
            IndexScan::Passage { .. } => Index::Passage,
            IndexScan::Key(_) => Index::Key,
        }
    }

    /// The index tree's name, as `explain` shows it.
    pub fn index_name(&self) -> &'static str {
        self.index().name()
    }

    /// The key range it reads: `(first, last)` inclusive bounds, or a
    /// prefix when `last` is `None`.
    pub(crate) fn keys(&self) -> (Vec<u8>, Option<Vec<u8>>) {
        match self {
            IndexScan::Speaker(id) => (KeyBuf::new().u64(*id).finish(), None),
            IndexScan::Source(s)
            | IndexScan::Origin(s)
            | IndexScan::Tag(s)
            | IndexScan::Word(s)
            | IndexScan::Key(s) => (KeyBuf::new().str(s).finish(), None),
            IndexScan::Status(s) => (KeyBuf::new().u8(*s as u8).finish(), None),
            IndexScan::Passage {
                source,
                start,
                end,
                speaker,
                unanchored,
            } => (
                passage_key(source, *start, *end, *speaker, unanchored.as_deref()),
                None,
            ),
            IndexScan::Confidence(low, high) => (
                KeyBuf::new().u16(low.basis_points()).finish(),
                Some(
                    KeyBuf::new()
                        .u16(high.basis_points())
                        .u64(u64::MAX)
                        .finish(),
                ),
            ),
        }
    }

    /// The scan of one value of the index in `tree`, from the value's key
    /// (a counts key without its tree byte); `None` for the passage index,
    /// whose values no query groups by, or a key that is not one.
    pub(crate) fn from_value(tree: T, value: &[u8]) -> Option<IndexScan> {
        let text = || match read_str(value)? {
            (s, []) => Some(s),
            _ => None,
        };
        Some(match tree {
            T::IdxSpeaker => IndexScan::Speaker(u64::from_be_bytes(value.try_into().ok()?)),
            T::IdxSource => IndexScan::Source(text()?),
            T::IdxOrigin => IndexScan::Origin(text()?),
            T::IdxTag => IndexScan::Tag(text()?),
            T::IdxWord => IndexScan::Word(text()?),
            T::IdxKey => IndexScan::Key(text()?),
            T::IdxStatus => {
                let [byte] = value else { return None };
                IndexScan::Status(*Status::ALL.iter().find(|s| **s as u8 == *byte)?)
            }
            T::IdxConfidence => {
                let bp = Confidence::from_basis_points(u16::from_be_bytes(value.try_into().ok()?));
                IndexScan::Confidence(bp, bp)
            }
            _ => return None,
        })
    }

    /// Whether the ids it yields come in ascending order (one key value).
    pub fn yields_ids_in_order(&self) -> bool {
        !matches!(self, IndexScan::Confidence(..))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_index_tree_is_in_the_table_once() {
        let mut trees: Vec<T> = INDEXES.iter().map(|d| d.tree).collect();
        trees.sort();
        trees.dedup();
        assert_eq!(trees.len(), INDEXES.len());
        for scan in [
            IndexScan::Speaker(1),
            IndexScan::Source("s".into()),
            IndexScan::Origin("o".into()),
            IndexScan::Status(Status::Verified),
            IndexScan::Tag("t".into()),
            IndexScan::Word("w".into()),
            IndexScan::Key("k".into()),
            IndexScan::Passage {
                source: "s".into(),
                start: 1,
                end: 2,
                speaker: 3,
                unanchored: None,
            },
            IndexScan::Confidence(
                Confidence::from_basis_points(1),
                Confidence::from_basis_points(2),
            ),
        ] {
            assert_eq!(
                scan.index().field(),
                scan.index_name().trim_start_matches("idx_")
            );
            if scan.index().counted() {
                let back = IndexScan::from_value(scan.index().def().tree, &scan.keys().0);
                match (&scan, back) {
                    (IndexScan::Confidence(low, _), Some(IndexScan::Confidence(a, b))) => {
                        assert_eq!((a, b), (*low, *low))
                    }
                    (_, back) => assert_eq!(back.as_ref(), Some(&scan)),
                }
            }
        }
    }
}
