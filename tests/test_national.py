"""The national roll-up (warehouse/national.py, assets/national.py): 34 provinces × months,
each partition ingested by the province pipeline's code, checked on its own, rolled up by one
writer."""

import os

import dagster as dg
import duckdb
import pytest

from assets.national import (
    NATIONAL_PARTITIONS,
    NationalResource,
    check_names,
    national_dossier_monthly,
    national_key,
)
from assets.national_definitions import defs
from pipelines.national_bench import national_run
from tests.helpers import dossier_in_month, require_postgres, write_csv
from warehouse.national import NationalFolders, provinces

STAGING = national_key("dossiers")


def test_the_34_provinces_since_the_2025_reform():
    table = provinces()
    assert table.height == 34 and table["code"].n_unique() == 34
    codes = dict(zip(table["code"], table["name"], strict=True))
    # merged provinces take the code of the old province that hosts the seat
    assert codes["68"] == "Tỉnh Lâm Đồng" and codes["24"] == "Tỉnh Bắc Ninh"
    assert codes["91"] == "Tỉnh An Giang" and codes["79"] == "Thành phố Hồ Chí Minh"
    assert "27" not in codes and "60" not in codes  # old Bắc Ninh, old Bình Thuận
    keys = NATIONAL_PARTITIONS.get_partition_keys()
    assert "2025-07|68" in keys and len(keys) == 34 * len(
        NATIONAL_PARTITIONS.get_partitions_def_for_dimension("month").get_partition_keys()
    )


def _landing(root, rows_by_province: dict[str, dict[str, int]]):
    for province, months in rows_by_province.items():
        for month, rows in months.items():
            write_csv(
                root / f"national_landing/{province}/dossiers/ho_so_2024-{month}.csv",
                [dossier_in_month(f"P{province}M{month}N{n}", month) for n in range(rows)],
            )
    return NationalResource(landing_dir=str(root / "national_landing"), data_dir=str(root / "data"))


def _materialise(resource, instance, keys: list[str], assets=None):
    """A range run over `keys` (as a backfill makes it), or one partition."""
    tags = {}
    if len(keys) > 1:
        tags = {
            "dagster/asset_partition_range_start": keys[0],
            "dagster/asset_partition_range_end": keys[-1],
        }
    staging = defs().get_assets_def(STAGING)
    return dg.materialize(
        assets or [staging],
        instance=instance,
        resources={"national": resource},
        partition_key=keys[0] if len(keys) == 1 else None,
        tags=tags,
        raise_on_error=False,
    )


def _checks(instance, rule: str) -> dict[str, str]:
    key = dg.AssetCheckKey(dg.AssetKey(STAGING), check_names("dossiers")[rule])
    history = instance.event_log_storage.get_asset_check_execution_history(key, limit=100)
    return {r.partition: r.status.value for r in history}


def test_a_range_run_ingests_each_province_and_month_and_checks_each(tmp_path):
    resource = _landing(tmp_path, {"68": {"01": 3, "02": 2}, "75": {"01": 4, "02": 1}})
    instance = dg.DagsterInstance.ephemeral()
    # month Jan..Feb × province 68..75 (next to each other): 4 partitions in one run
    result = _materialise(resource, instance, ["2024-01|68", "2024-02|75"])
    assert result.success
    folders = NationalFolders(tmp_path / "national_landing", tmp_path / "data")
    for province, month, rows in (
        ("68", "01", 3),
        ("68", "02", 2),
        ("75", "01", 4),
        ("75", "02", 1),
    ):
        staged = folders.province_data(province).staging("dossiers", f"2024-{month}")
        assert duckdb.sql(f"select count(*) from '{staged}'").fetchall() == [(rows,)]
    partitions = {"2024-01|68", "2024-02|68", "2024-01|75", "2024-02|75"}
    assert _checks(instance, "readable") == dict.fromkeys(partitions, "SUCCEEDED")
    assert _checks(instance, "conservation") == dict.fromkeys(partitions, "SUCCEEDED")
    # each partition carries its own row count
    counts = {
        r.partition_key: r.asset_materialization.metadata["dagster/row_count"].value
        for r in instance.fetch_materializations(dg.AssetKey(STAGING), limit=10).records
    }
    assert counts == {"2024-01|68": 3, "2024-02|68": 2, "2024-01|75": 4, "2024-02|75": 1}


