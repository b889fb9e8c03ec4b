"""claimdb from Python: every call, every error class, parameters,
DataFrames, threads, transactions, a server through `connect`, and the
type stubs against the module."""

import ast
import concurrent.futures
import csv
import io
import os
import pathlib
import subprocess
import time

import pytest

import claimdb

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
MEMO = "We will not ship on Friday.\nThe launch moves to Monday, after the audit.\n"


@pytest.fixture
def db():
    return claimdb.open(":memory:", seed=True)


@pytest.fixture
def memo(db):
    db.add_source("memo", "A memo", MEMO, kind="report", author="Ada Lovelace")
    db.add_speaker("Ada Lovelace", ["Ada"], "Author of the memo")
    return db


def test_open_creates_an_empty_database_unless_seeded(tmp_path):
    empty = claimdb.open(tmp_path / "empty.db")
    assert empty.query("count claims").count == 0
    seeded = claimdb.open(tmp_path / "seeded.db", seed=True)
    assert seeded.query("count claims").count == 61
    assert "seeded.db" in seeded.location


def test_rows_iterate_as_dicts_and_fetchall(db):
    rows = db.query('claims where speaker = "White" order by confidence desc limit 3')
    assert rows.kind == "claims" and len(rows) == 3
    listed = rows.fetchall()
    assert [r["speaker"] for r in rows] == ["Geoff White"] * 3 == [r["speaker"] for r in listed]
    confidences = [r["confidence"] for r in listed]
    assert confidences == sorted(confidences, reverse=True)
    assert set(rows.columns) >= {"id", "speaker", "quote", "confidence", "tags", "status"}
    assert isinstance(listed[0]["tags"], list)


def test_parameters_by_name_by_position_and_as_keywords(db):
    by_name = db.query("count claims where speaker = $who and confidence >= $min", {"who": "White", "min": 0.8})
    by_position = db.query("count claims where speaker = $1 and confidence >= $2", ["White", 0.8])
    by_keyword = db.query("count claims where speaker = $who and confidence >= $min", who="White", min=0.8)
    assert by_name.count == by_position.count == by_keyword.count > 0
    listed = db.query("count claims where speaker in $names", names=["White", "Thae"])
    assert listed.count > by_name.count
    # A value is never spliced into the text.
    assert db.query("count claims where speaker = $1", ['White" or true or speaker = "']).count == 0
    with pytest.raises(claimdb.Error):
        db.query("count claims where speaker = $1", [True])


def test_dataframe_columns_and_dtypes(db):
    frame = db.query("claims").df()
    assert frame.shape[0] == 61
    assert list(frame.columns) == db.query("claims limit 1").columns
    assert str(frame["id"].dtype) == "int64"
    assert str(frame["confidence"].dtype) == "float64"
    assert frame["speaker"].iloc[0] == db.query("claims limit 1").fetchall()[0]["speaker"]
    grouped = db.query("claims select speaker, count(*) group by speaker order by count(*) desc").df()
    assert list(grouped.columns) == ["speaker", "count"]
    assert grouped["count"].sum() == 61


def test_arrow_when_pyarrow_is_installed(db):
    pyarrow = pytest.importorskip("pyarrow")
    table = db.query("claims limit 5").arrow()
    assert isinstance(table, pyarrow.Table) and table.num_rows == 5


def test_counts_plans_and_outcomes(memo):
    assert memo.query("count claims").count == 61
    plan = memo.query('explain claims where speaker = "White"').plan
    assert "idx_speaker" in plan
    added = memo.query('add claim with speaker = "Ada", source = "memo", quote = "We will not ship on Friday.", '
                       'statement = "Delayed.", confidence = 0.9, rationale = "Direct."')
    assert added.kind == "done"
    assert added.outcome["outcome"] == "claim_added"
    assert added.outcome["claim"]["status"] == "verified"


def test_add_source_speaker_and_claim_return_what_was_stored(memo, tmp_path):
    claim = memo.add_claim("Ada", "memo", "The launch moves to Monday,\n after the audit", "Monday.", 0.8,
                           "Across a line break.", tags=["launch"], key="memo-1")
    assert claim["status"] == "verified"
    assert claim["anchor"]["line"] == 2
    assert claim["key"] == "memo-1" and claim["tags"] == ["launch"]
    assert claim["attribution"]["verdict"] == "confirmed"
    stored = memo.query("claims where key = $k", k="memo-1").fetchall()
    assert stored[0]["id"] == claim["id"]
    text = tmp_path / "note.txt"
    text.write_text("The vote is on Tuesday.\n")
    source = memo.add_source("note", "A note", text_file=text)
    assert source["id"] == "note" and source["text_len"] == len(text.read_bytes())
    speaker = memo.add_speaker("Grace Hopper", description="Admiral")
    assert speaker["name"] == "Grace Hopper" and speaker["description"] == "Admiral"


