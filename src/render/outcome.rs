//! A write's [`Outcome`] in words: the line the shell and scripts print
//! after each write ("added claim 62 (verified, exact, line 1 column 1;
//! attribution confirmed: ...)").

use crate::error::{plural, quoted};
use crate::model::Status;
use crate::query::Outcome;

/// "2 claims", for a `usize` count.
fn count(n: usize, one: &str) -> String {
    plural(n as u64, one)
}

/// One line for a person.
pub fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::SourceAdded { id, text_bytes } => {
            let text = if *text_bytes > 0 {
                format!("{text_bytes} bytes of text")
            } else {
                "no text".into()
            };
            format!("added source {} ({text})", quoted(id))
        }
        Outcome::SpeakerAdded { id, name } => format!("added speaker {id} {}", quoted(name)),
        Outcome::ClaimAdded {
            claim,
            occurrences,
            hinted,
        } => {
            let how = match (&claim.status, &claim.anchor) {
                (Status::Verified, Some(a)) => format!(
                    "verified{}{}, line {} column {}",
                    if crate::cite::has_edits(&claim.quote) {
                        " with edits"
                    } else {
                        ""
                    },
                    if a.exact {
                        ", exact"
                    } else {
                        " after normalization"
                    },
                    a.line,
                    a.column
                ),
                _ => "unverified: its source holds no text".into(),
            };
            // A repeated passage: say which one was taken, and how to choose.
            let which = match (occurrences, hinted) {
                (0 | 1, _) => String::new(),
                (n, true) => format!("; the quote occurs {n} times: the hint chose this one"),
                (n, false) => format!(
                    "; the quote occurs {n} times: the first was taken (prefix, suffix or position choose another)"
                ),
            };
            let attributed = match &claim.attribution {
                Some(a) => format!("; attribution {}", a.describe(claim.mode)),
                None => String::new(),
            };
            format!("added claim {} ({how}{which}{attributed})", claim.id)
        }
        Outcome::ClaimsUpdated { ids } => format!("updated {}", count(ids.len(), "claim")),
        Outcome::ClaimsDeleted { ids } => format!("deleted {}", count(ids.len(), "claim")),
        Outcome::AliasAdded {
            alias,
            speaker,
            name,
        } => format!(
            "{} now names speaker {speaker} {}",
            quoted(alias),
            quoted(name)
        ),
        Outcome::SpeakerMerged {
            from,
            into,
            name,
            names,
            moved,
        } => format!(
            "merged {} into speaker {into} {}: {} moved, names {}",
            quoted(from),
            quoted(name),
            count(moved.len(), "claim"),
            names
                .iter()
                .map(|n| quoted(n))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Outcome::SourcesUpdated { ids } => format!("updated {}", count(ids.len(), "source")),
        Outcome::SpeakersUpdated { ids } => format!("updated {}", count(ids.len(), "speaker")),
        Outcome::SourcesDeleted { ids, claims } => format!(
            "deleted {}{}",
            count(ids.len(), "source"),
            if claims.is_empty() {
                String::new()
            } else {
                format!(" and the {} quoting them", count(claims.len(), "claim"))
            }
        ),
        Outcome::SpeakersDeleted { ids, claims } => format!(
            "deleted {}{}",
            count(ids.len(), "speaker"),
            if claims.is_empty() {
                String::new()
            } else {
                format!(" and their {}", count(claims.len(), "claim"))
            }
        ),
        Outcome::Begun => "transaction begun: writes are held until commit".into(),
        Outcome::Held { pending } => format!(
            "held for commit ({} in this transaction)",
            count(*pending, "statement")
        ),
        Outcome::RolledBack { discarded } => {
            format!("rolled back; {} discarded", count(*discarded, "statement"))
        }
        Outcome::Committed { outcomes } => format!(
            "committed {}: {}",
            count(outcomes.len(), "statement"),
            outcomes.iter().map(describe).collect::<Vec<_>>().join("; ")
        ),
    }
}
