//! The language's one lexer: text to tokens with spans.
//!
//! Everything that reads query text reads it through here: the parser
//! (`parse/`, whose nom leaf parsers each take one token), the script
//! splitter and the stdin [`Scanner`](super::Scanner) (`script.rs`: a `;`
//! token ends a statement, a `;` inside a string or a comment is not one),
//! and the shell's highlighter and completer. So a string, a comment or a
//! keyword means the same thing to all of them: there is no second opinion
//! on where a string ends.
//!
//! The lexer never fails: text it does not know becomes an
//! [`TokenKind::Unknown`] token of one character, and an unclosed string
//! runs to the end of the text (`Str { terminated: false }`); the parser
//! turns both into errors that name them. Whitespace and `--` comments are
//! tokens too ([`Token::is_trivia`]), so the highlighter can colour a line
//! from its tokens alone.

use crate::error::Span;

macro_rules! keywords {
    ($($variant:ident = $text:literal,)*) => {
        /// A word the language reserves (matched case-insensitively).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Keyword {
            $(
                #[doc = concat!("`", $text, "`")]
                $variant,
            )*
        }

        impl Keyword {
            /// Every keyword, in the order the grammar introduces them.
            pub const ALL: &'static [Keyword] = &[$(Keyword::$variant,)*];

            /// The keyword as it is written (lowercase).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Keyword::$variant => $text,)*
                }
            }

            fn from_lowercase(word: &str) -> Option<Keyword> {
                match word {
                    $($text => Some(Keyword::$variant),)*
                    _ => None,
                }
            }
        }

        /// The language's keywords as text (lowercase), in grammar order.
        pub const KEYWORDS: &[&str] = &[$($text,)*];
    };
}

/// No keyword is longer (a test holds them to it).
const KEYWORD_MAX: usize = 24;

keywords! {
    Claims = "claims",
    Count = "count",
    Speakers = "speakers",
    Sources = "sources",
    Explain = "explain",
    Show = "show",
    Claim = "claim",
    Where = "where",
    And = "and",
    Or = "or",
    Not = "not",
    Order = "order",
    By = "by",
    Asc = "asc",
    Desc = "desc",
    Limit = "limit",
    Offset = "offset",
    Contains = "contains",
    Starts = "starts",
    With = "with",
    Matches = "matches",
    In = "in",
    Between = "between",
    Is = "is",
    Null = "null",
    Has = "has",
    Tag = "tag",
    Select = "select",
    Group = "group",
    Add = "add",
    Source = "source",
    Speaker = "speaker",
    Aliases = "aliases",
    Description = "description",
    Update = "update",
    Set = "set",
    Delete = "delete",
    Alias = "alias",
    To = "to",
    Begin = "begin",
    Commit = "commit",
    Rollback = "rollback",
    True = "true",
    False = "false",
    Lines = "lines",
    Merge = "merge",
    Into = "into",
    Cascade = "cascade",
    History = "history",
    As = "as",
    Of = "of",
    Revert = "revert",
    Version = "version",
    Because = "because",
}

impl Keyword {
    /// The keyword `word` spells, ignoring ASCII case.
    pub fn from_word(word: &str) -> Option<Keyword> {
        // Lowercased on the stack and matched: the parser asks this of
        // every word it tries a keyword on, so it must not allocate.
        let mut buf = [0u8; KEYWORD_MAX];
        let lower = buf.get_mut(..word.len())?;
        lower.copy_from_slice(word.as_bytes());
        lower.make_ascii_lowercase();
        Keyword::from_lowercase(std::str::from_utf8(lower).ok()?)
    }
}

impl std::fmt::Display for Keyword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Punctuation and operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Punct {
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
    /// `*`
    Star,
    /// `;`, the end of a statement.
    Semicolon,
    /// `=`
    Eq,
    /// `==`, which the language does not use: the parser says to write `=`.
    EqEq,
    /// `!=`
    Ne,
    /// `<>`, another way to write `!=`.
    LtGt,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Punct {
    /// The mark as it is written.
    pub fn as_str(self) -> &'static str {
        match self {
            Punct::LParen => "(",
            Punct::RParen => ")",
            Punct::Comma => ",",
            Punct::Star => "*",
            Punct::Semicolon => ";",
            Punct::Eq => "=",
            Punct::EqEq => "==",
            Punct::Ne => "!=",
            Punct::LtGt => "<>",
            Punct::Lt => "<",
            Punct::Le => "<=",
            Punct::Gt => ">",
            Punct::Ge => ">=",
        }
    }
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenKind {
    /// A reserved word.
    Keyword(Keyword),
    /// Any other word: a field name, a bare value (`status = verified`).
    /// Letters, digits and `_`, starting with a letter or `_`.
    Word,
    /// Digits, with an optional leading `-`, and whatever letters, digits,
    /// `_` and `.` follow them: `0.8`, and also `12abc` or `1.2.3`, which the
    /// parser then refuses as one token.
    Number,
    /// A double-quoted string, its quotes and escapes included.
    Str {
        /// False when the text ended before the closing quote.
        terminated: bool,
    },
    /// `$1`, `$speaker`.
    Param,
    /// Punctuation or an operator.
    Punct(Punct),
    /// `--` to the end of the line (the line break not included).
    Comment,
    /// Whitespace.
    Space,
    /// One character the language has no use for (`'`, `@`, a lone `-` or `$`).
    Unknown,
}

/// A token and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Its bytes in the text that was lexed.
    pub span: Span,
}

