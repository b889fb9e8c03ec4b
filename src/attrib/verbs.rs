//! Verbs of saying: every form of each (English, Spanish, French,
//! German), what kind of cue each is (a finding, a participle, words
//! passed to someone, a quotation's tag only), and the phrasal ones
//! ("pointed out"). Kept as plain tables so a new verb is one entry.

/// A verb of saying (or finding) in one of its forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cue {
    /// The base form, for the report: "say", "point out".
    pub lemma: &'static str,
    /// Whether the verb reports a finding rather than speech ("found",
    /// "concluded"): its subject is included in the claim it supports.
    pub finding: bool,
    /// A participle ("saying", "adding"): the sentence's subject speaks.
    pub participle: bool,
    /// Whether the verb passes words on to someone ("tells White that"):
    /// second hand, so a proposal's confidence is lower.
    pub to_someone: bool,
    /// Whether the verb says who spoke only as a quotation's tag ("…,” he
    /// reflected): elsewhere it means something else ("the figures reflect").
    pub tag_only: bool,
}

/// Verbs of saying whose forms follow the regular pattern (`-s`, `-ed`,
/// `-ing`, with a final `e` dropped and `y` turned to `i`).
const REGULAR: &[&str] = &[
    "note",
    "explain",
    "observe",
    "assert",
    "emphasize",
    "emphasise",
    "warn",
    "add",
    "argue",
    "claim",
    "state",
    "insist",
    "recall",
    "testify",
    "acknowledge",
    "announce",
    "declare",
    "report",
    "contend",
    "suggest",
    "conclude",
    "allege",
    "predict",
    "vow",
    "promise",
    "remark",
    "reply",
    "ask",
    "comment",
    "stress",
    "caution",
    "complain",
    "concede",
    "confirm",
    "estimate",
    "answer",
    "deny",
    "recount",
    "describe",
    "determine",
    "maintain",
    "agree",
    "explain",
    "question",
    "respond",
    "indicate",
    "mention",
    "observe",
    "contend",
    "assure",
    "inform",
    "remind",
    // Only as a quotation's tag (see TAG_ONLY).
    "reflect",
    "muse",
    "joke",
    "laugh",
    // "what Laurie Voss termed “transcending”"
    "term",
];

/// Irregular verbs: every form, with the lemma first.
const IRREGULAR: &[&[&str]] = &[
    &["say", "says", "said", "saying"],
    &["quip", "quips", "quipped", "quipping"],
    &["tell", "tells", "told", "telling"],
    &["write", "writes", "wrote", "writing", "written"],
    &["find", "finds", "found", "finding"],
    &["admit", "admits", "admitted", "admitting"],
    // Spanish, French and German verbs of saying, in the forms news uses.
    &[
        "decir", "dice", "dicen", "dijo", "dijeron", "dicho", "diciendo",
    ],
    &[
        "afirmar",
        "afirma",
        "afirman",
        "afirmó",
        "afirmaron",
        "afirmando",
    ],
    &[
        "declarar",
        "declara",
        "declaran",
        "declaró",
        "declararon",
        "declarando",
    ],
    &[
        "asegurar",
        "asegura",
        "aseguran",
        "aseguró",
        "aseguraron",
        "asegurando",
    ],
    &["señalar", "señala", "señalan", "señaló", "señalaron"],
    &["explicar", "explica", "explican", "explicó", "explicaron"],
    &["añadir", "añade", "añadió", "agregó", "agrega", "agregaron"],
    &["sostener", "sostiene", "sostuvo"],
    &["indicar", "indica", "indicó", "indicaron"],
    &["advertir", "advierte", "advirtió"],
    &["escribir", "escribe", "escribió", "tuiteó"],
    &["responder", "responde", "respondió"],
    // Acts of speech whose verb phrase is what was said ("criticó al
    // fiscal, acusándolo de parcialidad", "elogió a Sessions").
    &["criticar", "critica", "criticó", "criticaron", "criticando"],
    &[
        "acusar", "acusa", "acusó", "acusaron", "acusara", "acusando",
    ],
    &["elogiar", "elogia", "elogió", "elogiaron", "elogiando"],
    &["sugerir", "sugiere", "sugirió", "sugirieron", "sugiriendo"],
    &[
        "calificar",
        "califica",
        "calificó",
        "calificaron",
        "calificando",
    ],
    &["referir", "refiere", "refirió", "refirieron", "refiriendo"],
    &["dire", "dit", "disent", "disait"],
    &["révéler", "révèle", "révélé", "révèlent", "révélait"],
    &["préciser", "précise", "précisé", "précisent", "précisait"],
    &[
        "estimer", "estime", "estimé", "estiment", "estimait", "estimant",
    ],
    &["indiquer", "indique", "indiqué", "indiquent", "indiquait"],
    &["annoncer", "annonce", "annoncé", "annoncent", "annonçait"],
    &["répondre", "répond", "répondu", "répondent"],
    &["rejeter", "rejette", "rejeté", "rejettent"],
    &["qualifier", "qualifie", "qualifié", "qualifient"],
    &["appeler", "appelle", "appelé", "appellent", "appelait"],
    &["déclarer", "déclare", "déclaré", "déclarent", "déclarait"],
    &["affirmer", "affirme", "affirmé", "affirment"],
    &["expliquer", "explique", "expliqué"],
    &["ajouter", "ajoute", "ajouté"],
    &["souligner", "souligne", "souligné"],
    // Not "assure": English's, which passes words to someone.
    &["assurer", "assuré"],
    &["sagen", "sagt", "sagte", "sagten", "gesagt"],
    &["erklären", "erklärt", "erklärte", "erklärten"],
    &["betonen", "betont", "betonte"],
    &["schreiben", "schreibt", "schrieb"],
];

