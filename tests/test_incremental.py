"""fact_dossier updated by period gives the rows a full build gives, and is all-or-nothing."""

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.helpers import dossier_in_month, ingest, write_csv
from warehouse import incremental
from warehouse.build import PUBLISH_TABLES, SQL_DIR, Warehouse, sql_reads, table_sql
from warehouse.paths import DataPaths
from warehouse.tables import build_all


def _landing(root):
    landing = root / "landing"
    write_csv(landing / "dossiers/ho_so_2024-01.csv", [dossier_in_month(c, "01") for c in "ABC"])
    # A again in February (a mis-dated re-export): the February row wins
    write_csv(landing / "dossiers/ho_so_2024-02.csv", [dossier_in_month(c, "02") for c in "ADE"])
    write_csv(landing / "dossiers/ho_so_2024-03.csv", [dossier_in_month(c, "03") for c in "FG"])
    return landing


def _ingest_all(landing, data):
    for month in ("01", "02", "03"):
        ingest(landing, data, "dossiers", f"2024-{month}")


def _fact(data):
    con = duckdb.connect(str(DataPaths(data).build_db), read_only=True)
    try:
        return con.sql("select * from fact_dossier order by dossier_code").fetchall()
    finally:
        con.close()


def _by_code(data) -> dict[str, dict]:
    """fact_dossier rows by dossier code, each a dict of its columns."""
    con = duckdb.connect(str(DataPaths(data).build_db), read_only=True)
    try:
        frame = con.sql("select * from fact_dossier").pl()
    finally:
        con.close()
    return {row["dossier_code"]: row for row in frame.iter_rows(named=True)}


def _build_fact(landing, data) -> list[str]:
    warehouse = Warehouse(DataPaths(data))
    with warehouse.connect() as con:
        return [warehouse.run(con, t) for t in ("dim_procedure", "dim_agency", "fact_dossier")]


@pytest.fixture
def built(tmp_path):
    landing, data = _landing(tmp_path), tmp_path / "data"
    _ingest_all(landing, data)
    build_all(Warehouse(DataPaths(data)))
    return landing, data


def _redeliver_february(landing):
    # A leaves February (January's row stands again), D changes, H is new
    write_csv(
        landing / "dossiers/ho_so_2024-02__20250301000000.csv",
        [
            dossier_in_month("D", "02", status_code="4", finished_at=""),
            dossier_in_month("E", "02"),
            dossier_in_month("H", "02"),
        ],
    )


def test_a_redelivered_month_updates_to_the_rows_of_a_full_build(built, tmp_path):
    landing, data = built
    assert _build_fact(landing, data)[-1] == "unchanged"
    _redeliver_february(landing)
    ingest(landing, data, "dossiers", "2024-02")
    done = _build_fact(landing, data)[-1]
    assert done == "1 period(s) changed: 3 rows replaced"  # A, D, E out; A, D, E, H in
    fresh = tmp_path / "fresh"
    _ingest_all(landing, fresh)
    build_all(Warehouse(DataPaths(fresh)))
    assert _fact(data) == _fact(fresh)
    rows = _by_code(data)
    assert set(rows) == set("ABCDEFGH")
    assert rows["D"]["status_code"] == 4  # the correction stands
    assert rows["A"]["period"] == "2024-01"  # January's copy now stands


def test_other_dimension_rows_rebuild_the_table_whole(built):
    landing, data = built
    con = duckdb.connect(str(DataPaths(data).build_db))
    con.execute("update dim_agency set agency_name = 'renamed' where agency_code = 'H36.60.02'")
    con.close()
    warehouse = Warehouse(DataPaths(data))
    with warehouse.connect() as con:
        assert warehouse.run(con, "fact_dossier") == "rebuilt whole"
        assert warehouse.run(con, "fact_dossier") == "unchanged"


def test_a_failed_update_leaves_table_and_state_as_they_were(built, monkeypatch):
    landing, data = built
    before = _fact(data)
    _redeliver_february(landing)
    ingest(landing, data, "dossiers", "2024-02")

    def broken(con, table, changed, rows_sql):
        con.execute("delete from fact_dossier")
        raise RuntimeError("killed half-way")

    monkeypatch.setattr(incremental, "_update", broken)
    with pytest.raises(RuntimeError):
        _build_fact(landing, data)
    assert _fact(data) == before
    monkeypatch.undo()
    assert _build_fact(landing, data)[-1].startswith("1 period(s) changed")


