//! The integrity check.
//!
//! Primary records (claims, speakers, sources and their texts) are the
//! truth; everything else is derived from them: the index trees, the
//! name-to-speaker table, the id counters. [`verify`] checks each
//! derived entry against the records both ways (every entry a record implies
//! is there; every entry there is implied by a record), every reference
//! between records, every stored text against its recorded length and
//! hash, and every anchor against its source's text. `rebuild.rs`
//! rebuilds the derived trees from the records in one transaction; damaged
//! records and stale anchors it can only report (`claimdb check` and
//! `update-source` deal with anchors).

use std::collections::HashMap;
use std::ops::Bound;
use std::sync::Arc;

use super::codec;
use super::cuts::Cuts;
use super::indexes::{claim_of, count_key, count_key_of_entry, index_entries, INDEXES};
use super::keys::KeyBuf;
use super::postings;
use super::records::Records;
use super::spill::Spill;
use super::vocabulary;
use super::{KvRead, T};
use crate::error::{plural, quoted, Result};
use crate::model::{Claim, Confidence, Source, Speaker, Status};
use crate::store::{fold_name, ReadView, VerifyReport};

pub(super) fn all<K: KvRead + ?Sized>(kv: &K, tree: T) -> super::Entries<'_> {
    kv.range(tree, Bound::Unbounded, Bound::Unbounded)
}

/// What `verify` holds of the expected entries of all indexes, shared
/// among them; an index's share full, its entries are written, sorted, to
/// a temporary file (`spill.rs`). Each share was 16 MiB: 144 MiB at a
/// million claims, when every index fills its share.
const SPILL_BYTES: usize = 32 << 20;

/// What `verify` keeps of source texts while it checks anchors (where
/// each may be cut: a bit per byte, so texts of eight times this).
const CUTS_BYTES: usize = 16 << 20;

/// Checks the records behind `records`, writing nothing. The claims are
/// read one at a time, in id order; what each implies of every index goes
/// to a sorted set that may spill to temporary files, and each index is
/// then compared with its set in key order, both ways. What is held in
/// memory grows with the speakers, the sources and the distinct values
/// of the counted indexes, not with the claims.
pub(crate) fn verify<K: KvRead>(records: &Records<K>) -> Result<VerifyReport> {
    let kv = &records.kv;
    let mut report = VerifyReport::default();
    verify_format(records.format_version()?, &mut report);
    let (speakers, sources) = speakers_and_sources(kv, &mut report)?;
    let share = SPILL_BYTES / INDEXES.len();
    let mut expected: Vec<Spill> = INDEXES.iter().map(|_| Spill::new(share)).collect();
    let mut readable = 0u64;
    let mut max_claim = 0;
    let mut texts = Texts::default();
    for entry in all(kv, T::Claims) {
        let (key, value) = entry?;
        report.claims += 1;
        let claim = match codec::decode_claim(&value) {
            Ok(c) => c,
            Err(e) => {
                report.problem(
                    "record",
                    false,
                    format!("claim {}: {e}", claim_of(&key).unwrap_or(0)),
                );
                continue;
            }
        };
        readable += 1;
        max_claim = max_claim.max(claim.id);
        for (tree, entry) in index_entries(&claim) {
            if let Some(at) = INDEXES.iter().position(|d| d.tree == tree) {
                expected[at].push(entry, claim.confidence.basis_points())?;
            }
        }
        verify_references(&claim, &speakers, &sources, &mut report);
        verify_anchor_with(&claim, &sources, &mut report, &mut || {
            texts.of(records, &claim.source)
        })?;
    }
    drop(texts);

    let mut counts: HashMap<Vec<u8>, u64> = HashMap::new();
    for (def, expected) in INDEXES.iter().zip(expected) {
        let bad = postings::malformed(kv, def.tree)?;
        if !bad.is_empty() {
            report.problem(
                "index",
                true,
                format!(
                    "{} has {} that cannot be read",
                    def.name(),
                    plural(bad.len() as u64, "chunk")
                ),
            );
        }
        compare_index(records, def, expected.sorted()?, &mut report, &mut counts)?;
    }
    let names = name_table(&speakers);
    let max_speaker = speakers.keys().copied().max().unwrap_or(0);

    compare_table(
        kv,
        T::SpeakerNames,
        &names,
        &mut report,
        (
            "names",
            [
                "speaker name or alias is missing from the name table",
                "speaker names or aliases are missing from the name table",
            ],
        ),
        |key, stored| {
            format!(
                "the name {} points to speaker {} but no speaker of that id has it",
                crate::error::quoted(&String::from_utf8_lossy(
                    &key[..key.len().saturating_sub(2)]
                )),
                stored.map_or("?".to_string(), |i| i.to_string())
            )
        },
    )?;
    for (counter, max) in [("claim", max_claim), ("speaker", max_speaker)] {
        let next = records.counter(counter)?;
        if next <= max {
            report.problem(
                "counter",
                true,
                format!("the next {counter} id is {next}, but {counter} {max} exists"),
            );
        }
    }
    compare_table(
        kv,
        T::Counts,
        &counts,
        &mut report,
        (
            "count",
            [
                "index value has no count kept",
                "index values have no count kept",
            ],
        ),
        |key, stored| {
            format!(
                "the count kept for an index value is {}, but the index holds {}",
                stored.map_or("unreadable".to_string(), |n| n.to_string()),
                counts.get(key).copied().unwrap_or(0)
            )
        },
    )?;
    verify_vocabulary(kv, &counts, &mut report)?;
    verify_count(records.claim_count()?, readable, &mut report);
    for source in sources.values() {
        verify_text(records, source, &mut report)?;
    }
    Ok(report)
}

