//! No input makes claimdb panic: every prefix of real queries, and many
//! random mutations of them, either parse or give an error with a span that
//! lies inside the input. A fixed-seed generator keeps the run repeatable.

use claimdb::query::parse;
use claimdb::Error;

#[path = "support/engines.rs"]
mod engines;

const QUERIES: &[&str] = &[
    r#"claims where speaker = "Moriuchi" and confidence >= 0.8 order by confidence desc limit 5"#,
    r#"count claims where (speaker = "Thae" or not tag = "sony") and quote contains "\"x\"""#,
    r#"explain claims where source = "fp-lazarus-review" and origin != "a" -- c"#,
    "speakers; sources",
    r#"claims where status = "verified" and id <= 10 and statement contains "\u{2019}" limit 3"#,
];

const PIECES: &[&str] = &[
    "(", ")", "\"", "\\", "not ", " and ", " or ", "=", "!=", "<=", ">", "contains", "--", "\n",
    ";", "-", ".", "0", "9.5", "é", "—", "\u{0}", "where", "claims", "order by", "limit", " ",
    "\\u{", "}", "'",
];

/// xorshift64*: small, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn mutate(rng: &mut Rng, q: &str) -> String {
    let mut s = q.to_string();
    for _ in 0..1 + rng.below(4) {
        let mut at = rng.below(s.len() + 1);
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        match rng.below(3) {
            0 => s.insert_str(at, PIECES[rng.below(PIECES.len())]),
            1 => {
                let mut end = (at + 1 + rng.below(6)).min(s.len());
                while !s.is_char_boundary(end) {
                    end += 1;
                }
                s.replace_range(at..end, "");
            }
            _ => {
                let mut end = (at + 1).min(s.len());
                while !s.is_char_boundary(end) {
                    end += 1;
                }
                s.replace_range(at..end, PIECES[rng.below(PIECES.len())]);
            }
        }
    }
    s
}

fn check(q: &str) {
    if let Err(e) = parse(q) {
        assert!(
            e.span.start <= q.len() && e.span.end <= q.len(),
            "span {:?} outside {q:?}",
            e.span
        );
        assert!(!e.message.is_empty());
        // Rendering must not panic either.
        let _ = e.render(q, "fuzz");
    }
}

#[test]
fn prefixes_and_mutations_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut inputs = 0;
    for q in QUERIES {
        for end in (0..=q.len()).filter(|&i| q.is_char_boundary(i)) {
            check(&q[..end]);
            inputs += 1;
        }
        for _ in 0..4000 {
            check(&mutate(&mut rng, q));
            inputs += 1;
        }
    }
    assert!(inputs > 20_000);
}

#[test]
fn mutated_queries_run_or_fail_cleanly_against_the_seed() {
    for on in engines::seeded() {
        let db = &on.db;
        let before = db.query("count claims").unwrap();
        let mut rng = Rng(42);
        for i in 0..1500 {
            let q = mutate(&mut rng, QUERIES[i % QUERIES.len()]);
            match db.query(&q) {
                Ok(_) | Err(Error::Query(_)) => {}
                Err(other) => panic!("{q:?}: unexpected error kind {other:?}"),
            }
        }
        assert_eq!(db.query("count claims").unwrap(), before);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for depth in [65, 1_000, 10_000, 100_000] {
        for q in [
            format!(
                "claims where {}id = 1{}",
                "(".repeat(depth),
                ")".repeat(depth)
            ),
            format!("claims where {}id = 1", "not ".repeat(depth)),
            format!("claims where {}", "(not ".repeat(depth)),
        ] {
            let e = parse(&q).unwrap_err();
            assert!(
                e.message.contains("nest more than 64 levels"),
                "{}",
                e.message
            );
        }
    }
    // Just inside the bound is fine.
    let ok = format!("claims where {}id = 1{}", "(".repeat(30), ")".repeat(30));
    parse(&ok).unwrap();
}

const WRITES: &[&str] = &[
    r#"update claims set confidence = 0.5, tags = ("a", "b"), rationale = "r" where id <= 3 or speaker = "Thae""#,
    r#"add claim with speaker = "White", source = "fp-lazarus-review", quote = "White writes", statement = "s", confidence = 0.5, rationale = "r", tags = ("x")"#,
    r#"delete claims where has tag "threat" and confidence between 0.1 and 0.95"#,
    r#"add speaker "Ada \u{2019}Lovelace" aliases ("Ada", "A. L.") description "d""#,
    r#"alias "Geoff" to "White""#,
];

/// Mutated writes either apply or fail cleanly, and whatever they did, the
/// database stays consistent: every claim still verifies against its source,
/// and every index agrees with a full scan.
#[test]
fn mutated_writes_leave_a_consistent_database() {
    for on in engines::seeded() {
        let db = &on.db;
        let mut rng = Rng(7);
        for i in 0..400 {
            let q = if i % 5 == 0 {
                WRITES[i / 5 % WRITES.len()].to_string()
            } else {
                mutate(&mut rng, WRITES[i % WRITES.len()])
            };
            let _ = db.query(&q);
        }
        let report = db.check(&claimdb::CheckScope::All).unwrap();
        assert!(
            report.iter().all(|r| r.after == claimdb::Status::Verified),
            "a write broke a citation"
        );
        for condition in [
            r#"speaker = "White""#,
            r#"tag = "x""#,
            "confidence >= 0.5",
            r#"status = "verified""#,
            r#"origin = "lazarus-heist-book""#,
        ] {
            let indexed = db.query(&format!("claims where {condition}")).unwrap();
            let scanned = db
                .query(&format!("claims where not not {condition}"))
                .unwrap();
            assert_eq!(indexed, scanned, "index and scan disagree on {condition}");
        }
    }
}
