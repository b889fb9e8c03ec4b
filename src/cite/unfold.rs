//! A text kept as the difference from its folded form.
//!
//! The cache of folded source texts (`db/texts.rs`) held each text twice:
//! as written and folded. The two differ in a few bytes in a hundred
//! (quotation marks, dashes, runs of whitespace, invisible characters), so
//! [`Unfold`] keeps only what folding changed or dropped, and rebuilds the
//! text from the folded bytes and those: a copy, piece by piece, of
//! microseconds for 50 KB, where the text cost its own size for as long as
//! it was kept. A text is only ever kept this way when rebuilding it gives
//! back every byte ([`Unfold::of`] checks).

use super::normalize::Normalized;

/// How to rebuild a text from its folded form.
#[derive(Debug, Clone)]
pub struct Unfold {
    /// The text, in order, as stretches of the folded text and of `spare`,
    /// each written as varints (see [`Piece`]): two or three bytes a
    /// stretch, where a line of prose folded (its line break read as a
    /// space) makes two.
    pieces: Vec<u8>,
    /// The text's bytes that the folded text does not hold as they are.
    spare: Vec<u8>,
    /// The text's length.
    len: usize,
}

/// An [`Unfold`] being made, stretch by stretch.
struct Making {
    unfold: Unfold,
    /// Where the last stretch of the folded text written ended.
    folded_end: usize,
    /// The last stretch, not yet written (the next may extend it).
    open: Option<Piece>,
}

/// A stretch: `len` bytes of the folded text from `at`, or of `spare`
/// (where the spare stretches follow each other). Written as
/// `len << 1 | folded`, then for the folded text how far `at` is past the
/// end of the folded stretch before.
#[derive(Debug, Clone, Copy)]
struct Piece {
    folded: bool,
    at: usize,
    len: usize,
}

impl Unfold {
    /// How to rebuild `text` from `folded` (`text` folded), or `None` when
    /// the folded text's map does not give it back byte for byte (then the
    /// text has to be kept whole).
    pub fn of(text: &str, folded: &Normalized) -> Option<Unfold> {
        let mut unfold = Making {
            unfold: Unfold {
                pieces: Vec::new(),
                spare: Vec::new(),
                len: text.len(),
            },
            folded_end: 0,
            open: None,
        };
        let original = text.as_bytes();
        let copy = folded.text.as_bytes();
        // How far the pieces have rebuilt the text.
        let mut done = 0;
        for (i, run) in folded.runs.iter().enumerate() {
            let len = folded.run_len(i) as usize;
            let start = run.start as usize;
            let end = if run.identity {
                start + len
            } else {
                run.end as usize
            };
            if end <= done {
                // A second folded character for the same original
                // characters (a ligature spelt out, a moved comma).
                continue;
            }
            if start > done {
                unfold.push_spare(original.get(done..start)?);
            }
            let from = start.max(done);
            if !run.identity {
                unfold.push_spare(original.get(from..end)?);
                done = end;
                continue;
            }
            // Copied bytes are mostly the same; the ones a rule replaced
            // with an ASCII character of its own (a tab's space) are not.
            let skip = from - start;
            let mut k = skip;
            while k < len {
                let same = |k: usize| original.get(start + k) == copy.get(run.folded as usize + k);
                let first = k;
                let alike = same(k);
                while k < len && same(k) == alike {
                    k += 1;
                }
                if alike {
                    unfold.push_folded(run.folded as usize + first, k - first);
                } else {
                    unfold.push_spare(original.get(start + first..start + k)?);
                }
            }
            done = end;
        }
        if done < original.len() {
            unfold.push_spare(&original[done..]);
        }
        let unfold = unfold.finish();
        (unfold.rebuild(folded).as_bytes() == original).then_some(unfold)
    }

