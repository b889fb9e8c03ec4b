//! Values: strings with their escapes, numbers, lists and `$parameters`.

use super::*;

impl StatementParser<'_> {
    /// A value, or a bare word standing for a string (`status = verified`).
    pub(super) fn value_or_word<'a>(&self, i: &'a str, what: &str) -> PResult<'a, Literal> {
        match tok(i) {
            Ok((rest, t))
                if matches!(t.kind, TokenKind::Word | TokenKind::Keyword(_))
                    && t.text.chars().all(|c| c.is_ascii_alphabetic()) =>
            {
                Ok((rest, Literal::Str(t.text.to_ascii_lowercase())))
            }
            _ => self.value(i, what),
        }
    }

    /// `(value, ...)`, with each value's span.
    pub(super) fn list<'a>(&self, i: &'a str) -> PResult<'a, Vec<(Literal, Span)>> {
        let Ok((mut rest, _)) = self.punct(Punct::LParen, i) else {
            return fail(
                i,
                token(i).len(),
                format!(
                    "expected a list in parentheses, as in (\"a\", \"b\"), found {}",
                    found(i)
                ),
            );
        };
        let mut items = Vec::new();
        loop {
            let (r, _) = ws(rest)?;
            if let Ok((r, _)) = self.punct(Punct::RParen, r) {
                return Ok((r, items));
            }
            let r = if items.is_empty() {
                r
            } else {
                let Ok((r2, _)) = self.punct(Punct::Comma, r) else {
                    return fail(
                        r,
                        token(r).len(),
                        format!("expected `,` or `)` in the list, found {}", found(r)),
                    );
                };
                ws(r2)?.0
            };
            let (after, v) = self.value(r, "a value in the list")?;
            items.push((v, self.span(r, after)));
            rest = after;
        }
    }

    /// A string, a number, a list or a parameter.
    pub(super) fn value<'a>(&self, i: &'a str, what: &str) -> PResult<'a, Literal> {
        let (i, _) = ws(i)?;
        let next = tok(i).ok();
        match next.map(|(rest, t)| (rest, t.kind, t.text)) {
            Some((_, TokenKind::Str { .. }, _)) => return self.string(i),
            Some((_, TokenKind::Unknown, "'")) => {
                return fail(i, 1, "strings are written in double quotes: \"...\"")
            }
            Some((_, TokenKind::Punct(Punct::LParen), _)) => {
                let (rest, items) = self.list(i)?;
                return Ok((
                    rest,
                    Literal::List(items.into_iter().map(|(v, _)| v).collect()),
                ));
            }
            Some((rest, TokenKind::Param, text)) => {
                return Ok((rest, Literal::Param(text[1..].to_string())))
            }
            Some((_, TokenKind::Unknown, "$")) => {
                return fail(
                    i,
                    1,
                    "a parameter is `$` and a number or a name, as in $1 or $speaker",
                )
            }
            Some((rest, TokenKind::Number, text)) => return self.number(i, rest, text),
            _ => {}
        }
        self.expect_here(i, Expected::Value);
        let word = token(i);
        let hint = if !word.is_empty() && word.chars().all(is_word_char) {
            format!(" (text is written in double quotes: \"{word}\")")
        } else {
            String::new()
        };
        fail(
            i,
            word.len(),
            format!("expected {what} (a \"string\", a number, a (list) or a $parameter), found {}{hint}", found(i)),
        )
    }

    /// A number token: `-`, digits, and an optional fraction; anything else
    /// the lexer took into the token (`12abc`, `1.2.3`) makes it no number.
    fn number<'a>(&self, i: &'a str, rest: &'a str, text: &'a str) -> PResult<'a, Literal> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
        let well_formed = [whole, fraction]
            .iter()
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
        if !well_formed {
            return fail_kind(
                i,
                text.len(),
                QueryErrorKind::BadNumber,
                format!("`{text}` is not a number"),
            );
        }
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok((rest, Literal::Num(n))),
            _ => fail_kind(
                i,
                text.len(),
                QueryErrorKind::BadNumber,
                format!("`{text}` is not a number claimdb can hold"),
            ),
        }
    }

    /// A double-quoted string with `\"`, `\\`, `\n`, `\t`, `\r` and `\u{...}` escapes.
    pub(super) fn string<'a>(&self, i: &'a str) -> PResult<'a, Literal> {
        // The lexer says where the string ends; here its escapes are read.
        let text = match lex_one(i) {
            Some((TokenKind::Str { terminated: true }, len)) => &i[..len],
            _ => i,
        };
        let mut out = String::new();
        let mut chars = text.char_indices().skip(1);
        while let Some((at, c)) = chars.next() {
            match c {
                '"' => return Ok((&i[at + 1..], Literal::Str(out))),
                '\\' => {
                    let Some((_, e)) = chars.next() else { break };
                    match e {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        'u' => {
                            let rest = &text[at + 2..];
                            let hex = rest.strip_prefix('{').and_then(|r| r.split_once('}')).map(|(h, _)| h);
                            match hex.and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32) {
                                Some(ch) => {
                                    out.push(ch);
                                    let used = hex.map_or(0, str::len) + 2;
                                    for _ in 0..used {
                                        chars.next();
                                    }
                                }
                                None => {
                                    return fail_kind(&i[at..], 2, QueryErrorKind::BadEscape, "bad unicode escape: write \\u{XXXX} with hex digits")
                                }
                            }
                        }
                        other => {
                            return fail_kind(
                                &i[at..],
                                1 + other.len_utf8(),
                                QueryErrorKind::BadEscape,
                                format!("unknown escape `\\{other}` (use \\\" \\\\ \\n \\t \\r or \\u{{...}})"),
                            )
                        }
                    }
                }
                c => out.push(c),
            }
        }
        fail_kind(
            i,
            1,
            QueryErrorKind::UnterminatedString,
            "unterminated string: no closing `\"` for the quote that opens here",
        )
    }
}
