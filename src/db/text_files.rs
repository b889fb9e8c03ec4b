//! Sources whose text was read from a file remember it (an absolute path,
//! with the text's sha256): when the file is edited afterwards, the stored
//! text is no longer what the user sees, and `check` says so instead of
//! reporting claims "verified" against a text nobody reads any more.
//! [`Db::text_file_changes`] finds such files; [`Db::reload_source_text`]
//! takes the change (re-reading the file and re-anchoring, as
//! `update-source` does).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{CheckScope, Db, Recheck};
use crate::cite;
use crate::error::{Error, Result};
use crate::limits::{read_text_file, MAX_SOURCE_TEXT_BYTES};

/// How a source's text file differs from the text stored for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum FileChange {
    /// The file holds another text.
    Changed,
    /// The file is gone.
    Missing,
    /// The file cannot be read as a text (why).
    Unreadable {
        /// What reading it said.
        reason: String,
    },
}

/// A source whose text file is no longer the text stored for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextFileChange {
    /// The source.
    pub source: String,
    /// Its file.
    pub file: String,
    /// How it differs.
    #[serde(flatten)]
    pub change: FileChange,
}

impl Db {
    /// The sources in `scope` whose text was read from a file that has
    /// changed since (or is gone). Reads each file once; writes nothing.
    pub fn text_file_changes(&self, scope: &CheckScope) -> Result<Vec<TextFileChange>> {
        let view = self.view()?;
        let sources = match scope {
            CheckScope::All => view.sources()?,
            CheckScope::Source(id) => view.source(id)?.into_iter().collect(),
            CheckScope::Claim(id) => match view.claim(*id)? {
                Some(claim) => view.source(&claim.source)?.into_iter().collect(),
                None => Vec::new(),
            },
        };
        drop(view);
        let mut changes = Vec::new();
        for source in sources {
            let Some(file) = source.text_file.clone() else {
                continue;
            };
            let path = Path::new(&file);
            let change = if !path.exists() {
                Some(FileChange::Missing)
            } else {
                match read_text_file(path, MAX_SOURCE_TEXT_BYTES) {
                    Ok(text) if Some(cite::sha256_hex(&text)) == source.sha256 => None,
                    Ok(_) => Some(FileChange::Changed),
                    Err(e) => Some(FileChange::Unreadable {
                        reason: e.to_string(),
                    }),
                }
            };
            if let Some(change) = change {
                changes.push(TextFileChange {
                    source: source.id,
                    file,
                    change,
                });
            }
        }
        Ok(changes)
    }

    /// Takes a source's text again from the file it was read from, and
    /// re-anchors its claims (as [`Db::replace_source_text`]).
    pub fn reload_source_text(&self, id: &str) -> Result<Vec<Recheck>> {
        let source = self
            .view()?
            .source(id)?
            .ok_or_else(|| Error::not_found("source", id))?;
        let file = source.text_file.ok_or_else(|| {
            Error::invalid(
                "reload",
                format!(
                    "source {} has no text file to reload (its text was given inline)",
                    crate::error::quoted(id)
                ),
            )
        })?;
        let text = read_text_file(Path::new(&file), MAX_SOURCE_TEXT_BYTES)?;
        self.replace_text(id, &text, Some(file))
    }

    /// Replaces a source's text with the text of `file`, remembering the
    /// file (`claimdb update-source ID FILE`).
    pub fn replace_source_text_from(&self, id: &str, file: &Path) -> Result<Vec<Recheck>> {
        let text = read_text_file(file, MAX_SOURCE_TEXT_BYTES)?;
        self.replace_text(id, &text, crate::limits::absolute_display(file))
    }
}
