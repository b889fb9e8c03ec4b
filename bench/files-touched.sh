#!/usr/bin/env bash
# Counts the claimdb source files whose code runs for one statement typed
# into the shell, under valgrind's callgrind with line tables: a query and an
# add claim. Usage: bench/files-touched.sh [REPO] [TARGET_DIR] (needs valgrind).
set -euo pipefail
repo=$(cd "${1:-.}" && pwd)
target=${2:-/tmp/target-files}
cd "$repo"
CARGO_PROFILE_DEV_DEBUG=line-tables-only CARGO_TARGET_DIR=$target cargo build --quiet --bin claimdb
bin=$target/debug/claimdb
count() { # label, statement
  work=$(mktemp -d)
  $bin --db $work/c.db --seed query 'count claims' >/dev/null 2>&1
  valgrind --tool=callgrind --callgrind-out-file=$work/cg.out $bin --db $work/c.db <<<"$2" > $work/out 2>/dev/null || true
  callgrind_annotate --threshold=100 --inclusive=yes $work/cg.out 2>/dev/null | grep -oE "$repo/src/[a-z_/]+\.rs" | sed "s#$repo/##" | sort -u > $work/files
  echo "$1: $(grep -c . $work/files) files ($(head -c 60 $work/out))"
  sed 's/^/   /' $work/files
  rm -rf $work
}
count query 'claims where speaker = "Moriuchi";'
count add_claim 'add claim with speaker = "White", source = "fp-lazarus-review", quote = "The Lazarus Heist", statement = "x", confidence = 0.5, rationale = "r";'