/// One index against the entries its claims imply (`expected`, in key
/// order), both ways, by one walk through each; counts what it should
/// hold per value into `counts`.
fn compare_index<K: KvRead>(
    records: &Records<K>,
    def: &super::indexes::IndexDef,
    expected: Box<dyn Iterator<Item = Result<(Vec<u8>, u16)>>>,
    report: &mut VerifyReport,
    counts: &mut HashMap<Vec<u8>, u64>,
) -> Result<()> {
    let name = def.name();
    let mut stored = postings::all(&records.kv, def.tree);
    let mut expected = expected;
    let mut s = stored.next().transpose()?;
    let mut e = expected.next().transpose()?;
    loop {
        let order = match (&s, &e) {
            (None, None) => return Ok(()),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some((sk, _)), Some((ek, _))) => sk.cmp(ek),
        };
        if order != std::cmp::Ordering::Less {
            // An entry the claims imply: counted, whether stored or not.
            if let Some((ek, _)) = &e {
                if def.counted {
                    *counts.entry(count_key_of_entry(def.tree, ek)).or_insert(0) += 1;
                }
            }
        }
        match order {
            std::cmp::Ordering::Less => {
                let (key, _) = s.take().unwrap_or_default();
                report.index_entries += 1;
                let claim = claim_of(&key).unwrap_or(0);
                let why = if records.claim(claim)?.is_some() {
                    "that the claim does not have"
                } else {
                    "and the claim does not exist"
                };
                report.problem(
                    "index",
                    true,
                    format!("{name} has an entry for claim {claim} {why}"),
                );
                s = stored.next().transpose()?;
            }
            std::cmp::Ordering::Greater => {
                let (key, _) = e.take().unwrap_or_default();
                let claim = claim_of(&key).unwrap_or(0);
                report.problem(
                    "index",
                    true,
                    format!("{name} lacks an entry for claim {claim}"),
                );
                e = expected.next().transpose()?;
            }
            std::cmp::Ordering::Equal => {
                report.index_entries += 1;
                if let (Some((key, Some(recorded))), Some((_, wanted))) = (&s, &e) {
                    if recorded != wanted {
                        report.problem(
                            "index",
                            true,
                            format!(
                                "{name} records confidence {} for claim {}, which has {}",
                                Confidence::from_basis_points(*recorded),
                                claim_of(key).unwrap_or(0),
                                Confidence::from_basis_points(*wanted)
                            ),
                        );
                    }
                }
                s = stored.next().transpose()?;
                e = expected.next().transpose()?;
            }
        }
    }
}

/// The speakers and sources (what claims refer to; held while the claims
/// stream past), each damaged record reported.
#[allow(clippy::type_complexity)]
pub(super) fn speakers_and_sources<K: KvRead + ?Sized>(
    kv: &K,
    report: &mut VerifyReport,
) -> Result<(HashMap<u64, Speaker>, HashMap<String, Source>)> {
    let mut speakers = HashMap::new();
    for entry in all(kv, T::Speakers) {
        report.speakers += 1;
        match codec::decode::<Speaker>(&entry?.1, "speaker") {
            Ok(s) => {
                speakers.insert(s.id, s);
            }
            Err(e) => report.problem("record", false, e.to_string()),
        }
    }
    let mut sources = HashMap::new();
    for entry in all(kv, T::Sources) {
        report.sources += 1;
        match codec::decode_source(&entry?.1) {
            Ok(s) => {
                sources.insert(s.id.clone(), s);
            }
            Err(e) => report.problem("record", false, e.to_string()),
        }
    }
    Ok((speakers, sources))
}

