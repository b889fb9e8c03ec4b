//! Text for people: quoting names, counting nouns, sizes, and byte
//! offsets turned into line:column.
//!
//! The lowest floor: every other module may use it, and it uses none of
//! them, so an error message, a citation report and a caret all quote and
//! count the same way.

mod position;
mod time;

pub(crate) use position::position_of;
pub use position::{LineIndex, Position};
pub use time::{as_of_bound, first_moment, fix_clock, is_stamp, now_utc, now_utc_millis, today};

/// A name, value or passage quoted for a person: in straight double quotes,
/// as written, line breaks shown as spaces. Never Rust's debug escapes
/// (`\"`, `\u{301}`), which belong to no format a user reads.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        out.push(if c.is_control() { ' ' } else { c });
    }
    out.push('"');
    out
}

/// `s` safe to print to a terminal: control characters (an escape
/// sequence that would recolour or rewrite the screen, a NUL, a carriage
/// return) and the invisible marks that reorder text (a right-to-left
/// override) are shown as `\u{1b}` instead of acting; line breaks and tabs
/// stay. What is stored is not changed: only what is shown.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    let acts = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(acts) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if acts(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// "1 claim", "2 claims": a count and its noun, in the singular for one.
/// Every message that counts things says it this way.
pub fn plural(n: impl Into<u64>, one: &str) -> String {
    let n = n.into();
    if n == 1 {
        return format!("1 {one}");
    }
    // "entry" -> "entries", but "day" -> "days".
    match one.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) => format!("{n} {stem}ies"),
        _ => format!("{n} {one}s"),
    }
}

/// `16 MiB`, `64 KiB`, `512 bytes`: limits as people read them.
pub fn human_bytes(n: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * KIB;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}

/// The largest character boundary at or before byte `i` of `text` (clamped
/// to its length): where a byte offset computed by arithmetic may safely
/// cut the text.
pub fn floor_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}
