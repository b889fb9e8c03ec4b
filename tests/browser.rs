//! The web pages in a real browser: a headless Chromium, driven over
//! WebDriver, signs in, filters the claims, runs a query with a mistake
//! and finds the caret, opens a claim and compares the highlighted text
//! with the stored anchored text, counts a source's highlights, adds a
//! faithful claim and has a misquote refused with its closest passage,
//! reads the JSON-LD, and tries a post from another site's page and a
//! stored `<script>` name, both harmless. axe-core (vendored,
//! `tests/browser/`) checks each page: no serious or critical violation.
//! Each step saves a screenshot under the test's output folder. Every
//! request goes to 127.0.0.1. Skipped, saying so, without the browser
//! (see `support/webdriver.rs`).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;

use serde_json::Value;

#[path = "support/server.rs"]
mod server;
#[path = "support/webdriver.rs"]
mod webdriver;

use server::{claimdb, statement, stdout_of, token, Server};
use webdriver::Browser;

/// axe-core, injected into each page checked.
const AXE: &str = include_str!("browser/axe.min.js");

/// Where the screenshots go.
fn shots() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser")
}

/// The serious and critical accessibility violations axe finds on the
/// page the browser shows.
fn violations(browser: &Browser) -> Vec<String> {
    browser.run(&format!("{AXE}\nreturn true;"));
    let result = browser.run_async(
        "const done = arguments[arguments.length - 1];
         axe.run(document, { resultTypes: ['violations'] })
            .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.map(n => n.html).slice(0, 3) }))))
            .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));",
    );
    result
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .map(|v| v.to_string())
        .collect()
}

/// Checks the page, saves its screenshot as `name`, and returns how long
/// the server took to answer it (ms, from the browser's navigation timing).
fn look(browser: &Browser, name: &str) -> f64 {
    let found = violations(browser);
    assert!(found.is_empty(), "{name}: {found:#?}");
    browser.screenshot(&shots().join(format!("{name}.png")));
    browser
        .run("const t = performance.getEntriesByType('navigation')[0]; return t ? t.responseEnd - t.requestStart : 0;")
        .as_f64()
        .unwrap_or(0.0)
}

fn count(server: &Server, admin: &str, text: &str) -> u64 {
    let (status, body) = statement(server, Some(admin), text);
    assert_eq!(status, 200, "{body}");
    let v = &body["output"];
    v.as_u64()
        .or_else(|| v["count"].as_u64())
        .unwrap_or_else(|| panic!("{v}"))
}

/// A page on another origin (another loopback port) whose form posts a
/// claim to the server as soon as it loads.
fn other_site(target: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let page = format!(
        r#"<!doctype html><html lang="en"><title>elsewhere</title><body><form id="f" method="post" action="{target}/claims/new">
<input name="speaker" value="Geoff White"><input name="source" value="fp-lazarus-review">
<input name="quote" value="North Korea"><input name="statement" value="Forged."><input name="confidence" value="0.5">
<input name="rationale" value="forged"><input name="action" value="add"></form>
<script>document.getElementById('f').submit();</script></body></html>"#
    );
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                page.len()
            );
        }
    });
    format!("http://{address}/")
}

