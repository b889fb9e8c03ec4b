"""Type stubs for claimdb (the extension module `claimdb._claimdb`)."""

from os import PathLike
from typing import Any, Iterator, Optional, Sequence, Union

__version__: str

Param = Union[str, int, float, Sequence[Union[str, int, float]]]

class Error(Exception):
    """Anything claimdb refuses or fails at."""
    error_kind: str
    hint: Optional[str]

class QueryError(Error):
    """A statement that does not parse or check."""
    span: tuple[int, int]
    kind: str
    caret: str

class Misquote(Error):
    """A quote its source does not hold."""
    closest: Optional[str]
    changes: list[str]
    report: dict[str, Any]

class Duplicate(Error):
    """Already stored: a claim (same speaker, source and passage), a key, a source or a speaker."""
    existing: Optional[int]

class NotFound(Error):
    """A record that is not there."""

class StorageError(Error):
    """The database itself failed, or a server did not answer."""

class Result:
    """The answer to a statement."""
    @property
    def kind(self) -> str: ...
    @property
    def columns(self) -> list[str]: ...
    @property
    def count(self) -> Optional[int]: ...
    @property
    def outcome(self) -> Optional[dict[str, Any]]: ...
    @property
    def plan(self) -> Optional[str]: ...
    @property
    def notes(self) -> list[str]: ...
    def fetchall(self) -> list[dict[str, Any]]: ...
    def df(self) -> Any:
        """The rows as a pandas DataFrame."""
    def arrow(self) -> Any:
        """The rows as a pyarrow Table."""
    def __iter__(self) -> Iterator[dict[str, Any]]: ...
    def __len__(self) -> int: ...

class Transaction:
    def __enter__(self) -> "Db": ...
    def __exit__(self, kind: Any, value: Any, traceback: Any) -> bool: ...

class Db:
    """A claims database: on this machine (`open`) or a server's (`connect`)."""
    @property
    def location(self) -> str: ...
    @property
    def in_transaction(self) -> bool: ...
    def query(self, text: str, params: Optional[Union[dict[str, Param], Sequence[Param]]] = None, **kwargs: Param) -> Result:
        """Run one statement of the query language, values bound to its $parameters."""
    def locate(self, text: Optional[str] = None, quote: Optional[str] = None, *, source: Optional[str] = None) -> dict[str, Any]:
        """Check a quote against a text, or a stored source's, writing nothing."""
    def add_source(
        self,
        id: str,
        title: str,
        text: Optional[str] = None,
        *,
        text_file: Optional[Union[str, PathLike[str]]] = None,
        author: Optional[str] = None,
        publisher: Optional[str] = None,
        date: Optional[str] = None,
        kind: Optional[str] = None,
        url: Optional[str] = None,
        notes: Optional[str] = None,
    ) -> Optional[dict[str, Any]]:
        """Add a source; the stored record (None inside a transaction)."""
    def add_speaker(self, name: str, aliases: Sequence[str] = ..., description: Optional[str] = None) -> Optional[dict[str, Any]]:
        """Add a speaker; the stored record (None inside a transaction)."""
    def add_claim(
        self,
        speaker: str,
        source: str,
        quote: str,
        statement: str,
        confidence: float,
        rationale: str,
        *,
        tags: Sequence[str] = ...,
        origin: Optional[str] = None,
        key: Optional[str] = None,
    ) -> Optional[dict[str, Any]]:
        """Add a claim, its quote checked against its source; the stored claim (None inside a transaction)."""
    def import_file(self, path: Union[str, PathLike[str]], partial: bool = False, dry_run: bool = False) -> dict[str, Any]:
        """Import a JSON Lines or CSV file; the per-row report."""
    def export(self, format: str = "jsonl", query: Optional[str] = None) -> str:
        """Export as dump, jsonl, csv, claimreview, annotation (or a source's text)."""
    def extract(self, source: str) -> list[dict[str, Any]]:
        """Propose the claims of a stored source's text (nothing is written)."""
    def transaction(self) -> Transaction:
        """`with db.transaction():` the writes inside as one, all or nothing."""

def open(path: Union[str, PathLike[str]], seed: bool = False) -> Db:
    """Open (creating if needed) the database at path, or ":memory:"."""

def connect(url: str, token: Optional[str] = None) -> Db:
    """Connect to a claimdb server."""
