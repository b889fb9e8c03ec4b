//! Where a source's text may be cut, kept instead of the text.
//!
//! `verify` checks that each verified claim's anchor is a passage of its
//! source's text: that it ends within the text and that both its ends
//! fall between characters. That takes a bit per byte of the text, not
//! the text: `verify` keeps these for the sources its claims name (claims
//! come in id order, not by source), an eighth of what holding the texts
//! cost.

/// A text's length and, bit by bit, which of its bytes start a character.
pub(crate) struct Cuts {
    len: usize,
    starts: Vec<u64>,
}

impl Cuts {
    pub(crate) fn of(text: &str) -> Cuts {
        let mut starts = vec![0u64; text.len() / 64 + 1];
        for (i, byte) in text.bytes().enumerate() {
            // Not a continuation byte (`10xxxxxx`), as `str::is_char_boundary` reads it.
            if (byte as i8) >= -0x40 {
                starts[i / 64] |= 1 << (i % 64);
            }
        }
        Cuts {
            len: text.len(),
            starts,
        }
    }

    fn is_cut(&self, at: usize) -> bool {
        at == self.len || (at < self.len && (self.starts[at / 64] >> (at % 64)) & 1 == 1)
    }

    /// Whether `start..end` is a passage of the text: not empty, within it,
    /// and between characters at both ends.
    pub(crate) fn holds(&self, start: usize, end: usize) -> bool {
        start < end && end <= self.len && self.is_cut(start) && self.is_cut(end)
    }

    /// The memory it holds, in bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.starts.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// It answers every range as slicing the text itself would.
    #[test]
    fn cuts_answer_as_the_text_would() {
        let texts = [
            "",
            "plain",
            "“quoted” — dash, ü, 漢字 and 🦀 past the sixty-fourth byte of the text: ok",
        ];
        for text in texts {
            let cuts = Cuts::of(text);
            for start in 0..text.len() + 3 {
                for end in 0..text.len() + 3 {
                    let sliced = start < end && text.get(start..end).is_some();
                    assert_eq!(cuts.holds(start, end), sliced, "{text:?} {start}..{end}");
                }
            }
        }
    }
}