/// Folded name -> speaker id, as the name table should hold it.
pub(super) fn name_table(speakers: &HashMap<u64, Speaker>) -> HashMap<Vec<u8>, u64> {
    let mut names = HashMap::new();
    for s in speakers.values() {
        for name in std::iter::once(&s.name).chain(&s.aliases) {
            names.insert(KeyBuf::new().str(&fold_name(name)).finish(), s.id);
        }
    }
    names
}

/// Where source texts may be cut, for anchors, kept up to [`CUTS_BYTES`]
/// (then let go and read again: claims come in id order, not by source).
#[derive(Default)]
struct Texts {
    held: HashMap<String, Option<Arc<Cuts>>>,
    bytes: usize,
}

impl Texts {
    fn of(&mut self, view: &dyn ReadView, source: &str) -> Result<Option<Arc<Cuts>>> {
        if let Some(t) = self.held.get(source) {
            return Ok(t.clone());
        }
        let cuts = view.source_text(source)?.map(|t| Arc::new(Cuts::of(&t)));
        let size = cuts.as_ref().map_or(0, |c| c.heap_bytes());
        self.bytes += size;
        if self.bytes > CUTS_BYTES {
            self.held.clear();
            self.bytes = size;
        }
        self.held.insert(source.to_string(), cuts.clone());
        Ok(cuts)
    }
}