impl Token {
    /// The token's text in `src`, the text it was lexed from.
    pub fn text<'s>(&self, src: &'s str) -> &'s str {
        &src[self.span.start..self.span.end]
    }

    /// Whitespace and comments, which may stand between any two tokens.
    pub fn is_trivia(&self) -> bool {
        matches!(self.kind, TokenKind::Space | TokenKind::Comment)
    }
}

/// The tokens of `src`, trivia included, each with its span in `src`.
pub fn tokens(src: &str) -> Lexer<'_> {
    Lexer { src, pos: 0 }
}

/// An iterator over the tokens of a text; see [`tokens`].
#[derive(Debug, Clone)]
pub struct Lexer<'s> {
    src: &'s str,
    pos: usize,
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let (kind, len) = lex_one(&self.src[self.pos..])?;
        let span = Span::new(self.pos, self.pos + len);
        self.pos += len;
        Some(Token { kind, span })
    }
}

/// Letters, digits and `_`: the characters of a word.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The token at the start of `text`: its kind and its length in bytes
/// (always at least one character), or `None` at the end of the text.
pub(crate) fn lex_one(text: &str) -> Option<(TokenKind, usize)> {
    let first = text.chars().next()?;
    let bytes = text.as_bytes();
    let word_end = |from: usize| {
        text[from..]
            .find(|c: char| !is_word_char(c))
            .map_or(text.len(), |n| from + n)
    };
    let token = match first {
        c if c.is_whitespace() => {
            let len = text
                .find(|c: char| !c.is_whitespace())
                .unwrap_or(text.len());
            (TokenKind::Space, len)
        }
        '-' if bytes.get(1) == Some(&b'-') => {
            (TokenKind::Comment, text.find('\n').unwrap_or(text.len()))
        }
        '"' => match string_end(&bytes[1..], false) {
            StringEnd::Closed(n) => (TokenKind::Str { terminated: true }, n + 1),
            StringEnd::Open { .. } => (TokenKind::Str { terminated: false }, text.len()),
        },
        '$' if text[1..].starts_with(is_word_char) => (TokenKind::Param, word_end(1)),
        '-' if text[1..].starts_with(|c: char| c.is_ascii_digit()) => {
            (TokenKind::Number, number_end(text, 1))
        }
        c if c.is_ascii_digit() => (TokenKind::Number, number_end(text, 0)),
        c if c.is_ascii_alphabetic() || c == '_' => {
            let len = word_end(0);
            match Keyword::from_word(&text[..len]) {
                Some(k) => (TokenKind::Keyword(k), len),
                None => (TokenKind::Word, len),
            }
        }
        _ => match punct(bytes) {
            Some((p, len)) => (TokenKind::Punct(p), len),
            None => (TokenKind::Unknown, first.len_utf8()),
        },
    };
    Some(token)
}

/// Where a number token that starts at `from` ends: it takes every letter,
/// digit, `_` and `.` that follows, so that `12abc` is one bad number.
fn number_end(text: &str, from: usize) -> usize {
    text[from..]
        .find(|c: char| !(is_word_char(c) || c == '.'))
        .map_or(text.len(), |n| from + n)
}

fn punct(bytes: &[u8]) -> Option<(Punct, usize)> {
    let two = match bytes.get(..2) {
        Some(b"==") => Some(Punct::EqEq),
        Some(b"!=") => Some(Punct::Ne),
        Some(b"<>") => Some(Punct::LtGt),
        Some(b"<=") => Some(Punct::Le),
        Some(b">=") => Some(Punct::Ge),
        _ => None,
    };
    if let Some(p) = two {
        return Some((p, 2));
    }
    let one = match bytes.first()? {
        b'(' => Punct::LParen,
        b')' => Punct::RParen,
        b',' => Punct::Comma,
        b'*' => Punct::Star,
        b';' => Punct::Semicolon,
        b'=' => Punct::Eq,
        b'<' => Punct::Lt,
        b'>' => Punct::Gt,
        _ => return None,
    };
    Some((one, 1))
}

