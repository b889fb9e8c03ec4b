//! Upkeep of the PostgreSQL engine: the integrity check and the rebuild
//! of what is derived from the records (the index rows, the name table,
//! the id counters), as the key-value engines have (`kv/verify.rs`): the
//! records are the truth, every derived row is checked against them both
//! ways, and the checks of references, texts and anchors are the same
//! functions.

use std::collections::{BTreeSet, HashMap};

use super::tx::PgTx;
use super::view::{index_number, sql_id, Reader};
use super::PgEngine;
use crate::error::{plural, Result};
use crate::model::{Claim, Source, Speaker};
use crate::store::kv::indexes::{index_entries, INDEXES};
use crate::store::kv::keys::read_str;
use crate::store::kv::verify::{
    verify_anchor, verify_count, verify_format, verify_references, verify_text,
};
use crate::store::kv::T;
use crate::store::{fold_name, Index, Maintenance, ReadView, VerifyReport, WriteTx};

/// One derived row: an index row (index number, value, claim) or a word
/// (-1, the word's bytes, claim).
type IndexRow = (i16, Vec<u8>, i64);

/// The index rows the claims imply.
fn derived_rows(claims: &HashMap<u64, Claim>) -> BTreeSet<IndexRow> {
    let mut rows = BTreeSet::new();
    for claim in claims.values() {
        for (tree, mut key) in index_entries(claim) {
            key.truncate(key.len().saturating_sub(8));
            let Some(at) = INDEXES.iter().position(|d| d.tree == tree) else {
                continue;
            };
            if tree == T::IdxWord {
                if let Some((word, _)) = read_str(&key) {
                    rows.insert((-1, word.into_bytes(), sql_id(claim.id)));
                }
            } else {
                rows.insert((index_number(Index::ALL[at]), key, sql_id(claim.id)));
            }
        }
    }
    rows
}

/// The index rows stored.
fn stored_rows(reader: &Reader) -> Result<BTreeSet<IndexRow>> {
    let mut rows = BTreeSet::new();
    for r in reader.query("select idx, value, claim from claim_index", &[])? {
        rows.insert((r.get(0), r.get(1), r.get(2)));
    }
    for r in reader.query("select word, claim from claim_words", &[])? {
        let word: String = r.get(0);
        rows.insert((-1, word.into_bytes(), r.get(1)));
    }
    Ok(rows)
}

fn names_of(speakers: &HashMap<u64, Speaker>) -> BTreeSet<(String, i64)> {
    speakers
        .values()
        .flat_map(|s| {
            std::iter::once(&s.name)
                .chain(&s.aliases)
                .map(|n| (fold_name(n), sql_id(s.id)))
        })
        .collect()
}

impl Maintenance for PgEngine {
    fn verify(&self) -> Result<VerifyReport> {
        let view = Reader::view(self.connection()?)?;
        let mut report = VerifyReport::default();
        verify_format(view.format_version()?, &mut report);
        let claims: HashMap<u64, Claim> = view
            .claims()
            .map(|c| c.map(|c| (c.id, c)))
            .collect::<Result<_>>()?;
        let speakers: HashMap<u64, Speaker> =
            view.speakers()?.into_iter().map(|s| (s.id, s)).collect();
        let sources: HashMap<String, Source> = view
            .sources()?
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect();
        report.claims = claims.len() as u64;
        report.speakers = speakers.len() as u64;
        report.sources = sources.len() as u64;

        let expected = derived_rows(&claims);
        let stored = stored_rows(&view)?;
        report.index_entries = stored.len() as u64;
        let missing = expected.difference(&stored).count() as u64;
        let extra = stored.difference(&expected).count() as u64;
        if missing > 0 {
            report.problem(
                "index",
                true,
                format!("{} missing", plural(missing, "index entry")),
            );
        }
        if extra > 0 {
            report.problem(
                "index",
                true,
                format!("{} no claim implies", plural(extra, "index entry")),
            );
        }
        let names: BTreeSet<(String, i64)> = view
            .query("select name, speaker from speaker_names", &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        if names != names_of(&speakers) {
            report.problem(
                "names",
                true,
                "the name table does not match the speakers' names and aliases".into(),
            );
        }
        for (counter, max) in [
            ("claim", claims.keys().max()),
            ("speaker", speakers.keys().max()),
        ] {
            let next = view.counter(counter)?;
            if let Some(&max) = max {
                if next <= max {
                    report.problem(
                        "counter",
                        true,
                        format!("the next {counter} id is {next}, but {counter} {max} exists"),
                    );
                }
            }
        }
        verify_count(view.claim_count()?, claims.len() as u64, &mut report);
        for source in sources.values() {
            verify_text(&view, source, &mut report)?;
        }
        for claim in claims.values() {
            verify_references(claim, &speakers, &sources, &mut report);
            verify_anchor(&view, claim, &sources, &mut report)?;
        }
        Ok(report)
    }

    fn rebuild_derived(&self) -> Result<()> {
        let mut tx = PgTx::begin(self.connection()?)?;
        let rebuilt = (|| {
            let claims: Vec<Claim> = tx.view().claims().collect::<Result<_>>()?;
            let speakers = tx.view().speakers()?;
            tx.clear_derived()?;
            tx.recount()?;
            for claim in &claims {
                tx.index_claim(claim)?;
            }
            for speaker in &speakers {
                tx.put_speaker(speaker)?;
            }
            for (counter, max) in [
                ("claim", claims.iter().map(|c| c.id).max()),
                ("speaker", speakers.iter().map(|s| s.id).max()),
            ] {
                tx.raise_counter(counter, max.unwrap_or(0) + 1)?;
            }
            tx.stamp_format_version()
        })();
        match rebuilt {
            Ok(()) => tx.commit(),
            Err(e) => {
                tx.rollback();
                Err(e)
            }
        }
    }
}
