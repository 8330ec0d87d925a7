"""What the publish hands analysts, on the hand-made fixture of tests/test_index_766.py: a file
in the DuckDB 1.x format, the checks of its own rows, lookup tables, unit joins that cannot
multiply rows, Parquet exports typed and described as the tables."""

import json
import shutil

import duckdb
import pyarrow.parquet as pq
import pytest

from schemas import dossiers, feedback, welfare
from tests import test_index_766
from warehouse import lookups, readers
from warehouse.build import Warehouse, sql_reads
from warehouse.check_results import published_suites
from warehouse.checks import TABLE_CHECKS
from warehouse.dictionary import markdown, missing_comments
from warehouse.expectations import SUITES
from warehouse.exports import EXPORTED_AS, FINGERPRINT_KEY
from warehouse.paths import DataPaths


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("published")
    test_index_766._build(root).close()
    data = root / "data"
    Warehouse(DataPaths(data)).publish("first-publish")
    return data


@pytest.fixture
def published(data):
    con = duckdb.connect(str(DataPaths(data).reporting_db), read_only=True)
    yield con
    con.close()


def test_build_and_published_file_are_in_the_format_duckdb_1x_reads(data):
    paths = DataPaths(data)
    assert readers.storage_number(paths.build_db) == readers.STORAGE_NUMBER == 64
    assert readers.storage_number(paths.reporting_db) == 64


def test_a_build_file_in_the_duckdb_2_format_is_converted_once_keeping_everything(tmp_path):
    path = tmp_path / "build.duckdb"
    con = duckdb.connect(str(path))  # DuckDB 2's default: the newest format
    con.execute("create schema pipeline; create table pipeline.state as select 1 as x")
    con.execute("create table t as select 1.5::decimal(18, 2) as money, 'a' as code")
    con.execute("comment on table t is 'bảng — table'; comment on column t.money is 'tiền'")
    con.execute("create macro twice(x) as x * 2; comment on macro twice is 'gấp đôi'")
    con.close()
    assert readers.storage_number(path) > 64
    assert readers.convert_if_newer(path, "1GB", tmp_path / "tmp")
    assert readers.storage_number(path) == 64
    assert not readers.convert_if_newer(path, "1GB", tmp_path / "tmp")  # once
    con = duckdb.connect(str(path), read_only=True)
    assert con.sql("select money, code, twice(2) from t").fetchall()[0][1:] == ("a", 4)
    assert con.sql("select comment from duckdb_tables() where table_name = 't'").fetchall() == [
        ("bảng — table",)
    ]
    assert con.sql("select comment from duckdb_functions() where function_name = 'twice'")
    assert con.sql("select x from pipeline.state").fetchall() == [(1,)]
    con.close()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_column_duckdb_1x_cannot_read_stops_the_publish_naming_it(tmp_path):
    path = tmp_path / "x.duckdb"
    con = duckdb.connect(str(path), config={"storage_compatibility_version": "v1.0.0"})
    con.execute("create table t as select 1 as ok, now()::timestamptz_ns as precise")
    with pytest.raises(ValueError, match=r"t\.precise TIMESTAMPTZ_NS"):
        readers.check_readable(con, path)
    con.close()
    with pytest.raises(ValueError, match="not a DuckDB database file"):
        (tmp_path / "y.duckdb").write_bytes(b"not a database at all")
        readers.storage_number(tmp_path / "y.duckdb")


@pytest.mark.parametrize("lookup", lookups.LOOKUPS, ids=lambda lookup: lookup.table)
def test_each_lookup_holds_exactly_the_codes_its_schema_accepts(published, lookup):
    accepted = {
        "dim_dossier_status": set(dossiers.STATUS_LABELS.values()),
        "dim_dossier_channel": set(dossiers.CHANNELS.values()),
        "dim_dossier_rating": set(dossiers.RATINGS),
        "dim_feedback_status": {feedback.HANDLED, feedback.IN_PROGRESS, feedback.REFUSED},
        "dim_feedback_channel": set(feedback.CHANNELS),
        "dim_organisation": set(welfare.ORGANISATIONS),
        "dim_support_type": set(welfare.SUPPORT_TYPES),
    }[lookup.table]
    rows = published.sql(f"select {lookup.column}, name_vi, name_en from {lookup.table}").fetchall()
    assert {code for code, _, _ in rows} == accepted
    assert all(vi and en for _, vi, en in rows)
    # its key has the fact column's type, so `join … using (column)` needs no cast
    types = published.sql(
        "select table_name, data_type from duckdb_columns() where column_name = ? "
        "and table_name in (?, ?)",
        params=[lookup.column, lookup.fact, lookup.table],
    ).fetchall()
    assert len({t for _, t in types}) == 1, types
    # joining it keeps every fact row
    facts = published.sql(f"select count(*) from {lookup.fact}").fetchall()[0][0]
    joined = published.sql(
        f"select count(*) from {lookup.fact} left join {lookup.table} l using ({lookup.column}) "
        f"where {lookup.column} is null or l.name_en is not null"
    ).fetchall()[0][0]
    assert joined == facts


