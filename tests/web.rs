//! The web pages of `claimdb serve`, fetched as a browser would (without
//! running script): the claims filtered and paged, a claim's quote
//! highlighted in its passage (the highlighted text is the anchored text),
//! a source's highlights (one per claim), the query box's caret, the
//! ClaimReview JSON-LD, stored markup and control characters shown as
//! text, and signing in: the token kept on the server, the cookie's flags,
//! the cross-site request token, sign-out and revocation. Every request
//! goes to 127.0.0.1.

use std::collections::BTreeSet;

use serde_json::Value;

#[path = "support/server.rs"]
mod server;

use server::{claimdb, statement, stdout_of, token, Server};

/// A page as a browser gets it: status, headers, body. No redirect is
/// followed; `cookie` is sent when given.
struct Page {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Page {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn fetch(method: &str, url: &str, cookie: Option<&str>, form: Option<&str>) -> Page {
    fetch_with(method, url, cookie, form, &[])
}

fn fetch_with(
    method: &str,
    url: &str,
    cookie: Option<&str>,
    form: Option<&str>,
    headers: &[(&str, &str)],
) -> Page {
    let kind = form.map(|_| "application/x-www-form-urlencoded");
    let body = form.unwrap_or_default().as_bytes().to_vec();
    send(method, url, cookie, kind, body, headers)
}

/// One request, no redirect followed: the page as it came.
fn send(
    method: &str,
    url: &str,
    cookie: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
    headers: &[(&str, &str)],
) -> Page {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut builder = ureq::http::Request::builder().method(method).uri(url);
    if let Some(c) = cookie {
        builder = builder.header("Cookie", c);
    }
    if let Some(kind) = content_type {
        builder = builder.header("Content-Type", kind);
    }
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let mut response = agent.run(builder.body(body).unwrap()).unwrap();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    Page {
        status: response.status().as_u16(),
        headers,
        body: response.body_mut().read_to_string().unwrap_or_default(),
    }
}

/// What HTML escaping did, undone (the entities `html.rs` writes).
fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The texts of every `<mark class="CLASS" ...>…</mark>`.
fn marks(html: &str, class: &str) -> Vec<String> {
    let open = format!(r#"<mark class="{class}""#);
    html.match_indices(&open)
        .map(|(at, _)| {
            let start = at + html[at..].find('>').unwrap() + 1;
            let end = start + html[start..].find("</mark>").unwrap();
            unescape(&html[start..end])
        })
        .collect()
}

/// The number a `count claims` statement answers.
fn number(v: &Value) -> u64 {
    v.as_u64()
        .or_else(|| v["count"].as_u64())
        .or_else(|| v[0]["count"].as_u64())
        .unwrap_or_else(|| panic!("not a count: {v}"))
}

/// The number a `count claims` statement answers through the API.
fn counted(server: &Server, token: &str, text: &str) -> u64 {
    let (status, body) = statement(server, Some(token), text);
    assert_eq!(status, 200, "{body}");
    number(&body["output"])
}

/// The one result of a statement through the API.
fn api(server: &Server, text: &str) -> Value {
    let (status, body) = statement(server, None, text);
    assert_eq!(status, 200, "{text}: {body}");
    body["output"].clone()
}

#[test]
fn pages_show_each_claim_in_its_passage() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let server = Server::start(&db, &[]);
    let url = |path: &str| format!("{}{path}", server.url);

    // Filters and paging: the count is the language's own.
    let count = number(&api(
        &server,
        r#"count claims where speaker = "White" and confidence >= 0.8"#,
    ));
    let page = fetch(
        "GET",
        &url("/claims?speaker=White&min_confidence=0.8&rows=5&page=2&sort=confidence&dir=desc"),
        None,
        None,
    );
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(
        page.body.contains(&format!("{count} claims; showing 6–")),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"aria-sort="descending""#));
    assert!(page.body.contains(r#"rel="prev""#));
    let bad = fetch("GET", &url("/claims?min_confidence=high"), None, None);
    assert_eq!(bad.status, 400);
    assert!(
        bad.body
            .contains("the least confidence is a number from 0 to 1, not &quot;high&quot;"),
        "{}",
        bad.body
    );

    // A claim: its highlighted parts are the anchored text, byte for byte.
    let rows = api(
        &server,
        r#"claims where status = "verified" order by id limit 3"#,
    );
    let source_text = |id: &str| -> String {
        let (_, body) = server::request("GET", &url(&format!("/v1/sources/{id}")), None, None);
        body["text"].as_str().unwrap().to_string()
    };
    for row in rows["claims"].as_array().unwrap() {
        let claim = &row["claim"];
        let id = claim["id"].as_u64().unwrap();
        let text = source_text(claim["source"].as_str().unwrap());
        let anchor = &claim["anchor"];
        let segments = anchor["segments"].as_array().unwrap();
        let want: Vec<String> = if segments.is_empty() {
            let (s, e) = (
                anchor["start_byte"].as_u64().unwrap(),
                anchor["end_byte"].as_u64().unwrap(),
            );
            vec![text[s as usize..e as usize].to_string()]
        } else {
            segments
                .iter()
                .map(|p| {
                    text[p[0].as_u64().unwrap() as usize..p[1].as_u64().unwrap() as usize]
                        .to_string()
                })
                .collect()
        };
        let page = fetch("GET", &url(&format!("/claims/{id}")), None, None);
        assert_eq!(page.status, 200);
        assert_eq!(marks(&page.body, "quote"), want, "claim {id}");
        // Its ClaimReview, as JSON-LD.
        let start = page
            .body
            .find(r#"<script type="application/ld+json">"#)
            .unwrap()
            + 35;
        let end = start + page.body[start..].find("</script>").unwrap();
        let review: Value = serde_json::from_str(&page.body[start..end]).unwrap();
        assert_eq!(review["@type"], "ClaimReview", "{review}");
        assert_eq!(review["claimReviewed"], claim["statement"]);
    }
    // The seed's first claim: the words that credit it, marked apart.
    let first = fetch("GET", &url("/claims/1"), None, None);
    assert_eq!(marks(&first.body, "cue"), ["That chilling threat"]);
    assert_eq!(fetch("GET", &url("/claims/999999"), None, None).status, 404);

    // A source: one highlight per anchored claim, each linking to it.
    let verified = number(&api(
        &server,
        r#"count claims where source = "fp-lazarus-review" and status = "verified""#,
    ));
    let page = fetch("GET", &url("/sources/fp-lazarus-review"), None, None);
    let ids: BTreeSet<&str> = page
        .body
        .match_indices(r#"data-claims=""#)
        .flat_map(|(at, m)| {
            let rest = &page.body[at + m.len()..];
            rest[..rest.find('"').unwrap()].split(' ')
        })
        .collect();
    assert_eq!(ids.len() as u64, verified);
    assert_eq!(page.body.matches(r#"<span id="claim-"#).count(), ids.len());

    // The query box: a mistake with the caret under it.
    let page = fetch(
        "GET",
        &url("/query?q=claims+where+speeker+%3D+%22White%22"),
        None,
        None,
    );
    assert_eq!(page.status, 400);
    assert!(
        page.body
            .contains("1 | claims where speeker = &quot;White&quot;\n  |              ^^^^^^^"),
        "{}",
        page.body
    );
    let page = fetch(
        "GET",
        &url("/query?q=speakers+where+claims+%3E%3D+10"),
        None,
        None,
    );
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Geoff White"), "{}", page.body);
}

#[test]
fn stored_markup_and_control_characters_are_shown_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    stdout_of(
        claimdb()
            .arg("--db")
            .arg(&db)
            .args(["--seed", "query", "count claims"]),
    );
    let name = "<script>alert(1)</script>\u{1b}[31m";
    stdout_of(claimdb().arg("--db").arg(&db).args([
        "query",
        &format!("add speaker {:?}", name.replace('\u{1b}', "\\u{1b}")),
    ]));
    let server = Server::start(&db, &[]);
    let list = fetch("GET", &format!("{}/speakers", server.url), None, None);
    let at = list.body.find("&lt;script&gt;").unwrap();
    let link = &list.body[list.body[..at].rfind("href=\"").unwrap() + 6..];
    let link = &link[..link.find('"').unwrap()];
    assert!(link.starts_with("/speakers/"), "{link}");
    for path in ["/speakers", link] {
        let page = fetch("GET", &format!("{}{path}", server.url), None, None);
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        assert!(!page.body.contains("<script>alert"), "{path}");
        assert!(
            page.body
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;\\u{1b}[31m"),
            "{path}: {}",
            page.body
        );
    }
}

#[test]
fn signing_in_keeps_the_token_on_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let reader = token(&db, "reader", "read");
    let admin = token(&db, "boss", "admin");
    let server = Server::start(&db, &[]);
    let url = |path: &str| format!("{}{path}", server.url);

    // Not signed in: to the sign-in page, with the way back.
    let page = fetch("GET", &url("/claims/3"), None, None);
    assert_eq!(page.status, 303);
    assert_eq!(page.header("location"), Some("/sign-in?next=%2Fclaims%2F3"));
    let form = fetch("GET", &url("/sign-in?next=%2Fclaims%2F3"), None, None);
    assert!(form.body.contains(r#"type="password""#) && form.body.contains(r#"value="/claims/3""#));

    // A wrong token is refused; another site is never the way back.
    let wrong = fetch(
        "POST",
        &url("/sign-in"),
        None,
        Some("token=cdb_nope&next=%2Fclaims"),
    );
    assert_eq!(wrong.status, 401);
    assert!(wrong
        .body
        .contains("the token is not valid (revoked, or mistyped)"));
    let signed = fetch(
        "POST",
        &url("/sign-in"),
        None,
        Some(&format!(
            "token={reader}&next=https%3A%2F%2Fevil.example%2F"
        )),
    );
    assert_eq!(signed.status, 303);
    assert_eq!(signed.header("location"), Some("/claims"));

    // The cookie holds a session id, never the token, and no script reads it.
    let set = signed.header("set-cookie").unwrap().to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/"),
        "{set}"
    );
    assert!(!set.contains(&reader));
    let cookie = set.split(';').next().unwrap().to_string();
    let page = fetch("GET", &url("/claims"), Some(&cookie), None);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Signed in as reader"));

    // Signing out takes the page's own cross-site request token.
    let csrf_at = page.body.find(r#"name="csrf" value=""#).unwrap() + 19;
    let csrf = &page.body[csrf_at..csrf_at + page.body[csrf_at..].find('"').unwrap()];
    for forged in ["", "csrf=0000", "csrf="] {
        let refused = fetch("POST", &url("/sign-out"), Some(&cookie), Some(forged));
        assert_eq!(refused.status, 403, "{forged:?}");
    }
    assert_eq!(
        fetch("GET", &url("/claims"), Some(&cookie), None).status,
        200
    );
    let out = fetch(
        "POST",
        &url("/sign-out"),
        Some(&cookie),
        Some(&format!("csrf={csrf}")),
    );
    assert_eq!(out.status, 303);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(
        fetch("GET", &url("/claims"), Some(&cookie), None).status,
        303
    );

    // Revoking the token ends its sessions at once.
    let again = fetch(
        "POST",
        &url("/sign-in"),
        None,
        Some(&format!("token={reader}")),
    );
    let cookie = again
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        fetch("GET", &url("/claims"), Some(&cookie), None).status,
        200
    );
    let (status, _) = server::request("DELETE", &url("/v1/tokens/reader"), Some(&admin), None);
    assert_eq!(status, 200);
    assert_eq!(
        fetch("GET", &url("/claims"), Some(&cookie), None).status,
        303
    );
}

#[test]
fn public_read_shows_pages_without_signing_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let _ = token(&db, "boss", "admin");
    let server = Server::start(&db, &["--public-read"]);
    let page = fetch("GET", &format!("{}/claims", server.url), None, None);
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"<a href="/sign-in">Sign in</a>"#));
}

/// A form value, percent-encoded.
fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Signs in with `secret`: the session cookie and the page's cross-site
/// request token.
fn sign_in(server: &Server, secret: &str) -> (String, String) {
    let page = fetch(
        "POST",
        &format!("{}/sign-in", server.url),
        None,
        Some(&format!("token={secret}")),
    );
    assert_eq!(page.status, 303, "{}", page.body);
    let cookie = page
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let claims = fetch(
        "GET",
        &format!("{}/claims", server.url),
        Some(&cookie),
        None,
    );
    let at = claims.body.find(r#"name="csrf" value=""#).unwrap() + 19;
    let csrf = claims.body[at..at + claims.body[at..].find('"').unwrap()].to_string();
    (cookie, csrf)
}

#[test]
fn writing_from_the_pages_is_checked_and_refused_as_the_cli_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let reader = token(&db, "reader", "read");
    let writer = token(&db, "desk", "write");
    let server = Server::start(&db, &[]);
    let url = |path: &str| format!("{}{path}", server.url);
    let count = |text: &str| counted(&server, &writer, text);
    let before = count("count claims");

    // A reader sees no form.
    let (reading, _) = sign_in(&server, &reader);
    assert_eq!(
        fetch("GET", &url("/claims/new"), Some(&reading), None).status,
        403
    );

    let (cookie, csrf) = sign_in(&server, &writer);
    let form = fetch("GET", &url("/claims/new"), Some(&cookie), None);
    assert_eq!(form.status, 200);
    assert!(form
        .body
        .contains(r#"<script src="/assets/app.js"></script>"#));
    assert!(form
        .body
        .contains(&format!(r#"name="csrf" value="{csrf}""#)));

    // The live check's answer, writing nothing.
    let check = |quote: &str| {
        let (status, body) = server::request(
            "GET",
            &url(&format!(
                "/check-quote?source=fp-lazarus-review&quote={}",
                enc(quote)
            )),
            Some(&writer),
            None,
        );
        assert_eq!(status, 200, "{body}");
        body
    };
    let found = check("Remember the 11th of September 2001");
    assert_eq!(found["verified"], true, "{found}");
    let misquote = check("Remember the 12th of September 2001");
    assert_eq!(misquote["verified"], false);
    assert_eq!(
        misquote["passage"], "Remember the 11th of September 2001",
        "{misquote}"
    );

    // A misquote is refused with its closest passage; nothing is stored.
    let claim = |quote: &str, csrf: &str| {
        format!(
            "csrf={csrf}&speaker=Sony+attackers&source=fp-lazarus-review&quote={}&statement={}&confidence=0.7&rationale=quoted&tags=sony%2C+threat&action=add",
            enc(quote),
            enc("The attackers invoked September 11.")
        )
    };
    let refused = fetch(
        "POST",
        &url("/claims/new"),
        Some(&cookie),
        Some(&claim("Remember the 12th of September 2001", &csrf)),
    );
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("The closest passage (line 14, column 2)"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Remember the 11th of September 2001"));
    assert_eq!(count("count claims"), before);

    // A post without the page's token is refused, whatever it holds.
    for forged in ["", "0000"] {
        let page = fetch(
            "POST",
            &url("/claims/new"),
            Some(&cookie),
            Some(&claim("Remember the 11th of September 2001", forged)),
        );
        assert_eq!(page.status, 403, "{}", page.body);
        assert!(page.body.contains("this form did not come from this site"));
    }
    assert_eq!(count("count claims"), before);

    // A faithful quote is stored; its page shows it.
    let added = fetch(
        "POST",
        &url("/claims/new"),
        Some(&cookie),
        Some(&claim("Remember the 11th of September 2001", &csrf)),
    );
    assert_eq!(added.status, 303, "{}", added.body);
    let location = added.header("location").unwrap().to_string();
    let id: u64 = location.trim_start_matches("/claims/").parse().unwrap();
    assert_eq!(count("count claims"), before + 1);
    let page = fetch("GET", &url(&location), Some(&cookie), None);
    assert!(page.body.contains("The attackers invoked September 11."));
    assert!(page
        .body
        .contains(&format!(r#"href="/claims/{id}/delete""#)));

    // Edited: a bad confidence refused as the CLI words it, then saved.
    let edit = |confidence: &str| {
        format!(
            "csrf={csrf}&statement={}&confidence={confidence}&rationale=checked&tags=sony",
            enc("Edited statement.")
        )
    };
    let bad = fetch(
        "POST",
        &url(&format!("/claims/{id}/edit")),
        Some(&cookie),
        Some(&edit("1.5")),
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("confidence"), "{}", bad.body);
    let saved = fetch(
        "POST",
        &url(&format!("/claims/{id}/edit")),
        Some(&cookie),
        Some(&edit("0.4")),
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(
        count(&format!(
            r#"count claims where id = {id} and confidence = 0.4 and statement = "Edited statement.""#
        )),
        1
    );
    // The page shows who changed what.
    let page = fetch("GET", &url(&format!("/claims/{id}")), Some(&cookie), None);
    assert!(page.body.contains("updated by desk"), "{}", page.body);
    assert!(
        page.body.contains("<code>confidence</code>: 0.7 → 0.4"),
        "{}",
        page.body
    );

    // Deleted after the page that asks.
    let asks = fetch(
        "GET",
        &url(&format!("/claims/{id}/delete")),
        Some(&cookie),
        None,
    );
    assert!(asks.body.contains(&format!("Delete claim {id}?")));
    let gone = fetch(
        "POST",
        &url(&format!("/claims/{id}/delete")),
        Some(&cookie),
        Some(&format!("csrf={csrf}")),
    );
    assert_eq!(gone.status, 303);
    assert_eq!(count("count claims"), before);
}

#[test]
fn a_tokenless_server_takes_posts_only_from_its_own_pages() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let server = Server::start(&db, &[]);
    let host = server.url.trim_start_matches("http://").to_string();
    let form = "speaker=Geoff+White&source=fp-lazarus-review&quote=North+Korea&statement=About+North+Korea.&confidence=0.5&rationale=r&action=add";
    let url = format!("{}/claims/new", server.url);
    for (name, value) in [
        ("Origin", "http://evil.example"),
        ("Sec-Fetch-Site", "cross-site"),
    ] {
        let page = fetch_with("POST", &url, None, Some(form), &[(name, value)]);
        assert_eq!(page.status, 403, "{name}: {}", page.body);
    }
    let own = format!("http://{host}");
    let page = fetch_with(
        "POST",
        &url,
        None,
        Some(form),
        &[("Origin", &own), ("Sec-Fetch-Site", "same-origin")],
    );
    assert_eq!(page.status, 303, "{}", page.body);
}

/// A multipart form body: its content type and bytes.
fn multipart(fields: &[(&str, &str)], file: (&str, &str)) -> (String, Vec<u8>) {
    let boundary = "claimdbtestboundary7";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n{}\r\n--{boundary}--\r\n",
        file.0, file.1
    ));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

fn post_multipart(url: &str, cookie: &str, content_type: &str, body: Vec<u8>) -> Page {
    send("POST", url, Some(cookie), Some(content_type), body, &[])
}

#[test]
fn imports_report_each_row_and_filters_read_attribution() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let writer = token(&db, "desk", "write");
    let server = Server::start(&db, &[]);
    let url = |path: &str| format!("{}{path}", server.url);
    let count = |text: &str| counted(&server, &writer, text);

    // The attribution filter is the language's own field.
    let (cookie, csrf) = sign_in(&server, &writer);
    let confirmed = count(r#"count claims where attribution = "confirmed""#);
    let page = fetch(
        "GET",
        &url("/claims?attribution=confirmed"),
        Some(&cookie),
        None,
    );
    assert!(
        page.body.contains(&format!("{confirmed} claims;")),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"<option value="confirmed" selected>"#));

    // A file with a misquote: all or nothing, then with partial.
    let before = count("count claims");
    let rows = concat!(
        r#"{"speaker": "Sony attackers", "source": "fp-lazarus-review", "quote": "Remember the 11th of September 2001", "statement": "The threat invoked September 11.", "confidence": 0.8, "rationale": "quoted"}"#,
        "\n",
        r#"{"speaker": "Sony attackers", "source": "fp-lazarus-review", "quote": "Remember the 12th of September 2001", "statement": "Misquoted.", "confidence": 0.8, "rationale": "quoted"}"#,
        "\n"
    );
    let (kind, body) = multipart(&[("csrf", &csrf)], ("claims.jsonl", rows));
    let report = post_multipart(&url("/import"), &cookie, &kind, body);
    assert_eq!(report.status, 422, "{}", report.body);
    assert!(
        report
            .body
            .contains("Nothing was written: a row was refused"),
        "{}",
        report.body
    );
    assert!(report.body.contains("claims.jsonl:2"));
    assert!(
        report
            .body
            .contains("the quote says &quot;12th&quot; where the source says &quot;11th&quot;"),
        "{}",
        report.body
    );
    assert_eq!(count("count claims"), before);
    let (kind, body) = multipart(&[("csrf", &csrf), ("partial", "1")], ("claims.jsonl", rows));
    let report = post_multipart(&url("/import"), &cookie, &kind, body);
    assert_eq!(report.status, 200, "{}", report.body);
    assert!(
        report.body.contains("1 added") && report.body.contains("1 refused"),
        "{}",
        report.body
    );
    assert_eq!(count("count claims"), before + 1);
    // Without the page's token, nothing.
    let (kind, body) = multipart(&[("partial", "1")], ("claims.jsonl", rows));
    assert_eq!(
        post_multipart(&url("/import"), &cookie, &kind, body).status,
        403
    );
    assert_eq!(count("count claims"), before + 1);

    // Behind a proxy that terminates TLS, the cookie is Secure.
    let page = fetch_with(
        "POST",
        &url("/sign-in"),
        None,
        Some(&format!("token={writer}")),
        &[("X-Forwarded-Proto", "https")],
    );
    assert!(page.header("set-cookie").unwrap().contains("; Secure"));
}

#[test]
fn a_quote_in_parts_and_a_broken_claim_show_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let server = Server::start(&db, &[]);
    let url = |path: &str| format!("{}{path}", server.url);
    // An ellipsis leaves two highlights; bracketed words are marked.
    let (status, body) = statement(
        &server,
        None,
        r#"add claim with speaker = "Sony attackers", source = "fp-lazarus-review", quote = "Remember the [date] ... 2001", statement = "In parts.", confidence = 0.5, rationale = "r""#,
    );
    assert_eq!(status, 200, "{body}");
    let id = body["output"]["done"]["claim"]["id"].as_u64().unwrap();
    let page = fetch("GET", &url(&format!("/claims/{id}")), None, None);
    assert_eq!(
        marks(&page.body, "quote"),
        ["Remember the", "2001"],
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"<ins class="bracket""#));
    assert!(
        page.body.contains("<ul class=\"normalizations\">"),
        "{}",
        page.body
    );

    // A new text that no longer holds claim 1's quote: the closest passage.
    let (_, source) = server::request("GET", &url("/v1/sources/fp-lazarus-review"), None, None);
    let text = source["text"]
        .as_str()
        .unwrap()
        .replace("11th of September", "12th of September");
    let (status, body) = server::request(
        "PUT",
        &url("/v1/sources/fp-lazarus-review/text"),
        None,
        Some(text.as_bytes()),
    );
    assert_eq!(status, 200, "{body}");
    let page = fetch("GET", &url("/claims/1"), None, None);
    assert!(
        page.body.contains(r#"class="status-broken""#),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("The closest passage (line 14, column 2"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Remember the 12th of September 2001"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("<ul class=\"changes\">"),
        "{}",
        page.body
    );
}
