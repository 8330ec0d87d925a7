"""What a monitor reads in Dagster: check results per partition on the materialisation they
judge, numbers that plot, reasons as tables, table violations in rows, GX samples said, the
re-delivery check, partitions from the data present, automation after new staging."""

import datetime as dt

import dagster as dg
import duckdb
import pytest

from assets.definitions import ALL_ASSETS, defs
from assets.model import _judge
from assets.partitions import key_ranges, not_yet_begun
from assets.resources import DanvanResource
from schemas.registry import SOURCES
from tests.helpers import dossier_in_month, write_csv
from warehouse.tables import TABLES

STAGING = dg.AssetKey("staging_dossiers")


def _key(rule: str) -> dg.AssetCheckKey:
    return dg.AssetCheckKey(STAGING, f"staging_dossiers_{rule}")


def _month(landing, month: str, good: int, bad: int = 0, name: str = ""):
    rows = [dossier_in_month(f"H{month}-{i}", month) for i in range(good)]
    rows += [
        dossier_in_month(f"B{month}-{i}", month, received_at=f"31/02/2024 0{i % 9}:00")
        for i in range(bad)
    ]
    return write_csv(landing / f"dossiers/{name or f'ho_so_2024-{month}'}.csv", rows)


class Warehouse:
    """A landing folder, a data folder and one instance, staged through Dagster."""

    def __init__(self, root):
        self.landing = root / "landing"
        self.resource = DanvanResource(landing_dir=str(self.landing), data_dir=str(root / "data"))
        self.instance = dg.DagsterInstance.ephemeral()

    def stage(self, first: str, last: str | None = None, selection=("staging_dossiers",)):
        months = [f"2024-{m:02d}" for m in range(int(first[-2:]), int((last or first)[-2:]) + 1)]
        known = set(self.instance.get_dynamic_partitions("dossiers_periods"))
        self.instance.add_dynamic_partitions("dossiers_periods", sorted(set(months) - known))
        tags = {}
        if last:
            tags = {
                "dagster/asset_partition_range_start": first,
                "dagster/asset_partition_range_end": last,
            }
        return dg.materialize(
            ALL_ASSETS,
            selection=list(selection),
            partition_key=None if last else first,
            tags=tags,
            instance=self.instance,
            resources={"danvan": self.resource},
            raise_on_error=False,
        )

    def status(self, rule: str) -> dict[str, tuple[str, bool]]:
        """What the UI shows per partition: the latest status and whether it judges the
        partition's latest materialisation."""
        infos = self.instance.event_log_storage.get_asset_check_partition_info([_key(rule)])
        return {i.partition_key: (i.latest_execution_status.value, i.is_current) for i in infos}


def test_a_range_run_judges_each_partition_on_its_own_materialisation(tmp_path):
    w = Warehouse(tmp_path)
    _month(w.landing, "01", 10)
    _month(w.landing, "02", 4, bad=6)  # 60 % quarantined: mostly lost
    _month(w.landing, "03", 10)
    result = w.stage("2024-01", "2024-03")
    assert not result.success  # the blocking failure fails the run …
    assert w.status("quarantine_rate") == {
        "2024-01": ("SUCCEEDED", True),
        "2024-02": ("FAILED", True),  # … on February only, against February's materialisation
        "2024-03": ("SUCCEEDED", True),
    }
    assert w.status("readable") == {
        p: ("SUCCEEDED", True) for p in ("2024-01", "2024-02", "2024-03")
    }
    # each partition has its own numbers, which plot
    events = {
        m.partition: m.metadata for m in result.asset_materializations_for_node("staging_dossiers")
    }
    assert {p: m["rows_read"].value for p, m in events.items()} == {
        "2024-01": 10,
        "2024-02": 10,
        "2024-03": 10,
    }
    assert events["2024-02"]["quarantine_rate"].value == 0.6
    failed = next(
        e for e in result.get_asset_check_evaluations() if not e.passed and e.partition == "2024-02"
    )
    assert failed.severity == dg.AssetCheckSeverity.ERROR
    assert "dossiers/ho_so_2024-02.csv: 6 of 10 rows quarantined (60.0%, above 50%)" in (
        failed.description
    )
    assert "6 × Ngày tiếp nhận: the cell is not a date" in failed.description
    assert isinstance(failed.metadata["quarantine_rate"], dg.FloatMetadataValue)
    assert isinstance(failed.metadata["rows_quarantined"], dg.IntMetadataValue)
    (reason,) = [r.data for r in failed.metadata["reasons"].value.records]
    assert reason["rows"] == 6 and reason["row_numbers"] == "6, 7, 8, 9, 10, …"

    # a later run of March alone leaves February's failure where it is
    w.stage("2024-03")
    assert w.status("quarantine_rate")["2024-02"] == ("FAILED", True)
    assert w.status("quarantine_rate")["2024-03"] == ("SUCCEEDED", True)


