"""Deadline rules of INDICATORS §A in fact_dossier and mart_dossier_monthly (docs/calendar.md):
a date-only due date is the end of that day, the first due date counts after a re-appointment,
a dossier waiting for the applicant's supplement is paused, a withdrawn or stopped dossier
without an end date is kept with a stand-in, processing time in working days."""

import datetime as dt

import duckdb
import polars as pl
import pytest
import xlsxwriter

from schemas.dossiers import SPEC as DOSSIERS
from schemas.parsers import parse_datetime
from tests.helpers import dossier, frame, ingest, quarantined, write_csv
from warehouse.build import Warehouse
from warehouse.paths import DataPaths
from warehouse.tables import build_all

T = dt.datetime


@pytest.mark.parametrize(
    "text, end_of_day, expected",
    [
        ("10/01/2024", True, T(2024, 1, 10, 23, 59, 59)),
        ("2024-01-10", True, T(2024, 1, 10, 23, 59, 59)),
        ("45301", True, T(2024, 1, 10, 23, 59, 59)),  # a whole Excel serial: a date cell
        ("10/01/2024 00:00", True, T(2024, 1, 10)),  # a written midnight stays midnight
        ("2024-01-10 00:00:00", True, T(2024, 1, 10)),
        ("20240110000000", True, T(2024, 1, 10)),
        ("45301.5", True, T(2024, 1, 10, 12)),
        ("10/01/2024 17:00", True, T(2024, 1, 10, 17)),
        ("10/01/2024", False, T(2024, 1, 10)),  # other columns: a date is its midnight
    ],
)
def test_a_date_without_a_time_is_the_end_of_the_day(text, end_of_day, expected):
    parsed = pl.select(parse_datetime(pl.lit(text), end_of_day)).item()
    assert parsed == expected


def _d(code, received, due, finished="", status="10", **cells):
    return dossier(
        dossier_code=code,
        received_at=received,
        due_at=due,
        finished_at=finished,
        status_code=status,
        **cells,
    )


JANUARY = [
    # date-only due, finished that afternoon: on time (was late at midnight)
    _d("DATE_ONLY", "08/01/2024 08:00", "10/01/2024", "10/01/2024 16:00"),
    # a written midnight is a midnight: finished that morning is late
    _d("MIDNIGHT", "08/01/2024 08:00", "10/01/2024 00:00", "10/01/2024 08:00"),
    # re-appointed from 10/01 to 15/01, finished 12/01: late against the first due date
    _d(
        "REAPPOINTED",
        "08/01/2024 08:00",
        "15/01/2024 17:00",
        "12/01/2024 09:00",
        first_due_at="10/01/2024",
    ),
    # past due at the export: waiting for the applicant (5) is paused, handling (4) overdue
    _d("PAUSED", "08/01/2024 08:00", "12/01/2024 17:00", status="5"),
    _d("HANDLING", "08/01/2024 08:00", "12/01/2024 17:00", status="4"),
    # withdrawn (7) with a return time, stopped (8) with neither: kept with a stand-in
    _d(
        "WITHDRAWN",
        "08/01/2024 08:00",
        "20/01/2024 17:00",
        status="7",
        returned_at="11/01/2024 10:00",
    ),
    _d("STOPPED", "08/01/2024 08:00", "20/02/2024 17:00", status="8"),
    # finished with a result but no end date: still quarantined
    _d("NO_END", "08/01/2024 08:00", "20/01/2024 17:00", status="9"),
    # working days: Mon 8 → Fri 19 January is 9; the 3-day supplement wait takes it to 6
    _d(
        "WAITED",
        "08/01/2024 08:00",
        "26/01/2024 17:00",
        "19/01/2024 10:00",
        supplement_count="1",
        supplement_wait_days="3",
    ),
    _d("NO_WAIT", "08/01/2024 08:00", "26/01/2024 17:00", "19/01/2024 10:00"),
]
# received Friday 26/4/2024: 29/4 (swap), 30/4, 1/5 off, so Thursday 2/5 is 1 working day later
APRIL = [_d("SWAP", "26/04/2024 08:00", "06/05/2024 17:00", "02/05/2024 15:00")]
EXPORTED = "20240215080000"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("deadlines")
    landing, data = root / "landing", root / "data"
    write_csv(landing / f"dossiers/ho_so_2024-01__{EXPORTED}.csv", JANUARY)
    write_csv(landing / "dossiers/ho_so_2024-04__20240510080000.csv", APRIL)
    ingest(landing, data, "dossiers", "2024-01")
    ingest(landing, data, "dossiers", "2024-04")
    build_all(Warehouse(DataPaths(data)))
    con = duckdb.connect(str(DataPaths(data).build_db), read_only=True)
    yield con, data
    con.close()


def _facts(con) -> dict[str, dict]:
    rows = con.sql("select * from fact_dossier").pl()
    return {r["dossier_code"]: r for r in rows.iter_rows(named=True)}


