//! The words attribution turns on: verbs of saying (kept in `verbs.rs`),
//! the titles before a name, pronouns, hedges, the nouns that name a thing
//! said ("the threat", "a warning"), and the connectives that carry
//! reported speech on into the next sentence. Kept as plain tables so a
//! new word is one entry.

pub use super::verbs::{cue, foreign_cue, phrasal, Cue};

/// Articles and determiners that open a noun phrase, in the languages
/// attribution reads.
pub const DETERMINERS_ALL: &[&str] = &[
    "the", "a", "an", "el", "la", "los", "las", "un", "una", "le", "les", "une", "der", "die",
    "das", "ein", "eine",
];

/// Titles and roles that may stand before a name and are not part of it.
pub const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sen",
    "senator",
    "rep",
    "representative",
    "gen",
    "general",
    "gov",
    "governor",
    "president",
    "vice",
    "judge",
    "justice",
    "chairman",
    "chairwoman",
    "chair",
    "secretary",
    "minister",
    "ambassador",
    "attorney",
    "deputy",
    "assistant",
    "acting",
    "director",
    "special",
    "agent",
    "officer",
    "lt",
    "col",
    "colonel",
    "capt",
    "captain",
    "sgt",
    "adm",
    "admiral",
    "maj",
    "major",
    "hon",
    "rev",
    "sir",
    "dame",
    "lord",
    "lady",
    "king",
    "queen",
    "prince",
    "princess",
    "leader",
    "chief",
    "commissioner",
    "mayor",
    "speaker",
    "then",
    "former",
    "u.s",
    "us",
    "prime",
    "in",
    "charge",
    "of",
    "the",
    "fbi",
    "sheriff",
    "detective",
    "inspector",
    // Spanish, French and German titles before a name.
    "senador",
    "senadora",
    "presidente",
    "presidenta",
    "congresista",
    "diputado",
    "diputada",
    "ministro",
    "ministra",
    "fiscal",
    "juez",
    "jueza",
    "gobernador",
    "gobernadora",
    "alcalde",
    "alcaldesa",
    "sénateur",
    "président",
    "présidente",
    "ministre",
    "député",
    "juge",
    "maire",
    "präsident",
    "präsidentin",
    "ministerin",
    "kanzlerin",
    "bundeskanzler",
    "bürgermeister",
    "abgeordnete",
];

/// Abbreviations after which a period never ends a sentence.
pub const NEVER_ENDS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gen", "gov", "lt", "col", "capt", "sgt", "adm",
    "maj", "hon", "rev", "st", "pp", "vs", "v", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "fig", "art", "sec", "ch", "vol", "messrs", "mt", "ft",
];

/// Words that, after an abbreviation such as "Corp." or "U.S.", show a
/// new sentence has begun.
pub const SENTENCE_STARTERS: &[&str] = &[
    "the", "a", "an", "in", "it", "he", "she", "they", "we", "i", "but", "this", "that", "these",
    "those", "however", "his", "her", "their", "its", "there", "on", "at", "for", "as", "when",
    "after", "before", "while", "if", "yet", "so", "and",
];

/// Personal pronouns that can be the subject of a verb of saying.
pub const PRONOUNS: &[&str] = &[
    "he", "she", "they", "i", "we", // French, Spanish and German.
    "il", "elle", "ils", "elles", "él", "ella", "ellos", "ellas", "er",
];

/// The pronouns that name one person, to be followed back to them.
pub const SINGULAR_PRONOUNS: &[&str] = &["he", "she", "il", "elle", "él", "ella", "er"];

/// Words that hedge a statement: its claim is less certain as said.
pub const HEDGES: &[&str] = &[
    "may",
    "might",
    "could",
    "alleged",
    "allegedly",
    "reportedly",
    "unclear",
    "possibly",
    "perhaps",
    "apparently",
    "likely",
    "unlikely",
    "suggests",
    "seems",
    "appears",
    "believed",
    "probably",
    "purportedly",
    "purporting",
    "estimated",
];