def test_the_published_file_has_no_pipeline_state(built):
    landing, data = built
    shutil.rmtree(data / "exports_versions", ignore_errors=True)
    Warehouse(DataPaths(data)).publish("test-run")
    con = duckdb.connect(str(DataPaths(data).reporting_db), read_only=True)
    schemas = {r[0] for r in con.sql("select schema_name from duckdb_tables()").fetchall()}
    con.close()
    assert schemas == {"main"}


def test_exports_rewrite_only_the_periods_whose_rows_changed(built):
    landing, data = built
    warehouse = Warehouse(DataPaths(data))
    exports = DataPaths(data).exports
    warehouse.publish("first-run")
    first = {p.name: p.stat().st_ino for p in (exports / "fact_dossier").glob("*.parquet")}
    assert set(first) == {"2024-01.parquet", "2024-02.parquet", "2024-03.parquet"}
    _redeliver_february(landing)
    ingest(landing, data, "dossiers", "2024-02")
    build_all(warehouse)
    warehouse.publish("second-run")
    second = {p.name: p.stat().st_ino for p in (exports / "fact_dossier").glob("*.parquet")}
    # A moved back to January and February changed; March is the same file, linked
    assert second["2024-03.parquet"] == first["2024-03.parquet"]
    assert all(p.stat().st_mode & 0o222 == 0 for p in exports.rglob("*") if p.is_file())
    assert second["2024-01.parquet"] != first["2024-01.parquet"]
    assert second["2024-02.parquet"] != first["2024-02.parquet"]
    con = duckdb.connect(str(DataPaths(data).reporting_db), read_only=True)
    published = con.sql("select * from fact_dossier order by dossier_code").fetchall()
    con.close()
    path = exports / "fact_dossier" / "*.parquet"
    exported = duckdb.sql(f"select * from read_parquet('{path}') order by dossier_code").fetchall()
    assert exported == published


def test_a_month_whose_files_are_gone_takes_its_rows_out(built, tmp_path):
    landing, data = built
    for path in (landing / "dossiers").glob("ho_so_2024-02*"):
        path.unlink()
    ingest(landing, data, "dossiers", "2024-02")  # no files left: an empty staging period
    assert _build_fact(landing, data)[-1] == "1 period(s) changed: 3 rows replaced"
    rows = _by_code(data)
    assert set(rows) == set("ABCFG") and rows["A"]["period"] == "2024-01"
    fresh = tmp_path / "fresh"
    _ingest_all(landing, fresh)
    build_all(Warehouse(DataPaths(fresh)))
    assert _fact(data) == _fact(fresh)


def _blocks(data) -> int:
    con = duckdb.connect(str(DataPaths(data).build_db), read_only=True)
    try:
        return con.sql("select total_blocks from pragma_database_size()").fetchall()[0][0]
    finally:
        con.close()


def test_a_whole_rebuild_reuses_the_space_of_the_old_table(tmp_path):
    """The file does not keep room for two copies of the table after a rebuild (each publish
    copies the whole file, free blocks too)."""
    landing, data = tmp_path / "landing", tmp_path / "data"
    # distinct ID numbers: their keyed hashes do not compress, so the table fills many blocks
    rows = [dossier_in_month(f"C{i:06d}", "01", applicant_key=f"{i:012d}") for i in range(100_000)]
    write_csv(landing / "dossiers/ho_so_2024-01.csv", rows)
    ingest(landing, data, "dossiers", "2024-01")
    warehouse = Warehouse(DataPaths(data))
    build_all(warehouse)
    before = _blocks(data)
    for name in ("Đổi tên một", "Đổi tên hai"):  # other dimension rows: rebuilt whole, twice
        con = duckdb.connect(str(DataPaths(data).build_db))
        con.execute("update dim_agency set agency_name = ? where agency_code = 'H36.60.02'", [name])
        con.close()
        with warehouse.connect() as con:
            assert warehouse.run(con, "fact_dossier") == "rebuilt whole"
    assert _blocks(data) <= before + 8  # measured + 2; with `create or replace` + 18
    assert len(_fact(data)) == 100_000


def _build(warehouse, *names) -> list[str]:
    with warehouse.connect() as con:
        return [warehouse.run(con, name) for name in names]


