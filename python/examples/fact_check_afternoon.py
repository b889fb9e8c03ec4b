"""A fact-checker's afternoon with claimdb, in the cells a notebook would hold.

Run it with the package installed (`pip install ./python`):

    python python/examples/fact_check_afternoon.py

It opens the demo corpus (the review of The Lazarus Heist), checks quotes,
looks at confidence by speaker (a chart when matplotlib is installed, bars
of text otherwise) and exports ClaimReview JSON-LD.
"""

import json
import tempfile
import pathlib

import claimdb

# %% Load a corpus: the demo one, in a scratch folder.
folder = pathlib.Path(tempfile.mkdtemp())
db = claimdb.open(folder / "claims.db", seed=True)
print(db.query("count claims").count, "claims from",
      len(db.query("speakers").fetchall()), "speakers")

# %% Check quotes: a faithful one is anchored; a misquote is refused with
# the closest passage and what differs.
found = db.locate(source="fp-lazarus-review", quote="in the end the good guys do not win")
print(found["verdict"], "at line", found["location"]["line"])
try:
    db.add_claim("White", "fp-lazarus-review", "in the end the good guys win",
                 "White says the good guys win.", 0.9, "Misread on purpose.")
except claimdb.Misquote as refused:
    print("refused; the source says:", refused.closest)
    for change in refused.changes:
        print("  -", change)

# %% Confidence by speaker.
frame = db.query("claims select speaker, avg(confidence), count(*) group by speaker "
                 "order by count(*) desc").df()
print(frame.to_string(index=False))
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ax = frame.plot.barh(x="speaker", y="avg_confidence", legend=False)
    ax.set_xlabel("mean confidence")
    plt.tight_layout()
    chart = folder / "confidence-by-speaker.png"
    plt.savefig(chart)
    print("chart:", chart)
except ImportError:
    for row in frame.itertuples():
        print(f"{row.speaker:>24} {'#' * round(row.avg_confidence * 40)} {row.avg_confidence:.2f}")

# %% Export ClaimReview for the most confident claims.
reviews = [json.loads(line) for line in
           db.export("claimreview", "claims where confidence >= 0.9").splitlines()]
print(len(reviews), "ClaimReview records; the first reviews:",
      reviews[0]["claimReviewed"][:60], "...")
