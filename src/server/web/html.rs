//! HTML, written by hand and escaped at one door. Every stored string goes
//! through [`escape`] (text and attribute values alike), which also shows
//! control and direction-changing characters as visible escapes, so that a
//! speaker named `<script>` or `\u{202E}evil` is read as what it is. Every
//! page is one [`page`]: landmarks, a skip link, the navigation, and the
//! headers that keep a page from running anyone else's code.

use std::fmt::Write;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The only code and styles a page may load are claimdb's own.
pub(super) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; \
     script-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

/// Text safe in an element or a quoted attribute value.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if shown_as_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Characters a reader cannot see or that reorder what follows them:
/// controls, line and paragraph separators, bidirectional overrides.
fn shown_as_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}')
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// A path segment or query value, percent-encoded.
pub(crate) fn url_part(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// JSON inside `<script type="application/ld+json">`: no `<` that could
/// close the element.
pub(super) fn json_in_script(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Who is looking at a page, for its navigation.
pub(super) struct Viewer<'a> {
    /// The token's name, when signed in.
    pub(super) name: Option<&'a str>,
    /// The session's cross-site request token, for the sign-out form.
    pub(super) csrf: Option<&'a str>,
}

/// A whole page: `title` (escaped here), `body` (already HTML), `head`
/// (extra elements for the head, already HTML).
pub(super) fn page(title: &str, viewer: &Viewer<'_>, head: &str, body: &str) -> Response {
    let who = match (viewer.name, viewer.csrf) {
        (Some(name), Some(csrf)) => format!(
            r#"<form class="signout" method="post" action="/sign-out"><input type="hidden" name="csrf" value="{csrf}"><span>Signed in as {name}</span> <button type="submit">Sign out</button></form>"#,
            csrf = escape(csrf),
            name = escape(name),
        ),
        _ => r#"<a href="/sign-in">Sign in</a>"#.to_string(),
    };
    let html = format!(
        r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · claimdb</title>
<link rel="stylesheet" href="/assets/app.css">
{head}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<nav aria-label="Main">
<a class="brand" href="/claims">claimdb</a>
<a href="/claims">Claims</a>
<a href="/sources">Sources</a>
<a href="/speakers">Speakers</a>
<a href="/query">Query</a>
<a href="/import">Import</a>
</nav>
<div class="who">{who}</div>
</header>
<main id="main" tabindex="-1">
{body}
</main>
<footer><p>claimdb {version}</p></footer>
</body>
</html>
"##,
        title = escape(title),
        version = env!("CARGO_PKG_VERSION"),
    );
    html_response(StatusCode::OK, html)
}

/// An HTML answer with the headers every page sends.
pub(super) fn html_response(status: StatusCode, html: String) -> Response {
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    let set = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// A page that says what went wrong, with its status.
pub(super) fn error_page(status: StatusCode, viewer: &Viewer<'_>, message: &str) -> Response {
    let body = format!(
        r#"<h1>{reason}</h1><p class="error" role="alert">{message}</p>"#,
        reason = escape(status.canonical_reason().unwrap_or("Refused")),
        message = escape(message),
    );
    let mut response = page(
        status.canonical_reason().unwrap_or("Refused"),
        viewer,
        "",
        &body,
    );
    *response.status_mut() = status;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_text_is_shown_as_text() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(escape("a\u{1b}[31mb\u{202E}c"), "a\\u{1b}[31mb\\u{202e}c");
        assert_eq!(escape("line\nnext"), "line\nnext");
        assert_eq!(url_part("Geoff White/é"), "Geoff%20White%2F%C3%A9");
        assert_eq!(
            json_in_script(&serde_json::json!({"a": "</script><b>"})),
            r#"{"a":"\u003c/script\u003e\u003cb\u003e"}"#
        );
    }
}
