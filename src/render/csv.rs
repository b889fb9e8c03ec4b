//! RFC 4180 CSV: a header row of field names, CRLF line ends, and fields
//! quoted when they hold a comma, a double quote, a CR or an LF (a double
//! quote inside is doubled). Lists (tags, aliases) are one field, their items
//! joined with `; `. Absent values are empty fields.

use super::{Table, Value};

/// One record's fields as a CSV line, without its line break, written by
/// the `csv` crate: a field is quoted when it must be, and a record of one
/// empty field is `""`, never an empty line (which readers skip, losing
/// the row).
fn record<'a>(fields: impl IntoIterator<Item = std::borrow::Cow<'a, str>>) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let fields: Vec<std::borrow::Cow<'a, str>> = fields.into_iter().collect();
    // Writing to memory cannot fail.
    let _ = writer.write_record(fields.iter().map(|f| f.as_bytes()));
    let bytes = writer.into_inner().unwrap_or_default();
    let text = String::from_utf8(bytes).unwrap_or_default();
    text.strip_suffix("\r\n").unwrap_or(&text).to_string()
}

fn cell(v: &Value) -> std::borrow::Cow<'_, str> {
    match v {
        Value::List(items) => items.join("; ").into(),
        Value::Text(s) => s.as_str().into(),
        other => other.display().into(),
    }
}

/// The table as CSV text, without a final line break.
pub fn table_csv(table: &Table) -> String {
    let mut lines = vec![record(table.columns.iter().map(|c| c.as_str().into()))];
    for row in &table.rows {
        lines.push(row_csv(row));
    }
    lines.join("\r\n")
}

/// One row's fields, without a line break.
pub fn row_csv(row: &[Value]) -> String {
    record(row.iter().map(cell))
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

    #[test]
    fn a_row_of_one_empty_field_is_not_an_empty_line() {
        let t = Table {
            columns: vec!["key".into()],
            rows: vec![
                vec![Value::Null],
                vec![Value::Text("k".into())],
                vec![Value::Null],
            ],
            brief: vec![],
            shrink: None,
        };
        assert_eq!(table_csv(&t), "key\r\n\"\"\r\nk\r\n\"\"");
    }
}
