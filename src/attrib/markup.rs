//! A web page stored as HTML, read for its words.
//!
//! A story saved from the web keeps its markup (`<p>`, `<br>`, `<strong>`)
//! and its entities (`&quot;`, `&#8220;`). None of it is anyone's words,
//! yet read as text a tag glues paragraphs together, hides the stop that
//! ends a sentence (`children.</p>`) and an entity hides the quotation
//! mark that opens a quote (`&quot;debe poder`). Attribution therefore
//! reads a *reading copy*: the same length in bytes, every byte where it
//! was, with each tag blanked (a block's tag made a paragraph break) and
//! each entity replaced by its character padded with spaces on the side
//! away from the word it touches. Every range found in the copy is a range
//! of the stored text, so what is proposed is quoted from the stored text
//! as it is, entities and all (see [`snap`]).

use std::ops::Range;

/// Tags that start a new block: their place becomes a paragraph break.
const BLOCKS: &[&str] = &[
    "p",
    "br",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "figure",
    "figcaption",
    "table",
    "tr",
    "td",
    "th",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "iframe",
    "hr",
];

/// Tags within a line of text: their place becomes spaces.
const INLINE: &[&str] = &[
    "a", "b", "i", "em", "strong", "span", "sup", "sub", "img", "u", "small", "font", "cite", "q",
    "abbr", "time", "mark", "source", "picture", "video", "audio",
];

/// Tags whose contents are code, not words.
const HIDDEN: &[&str] = &["script", "style"];

/// Named entities and their characters.
const ENTITIES: &[(&str, char)] = &[
    ("quot", '"'),
    ("amp", '&'),
    ("apos", '\''),
    ("lt", '<'),
    ("gt", '>'),
    ("nbsp", ' '),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("mdash", '—'),
    ("ndash", '–'),
    ("hellip", '…'),
    ("iexcl", '¡'),
    ("iquest", '¿'),
];

/// How many tags make a text a web page rather than prose that mentions
/// one (`the <p> tag`).
const TAGS_OF_A_PAGE: usize = 3;

/// A reading copy of a stored web page, and where its markup is.
#[derive(Debug, Clone)]
pub struct Reading {
    /// The copy: as long as the text, each byte where it was.
    pub text: String,
    /// The byte range of each tag, entity, caption, link-only block and
    /// template field, in order.
    pub spans: Vec<Range<usize>>,
}

/// The reading copy of `text`, or `None` when it is not markup (fewer
/// than [`TAGS_OF_A_PAGE`] known tags): a text is read as it is.
pub fn reading_copy(text: &str) -> Option<Reading> {
    let tags = tags(text);
    if tags.len() < TAGS_OF_A_PAGE {
        return None;
    }
    let mut copy = text.as_bytes().to_vec();
    let mut spans = Vec::new();
    // The page's own tags: those inside hidden code are none of its.
    let mut visible = Vec::with_capacity(tags.len());
    let mut hidden_until = 0;
    for tag in tags {
        if tag.range.start < hidden_until {
            continue;
        }
        let mut range = tag.range.clone();
        if HIDDEN.contains(&tag.name.as_str()) && !tag.closing {
            // Blank the code up to the closing tag, or to the end.
            range.end = closing_tag_end(text, range.end, &tag.name).unwrap_or(text.len());
            hidden_until = range.end;
        }
        blank(&mut copy, &range, BLOCKS.contains(&tag.name.as_str()));
        spans.push(range);
        visible.push(tag);
    }
    for caption in captions(text, &visible) {
        copy[caption.clone()].fill(b' ');
        spans.push(caption);
    }
    for line in data_lines(text) {
        copy[line.clone()].fill(b' ');
        spans.retain(|s| !(line.start <= s.start && s.end <= line.end));
        spans.push(line);
    }
    spans.sort_by_key(|s| s.start);
    let mut decoded = Vec::new();
    for (range, c) in entities(text) {
        // Spans are in order and apart: the one that could hold it.
        let k = spans.partition_point(|s| s.end <= range.start);
        if spans
            .get(k)
            .is_some_and(|s| s.start <= range.start && range.end <= s.end)
        {
            continue;
        }
        let mut buf = [0u8; 4];
        let encoded = c.encode_utf8(&mut buf).as_bytes();
        let width = range.end - range.start;
        if encoded.len() > width {
            continue;
        }
        copy[range.clone()].fill(b' ');
        if c != ' ' {
            // Against the word it touches: `&quot;debe` reads `     "debe`,
            // `trabajo&quot;` reads `trabajo"     `.
            let word_after = text[range.end..]
                .chars()
                .next()
                .is_some_and(|n| n.is_alphanumeric() || n == '¿' || n == '¡');
            let at = if word_after {
                range.end - encoded.len()
            } else {
                range.start
            };
            copy[at..at + encoded.len()].copy_from_slice(encoded);
        }
        decoded.push(range);
    }
    spans.extend(decoded);
    spans.sort_by_key(|s| s.start);
    lines_start_at_words(&mut copy);
    // Only ASCII bytes were replaced, with whole characters: still UTF-8.
    let text = String::from_utf8(copy).ok()?;
    Some(Reading { text, spans })
}

