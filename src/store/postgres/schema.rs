//! The tables claimdb keeps in PostgreSQL, and the migrations that make
//! them.
//!
//! Records are rows, each with its columns for what the database itself
//! must know (to look up, to keep unique) and the record encoded as
//! claimdb stores it everywhere (`value`, see `kv/codec.rs`), so that an
//! engine change never changes a field:
//!
//! | table | rows |
//! |---|---|
//! | `claimdb_schema` | the schema's version (migrations run on open) |
//! | `claimdb_meta` | the format stamp and the id counters |
//! | `claims` | a claim: id, speaker, source, confidence, status, key |
//! | `claim_index` | a claim's entry in each secondary index: (index, value, claim), B-tree ordered; the passage index (the duplicate rule) and the key index unique (version 2) |
//! | `claim_words` | the words of a claim's quote: what `quote contains` finds, through a trigram index (`pg_trgm`) |
//! | `sources` | a source and its text |
//! | `speakers`, `speaker_names` | a speaker, and every name and alias it answers to (unique) |
//! | `tokens` | access tokens (their secrets' hashes) |
//!
//! Each migration runs in one transaction holding an advisory lock, so two
//! processes opening a new database at once create it once.

use postgres::Client;

use crate::error::Result;

/// The version of the schema this build makes and reads.
pub(super) const SCHEMA_VERSION: i32 = 3;

/// The advisory lock every writer takes (and a migration): writers of
/// every process on one database commit one at a time.
pub(super) const WRITE_LOCK: i64 = 0x0063_6c61_696d_6462; // "claimdb"

/// The statements of each version, in order: version `n` is `MIGRATIONS[n-1]`.
const MIGRATIONS: &[&str] = &[
    r#"
create extension if not exists pg_trgm;
create table claimdb_meta (key text primary key, value bytea not null);
create table sources (
    id text primary key,
    value bytea not null,
    text text
);
create table speakers (id bigint primary key, value bytea not null);
create table speaker_names (
    name text primary key,
    speaker bigint not null
);
create index speaker_names_by_speaker on speaker_names (speaker);
create table claims (
    id bigint primary key,
    speaker bigint not null,
    source text not null,
    confidence integer not null,
    status smallint not null,
    value bytea not null
);
create table claim_index (
    idx smallint not null,
    value bytea not null,
    claim bigint not null references claims (id) on delete cascade,
    confidence integer not null,
    primary key (idx, value, claim)
);
create index claim_index_by_claim on claim_index (claim);
-- One claim per caller's key, kept by the database whoever writes.
create unique index claim_index_unique_key on claim_index (idx, value) where idx = 8;
create table claim_words (
    word text not null,
    claim bigint not null references claims (id) on delete cascade,
    primary key (word, claim)
);
create index claim_words_by_claim on claim_words (claim);
create index claim_words_trigram on claim_words using gin (word gin_trgm_ops);
create table tokens (name text primary key, value bytea not null);
"#,
    r#"
-- One claim per anchored passage and speaker (the duplicate rule), kept by
-- the database too: the writer checks first under the writers' lock, and
-- a writer that skipped the check could still not store a claim twice.
create unique index claim_index_unique_passage on claim_index (idx, value) where idx = 7;
"#,
    r#"
-- Every record's versions (history): kind 1 a claim, 2 a source, 3 a
-- speaker; the subject's id as text; numbered from 1 per subject.
create table versions (
    kind smallint not null,
    subject text not null,
    number bigint not null,
    value bytea not null,
    primary key (kind, subject, number)
);
"#,
];

/// Brings the schema of the database `client` is connected to up to
/// [`SCHEMA_VERSION`]; refuses one made by a newer claimdb. Opened
/// `read_only`, it only reads, and refuses a schema it would have to change.
pub(super) fn migrate(client: &mut Client, read_only: bool) -> Result<()> {
    // A database at this version is only read: a read-only replica opens
    // (no lock taken, nothing created).
    let made: bool = client
        .query_one("select to_regclass('claimdb_schema') is not null", &[])
        .map_err(super::sql_error)?
        .get(0);
    if made {
        let current: Option<i32> = client
            .query_one("select max(version) from claimdb_schema", &[])
            .map_err(super::sql_error)?
            .get(0);
        match current {
            Some(SCHEMA_VERSION) => return Ok(()),
            Some(newer) if newer > SCHEMA_VERSION => return Err(too_new(newer)),
            _ => {}
        }
    }
    let standby: bool = client
        .query_one("select pg_is_in_recovery()", &[])
        .map_err(super::sql_error)?
        .get(0);
    if read_only || standby {
        let why = if standby {
            "it is a standby replica"
        } else {
            "it is open read-only (--read-only)"
        };
        return Err(crate::error::Error::Invalid {
            what: "write",
            message: format!(
                "the database needs claimdb's tables made or brought up to schema version {SCHEMA_VERSION}, and {why}: open the primary once with this claimdb"
            ),
        });
    }
    let mut tx = client.transaction().map_err(super::sql_error)?;
    tx.execute("select pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
        .map_err(super::sql_error)?;
    tx.batch_execute("create table if not exists claimdb_schema (version integer not null)")
        .map_err(super::sql_error)?;
    let found: Option<i32> = tx
        .query_opt("select max(version) from claimdb_schema", &[])
        .map_err(super::sql_error)?
        .and_then(|row| row.get(0));
    let found = found.unwrap_or(0);
    if found > SCHEMA_VERSION {
        return Err(too_new(found));
    }
    for (at, migration) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.batch_execute(migration).map_err(super::sql_error)?;
        tx.execute(
            "insert into claimdb_schema (version) values ($1)",
            &[&(at as i32 + 1)],
        )
        .map_err(super::sql_error)?;
    }
    tx.commit().map_err(super::sql_error)
}

/// The refusal of a schema a newer claimdb made.
fn too_new(found: i32) -> crate::error::Error {
    crate::error::Error::Storage(crate::error::StorageError::new(
        crate::error::StorageErrorKind::Other,
        format!(
            "the database's claimdb schema is version {found}, newer than this claimdb's {SCHEMA_VERSION}: use the newer claimdb that made it"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Index;

    /// The unique indexes name their index by its number in `claim_index`.
    #[test]
    fn the_unique_indexes_name_the_passage_and_key_indexes() {
        let all = MIGRATIONS.concat();
        for (index, name) in [
            (Index::Passage, "claim_index_unique_passage"),
            (Index::Key, "claim_index_unique_key"),
        ] {
            let number = super::super::view::index_number(index);
            assert!(
                all.contains(&format!(
                    "{name} on claim_index (idx, value) where idx = {number};"
                )),
                "{name} must cover index {number}"
            );
        }
    }
}