/// How the inside of a string ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StringEnd {
    /// The closing quote is the byte before this offset.
    Closed(usize),
    /// The text ended inside the string; `escaped` when its last byte was
    /// a `\` whose escape is still to come.
    Open { escaped: bool },
}

/// Reads the inside of a string (what follows its opening quote), from a
/// state where the previous byte was a backslash (`escaped`) or not. The
/// stdin scanner resumes a string that spans lines with it.
pub(crate) fn string_end(bytes: &[u8], mut escaped: bool) -> StringEnd {
    for (i, &b) in bytes.iter().enumerate() {
        if escaped {
            escaped = false;
        } else if b == b'\\' {
            escaped = true;
        } else if b == b'"' {
            return StringEnd::Closed(i + 1);
        }
    }
    StringEnd::Open { escaped }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_keyword_is_read_back_in_any_case() {
        for &k in Keyword::ALL {
            assert!(k.as_str().len() <= KEYWORD_MAX, "{k}");
            assert_eq!(Keyword::from_word(k.as_str()), Some(k));
            assert_eq!(Keyword::from_word(&k.as_str().to_uppercase()), Some(k));
        }
        for word in [
            "",
            "claimz",
            "ünïcode",
            "a_very_long_word_that_is_no_keyword",
        ] {
            assert_eq!(Keyword::from_word(word), None, "{word}");
        }
    }

    fn kinds(src: &str) -> Vec<(TokenKind, &str)> {
        tokens(src)
            .filter(|t| !t.is_trivia())
            .map(|t| (t.kind, t.text(src)))
            .collect()
    }

    #[test]
    fn every_kind_of_token() {
        use Keyword as K;
        use TokenKind::{Number, Param, Str, Unknown, Word};
        let p = TokenKind::Punct;
        let k = TokenKind::Keyword;
        let src = "Claims where speaker=\"a \\\"b\\\" ;\" and confidence >= -0.5 -- note ;\n limit $n; 12abc 'x' <> == != ( ) , * éx";
        assert_eq!(
            kinds(src),
            [
                (k(K::Claims), "Claims"),
                (k(K::Where), "where"),
                (k(K::Speaker), "speaker"),
                (p(Punct::Eq), "="),
                (Str { terminated: true }, "\"a \\\"b\\\" ;\""),
                (k(K::And), "and"),
                (Word, "confidence"),
                (p(Punct::Ge), ">="),
                (Number, "-0.5"),
                (k(K::Limit), "limit"),
                (Param, "$n"),
                (p(Punct::Semicolon), ";"),
                (Number, "12abc"),
                (Unknown, "'"),
                (Word, "x"),
                (Unknown, "'"),
                (p(Punct::LtGt), "<>"),
                (p(Punct::EqEq), "=="),
                (p(Punct::Ne), "!="),
                (p(Punct::LParen), "("),
                (p(Punct::RParen), ")"),
                (p(Punct::Comma), ","),
                (p(Punct::Star), "*"),
                (Unknown, "é"),
                (Word, "x"),
            ]
        );
    }

    #[test]
    fn tokens_cover_the_text_exactly() {
        for src in ["", "a", "\"open", "x -- c", "- $ -", "\"\\", "é\u{a0}b"] {
            let mut at = 0;
            for t in tokens(src) {
                assert_eq!(t.span.start, at, "{src:?}");
                assert!(t.span.end > t.span.start, "{src:?}");
                at = t.span.end;
            }
            assert_eq!(at, src.len(), "{src:?}");
        }
    }

    #[test]
    fn an_unclosed_string_runs_to_the_end() {
        assert_eq!(
            kinds("x = \"a; b"),
            [
                (TokenKind::Word, "x"),
                (TokenKind::Punct(Punct::Eq), "="),
                (TokenKind::Str { terminated: false }, "\"a; b")
            ]
        );
    }

    #[test]
    fn every_keyword_lexes_as_itself() {
        for &k in Keyword::ALL {
            assert_eq!(
                kinds(&k.as_str().to_uppercase()),
                [(TokenKind::Keyword(k), &*k.as_str().to_uppercase())]
            );
        }
    }
}
