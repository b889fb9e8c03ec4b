//! The citation case table's lines (`tests/citation-cases.txt`, and any
//! table of the same form kept outside the project): `VERDICT | TEXT |
//! QUOTE [| KIND [| not KIND | known: WHY]]`, `#` comments, `\n` and
//! `\u{XXXX}` escapes in quotes. Shared by `tests/citations.rs` and
//! `benches/citation_eval.rs`.

#![allow(dead_code)]

/// One case.
pub struct Case<'t> {
    /// The line's number in its file.
    pub line: usize,
    pub verdict: &'t str,
    pub text: &'t str,
    pub quote: String,
    /// The fields after the quote (a misquote's change kind, ...).
    pub rest: Vec<&'t str>,
}

/// The cases of a table.
pub fn cases(table: &str) -> Vec<Case<'_>> {
    table
        .lines()
        .enumerate()
        .filter_map(|(n, line)| {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                return None;
            }
            let fields: Vec<&str> = line.split(" | ").map(str::trim).collect();
            Some(Case {
                line: n + 1,
                verdict: fields[0],
                text: fields.get(1).copied().unwrap_or(""),
                quote: unescape(fields.get(2).copied().unwrap_or("")),
                rest: fields.get(3..).map(<[&str]>::to_vec).unwrap_or_default(),
            })
        })
        .collect()
}

/// A case's quote: `\n` is a line break, `\u{XXXX}` a Unicode character.
pub fn unescape(quote: &str) -> String {
    let mut out = String::new();
    let mut rest = quote;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(tail) = rest.strip_prefix("\\n") {
            out.push('\n');
            rest = tail;
        } else if let Some(code) = rest
            .strip_prefix("\\u{")
            .and_then(|t| t.split_once('}'))
            .and_then(|(hex, tail)| {
                Some((char::from_u32(u32::from_str_radix(hex, 16).ok()?)?, tail))
            })
        {
            out.push(code.0);
            rest = code.1;
        } else {
            out.push('\\');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}
