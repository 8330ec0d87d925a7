"""The working-day calendar (warehouse/calendar.py, docs/calendar.md): pinned files, the same
days whatever the machine's locale, 2015–2035, a date outside it an error."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from schemas.procedures import SPEC as PROCEDURES
from tests.helpers import ingest, procedure, quarantined, write_csv
from warehouse import calendar as module
from warehouse.build import Warehouse
from warehouse.calendar import (
    CalendarFileError,
    OutsideCalendar,
    add_working_days,
    calendar,
    pinned_days,
    pinned_years,
)
from warehouse.calendar_review import differences
from warehouse.paths import DataPaths
from warehouse.tables import TABLES

ROOT = Path(__file__).resolve().parents[1]
D = dt.date


@pytest.fixture(scope="module")
def days():
    return calendar()


@pytest.mark.parametrize(
    "start, count, expected",
    [
        # Tết Giáp Thìn 2024: off Thursday 8 to Wednesday 14 February
        (D(2024, 2, 7), 1, D(2024, 2, 15)),
        (D(2024, 2, 5), 10, D(2024, 2, 26)),
        (D(2024, 2, 1), 15, D(2024, 2, 29)),
        # Tết Ất Tỵ 2025: off Monday 27 January to Saturday 1 February
        (D(2025, 1, 24), 1, D(2025, 2, 3)),
        (D(2025, 1, 20), 10, D(2025, 2, 10)),
        (D(2025, 1, 15), 15, D(2025, 2, 12)),
        # 30/4–1/5/2024 with the working Saturday 4 May (2450/VPCP-KGVX)
        (D(2024, 4, 26), 1, D(2024, 5, 2)),
        (D(2024, 5, 3), 1, D(2024, 5, 4)),
        # swaps: Saturdays 26/4/2025 and 22/8/2026 worked
        (D(2025, 4, 25), 1, D(2025, 4, 26)),
        (D(2026, 8, 21), 1, D(2026, 8, 22)),
        # 2/1/2026 off, Saturday 10/1/2026 worked (12729/VPCP-KGVX; not in the library)
        (D(2025, 12, 31), 1, D(2026, 1, 5)),
        (D(2026, 1, 9), 1, D(2026, 1, 10)),
        # Tết 2015 under the Labour Code 2012: Saturday 14/2 worked, off 16–20/2 and 23/2
        (D(2015, 2, 13), 1, D(2015, 2, 14)),
        (D(2015, 2, 13), 2, D(2015, 2, 24)),
        # 2019: Monday 31/12/2018 off for Saturday 5/1/2019; 29/4 off for Saturday 4/5
        (D(2018, 12, 28), 1, D(2019, 1, 2)),
        (D(2019, 1, 4), 1, D(2019, 1, 5)),
        (D(2019, 4, 26), 1, D(2019, 5, 2)),
        # Vietnam Culture Day, Tuesday 24/11/2026
        (D(2026, 11, 23), 1, D(2026, 11, 25)),
        # compensatory day off: Hùng Kings' day on Sunday 26/4/2026 → Monday 27/4 off
        (D(2026, 4, 24), 1, D(2026, 4, 28)),
        # a provisional year: 2/9/2027 (Thursday) and 3/9 off by statute
        (D(2027, 9, 1), 1, D(2027, 9, 6)),
    ],
)
def test_working_day_deadlines(days, start, count, expected):
    assert add_working_days(days, start, count) == expected


def test_the_calendar_spans_2015_to_2035_and_outside_is_an_error(days):
    assert (days["date"].min(), days["date"].max()) == (D(2015, 1, 1), D(2035, 12, 31))
    assert days.height == (D(2035, 12, 31) - D(2015, 1, 1)).days + 1
    with pytest.raises(OutsideCalendar, match="2014-12-31 is outside"):
        add_working_days(days, D(2014, 12, 31), 1)
    with pytest.raises(OutsideCalendar, match="beyond the calendar's end"):
        add_working_days(days, D(2035, 12, 20), 10)


def test_the_years_after_the_last_pinned_one_are_provisional(days):
    years = pinned_years()
    assert years.filter(pl.col("status") == "pinned")["year"].to_list() == list(range(2015, 2027))
    provisional = pinned_days().filter(pl.col("date").dt.year() >= 2027)
    assert set(provisional["verification"]) == {"estimated"}
    assert provisional.filter("is_working_day").height == 0  # swaps are not known ahead
    status = days.filter(pl.col("date") == D(2027, 3, 1))["year_status"].item()
    assert status == "provisional"


def test_every_swap_has_its_notice_and_its_saturday():
    pinned = pinned_days()
    swaps = pinned.filter(pl.col("kind").str.starts_with("swap"))
    assert swaps.filter(pl.col("legal_basis").str.contains(r"\d+/")).height == swaps.height
    off = swaps.filter(pl.col("kind") == "swap_day_off").height
    worked = swaps.filter(pl.col("kind") == "swap_working_saturday").height
    # 2/1/2015 was swapped with Saturday 27/12/2014, before the calendar starts
    assert off == worked + 1


def test_the_pinned_years_differ_from_the_library_only_where_reviewed():
    """The `holidays` library agrees with the reviewed file on every weekday off of 2015–2026
    except the days the review found it lacks."""
    reviewed = {D(2026, 1, 2): "swap day off of 12729/VPCP-KGVX"}
    for year in range(2015, 2027):
        found = differences(year)
        unexpected = found.filter(~pl.col("date").is_in(list(reviewed)))
        assert unexpected.height == 0, unexpected.to_dicts()


_PROBE = """
import datetime as dt, hashlib, json
import holidays
from warehouse.calendar import calendar
days = calendar()
digest = hashlib.sha256(days.select("date", "is_working_day", "working_day_index")
                        .write_csv().encode()).hexdigest()
