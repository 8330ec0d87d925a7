"""The optional export columns of SOURCES §1/§2 that the 766 index needs: read, staged and
carried into the facts, a column the export lacks left NULL (unknown), never "no"."""

import duckdb
import pytest

from schemas.procedures import SPEC as PROCEDURES
from tests.helpers import dossier_in_month, ingest, procedure, staged, write_csv
from warehouse.build import Warehouse
from warehouse.paths import DataPaths
from warehouse.tables import build_all

NEW_DOSSIER_FLAGS = ("full_online", "synced_on_time", "fee_exempt", "data_reused")
WITH_COLUMNS = [
    dossier_in_month(
        "A1",
        "01",
        full_online="x",
        synced_on_time="Có",
        fee_exempt="1",
        data_reused="Yes",
        data_fully_replaced="x",
        first_due_at="08/01/2024 17:00",
    ),
    # blank cells of present columns are "no"; no re-appointment
    dossier_in_month(
        "A2",
        "01",
        full_online="",
        synced_on_time="Không",
        fee_exempt="",
        data_reused="0",
        data_fully_replaced="",
        first_due_at="",
    ),
]
WITHOUT_COLUMNS = [dossier_in_month("B1", "02")]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("optional")
    landing, data = root / "landing", root / "data"
    write_csv(landing / "dossiers/ho_so_2024-01.csv", WITH_COLUMNS)
    write_csv(landing / "dossiers/ho_so_2024-02.csv", WITHOUT_COLUMNS)
    write_csv(
        landing / "procedures/danh_muc_tthc_2024-06-30.csv",
        [
            procedure(procedure_code="1.001612", paper_result="x", reuse_allowed="Không"),
            procedure(procedure_code="1.000002", paper_result="", reuse_allowed="x"),
        ],
        PROCEDURES,
    )
    write_csv(  # an older snapshot without the two columns
        landing / "procedures/danh_muc_tthc_2024-01-31.csv",
        [procedure(procedure_code="1.001612")],
        PROCEDURES,
    )
    for source, period in (
        ("dossiers", "2024-01"),
        ("dossiers", "2024-02"),
        ("procedures", "2024-06-30"),
        ("procedures", "2024-01-31"),
    ):
        ingest(landing, data, source, period)
    build_all(Warehouse(DataPaths(data)))
    con = duckdb.connect(str(DataPaths(data).build_db), read_only=True)
    yield con, data
    con.close()


def _row(con, sql: str, *params):
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def test_present_columns_are_read_as_yes_or_no(warehouse):
    con, _ = warehouse
    yes = _row(con, "select * from fact_dossier where dossier_code = 'A1'")
    no = _row(con, "select * from fact_dossier where dossier_code = 'A2'")
    for column in (*NEW_DOSSIER_FLAGS, "data_fully_replaced"):
        assert (yes[column], no[column]) == (True, False), column
    assert str(yes["first_due_at"]) == "2024-01-08 17:00:00"
    assert no["first_due_at"] is None


def test_an_absent_column_is_unknown_not_no(warehouse):
    con, data = warehouse
    row = _row(con, "select * from fact_dossier where dossier_code = 'B1'")
    for column in (*NEW_DOSSIER_FLAGS, "data_fully_replaced", "first_due_at"):
        assert row[column] is None, column
    # the yes/no columns the spec defaults to "no" keep their default
    assert row["inputs_digitized"] is False and row["e_result"] is False
    stage = staged(data, "dossiers", "2024-02")
    assert stage["full_online"].null_count() == 1


def test_catalogue_columns_reach_the_dimension_and_the_facts(warehouse):
    con, _ = warehouse
    snapshots = con.execute(
        "select snapshot_date::varchar, procedure_code, paper_result, reuse_allowed "
        "from procedure_snapshot order by 1, 2"
    ).fetchall()
    assert snapshots == [
        ("2024-01-31", "1.001612", None, None),
        ("2024-06-30", "1.000002", False, True),
        ("2024-06-30", "1.001612", True, False),
    ]
    fact = _row(
        con,
        "select procedure_paper_result, procedure_reuse_allowed "
        "from fact_dossier where dossier_code = 'A1'",
    )
    assert fact == {"procedure_paper_result": True, "procedure_reuse_allowed": False}


def test_first_due_date_before_receipt_is_quarantined(tmp_path):
    from tests.helpers import quarantined

    landing, data = tmp_path / "landing", tmp_path / "data"
    write_csv(
        landing / "dossiers/ho_so_2024-03.csv",
        [dossier_in_month("C1", "03", first_due_at="01/03/2024 08:00")],
    )
    ingest(landing, data, "dossiers", "2024-03")
    held = quarantined(data, "dossiers", "2024-03")
    assert held["columns"].to_list() == ["first_due_at, received_at"]
    assert "Ngày hẹn trả trước" in held["reason"][0]
