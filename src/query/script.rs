//! Cutting a script into statements.
//!
//! Statements end with a `;` token of the lexer (`lex.rs`), so a `;`
//! inside a double-quoted string or a `--` comment does not end one, by
//! the same rules the parser reads them with. Each [`Chunk`] keeps its
//! byte offset in the script, so an error in the fifth statement is
//! reported at its line and column in the file, not in the statement.

use super::lex::{lex_one, string_end, tokens, Punct, StringEnd, TokenKind};

/// One statement's text and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk<'s> {
    /// Byte offset of `text` in the script.
    pub offset: usize,
    /// The statement, without its `;`.
    pub text: &'s str,
    /// False for trailing text that no `;` closed.
    pub terminated: bool,
}

/// Splits `script` into statements, skipping ones that hold only whitespace
/// and comments.
pub fn split_statements(script: &str) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    let mut scanner = Scanner::default();
    let mut start = 0;
    scanner.scan(script, |end, has_content| {
        if has_content {
            chunks.push(Chunk {
                offset: start,
                text: &script[start..end],
                terminated: true,
            });
        }
        start = end + 1;
    });
    if scanner.is_open() {
        chunks.push(Chunk {
            offset: start,
            text: &script[start..],
            terminated: false,
        });
    }
    chunks
}

/// Where a script stands after the text read so far: in code, in a string,
/// in a comment. Fed piece by piece (a line of stdin at a time), it says
/// whether a statement is still open without reading the text again, so
/// input that arrives in many pieces costs one pass in all. Within a piece
/// it reads the lexer's tokens; only a string, a comment or a `-` left open
/// at the end of a piece is carried over to the next.
#[derive(Debug, Clone, Default)]
pub struct Scanner {
    state: ScanState,
    /// Something other than whitespace and comments since the last `;`.
    content: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum ScanState {
    #[default]
    Code,
    /// A `-` ended the last piece: it may start a `--` comment.
    Dash,
    /// Inside a string; `escaped` after a `\` whose escape is to come.
    Str {
        escaped: bool,
    },
    Comment,
}

impl Scanner {
    /// Reads `text`, calling `end(i, has_content)` at each `;` that ends a
    /// statement (`i` is its offset in `text`).
    pub fn scan(&mut self, text: &str, mut end: impl FnMut(usize, bool)) {
        let from = match self.resume(text) {
            Some(from) => from,
            None => return,
        };
        for token in tokens(&text[from..]) {
            let at = from + token.span.start;
            let reaches_end = from + token.span.end == text.len();
            match token.kind {
                TokenKind::Punct(Punct::Semicolon) => {
                    end(at, self.content);
                    self.content = false;
                }
                TokenKind::Space => {}
                TokenKind::Comment => {
                    if reaches_end {
                        self.state = ScanState::Comment;
                    }
                }
                TokenKind::Str { terminated: false } => {
                    self.content = true;
                    // The lexer found no closing quote: the string runs on
                    // into the next piece, perhaps after a `\`.
                    let escaped = matches!(
                        string_end(&text.as_bytes()[at + 1..], false),
                        StringEnd::Open { escaped: true }
                    );
                    self.state = ScanState::Str { escaped };
                }
                TokenKind::Unknown if reaches_end && token.text(&text[from..]) == "-" => {
                    self.state = ScanState::Dash;
                }
                _ => self.content = true,
            }
        }
    }

    /// Finishes what the last piece left open (a string, a comment, a
    /// `-`); returns where code starts again in `text`, or `None` when the
    /// whole of it is still inside.
    fn resume(&mut self, text: &str) -> Option<usize> {
        let state = std::mem::take(&mut self.state);
        let mut from = 0;
        match state {
            ScanState::Code => {}
            ScanState::Dash if text.starts_with('-') => {
                // `--` split across pieces: a comment from here.
                from = 1;
                self.state = ScanState::Comment;
                return self.resume(&text[from..]).map(|at| at + from);
            }
            ScanState::Dash => {
                // A lone `-` is part of the statement (a negative number).
                self.content = true;
            }
            ScanState::Str { escaped } => match string_end(text.as_bytes(), escaped) {
                StringEnd::Closed(n) => from = n,
                StringEnd::Open { escaped } => {
                    self.state = ScanState::Str { escaped };
                    return None;
                }
            },
            ScanState::Comment => match text.find('\n') {
                Some(n) => from = n,
                None => {
                    self.state = ScanState::Comment;
                    return None;
                }
            },
        }
        Some(from)
    }

    /// True when a statement has begun and no `;` has closed it yet.
    pub fn is_open(&self) -> bool {
        self.content || matches!(self.state, ScanState::Str { .. } | ScanState::Dash)
    }
}

/// Bytes of whitespace and `--` comments before a statement's first
/// token: where an error about the whole statement points.
pub fn statement_start(text: &str) -> usize {
    let mut at = 0;
    while let Some((TokenKind::Space | TokenKind::Comment, len)) = lex_one(&text[at..]) {
        at += len;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_semicolons_outside_strings_and_comments() {
        let script = "claims where quote contains \"a;b\"; -- one; two\ncount claims;\n-- only a comment\n speakers";
        let chunks = split_statements(script);
        let texts: Vec<&str> = chunks.iter().map(|c| c.text.trim()).collect();
        assert_eq!(
            texts,
            [
                "claims where quote contains \"a;b\"",
                "-- one; two\ncount claims",
                "-- only a comment\n speakers"
            ]
        );
        assert!(chunks[1].terminated && !chunks[2].terminated);
        assert_eq!(
            &script[chunks[2].offset..],
            "\n-- only a comment\n speakers"
        );
    }

    /// Fed in pieces cut anywhere, the scanner ends statements where one
    /// pass over the whole text does.
    #[test]
    fn pieces_cut_anywhere_end_the_same_statements() {
        let script = "claims where quote = \"a; \\\"b\"; -- c; d\ncount claims;- -1;\n x--;\n;";
        let whole = {
            let mut ends = Vec::new();
            Scanner::default().scan(script, |i, c| ends.push((i, c)));
            ends
        };
        assert_eq!(whole.len(), 4, "{whole:?}");
        for cut in 0..=script.len() {
            if !script.is_char_boundary(cut) {
                continue;
            }
            let mut ends = Vec::new();
            let mut scanner = Scanner::default();
            scanner.scan(&script[..cut], |i, c| ends.push((i, c)));
            scanner.scan(&script[cut..], |i, c| ends.push((i + cut, c)));
            assert_eq!(ends, whole, "cut at {cut}");
        }
    }

    #[test]
    fn an_unterminated_string_runs_to_the_end() {
        let chunks = split_statements("claims where quote = \"a; b");
        assert_eq!(chunks.len(), 1);
        assert!(!chunks[0].terminated);
    }
}
