"""Run history retention. Dagster keeps every run and its events until they are deleted, and its
instance settings only expire sensor and schedule ticks; so a nightly job deletes the finished
runs older than DANVAN_RUN_RETENTION_DAYS (default 90), except a run that holds the latest
materialisation of an asset or of one of its partitions: the UI keeps showing when, by which
run and with which metadata each table and each period was last written."""

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import dagster as dg

RETENTION_SETTING = "DANVAN_RUN_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90
PAGE = 500
FINISHED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]


def retention_days() -> int:
    text = os.environ.get(RETENTION_SETTING, str(DEFAULT_RETENTION_DAYS)).strip()
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{RETENTION_SETTING} must be a whole number of days ≥ 1, got {text!r}")
    return int(text)


@dataclass
class Pruned:
    deleted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # old, but holding a latest materialisation


def _holds_a_latest_materialisation(instance: dg.DagsterInstance, run_id: str) -> bool:
    events = instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
    ).records
    # by run id, not storage id: a run-sharded SQLite instance (`make ui`) numbers a run's own
    # events apart from its asset index
    for key, partition in {(e.asset_key, e.partition_key) for e in events}:
        latest = instance.fetch_materializations(
            dg.AssetRecordsFilter(
                asset_key=key, asset_partitions=[partition] if partition else None
            ),
            limit=1,
        ).records
        if latest and latest[0].run_id == run_id:
            return True
    return False


def _delete_step_logs(instance: dg.DagsterInstance, run_id: str) -> None:
    """The run's captured stdout/stderr (under $DAGSTER_HOME/storage/<run id>/ by default),
    which deleting the run leaves behind."""
    try:
        instance.compute_log_manager.delete_logs(prefix=[run_id])
    except NotImplementedError:
        pass  # a log manager that cannot delete (or keeps nothing)


def prune_runs(
    instance: dg.DagsterInstance,
    keep_days: int,
    now: dt.datetime | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> Pruned:
    """Delete the finished runs created more than `keep_days` before `now`, with their events,
    except those holding a latest materialisation."""
    now = now or dt.datetime.now(dt.UTC)
    cutoff = now - dt.timedelta(days=keep_days)
    old = dg.RunsFilter(statuses=FINISHED, created_before=cutoff)
    pruned, after = Pruned(), None  # paging resumes after the last kept run: deleted ones are gone
    while True:
        page = instance.get_run_records(filters=old, limit=PAGE, ascending=True, cursor=after)
        for record in page:
            run_id = record.dagster_run.run_id
            if _holds_a_latest_materialisation(instance, run_id):
                pruned.kept.append(run_id)
                after = run_id
            else:
                instance.delete_run(run_id)
                _delete_step_logs(instance, run_id)
                pruned.deleted.append(run_id)
        if len(page) < PAGE:
            break
        log(f"{len(pruned.deleted):,} runs deleted so far")
    return pruned


class PruneConfig(dg.Config):
    keep_days: int = 0  # 0: DANVAN_RUN_RETENTION_DAYS


@dg.op(
    description="Deletes finished runs older than the retention, keeping those that hold "
    "the latest materialisation of an asset or partition."
)
def prune_old_runs(context: dg.OpExecutionContext, config: PruneConfig) -> None:
    try:
        days = config.keep_days or retention_days()
    except ValueError as error:
        raise dg.Failure(description=str(error)) from None
    pruned = prune_runs(context.instance, days, log=context.log.info)
    context.log.info(
        f"deleted {len(pruned.deleted):,} finished runs older than {days} days; kept "
        f"{len(pruned.kept):,} of them holding the latest materialisation of an asset or partition"
    )
    context.add_output_metadata({"deleted": len(pruned.deleted), "kept": len(pruned.kept)})


@dg.job(
    name="prune_run_history",
    description="Deletes finished runs older than DANVAN_RUN_RETENTION_DAYS (90) with their "
    "events, keeping every run that holds the latest materialisation of an asset or partition.",
)
def prune_run_history():
    prune_old_runs()


prune_nightly = dg.ScheduleDefinition(
    name="prune_run_history_nightly",
    job=prune_run_history,
    cron_schedule="30 3 * * *",
    execution_timezone="Asia/Ho_Chi_Minh",
    # housekeeping of the deployment, on from the start (the UI can still turn it off)
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 03:30 (Vietnam time), after the refresh: old run history goes.",
)
