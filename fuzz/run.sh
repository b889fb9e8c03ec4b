#!/usr/bin/env bash
# Fuzzes one target for a while: fuzz/run.sh parse|locate|attribute [SECONDS, default 600].
# Needs the nightly toolchain and cargo-fuzz (cargo install cargo-fuzz).
# A case slower than one second counts as a failure (-timeout=1); crashers
# land in fuzz/artifacts/TARGET/: copy each to fuzz/regressions/TARGET/, where
# tests/fuzz_regressions.rs replays it with every seed.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh parse|locate|attribute [SECONDS]}
seconds=${2:-600}
mkdir -p "corpus/$target"
exec cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
  -max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -print_final_stats=1
