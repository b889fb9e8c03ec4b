//! Sources: the documents claims quote, as stored ([`Source`]), as given
//! ([`NewSource`]), and as import files and the seed write them
//! ([`SourceLine`]); their ids are slugs ([`validate_source_id`]).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What kind of document a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SourceKind {
    /// A news article, review or essay.
    Article,
    /// A book.
    Book,
    /// Testimony before a legislature or court.
    Testimony,
    /// A public statement, speech or press conference.
    Statement,
    /// An interview.
    Interview,
    /// A report or paper.
    Report,
    /// A post on the web or social media.
    Post,
    /// Anything else.
    Other,
}

impl SourceKind {
    /// Every kind, in the order they are documented.
    pub const ALL: [SourceKind; 8] = [
        SourceKind::Article,
        SourceKind::Book,
        SourceKind::Testimony,
        SourceKind::Statement,
        SourceKind::Interview,
        SourceKind::Report,
        SourceKind::Post,
        SourceKind::Other,
    ];

    /// The lowercase name used in queries and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Article => "article",
            SourceKind::Book => "book",
            SourceKind::Testimony => "testimony",
            SourceKind::Statement => "statement",
            SourceKind::Interview => "interview",
            SourceKind::Report => "report",
            SourceKind::Post => "post",
            SourceKind::Other => "other",
        }
    }
}

/// A document, with or without its text.
///
/// A source whose `text` claimdb holds can be cited: claims quote it. A source
/// known only by its metadata (a book known through a review of it) can still
/// be a claim's `origin`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// A short slug: lowercase letters, digits and `-`, such as `fp-lazarus-review`.
    pub id: String,
    /// The document's title.
    pub title: String,
    /// Who wrote it, when known.
    pub author: Option<String>,
    /// Who published it, when known.
    pub publisher: Option<String>,
    /// Publication date as written (`2022-06`, `2006-04-25`), when known.
    pub date: Option<String>,
    /// What kind of document it is.
    pub kind: SourceKind,
    /// Where it can be read, when known.
    pub url: Option<String>,
    /// Free-form notes on provenance.
    pub notes: Option<String>,
    /// Hex sha256 of the text, when the text is held.
    pub sha256: Option<String>,
    /// Length of the text in bytes (0 when no text is held).
    pub text_len: u64,
    /// The file the text was read from (an absolute path), so that `check`
    /// can tell when it changed; none for a text given inline.
    pub text_file: Option<String>,
}

/// A source as given to [`crate::Db::add_source`]: the text travels with it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSource {
    /// See [`Source::id`].
    pub id: String,
    /// See [`Source::title`].
    pub title: String,
    /// See [`Source::author`].
    #[serde(default)]
    pub author: Option<String>,
    /// See [`Source::publisher`].
    #[serde(default)]
    pub publisher: Option<String>,
    /// See [`Source::date`].
    #[serde(default)]
    pub date: Option<String>,
    /// See [`Source::kind`]; `None` means [`SourceKind::Other`].
    #[serde(default)]
    pub kind: Option<SourceKind>,
    /// See [`Source::url`].
    #[serde(default)]
    pub url: Option<String>,
    /// See [`Source::notes`].
    #[serde(default)]
    pub notes: Option<String>,
    /// The full text, byte for byte, when it is held.
    #[serde(default)]
    pub text: Option<String>,
    /// The file `text` was read from, as an absolute path, when it was
    /// (see [`Source::text_file`]). Set by whoever read the file, never
    /// taken from a request: a server reads no file a client names.
    #[serde(skip)]
    pub text_file: Option<String>,
}

/// Checks a source id: a non-empty slug of lowercase ASCII letters, digits, `-`, `_` and `.`.
pub fn validate_source_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        });
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "source id",
            format!(
                "{}: use 1 to 128 lowercase letters, digits, '-', '_' or '.'",
                crate::error::quoted(id)
            ),
        ))
    }
}

/// A source as import files and `db-seed/sources.json` write it: its
/// record, and its text inline (`text`) or named (`text_file`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceLine {
    pub(crate) id: String,
    title: String,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    publisher: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    pub(crate) kind: Option<SourceKind>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    text_file: Option<String>,
}

impl SourceLine {
    /// The source to add, its text read by `read_file` when it is named by
    /// `text_file` (a path or, for the seed, an embedded text's name).
    pub(crate) fn into_source(
        self,
        read_file: impl FnOnce(&str) -> std::result::Result<String, String>,
    ) -> std::result::Result<NewSource, String> {
        let text = match (self.text, self.text_file) {
            (Some(_), Some(_)) => return Err("a source has `text` or `text_file`, not both".into()),
            (Some(text), None) => Some(text),
            (None, Some(file)) => Some(read_file(&file)?),
            (None, None) => None,
        };
        Ok(NewSource {
            id: self.id,
            title: self.title,
            author: self.author,
            publisher: self.publisher,
            date: self.date,
            kind: self.kind,
            url: self.url,
            notes: self.notes,
            text,
            text_file: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_ids_are_slugs() {
        assert!(validate_source_id("fp-lazarus-review").is_ok());
        for bad in ["", "Has Caps", "a b", "x/y", "é"] {
            assert!(validate_source_id(bad).is_err(), "{bad:?} accepted");
        }
    }
}
