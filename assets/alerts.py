"""Alerts: a sensor that tells the sinks of assets/alert_sinks.py when a run fails and when a
check fails. A check is told when it starts failing (on a partition: for that partition), not
again on every run while it stays failed; a failed run is always told."""

from __future__ import annotations

import datetime as dt
import json
import os

import dagster as dg
from dagster._core.event_api import PartitionKeyFilter

from assets.alert_sinks import Sinks, send
from assets.resources import DanvanResource

ENDED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE]
EVALUATED = {"SUCCEEDED", "FAILED"}


def _numbers(metadata: dict) -> dict:
    """The check's counts and rates (what plots): the alert carries no tables or free text."""
    found = {}
    for name, value in metadata.items():
        value = getattr(value, "value", value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            found[name] = value
    return found


def _started_failing(instance, evaluation, run_id: str) -> bool:
    """Whether this run's failure is news: the check's previous result on the same partition
    passed, failed less severely, or there was none."""
    key = dg.AssetCheckKey(evaluation.asset_key, evaluation.check_name)
    history = instance.event_log_storage.get_asset_check_execution_history(
        key, limit=20, partition_filter=PartitionKeyFilter(key=evaluation.partition)
    )  # newest first
    mine = next((i for i, r in enumerate(history) if r.run_id == run_id), -1)
    previous = next((r for r in history[mine + 1 :] if r.status.value in EVALUATED), None)
    if previous is None or previous.status.value != "FAILED" or previous.event is None:
        return True
    earlier = previous.event.dagster_event.asset_check_evaluation_data
    return earlier.severity != evaluation.severity


def _ui_link(run_id: str) -> str:
    base = os.environ.get("DANVAN_UI_URL", "http://127.0.0.1:3000").rstrip("/")
    return f"{base}/runs/{run_id}"


def _error_text(error) -> str:
    """The asset's own exception, not Dagster's wrapper around it (which says only where)."""
    while error.cause is not None and error.cls_name.startswith("Dagster"):
        error = error.cause
    return error.message.strip().splitlines()[0]


def _why_failed(instance, run_id: str, failed_checks: list) -> str:
    reasons = []
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        data = entry.dagster_event.step_failure_data
        if data.error is not None and data.error.cls_name == "DagsterAssetCheckFailedError":
            continue  # said by its checks, below
        user = data.user_failure_data
        text = user.description if user and user.description else None
        reasons.append(f"{entry.step_key}: {text or _error_text(data.error)}")
    for e in failed_checks:
        if e.severity == dg.AssetCheckSeverity.ERROR:
            where = f" [{e.partition}]" if e.partition else ""
            reasons.append(f"blocking check {e.check_name}{where} failed: {e.description}")
    return "; ".join(reasons) or "the run failed (see its logs)"


def alerts_for_run(instance: dg.DagsterInstance, record) -> list[dict]:
    run = record.dagster_run
    ended = _utc(record.update_timestamp).isoformat(timespec="seconds")
    common = {"run_id": run.run_id, "job": run.job_name, "time": ended, "ui": _ui_link(run.run_id)}
    failed = [
        entry.dagster_event.asset_check_evaluation_data
        for entry in instance.all_logs(
            run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        )
        if not entry.dagster_event.asset_check_evaluation_data.passed
    ]
    found = []
    if run.status == dg.DagsterRunStatus.FAILURE:
        what = ""
        if "danvan/period" in run.tags:
            what = f" ({run.tags['danvan/source']} {run.tags['danvan/period']})"
        found.append(
            {
                "kind": "run_failed",
                "severity": "ERROR",
                "summary": f"run of {run.job_name} failed{what}",
                "description": _why_failed(instance, run.run_id, failed),
                **common,
            }
        )
    for evaluation in failed:
        if not _started_failing(instance, evaluation, run.run_id):
            continue
        where = f" [{evaluation.partition}]" if evaluation.partition else ""
        found.append(
            {
                "kind": "check_failed",
                "severity": evaluation.severity.value,
                "summary": f"check {evaluation.check_name}{where} failed "
                f"({evaluation.severity.value})",
                "asset": evaluation.asset_key.to_user_string(),
                "check": evaluation.check_name,
                "partition": evaluation.partition,
                "description": evaluation.description or "",
                "numbers": _numbers(evaluation.metadata or {}),
                **common,
            }
        )
    return found


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@dg.sensor(
    name="alerts",
    description="Tells the alert sinks (a log file; e-mail and a webhook when configured: "
    "docs/settings.md) about every failed run and every check that starts failing.",
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def alert_sensor(context: dg.SensorEvaluationContext, danvan: DanvanResource):
    now = dt.datetime.now(dt.UTC)
    if not context.cursor:  # the first tick: history is in the UI, alerts start from now
        context.update_cursor(json.dumps({"after": now.isoformat(), "seen": []}))
        return dg.SkipReason("alerts start with the runs that end from now on")
    cursor = json.loads(context.cursor)
    after = _utc(dt.datetime.fromisoformat(cursor["after"]))
    seen = set(cursor["seen"])  # runs ended at exactly `after`, already told
    records = context.instance.get_run_records(
        filters=dg.RunsFilter(statuses=ENDED, updated_after=after - dt.timedelta(seconds=1)),
        order_by="update_timestamp",
        ascending=True,
        limit=50,
    )
    alerts = []
    for record in records:
        ended = _utc(record.update_timestamp)
        if record.dagster_run.run_id in seen or ended < after:
            continue
        alerts.extend(alerts_for_run(context.instance, record))
        if ended > after:
            after, seen = ended, set()
        seen.add(record.dagster_run.run_id)
    sinks = Sinks.from_env(danvan.paths.root)
    problems = send(alerts, sinks)
    for problem in problems:
        context.log.warning(f"an alert could not be delivered: {problem}")
    context.update_cursor(json.dumps({"after": after.isoformat(), "seen": sorted(seen)}))
    if not alerts:
        return dg.SkipReason("no failed run, no check that started failing")
    context.log.info(f"{len(alerts)} alert(s) sent to {sinks.describe()}")
    return None
