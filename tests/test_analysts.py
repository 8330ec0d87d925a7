"""What analysts rely on: the example queries, the data dictionary, the Parquet exports."""

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from warehouse.dictionary import markdown, missing_comments

ROOT = Path(__file__).resolve().parents[1]
QUERIES = sorted((ROOT / "warehouse/queries").glob("*.sql"))
DOCUMENTED = [ROOT / "README.md", ROOT / "docs/analysts.md"]
CLI_VERSION = "1.5.6"  # the newest DuckDB 1.x CLI on the package index


@pytest.fixture(scope="module")
def published(demo):
    _, summary = demo
    con = duckdb.connect(summary.published, read_only=True)
    yield con
    con.close()


def test_there_are_the_example_queries_the_analysts_asked_for():
    assert len(QUERIES) >= 7


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_example_query_answers_its_question(published, path):
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^-- Câu hỏi: .+\?$", text, re.M), "Vietnamese question missing"
    assert re.search(r"^-- Question: .+\?$", text, re.M), "English question missing"
    expected = re.search(r"^-- columns: (.+)$", text, re.M).group(1).split(", ")
    result = published.sql(text).pl()
    assert result.columns == expected
    assert result.height > 0


def test_every_published_table_and_column_has_a_comment(published):
    assert missing_comments(published) == []


def test_missing_comments_are_found(tmp_path):
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    con.execute(
        "create table t (a int, b int); comment on table t is 'x'; comment on column t.a is 'a'"
    )
    assert missing_comments(con) == ["t.b"]
    con.close()


def test_the_committed_data_dictionary_is_current(published):
    committed = (ROOT / "docs/data_dictionary.md").read_text(encoding="utf-8")
    assert markdown(published) == committed, "run `danvan dictionary` and commit the result"


def test_parquet_exports_match_the_published_tables(demo, published):
    settings, _ = demo
    exports = settings.data_dir / "exports"
    tables = [
        t
        for (t,) in published.sql(
            "select table_name from duckdb_tables() where schema_name = 'main'"
        ).fetchall()
    ]
    by_period = {p.name for p in exports.iterdir() if p.is_dir()}
    assert by_period == {"fact_dossier"}
    assert sorted([p.stem for p in exports.glob("*.parquet")] + [*by_period]) == sorted(tables)
    for table in tables:
        rows = published.sql(f"select count(*) from {table}").fetchall()[0][0]
        path = exports / (f"{table}/*.parquet" if table in by_period else f"{table}.parquet")
        assert pl.scan_parquet(path).select(pl.len()).collect().item() == rows, table
        assert duckdb.sql(f"select count(*) from read_parquet('{path}')").fetchall()[0][0] == rows
    periods = published.sql("select distinct period from fact_dossier").fetchall()
    assert sorted(p.stem for p in (exports / "fact_dossier").glob("*.parquet")) == sorted(
        p for (p,) in periods
    )


@pytest.fixture(scope="module")
def duckdb_1x_cli(tmp_path_factory) -> Path:
    """The DuckDB 1.x CLI from the package index, in a virtualenv of the test's own."""
    venv = tmp_path_factory.mktemp("duckdb_cli") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run(
        [str(venv / "bin/python"), "-m", "pip", "install", "--quiet"]
        + ["--disable-pip-version-check", f"duckdb-cli=={CLI_VERSION}"],
        check=True,
        timeout=600,
    )
    return venv / "bin" / "duckdb"


def _statements(text: str) -> list[str]:
    """The statements of a SQL text (they end with a semicolon at the end of a line)."""
    found = []
    for part in re.split(r";[ \t]*$", text, flags=re.M):
        code = "\n".join(line for line in part.splitlines() if not line.startswith("--"))
        if code.strip():
            found.append(code.strip())
    return found


def _documented_statements() -> list[tuple[str, str]]:
    found = []
    for path in DOCUMENTED:
        blocks = re.findall(r"```sql\n(.*?)```", path.read_text(encoding="utf-8"), re.S)
        found += [(path.name, s) for block in blocks for s in _statements(block)]
    found += [(path.name, s) for path in QUERIES for s in _statements(path.read_text())]
    return found


def test_the_documented_queries_are_found():
    found = _documented_statements()
    assert len([f for f, _ in found if f == "README.md"]) >= 3
    assert len([f for f, _ in found if f == "analysts.md"]) >= 10
    assert len(found) >= 13 + len(QUERIES)


def test_the_documented_queries_run_in_the_duckdb_1x_cli(demo, duckdb_1x_cli):
    """The README's and docs/analysts.md's queries and warehouse/queries/, pasted into
    `duckdb -readonly data/reporting.duckdb` of the newest DuckDB 1.x, each give rows."""
    settings, summary = demo

    def cli(sql: str) -> list[dict]:
        done = subprocess.run(
            [str(duckdb_1x_cli), "-readonly", "-bail", "-json", "data/reporting.duckdb"],
            input=sql,
            cwd=settings.data_dir.parent,  # the documented paths start with data/
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0 and not done.stderr, (sql, done.stderr)
        return json.loads(done.stdout or "[]")

    assert cli("select version() as v;") == [{"v": f"v{CLI_VERSION}"}]
    for source, statement in _documented_statements():
        assert cli(statement + ";"), (source, statement)
    # the comments and the macros came through
    (described,) = cli(
        "select count(*) filter (where comment is not null) as commented, count(*) as columns "
        "from duckdb_columns() where schema_name = 'main' and not internal;"
    )
    assert described["commented"] == described["columns"] > 300
    assert cli("select admin_unit_on('22918', date '2024-06-01').name as n;") == [
        {"n": "Phường Hàm Tiến"}
    ]