/// The lemmas of the verbs of saying of other languages than English.
const FOREIGN: &[&str] = &[
    "decir",
    "afirmar",
    "declarar",
    "asegurar",
    "señalar",
    "explicar",
    "añadir",
    "sostener",
    "indicar",
    "advertir",
    "escribir",
    "responder",
    "criticar",
    "acusar",
    "elogiar",
    "sugerir",
    "calificar",
    "referir",
    "dire",
    "révéler",
    "préciser",
    "estimer",
    "indiquer",
    "annoncer",
    "répondre",
    "rejeter",
    "qualifier",
    "appeler",
    "déclarer",
    "affirmer",
    "expliquer",
    "ajouter",
    "souligner",
    "assurer",
    "sagen",
    "erklären",
    "betonen",
    "schreiben",
];

/// Whether `word` is a form of a verb of saying of French, Spanish or
/// German: before it, "a" is an auxiliary ("a déclaré"), not an article.
pub fn foreign_cue(word: &str) -> bool {
    lemma_of(word).is_some_and(|lemma| FOREIGN.contains(&lemma))
}

/// Verbs whose object is a finding: "the FBI found three IP addresses".
const FINDINGS: &[&str] = &["find", "conclude", "determine", "estimate", "confirm"];

/// Verbs of saying only beside a quotation ("…,” he reflected).
const TAG_ONLY: &[&str] = &["reflect", "quip", "muse", "joke", "laugh", "term"];

/// Verbs that pass words to someone named after them.
const TO_SOMEONE: &[&str] = &["tell", "assure", "inform", "remind"];

/// Looks a lowercase word up as a cue verb. A Spanish gerund may carry
/// its object ("calificándola", "acusándolo"): read without it.
pub fn cue(word: &str) -> Option<Cue> {
    let bare = spanish_gerund(word);
    let lemma = lemma_of(bare.as_deref().unwrap_or(word))?;
    Some(Cue {
        lemma,
        finding: FINDINGS.contains(&lemma),
        participle: (word.ends_with("ing") && !lemma.ends_with("ing"))
            || bare.is_some()
            || word.ends_with("ando")
            || word.ends_with("iendo"),
        to_someone: TO_SOMEONE.contains(&lemma),
        tag_only: TAG_ONLY.contains(&lemma),
    })
}