def test_timeliness_by_the_deadline_rules(warehouse):
    con, _ = warehouse
    facts = _facts(con)
    got = {code: row["timeliness"] for code, row in facts.items()}
    assert got == {
        "DATE_ONLY": "on_time",
        "MIDNIGHT": "late",
        "REAPPOINTED": "late",
        "PAUSED": "in_progress",
        "HANDLING": "overdue",
        "WITHDRAWN": "early",
        "STOPPED": "early",
        "WAITED": "early",
        "NO_WAIT": "early",
        "SWAP": "early",
    }
    assert facts["DATE_ONLY"]["due_at"] == T(2024, 1, 10, 23, 59, 59)
    assert facts["REAPPOINTED"]["is_reappointed"] is True
    assert facts["REAPPOINTED"]["due_effective_at"] == T(2024, 1, 10, 23, 59, 59)
    assert facts["DATE_ONLY"]["is_reappointed"] is False
    assert (facts["PAUSED"]["is_paused"], facts["HANDLING"]["is_paused"]) == (True, False)


def test_withdrawn_and_stopped_without_an_end_date_are_kept(warehouse):
    con, data = warehouse
    facts = _facts(con)
    withdrawn, stopped = facts["WITHDRAWN"], facts["STOPPED"]
    assert (withdrawn["finished_at"], withdrawn["finished_at_stand_in"]) == (
        T(2024, 1, 11, 10),
        "returned_at",
    )
    assert (stopped["finished_at"], stopped["finished_at_stand_in"]) == (
        T(2024, 2, 15, 8),
        "exported_at",
    )
    assert withdrawn["is_finished"] and stopped["is_finished"]
    assert facts["DATE_ONLY"]["finished_at_stand_in"] is None
    held = quarantined(data, "dossiers", "2024-01")
    assert held["reason"].to_list() == [
        "Ngày kết thúc xử lý (finished_at) is required when Trạng thái (status_code) is 9–10"
    ]


def test_processing_time_in_working_days(warehouse):
    con, _ = warehouse
    facts = _facts(con)
    assert facts["NO_WAIT"]["processing_working_days"] == 9
    assert facts["WAITED"]["processing_working_days"] == 6
    assert facts["SWAP"]["processing_working_days"] == 1
    assert facts["SWAP"]["processing_days"] == pytest.approx(6 + 7 / 24)
    assert facts["PAUSED"]["processing_working_days"] is None


def test_the_monthly_mart_agrees_with_the_facts(warehouse):
    con, _ = warehouse
    jan = con.execute(
        "select sum(in_progress) as in_progress, sum(in_progress_overdue) as overdue, "
        "sum(in_progress_paused) as paused from mart_dossier_monthly where period = '2024-01'"
    ).fetchall()[0]
    # at the end of January: PAUSED and HANDLING open (STOPPED ended at the February export);
    # HANDLING overdue, PAUSED not
    assert jan == (3, 1, 1)
    checks = con.sql(
        """
        select m.period, m.finished, m.avg_processing_working_days, f.finished, f.avg_wd,
            m.finished_late, f.late
        from (
            select period, sum(finished) as finished, sum(finished_late) as finished_late,
                sum(processing_working_days) / sum(finished) as avg_processing_working_days
            from (select *, avg_processing_working_days * finished as processing_working_days
                  from mart_dossier_monthly)
            group by period
        ) m
        join (
            select strftime(finished_at, '%Y-%m') as period, count(*) as finished,
                avg(processing_working_days) as avg_wd,
                count(*) filter (timeliness = 'late') as late
            from fact_dossier where is_finished group by 1
        ) f using (period)
        order by 1
        """
    ).fetchall()
    assert checks, "no finished months"
    for period, finished, avg, f_finished, f_avg, late, f_late in checks:
        assert (finished, late) == (f_finished, f_late), period
        assert avg == pytest.approx(f_avg), period


def test_a_date_cell_of_a_sheet_is_a_date(tmp_path):
    """Excel keeps no date-only cells: a due date typed as a date arrives as 00:00:00 and is
    read as the date it was typed as (the end of that day)."""
    landing, data = tmp_path / "landing", tmp_path / "data"
    path = landing / "dossiers/ho_so_2024-01.xlsx"
    path.parent.mkdir(parents=True)
    text = frame([_d("XL", "08/01/2024 08:00", "", "10/01/2024 16:00")], DOSSIERS)
    due_header = DOSSIERS.label("due_at")
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet()
        date_cell = book.add_format({"num_format": "dd/mm/yyyy"})
        sheet.write_row(0, 0, text.columns)
        for column, value in enumerate(text.row(0)):
            if text.columns[column] == due_header:
                sheet.write_datetime(1, column, dt.datetime(2024, 1, 10), date_cell)
            else:
                sheet.write(1, column, value or "")
    ingest(landing, data, "dossiers", "2024-01")
    staged = pl.read_parquet(DataPaths(data).staging("dossiers", "2024-01"))
    assert staged["due_at"].to_list() == [T(2024, 1, 10, 23, 59, 59)]