/// `range` widened to whole tags and entities at its ends, so that a
/// passage found in the reading copy is quoted from the stored text
/// without half an entity (`&quot;debe`, never `;debe`).
pub fn snap(spans: &[Range<usize>], range: Range<usize>) -> Range<usize> {
    let containing = |at: usize| {
        let k = spans.partition_point(|s| s.end <= at);
        spans.get(k).filter(|s| s.start < at).cloned()
    };
    let start = containing(range.start).map_or(range.start, |s| s.start);
    let end = containing(range.end).map_or(range.end, |s| s.end);
    start..end.max(start)
}

/// Where the tag closing `<NAME …>` ends, searching from `from` without
/// regard to case (`</script>`, `</SCRIPT >`).
fn closing_tag_end(text: &str, from: usize, name: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = from;
    while let Some(k) = memchr::memmem::find(&bytes[at..], b"</") {
        let start = at + k + 2;
        let named = bytes
            .get(start..start + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()));
        if named {
            return memchr::memchr(b'>', &bytes[start..]).map(|g| start + g + 1);
        }
        at = start;
    }
    None
}

/// The text of each block that is no one's words: one that opens with an
/// image (`<div><img …>FILE- President Trump's feed …</div>`, a caption
/// and its credit), a `<figcaption>`, or one that is a link and nothing
/// else (`<p><a href=…>Read: McCabe accuses Trump …</a></p>`, a pointer to
/// another story). Blanked like the tags around it.
fn captions(text: &str, tags: &[Tag]) -> Vec<Range<usize>> {
    let block = |t: &Tag| BLOCKS.contains(&t.name.as_str());
    // Nothing but tags and blanks between byte `from` and tag `to`'s start,
    // over the tags `between`.
    let only_markup = |from: usize, between: &[Tag], to: usize| {
        let mut at = from;
        between.iter().all(|t| {
            let blank = text[at..t.range.start].trim().is_empty();
            at = t.range.end;
            blank
        }) && text[at..to].trim().is_empty()
    };
    let block_end = |k: usize| {
        let next = tags[k + 1..].iter().position(block).map(|j| k + 1 + j);
        (next, next.map_or(text.len(), |j| tags[j].range.start))
    };
    let mut out = Vec::new();
    // The last block tag before the one at hand.
    let mut opened: Option<usize> = None;
    for (k, tag) in tags.iter().enumerate() {
        let was_open = opened;
        if block(tag) {
            opened = Some(k);
        }
        let candidate = matches!(tag.name.as_str(), "img" | "figcaption" | "a");
        if tag.closing || !candidate {
            continue;
        }
        let opened = was_open;
        let first_in_block = || {
            let from = opened.map_or(0, |b| tags[b].range.end);
            only_markup(from, &tags[opened.map_or(0, |b| b + 1)..k], tag.range.start)
        };
        let (next_block, end) = block_end(k);
        let caption = match tag.name.as_str() {
            "img" => first_in_block(),
            "figcaption" => true,
            "a" => {
                // The whole block is the link.
                let close = tags[k + 1..]
                    .iter()
                    .position(|t| t.name == "a" && t.closing)
                    .map(|j| k + 1 + j);
                first_in_block()
                    && close.is_some_and(|c| {
                        next_block.is_none_or(|n| c < n)
                            && only_markup(
                                tags[c].range.end,
                                &tags[c + 1..next_block.unwrap_or(tags.len())],
                                end,
                            )
                    })
            }
            _ => false,
        };
        if !caption {
            continue;
        }
        // Tags inside the caption stay spans of their own.
        let mut at = tag.range.end;
        for t in tags[k + 1..].iter().take_while(|t| t.range.start < end) {
            if !text[at..t.range.start].trim().is_empty() {
                out.push(at..t.range.start);
            }
            at = t.range.end;
        }
        if !text[at..end].trim().is_empty() {
            out.push(at..end);
        }
    }
    out
}