def test_locate_checks_a_quote_without_writing(memo):
    found = memo.locate(MEMO, "We will not ship on Friday.")
    assert found["verdict"] == "exact" and found["location"]["line"] == 1
    missed = memo.locate(source="memo", quote="We will ship on Friday.")
    assert missed["verdict"] == "approximate"
    assert any("not" in c["source"] for c in missed["changes"])
    assert memo.query("count claims").count == 61


def test_every_error_class(memo):
    with pytest.raises(claimdb.QueryError) as e:
        memo.query('claims where speeker = "White"')
    assert e.value.span == (13, 20)
    assert "^^^^^^^" in e.value.caret and "did you mean `speaker`" in str(e.value)
    with pytest.raises(claimdb.Misquote) as e:
        memo.add_claim("Ada", "memo", "We will ship on Friday.", "On time.", 0.9, "Misread.")
    assert e.value.closest == "We will not ship on Friday"
    assert any("negation" in c for c in e.value.changes)
    assert e.value.report["citation"]["verdict"] == "approximate"
    first = memo.add_claim("Ada", "memo", "We will not ship on Friday.", "Delayed.", 0.9, "Direct.")
    with pytest.raises(claimdb.Duplicate) as e:
        memo.add_claim("Ada", "memo", "We will not ship on Friday.", "Again.", 0.5, "Twice.")
    assert e.value.existing == first["id"]
    with pytest.raises(claimdb.Duplicate):
        memo.add_speaker("Ada Lovelace")
    with pytest.raises(claimdb.NotFound):
        memo.query("show claim 9999")
    with pytest.raises(claimdb.Error) as e:
        memo.add_claim("Ada", "memo", "We will not ship on Friday.", "Sure.", 1.5, "Too sure.")
    assert "confidence" in str(e.value)
    for cls in (claimdb.QueryError, claimdb.Misquote, claimdb.Duplicate, claimdb.NotFound, claimdb.StorageError):
        assert issubclass(cls, claimdb.Error)


def test_a_locked_database_is_a_storage_error(tmp_path):
    first = claimdb.open(tmp_path / "held.db")
    with pytest.raises(claimdb.StorageError):
        claimdb.open(tmp_path / "held.db")
    del first


def test_a_transaction_is_all_or_nothing(memo):
    with memo.transaction():
        assert memo.in_transaction
        memo.add_speaker("Grace Hopper")
        assert memo.add_claim("Grace Hopper", "memo", "The launch moves to Monday,", "Monday.", 0.7, "Quoted.") is None
    assert not memo.in_transaction
    assert memo.query('count claims where speaker = "Grace Hopper"').count == 1
    with pytest.raises(RuntimeError):
        with memo.transaction():
            memo.add_speaker("Alan Turing")
            raise RuntimeError("changed my mind")
    assert memo.query('count claims where speaker = "Alan Turing"').count == 0
    assert not memo.query('speakers where name = "Alan Turing"').fetchall()
    # A misquote inside: the commit refuses everything.
    with pytest.raises(claimdb.Error):
        with memo.transaction():
            memo.add_speaker("Ada Byron")
            memo.add_claim("Ada", "memo", "We will ship on Friday.", "Wrong.", 0.9, "Misread.")
    assert not memo.query('speakers where name = "Ada Byron"').fetchall()


def test_threads_share_one_database(tmp_path):
    shared = claimdb.open(tmp_path / "shared.db", seed=True)
    shared.add_source("memo", "A memo", MEMO)

    def work(n):
        shared.add_speaker(f"Writer {n}")
        return shared.query("count claims where confidence >= $1", [n / 100]).count

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(work, range(40)))
    assert len(counts) == 40 and counts[0] == 61
    assert len(shared.query('speakers where name starts with "Writer "').fetchall()) == 40