    /// The text again, from `folded` (the folded text it was made with).
    pub fn rebuild(&self, folded: &Normalized) -> String {
        let copy = folded.text.as_bytes();
        let mut bytes = Vec::with_capacity(self.len);
        let (mut read, mut folded_end, mut spare_at) = (0, 0, 0);
        while read < self.pieces.len() {
            let head = varint(&self.pieces, &mut read);
            let len = head >> 1;
            if head & 1 == 1 {
                let at = folded_end + varint(&self.pieces, &mut read);
                bytes.extend_from_slice(copy.get(at..at + len).unwrap_or_default());
                folded_end = at + len;
            } else {
                let spare = self.spare.get(spare_at..spare_at + len);
                bytes.extend_from_slice(spare.unwrap_or_default());
                spare_at += len;
            }
        }
        // The pieces were checked against the text when made, so the bytes
        // are the text's; a lossy conversion only guards the impossible.
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// The memory it holds, in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.pieces.capacity() + self.spare.capacity()
    }
}

impl Making {
    fn push_folded(&mut self, at: usize, len: usize) {
        if let Some(open) = &mut self.open {
            if open.folded && open.at + open.len == at {
                open.len += len;
                return;
            }
        }
        self.close();
        self.open = Some(Piece {
            folded: true,
            at,
            len,
        });
    }

    fn push_spare(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.unfold.spare.extend_from_slice(bytes);
        if let Some(open) = &mut self.open {
            if !open.folded {
                open.len += bytes.len();
                return;
            }
        }
        self.close();
        self.open = Some(Piece {
            folded: false,
            at: 0,
            len: bytes.len(),
        });
    }

    /// Writes the last stretch.
    fn close(&mut self) {
        let Some(piece) = self.open.take() else {
            return;
        };
        let pieces = &mut self.unfold.pieces;
        put_varint(pieces, piece.len << 1 | usize::from(piece.folded));
        if piece.folded {
            // Folded stretches only go forward; one that did not would fail the
            // check `of` makes.
            put_varint(pieces, piece.at.saturating_sub(self.folded_end));
            self.folded_end = piece.at + piece.len;
        }
    }

    /// The finished [`Unfold`], its last stretch written.
    fn finish(mut self) -> Unfold {
        self.close();
        self.unfold.pieces.shrink_to_fit();
        self.unfold.spare.shrink_to_fit();
        self.unfold
    }
}

fn put_varint(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn varint(bytes: &[u8], read: &mut usize) -> usize {
    let (mut n, mut shift) = (0usize, 0);
    while let Some(&b) = bytes.get(*read) {
        *read += 1;
        n |= usize::from(b & 0x7f) << shift;
        if b < 0x80 || shift > 56 {
            break;
        }
        shift += 7;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cite::normalize_source;

    /// Every rule's text comes back byte for byte, and prose costs a
    /// small part of its size.
    #[test]
    fn texts_come_back_byte_for_byte() {
        let review = include_str!("../../db-seed/texts/fp-lazarus-review.txt");
        let cases: &[&str] = &[
            "",
            "plain ascii, nothing folded",
            "“It’s  here,”\n he said — twice--so... e\u{301}t\u{e9} co-\noperate\t\tand ‘more’ — x -- y.",
            "«\u{A0}oui\u{202F}» dit-il; »Elle est folle«, bearbeitet",
            "protection,1 the [4] law\u{AD}ful \u{FEFF}zero\u{200B}width ﬁne ½ 3 − 2 × 4",
            "  leading and trailing whitespace \n\n",
            review,
        ];
        for text in cases {
            let folded = normalize_source(text);
            let unfold = Unfold::of(text, &folded).expect("rebuilds");
            assert_eq!(unfold.rebuild(&folded), *text);
        }
        let folded = normalize_source(review);
        let unfold = Unfold::of(review, &folded).unwrap();
        assert!(
            unfold.heap_bytes() * 10 < review.len(),
            "{} bytes kept for a text of {}",
            unfold.heap_bytes(),
            review.len()
        );
    }

    /// Given another text's fold, it still gives back the text, or
    /// nothing: never something else.
    #[test]
    fn a_fold_of_another_text_gives_the_text_or_nothing() {
        let texts = [
            "the same length, another text",
            "the same length, other texts!",
            "“short”",
            "a much longer text — with dashes -- and ‘quotes’ and\ttabs",
        ];
        for a in texts {
            for b in texts {
                let folded = normalize_source(b);
                if let Some(unfold) = Unfold::of(a, &folded) {
                    assert_eq!(unfold.rebuild(&folded), a, "{a:?} with the fold of {b:?}");
                }
            }
        }
    }
}