/// Lines of data around a page's body (`'title' => 'Casa Blanca niega …',`,
/// `"author": "VOA",`): a template's or a feed's fields, a key in quotes
/// then `=>` or `:`, no one's words however much they look like prose.
fn data_lines(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        let key = trimmed
            .chars()
            .next()
            .filter(|c| *c == '\'' || *c == '"')
            .and_then(|q| {
                let rest = &trimmed[1..];
                let close = rest.find(q)?;
                let name = &rest[..close];
                let after = rest[close + 1..].trim_start();
                let is_key = !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
                (is_key && (after.starts_with("=>") || after.starts_with(':'))).then_some(())
            });
        if key.is_some() && !body.is_empty() {
            out.push(at..at + body.len());
        }
        at += line.len();
    }
    out
}

/// One tag found in the text.
struct Tag {
    range: Range<usize>,
    name: String,
    closing: bool,
}

/// Every known tag (`<p>`, `</p>`, `<img src=…>`, `<br/>`) and comment.
fn tags(text: &str) -> Vec<Tag> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(k) = memchr::memchr(b'<', &bytes[at..]) {
        let start = at + k;
        at = start + 1;
        if text[start..].starts_with("<!--") {
            if let Some(end) = text[start..].find("-->") {
                out.push(Tag {
                    range: start..start + end + 3,
                    name: "!--".into(),
                    closing: false,
                });
                at = start + end + 3;
            }
            continue;
        }
        let closing = bytes.get(at) == Some(&b'/');
        let name_at = at + usize::from(closing);
        let name_len = bytes[name_at..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let name = text[name_at..name_at + name_len].to_ascii_lowercase();
        let known = BLOCKS.contains(&name.as_str())
            || INLINE.contains(&name.as_str())
            || HIDDEN.contains(&name.as_str());
        let after = bytes.get(name_at + name_len).copied();
        if !known || !matches!(after, Some(b'>' | b' ' | b'/' | b'\t' | b'\n' | b'\r')) {
            continue;
        }
        // A tag ends at its `>`, outside quoted attribute values.
        let mut quote: Option<u8> = None;
        let mut end = None;
        for (j, &b) in bytes[name_at + name_len..].iter().enumerate() {
            match (quote, b) {
                (None, b'"' | b'\'') => quote = Some(b),
                (Some(q), _) if b == q => quote = None,
                (None, b'>') => {
                    end = Some(name_at + name_len + j + 1);
                    break;
                }
                (None, b'<') => break,
                _ => {}
            }
        }
        if let Some(end) = end {
            out.push(Tag {
                range: start..end,
                name,
                closing,
            });
            at = end;
        }
    }
    out
}

/// Blanks a tag in the copy: spaces, or for a block's tag a paragraph
/// break placed at the tag's end, so no line is made to look indented.
fn blank(copy: &mut [u8], range: &Range<usize>, block: bool) {
    copy[range.clone()].fill(b' ');
    if block && range.end - range.start >= 3 {
        copy[range.end - 2] = b'\n';
        copy[range.end - 1] = b'\n';
    }
}

