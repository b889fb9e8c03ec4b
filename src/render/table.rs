//! The aligned text view, in the manner of psql and the sqlite3 shell's
//! `.mode table`: a header, a rule, right-aligned numbers, and a row count.
//! Widths are measured in terminal columns (an em dash is one, a CJK
//! character two), and one chosen column (a claim's quote) wraps onto
//! continuation lines so that a row fits the terminal.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{Table, Value};

/// Narrowest a shortened column may become.
const MIN_SHRUNK: usize = 12;

/// Renders `table` for a terminal `width` columns wide.
pub fn render_table(table: &Table, width: usize) -> String {
    let cols = &table.brief;
    let cells: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|row| {
            cols.iter()
                .map(|&c| one_line(&crate::text::visible(&row[c].display())))
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = cols.iter().map(|&c| table.columns[c].width()).collect();
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    if let Some(pos) = table.shrink.and_then(|s| cols.iter().position(|&c| c == s)) {
        let others: usize = widths
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != pos)
            .map(|(_, w)| w + 3)
            .sum();
        let room = width.saturating_sub(others + 1).max(MIN_SHRUNK);
        widths[pos] = widths[pos].min(room);
    }
    let numeric: Vec<bool> = cols
        .iter()
        .map(|&c| {
            table
                .rows
                .iter()
                .all(|r| matches!(r[c], Value::Int(_) | Value::Num(_) | Value::Null))
        })
        .collect();

    let mut out = String::new();
    let header: Vec<String> = cols.iter().map(|&c| table.columns[c].to_string()).collect();
    push_row(&mut out, &header, &widths, &vec![false; cols.len()]);
    // The rule runs as far as the widest row: the last column has no trailing space.
    let last = widths.len().saturating_sub(1);
    let rule: Vec<String> = widths
        .iter()
        .enumerate()
        .map(|(i, &w)| "-".repeat(if i == last { w + 1 } else { w + 2 }))
        .collect();
    out.push_str(&rule.join("+"));
    out.push('\n');
    let wrap_at = table.shrink.and_then(|s| cols.iter().position(|&c| c == s));
    for row in &cells {
        // The long column wraps onto continuation lines; other cells are
        // cut short if they are still too wide.
        let wrapped = match wrap_at {
            Some(pos) => wrap(&row[pos], widths[pos]),
            None => vec![],
        };
        let mut first = row.clone();
        if let (Some(pos), Some(line)) = (wrap_at, wrapped.first()) {
            first[pos] = line.clone();
        }
        push_row(&mut out, &first, &widths, &numeric);
        for more in wrapped.iter().skip(1) {
            let mut cont = vec![String::new(); cols.len()];
            cont[wrap_at.unwrap_or(0)] = more.clone();
            push_row(&mut out, &cont, &widths, &numeric);
        }
    }
    let n = table.rows.len();
    out.push_str(&format!("({n} row{})", if n == 1 { "" } else { "s" }));
    out
}

fn push_row(out: &mut String, cells: &[String], widths: &[usize], numeric: &[bool]) {
    let mut line = String::new();
    for (i, (cell, &w)) in cells.iter().zip(widths).enumerate() {
        let cell = truncate(cell, w);
        let pad = " ".repeat(w - cell.width());
        if i > 0 {
            line.push('|');
        }
        if numeric[i] {
            line.push_str(&format!(" {pad}{cell} "));
        } else {
            line.push_str(&format!(" {cell}{pad} "));
        }
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// Breaks `s` into lines at most `width` columns wide, at spaces where it
/// can and inside a word where a word alone is too long.
pub(super) fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        let sep = usize::from(!line.is_empty());
        if line.width() + sep + word.width() <= width {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            if line.width() + c.width().unwrap_or(0) > width {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Line breaks and tabs become spaces: one record, one line.
pub(super) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cuts `s` to `width` terminal columns, ending with `…` when cut.
fn truncate(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_and_wraps() {
        let table = Table {
            columns: vec!["id".into(), "quote".into()],
            rows: vec![
                vec![Value::Int(1), Value::Text("short".into())],
                vec![
                    Value::Int(10),
                    Value::Text("a much longer quote — with a dash".into()),
                ],
            ],
            brief: vec![0, 1],
            shrink: Some(1),
        };
        let text = render_table(&table, 25);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], " id | quote");
        assert_eq!(lines[2], "  1 | short");
        assert_eq!(lines[3], " 10 | a much longer quote", "{text}");
        assert_eq!(lines[4], "    | — with a dash");
        assert!(lines.iter().all(|l| l.width() <= 25), "{text}");
        assert_eq!(lines[5], "(2 rows)");
    }
}
