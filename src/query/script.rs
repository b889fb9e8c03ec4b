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
    let bytes = script.as_bytes();
    let mut start = 0;
    let mut i = 0;
    let mut push = |from: usize, to: usize, terminated: bool| {
        let text = &script[from..to];
        if !only_comments(text) {
            chunks.push(Chunk {
                offset: from,
                text,
                terminated,
            });
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = script[i..].find('\n').map_or(bytes.len(), |n| i + n);
            }
            b';' => {
                push(start, i, true);
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < bytes.len() {
        push(start, bytes.len(), false);
    }
    chunks
}

/// True when `text` holds nothing but whitespace and `--` comments.
pub fn only_comments(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with("--")
    })
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
