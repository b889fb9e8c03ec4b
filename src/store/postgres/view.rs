//! Reading claimdb's tables: [`Reader`] answers every `ReadView` call with
//! SQL on one connection, inside the transaction it has open: a read view
//! is a reader in a `repeatable read` transaction (one snapshot for as long
//! as the view lives), and a write transaction (`tx.rs`) reads through its
//! own reader, so it sees its own writes.
//!
//! Texts sort as claimdb's key-value engines sort them (`collate "C"`:
//! by bytes), so every engine lists in the same order.

use std::cell::RefCell;

use postgres::types::ToSql;
use postgres::Row;

use super::{sql_error, Connection};
use crate::error::{Error, Result};
use crate::model::{
    Claim, ClaimId, Confidence, Source, Speaker, SpeakerId, Subject, Token, Version,
};
use crate::store::kv::codec;
use crate::store::kv::keys::KeyBuf;
use crate::store::{fold_name, Index, IndexScan, ReadView};

/// The `claimdb_meta` key of the format stamp.
pub(super) const FORMAT_VERSION: &str = "format_version";
/// The `claimdb_meta` key of the kept claim count.
pub(super) const CLAIM_COUNT: &str = "claim_count";

/// The `claimdb_meta` key of an id counter.
pub(super) fn counter_key(name: &str) -> String {
    format!("next_id/{name}")
}

/// How many claims one round trip of a scan fetches.
const PAGE: i64 = 512;

/// Reads on one connection, in the transaction it has open (rolled back
/// when the reader is dropped before it was committed).
pub(super) struct Reader {
    conn: RefCell<Connection>,
    open: std::cell::Cell<bool>,
    /// Statements prepared on this connection, by their text: a load runs
    /// the same dozen statements a thousand times in one transaction, and
    /// preparing each every time would double its round trips.
    prepared: RefCell<std::collections::HashMap<String, postgres::Statement>>,
}

impl Drop for Reader {
    fn drop(&mut self) {
        if self.open.get() {
            let _ = self.conn.get_mut().batch_execute("rollback");
        }
    }
}

/// A claim id as PostgreSQL's `bigint` (ids stay below 2^53).
pub(super) fn sql_id(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

/// A secondary index's number in `claim_index` (its place in [`Index::ALL`]).
pub(super) fn index_number(index: Index) -> i16 {
    Index::ALL.iter().position(|i| *i == index).unwrap_or(0) as i16
}

impl Reader {
    /// A reader in a transaction begun with `begin` (`begin isolation
    /// level ...`).
    pub(super) fn begin(conn: Connection, begin: &str) -> Result<Reader> {
        let reader = Reader {
            conn: RefCell::new(conn),
            open: std::cell::Cell::new(false),
            prepared: RefCell::new(std::collections::HashMap::new()),
        };
        reader.batch(begin)?;
        reader.open.set(true);
        Ok(reader)
    }

    /// A read view: one snapshot for as long as it lives.
    pub(super) fn view(conn: Connection) -> Result<Reader> {
        Reader::begin(conn, "begin isolation level repeatable read read only")
    }

    /// Ends the transaction: `commit` or `rollback`.
    pub(super) fn end(&self, how: &str) -> Result<()> {
        self.open.set(false);
        self.batch(how)
    }

    /// `sql` prepared on this connection (once).
    fn statement(&self, sql: &str) -> Result<postgres::Statement> {
        if let Some(statement) = self.prepared.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.conn.borrow_mut().prepare(sql).map_err(sql_error)?;
        self.prepared
            .borrow_mut()
            .insert(sql.to_string(), statement.clone());
        Ok(statement)
    }

    pub(super) fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        let statement = self.statement(sql)?;
        self.conn
            .borrow_mut()
            .query(&statement, params)
            .map_err(sql_error)
    }

    pub(super) fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        let statement = self.statement(sql)?;
        self.conn
            .borrow_mut()
            .execute(&statement, params)
            .map_err(sql_error)
    }

    pub(super) fn batch(&self, sql: &str) -> Result<()> {
        self.conn.borrow_mut().batch_execute(sql).map_err(sql_error)
    }

    fn one_value(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Option<Vec<u8>>> {
        Ok(self.query(sql, params)?.first().map(|r| r.get(0)))
    }

    fn count(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        let n: i64 = self.query(sql, params)?.first().map_or(0, |r| r.get(0));
        Ok(n as u64)
    }

    /// A value kept in `claimdb_meta`, decoded.
    pub(super) fn meta<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        self.one_value("select value from claimdb_meta where key = $1", &[&key])?
            .map(|v| codec::decode(&v, key))
            .transpose()
    }

    /// The next id the counter `name` gives (1 before its first).
    pub(super) fn counter(&self, name: &str) -> Result<u64> {
        Ok(self.meta(&counter_key(name))?.unwrap_or(1))
    }

    /// The rows of one page of claims in `from..=last`, in id order.
    fn claim_page(&self, from: i64, last: i64) -> Result<Vec<Claim>> {
        self.query(
            "select value from claims where id >= $1 and id <= $2 order by id limit $3",
            &[&from, &last, &PAGE],
        )?
        .iter()
        .map(|r| codec::decode_claim(r.get(0)))
        .collect()
    }
}

