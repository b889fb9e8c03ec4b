//! The citation locator on an arbitrary text, quote and hint (ellipses and
//! brackets included): it must answer, never panic, and a verified quote's
//! anchor must lie on character boundaries of the text.
#![no_main]

#[path = "../../tests/support/fuzz_bodies.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::locate(data));