def test_a_table_whose_inputs_and_rows_are_as_recorded_is_not_rebuilt(built):
    landing, data = built
    warehouse = Warehouse(DataPaths(data))
    marts = ("mart_dossier_monthly", "mart_procedure_publication", "dim_admin_unit")
    assert _build(warehouse, *marts) == ["unchanged"] * 3
    # an input's rows change (dim_admin_unit reads the bridge; the mart does not)
    con = duckdb.connect(str(DataPaths(data).build_db))
    con.execute("update bridge_admin_unit_2025 set is_primary = not is_primary")
    con.close()
    assert _build(warehouse, "mart_dossier_monthly", "dim_admin_unit") == [
        "unchanged",
        "rebuilt whole",
    ]
    # the table itself changed by hand: rebuilt, back to what its SQL gives
    con = duckdb.connect(str(DataPaths(data).build_db))
    con.execute("delete from mart_dossier_monthly")
    con.close()
    assert _build(warehouse, "mart_dossier_monthly") == ["rebuilt whole"]
    con = duckdb.connect(str(DataPaths(data).build_db), read_only=True)
    assert con.sql("select count(*) from mart_dossier_monthly").fetchall()[0][0] > 0
    con.close()


def test_a_redelivered_month_rebuilds_what_reads_the_fact(built):
    landing, data = built
    warehouse = Warehouse(DataPaths(data))
    _redeliver_february(landing)
    ingest(landing, data, "dossiers", "2024-02")
    done = _build(warehouse, "dim_admin_unit", "fact_dossier", "mart_dossier_monthly")
    assert done == ["unchanged", "1 period(s) changed: 3 rows replaced", "rebuilt whole"]


def test_other_sql_rebuilds_the_table(built):
    landing, data = built
    warehouse = Warehouse(DataPaths(data))
    with warehouse.connect() as con:
        sql = table_sql("dim_admin_unit")
        inputs = [name for name in sql_reads(sql) if name != "dim_admin_unit"]
        assert incremental.build_whole(con, "dim_admin_unit", sql, inputs) == "unchanged"
        other = sql + "\n-- a comment is another SQL text"
        assert incremental.build_whole(con, "dim_admin_unit", other, inputs) == "rebuilt whole"
        assert incremental.build_whole(con, "dim_admin_unit", other, inputs) == "unchanged"


def test_every_table_is_built_after_every_table_its_sql_reads():
    """The build order comes from the SQL: a table read before it is built would make its
    reader's recorded inputs a run behind."""
    from warehouse.tables import GROUPS, TABLE_NAMES, TABLES

    position = {name: index for index, name in enumerate(TABLE_NAMES)}
    late = [
        (table.name, read)
        for table in TABLES
        for read in sql_reads(table_sql(table.name))
        if read in position and read != table.name and position[read] > position[table.name]
    ]
    assert late == []
    models = {p.stem for p in SQL_DIR.glob("*.sql") if not p.stem.endswith("_rows")}
    assert models - set(PUBLISH_TABLES) == set(GROUPS)


def test_a_cycle_between_tables_is_an_error_naming_them():
    from warehouse.tables import Table, _in_build_order

    tables = [Table("a", "x", ("b",)), Table("b", "x", ("a",))]
    with pytest.raises(ValueError, match="a, b"):
        _in_build_order([*tables])


def test_rebuild_builds_every_table_whole(built):
    landing, data = built
    names = ("dim_admin_unit", "fact_dossier", "mart_dossier_monthly")
    assert _build(Warehouse(DataPaths(data)), *names) == ["unchanged"] * 3
    forced = Warehouse(DataPaths(data), rebuild=True)
    assert _build(forced, *names) == ["rebuilt whole"] * 3


def test_the_ingest_version_covers_every_module_the_ingest_imports():
    """A change to any module the ingest runs (however indirectly) must make staged rows be
    read again: every project module loaded by importing the ingest and the specs is hashed."""
    import subprocess
    import sys

    from warehouse.ingest.version import ROOT, ingest_modules

    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, warehouse.ingest, schemas.registry; "
            "print('\\n'.join(m.__file__ for m in list(sys.modules.values()) "
            "if getattr(m, '__file__', None)))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.split()
    project = {p for p in map(Path, loaded) if p.is_relative_to(ROOT) and ".venv" not in p.parts}
    assert project and project <= set(ingest_modules())
