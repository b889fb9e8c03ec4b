//! The query parser and checker on arbitrary text: an error is fine, a panic
//! or a stack overflow is not. A condition that parses prints back to text
//! that parses to the same condition. The lexer's tokens cover the text
//! exactly, and asking the parser what may follow any prefix never panics.
#![no_main]

#[path = "../../tests/support/fuzz_bodies.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::parse(data));
