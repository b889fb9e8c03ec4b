//! What a write or a transaction statement did, as data.
//!
//! The database returns an [`Outcome`] for every write: the records it
//! made or touched, with their ids, verdicts and anchors, never a sentence.
//! `render` words it for a person ("added claim 62 (verified, exact, line
//! 1 column 1)"); a program, the server and the Python package read the
//! fields, or the JSON it serializes to (`{"outcome": "claim_added", ...}`).

use serde::{Deserialize, Serialize};

use crate::model::{Claim, ClaimId, SpeakerId};

/// What a write or a transaction statement did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// `add source`: the source stored.
    SourceAdded {
        /// Its id.
        id: String,
        /// How many bytes of text it holds (0 for none).
        text_bytes: u64,
    },
    /// `add speaker`.
    SpeakerAdded {
        /// The new speaker's id.
        id: SpeakerId,
        /// Its canonical name.
        name: String,
    },
    /// `add claim`: the claim as stored, with its status, anchor and
    /// attribution.
    ClaimAdded {
        /// The stored claim.
        claim: Box<Claim>,
        /// How many times the quote occurs in its source (the anchor is one).
        occurrences: usize,
        /// Whether a prefix, suffix or position chose the occurrence.
        hinted: bool,
    },
    /// `update claims`: the claims changed (each checked again).
    ClaimsUpdated {
        /// Their ids.
        ids: Vec<ClaimId>,
    },
    /// `delete claims`.
    ClaimsDeleted {
        /// The ids of the claims deleted.
        ids: Vec<ClaimId>,
    },
    /// `alias "A" to "B"`.
    AliasAdded {
        /// The new name.
        alias: String,
        /// The speaker it names.
        speaker: SpeakerId,
        /// That speaker's canonical name.
        name: String,
    },
    /// `merge speaker "A" into "B"`.
    SpeakerMerged {
        /// The name the speaker that went was given by.
        from: String,
        /// The speaker that stays.
        into: SpeakerId,
        /// Its canonical name.
        name: String,
        /// All its names now, canonical first.
        names: Vec<String>,
        /// The claims moved to it.
        moved: Vec<ClaimId>,
    },
    /// `update sources set ...`.
    SourcesUpdated {
        /// The sources changed.
        ids: Vec<String>,
    },
    /// `update speakers set ...`.
    SpeakersUpdated {
        /// The speakers changed.
        ids: Vec<SpeakerId>,
    },
    /// `delete sources ...`.
    SourcesDeleted {
        /// The sources deleted.
        ids: Vec<String>,
        /// The claims deleted with them (`cascade`).
        claims: Vec<ClaimId>,
    },
    /// `delete speakers ...`.
    SpeakersDeleted {
        /// The speakers deleted.
        ids: Vec<SpeakerId>,
        /// Their claims, deleted with them (`cascade`).
        claims: Vec<ClaimId>,
    },
    /// `begin`: writes are held until `commit`.
    Begun,
    /// A write inside `begin … commit`, held.
    Held {
        /// How many statements the transaction holds now.
        pending: usize,
    },
    /// `rollback`.
    RolledBack {
        /// How many held statements were dropped.
        discarded: usize,
    },
    /// `commit`: what each held statement did, in order, all in one
    /// transaction.
    Committed {
        /// One outcome per statement.
        outcomes: Vec<Outcome>,
    },
}

impl Outcome {
    /// The ids of the claims (for speaker writes, the speakers) written:
    /// what a script or a caller goes on with.
    pub fn ids(&self) -> Vec<u64> {
        match self {
            Outcome::SourceAdded { .. }
            | Outcome::SourcesUpdated { .. }
            | Outcome::Begun
            | Outcome::Held { .. }
            | Outcome::RolledBack { .. } => Vec::new(),
            Outcome::SpeakerAdded { id, .. } => vec![*id],
            Outcome::ClaimAdded { claim, .. } => vec![claim.id],
            Outcome::AliasAdded { speaker, .. } => vec![*speaker],
            Outcome::ClaimsUpdated { ids }
            | Outcome::ClaimsDeleted { ids }
            | Outcome::SpeakersUpdated { ids } => ids.clone(),
            Outcome::SourcesDeleted { claims, .. } | Outcome::SpeakersDeleted { claims, .. } => {
                claims.clone()
            }
            Outcome::SpeakerMerged { moved, .. } => moved.clone(),
            Outcome::Committed { outcomes } => outcomes.iter().flat_map(Outcome::ids).collect(),
        }
    }

    /// The claim stored, for `add claim`.
    pub fn added_claim(&self) -> Option<&Claim> {
        match self {
            Outcome::ClaimAdded { claim, .. } => Some(claim),
            _ => None,
        }
    }
}
