//! One field per line (the sqlite3 shell's `.mode line`), for long quotes
//! and statements: every column of a record as `name = value`, the names
//! right-aligned, records apart by a blank line. A value's own line breaks
//! are indented under it, so no value runs into the next name.

use super::Table;

/// The table one field per line, without a final line break.
pub fn table_lines(table: &Table) -> String {
    let width = table
        .columns
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0);
    let pad = " ".repeat(width + 3);
    table
        .rows
        .iter()
        .map(|row| {
            table
                .columns
                .iter()
                .zip(row)
                .map(|(name, value)| {
                    let text = value.display().replace('\n', &format!("\n{pad}"));
                    format!("{name:>width$} = {text}")
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Value;

    #[test]
    fn every_field_on_a_line_of_its_own() {
        let t = Table {
            columns: vec!["id".into(), "quote".into()],
            rows: vec![
                vec![Value::Int(1), Value::Text("one\ntwo".into())],
                vec![Value::Int(2), Value::Null],
            ],
            brief: vec![0],
            shrink: None,
        };
        assert_eq!(
            table_lines(&t),
            "   id = 1\nquote = one\n        two\n\n   id = 2\nquote = "
        );
    }
}
