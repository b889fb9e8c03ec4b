//! A Markdown table (GitHub's pipe tables), for notes and issues: the
//! columns the table view shows, a header, a separator, a row per record.
//! A `|` in a cell is escaped, a line break becomes `<br>`, so a quote of
//! several lines stays in its cell.

use super::Table;

fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

/// The table as Markdown, without a final line break.
pub fn table_markdown(table: &Table) -> String {
    let shown: Vec<usize> = if table.brief.is_empty() {
        (0..table.columns.len()).collect()
    } else {
        table.brief.clone()
    };
    let mut out = Vec::with_capacity(table.rows.len() + 2);
    let header: Vec<String> = shown.iter().map(|&i| cell(&table.columns[i])).collect();
    out.push(format!("| {} |", header.join(" | ")));
    out.push(format!("|{}|", vec!["---"; shown.len()].join("|")));
    for row in &table.rows {
        let cells: Vec<String> = shown.iter().map(|&i| cell(&row[i].display())).collect();
        out.push(format!("| {} |", cells.join(" | ")));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Value;

    #[test]
    fn pipes_and_line_breaks_stay_in_their_cell() {
        let t = Table {
            columns: vec!["id".into(), "quote".into()],
            rows: vec![
                vec![Value::Int(1), Value::Text("a | b\nc".into())],
                vec![Value::Null, Value::List(vec!["x".into(), "y".into()])],
            ],
            brief: vec![],
            shrink: None,
        };
        assert_eq!(
            table_markdown(&t),
            "| id | quote |\n|---|---|\n| 1 | a \\| b<br>c |\n|  | x, y |"
        );
    }
}