def test_a_rejected_file_fails_its_own_partition_only(tmp_path):
    resource = _landing(tmp_path, {"68": {"01": 2}, "75": {"01": 2}})
    broken = tmp_path / "national_landing/75/dossiers/ho_so_2024-01.csv"
    broken.write_text("this,is,not\na,dossier,export\n", encoding="utf-8")
    instance = dg.DagsterInstance.ephemeral()
    result = _materialise(resource, instance, ["2024-01|68", "2024-01|75"])
    assert not result.success  # the blocking check fails the run, so monitors see it
    assert _checks(instance, "readable") == {"2024-01|68": "SUCCEEDED", "2024-01|75": "FAILED"}
    key = dg.AssetCheckKey(dg.AssetKey(STAGING), check_names("dossiers")["readable"])
    failed = next(
        r
        for r in instance.event_log_storage.get_asset_check_execution_history(key, limit=10)
        if r.partition == "2024-01|75"
    )
    rejected = failed.evaluation.metadata["rejected_files"].value
    assert rejected[0]["file"] == "dossiers/ho_so_2024-01.csv" and rejected[0]["reason"]
    # the other province's month is staged all the same
    staged = NationalFolders(tmp_path / "national_landing", tmp_path / "data").province_data("68")
    assert staged.staging("dossiers", "2024-01").exists()


def test_one_partition_run_as_the_sensor_or_a_click_makes_it(tmp_path):
    resource = _landing(tmp_path, {"68": {"03": 2}})
    instance = dg.DagsterInstance.ephemeral()
    assert _materialise(resource, instance, ["2024-03|68"]).success
    assert _checks(instance, "conservation") == {"2024-03|68": "SUCCEEDED"}


def test_the_rollup_counts_every_province_and_month(tmp_path):
    resource = _landing(tmp_path, {"01": {"01": 3, "02": 2}, "04": {"01": 5}})
    instance = dg.DagsterInstance.ephemeral()
    assert _materialise(resource, instance, ["2024-01|01", "2024-02|04"]).success
    rollup = dg.materialize(
        [national_dossier_monthly], instance=instance, resources={"national": resource}
    )
    assert rollup.success
    folders = NationalFolders(tmp_path / "national_landing", tmp_path / "data")
    con = duckdb.connect(str(folders.rollup_db), read_only=True)
    rows = con.sql(
        "select province_code, province_name, period, dossiers, received, finished "
        "from national_dossier_monthly order by all"
    ).fetchall()
    comment = con.sql(
        "select comment from duckdb_tables() where table_name = 'national_dossier_monthly'"
    ).fetchall()[0][0]
    con.close()
    assert rows == [
        # codes stay text: Hà Nội is "01", not 1
        ("01", "Thành phố Hà Nội", "2024-01", 3, 3, 3),
        ("01", "Thành phố Hà Nội", "2024-02", 2, 2, 2),
        ("04", "Tỉnh Cao Bằng", "2024-01", 5, 5, 5),
    ]
    assert "national dossier roll-up" in comment


def test_the_rollup_says_when_nothing_is_staged(tmp_path):
    resource = NationalResource(landing_dir=str(tmp_path / "l"), data_dir=str(tmp_path / "d"))
    result = dg.materialize(
        [national_dossier_monthly],
        instance=dg.DagsterInstance.ephemeral(),
        resources={"national": resource},
        raise_on_error=False,
    )
    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data.error
    assert "no province has staged dossiers yet" in failure.message


@pytest.mark.slow
def test_a_national_backfill_runs_province_by_province_through_the_queue(tmp_path):
    """On PostgreSQL with the deploy/ services: one backfill over 2 provinces × 3 months
    becomes 2 runs (one per province), let go by the queue together, every partition checked;
    then the roll-up."""
    require_postgres()
    months = {"01": 3, "02": 2, "03": 1}
    _landing(tmp_path, {"01": months, "68": months})
    before = dict(os.environ)
    result = national_run(
        tmp_path / "national_landing",
        tmp_path / "run",
        ["01", "68"],
        list(f"2024-{m}" for m in months),
        max_runs=2,
    )
    # the session's environment is as it was (later tests would record into a stopped server)
    assert dict(os.environ) == before
    assert result["status"] == "COMPLETED_SUCCESS"
    assert sorted(r["partitions"] for r in result["runs"]) == [
        "province 01, 2024-01 … 2024-03",
        "province 68, 2024-01 … 2024-03",
    ]
    assert {r["status"] for r in result["runs"]} == {"SUCCESS"}
    assert result["most_at_once"] == 2  # the queue let both go at once (max_runs=2)
    assert result["checks"] == {
        check_names("dossiers")["readable"]: {"SUCCEEDED": 6},
        check_names("dossiers")["conservation"]: {"SUCCEEDED": 6},
    }
    assert result["rows_staged"] == 2 * 6
    assert result["rollup"]["status"] == "SUCCESS" and result["rollup"]["rows"] == 6
