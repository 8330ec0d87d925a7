"""What analysts rely on: the example queries, the data dictionary, the Parquet exports."""

import re
from pathlib import Path

import duckdb
import polars as pl
import pytest

from warehouse.dictionary import markdown, missing_comments

ROOT = Path(__file__).resolve().parents[1]
QUERIES = sorted((ROOT / "warehouse/queries").glob("*.sql"))


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