/// Compares a derived table (the speaker-name table, the index counts:
/// key to number) with the one stored in `tree`, both ways: each stored
/// entry that differs is described by `differs`; the expected keys that are
/// not stored at all make one problem, `missing` saying what they are.
fn compare_table<K: KvRead + ?Sized>(
    kv: &K,
    tree: T,
    expected: &HashMap<Vec<u8>, u64>,
    report: &mut VerifyReport,
    (area, missing): (&'static str, [&str; 2]),
    differs: impl Fn(&[u8], Option<u64>) -> String,
) -> Result<()> {
    let mut present = 0;
    for entry in all(kv, tree) {
        let (key, value) = entry?;
        let stored: Option<u64> = codec::decode(&value, tree.name()).ok();
        if expected.contains_key(&key) {
            present += 1;
        }
        if expected.get(&key) != stored.as_ref() {
            report.problem(area, true, differs(&key, stored));
        }
    }
    if present < expected.len() {
        report.problem(area, true, {
            let n = expected.len() - present;
            format!("{n} {}", missing[usize::from(n != 1)])
        });
    }
    Ok(())
}

/// Checks the vocabulary's trigrams against the words the index holds,
/// without holding them: each stored entry is one the words imply (its
/// word counted, its gram one of the word's) or an extra, and the number
/// implied is summed word by word, so the missing are the difference (the
/// stored keys are distinct, as the implied are).
fn verify_vocabulary<K: KvRead + ?Sized>(
    kv: &K,
    counts: &HashMap<Vec<u8>, u64>,
    report: &mut VerifyReport,
) -> Result<()> {
    let mut expected = 0u64;
    for key in counts
        .keys()
        .filter(|k| k.first() == Some(&(T::IdxWord as u8)))
    {
        expected += vocabulary::gram_count(&vocabulary::word_of_count_key(key)?) as u64;
    }
    let mut present = 0u64;
    let mut extra = 0u64;
    for entry in all(kv, T::WordGrams) {
        let key = entry?.0;
        // Written as the words write it (so no two keys stand for one
        // implied entry), for a word counted, under one of its grams.
        let implied = vocabulary::split_gram_key(&key).is_some_and(|(gram, word)| {
            let word_key = count_key(T::IdxWord, &KeyBuf::new().str(&word).finish());
            KeyBuf::new().str(&gram).str(&word).finish() == key
                && counts.contains_key(&word_key)
                && vocabulary::holds_gram(&word, &gram)
        });
        if implied {
            present += 1;
        } else {
            extra += 1;
        }
    }
    let missing = expected.saturating_sub(present);
    let phrases = [
        (
            missing,
            ["is", "are"],
            "missing from the vocabulary's trigrams",
        ),
        (
            extra,
            ["is", "are"],
            "in the vocabulary's trigrams for no word of a quote",
        ),
    ];
    for (n, verb, what) in phrases {
        if n > 0 {
            let verb = verb[usize::from(n != 1)];
            report.problem(
                "index",
                true,
                format!("{} {verb} {what}", plural(n, "entry")),
            );
        }
    }
    Ok(())
}

/// The kept claim count against the claims there are.
pub(crate) fn verify_count(counted: u64, claims: u64, report: &mut VerifyReport) {
    if counted != claims {
        report.problem(
            "count",
            true,
            format!("the stored claim count is {counted}, but there are {claims} claims"),
        );
    }
}

/// The format stamp: there, and this build's.
pub(crate) fn verify_format(found: Option<u32>, report: &mut VerifyReport) {
    match found {
        None => report.problem("format", false, "no format version is stored".into()),
        Some(found) if found != crate::store::FORMAT_VERSION => {
            report.problem("format", false, format!("format version {found}"))
        }
        Some(_) => {}
    }
}

pub(crate) fn verify_text(
    view: &dyn ReadView,
    source: &Source,
    report: &mut VerifyReport,
) -> Result<()> {
    let text = match view.source_text(&source.id) {
        Ok(t) => t,
        Err(e) => {
            report.problem("text", false, e.to_string());
            return Ok(());
        }
    };
    let (len, sha) = match &text {
        Some(t) => (t.len() as u64, Some(crate::cite::sha256_hex(t))),
        None => (0, None),
    };
    if len != source.text_len || sha != source.sha256 {
        report.problem(
            "text",
            false,
            format!(
                "source {}: its text is not the one recorded ({} bytes and hash {} recorded, {len} bytes found)",
                quoted(&source.id),
                source.text_len,
                source.sha256.as_deref().unwrap_or("none")
            ),
        );
    }
    Ok(())
}

#[cfg(feature = "postgres")]
pub(crate) fn verify_anchor(
    view: &dyn ReadView,
    claim: &Claim,
    sources: &HashMap<String, Source>,
    report: &mut VerifyReport,
) -> Result<()> {
    verify_anchor_with(claim, sources, report, &mut || {
        Ok(view
            .source_text(&claim.source)?
            .map(|t| Arc::new(Cuts::of(&t))))
    })
}

/// [`verify_anchor`], where the source's text may be cut read by `cuts` when it is needed.
pub(crate) fn verify_anchor_with(
    claim: &Claim,
    sources: &HashMap<String, Source>,
    report: &mut VerifyReport,
    cuts: &mut dyn FnMut() -> Result<Option<Arc<Cuts>>>,
) -> Result<()> {
    let (Some(anchor), Status::Verified) = (&claim.anchor, claim.status) else {
        return Ok(());
    };
    let Some(source) = sources.get(&claim.source) else {
        return Ok(()); // reported as a reference
    };
    if source.sha256.as_deref() != Some(anchor.text_sha256.as_str()) {
        report.problem(
            "anchor",
            false,
            format!(
                "claim {} is verified against a text of source {} that is no longer stored (run `claimdb check --claim {}`)",
                claim.id,
                quoted(&claim.source),
                claim.id
            ),
        );
        return Ok(());
    }
    let in_text = cuts()?
        .is_some_and(|cuts| cuts.holds(anchor.start_byte as usize, anchor.end_byte as usize));
    if !in_text {
        report.problem(
            "anchor",
            false,
            format!(
                "claim {}: its anchor {}..{} is not a passage of its source's text",
                claim.id, anchor.start_byte, anchor.end_byte
            ),
        );
    }
    Ok(())
}

pub(crate) fn verify_references(
    claim: &Claim,
    speakers: &HashMap<u64, Speaker>,
    sources: &HashMap<String, Source>,
    report: &mut VerifyReport,
) {
    if !speakers.contains_key(&claim.speaker) {
        report.problem(
            "reference",
            false,
            format!(
                "claim {} names speaker {}, which does not exist",
                claim.id, claim.speaker
            ),
        );
    }
    for (what, id) in
        std::iter::once(("source", &claim.source)).chain(claim.origin.iter().map(|o| ("origin", o)))
    {
        if !sources.contains_key(id) {
            report.problem(
                "reference",
                false,
                format!(
                    "claim {} names {what} {}, which does not exist",
                    claim.id,
                    quoted(id)
                ),
            );
        }
    }
}