/// Nouns that name something said: "the threat stated", "That chilling
/// threat", "Kim's assertion that".
pub const SPEECH_NOUNS: &[&str] = &[
    "threat",
    "warning",
    "message",
    "statement",
    "announcement",
    "remarks",
    "letter",
    "post",
    "tweet",
    "assertion",
    "claim",
    "finding",
    "findings",
    "conclusion",
    "promise",
    "pledge",
    "declaration",
    "testimony",
    "report",
    "complaint",
    "indictment",
    "affidavit",
    "demand",
    "advice",
    "argument",
];

/// Verbs by which someone issues a thing said: "the hackers issued a threat".
pub const ISSUING_VERBS: &[&str] = &[
    "issued",
    "issues",
    "made",
    "makes",
    "posted",
    "posts",
    "sent",
    "sends",
    "delivered",
    "published",
    "released",
    "filed",
    "gave",
];

/// Sentence openers that carry the previous sentence's reported speech on
/// ("Instead, the intelligence community downplayed the danger").
pub const CONTINUERS: &[&str] = &[
    "instead",
    "moreover",
    "furthermore",
    "indeed",
    "rather",
    "also",
    "still",
    "besides",
    "likewise",
    "similarly",
    "in fact",
    "in addition",
    "for example",
    "for instance",
    "what is more",
    "otherwise",
];

/// Adverbs that may stand between a subject and its verb of saying.
pub const ADVERBS: &[&str] = &[
    "also",
    "then",
    "later",
    "further",
    "repeatedly",
    "once",
    "again",
    "still",
    "previously",
    "recently",
    "now",
    "too",
    "even",
    "often",
    "frequently",
    "publicly",
    "privately",
    "first",
    "originally",
    "similarly",
    "likewise",
    "correctly",
    "rightly",
    "simply",
    "explicitly",
    "bluntly",
    "flatly",
    "reportedly",
    // French, Spanish and German auxiliaries of a compound past ("Le maire
    // a déclaré", "La ministra ha dicho", "Sie hat gesagt").
    "a",
    "ont",
    "avait",
    "ha",
    "han",
    "había",
    "hat",
    "haben",
    "hatte",
    "has",
    "have",
    "had",
    "will",
    "would",
    "did",
    "does",
    "do",
    "was",
    "is",
    "had",
    "subsequently",
    "separately",
    "however",
    "already",
    "not",
    // French, Spanish and German adverbs between subject and verb.
    "également",
    "aussi",
    "encore",
    "déjà",
    "ensuite",
    "también",
    "además",
    "auch",
    "bereits",
];

/// Words that begin a sentence but are never its subject.
pub const OPENERS: &[&str] = &[
    "but", "and", "so", "yet", "or", "however", "then", "still", "now", "thus", "hence",
];

/// Whether a lowercase word is one of `list`.
pub fn is(list: &[&str], word: &str) -> bool {
    list.contains(&word)
}

/// The head nouns of institutions' names that run on over "of" ("Bureau
/// of Investigation", "Department of Justice", "Bank of England").
pub(super) const INSTITUTIONS: &[&str] = &[
    "bureau",
    "department",
    "ministry",
    "bank",
    "office",
    "board",
    "institute",
    "university",
    "council",
    "committee",
    "court",
    "agency",
    "commission",
    "federation",
    "association",
    "union",
    "service",
    "administration",
    "secretary",
    "director",
    "chamber",
    "house",
    "school",
    "college",
    "academy",
    "society",
    "corps",
    "division",
    "directorate",
    "church",
    "government",
    "republic",
    "kingdom",
    "state",
    "states",
    "city",
    "county",
    "people",
];

pub(super) fn is_function_word(w: &str) -> bool {
    matches!(
        w,
        "and"
            | "or"
            | "but"
            | "of"
            | "to"
            | "in"
            | "on"
            | "at"
            | "by"
            | "with"
            | "for"
            | "from"
            | "that"
            | "which"
            | "who"
            | "is"
            | "was"
            | "are"
            | "were"
            | "be"
            | "been"
            | "it"
            | "as"
            | "not"
            | "if"
            | "when"
            | "while"
    )
}

/// Words that end a Spanish or French noun phrase read forwards.
pub(super) const ROMANCE_BREAKS: &[&str] = &[
    "de", "del", "en", "la", "las", "los", "el", "que", "a", "al", "con", "por", "para", "du",
    "des", "dans", "le", "les", "sur", "avec",
];
