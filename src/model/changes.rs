//! What an update changes: the fields given, each `None` when it is left
//! as it is. The query language's `update ... set` is read into these
//! (`query/writes.rs`), and the writer applies them.

use super::SourceKind;

/// The fields `update claims set` may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaimChanges {
    /// A new confidence, in `0..=1`.
    pub confidence: Option<f64>,
    /// A new rationale.
    pub rationale: Option<String>,
    /// A new statement.
    pub statement: Option<String>,
    /// New tags (replacing the old ones).
    pub tags: Option<Vec<String>>,
    /// A new origin source id.
    pub origin: Option<String>,
    /// A new quote, citation-checked.
    pub quote: Option<String>,
}

/// The fields of a source `update sources set` may change; `None` leaves
/// a field as it is, an empty text clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceChanges {
    /// The title (never empty).
    pub title: Option<String>,
    /// The author.
    pub author: Option<String>,
    /// The publisher.
    pub publisher: Option<String>,
    /// The date, as written.
    pub date: Option<String>,
    /// Where it can be read.
    pub url: Option<String>,
    /// Notes on provenance.
    pub notes: Option<String>,
    /// The kind of document.
    pub kind: Option<SourceKind>,
}
