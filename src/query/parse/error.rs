//! The parse error: where it is, how long, what to say; and how nom's
//! alternatives pick the error that got furthest.

use nom::error::{ErrorKind, ParseError};
use nom::{Err, IResult};

use super::*;

/// A parse error: where, how long, and (when known) what to say.
#[derive(Debug)]
pub(super) struct PErr<'a> {
    pub(super) at: &'a str,
    pub(super) len: usize,
    pub(super) msg: Option<Msg>,
    pub(super) kind: QueryErrorKind,
}

/// What an error says. The parser tries alternatives, and nearly every
/// error it makes is dropped when another matches: the common "expected
/// `x`" is kept as what was expected and written out only if reported.
#[derive(Debug)]
pub(super) enum Msg {
    /// "expected `kw`, found `...`".
    Keyword(Keyword),
    /// "expected `p`, found ...".
    Punct(Punct),
    /// Anything else, written.
    Text(String),
}

impl Msg {
    /// The message, for an error at `at`.
    pub(super) fn text(self, at: &str) -> String {
        match self {
            Msg::Keyword(kw) => format!("expected `{kw}`, found `{}`", token(at)),
            Msg::Punct(p) => format!("expected `{}`, found {}", p.as_str(), found(at)),
            Msg::Text(text) => text,
        }
    }

    /// Whether it only says what was expected ("expected `x`, ...").
    fn is_expected_token(&self) -> bool {
        match self {
            Msg::Keyword(_) | Msg::Punct(_) => true,
            Msg::Text(text) => text.starts_with("expected `"),
        }
    }
}

impl<'a> PErr<'a> {
    pub(super) fn msg(at: &'a str, len: usize, msg: impl Into<String>) -> Self {
        PErr::expected(at, len, Msg::Text(msg.into()))
    }

    /// An error saying `msg`, kept unwritten until reported.
    pub(super) fn expected(at: &'a str, len: usize, msg: Msg) -> Self {
        PErr {
            at,
            len,
            msg: Some(msg),
            kind: QueryErrorKind::Syntax,
        }
    }

    /// An error without a message: the caller says what it expected.
    pub(super) fn silent(at: &'a str) -> Self {
        PErr {
            at,
            len: 0,
            msg: None,
            kind: QueryErrorKind::Syntax,
        }
    }
}

impl<'a> ParseError<&'a str> for PErr<'a> {
    fn from_error_kind(at: &'a str, _: ErrorKind) -> Self {
        PErr::silent(at)
    }
    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
    /// Of two failed alternatives, the one that got further says more.
    fn or(self, other: Self) -> Self {
        if other.at.len() < self.at.len()
            || (other.at.len() == self.at.len() && other.msg.is_some())
        {
            other
        } else {
            self
        }
    }
}

pub(super) type PResult<'a, O> = IResult<&'a str, O, PErr<'a>>;

/// A committed error: reported as it is.
pub(super) fn fail<'a, O>(at: &'a str, len: usize, msg: impl Into<String>) -> PResult<'a, O> {
    Err(Err::Failure(PErr::msg(at, len, msg)))
}

/// A committed error of a kind other than [`QueryErrorKind::Syntax`].
pub(super) fn fail_kind<'a, O>(
    at: &'a str,
    len: usize,
    kind: QueryErrorKind,
    msg: impl Into<String>,
) -> PResult<'a, O> {
    Err(Err::Failure(PErr {
        kind,
        ..PErr::msg(at, len, msg)
    }))
}

/// Names what was found at `rest`, for "expected X, found Y" messages: the
/// next token, a long one cut short.
pub(super) fn found(rest: &str) -> String {
    const SHOWN: usize = 40;
    match token(rest) {
        "" => "the end of the statement".to_string(),
        t if t.chars().count() > SHOWN => {
            let cut: String = t.chars().take(SHOWN).collect();
            format!("`{cut}…`")
        }
        t => format!("`{t}`"),
    }
}

pub(super) fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Turns a recoverable error into a committed one, adding `msg` when the error
/// had none (or only a generic "expected `x`").
pub(super) fn cut_with<'a>(e: Err<PErr<'a>>, msg: &str) -> Err<PErr<'a>> {
    match e {
        Err::Error(mut pe) => {
            if pe.msg.as_ref().is_none_or(Msg::is_expected_token) {
                pe.msg = Some(Msg::Text(format!("{msg}, found {}", found(pe.at))));
            }
            Err::Failure(pe)
        }
        other => other,
    }
}