def test_a_code_without_english_text_stops_the_build_naming_it():
    lookup = lookups.LOOKUPS[0]
    broken = lookups.Lookup(lookup.name, lookup.fact, lookup.column, lookup.codes, {1: "x"})
    with pytest.raises(ValueError, match=r"dim_dossier_status: English text missing for \[2, 3"):
        broken.frame()


def test_vietnamese_labels_are_the_schemas_canonical_ones(published):
    assert published.sql(
        "select name_vi, name_en from dim_dossier_channel order by channel"
    ).fetchall() == [
        ("Trực tiếp", "In person"),
        ("Trực tuyến", "Online"),
        ("Bưu chính công ích", "Public postal service"),
    ]
    assert published.sql("select name_vi, name_en from dim_organisation where org_code = 'HND'")


def test_unit_joins_cannot_multiply_rows(published):
    # a code has several rows over time: a join on the code alone counts a dossier twice
    naive = published.sql(
        "select count(*) from (values ('22918', date '2024-06-01')) f(code, day) "
        "join dim_admin_unit using (code)"
    ).fetchall()[0][0]
    assert naive == 2
    assert published.sql(
        "select admin_unit_on('22918', date '2024-06-01').name, "
        "admin_unit_on('22918', timestamp '2025-07-01 08:00').name, "
        "admin_unit_on('593', date '2026-01-01')"
    ).fetchall() == [("Phường Hàm Tiến", "Phường Mũi Né", None)]
    for day in ("2024-06-30", "2024-12-01", "2025-07-01"):
        rows, codes = published.sql(
            f"select count(*), count(distinct code) from admin_units_on(date '{day}')"
        ).fetchall()[0]
        assert rows == codes > 100
    rows, codes, open_ended = published.sql(
        "select count(*), count(distinct code), count(*) filter (where valid_from > "
        "date '2025-06-30') from dim_admin_unit_current"
    ).fetchall()[0]
    assert rows == codes == 125  # the new province and its 124 commune-level units
    assert open_ended == 125
    facts = published.sql("select count(*) from fact_dossier").fetchall()[0][0]
    assert (
        published.sql(
            "select count(*) from fact_dossier f left join dim_admin_unit_current u "
            "on u.code = f.admin_unit_code"
        ).fetchall()[0][0]
        == facts
    )
    assert (
        published.sql(
            "select count(admin_unit_on(admin_unit_code, received_at).name) from fact_dossier"
        ).fetchall()[0][0]
        == facts
    )


def test_overlapping_intervals_fail_the_check_and_the_macro_refuses_to_pick(data, tmp_path):
    copy = tmp_path / "overlap.duckdb"
    shutil.copyfile(DataPaths(data).build_db, copy)
    con = duckdb.connect(str(copy))
    con.execute(
        "insert into dim_admin_unit select * replace (name || ' (bis)' as name) "
        "from dim_admin_unit where code = '22918' limit 1"
    )
    (check,) = [c for c in TABLE_CHECKS if c.name == "dim_admin_unit_intervals_do_not_overlap"]
    assert con.sql(check.violations_sql).pl().height == 1
    with pytest.raises(duckdb.Error, match="More than one row"):
        con.sql("select admin_unit_on('22918', date '2024-06-01')").fetchall()
    con.close()


def test_check_results_hold_every_check_on_the_published_rows(published):
    rows = published.sql(
        "select check_name, asset, kind, passed, severity, message, checked_at "
        "from check_results order by check_name"
    ).fetchall()
    expected = {c.name for c in TABLE_CHECKS} | {f"{t}_gx_suite" for t in SUITES}
    assert {r[0] for r in rows} == expected
    assert all(r[6] is not None and r[4] in ("ERROR", "WARN") for r in rows)
    # the hand-made fixture breaks no rule
    assert [r[0] for r in rows if not r[3]] == []
    suites = published_suites(published)
    assert set(suites) == set(SUITES) and all(s["passed"] for s in suites.values())


