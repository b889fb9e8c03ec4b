//! A dump's history restored. A dump carries every record's versions, and
//! its speakers and claims carry the ids those versions name. Imported
//! into an empty database, the dump is restored: each speaker and claim
//! under its own id, written without a version of its own, and the dump's
//! versions written as they were (the deleted records' too), with the id
//! counters raised past every id a version names, so that no new record
//! is given a deleted one's id and its history. Into a database that holds
//! records already, ids could clash: the records are imported as any
//! others (their history starts with the import) and the versions are
//! left out, each row saying so.

use super::Outcome;
use crate::db::Writer;
use crate::error::{Error, Result};
use crate::model::Version;

/// A dump's history horizon, kept when its history is restored.
pub(super) fn horizon(w: &mut Writer, horizon: Option<&str>, restoring: bool) -> Result<()> {
    match horizon {
        Some(at) if !crate::text::is_stamp(at) => {
            Err(Error::invalid(
                "dump",
                format!(
                    "its history_horizon {} is not a UTC timestamp in milliseconds (2026-11-01T09:30:00.000Z)",
                    crate::error::quoted(at)
                ),
            ))
        }
        Some(at) if restoring => w.tx().set_history_horizon(at),
        _ => Ok(()),
    }
}

/// A version row: written as the dump has it when restoring, else left
/// out with the reason.
pub(super) fn version(
    w: &mut Writer,
    v: &Version,
    restoring: bool,
) -> Result<(Outcome, String, Option<String>)> {
    let shown = format!("version {} of {}", v.number, v.subject.describe());
    if !restoring {
        return Ok((
            Outcome::Unchanged,
            format!("{shown} left out: a dump's history is restored only into an empty database"),
            None,
        ));
    }
    if v.number == 0 {
        return Err(Error::invalid("version", "versions are numbered from 1"));
    }
    if !crate::text::is_stamp(&v.at) {
        return Err(Error::invalid(
            "version",
            format!(
                "{shown} is stamped {}, not a UTC timestamp in milliseconds (2026-11-01T09:30:00.000Z)",
                crate::error::quoted(&v.at)
            ),
        ));
    }
    if w.view()
        .versions(&v.subject)?
        .iter()
        .any(|stored| stored.number == v.number)
    {
        return Err(Error::invalid(
            "version",
            format!("{shown} is in the dump twice"),
        ));
    }
    if let Some((counter, id)) = v.subject.counted_id() {
        w.tx().raise_next_id(counter, id + 1)?;
    }
    w.tx().put_version(v)?;
    Ok((Outcome::Added, String::new(), None))
}
