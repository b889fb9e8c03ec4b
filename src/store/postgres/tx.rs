//! A write transaction in PostgreSQL: SQL on one connection in one
//! transaction, begun by taking the writers' advisory lock (so the writers
//! of every process commit one at a time, and what a writer read before
//! writing still holds when it commits), and committed whole or rolled
//! back. A claim's index entries are derived by the same table the
//! key-value engines use (`kv/indexes.rs`), written as rows of
//! `claim_index` and `claim_words`; the database keeps the passage and
//! key indexes unique itself.

use super::schema::WRITE_LOCK;
use super::view::{self, counter_key, index_number, sql_id, Reader, CLAIM_COUNT};
use super::Connection;
use crate::error::{Error, Result};
use crate::model::{Claim, ClaimId, Source, Speaker, SpeakerId, Token, Version};
use crate::store::kv::codec;
use crate::store::kv::indexes::{index_entries, INDEXES};
use crate::store::kv::T;
use crate::store::{fold_name, Index, ReadView, WriteTx, FORMAT_VERSION};

/// A write transaction.
pub(super) struct PgTx {
    reader: Reader,
}

impl PgTx {
    pub(super) fn begin(conn: Connection) -> Result<PgTx> {
        let reader = Reader::begin(conn, "begin isolation level read committed")?;
        reader.execute("select pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
        Ok(PgTx { reader })
    }

    pub(super) fn commit(self) -> Result<()> {
        self.reader.end("commit")
    }

    pub(super) fn rollback(self) {
        let _ = self.reader.end("rollback");
    }

    fn put_meta(&self, key: &str, value: Vec<u8>) -> Result<()> {
        self.reader.execute(
            "insert into claimdb_meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value",
            &[&key, &value],
        )?;
        Ok(())
    }

    /// Moves the kept claim count by `delta` (counting the claims the first
    /// time, for a database written before it was kept).
    fn add_to_count(&self, delta: i64) -> Result<()> {
        let next = match self.reader.meta::<u64>(CLAIM_COUNT)? {
            Some(kept) => (kept as i64 + delta).max(0) as u64,
            // Counted, this transaction's own insert or delete included.
            None => self.reader.claim_count()?,
        };
        self.put_meta(CLAIM_COUNT, codec::encode(&next)?)
    }

    /// Sets the kept claim count to what the claims table holds (rebuild).
    pub(super) fn recount(&self) -> Result<()> {
        let n: i64 = self
            .reader
            .query("select count(*) from claims", &[])?
            .first()
            .map_or(0, |r| r.get(0));
        self.put_meta(CLAIM_COUNT, codec::encode(&(n as u64))?)
    }

    /// Removes every derived row (index rows, words, names), for a rebuild.
    pub(super) fn clear_derived(&self) -> Result<()> {
        self.reader
            .batch("delete from claim_index; delete from claim_words; delete from speaker_names")
    }

    /// Sets the id counter `counter` to at least `next`.
    pub(super) fn raise_counter(&self, counter: &str, next: u64) -> Result<()> {
        if self.reader.counter(counter)? < next {
            self.put_meta(&counter_key(counter), codec::encode(&next)?)?;
        }
        Ok(())
    }

    /// Writes a claim's index rows (after its old ones were removed): one
    /// statement for its index entries and one for its words, each taking
    /// arrays (a claim has some thirty entries; a round trip each would
    /// make a load crawl).
    pub(super) fn index_claim(&self, claim: &Claim) -> Result<()> {
        let id = sql_id(claim.id);
        let confidence = claim.confidence.basis_points() as i32;
        let (mut idx, mut values, mut words) = (Vec::new(), Vec::new(), Vec::new());
        for (tree, mut key) in index_entries(claim) {
            key.truncate(key.len().saturating_sub(8)); // the claim id
            let Some(at) = INDEXES.iter().position(|d| d.tree == tree) else {
                continue;
            };
            if tree == T::IdxWord {
                let (word, _) = crate::store::kv::keys::read_str(&key)
                    .ok_or_else(|| Error::Corrupt("a word index key".into()))?;
                words.push(word);
            } else {
                idx.push(index_number(Index::ALL[at]));
                values.push(key);
            }
        }
        self.reader
            .execute(
                "insert into claim_index (idx, value, claim, confidence)
                 select i, v, $3, $4 from unnest($1::int2[], $2::bytea[]) as e(i, v)
                 on conflict (idx, value, claim) do nothing",
                &[&idx, &values, &id, &confidence],
            )
            .map_err(duplicate)?;
        self.reader.execute(
            "insert into claim_words (word, claim) select w, $2 from unnest($1::text[]) as w
             on conflict (word, claim) do nothing",
            &[&words, &id],
        )?;
        Ok(())
    }
}

/// A unique index refusing a row: the claim is stored already (the
/// writer looks first; this is the database holding the rule itself, for
/// the passage and the caller's key: `schema.rs`).
fn duplicate(e: Error) -> Error {
    let Error::Storage(s) = &e else { return e };
    if s.message.contains("claim_index_unique_passage") {
        crate::store::unique_index_refused(Index::Passage)
    } else if s.message.contains("claim_index_unique_key") {
        crate::store::unique_index_refused(Index::Key)
    } else {
        e
    }
}

impl WriteTx for PgTx {
    fn view(&self) -> &dyn ReadView {
        &self.reader
    }

