//! Attribution on an arbitrary text: reading it, proposing its claims and
//! attributing any passage must answer, never panic, and every proposal's
//! passage must lie on character boundaries of the text.
#![no_main]

#[path = "../../tests/support/fuzz_bodies.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::attribute(data));