/// The postings of a scan: (claim, its confidence where the index keeps it).
type Postings = Vec<Result<(ClaimId, Option<Confidence>)>>;

impl Reader {
    fn postings(&self, scan: &IndexScan) -> Result<Postings> {
        let keeps_confidence = scan.index().records_confidence();
        let rows = match scan {
            IndexScan::Word(word) => self.query(
                "select claim, 0 from claim_words where word = $1 order by claim",
                &[word],
            )?,
            IndexScan::Confidence(low, high) => self.query(
                "select claim, confidence from claim_index where idx = $1 and value >= $2 and value <= $3 order by value, claim",
                &[
                    &index_number(Index::Confidence),
                    &KeyBuf::new().u16(low.basis_points()).finish(),
                    &KeyBuf::new().u16(high.basis_points()).finish(),
                ],
            )?,
            other => self.query(
                "select claim, confidence from claim_index where idx = $1 and value = $2 order by claim",
                &[&index_number(other.index()), &other.keys().0],
            )?,
        };
        Ok(rows
            .iter()
            .map(|r| {
                let id: i64 = r.get(0);
                let confidence: i32 = r.get(1);
                Ok((
                    id as u64,
                    keeps_confidence.then(|| Confidence::from_basis_points(confidence as u16)),
                ))
            })
            .collect())
    }
}

/// The `claimdb_meta` key of the moment history was pruned back to.
pub(super) const HISTORY_HORIZON: &str = "history_horizon";

/// The columns that name a record's versions: its kind and its id as text.
pub(super) fn version_key(subject: &Subject) -> (i16, String) {
    match subject {
        Subject::Claim(id) => (1, id.to_string()),
        Subject::Source(id) => (2, id.clone()),
        Subject::Speaker(id) => (3, id.to_string()),
    }
}

impl ReadView for Reader {
    fn claim(&self, id: ClaimId) -> Result<Option<Claim>> {
        self.one_value("select value from claims where id = $1", &[&sql_id(id)])?
            .map(|v| codec::decode_claim(&v))
            .transpose()
    }

