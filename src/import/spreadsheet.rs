//! Spreadsheets in: a CSV file as the JSON objects its rows stand for.
//!
//! Spreadsheets write their own way, and each way is read as meant:
//! headers in any case with spaces around, cells separated by a comma, a
//! semicolon or a tab (whichever the header line uses, or the one given),
//! confidences as percentages. A header naming no field is one error for
//! the file, not one refusal per row. Each row becomes the JSON object a
//! JSON line would be, read from then on by the same code.

use serde_json::{Map, Value};

use super::read::Numbered;
use crate::error::quoted;

/// The columns a CSV header may name: the fields of a source, speaker or
/// claim line.
const CSV_COLUMNS: &[&str] = &[
    "type",
    "id",
    "title",
    "author",
    "publisher",
    "date",
    "kind",
    "url",
    "notes",
    "text",
    "text_file",
    "name",
    "aliases",
    "description",
    "speaker",
    "source",
    "origin",
    "quote",
    "statement",
    "confidence",
    "rationale",
    "tags",
    "key",
    "prefix",
    "suffix",
    "position",
];

/// A header cell as the field it names: spreadsheets write `Speaker`,
/// ` Quote ` or `Text File`.
fn column_name(header: &str) -> String {
    header.trim().to_lowercase().replace([' ', '-'], "_")
}

/// The delimiter a CSV file's header line uses: whichever of comma,
/// semicolon and tab appears most often outside quotes (a spreadsheet
/// set to a European locale writes `;`). Comma when none does.
pub(super) fn csv_delimiter(bytes: &[u8]) -> u8 {
    let header = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut in_quotes = false;
    for &b in header {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes {
            if let Some(slot) = counts.iter_mut().find(|(d, _)| *d == b) {
                slot.1 += 1;
            }
        }
    }
    // Ties go to the earlier: comma first.
    counts
        .iter()
        .fold((b',', 0), |best, &c| if c.1 > best.1 { c } else { best })
        .0
}

/// A delimiter as people write it: one ASCII character, or `tab`.
pub fn parse_delimiter(given: &str) -> std::result::Result<u8, String> {
    match given {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        one if one.len() == 1 && one.as_bytes()[0].is_ascii_punctuation() && one != "\"" => {
            Ok(one.as_bytes()[0])
        }
        _ => Err(format!(
            "invalid delimiter {}: one punctuation character (such as , ; or |) or `tab`",
            quoted(given)
        )),
    }
}

/// The rows of a CSV file as JSON objects, by line, read a record at a
/// time.
pub(super) struct CsvObjects<R: std::io::Read> {
    reader: csv::Reader<R>,
    headers: csv::StringRecord,
    record: csv::StringRecord,
    done: bool,
}

impl<R: std::io::Read> CsvObjects<R> {
    /// The rows of the CSV `reader` holds; `Err` for a header that cannot
    /// be read, or that names a column no record has.
    pub(super) fn new(reader: R, delimiter: u8) -> std::result::Result<Self, String> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .delimiter(delimiter)
            .from_reader(reader);
        let written = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => return Err(csv_error(&e)),
        };
        let headers: csv::StringRecord = written.iter().map(column_name).collect();
        let unknown = written
            .iter()
            .zip(headers.iter())
            .find(|(_, name)| !CSV_COLUMNS.contains(name));
        if let Some((shown, _)) = unknown {
            // A header cell holding punctuation is likely several cells kept
            // together by a delimiter not detected.
            let delimiter = shown
                .chars()
                .find(|c| c.is_ascii_punctuation() && !matches!(c, '_' | '-' | '"'));
            let hint = match delimiter {
                Some(d) => format!(
                    " (is {} the delimiter? give it with --delimiter)",
                    quoted(&d.to_string())
                ),
                None => String::new(),
            };
            return Err(format!(
                "unknown column {} in the header{hint}; the columns are {}",
                quoted(shown.trim()),
                CSV_COLUMNS.join(", ")
            ));
        }
        Ok(CsvObjects {
            reader,
            headers,
            record: csv::StringRecord::new(),
            done: false,
        })
    }
}

impl<R: std::io::Read> Iterator for CsvObjects<R> {
    type Item = Numbered;

    fn next(&mut self) -> Option<Numbered> {
        if self.done {
            return None;
        }
        let line = self.reader.position().line() as usize;
        match self.reader.read_record(&mut self.record) {
            Ok(false) => {
                self.done = true;
                None
            }
            Ok(true) => {
                let line = self.record.position().map_or(line, |p| p.line() as usize);
                Some((line, csv_object(&self.headers, &self.record)))
            }
            Err(e) => {
                let at = e.position().map_or(line, |p| p.line() as usize);
                // A row that is not UTF-8 or has the wrong number of
                // fields: go on with the next one; otherwise stop.
                self.done = !matches!(
                    e.kind(),
                    csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::UnequalLengths { .. }
                );
                Some((at, Err(csv_error(&e))))
            }
        }
    }
}

fn csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => format!("invalid UTF-8 in field {}", err.field() + 1),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        _ => e.to_string(),
    }
}

/// A CSV row as the JSON object a JSON line would be: empty cells left
/// out, numbers where a number is expected, lists split at `;`.
fn csv_object(
    headers: &csv::StringRecord,
    row: &csv::StringRecord,
) -> std::result::Result<Value, String> {
    let mut object = Map::new();
    for (name, cell) in headers.iter().zip(row.iter()) {
        let name = name.trim();
        if cell.is_empty() {
            continue;
        }
        let value = match name {
            // A spreadsheet formats a confidence as a percentage: 80% is 0.8.
            "confidence" if cell.trim().ends_with('%') => {
                let number = cell.trim().trim_end_matches('%').trim();
                match number.parse::<f64>() {
                    Ok(n) if n.is_finite() => {
                        serde_json::Number::from_f64(n / 100.0).map_or(Value::Null, Value::Number)
                    }
                    _ => {
                        return Err(format!(
                            "invalid confidence: {} is not a number or a percentage",
                            quoted(cell.trim())
                        ))
                    }
                }
            }
            "confidence" | "position" => match cell.trim().parse::<f64>() {
                Ok(n) if !n.is_finite() => {
                    return Err(format!("invalid {name}: {} is outside 0..=1", cell.trim()))
                }
                Ok(n) if name == "position" && n >= 0.0 && n.fract() == 0.0 => {
                    Value::from(n as u64)
                }
                Ok(n) if name == "confidence" => {
                    serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
                }
                // Not a number: the record's reader says what was expected.
                _ => Value::String(cell.to_string()),
            },
            "aliases" | "tags" => Value::Array(
                cell.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| Value::String(s.to_string()))
                    .collect(),
            ),
            _ => Value::String(cell.to_string()),
        };
        object.insert(name.to_string(), value);
    }
    object
        .entry("type")
        .or_insert_with(|| Value::String("claim".into()));
    Ok(Value::Object(object))
}
