//! RFC 4180 CSV: a header row of field names, CRLF line ends, and fields
//! quoted when they hold a comma, a double quote, a CR or an LF (a double
//! quote inside is doubled). Lists (tags, aliases) are one field, their items
//! joined with `; `. Absent values are empty fields.

use super::{Table, Value};

fn field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn cell(v: &Value) -> String {
    match v {
        Value::List(items) => field(&items.join("; ")),
        other => field(&other.display()),
    }
}

/// The table as CSV text, without a final line break.
pub fn table_csv(table: &Table) -> String {
    let mut lines = vec![table
        .columns
        .iter()
        .map(|c| field(c))
        .collect::<Vec<_>>()
        .join(",")];
    for row in &table.rows {
        lines.push(row_csv(row));
    }
    lines.join("\r\n")
}

/// One row's fields, without a line break.
pub fn row_csv(row: &[Value]) -> String {
    row.iter().map(cell).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_what_needs_quoting() {
        let t = Table {
            columns: vec!["id".into(), "quote".into(), "tags".into()],
            rows: vec![vec![
                Value::Int(1),
                Value::Text("he said \"no\", twice\nthen left".into()),
                Value::List(vec!["a".into(), "b".into()]),
            ]],
            brief: vec![],
            shrink: None,
        };
        assert_eq!(
            table_csv(&t),
            "id,quote,tags\r\n1,\"he said \"\"no\"\", twice\nthen left\",a; b"
        );
    }
}
