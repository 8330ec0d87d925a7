"""The sample data of 2025 and 2026 (issue #16): generated at a small scale, every source loads
with only the injected defects quarantined, units are those in force on each row's date (no
district after the reform), offices work on working days in office hours, due dates are counted
in working days, on-time shares vary between units and months with a Tết dip, the same seed
writes the same files, and 2026 ends with the last full month before the export date."""

import datetime as dt
import hashlib

import duckdb
import polars as pl
import pytest

from pipelines import cli
from pipelines.generate import generate
from pipelines.generate.defects import DEFECTS, expected_totals
from pipelines.generate.later_years import AS_OF, coverage
from schemas.registry import SOURCES
from tests.helpers import ingest_every_partition, quarantined
from warehouse.build import Warehouse
from warehouse.checks import TABLE_CHECKS
from warehouse.inventory import record_landing
from warehouse.paths import DataPaths
from warehouse.tables import build_all

SCALE = 0.02
YEARS = (2025, 2026)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("later")
    landing, data = root / "landing", root / "data"
    for year in YEARS:
        generate(landing, year=year, scale=SCALE)
    outcomes, unmatched = ingest_every_partition(landing, data)
    record_landing(landing, DataPaths(data))
    build_all(Warehouse(DataPaths(data)))
    con = duckdb.connect(str(DataPaths(data).build_db), read_only=True)
    yield landing, data, outcomes, unmatched, con
    con.close()


def _files(landing):
    return sorted(p.relative_to(landing).as_posix() for p in landing.rglob("*.*"))


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_every_source_loads_with_only_the_injected_defects_quarantined(built, source):
    _, data, outcomes, unmatched, _ = built
    assert unmatched == []
    mine = [o for o in outcomes if o.source == source]
    assert mine, f"no {source} generated"
    files = [f for o in mine for f in o.files]
    assert all(f.status == "loaded" for f in files), [f.message for f in files]
    assert all(f.rows_read == f.rows_loaded + f.rows_quarantined + f.rows_duplicate for f in files)
    expected = expected_totals(source, years=YEARS)
    assert sum(f.rows_quarantined for f in files) == expected["quarantined"]
    assert sum(f.rows_duplicate for f in files) == expected["duplicates"]
    for defect in (d for d in DEFECTS if d.year in YEARS and d.source == source and d.quarantined):
        reasons = quarantined(data, source, defect.period)["reason"]
        assert (
            reasons.str.contains(defect.reason_contains, literal=True).sum() == defect.quarantined
        )


def test_units_are_those_in_force_on_the_date_and_no_district_after_the_reform(built):
    *_, con = built
    rows = con.sql(
        """
        select f.received_at >= date '2025-07-01' as after, f.level_vi, u.level,
            u.valid_from, u.valid_to, count(*) as dossiers
        from fact_dossier f
        join dim_admin_unit u on u.code = f.admin_unit_code
            and cast(f.received_at as date) between u.valid_from and u.valid_to
        group by all
        """
    ).pl()
    assert rows["dossiers"].sum() == con.sql("select count(*) from fact_dossier").fetchall()[0][0]
    after = rows.filter(pl.col("after"))
    assert set(after["level_vi"]) == {"Tỉnh", "Xã", "Đặc khu"}
    assert (after["valid_from"] == dt.date(2025, 7, 1)).all()  # the new province's units
    before = rows.filter(~pl.col("after"))
    assert set(before["level_vi"]) == {"Tỉnh", "Huyện", "Xã"}
    assert (before["valid_to"] == dt.date(2025, 6, 30)).all()
    provinces = con.sql(
        "select distinct admin_unit_code from fact_dossier where level = 'province' "
        "and received_at < date '2025-07-01'"
    ).fetchall()
    assert sorted(p for (p,) in provinces) == ["60", "67", "68"]  # all three old provinces
    communes = con.sql(
        "select count(distinct admin_unit_code) from fact_dossier "
        "where received_at >= date '2026-01-01' and level = 'commune'"
    ).fetchall()[0][0]
    assert communes == 124  # 123 communes and wards and the special zone


