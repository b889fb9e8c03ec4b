//! Byte offsets to line:column, for anchors and for error carets.
//!
//! Columns count characters (Unicode scalar values), as editors do, not bytes:
//! an em dash earlier on the line must not push the caret to the right.

/// A position in a text: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// 1-based column, counted in bytes (for slicing the line).
    pub byte_column: usize,
}

/// The start of every line of a text, found once, so that many offsets can be
/// turned into positions by binary search.
#[derive(Debug, Clone)]
pub struct LineIndex<'t> {
    text: &'t str,
    line_starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    /// Indexes `text`. Lines end at `\n`; a `\r` before it belongs to the line.
    pub fn new(text: &'t str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, line_starts }
    }

    /// The position of byte `offset` (clamped to the text; moved back to a
    /// character boundary if it falls inside one).
    pub fn position(&self, offset: usize) -> Position {
        let offset = super::floor_char_boundary(self.text, offset);
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        Position {
            line,
            column: self.text[start..offset].chars().count() + 1,
            byte_column: offset - start + 1,
        }
    }
}

/// The position of byte `offset` in `text`, without indexing every line:
/// for the one or two positions of an anchor, in a text of many lines
/// (a load anchors thousands of claims in the same long sources).
pub fn position_of(text: &str, offset: usize) -> Position {
    let offset = super::floor_char_boundary(text, offset);
    let before = &text.as_bytes()[..offset];
    let start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    Position {
        line: memchr::memchr_iter(b'\n', before).count() + 1,
        column: text[start..offset].chars().count() + 1,
        byte_column: offset - start + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_found_alone_is_the_indexed_one() {
        let text = "ab\n—cd\n\nlast line, no newline";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                position_of(text, offset),
                index.position(offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "ab\n—cd\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(0).line, 1);
        assert_eq!(index.position(3).line, 2);
        let d = text.find('c').unwrap();
        let p = index.position(d);
        assert_eq!((p.line, p.column, p.byte_column), (2, 2, 4));
        assert_eq!(index.position(text.len()).line, 3);
    }
}
