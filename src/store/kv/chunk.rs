//! The bytes of one chunk of index entries (`postings.rs` says which
//! entries a chunk holds and under which key).
//!
//! A chunk lists claim ids in ascending order: the first whole, each later
//! one as its distance from the one before, as LEB128 varints (so the ids
//! of a common value take a byte each), each followed, in the indexes that
//! record it, by the claim's confidence in ten-thousandths (two bytes,
//! big-endian). Appending an id needs the last one only, which a pass over
//! the varints finds without building the list.

use crate::error::{Error, Result};
use crate::model::ClaimId;

/// A posting as a chunk holds it: the claim id and, where the index
/// records it, the claim's confidence in ten-thousandths.
pub(super) type Held = (ClaimId, Option<u16>);

/// The error for a chunk that is not well formed.
pub(super) fn unreadable() -> Error {
    Error::Corrupt("an index chunk cannot be read".into())
}

fn write_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A varint at the start of `bytes`, and how many bytes it took; `None`
/// when it is cut short or does not fit 64 bits.
fn read_varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut n: u64 = 0;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        // The tenth byte holds the 64th bit alone.
        if i == 9 && b > 1 {
            return None;
        }
        n |= u64::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            return Some((n, i + 1));
        }
    }
    None
}

/// `list` (ascending, not empty) as a chunk's bytes.
pub(super) fn encode(list: &[Held]) -> Vec<u8> {
    let mut out = Vec::with_capacity(list.len() * 4);
    let mut previous = 0;
    for &posting in list {
        push(&mut out, previous, posting);
        previous = posting.0;
    }
    out
}

/// Appends `posting` to a chunk's bytes, `previous` being the id before
/// it (0 for the first).
pub(super) fn push(out: &mut Vec<u8>, previous: ClaimId, (id, confidence): Held) {
    write_varint(out, id - previous);
    if let Some(c) = confidence {
        out.extend_from_slice(&c.to_be_bytes());
    }
}

/// A chunk's postings, in order, each with a confidence when `recorded`;
/// an error when the bytes are not well formed: empty, cut short, or not
/// ascending.
pub(super) fn decode(bytes: &[u8], recorded: bool) -> Result<Vec<Held>> {
    let mut list: Vec<Held> = Vec::with_capacity(bytes.len() / 2);
    let (mut at, mut id) = (0, 0u64);
    while at < bytes.len() {
        let (delta, used) = read_varint(&bytes[at..]).ok_or_else(unreadable)?;
        at += used;
        if delta == 0 && !list.is_empty() {
            return Err(unreadable());
        }
        id = id.checked_add(delta).ok_or_else(unreadable)?;
        let confidence = match recorded {
            true => {
                let c = bytes.get(at..at + 2).ok_or_else(unreadable)?;
                at += 2;
                Some(u16::from_be_bytes([c[0], c[1]]))
            }
            false => None,
        };
        list.push((id, confidence));
    }
    if list.is_empty() {
        return Err(unreadable());
    }
    Ok(list)
}

/// The last id of a chunk's bytes.
pub(super) fn last_id(bytes: &[u8], recorded: bool) -> Result<ClaimId> {
    let step = if recorded { 2 } else { 0 };
    let (mut at, mut id) = (0, 0u64);
    while at < bytes.len() {
        let (delta, used) = read_varint(&bytes[at..]).ok_or_else(unreadable)?;
        id = id.checked_add(delta).ok_or_else(unreadable)?;
        at += used + step;
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lists of ids near and far apart, up to the largest, read back as
    /// written, with and without confidence; the last id found without
    /// decoding; damaged bytes refused.
    #[test]
    fn chunks_read_back_as_written_and_damage_is_refused() {
        let ids = [
            0,
            1,
            2,
            127,
            128,
            300,
            16_383,
            16_384,
            1 << 40,
            u64::MAX - 1,
        ];
        for recorded in [true, false] {
            let list: Vec<Held> = ids
                .iter()
                .map(|&id| (id, recorded.then_some((id % 10_001) as u16)))
                .collect();
            let bytes = encode(&list);
            assert_eq!(decode(&bytes, recorded).unwrap(), list);
            assert_eq!(last_id(&bytes, recorded).unwrap(), u64::MAX - 1);
            // Cut short anywhere, a chunk cannot be read (or reads fewer
            // ids, never others).
            for cut in 1..bytes.len() {
                if let Ok(read) = decode(&bytes[..cut], recorded) {
                    assert_eq!(read[..], list[..read.len()]);
                }
            }
        }
        assert!(decode(&[], false).is_err());
        // An id twice (a distance of 0 after the first).
        assert!(decode(&[5, 0], false).is_err());
        // A varint past 64 bits.
        assert!(decode(&[0xff; 10], false).is_err());
        assert!(decode(&[0x80; 11], false).is_err());
        // A confidence cut short.
        assert!(decode(&[5, 0x13], true).is_err());
    }
}