def test_import_export_and_extract(memo, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        '{"type": "speaker", "name": "Grace Hopper"}\n'
        '{"type": "claim", "speaker": "Grace Hopper", "source": "memo", "quote": "The launch moves to Monday,", '
        '"statement": "Monday.", "confidence": 0.7, "rationale": "Quoted."}\n'
    )
    dry = memo.import_file(rows, dry_run=True)
    assert dry["dry_run"] and not dry["written"]
    report = memo.import_file(rows)
    assert report["written"] and [r["outcome"] for r in report["rows"]] == ["added", "added"]
    csv_text = memo.export("csv", 'claims where speaker = "Grace Hopper"')
    table = list(csv.reader(io.StringIO(csv_text)))
    assert table[0][0] == "id" and len(table) == 2
    assert table[1][table[0].index("speaker")] == "Grace Hopper"
    dump = memo.export("dump")
    assert '"type":"source"' in dump.replace(" ", "")
    reviews = memo.export("claimreview", "claims limit 2")
    assert reviews.count("ClaimReview") == 2
    proposals = memo.extract("fp-lazarus-review")
    assert proposals and {"speaker", "quote", "mode", "confidence", "rule"} <= set(proposals[0])
    with pytest.raises(claimdb.Error):
        memo.export("nonsense")


def test_the_stubs_name_what_the_module_has():
    stubs = ast.parse((pathlib.Path(claimdb.__file__).parent / "__init__.pyi").read_text())
    top = {n.name for n in stubs.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
    public = {n for n in dir(claimdb) if not n.startswith("_")}
    assert top <= public, top - public
    assert set(claimdb.__all__) <= top, set(claimdb.__all__) - top
    for cls in (n for n in stubs.body if isinstance(n, ast.ClassDef)):
        members = {m.name for m in cls.body if isinstance(m, ast.FunctionDef) and not m.name.startswith("__")}
        missing = {m for m in members if not hasattr(getattr(claimdb, cls.name), m)}
        assert not missing, f"{cls.name}: {missing}"
    assert "statement of the query language" in (claimdb.Db.query.__doc__ or "")


def _claimdb_binary():
    given = os.environ.get("CLAIMDB_BIN")
    found = pathlib.Path(given) if given else REPO / "target" / "debug" / "claimdb"
    if found.exists():
        return found
    if os.environ.get("CI"):
        pytest.fail(f"no claimdb binary at {found}: CI builds it before the Python tests")
    pytest.skip(f"no claimdb binary at {found} (cargo build, or CLAIMDB_BIN=...): the server test did not run")


def test_connect_speaks_to_a_server_with_the_same_calls(tmp_path):
    binary = _claimdb_binary()
    database = tmp_path / "served.db"
    token = subprocess.run(
        [binary, "--db", database, "--seed", "token", "create", "--name", "py", "--role", "write"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    server = subprocess.Popen(
        [binary, "--db", database, "serve", "--listen", "127.0.0.1:0"],
        stderr=subprocess.PIPE, text=True,
    )
    try:
        line = ""
        deadline = time.time() + 60
        while "http://" not in line and time.time() < deadline:
            line = server.stderr.readline()
        url = line[line.index("http://"):].split()[0]
        with pytest.raises(claimdb.Error) as e:
            claimdb.connect(url).query("count claims")
        assert e.value.error_kind == "unauthorized"
        remote = claimdb.connect(url, token=token)
        assert remote.query("count claims").count == 61
        assert remote.query('claims where speaker = $1 limit 2', ["White"]).df().shape[0] == 2
        remote.add_source("memo", "A memo", MEMO)
        remote.add_speaker("Ada Lovelace", ["Ada"])
        claim = remote.add_claim("Ada", "memo", "We will not ship on Friday.", "Delayed.", 0.9, "Direct.")
        assert claim["status"] == "verified"
        with pytest.raises(claimdb.Misquote) as e:
            remote.add_claim("Ada", "memo", "We will ship on Friday.", "On time.", 0.9, "Misread.")
        assert e.value.closest == "We will not ship on Friday"
        with pytest.raises(claimdb.QueryError) as e:
            remote.query('claims where speeker = "White"')
        assert e.value.span == (13, 20)
        with remote.transaction():
            remote.add_speaker("Grace Hopper")
            remote.query('add claim with speaker = "Grace Hopper", source = "memo", quote = "The launch moves to Monday,", '
                         'statement = "Monday.", confidence = 0.7, rationale = "Quoted."')
        assert remote.query('count claims where speaker = "Grace Hopper"').count == 1
        assert "Grace Hopper" in remote.export("csv", 'claims where source = "memo"')
        assert remote.locate(source="memo", quote="We will not ship on Friday.")["verdict"] == "exact"
    finally:
        server.terminate()
        server.wait(timeout=60)