def test_agencies_are_in_the_list_and_in_operation_on_the_date(built):
    *_, con = built
    (outside,) = con.sql(
        """
        select count(*) from fact_dossier f join dim_agency a using (agency_code)
        where cast(f.received_at as date) not between coalesce(a.valid_from, date '1900-01-01')
            and coalesce(a.valid_to, date '9999-12-31')
        """
    ).fetchall()[0]
    assert outside == 0
    unknown = con.sql(
        "select (select count(*) from fact_dossier where not agency_known), "
        "(select count(*) from fact_feedback where not agency_known)"
    ).fetchall()[0]
    assert unknown == (0, 0)
    in_operation = [c for c in TABLE_CHECKS if c.rule == "agency_in_operation"]
    assert {c.table for c in in_operation} == {"fact_dossier", "fact_feedback"}
    assert {c.name: con.sql(c.violations_sql).fetchall() for c in in_operation} == {
        c.name: [] for c in in_operation
    }


def test_provincial_feedback_goes_to_departments_that_handle_dossiers(built):
    """The sample's feedback is about procedures: a department that handles none gets none."""
    *_, con = built
    without_dossiers = con.sql(
        """
        select distinct f.agency_code, year(f.received_at) as year
        from fact_feedback f join dim_agency a using (agency_code)
        where a.level = 'province' and not exists (
            select 1 from fact_dossier d
            where d.agency_code = f.agency_code and year(d.received_at) = year(f.received_at))
        order by 1, 2
        """
    ).fetchall()
    assert without_dossiers == []


def test_offices_work_on_working_days_in_office_hours_with_due_dates_in_working_days(built):
    *_, con = built
    (wrong,) = con.sql(
        """
        select count(*) from fact_dossier f
        join dim_calendar r on r.date = cast(f.received_at as date)
        left join dim_calendar d on d.date = cast(f.finished_at as date)
        where f.status_code <> 3 and (
            not r.is_working_day or hour(f.received_at) < 7 or hour(f.received_at) >= 17
            or (f.finished_at is not null and (not d.is_working_day
                or f.finished_at > date_trunc('day', f.finished_at) + interval 17 hour))
            or strftime(f.due_at, '%H:%M') <> '17:00')
        """
    ).fetchall()[0]
    assert wrong == 0
    # the due date is the procedure's time limit in working days after the receipt
    (off,) = con.sql(
        """
        select count(*) from fact_dossier f
        join dim_procedure p using (procedure_code)
        join dim_calendar r on r.date = cast(f.received_at as date)
        join dim_calendar d on d.date = cast(f.due_at as date)
        where d.working_day_index - r.working_day_index <> p.time_limit
        """
    ).fetchall()[0]
    assert off == 0


def test_on_time_shares_vary_between_units_and_months_with_a_tet_dip(built):
    *_, con = built
    units = con.sql(
        """
        select admin_unit_code, avg(case when timeliness = 'late' then 0 else 1 end) as on_time
        from fact_dossier where is_finished and level = 'commune'
        group by 1 having count(*) >= 40
        """
    ).pl()["on_time"]
    assert units.min() < 0.8 and units.max() > 0.97
    months = dict(
        con.sql(
            """
            select period, avg(case when timeliness = 'late' then 0 else 1 end)
            from fact_dossier where is_finished and period like '2026-%' group by 1
            """
        ).fetchall()
    )
    assert all(0.6 <= share <= 0.99 for share in months.values()), months
    tet = months.pop("2026-02")  # Tết: 16–20 February 2026
    assert tet < min(months.values())
    online = con.sql(
        "select avg(cast(channel = 2 as int)) from fact_dossier where level = 'commune' "
        "group by admin_unit_code"
    ).pl()
    assert online.to_series().min() < 0.15 and online.to_series().max() > 0.5