def test_a_failed_ingest_check_shows_failed_not_unevaluated(tmp_path):
    w = Warehouse(tmp_path)
    _month(w.landing, "01", 5)
    assert w.stage("2024-01").success
    bad = w.landing / "dossiers/ho_so_2024-01__20250110090000.csv"
    bad.write_text("Mã hồ sơ,Mã TTHC\nH1,1.1\n", encoding="utf-8")  # a column is missing
    result = w.stage("2024-01")
    assert not result.success
    assert w.status("readable") == {"2024-01": ("FAILED", True)}
    # the earlier delivery stands, and the other checks judge what the period now holds
    assert w.status("conservation") == {"2024-01": ("SUCCEEDED", True)}


def test_a_redelivery_that_removes_rows_is_flagged(tmp_path):
    w = Warehouse(tmp_path)
    _month(w.landing, "05", 200)
    first = w.stage("2024-05")
    (check,) = [
        e for e in first.get_asset_check_evaluations() if e.check_name.endswith("redelivery")
    ]
    assert check.passed and "nothing was staged before" in check.description
    # the re-export: 20 rows gone, 3 changed, 5 new
    rows = [dossier_in_month(f"H05-{i}", "05") for i in range(20, 200)]
    for row in rows[:3]:
        row["status_code"] = "4"
    rows += [dossier_in_month(f"N05-{i}", "05") for i in range(5)]
    write_csv(w.landing / "dossiers/ho_so_2024-05__20250110090000.csv", rows)
    second = w.stage("2024-05")
    assert second.success  # a warning: it does not block
    (check,) = [
        e for e in second.get_asset_check_evaluations() if e.check_name.endswith("redelivery")
    ]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    numbers = {k: v.value for k, v in check.metadata.items() if k.startswith("rows_")}
    assert numbers == {
        "rows_before": 200,
        "rows_after": 185,
        "rows_removed": 20,
        "rows_changed": 3,
        "rows_added": 5,
        "rows_changed_share": 0.115,
    }
    assert check.description == (
        "dossiers 2024-05: dossiers/ho_so_2024-05__20250110090000.csv replaces "
        "dossiers/ho_so_2024-05.csv: 20 of 200 staged rows removed, 3 changed, 5 added "
        "(11.5% removed or changed)"
    )
    # the same files again: nothing to compare
    third = w.stage("2024-05")
    (check,) = [
        e for e in third.get_asset_check_evaluations() if e.check_name.endswith("redelivery")
    ]
    assert check.passed and "its files had not changed" in check.description


def test_table_check_violations_count_rows_not_groups():
    con = duckdb.connect()
    con.execute(
        "create table fact_dossier as select 'D' || range as dossier_code, "
        "'9.999999' as procedure_code, false as procedure_known, true as agency_known, "
        "'H36.60.02' as agency_code, '60' as admin_unit_code, "
        "timestamp '2024-01-05' as received_at "
        "from range(20)"
    )
    con.execute(
        "create table dim_admin_unit as select '60' as code, "
        "date '2000-01-01' as valid_from, date '2100-01-01' as valid_to"
    )
    con.execute(
        "create table dim_agency as select 'H36.60.02' as agency_code, "
        "cast(null as date) as valid_from, date '2025-06-30' as valid_to"
    )
    table = next(t for t in TABLES if t.name == "fact_dossier")
    results = {r.check_name: r for r in _judge(con, table)}
    catalogue = results["fact_dossier_procedure_in_catalogue"]
    assert not catalogue.passed
    assert catalogue.metadata["violations"].value == 20 and catalogue.metadata["groups"].value == 1
    assert catalogue.description.startswith("fact_dossier: 20 row(s) break the rule (1 group(s))")
    assert results["fact_dossier_one_row_per_dossier"].passed


def test_every_check_has_a_description():
    graph = defs().resolve_asset_graph()
    for key in graph.asset_check_keys:
        assert graph.get(key).description, key


