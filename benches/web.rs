//! How fast the web pages answer on a large corpus: `cargo bench --bench
//! web` (100,000 claims; `CLAIMDB_WEB_CLAIMS=1000000` for a million;
//! `CLAIMDB_BENCH_DIR` keeps the generated database and reuses it).
//!
//! Builds a database of generated claims (1,000 speakers; one claim in a
//! hundred quotes a source's text and is anchored, the others quote a
//! source without text), starts `claimdb serve` on it (the release build),
//! and times each page as a browser asks for it: the first request after
//! the server starts (cold) and then twenty more (warm; median and
//! slowest), each on a different record where the page names one.

#[path = "../tests/support/server.rs"]
mod server;

use std::path::Path;
use std::time::Instant;

use claimdb::{Db, Durability, NewClaim, NewSource, NewSpeaker, OpenOptions};
use server::Server;

/// Sentences of the one source with text.
const SENTENCES: u64 = 10_000;

fn sentence(k: u64) -> String {
    format!("Sentence {k} of the generated record says that parcel {k} arrived.")
}

fn build(path: &Path, claims: u64) {
    let db = Db::open_with(
        path,
        OpenOptions::new()
            .seed(false)
            .durability(Durability::ProcessCrash),
    )
    .unwrap();
    let text: String = (0..SENTENCES).map(|k| sentence(k) + "\n").collect();
    db.write(|w| {
        w.add_source(&NewSource {
            id: "gen".into(),
            title: "Generated, without text".into(),
            ..Default::default()
        })?;
        w.add_source(&NewSource {
            id: "record".into(),
            title: "A generated record".into(),
            text: Some(text.clone()),
            ..Default::default()
        })?;
        for k in 0..1_000 {
            w.add_speaker(&NewSpeaker {
                name: format!("Speaker {k}"),
                aliases: vec![],
                description: None,
            })?;
        }
        Ok(())
    })
    .unwrap();
    let started = Instant::now();
    for batch in 0..claims / 1_000 {
        db.write(|w| {
            for n in batch * 1_000..(batch + 1) * 1_000 {
                let anchored = n % 100 == 0;
                w.add_claim(&NewClaim {
                    speaker: format!("Speaker {}", n % 1_000),
                    source: if anchored { "record" } else { "gen" }.into(),
                    quote: if anchored {
                        sentence((n / 100) % SENTENCES)
                    } else {
                        format!("a generated quote, number {n}")
                    },
                    statement: format!("A generated statement, number {n}."),
                    confidence: (n % 100) as f64 / 100.0,
                    rationale: "generated for the web benchmark".into(),
                    tags: vec![format!("t{}", n % 7)],
                    ..Default::default()
                })?;
            }
            Ok(())
        })
        .unwrap();
    }
    eprintln!(
        "built {claims} claims in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

/// A page's path for the `k`th request.
type PathOf = Box<dyn Fn(u64) -> String>;

/// Milliseconds to fetch `url` whole.
fn fetch_ms(url: &str) -> f64 {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let started = Instant::now();
    let mut response = agent.get(url).call().unwrap();
    let status = response.status().as_u16();
    let _ = response.body_mut().read_to_string();
    let took = started.elapsed().as_secs_f64() * 1e3;
    assert_eq!(status, 200, "{url}");
    took
}

fn main() {
    let claims: u64 = std::env::var("CLAIMDB_WEB_CLAIMS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let temp = tempfile::tempdir_in(".").unwrap();
    let dir = std::env::var_os("CLAIMDB_BENCH_DIR")
        .map_or_else(|| temp.path().to_path_buf(), std::path::PathBuf::from);
    let path = dir.join(format!("web-{claims}.db"));
    if !path.exists() {
        build(&path, claims);
    }
    let server = Server::start(&path, &[]);
    let pages: Vec<(&str, PathOf)> = vec![
        ("claims, first page", Box::new(|_| "/claims".into())),
        (
            "claims, page 1,000 (offset 49,950)",
            Box::new(|_| "/claims?page=1000".into()),
        ),
        (
            "claims by one speaker, by confidence",
            Box::new(|k| {
                format!(
                    "/claims?speaker=Speaker+{}&sort=confidence&dir=desc",
                    k * 37 % 1_000
                )
            }),
        ),
        (
            "claims, least confidence 0.9",
            Box::new(|_| "/claims?min_confidence=0.9".into()),
        ),
        (
            "one anchored claim",
            Box::new(move |k| format!("/claims/{}", 1 + (k * 7_919 % (claims / 100)) * 100)),
        ),
        (
            "one claim",
            Box::new(move |k| format!("/claims/{}", 2 + k * 104_729 % (claims - 2))),
        ),
        (
            "one speaker",
            Box::new(|k| format!("/speakers/Speaker%20{}", k * 13 % 1_000)),
        ),
    ];
    println!("{claims} claims; milliseconds per page, fetched whole from 127.0.0.1");
    println!(
        "{:<40} {:>8} {:>12} {:>12}",
        "page", "cold", "warm median", "warm slowest"
    );
    for (name, path_of) in &pages {
        let cold = fetch_ms(&format!("{}{}", server.url, path_of(0)));
        let mut warm: Vec<f64> = (1..=20)
            .map(|k| fetch_ms(&format!("{}{}", server.url, path_of(k))))
            .collect();
        warm.sort_by(f64::total_cmp);
        println!(
            "{name:<40} {cold:>8.1} {:>12.1} {:>12.1}",
            warm[warm.len() / 2],
            warm[warm.len() - 1]
        );
    }
}
