//! Timing shared by the benchmarks (included with `#[path]`: a benchmark
//! is a crate of its own): the median of several runs, after a warm-up.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// The median of `runs`.
pub fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

/// The median time of `runs` calls of `f`, after one call to warm up.
#[allow(dead_code)] // not every benchmark times a closure
pub fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let _ = black_box(f());
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}