/// A Spanish gerund without its attached pronoun and accent
/// ("calificándola" → "calificando"), when it is one.
fn spanish_gerund(word: &str) -> Option<String> {
    const PRONOUNS: &[&str] = &["los", "las", "les", "lo", "la", "le", "se", "me", "nos"];
    let stem = PRONOUNS.iter().find_map(|p| word.strip_suffix(p))?;
    // Looked up for every word: allocate only for a gerund's stem.
    let (base, ending) = [
        ("ándo", "ando"),
        ("iéndo", "iendo"),
        ("ando", "ando"),
        ("iendo", "iendo"),
    ]
    .into_iter()
    .find_map(|(accented, plain)| stem.strip_suffix(accented).map(|b| (b, plain)))?;
    Some(format!("{base}{ending}"))
}

fn lemma_of(word: &str) -> Option<&'static str> {
    forms().get(word).copied()
}

/// Every form of every verb of saying, to its lemma: built once.
fn forms() -> &'static std::collections::HashMap<String, &'static str> {
    static FORMS: std::sync::OnceLock<std::collections::HashMap<String, &'static str>> =
        std::sync::OnceLock::new();
    FORMS.get_or_init(|| {
        let mut map = std::collections::HashMap::new();
        for &lemma in REGULAR {
            for form in regular_forms(lemma) {
                map.insert(form, lemma);
            }
        }
        for forms in IRREGULAR {
            // French "dire" is also English's adjective ("a dire warning"):
            // its forms count, the infinitive does not.
            for form in forms.iter().filter(|f| **f != "dire") {
                map.insert(form.to_string(), forms[0]);
            }
        }
        map
    })
}

/// A regular verb's forms: "note", "notes", "noted", "noting"; a final
/// `e` drops before `-ing`, `y` after a consonant turns to `i`, and `-es`
/// follows a sibilant.
fn regular_forms(lemma: &str) -> [String; 4] {
    let (s, ed, ing) = if let Some(stem) = lemma
        .strip_suffix('y')
        .filter(|_| !lemma.ends_with("ay") && !lemma.ends_with("ey"))
    {
        (
            format!("{stem}ies"),
            format!("{stem}ied"),
            format!("{lemma}ing"),
        )
    } else if let Some(stem) = lemma.strip_suffix('e').filter(|_| !lemma.ends_with("ee")) {
        (
            format!("{lemma}s"),
            format!("{lemma}d"),
            format!("{stem}ing"),
        )
    } else if lemma.ends_with("ss") || lemma.ends_with("sh") || lemma.ends_with("ch") {
        (
            format!("{lemma}es"),
            format!("{lemma}ed"),
            format!("{lemma}ing"),
        )
    } else {
        (
            format!("{lemma}s"),
            format!("{lemma}ed"),
            format!("{lemma}ing"),
        )
    };
    [lemma.to_string(), s, ed, ing]
}

/// Phrasal cues: a verb and the word after it ("pointed out", "a fait
/// savoir que"), with the lemma each is reported by.
pub fn phrasal(word: &str, next: &str) -> Option<&'static str> {
    const PHRASAL: &[(&str, &[&str], &str)] = &[
        (
            "out",
            &["point", "points", "pointed", "pointing"],
            "point out",
        ),
        (
            "savoir",
            &["fait", "faire", "fera", "faisait"],
            "faire savoir",
        ),
    ];
    PHRASAL
        .iter()
        .find(|(particle, verbs, _)| *particle == next && verbs.contains(&word))
        .map(|(_, _, lemma)| *lemma)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cue_verbs_in_every_form() {
        for (word, lemma) in [
            ("says", "say"),
            ("told", "tell"),
            ("emphasizes", "emphasize"),
            ("noting", "note"),
            ("testified", "testify"),
            ("observes", "observe"),
            ("asserts", "assert"),
            ("wrote", "write"),
            ("stated", "state"),
            ("added", "add"),
        ] {
            assert_eq!(cue(word).map(|c| c.lemma), Some(lemma), "{word}");
        }
        for word in ["sayer", "tale", "notes-", "thought", "white"] {
            assert!(cue(word).is_none(), "{word}");
        }
        assert!(cue("saying").unwrap().participle);
        assert!(cue("found").unwrap().finding);
        assert!(cue("tells").unwrap().to_someone);
        assert_eq!(phrasal("pointed", "out"), Some("point out"));
    }
}
