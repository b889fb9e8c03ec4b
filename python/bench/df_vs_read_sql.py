"""`db.query("claims").df()` against `pandas.read_sql` on SQLite, same rows.

    python python/bench/df_vs_read_sql.py            # 100,000 claims
    CLAIMDB_BENCH_CLAIMS=20000 python python/bench/df_vs_read_sql.py

Builds a claimdb database of N generated claims (imported, so every quote is
citation-checked), copies every claim's row into an SQLite table with the
same columns, then times each side's way to a DataFrame of all rows, best of
five, in this one process. Prints both and their ratio (claimdb / SQLite).
"""

import json
import os
import pathlib
import sqlite3
import tempfile
import time

import pandas

import claimdb

N = int(os.environ.get("CLAIMDB_BENCH_CLAIMS", "100000"))
SPEAKERS = 1000
LINES = 5000


def best_of(runs, f):
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - began)
    return min(times), out


folder = pathlib.Path(tempfile.mkdtemp())
text = "".join(f"Entry {n} records that shipment {n} left harbour {n % 97} on day {n % 365}.\n"
               for n in range(LINES))
rows = folder / "corpus.jsonl"
with rows.open("w") as out:
    out.write(json.dumps({"type": "source", "id": "ledger", "title": "A ledger", "kind": "report", "text": text}) + "\n")
    for s in range(SPEAKERS):
        out.write(json.dumps({"type": "speaker", "name": f"Speaker {s}"}) + "\n")
    for n in range(N):
        # Each (speaker, line) once: the same speaker and passage twice is one claim.
        line = (n // SPEAKERS) % LINES
        out.write(json.dumps({
            "type": "claim", "speaker": f"Speaker {n % SPEAKERS}", "source": "ledger",
            "quote": f"Entry {line} records that shipment {line} left harbour {line % 97} on day {line % 365}.",
            "statement": f"Generated claim {n}.", "confidence": (n % 100) / 100,
            "rationale": "Generated.", "tags": [f"t{n % 7}"], "key": f"k{n}",
        }) + "\n")
db = claimdb.open(folder / "bench.db")
began = time.perf_counter()
report = db.import_file(rows, partial=True)
added = sum(1 for r in report["rows"] if r["kind"] == "claim" and r["outcome"] == "added")
print(f"imported {added} claims in {time.perf_counter() - began:.1f} s")
assert added == N, f"{N - added} claims were not added"

every = db.query("claims").df()
sql = sqlite3.connect(folder / "bench.sqlite")
every.assign(tags=every["tags"].map(lambda t: "; ".join(t))).to_sql("claims", sql, index=False)
sql.commit()

ours, frame = best_of(5, lambda: db.query("claims").df())
theirs, other = best_of(5, lambda: pandas.read_sql("select * from claims", sql))
assert frame.shape == other.shape, (frame.shape, other.shape)
print(f"{len(frame)} rows x {frame.shape[1]} columns")
print(f"claimdb  db.query('claims').df():             {ours * 1e3:8.1f} ms")
print(f"SQLite   pandas.read_sql('select * ...'):     {theirs * 1e3:8.1f} ms")
print(f"ratio claimdb / SQLite: {ours / theirs:.2f}")
