"""claimdb: a citation-checked claims database, from Python.

Who said what, where, and how we know: a claim is a statement attributed to
a speaker, found in a source, with a confidence and a verbatim quote that
claimdb anchors in the source's text itself; a misquoted number, name or
negation never passes as verified.

    import claimdb
    db = claimdb.open("claims.db", seed=True)         # or claimdb.connect("http://127.0.0.1:7878", token=...)
    for row in db.query("claims where speaker = $who order by confidence desc limit 5", who="White"):
        print(row["speaker"], row["confidence"], row["quote"])
    frame = db.query("claims").df()                    # pandas
    with db.transaction():                             # all or nothing
        db.add_speaker("Ada Lovelace")
        db.add_claim("Ada Lovelace", "memo", "We will not ship on Friday.", "Delayed.", 0.9, "Direct quote.")

Errors are exceptions: `Error` and, beneath it, `QueryError` (with `span`
and `caret`), `Misquote` (with `closest` and `changes`), `Duplicate`,
`NotFound` and `StorageError`.
"""

from ._claimdb import (  # noqa: F401
    Db,
    Duplicate,
    Error,
    Misquote,
    NotFound,
    QueryError,
    Result,
    StorageError,
    Transaction,
    __version__,
    connect,
    open,
)

__all__ = [
    "Db",
    "Duplicate",
    "Error",
    "Misquote",
    "NotFound",
    "QueryError",
    "Result",
    "StorageError",
    "Transaction",
    "connect",
    "open",
]
