//! The grammar file is the language's single statement: every example in it
//! must parse, every error example must fail with its message, and every rule
//! must have an example, so the grammar and the parser cannot drift apart.

use claimdb::query::{prepare, split_statements, Params};

fn params() -> Params {
    Params::new().bind(1, "White").bind("min", 0.8)
}

const GRAMMAR: &str = include_str!("../grammar/claimdb.ebnf");

/// The text of every `(* TAG: ... *)` comment.
fn annotations(tag: &str) -> Vec<String> {
    let open = format!("(* {tag}:");
    let mut out = Vec::new();
    let mut rest = GRAMMAR;
    while let Some(start) = rest.find(&open) {
        let body = &rest[start + open.len()..];
        // An annotation ends with `*)` at the end of a line (a `*)` inside,
        // as in `count(*)`, does not end it).
        let end = body
            .match_indices("*)")
            .map(|(i, _)| i)
            .find(|&i| body[i + 2..].starts_with('\n') || i + 2 == body.len())
            .expect("unclosed annotation");
        out.push(body[..end].trim().to_string());
        rest = &body[end..];
    }
    out
}

#[test]
fn every_example_parses() {
    let examples = annotations("ex");
    assert!(examples.len() >= 25, "only {} examples", examples.len());
    for example in examples {
        // An example may be a whole script of several statements.
        for chunk in split_statements(&example) {
            if let Err(e) = prepare(chunk.text, &params()) {
                panic!(
                    "grammar example does not parse: {example}\n{}",
                    e.render(chunk.text, "example")
                );
            }
        }
    }
}

#[test]
fn every_error_example_fails_with_its_message() {
    let examples = annotations("err");
    assert!(
        examples.len() >= 15,
        "only {} error examples",
        examples.len()
    );
    for example in examples {
        let (query, message) = example.split_once("=>").expect("err: QUERY => MESSAGE");
        let (query, message) = (query.trim(), message.trim());
        match prepare(query, &params()) {
            Ok(stmt) => {
                panic!("{query:?} parsed, as {stmt:?}; expected an error starting {message:?}")
            }
            Err(e) => assert!(
                e.message.starts_with(message),
                "{query:?}: got {:?}, expected it to start with {message:?}",
                e.message
            ),
        }
    }
}

#[test]
fn every_rule_has_an_example() {
    // A rule is `name = ... ;`; its examples are the annotations between it
    // and the next rule.
    let mut rules = Vec::new();
    let mut current: Option<(String, usize)> = None;
    for line in GRAMMAR.lines() {
        let trimmed = line.trim_start();
        let is_rule = !line.starts_with(' ')
            && trimmed.split_once(" = ").is_some_and(|(name, _)| {
                !name.is_empty()
                    && name
                        .trim()
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_')
            });
        if is_rule {
            if let Some(rule) = current.take() {
                rules.push(rule);
            }
            current = Some((trimmed.split_once(" = ").unwrap().0.trim().to_string(), 0));
        } else if trimmed.starts_with("(* ex:") || trimmed.starts_with("(* err:") {
            if let Some((_, n)) = current.as_mut() {
                *n += 1;
            }
        }
    }
    rules.extend(current);
    assert!(
        rules.len() >= 15,
        "found only {} rules: {rules:?}",
        rules.len()
    );
    let bare: Vec<&String> = rules
        .iter()
        .filter(|(_, n)| *n == 0)
        .map(|(name, _)| name)
        .collect();
    assert!(bare.is_empty(), "rules without examples: {bare:?}");
}