    fn claims_in(
        &self,
        first: ClaimId,
        last: ClaimId,
    ) -> Box<dyn Iterator<Item = Result<Claim>> + '_> {
        let last = sql_id(last);
        let mut next = Some(sql_id(first));
        let mut page: std::vec::IntoIter<Claim> = Vec::new().into_iter();
        Box::new(std::iter::from_fn(move || loop {
            if let Some(claim) = page.next() {
                return Some(Ok(claim));
            }
            let from = next?;
            match self.claim_page(from, last) {
                Ok(claims) => {
                    next = match claims.last() {
                        Some(c) if claims.len() as i64 == PAGE && sql_id(c.id) < last => {
                            Some(sql_id(c.id) + 1)
                        }
                        _ => None,
                    };
                    page = claims.into_iter();
                }
                Err(e) => {
                    next = None;
                    return Some(Err(e));
                }
            }
        }))
    }

    fn claims_by_ids(&self, ids: &[ClaimId]) -> Result<Vec<Option<Claim>>> {
        let wanted: Vec<i64> = ids.iter().map(|id| sql_id(*id)).collect();
        let mut found: std::collections::HashMap<i64, Claim> = self
            .query(
                "select id, value from claims where id = any($1)",
                &[&wanted],
            )?
            .iter()
            .map(|r| Ok((r.get(0), codec::decode_claim(r.get(1))?)))
            .collect::<Result<_>>()?;
        Ok(wanted.iter().map(|id| found.remove(id)).collect())
    }

    fn read_batch(&self) -> usize {
        256
    }

    fn claim_count(&self) -> Result<u64> {
        // Kept by the writers (`tx.rs`), not counted: planning asks often.
        match self.meta(CLAIM_COUNT)? {
            Some(n) => Ok(n),
            None => self.count("select count(*) from claims", &[]),
        }
    }

    fn scan_postings(
        &self,
        scan: &IndexScan,
    ) -> Box<dyn Iterator<Item = Result<(ClaimId, Option<Confidence>)>> + '_> {
        match self.postings(scan) {
            Ok(postings) => Box::new(postings.into_iter()),
            Err(e) => Box::new(std::iter::once(Err(e))),
        }
    }

    fn index_count_up_to(&self, scan: &IndexScan, cap: u64) -> Result<u64> {
        let cap = sql_id(cap);
        match scan {
            IndexScan::Word(word) => self.count(
                "select count(*) from (select 1 from claim_words where word = $1 limit $2) w",
                &[word, &cap],
            ),
            IndexScan::Confidence(low, high) => self.count(
                "select count(*) from (select 1 from claim_index where idx = $1 and value >= $2 and value <= $3 limit $4) c",
                &[
                    &index_number(Index::Confidence),
                    &KeyBuf::new().u16(low.basis_points()).finish(),
                    &KeyBuf::new().u16(high.basis_points()).finish(),
                    &cap,
                ],
            ),
            other => self.count(
                "select count(*) from (select 1 from claim_index where idx = $1 and value = $2 limit $3) c",
                &[&index_number(other.index()), &other.keys().0, &cap],
            ),
        }
    }

    fn value_counts(&self, index: Index) -> Result<Vec<(IndexScan, u64)>> {
        if !index.counted() {
            return Ok(Vec::new());
        }
        if index == Index::Word {
            return Ok(self
                .query(
                    r#"select word, count(*) from claim_words group by word order by word collate "C""#,
                    &[],
                )?
                .iter()
                .map(|r| {
                    let n: i64 = r.get(1);
                    (IndexScan::Word(r.get(0)), n as u64)
                })
                .collect());
        }
        let tree = index.def().tree;
        self.query(
            "select value, count(*) from claim_index where idx = $1 group by value order by value",
            &[&index_number(index)],
        )?
        .iter()
        .map(|r| {
            let value: Vec<u8> = r.get(0);
            let n: i64 = r.get(1);
            let scan = IndexScan::from_value(tree, &value).ok_or_else(|| {
                Error::Corrupt(format!("a value of {} cannot be read", index.name()))
            })?;
            Ok((scan, n as u64))
        })
        .collect()
    }

    fn words_containing(&self, part: &str) -> Result<Vec<(String, u64)>> {
        // The trigram index answers `like '%part%'` without a scan.
        let escaped: String = part
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        let pattern = format!("%{escaped}%");
        Ok(self
            .query(
                r#"select word, count(*) from claim_words where word like $1 group by word order by word collate "C""#,
                &[&pattern],
            )?
            .iter()
            .map(|r| {
                let n: i64 = r.get(1);
                (r.get(0), n as u64)
            })
            .collect())
    }

    fn source(&self, id: &str) -> Result<Option<Source>> {
        self.one_value("select value from sources where id = $1", &[&id])?
            .map(|v| codec::decode_source(&v))
            .transpose()
    }

    fn sources(&self) -> Result<Vec<Source>> {
        self.query(r#"select value from sources order by id collate "C""#, &[])?
            .iter()
            .map(|r| codec::decode_source(r.get(0)))
            .collect()
    }

    fn source_text(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .query("select text from sources where id = $1", &[&id])?
            .first()
            .and_then(|r| r.get(0)))
    }

    fn speaker(&self, id: SpeakerId) -> Result<Option<Speaker>> {
        self.one_value("select value from speakers where id = $1", &[&sql_id(id)])?
            .map(|v| codec::decode(&v, "speaker"))
            .transpose()
    }

    fn speakers(&self) -> Result<Vec<Speaker>> {
        self.query("select value from speakers order by id", &[])?
            .iter()
            .map(|r| codec::decode(r.get(0), "speaker"))
            .collect()
    }

    fn speaker_by_name(&self, name: &str) -> Result<Option<SpeakerId>> {
        Ok(self
            .query(
                "select speaker from speaker_names where name = $1",
                &[&fold_name(name)],
            )?
            .first()
            .map(|r| r.get::<_, i64>(0) as u64))
    }

    fn every_version(&self) -> Result<Vec<Version>> {
        self.query(
            r#"select value from versions order by kind, subject collate "C", number"#,
            &[],
        )?
        .iter()
        .map(|r| codec::decode(r.get(0), "version"))
        .collect()
    }

    fn versions(&self, subject: &Subject) -> Result<Vec<Version>> {
        let (kind, id) = version_key(subject);
        self.query(
            "select value from versions where kind = $1 and subject = $2 order by number",
            &[&kind, &id],
        )?
        .iter()
        .map(|r| codec::decode(r.get(0), "version"))
        .collect()
    }

    fn tokens(&self) -> Result<Vec<Token>> {
        self.query(r#"select value from tokens order by name collate "C""#, &[])?
            .iter()
            .map(|r| codec::decode(r.get(0), "token"))
            .collect()
    }

    fn format_version(&self) -> Result<Option<u32>> {
        self.meta(FORMAT_VERSION)
    }

    fn history_horizon(&self) -> Result<Option<String>> {
        self.meta(HISTORY_HORIZON)
    }

    fn is_empty(&self) -> Result<bool> {
        Ok(self
            .query(
                "select not exists (select 1 from claims) and not exists (select 1 from sources)",
                &[],
            )?
            .first()
            .is_none_or(|r| r.get(0)))
    }
}
