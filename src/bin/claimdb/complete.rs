//! What Tab offers in the shell, from the language's lexer and parser.
//!
//! The line is cut into tokens by the same lexer the parser uses; the
//! token under the cursor is what is being completed (a word, or a string
//! not yet closed). What comes before it is handed to the parser, which
//! says what the grammar accepts there ([`expected_at_end`]): those
//! keywords, or the table's fields, are offered first, in the order the
//! grammar tries them, and only then the other words that start the same
//! way. After `speaker =` (or `in (` and `,` inside its list) the names of
//! the database's speakers are offered; after `source =` or `origin =`
//! its source ids.

use claimdb::query::{
    expected_at_end, tokens, Expected, Field, Keyword, Punct, Table, Token, TokenKind,
};

/// The names completion can offer, quoted as they are typed.
#[derive(Debug, Default, Clone)]
pub struct Names {
    /// Speaker names and aliases.
    pub speakers: Vec<String>,
    /// Source ids.
    pub sources: Vec<String>,
}

/// The dot-commands, for a line that starts with `.`.
pub const DOT_COMMANDS: &[&str] = &[
    ".help", ".format", ".output", ".read", ".timer", ".schema", ".open", ".import", ".export",
    ".check", ".extract", ".quit", ".exit",
];

/// Completions for the text before the cursor: where the replaced text
/// starts, and the candidates, best first.
pub fn complete(before: &str, names: &Names) -> (usize, Vec<String>) {
    let trimmed = before.trim_start();
    if trimmed.starts_with('.') && !trimmed.contains(' ') {
        let start = before.len() - trimmed.len();
        let found = DOT_COMMANDS
            .iter()
            .filter(|c| c.starts_with(trimmed))
            .map(|c| c.to_string())
            .collect();
        return (start, found);
    }
    // The statement being typed: what follows the last `;`.
    let all: Vec<Token> = tokens(before).collect();
    let from = all
        .iter()
        .rposition(|t| t.kind == TokenKind::Punct(Punct::Semicolon))
        .map_or(0, |i| i + 1);
    let toks = &all[from..];
    let stmt_start = toks.first().map_or(before.len(), |t| t.span.start);
    // The token under the cursor, if it is one being typed.
    let (start, open_string) = match toks.last() {
        Some(t) if t.span.end == before.len() => match t.kind {
            TokenKind::Word | TokenKind::Keyword(_) => (t.span.start, false),
            TokenKind::Str { terminated: false } => (t.span.start, true),
            _ => (before.len(), false),
        },
        _ => (before.len(), false),
    };
    let typed = &before[start..];
    let earlier: Vec<&Token> = toks
        .iter()
        .filter(|t| t.span.end <= start && !t.is_trivia())
        .collect();
    let field = field_for_value(&earlier, before);
    if open_string || field.is_some() {
        let offered: Vec<&String> = match field.as_deref() {
            Some("speaker") => names.speakers.iter().collect(),
            Some("source") | Some("origin") => names.sources.iter().collect(),
            Some(_) => Vec::new(),
            None => names.speakers.iter().chain(&names.sources).collect(),
        };
        if open_string || !offered.is_empty() {
            let typed = typed.to_lowercase();
            let found = offered
                .into_iter()
                .filter(|n| n.to_lowercase().starts_with(&typed))
                .cloned()
                .collect();
            return (start, found);
        }
    }
    if typed.is_empty() && !ends_after_space_or_punct(before) {
        return (start, Vec::new());
    }
    let typed = typed.to_ascii_lowercase();
    let found = ranked_words(&before[stmt_start..start])
        .into_iter()
        .filter(|w| w.starts_with(&typed))
        .collect();
    (start, found)
}

/// True when the cursor follows whitespace or punctuation, where a new
/// word may begin.
fn ends_after_space_or_punct(before: &str) -> bool {
    before
        .chars()
        .last()
        .is_some_and(|c| c.is_whitespace() || c == '(' || c == ',')
}

/// Every word the shell may offer, those the grammar accepts after
/// `prefix` first, in the grammar's order; then the other keywords and
/// fields alphabetically.
fn ranked_words(prefix: &str) -> Vec<String> {
    let mut ranked: Vec<String> = Vec::new();
    for expected in expected_at_end(prefix) {
        match expected {
            Expected::Keyword(k) => ranked.push(k.as_str().to_string()),
            Expected::Field(table) => {
                let mut fields: Vec<&str> =
                    Field::of(table).iter().map(|f| f.name_in(table)).collect();
                fields.sort_unstable();
                ranked.extend(fields.into_iter().map(String::from));
                if table == Table::Claims {
                    ranked.push(Keyword::Has.as_str().to_string());
                }
            }
            _ => {}
        }
    }
    let mut rest: Vec<String> = Keyword::ALL
        .iter()
        .map(|k| k.as_str().to_string())
        .chain(Field::ALL.iter().map(|f| f.name().to_string()))
        .collect();
    rest.sort_unstable();
    rest.dedup();
    for word in rest {
        if !ranked.contains(&word) {
            ranked.push(word);
        }
    }
    ranked.dedup();
    ranked
}

