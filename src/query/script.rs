//! Cutting a script into statements.
//!
//! Statements end with `;`. A `;` inside a double-quoted string or a `--`
//! comment does not end one. Each [`Chunk`] keeps its byte offset in the
//! script, so an error in the fifth statement is reported at its line and
//! column in the file, not in the statement.

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
/// input that arrives in many pieces costs one pass in all.
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
    /// A `-` that may start a `--` comment.
    Dash,
    Str,
    /// Just after a `\` in a string.
    Escape,
    Comment,
}

impl Scanner {
    /// Reads `text`, calling `end(i, has_content)` at each `;` that ends a
    /// statement (`i` is its offset in `text`).
    pub fn scan(&mut self, text: &str, mut end: impl FnMut(usize, bool)) {
        use ScanState::*;
        for (i, &b) in text.as_bytes().iter().enumerate() {
            if self.state == Dash {
                if b == b'-' {
                    self.state = Comment;
                    continue;
                }
                // A lone `-` is part of the statement (a negative number).
                self.content = true;
                self.state = Code;
            }
            match (self.state, b) {
                (Code, b';') => {
                    end(i, self.content);
                    self.content = false;
                }
                (Code, b'-') => self.state = Dash,
                (Code, b'"') => {
                    self.content = true;
                    self.state = Str;
                }
                (Code, b) if !b.is_ascii_whitespace() => self.content = true,
                (Str, b'"') => self.state = Code,
                (Str, b'\\') => self.state = Escape,
                (Escape, _) => self.state = Str,
                (Comment, b'\n') => self.state = Code,
                _ => {}
            }
        }
    }

    /// True when a statement has begun and no `;` has closed it yet.
    pub fn is_open(&self) -> bool {
        self.content
            || matches!(
                self.state,
                ScanState::Str | ScanState::Escape | ScanState::Dash
            )
    }
}

/// Bytes of whitespace and `--` comment lines before a statement's first
/// word: where an error about the whole statement points.
pub fn statement_start(text: &str) -> usize {
    let mut rest = text;
    loop {
        let trimmed = rest.trim_start();
        match trimmed.strip_prefix("--") {
            Some(comment) => rest = comment.find('\n').map_or("", |n| &comment[n..]),
            None => return text.len() - trimmed.len(),
        }
    }
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

    #[test]
    fn an_unterminated_string_runs_to_the_end() {
        let chunks = split_statements("claims where quote = \"a; b");
        assert_eq!(chunks.len(), 1);
        assert!(!chunks[0].terminated);
    }
}