label = holidays.country_holidays("VN", years=2024)[dt.date(2024, 4, 29)]
print(json.dumps({"digest": digest, "working": int(days["is_working_day"].sum()),
                  "library_label": label}))
"""


def _probe(lang: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LANGUAGE", "LC_MESSAGES")}
    env["LANG"] = lang
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_same_working_days_whatever_the_locale():
    vietnamese, plain = _probe("vi_VN.UTF-8"), _probe("C.UTF-8")
    # the locale did reach the process: the library names the same day in two languages
    assert vietnamese["library_label"] != plain["library_label"]
    assert vietnamese["library_label"].startswith("Ngày nghỉ")
    assert (vietnamese["digest"], vietnamese["working"]) == (plain["digest"], plain["working"])


@pytest.mark.parametrize(
    "row, rule",
    [
        ("2024-06-08,false,public_holiday,x,x,Labour Code,statute", "weekend day is off anyway"),
        ("2024-06-11,true,public_holiday,x,x,Labour Code,statute", "only a Saturday"),
        ("2024-06-08,true,public_holiday,x,x,Labour Code,statute", "only a Saturday"),
        ("2014-06-10,false,public_holiday,x,x,Labour Code,statute", "outside the calendar"),
        ("2024-06-10,false,holiday,x,x,Labour Code,statute", "unknown kind"),
        ("2024-06-10,false,public_holiday,x,x,,statute", "legal basis"),
        ("2024-06-10,false,public_holiday,x,x,Labour Code,rumour", "unknown verification"),
        ("2024-01-01,false,public_holiday,x,x,Labour Code,statute", "listed twice"),
    ],
)
def test_a_broken_calendar_file_is_refused(tmp_path, monkeypatch, row, rule):
    broken = tmp_path / "calendar_vn.csv"
    broken.write_text(module.CALENDAR_CSV.read_text(encoding="utf-8") + row + "\n")
    monkeypatch.setattr(module, "CALENDAR_CSV", broken)
    with pytest.raises(CalendarFileError, match=rule):
        calendar()


def test_a_pinned_year_after_a_provisional_one_is_refused(tmp_path, monkeypatch):
    years = tmp_path / "calendar_years.csv"
    text = module.YEARS_CSV.read_text(encoding="utf-8")
    years.write_text(text.replace("2028,provisional,,", "2028,pinned,2026-12-01,"))
    monkeypatch.setattr(module, "YEARS_CSV", years)
    with pytest.raises(CalendarFileError, match="provisional"):
        calendar()


def test_the_file_decides_the_days(tmp_path, monkeypatch):
    edited = tmp_path / "calendar_vn.csv"
    edited.write_text(
        module.CALENDAR_CSV.read_text(encoding="utf-8")
        + "2024-03-08,false,public_holiday,Ngày nghỉ địa phương,A local day off,a notice,official\n"
    )
    monkeypatch.setattr(module, "CALENDAR_CSV", edited)
    assert add_working_days(calendar(), D(2024, 3, 7), 1) == D(2024, 3, 11)


def test_dim_calendar_and_its_macro(tmp_path):
    warehouse = Warehouse(DataPaths(tmp_path))
    with warehouse.connect() as con:
        warehouse.run(con, "dim_calendar")
        assert con.execute("select add_working_days(date '2024-02-07', 1)").fetchone() == (
            D(2024, 2, 15),
        )
        columns = [r[0] for r in con.execute("describe dim_calendar").fetchall()]
        assert columns[:4] == ["date", "is_working_day", "holiday_name", "working_day_index"]
        with pytest.raises(duckdb.InvalidInputException, match="outside the working-day"):
            con.execute("select add_working_days(date '2014-06-02', 1)").fetchall()


def test_catalogue_dates_outside_the_calendar(tmp_path):
    """A decision of 2019 is counted with the 2019 swap (the calendar once began in 2020 and
    counted every such procedure late); a decision before 2015 is quarantined with the reason;
    a law in force before 2015 leaves the decision not on time, without an error."""
    landing, data = tmp_path / "landing", tmp_path / "data"
    rows = [
        # 5th working day after Thu 2/5/2019 is Wed 8/5 (Saturday 4/5 worked)
        procedure(procedure_code="1.000001", decision_date="02/05/2019", published_at="08/05/2019"),
        procedure(procedure_code="1.000002", decision_date="02/05/2019", published_at="09/05/2019"),
        procedure(
            procedure_code="1.000003",
            decision_date="02/05/2019",
            legal_effective_date="01/07/2014",
            published_at="03/05/2019",
        ),
        procedure(procedure_code="1.000004", decision_date="15/12/2014"),
    ]
    write_csv(landing / "procedures/danh_muc_tthc_2019-06-30.csv", rows, PROCEDURES)
    ingest(landing, data, "procedures", "2019-06-30")
    held = quarantined(data, "procedures", "2019-06-30")
    assert held["reason"].to_list() == [
        "Ngày quyết định công bố: 2014-12-15 is outside the working-day calendar "
        "(2015-01-01 – 2035-12-31)"
    ]
    warehouse = Warehouse(DataPaths(data))
    with warehouse.connect() as con:
        for table in _with_inputs("mart_procedure_publication"):
            warehouse.run(con, table)
        row = con.execute(
            "select published, published_on_time, with_effective_date, decision_on_time "
            "from mart_procedure_publication"
        ).fetchone()
    assert row == (3, 2, 3, 2)


def _with_inputs(name: str) -> list[str]:
    """The table and every table it is built from, in build order."""
    by_name = {t.name: t for t in TABLES}
    wanted, pending = set(), [name]
    while pending:
        table = by_name[pending.pop()]
        wanted.add(table.name)
        pending += [d for d in table.deps if d not in wanted]
    return [t.name for t in TABLES if t.name in wanted]


def test_a_deadline_beyond_the_calendar_stops_the_build(tmp_path):
    """A decision of the last days of 2035 passes the ingest, but its 5th working day lies
    beyond the calendar: the build says so instead of counting it late (extend the calendar)."""
    landing, data = tmp_path / "landing", tmp_path / "data"
    rows = [procedure(decision_date="28/12/2035", legal_effective_date="", published_at="")]
    write_csv(landing / "procedures/danh_muc_tthc_2026-11-30.csv", rows, PROCEDURES)
    ingest(landing, data, "procedures", "2026-11-30")
    warehouse = Warehouse(DataPaths(data))
    with warehouse.connect() as con:
        for table in _with_inputs("mart_procedure_publication")[:-1]:
            warehouse.run(con, table)
        with pytest.raises(duckdb.InvalidInputException, match="no 5th working day after"):
            warehouse.run(con, "mart_procedure_publication")
