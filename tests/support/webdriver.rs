//! A headless Chromium for tests, driven over the W3C WebDriver protocol
//! by ChromeDriver, on loopback. `CLAIMDB_TEST_CHROMEDRIVER` and
//! `CLAIMDB_TEST_CHROMIUM` name the two programs (`.ci/run` installs
//! Debian's `chromium` and `chromium-driver` when absent and sets them);
//! without them the browser tests are skipped, saying so; in CI (`CI`
//! set) their absence fails.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The key under which WebDriver names an element.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A browser session.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
}

/// The two programs, when the environment names them.
pub fn programs() -> Option<(String, String)> {
    let driver = std::env::var("CLAIMDB_TEST_CHROMEDRIVER")
        .ok()
        .filter(|s| !s.is_empty());
    let chromium = std::env::var("CLAIMDB_TEST_CHROMIUM")
        .ok()
        .filter(|s| !s.is_empty());
    match (driver, chromium) {
        (Some(d), Some(c)) => Some((d, c)),
        _ if std::env::var_os("CI").is_some() => panic!(
            "CI runs the browser tests: .ci/run sets CLAIMDB_TEST_CHROMEDRIVER and CLAIMDB_TEST_CHROMIUM"
        ),
        _ => {
            eprintln!("browser tests skipped: CLAIMDB_TEST_CHROMEDRIVER and CLAIMDB_TEST_CHROMIUM unset (.ci/run installs and sets them)");
            None
        }
    }
}

fn call(method: &str, url: &str, body: Option<Value>) -> Value {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into();
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Content-Type", "application/json")
        .body(body.map(|b| b.to_string()).unwrap_or_default().into_bytes())
        .unwrap();
    let mut response = agent
        .run(request)
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    assert!(status < 300, "{method} {url}: {status} {text}");
    value["value"].clone()
}

impl Browser {
    /// Starts ChromeDriver on a free loopback port and a headless Chromium
    /// through it.
    pub fn start(driver: &str, chromium: &str) -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{driver}: {e}"));
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            let ready = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
            if ready {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut browser = Browser {
            driver: child,
            base,
            session: String::new(),
        };
        let made = call(
            "POST",
            &format!("{}/session", browser.base),
            Some(json!({
                "capabilities": { "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": chromium,
                        "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                                 "--disable-dev-shm-usage", "--window-size=1280,1000",
                                 "--no-first-run", "--disable-extensions"]
                    }
                }}
            })),
        );
        browser.session = made["sessionId"].as_str().unwrap().to_string();
        browser.post(
            "timeouts",
            json!({ "script": 60000, "pageLoad": 60000, "implicit": 0 }),
        );
        browser
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}/{path}", self.base, self.session)
    }

    fn post(&self, path: &str, body: Value) -> Value {
        call("POST", &self.url(path), Some(body))
    }

    /// Opens `url` and waits for it to load.
    pub fn go(&self, url: &str) {
        self.post("url", json!({ "url": url }));
    }

    /// The address the browser is at.
    pub fn current_url(&self) -> String {
        call("GET", &self.url("url"), None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// The first element `css` selects.
    pub fn find(&self, css: &str) -> String {
        let found = self.post("element", json!({ "using": "css selector", "value": css }));
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {found}"))
            .to_string()
    }

    pub fn click(&self, element: &str) {
        self.post(&format!("element/{element}/click"), json!({}));
    }

    /// Types `text` into an element, after clearing it.
    pub fn type_into(&self, element: &str, text: &str) {
        self.post(&format!("element/{element}/clear"), json!({}));
        self.post(&format!("element/{element}/value"), json!({ "text": text }));
    }

    /// The element's text as shown.
    pub fn text(&self, element: &str) -> String {
        call("GET", &self.url(&format!("element/{element}/text")), None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// Runs `script` (a function body) in the page; its return value.
    pub fn run(&self, script: &str) -> Value {
        self.post("execute/sync", json!({ "script": script, "args": [] }))
    }

    /// Runs `script`, which calls its last argument with the result.
    pub fn run_async(&self, script: &str) -> Value {
        self.post("execute/async", json!({ "script": script, "args": [] }))
    }

    /// Waits up to ten seconds for `script` to return something true.
    pub fn wait_for(&self, script: &str) -> Value {
        let started = Instant::now();
        loop {
            let value = self.run(script);
            if !(value.is_null() || value == json!(false) || value == json!("")) {
                return value;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "waited in vain for {script}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Saves a PNG of the page at `path`.
    pub fn screenshot(&self, path: &Path) {
        let shot = call("GET", &self.url("screenshot"), None);
        let png = base64_decode(shot.as_str().unwrap());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = std::panic::catch_unwind(|| {
                call(
                    "DELETE",
                    &format!("{}/session/{}", self.base, self.session),
                    None,
                )
            });
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Standard base64, as WebDriver sends a screenshot.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let digits: Vec<u8> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (k, &d)| n | (u32::from(d) << (18 - 6 * k)));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}