    fn stamp_format_version(&mut self) -> Result<()> {
        self.put_meta(view::FORMAT_VERSION, codec::encode(&FORMAT_VERSION)?)
    }

    fn next_id(&mut self, counter: &str) -> Result<u64> {
        let next = self.reader.counter(counter)?;
        self.put_meta(&counter_key(counter), codec::encode(&(next + 1))?)?;
        Ok(next)
    }

    fn raise_next_id(&mut self, counter: &str, next: u64) -> Result<()> {
        self.raise_counter(counter, next)
    }

    fn put_claim(&mut self, claim: &Claim) -> Result<()> {
        let id = sql_id(claim.id);
        // `xmax = 0` on the row returned: it was inserted, not updated.
        let inserted: bool = self.reader.query(
            "insert into claims (id, speaker, source, confidence, status, value) values ($1, $2, $3, $4, $5, $6)
             on conflict (id) do update set speaker = excluded.speaker, source = excluded.source,
                 confidence = excluded.confidence, status = excluded.status, value = excluded.value
             returning (xmax = 0)",
            &[
                &id,
                &sql_id(claim.speaker),
                &claim.source,
                &(claim.confidence.basis_points() as i32),
                &(claim.status as u8 as i16),
                &codec::encode_claim(claim)?,
            ],
        )?
        .first()
        .is_some_and(|r| r.get(0));
        if inserted {
            self.add_to_count(1)?;
        }
        self.reader
            .execute("delete from claim_index where claim = $1", &[&id])?;
        self.reader
            .execute("delete from claim_words where claim = $1", &[&id])?;
        self.index_claim(claim)
    }

    fn delete_claim(&mut self, id: ClaimId) -> Result<bool> {
        // Its index rows go with it (`on delete cascade`).
        let deleted = self
            .reader
            .execute("delete from claims where id = $1", &[&sql_id(id)])?
            > 0;
        if deleted {
            self.add_to_count(-1)?;
        }
        Ok(deleted)
    }

    fn put_source(&mut self, source: &Source, text: Option<&str>) -> Result<()> {
        self.reader.execute(
            "insert into sources (id, value, text) values ($1, $2, $3)
             on conflict (id) do update set value = excluded.value, text = excluded.text",
            &[&source.id, &codec::encode_source(source)?, &text],
        )?;
        Ok(())
    }

    fn delete_source(&mut self, id: &str) -> Result<bool> {
        Ok(self
            .reader
            .execute("delete from sources where id = $1", &[&id])?
            > 0)
    }

    fn put_speaker(&mut self, speaker: &Speaker) -> Result<()> {
        let id = sql_id(speaker.id);
        self.reader.execute(
            "insert into speakers (id, value) values ($1, $2) on conflict (id) do update set value = excluded.value",
            &[&id, &codec::encode(speaker)?],
        )?;
        // The names it had and has no longer stop naming it; a name another
        // speaker had is taken (the writer checks for clashes first).
        self.reader
            .execute("delete from speaker_names where speaker = $1", &[&id])?;
        for name in std::iter::once(&speaker.name).chain(&speaker.aliases) {
            self.reader.execute(
                "insert into speaker_names (name, speaker) values ($1, $2)
                 on conflict (name) do update set speaker = excluded.speaker",
                &[&fold_name(name), &id],
            )?;
        }
        Ok(())
    }

    fn delete_speaker(&mut self, id: SpeakerId) -> Result<bool> {
        let id = sql_id(id);
        self.reader
            .execute("delete from speaker_names where speaker = $1", &[&id])?;
        Ok(self
            .reader
            .execute("delete from speakers where id = $1", &[&id])?
            > 0)
    }

    fn delete_version(&mut self, subject: &crate::model::Subject, number: u64) -> Result<bool> {
        let (kind, id) = view::version_key(subject);
        Ok(self.reader.execute(
            "delete from versions where kind = $1 and subject = $2 and number = $3",
            &[&kind, &id, &(number as i64)],
        )? > 0)
    }

    fn set_history_horizon(&mut self, at: &str) -> Result<()> {
        self.put_meta(view::HISTORY_HORIZON, codec::encode(&at.to_string())?)
    }

    fn put_version(&mut self, version: &Version) -> Result<()> {
        let (kind, subject) = view::version_key(&version.subject);
        self.reader.execute(
            "insert into versions (kind, subject, number, value) values ($1, $2, $3, $4)",
            &[
                &kind,
                &subject,
                &(version.number as i64),
                &codec::encode(version)?,
            ],
        )?;
        Ok(())
    }

    fn put_token(&mut self, token: &Token) -> Result<()> {
        self.reader.execute(
            "insert into tokens (name, value) values ($1, $2) on conflict (name) do update set value = excluded.value",
            &[&token.name, &codec::encode(token)?],
        )?;
        Ok(())
    }

    fn delete_token(&mut self, name: &str) -> Result<bool> {
        Ok(self
            .reader
            .execute("delete from tokens where name = $1", &[&name])?
            > 0)
    }
}
