//! A fact-check's verdict on a claim, kept as it came.
//!
//! A [`Review`] is someone's judgement of whether a claim is *true*: a
//! fact-checking desk rated it "False", 1 on a scale of 1 to 5. claimdb's
//! own [`Confidence`](super::Confidence) is about something else: whether
//! the quote is really in the source and really the speaker's. The two are
//! kept apart: a review is stored as it was imported (from a schema.org
//! `ClaimReview`, or a claim row's `reviews`) and exported back unchanged,
//! and claimdb never makes one up.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::limits::{check_count, check_field};

/// The most reviews one claim holds.
pub const MAX_REVIEWS: usize = 100;

/// One review of a claim: schema.org's `ClaimReview` and its `Rating`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// Who reviewed it: the organisation (`author.name`).
    #[serde(default)]
    pub author: Option<String>,
    /// The organisation's own page (`author.url`).
    #[serde(default)]
    pub author_url: Option<String>,
    /// Where the review is published (`url`).
    #[serde(default)]
    pub url: Option<String>,
    /// `datePublished`, as written.
    #[serde(default)]
    pub date_published: Option<String>,
    /// `dateModified`, as written.
    #[serde(default)]
    pub date_modified: Option<String>,
    /// `reviewRating.ratingValue`.
    #[serde(default)]
    pub rating_value: Option<f64>,
    /// `reviewRating.bestRating`.
    #[serde(default)]
    pub best_rating: Option<f64>,
    /// `reviewRating.worstRating`.
    #[serde(default)]
    pub worst_rating: Option<f64>,
    /// The verdict in words (`reviewRating.alternateName`): "False".
    #[serde(default)]
    pub rating_name: Option<String>,
    /// Why (`reviewRating.ratingExplanation`).
    #[serde(default)]
    pub rating_explanation: Option<String>,
}

impl Review {
    /// Refuses a review whose texts are over the field limit.
    pub fn validate(&self) -> Result<()> {
        for (what, text) in [
            ("review author", &self.author),
            ("review author url", &self.author_url),
            ("review url", &self.url),
            ("review datePublished", &self.date_published),
            ("review dateModified", &self.date_modified),
            ("review rating name", &self.rating_name),
            ("review rating explanation", &self.rating_explanation),
        ] {
            if let Some(text) = text {
                check_field(what, text)?;
            }
        }
        Ok(())
    }
}

/// Refuses more reviews than a claim holds, or one over a limit.
pub fn validate_reviews(reviews: &[Review]) -> Result<()> {
    check_count("reviews", reviews.len(), MAX_REVIEWS)?;
    reviews.iter().try_for_each(Review::validate)
}