def test_partitions_are_the_periods_present_not_a_calendar(tmp_path):
    instance = dg.DagsterInstance.ephemeral()
    spec = SOURCES["dossiers"]
    instance.add_dynamic_partitions("dossiers_periods", ["2024-01", "2024-02", "2024-04"])
    instance.add_dynamic_partitions("dossiers_periods", ["2023-12"])  # arrived late
    # a range follows the order the keys were added in: one run covers them all …
    assert key_ranges(spec, ["2024-01", "2024-02", "2024-04", "2023-12"], instance) == [
        ("2024-01", "2023-12"),
    ]
    # … and a range never takes a period that was not asked for
    assert key_ranges(spec, ["2024-02", "2023-12"], instance) == [
        ("2024-02", "2024-02"),
        ("2023-12", "2023-12"),
    ]
    assert key_ranges(spec, ["2024-01", "2024-04"], instance) == [
        ("2024-01", "2024-01"),
        ("2024-04", "2024-04"),
    ]
    today = dt.date(2026, 12, 2)
    assert not_yet_begun(spec, "2026-12", today) is None  # the open month can be delivered
    assert "has not begun" in not_yet_begun(spec, "2027-01", today)
    assert "has not begun" in not_yet_begun(SOURCES["engagement"], "2027-Q1", today)
    assert not_yet_begun(SOURCES["procedures"], "2026-12-02", today) is None


def _gx_table(con, rows: int):
    con.execute(
        f"create or replace table mart_province_scorecard as select range as year, "
        f"'c' || range as indicator_code, 'v' as name_vi, 'e' as name_en, 'u' as unit "
        f"from range({rows})"
    )


@pytest.mark.slow  # GX
def test_a_gx_suite_on_a_sample_says_so_and_counts_the_whole_table(tmp_path, monkeypatch):
    from warehouse import expectations

    monkeypatch.setattr(expectations, "SAMPLE_ROWS", 100)
    con = duckdb.connect()
    _gx_table(con, 1000)
    (result,), _ = expectations.validate_published(
        con, ["mart_province_scorecard"], tmp_path / "results.json"
    )
    assert result.sampled and (result.rows_in_table, result.rows_validated) == (1000, 100)
    count = next(e for e in result.expectations if "row_count" in e["expectation"])
    assert count["observed"] == "1000" and count["on"] == "whole table"
    assert {e["on"] for e in result.expectations if e is not count} == {"sample of 100 rows"}
    _gx_table(con, 50)
    (small,), _ = expectations.validate_published(
        con, ["mart_province_scorecard"], tmp_path / "results.json"
    )
    assert not small.sampled and {e["on"] for e in small.expectations} == {"whole table"}


@pytest.fixture
def automation(tmp_path):
    """The definitions' automation conditions evaluated tick by tick on one instance."""

    class Ticks:
        def __init__(self):
            self.w = Warehouse(tmp_path)
            self.defs = defs()
            self.cursor = None

        def tick(self) -> set[str]:
            result = dg.evaluate_automation_conditions(
                defs=self.defs, instance=self.w.instance, cursor=self.cursor
            )
            self.cursor = result.cursor
            return {
                key.to_user_string()
                for key in self.defs.resolve_asset_graph().get_all_asset_keys()
                if result.get_num_requested(key)
            }

    return Ticks()


@pytest.mark.slow
def test_tables_follow_new_staging_by_themselves(automation):
    w = automation.w
    _month(w.landing, "01", 5)
    assert automation.tick() == set()  # the first evaluation sets a baseline
    assert w.stage("2024-01").success
    requested = automation.tick()
    assert {"fact_dossier", "mart_dossier_monthly", "reporting_db", "yearly_report"} <= requested
    assert not any(key.startswith("staging_") for key in requested)
    assert "fact_welfare_activity" not in requested  # reads nothing that changed
    assert automation.tick() == set()  # handled: not asked again


def test_a_rejected_file_does_not_hold_the_tables_but_lost_rows_do(automation, monkeypatch):
    import assets.ingest

    w = automation.w
    _month(w.landing, "01", 5)
    automation.tick()
    bad = w.landing / "dossiers/ho_so_2024-02.csv"
    bad.write_text("Mã hồ sơ,Mã TTHC\nH1,1.1\n", encoding="utf-8")
    assert not w.stage("2024-01", "2024-02").success  # February's file is rejected
    assert "fact_dossier" in automation.tick()  # the rest is still built and published
    assert automation.tick() == set()
    # rows lost between reading and writing: nothing downstream is rebuilt on them …
    recount = assets.ingest.recount
    monkeypatch.setattr(assets.ingest, "recount", lambda *a: ["rows went missing"])
    assert not w.stage("2024-01").success
    assert w.status("conservation")["2024-01"] == ("FAILED", True)
    assert "fact_dossier" not in automation.tick()
    # … until the period is whole again
    monkeypatch.setattr(assets.ingest, "recount", recount)
    assert w.stage("2024-01").success
    assert w.status("conservation")["2024-01"] == ("SUCCEEDED", True)
    assert "fact_dossier" in automation.tick()