#[test]
fn the_pages_work_in_a_real_browser() {
    let Some((driver, chromium)) = webdriver::programs() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let writer = token(&db, "desk", "write");
    let admin = token(&db, "boss", "admin");
    // A speaker whose name is markup: shown as text, never run.
    stdout_of(claimdb().arg("--db").arg(&db).args([
        "query",
        r#"add speaker "<script>window.pwned = 1</script><img src=x onerror=window.pwned=2>""#,
    ]));
    let server = Server::start(&db, &[]);
    let url = |path: &str| format!("{}{path}", server.url);
    let browser = Browser::start(&driver, &chromium);
    let mut timings = Vec::new();

    // Signing in.
    browser.go(&url("/claims"));
    assert!(
        browser.current_url().contains("/sign-in?next="),
        "{}",
        browser.current_url()
    );
    timings.push(("sign-in", look(&browser, "01-sign-in")));
    let field = browser.find("#token");
    browser.type_into(&field, &writer);
    browser.click(&browser.find("form.sign-in button"));
    browser.wait_for("return location.pathname === '/claims';");
    assert!(browser
        .text(&browser.find(".who"))
        .contains("Signed in as desk"));
    timings.push(("claims", look(&browser, "02-claims")));

    // Filtering: the state is in the address; the count is the language's.
    let speaker = browser.find("#f-speaker");
    browser.type_into(&speaker, "White");
    browser.click(&browser.find("form.filters button[type=submit]"));
    browser.wait_for("return location.search.includes('speaker=White');");
    let want = count(&server, &admin, r#"count claims where speaker = "White""#);
    let shown = browser.text(&browser.find("p.count"));
    assert!(shown.starts_with(&format!("{want} claims")), "{shown}");
    let rows = browser.run("return document.querySelectorAll('table.claims tbody tr').length;");
    assert_eq!(rows.as_u64().unwrap(), want.min(50));
    timings.push(("claims filtered", look(&browser, "03-claims-filtered")));

    // A query with a mistake: the caret under the misspelled field.
    browser.go(&url("/query"));
    let q = browser.find("#q");
    browser.type_into(&q, "claims where speeker = \"White\"");
    browser.click(&browser.find("form.query button"));
    browser.wait_for("return document.querySelector('pre.caret') !== null;");
    let caret = browser.text(&browser.find("pre.caret"));
    let lines: Vec<&str> = caret.lines().collect();
    let code = lines.iter().find(|l| l.contains("claims where")).unwrap();
    let marks = lines.iter().find(|l| l.contains('^')).unwrap();
    let at = marks.find('^').unwrap();
    assert_eq!(&code[at..at + 7], "speeker", "{caret}");
    assert_eq!(marks.matches('^').count(), 7, "{caret}");
    timings.push(("query error", look(&browser, "04-query-error")));

    // A claim: the highlighted text is the stored anchored text.
    let (_, body) = statement(&server, Some(&admin), "claims where id = 1");
    let c = &body["output"]["claims"][0]["claim"];
    let (_, source) = server::request(
        "GET",
        &url("/v1/sources/fp-lazarus-review"),
        Some(&admin),
        None,
    );
    let text = source["text"].as_str().unwrap();
    let anchored: Vec<String> = c["anchor"]["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| text[p[0].as_u64().unwrap() as usize..p[1].as_u64().unwrap() as usize].to_string())
        .collect();
    browser.go(&url("/claims/1"));
    let highlighted = browser
        .run("return Array.from(document.querySelectorAll('mark.quote')).map(m => m.textContent);");
    let highlighted: Vec<String> = serde_json::from_value(highlighted).unwrap();
    assert_eq!(highlighted, anchored);
    // Its ClaimReview, as JSON-LD.
    let ld = browser
        .run("return document.querySelector('script[type=\"application/ld+json\"]').textContent;");
    let review: Value = serde_json::from_str(ld.as_str().unwrap()).unwrap();
    assert_eq!(review["@type"], "ClaimReview");
    assert_eq!(review["claimReviewed"], c["statement"]);
    timings.push(("claim", look(&browser, "05-claim")));

    // A source: one highlight per anchored claim.
    browser.go(&url("/sources/fp-lazarus-review"));
    let ids = browser.run(
        "const ids = new Set(); document.querySelectorAll('mark[data-claims]').forEach(m => m.dataset.claims.split(' ').forEach(i => ids.add(i))); return ids.size;",
    );
    let verified = count(
        &server,
        &admin,
        r#"count claims where source = "fp-lazarus-review" and status = "verified""#,
    );
    assert_eq!(ids.as_u64().unwrap(), verified);
    timings.push(("source", look(&browser, "06-source")));

    // Adding: a misquote refused with its closest passage, live and on saving.
    let before = count(&server, &admin, "count claims");
    browser.go(&url("/claims/new"));
    let fill = |id: &str, value: &str| {
        let e = browser.find(id);
        browser.type_into(&e, value);
    };
    fill("#speaker", "Sony attackers");
    fill("#quote", "Remember the 12th of September 2001");
    browser.wait_for(
        "return document.querySelector('#check').textContent.includes('closest passage');",
    );
    let live = browser.text(&browser.find("#check"));
    assert!(
        live.contains("Remember the 11th of September 2001"),
        "{live}"
    );
    timings.push((
        "add claim, live check",
        look(&browser, "07-live-check-misquote"),
    ));
    fill("#statement", "The attackers invoked September 11.");
    fill("#confidence", "0.7");
    fill("#rationale", "Quoted by the reviewer.");
    browser.click(&browser.find("button[value=add]"));
    browser.wait_for("return document.querySelector('div.error') !== null;");
    let refusal = browser.text(&browser.find("div.error"));
    assert!(
        refusal.contains("Remember the 11th of September 2001"),
        "{refusal}"
    );
    assert_eq!(count(&server, &admin, "count claims"), before);
    timings.push(("misquote refused", look(&browser, "08-misquote-refused")));
    // The form kept what was typed: mend the quote and add it.
    fill("#quote", "Remember the 11th of September 2001");
    browser
        .wait_for("return document.querySelector('#check').textContent.includes('In the source');");
    browser.click(&browser.find("button[value=add]"));
    browser.wait_for("return /^\\/claims\\/[0-9]+$/.test(location.pathname);");
    assert_eq!(count(&server, &admin, "count claims"), before + 1);
    timings.push(("claim added", look(&browser, "09-claim-added")));

    // A post from another site's page changes nothing.
    browser.go(&other_site(&server.url));
    browser.wait_for(
        "return location.href.includes('/claims/new') || location.href.includes('/sign-in');",
    );
    assert_eq!(count(&server, &admin, "count claims"), before + 1);
    let answer = browser.run("return document.body.innerText;");
    assert!(
        answer
            .as_str()
            .unwrap()
            .contains("did not come from this site"),
        "{answer}"
    );
    browser.screenshot(&shots().join("10-cross-site-post-refused.png"));

    // The stored markup is text.
    browser.go(&url("/speakers"));
    assert_eq!(
        browser.run("return window.pwned === undefined;"),
        Value::Bool(true)
    );
    let shown = browser.run("return document.querySelector('main').innerText;");
    assert!(
        shown
            .as_str()
            .unwrap()
            .contains("<script>window.pwned = 1</script>"),
        "{shown}"
    );
    timings.push(("speakers", look(&browser, "11-speakers")));

    // An import from a file, with its report row by row.
    let file = dir.path().join("claims.jsonl");
    std::fs::write(
        &file,
        concat!(
            r#"{"speaker": "Sony attackers", "source": "fp-lazarus-review", "quote": "Remember the 12th of September 2001", "statement": "Misquoted.", "confidence": 0.8, "rationale": "quoted"}"#,
            "\n"
        ),
    )
    .unwrap();
    browser.go(&url("/import"));
    timings.push(("import", look(&browser, "12-import")));
    let input = browser.find("#file");
    browser.type_into(&input, file.to_str().unwrap());
    browser.click(&browser.find("form.import button"));
    browser.wait_for("return document.querySelector('table tbody tr') !== null;");
    let row = browser.text(&browser.find("table tbody tr"));
    assert!(
        row.contains("claims.jsonl:1") && row.contains("refused"),
        "{row}"
    );
    timings.push(("import report", look(&browser, "13-import-report")));

    eprintln!("screenshots in {}", shots().display());
    for (page, ms) in timings {
        eprintln!("{page}: answered in {ms:.1} ms");
    }
}
