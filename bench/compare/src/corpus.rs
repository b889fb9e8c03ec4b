//! The generated corpus both engines load: the same rows from a fixed seed.
//!
//! 1,000 sources of about 50 KB of text each (sentences of pseudo-words,
//! in paragraphs), 10,000 speakers with one alias each, and claims whose
//! quotes are word-aligned passages of their sources, so that every one
//! passes claimdb's citation check. A claim is a function of its number
//! alone, so a child process can make claim 734,112 without making the
//! others, and the two engines get the same rows.

/// xorshift64*: small, fast, and the same everywhere.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // Mix the seed so that nearby seeds give unrelated streams.
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
        x ^= x >> 31;
        Rng(x | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

pub const SOURCES: usize = 1_000;
pub const SPEAKERS: usize = 10_000;
/// Sources that are also the origin of claims (a third of claims name one).
pub const ORIGINS: usize = 100;
pub const TAGS: usize = 50;
const SOURCE_BYTES: usize = 50_000;
const VOCABULARY: usize = 4_000;

pub struct Corpus {
    pub words: Vec<String>,
    pub sources: Vec<Source>,
    pub speakers: Vec<Speaker>,
}

pub struct Source {
    pub id: String,
    pub title: String,
    pub text: String,
}

pub struct Speaker {
    pub name: String,
    pub alias: String,
}

pub struct Claim {
    pub speaker: usize,
    pub source: usize,
    pub origin: Option<usize>,
    pub quote: String,
    /// Where the quote starts in its source's text: line and column (1-based).
    pub line: u32,
    pub column: u32,
    pub statement: String,
    pub confidence: f64,
    pub rationale: String,
    pub tags: Vec<String>,
}

/// A pseudo-word: syllables picked by the number's digits in base 60.
fn word(mut n: usize) -> String {
    const ONSETS: [&str; 12] = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t"];
    const VOWELS: [&str; 5] = ["a", "e", "i", "o", "u"];
    let mut w = String::new();
    loop {
        w.push_str(ONSETS[n % 12]);
        w.push_str(VOWELS[(n / 12) % 5]);
        n /= 60;
        if n == 0 {
            break;
        }
    }
    // Most words end in a consonant, as most English words do.
    if w.len() > 2 {
        w.push('n');
    }
    w
}

fn capitalized(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The corpus's words, in order of frequency (the first are the commonest).
pub fn vocabulary() -> Vec<String> {
    (0..VOCABULARY).map(|n| word(n + 61)).collect()
}

/// Speaker `i`'s name and alias.
pub fn speaker(words: &[String], i: usize) -> Speaker {
    let first = capitalized(&words[i % 100]);
    let last = capitalized(&words[100 + i / 100]);
    Speaker {
        name: format!("{first} {last}"),
        alias: format!("{last}, {first}"),
    }
}

impl Corpus {
    pub fn generate() -> Corpus {
        let words = vocabulary();
        let mut rng = Rng::new(1);
        let sources = (0..SOURCES)
            .map(|i| Source {
                id: format!("src-{i:04}"),
                title: format!("Generated source {i}"),
                text: text(&words, &mut rng),
            })
            .collect();
        let speakers = (0..SPEAKERS).map(|i| speaker(&words, i)).collect();
        Corpus {
            words,
            sources,
            speakers,
        }
    }

    /// Claim number `n` (from 0).
    pub fn claim(&self, n: u64) -> Claim {
        let mut rng = Rng::new(1_000_003 + n);
        let source = rng.below(SOURCES);
        let text = &self.sources[source].text;
        // A passage of 8 to 25 words starting at a word, within a paragraph.
        let (start, end) = loop {
            let at = rng.below(text.len() - 400);
            let Some(space) = text[at..].find(' ') else {
                continue;
            };
            let start = at + space + 1;
            let want = 8 + rng.below(18);
            let mut end = start;
            let mut ok = true;
            for _ in 0..want {
                match text[end..].find(' ') {
                    Some(n) if !text[end..end + n].contains('\n') => end += n + 1,
                    _ => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok && end > start + 1 {
                break (start, end - 1);
            }
        };
        let before = &text[..start];
        let line = before.matches('\n').count() as u32 + 1;
        let column = (start - before.rfind('\n').map_or(0, |i| i + 1)) as u32 + 1;
        let quote = text[start..end].to_string();
        let origin = (rng.below(3) == 0).then(|| rng.below(ORIGINS));
        let tags = (0..1 + rng.below(3))
            .map(|_| format!("tag{:02}", rng.below(TAGS)))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        Claim {
            speaker: rng.below(SPEAKERS),
            source,
            origin,
            statement: format!(
                "Generated statement {n} about {}.",
                self.words[rng.below(VOCABULARY)]
            ),
            quote,
            line,
            column,
            confidence: rng.below(101) as f64 / 100.0,
            rationale: "Generated for the comparison benchmark.".to_string(),
            tags,
        }
    }
}

/// About 50 KB of sentences in paragraphs.
fn text(words: &[String], rng: &mut Rng) -> String {
    let mut out = String::with_capacity(SOURCE_BYTES + 200);
    while out.len() < SOURCE_BYTES {
        for s in 0..4 + rng.below(5) {
            if s > 0 {
                out.push(' ');
            }
            let n = 8 + rng.below(13);
            for w in 0..n {
                // Skewed towards the first words, as real vocabularies are.
                let pick = rng.below(VOCABULARY).min(rng.below(VOCABULARY));
                if w == 0 {
                    out.push_str(&capitalized(&words[pick]));
                } else {
                    out.push(' ');
                    out.push_str(&words[pick]);
                }
            }
            out.push('.');
        }
        out.push_str("\n\n");
    }
    out
}