/// Moves the line breaks of each run of blanks to its end: a line that
/// opened with a tag (`<p><em>Leer: …`) starts at its first word, not
/// indented by the blanked tags (an indented line means something to
/// [`super::text`]: the Congressional Record's paragraphs).
fn lines_start_at_words(copy: &mut [u8]) {
    let mut i = 0;
    while i < copy.len() {
        if !matches!(copy[i], b' ' | b'\n' | b'\t' | b'\r') {
            i += 1;
            continue;
        }
        let start = i;
        while i < copy.len() && matches!(copy[i], b' ' | b'\n' | b'\t' | b'\r') {
            i += 1;
        }
        let breaks = copy[start..i].iter().filter(|&&b| b == b'\n').count();
        if breaks > 0 {
            copy[start..i - breaks].fill(b' ');
            copy[i - breaks..i].fill(b'\n');
        }
    }
}

/// Every entity (`&quot;`, `&#8220;`, `&#x201C;`) with its character.
fn entities(text: &str) -> Vec<(Range<usize>, char)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(k) = memchr::memchr(b'&', &bytes[at..]) {
        let start = at + k;
        at = start + 1;
        let Some(len) = bytes[at..]
            .iter()
            .take(10)
            .position(|&b| b == b';')
            .filter(|&n| n > 0)
        else {
            continue;
        };
        let body = &text[at..at + len];
        let c = if let Some(num) = body.strip_prefix('#') {
            let value = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse().ok(),
            };
            value.and_then(char::from_u32).filter(|c| !c.is_control())
        } else {
            ENTITIES.iter().find(|(n, _)| *n == body).map(|(_, c)| *c)
        };
        if let Some(c) = c {
            out.push((start..at + len + 1, c));
            at += len + 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_reads_as_paragraphs_with_its_marks() {
        let page = "<p>Graham said Mueller &quot;must be able to work.&quot;</p>\n<p>Next <strong>one</strong>.</p>";
        let r = reading_copy(page).unwrap();
        assert_eq!(r.text.len(), page.len());
        assert!(r
            .text
            .contains("Mueller      \"must be able to work.\"     "));
        assert!(r.text.contains("work.\"        \n\n\n\n\nNext"));
        assert!(!r.text.contains('<'));
        let quote = r.text.find("\"must").unwrap();
        let snapped = snap(&r.spans, quote..quote + 5);
        assert_eq!(&page[snapped], "&quot;must");
    }

    #[test]
    fn a_caption_is_no_ones_words() {
        let page =
            "<p>One.</p><div><img src=\"a.jpg\">FILE- A photo, <em>2017</em>.</div><p>Two.</p>";
        let r = reading_copy(page).unwrap();
        assert!(!r.text.contains("FILE") && !r.text.contains("2017"));
        assert!(r.text.contains("One.") && r.text.contains("Two."));
    }

    #[test]
    fn a_block_that_is_only_a_link_is_no_ones_words() {
        let page = "<p>One said.</p>\n<p><em><a href=\"x\"><strong>Read: Ann accuses Bo</strong></a></em></p>\n<p>See <a href=\"y\">this</a> too.</p>";
        let r = reading_copy(page).unwrap();
        assert!(!r.text.contains("Ann accuses"));
        assert!(r.text.contains("See") && r.text.contains("this") && r.text.contains("too."));
    }

    #[test]
    fn a_templates_fields_are_no_ones_words() {
        let page = "<p>One.</p><p>Two.</p>\n$data = array(\n\t'intro' => 'Un abogado dice que <b>no</b>.',\n\t\"title\": \"T\",\n);";
        let r = reading_copy(page).unwrap();
        assert!(!r.text.contains("abogado") && !r.text.contains("title"));
        assert!(r.text.contains("$data = array("));
        assert!(r.spans.windows(2).all(|w| w[0].end <= w[1].start));
    }

    #[test]
    fn prose_that_mentions_a_tag_is_not_a_page() {
        assert!(reading_copy("Use the <p> tag for a paragraph &amp; more.").is_none());
    }

    #[test]
    fn code_is_hidden_and_numbers_decoded() {
        let page = "<div>a</div><script>if (a<b) x();</script><p>&#8220;Hi,&#8221; she said.</p>";
        let r = reading_copy(page).unwrap();
        assert!(!r.text.contains("x()"));
        assert!(r.text.contains("\n“Hi,”     she said."), "{:?}", r.text);
    }
}
