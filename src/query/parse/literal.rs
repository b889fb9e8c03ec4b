//! Values: strings with their escapes, numbers, lists and `$parameters`.

use super::*;

impl StatementParser<'_> {
    /// A value, or a bare word standing for a string (`status = verified`).
    pub(super) fn value_or_word<'a>(&self, i: &'a str, what: &str) -> PResult<'a, Literal> {
        match take_while1::<_, _, PErr>(|c: char| c.is_ascii_alphabetic()).parse(i) {
            Ok((rest, word)) if !rest.starts_with(is_ident_char) => {
                Ok((rest, Literal::Str(word.to_ascii_lowercase())))
            }
            _ => self.value(i, what),
        }
    }

    /// `(value, ...)`, with each value's span.
    pub(super) fn list<'a>(&self, i: &'a str) -> PResult<'a, Vec<(Literal, Span)>> {
        let Some(mut rest) = i.strip_prefix('(') else {
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
            if let Some(r) = r.strip_prefix(')') {
                return Ok((r, items));
            }
            if !items.is_empty() {
                let Some(r2) = r.strip_prefix(',') else {
                    return fail(
                        r,
                        token(r).len(),
                        format!("expected `,` or `)` in the list, found {}", found(r)),
                    );
                };
                let (r2, _) = ws(r2)?;
                let (after, v) = self.value(r2, "a value in the list")?;
                items.push((v, self.span(r2, after)));
                rest = after;
            } else {
                let (after, v) = self.value(r, "a value in the list")?;
                items.push((v, self.span(r, after)));
                rest = after;
            }
        }
    }

    /// A string, a number, a list or a parameter.
    pub(super) fn value<'a>(&self, i: &'a str, what: &str) -> PResult<'a, Literal> {
        if i.starts_with('"') {
            return self.string(i);
        }
        if i.starts_with('\'') {
            return fail(i, 1, "strings are written in double quotes: \"...\"");
        }
        if i.starts_with('(') {
            let (rest, items) = self.list(i)?;
            return Ok((
                rest,
                Literal::List(items.into_iter().map(|(v, _)| v).collect()),
            ));
        }
        if let Some(rest) = i.strip_prefix('$') {
            return match take_while1::<_, _, PErr>(is_ident_char).parse(rest) {
                Ok((after, name)) => Ok((after, Literal::Param(name.to_string()))),
                Err(_) => fail(
                    i,
                    1,
                    "a parameter is `$` and a number or a name, as in $1 or $speaker",
                ),
            };
        }
        let mut number = recognize((
            opt(char::<&str, PErr>('-')),
            digit1,
            opt((char('.'), digit1)),
        ));
        if let Ok((rest, text)) = number.parse(i) {
            if rest.starts_with(|c: char| is_ident_char(c) || c == '.') {
                let bad = token(rest).len() + (i.len() - rest.len());
                return fail(i, bad, format!("`{}` is not a number", &i[..bad]));
            }
            return match text.parse::<f64>() {
                Ok(n) if n.is_finite() => Ok((rest, Literal::Num(n))),
                _ => fail(
                    i,
                    text.len(),
                    format!("`{text}` is not a number claimdb can hold"),
                ),
            };
        }
        let word = token(i);
        let hint = if !word.is_empty() && word.chars().all(is_ident_char) {
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

    /// A double-quoted string with `\"`, `\\`, `\n`, `\t`, `\r` and `\u{...}` escapes.
    pub(super) fn string<'a>(&self, i: &'a str) -> PResult<'a, Literal> {
        let mut out = String::new();
        let mut chars = i.char_indices().skip(1);
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
                            let rest = &i[at + 2..];
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
                                    return fail(&i[at..], 2, "bad unicode escape: write \\u{XXXX} with hex digits")
                                }
                            }
                        }
                        other => {
                            return fail(
                                &i[at..],
                                1 + other.len_utf8(),
                                format!("unknown escape `\\{other}` (use \\\" \\\\ \\n \\t \\r or \\u{{...}})"),
                            )
                        }
                    }
                }
                c => out.push(c),
            }
        }
        fail(
            i,
            1,
            "unterminated string: no closing `\"` for the quote that opens here",
        )
    }
}