def test_party_secretaries_mostly_keep_the_reception_norm(built):
    *_, con = built
    shares = dict(
        con.sql(
            "select year, value from mart_province_scorecard "
            "where indicator_code = 'periodic_reception_norm_share'"
        ).fetchall()
    )
    assert set(shares) == set(YEARS)
    assert all(0.75 <= share < 1 for share in shares.values()), shares


def test_2026_ends_with_the_last_full_month_before_the_export(built):
    landing, *_ = built
    dossier_months = sorted(p.name[6:13] for p in (landing / "dossiers").glob("ho_so_2026-*"))
    assert dossier_months == [f"2026-{m:02d}" for m in range(1, 12)]
    assert AS_OF == dt.date(2026, 12, 2)
    assert [m.month for m in coverage(2026, dt.date(2026, 4, 10)).months] == [1, 2, 3]
    assert coverage(2026, dt.date(2026, 4, 10)).quarters == [(2026, 1)]
    assert coverage(2026, dt.date(2026, 4, 1)).quarters == [(2026, 1)]
    assert len(coverage(2026, dt.date(2027, 3, 1)).months) == 12


def test_the_same_seed_writes_the_same_files(tmp_path):
    def digest(folder, seed=20240101):
        generate(folder, year=2026, seed=seed, scale=0.005, as_of=dt.date(2026, 3, 5))
        return {
            p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*.*")
        }

    first, second = digest(tmp_path / "a"), digest(tmp_path / "b")
    assert first == second
    # January as .xlsx, February as CSV, their feedback, a catalogue snapshot, the register
    assert len(first) == 6
    other = digest(tmp_path / "c", seed=7)
    february = "dossiers/ho_so_2026-02__20260305080000.csv"
    assert other.keys() == first.keys() and other[february] != first[february]


def test_other_years_and_export_dates_are_a_clear_error(tmp_path, capsys):
    assert cli.main(["generate", "--out", str(tmp_path), "--year", "2023"]) == 2
    assert "no sample data for 2023" in capsys.readouterr().err
    arguments = ["generate", "--out", str(tmp_path), "--year", "2026", "--as-of", "2026-01-20"]
    assert cli.main(arguments) == 2
    assert "no full month of 2026" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_files_are_dated_by_their_export_not_by_when_they_were_written(built):
    """A file without an export stamp in its name is dated by its modification time: the
    sample's is the export's, so the report's "data as of" is the export date."""
    landing = built[0]
    exports = {year: coverage(year, AS_OF).export_at for year in YEARS}
    for path in landing.rglob("*.*"):
        dated = dt.datetime.fromtimestamp(path.stat().st_mtime)
        assert dated in exports.values(), path.name


@pytest.mark.parametrize("year", YEARS)
def test_the_years_catalogue_has_announcements_for_the_766_transparency_group(built, year):
    con = built[4]
    rows = con.sql(
        "select indicator_code, denominator, status from mart_service_index_766_detail "
        "where profile = 'dvcqg' and unit_type = 'province' and period_type = 'year' "
        "and period = ? and indicator_code in "
        "('PUBLISH_ON_TIME', 'PUBLIC_UPDATE_ON_TIME', 'PUBLIC_CONTENT_FULL')",
        params=[str(year)],
    ).fetchall()
    assert len(rows) == 3
    assert all(denominator and status == "scored" for _, denominator, status in rows), rows


def test_an_agency_is_scored_only_in_periods_it_was_in_operation(built):
    con = built[4]
    out_of_operation = con.sql(
        "select s.period, s.unit_code from mart_service_index_766 s "
        "join dim_agency a on a.agency_code = s.unit_code "
        "where s.unit_type = 'agency' and s.period_type = 'year' "
        "and (a.valid_to < make_date(cast(s.period as integer), 1, 1) "
        "or a.valid_from > make_date(cast(s.period as integer), 12, 31))"
    ).fetchall()
    assert out_of_operation == []
    (old_departments,) = con.sql(
        "select count(*) from dim_agency where valid_to = date '2025-06-30' and level = 'province'"
    ).fetchall()[0]
    assert old_departments > 0  # the case the rule is about is in the sample
