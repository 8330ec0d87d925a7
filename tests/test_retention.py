"""Run history retention (assets/retention.py): old runs go, the runs holding what each asset
and partition is now stay."""

import contextlib
import datetime as dt
from pathlib import Path

import dagster as dg
import pytest

from assets import retention
from assets.definitions import defs
from assets.retention import prune_runs, retention_days

MONTHS = dg.StaticPartitionsDefinition(["2024-01", "2024-02"])


@dg.asset(partitions_def=MONTHS)
def staged() -> None:
    pass


@dg.asset
def table() -> None:
    pass


@dg.asset
def broken() -> None:
    raise ValueError("boom")


def _run(instance, assets, partition=None) -> str:
    result = dg.materialize(
        assets, instance=instance, partition_key=partition, raise_on_error=False
    )
    return result.run_id


def test_old_runs_go_except_those_holding_a_latest_materialisation(monkeypatch):
    with contextlib.ExitStack() as stack:
        _old_runs_go(monkeypatch, stack)


def _old_runs_go(monkeypatch, stack):
    monkeypatch.setattr(retention, "PAGE", 2)  # several pages, some wholly deleted
    instance = stack.enter_context(dg.instance_for_test())  # step logs on disk, as deployed
    january_first = _run(instance, [staged], "2024-01")
    january_again = _run(instance, [staged], "2024-01")  # supersedes the first
    february = _run(instance, [staged], "2024-02")  # the only one of its partition
    table_first, table_now = _run(instance, [table]), _run(instance, [table])
    failed = _run(instance, [broken])
    logs = Path(instance.compute_log_manager._base_dir)
    assert {p.name for p in logs.iterdir()} >= {january_first, failed}

    # ten days from now, with a retention of a week, every one of these runs is old
    pruned = prune_runs(instance, keep_days=7, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=10))

    assert set(pruned.deleted) == {january_first, table_first, failed}
    assert set(pruned.kept) == {january_again, february, table_now}
    assert {r.run_id for r in instance.get_runs()} == set(pruned.kept)
    logs = Path(instance.compute_log_manager._base_dir)
    assert {p.name for p in logs.iterdir()} == set(pruned.kept)  # step logs went with them
    # the events of a deleted run are gone; what the asset pages show is unchanged
    assert instance.all_logs(january_first) == []
    for partition, run in (("2024-01", january_again), ("2024-02", february)):
        latest = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey("staged"), asset_partitions=[partition]),
            limit=1,
        ).records[0]
        assert latest.run_id == run


def test_young_runs_are_never_deleted():
    instance = dg.DagsterInstance.ephemeral()
    runs = {_run(instance, [table]) for _ in range(2)} | {_run(instance, [broken])}
    assert prune_runs(instance, keep_days=1).deleted == []
    assert {r.run_id for r in instance.get_runs()} == runs


def test_the_job_and_its_nightly_schedule_are_in_the_code_location(monkeypatch):
    definitions = defs()
    schedule = definitions.resolve_schedule_def("prune_run_history_nightly")
    assert schedule.job_name == "prune_run_history"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    instance = dg.DagsterInstance.ephemeral()
    old = _run(instance, [broken])
    job = definitions.resolve_job_def("prune_run_history")
    # keep_days from the setting; a run 0 days old is young, so nothing goes
    monkeypatch.setenv("DANVAN_RUN_RETENTION_DAYS", "30")
    assert job.execute_in_process(instance=instance).success
    assert instance.get_run_by_id(old) is not None


@pytest.mark.parametrize("value", ["0", "-3", "ninety", "1.5"])
def test_a_retention_that_is_not_a_whole_number_of_days_is_refused(monkeypatch, value):
    monkeypatch.setenv("DANVAN_RUN_RETENTION_DAYS", value)
    with pytest.raises(ValueError, match="DANVAN_RUN_RETENTION_DAYS"):
        retention_days()
    job = defs().resolve_job_def("prune_run_history")
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    assert not result.success
