"""The marts' formulas (INDICATORS.md §A, §B) on a small fixture computed by hand."""

import datetime as dt

import duckdb
import pytest

from schemas.procedures import SPEC as PROCEDURES
from tests.helpers import dossier, ingest, procedure, write_csv
from warehouse.build import Warehouse
from warehouse.paths import DataPaths
from warehouse.tables import build_all


def _d(code, received, due, finished="", status="10", **cells):
    return dossier(
        dossier_code=code,
        received_at=received,
        due_at=due,
        finished_at=finished,
        status_code=status,
        channel=cells.pop("channel", "1"),
        **cells,
    )


JANUARY = [
    _d(
        "D1",
        "05/01/2024 08:00",
        "10/01/2024 17:00",
        "09/01/2024 10:00",
        channel="2",
        inputs_digitized="x",
        e_result="x",
        online_payment="1",
    ),  # early
    _d("D2", "05/01/2024 08:00", "10/01/2024 17:00", "10/01/2024 16:00"),  # on time
    _d("D3", "05/01/2024 08:00", "10/01/2024 17:00", "12/01/2024 09:00", status="9"),  # late
    _d(
        "D4",
        "05/01/2024 08:00",
        "10/01/2024 17:00",
        "12/01/2024 09:00",
        supplement_count="1",
        supplement_wait_days="2",
    ),  # on time thanks to the paused clock
    _d(
        "D5", "06/01/2024 08:00", "10/01/2024 17:00", "08/01/2024 08:00", supplement_count="2"
    ),  # late by rule: more than one supplement request
    _d("D6", "20/01/2024 08:00", "15/02/2024 17:00", status="4"),  # open; overdue by end of Feb
    _d("D8", "05/01/2024 08:00", "10/01/2024 17:00", status="3"),  # refused: not received
    _d("D9", "05/01/2024 08:00", "10/01/2024 17:00", status="1"),  # not yet accepted
    _d("D10", "25/01/2024 08:00", "05/02/2024 17:00", "02/02/2024 08:00"),  # finished in Feb, early
]
FEBRUARY = [
    _d(
        "D7", "03/02/2024 08:00", "05/02/2024 17:00", "07/02/2024 08:00", rating="Không hài lòng"
    ),  # late and not satisfied
]
CATALOGUE = [
    procedure(procedure_code="1.001612"),  # published on time, decision on time, full online
    procedure(
        procedure_code="1.000002",
        online_level="Một phần",
        full_online_eligible="",
        has_fee="",
        published_at="12/01/2024",
        legal_effective_date="05/01/2024",
        components_complete="",
    ),
    procedure(
        procedure_code="1.000003",
        online_level="",
        published_at="",
        legal_effective_date="",
        has_fee="",
    ),
    procedure(procedure_code="1.000004", status="Bãi bỏ", published_at=""),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("marts")
    landing, data = root / "landing", root / "data"
    write_csv(landing / "dossiers/ho_so_2024-01.csv", JANUARY)
    write_csv(landing / "dossiers/ho_so_2024-02.csv", FEBRUARY)
    write_csv(landing / "procedures/danh_muc_tthc_2024-12-31.csv", CATALOGUE, PROCEDURES)
    for source, period in (
        ("dossiers", "2024-01"),
        ("dossiers", "2024-02"),
        ("procedures", "2024-12-31"),
    ):
        ingest(landing, data, source, period)
    build = Warehouse(DataPaths(data))
    build_all(build)
    con = duckdb.connect(str(DataPaths(data).build_db), read_only=True)
    yield con
    con.close()


def _month(con, period):
    return (
        con.sql("select * from mart_dossier_monthly where period = ?", params=[period])
        .pl()
        .row(0, named=True)
    )


def test_timeliness_of_each_dossier(warehouse):
    rows = dict(warehouse.sql("select dossier_code, timeliness from fact_dossier").fetchall())
    assert rows == {
        "D1": "early",
        "D2": "on_time",
        "D3": "late",
        "D4": "on_time",
        "D5": "late",
        "D6": "overdue",
        "D7": "late",
        "D8": None,
        "D9": None,
        "D10": "early",
    }


def test_january(warehouse):
    jan = _month(warehouse, "2024-01")
    assert (jan["received"], jan["received_online"], jan["received_direct"]) == (7, 1, 6)
    assert jan["online_share"] == pytest.approx(1 / 7)
    assert (
        jan["finished"],
        jan["finished_early"],
        jan["finished_on_time"],
        jan["finished_late"],
    ) == (5, 1, 2, 2)
    assert jan["on_time_rate"] == pytest.approx(3 / 5)
    assert (jan["in_progress"], jan["in_progress_overdue"]) == (2, 0)  # D6 and D10
    assert jan["rate_766_progress"] == pytest.approx(5 / 7)
    assert jan["input_digitization_rate"] == pytest.approx(1 / 7)
    assert jan["e_result_rate"] == pytest.approx(1 / 5)  # D1 of D1, D2, D3 (9), D4, D5
    assert jan["online_payment_rate"] == pytest.approx(1 / 7)
    assert jan["satisfaction_766"] == pytest.approx(1 - 2 / 7)
    hours = [(9, 10, 5, 8), (10, 16, 5, 8), (12, 9, 5, 8), (12, 9, 5, 8), (8, 8, 6, 8)]
    days = [
        (dt.datetime(2024, 1, f, fh) - dt.datetime(2024, 1, r, rh)).total_seconds() / 86400
        for f, fh, r, rh in hours
    ]
    assert jan["avg_processing_days"] == pytest.approx(sum(days) / 5)


def test_february(warehouse):
    feb = _month(warehouse, "2024-02")
    assert (feb["received"], feb["finished"], feb["finished_early"], feb["finished_late"]) == (
        1,
        2,
        1,
        1,
    )
    assert feb["on_time_rate"] == pytest.approx(0.5)
    assert (feb["in_progress"], feb["in_progress_overdue"]) == (1, 1)  # D6, due 15/02
    assert feb["rate_766_progress"] == pytest.approx(1 / 3)
    assert feb["rated_not_satisfied"] == 1
    assert feb["satisfaction_766"] == pytest.approx(0.0)


def test_procedure_publication(warehouse):
    row = warehouse.sql("select * from mart_procedure_publication").pl().row(0, named=True)
    assert row["snapshot_date"] == dt.date(2024, 12, 31)
    assert (row["active"], row["published"]) == (3, 2)
    assert row["published_share"] == pytest.approx(2 / 3)
    assert row["published_on_time_share"] == pytest.approx(1 / 2)  # 04/01 ok, 12/01 too late
    assert row["decision_on_time_share"] == pytest.approx(1 / 2)  # 9 working days vs 3
    assert row["complete_share"] == pytest.approx(2 / 3)  # 1.001612 and 1.000003
    assert row["online_share"] == pytest.approx(2 / 3)
    assert row["full_online_share"] == pytest.approx(1 / 2)
    assert row["online_used_share"] == pytest.approx(1 / 2)  # only 1.001612 got online dossiers


def test_scorecard_of_the_fixture(warehouse):
    values = dict(
        warehouse.sql(
            "select indicator_code, value from mart_province_scorecard where year = 2024"
        ).fetchall()
    )
    assert values["dossiers_received"] == 8
    assert values["dossiers_finished"] == 7
    assert values["dossiers_late"] == 3
    assert values["dossiers_on_time_rate"] == pytest.approx(4 / 7)
    assert values["dossiers_received_provincial_centre"] == 8
    assert values["procedures_published_share"] == pytest.approx(2 / 3)


def test_unknown_codes_are_kept_and_flagged(warehouse):
    known = warehouse.sql(
        "select bool_and(procedure_known), bool_and(agency_known) from fact_dossier"
    )
    assert known.fetchall() == [(True, True)]