/// The field a value is being typed for: the word before `=`, `!=` or
/// `<>`, or before `in (` when inside its list.
fn field_for_value(earlier: &[&Token], src: &str) -> Option<String> {
    let mut back = earlier.iter().rev();
    let mut token = back.next()?;
    match token.kind {
        TokenKind::Punct(Punct::Eq | Punct::Ne | Punct::LtGt) => {}
        TokenKind::Punct(Punct::Comma | Punct::LParen) => {
            // Inside a list: back over its values to `(`, then `in`.
            loop {
                match token.kind {
                    TokenKind::Punct(Punct::Comma)
                    | TokenKind::Str { .. }
                    | TokenKind::Number
                    | TokenKind::Param => token = back.next()?,
                    TokenKind::Punct(Punct::LParen) => {
                        token = back.next()?;
                        break;
                    }
                    _ => return None,
                }
            }
            if token.kind != TokenKind::Keyword(Keyword::In) {
                return None;
            }
        }
        _ => return None,
    }
    let field = back.next()?;
    matches!(field.kind, TokenKind::Word | TokenKind::Keyword(_))
        .then(|| field.text(src).to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names {
            speakers: vec!["\"Moriuchi\"".into(), "\"Thae Yong-ho\"".into()],
            sources: vec!["\"fp-lazarus-review\"".into()],
        }
    }

    fn offered(before: &str) -> Vec<String> {
        complete(before, &names()).1
    }

    /// What the grammar accepts next comes first; the rest follows.
    #[test]
    fn keywords_are_ranked_by_what_the_grammar_accepts() {
        let cases: &[(&str, &[&str])] = &[
            ("expl", &["explain"]),
            ("claims wh", &["where"]),
            ("claims ", &["as", "select", "where", "group", "order"]),
            (
                "claims where speaker = \"White\" ",
                &["and", "or", "group", "order", "limit"],
            ),
            ("claims where speaker = \"White\" o", &["or", "order"]),
            ("claims where c", &["column", "confidence"]),
            ("count ", &["claims"]),
            ("add s", &["source", "speaker"]),
            ("claims order by id ", &["desc", "asc", "limit"]),
            ("claims; coun", &["count"]),
        ];
        for (before, first) in cases {
            let got = offered(before);
            assert_eq!(
                &got[..first.len().min(got.len())],
                *first,
                "{before:?}: {got:?}"
            );
        }
        // Words the grammar does not accept there still come, after.
        let after_where = offered("claims where c");
        let contains = after_where.iter().position(|w| w == "contains").unwrap();
        let confidence = after_where.iter().position(|w| w == "confidence").unwrap();
        assert!(confidence < contains, "{after_where:?}");
    }

    #[test]
    fn names_come_from_the_field_the_value_is_for() {
        assert_eq!(offered("claims where speaker = \"Mo"), ["\"Moriuchi\""]);
        assert_eq!(
            offered("claims where speaker = "),
            ["\"Moriuchi\"", "\"Thae Yong-ho\""]
        );
        assert_eq!(
            offered("count claims where source = \"fp"),
            ["\"fp-lazarus-review\""]
        );
        assert_eq!(
            offered("claims where speaker in (\"Moriuchi\", \"T"),
            ["\"Thae Yong-ho\""]
        );
        assert_eq!(offered("where origin = "), ["\"fp-lazarus-review\""]);
        // A string that is no field's value: any name; a quote's: none.
        assert_eq!(offered("alias \"Thae\" to \"T"), ["\"Thae Yong-ho\""]);
        assert!(offered("claims where quote = \"T").is_empty());
        // `;` inside a string does not end the statement.
        assert_eq!(
            offered("claims where quote = \"a;b\" and speaker = \"M"),
            ["\"Moriuchi\""]
        );
    }

    #[test]
    fn dot_commands_at_the_start_of_a_line() {
        assert_eq!(complete(".fo", &names()), (0, vec![".format".to_string()]));
        assert_eq!(complete("  .q", &names()).1, [".quit"]);
    }
}