def test_the_published_checks_are_those_of_the_rows_published(data, tmp_path):
    """A build broken after its tables were checked: the next publish's check_results say
    so, in the file that holds the broken rows (the GX suite included)."""
    copy = tmp_path / "data"
    shutil.copytree(data, copy, symlinks=True)
    con = duckdb.connect(str(DataPaths(copy).build_db))
    con.execute("update fact_dossier set dossier_code = 'D1' where dossier_code = 'D2'")
    con.close()
    Warehouse(DataPaths(copy)).publish("second-publish")
    con = duckdb.connect(str(DataPaths(copy).reporting_db), read_only=True)
    failed = dict(
        con.sql("select check_name, message from check_results where not passed").fetchall()
    )
    con.close()
    assert failed == {
        "fact_dossier_one_row_per_dossier": "2 row(s) break the rule (1 group(s))",
        "fact_dossier_gx_suite": f"1 of {len(SUITES['fact_dossier'])} expectations failed: "
        "expect_column_values_to_be_unique(dossier_code) 2 rows",
    }


def test_exports_are_typed_and_described_as_the_tables(published, data):
    exports = DataPaths(data).exports
    tables = published.sql(
        "select table_name, comment from duckdb_tables() where schema_name = 'main'"
    ).fetchall()
    assert [p.name for p in (exports / "fact_dossier").iterdir() if p.suffix != ".parquet"] == []
    for table, comment in tables:
        path = exports / f"{table}.parquet"
        if not path.exists():
            (path,) = sorted((exports / table).glob("*.parquet"))[:1]
        columns = published.sql(
            "select column_name, data_type, comment from duckdb_columns() "
            "where schema_name = 'main' and table_name = ? order by column_index",
            params=[table],
        ).fetchall()
        exported = duckdb.sql(f"describe select * from '{path}'").fetchall()
        assert [(c, EXPORTED_AS.get(t, t)) for c, t, _ in columns] == [
            (c, t) for c, t, *_ in exported
        ], table
        metadata = {k.decode(): v.decode() for k, v in pq.read_schema(path).metadata.items()}
        assert metadata["table"] == table and metadata["description"] == comment
        assert json.loads(metadata["column_descriptions"]) == {c: d for c, _, d in columns}
    money = duckdb.sql(
        f"describe select value_vnd from '{exports / 'fact_welfare_activity.parquet'}'"
    ).fetchall()
    assert money[0][1] == "DECIMAL(18,2)"
    counts = duckdb.sql(
        f"describe select quantity from '{exports / 'mart_welfare_yearly.parquet'}'"
    ).fetchall()
    assert counts[0][1] == "BIGINT"  # a HUGEINT sum in the table, not a float
    fingerprints = duckdb.sql(
        f"select count(*) from parquet_kv_metadata('{exports / 'fact_dossier' / '*.parquet'}') "
        f"where decode(key) = '{FINGERPRINT_KEY}'"
    ).fetchall()[0][0]
    assert fingerprints == len(list((exports / "fact_dossier").glob("*.parquet")))


def test_lineage_ignores_table_names_in_comments_and_literals():
    sql = (
        "create table x as select * from dim_agency -- unlike fact_feedback\n"
        "; comment on table x is 'join it with fact_dossier'"
    )
    assert sql_reads(sql) == ["dim_agency"]


def test_the_dictionary_shows_lineage_checks_and_macros(published):
    assert missing_comments(published) == []
    text = markdown(published)
    section = text.split("\n## fact_dossier\n")[1].split("\n## ")[0]
    (built_from,) = [line for line in section.splitlines() if line.startswith("Built from: ")]
    assert "[`dim_agency`](#dim_agency), " in built_from
    assert "[`dim_procedure`](#dim_procedure), " in built_from
    assert "staged rows of `dossiers` (landing `dossiers/`)" in built_from
    assert "Used by: [`mart_dossier_monthly`](#mart_dossier_monthly)" in section
    assert "- `fact_dossier_one_row_per_dossier` (blocking): " in section
    assert "- `fact_dossier_gx_suite` (Great Expectations): not null: `dossier_code`" in section
    assert "| `admin_unit_on(unit_code, on_date)` | " in text
    check_section = text.split("\n## check_results\n")[1].split("\n## ")[0]
    assert "Written by each publish" in check_section


def test_every_reference_table_is_described_in_the_dictionary():
    from warehouse.build import REFERENCE_TABLES
    from warehouse.dictionary import REFERENCE_DESCRIPTIONS

    assert set(REFERENCE_TABLES) == set(REFERENCE_DESCRIPTIONS)
