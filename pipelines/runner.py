"""`danvan run`: materialise every asset for every period in the landing folder, in-process.

Each source is one run over its range of periods (as a backfill runs it); a bad delivery is
rejected alone and the other periods still load. The landing inventory, the model and the
publish run last; they are skipped only when a partition failed for a reason other than a
rejected file (e.g. conservation).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import dagster as dg

from assets.definitions import ALL_ASSETS
from assets.names import LANDING_INVENTORY, staging_key
from assets.partitions import dynamic_name, partitions_for
from assets.progress import PROGRESS
from assets.resources import DanvanResource
from schemas.landing import discover
from schemas.registry import SOURCES
from warehouse.settings import Settings
from warehouse.tables import TABLE_NAMES

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass
class RunSummary:
    files: dict[str, int] = field(default_factory=dict)  # status → count
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    failures: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)  # warnings: the run still publishes
    published: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures and self.published is not None


def _instance() -> dg.DagsterInstance:
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()  # runs show up in `make ui`
    return dg.DagsterInstance.ephemeral()


def _failure_messages(result: dg.ExecuteInProcessResult) -> list[tuple[str, str]]:
    """(kind, message) of each failed step, the message naming file and reason."""
    found = []
    for event in result.get_step_failure_events():
        data = event.step_failure_data
        kind = "error"
        if data.user_failure_data is not None:
            meta = data.user_failure_data.metadata or {}
            kind = getattr(meta.get("kind"), "value", "error")
            message = data.user_failure_data.description or ""
        else:
            message = f"{event.step_key}: {_error_text(data.error)}"
        found.append((kind, message))
    return found


def _error_text(error) -> str:
    """What went wrong, said by the asset's own exception: Dagster's wrapper around it only
    says in which step (`Error occurred while executing op …`)."""
    if error is None:
        return "unknown error"
    while error.cause is not None and error.cls_name.startswith("Dagster"):
        error = error.cause
    return error.message.strip()


def run_pipeline(
    settings: Settings, echo: Callable[[str], None] = print, rebuild: bool = False
) -> RunSummary:
    """`rebuild`: every table rebuilt whole, even where its inputs did not change."""
    with _progress_to(echo):
        return _run(settings, echo, rebuild)


@contextmanager
def _progress_to(echo: Callable[[str], None]) -> Iterator[None]:
    """The assets' progress lines (assets/progress.py) echoed as they come, indented."""

    class Echo(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            echo("    " + record.getMessage())

    handler = Echo()
    level, propagate = PROGRESS.level, PROGRESS.propagate
    PROGRESS.addHandler(handler)
    PROGRESS.setLevel(logging.INFO)
    PROGRESS.propagate = False
    try:
        yield
    finally:
        PROGRESS.removeHandler(handler)
        PROGRESS.setLevel(level)
        PROGRESS.propagate = propagate


def _run(settings: Settings, echo: Callable[[str], None], rebuild: bool) -> RunSummary:
    started = time.perf_counter()
    summary = RunSummary()
    resource = DanvanResource(
        landing_dir=str(settings.landing_dir), data_dir=str(settings.data_dir), rebuild=rebuild
    )
    resources = {"danvan": resource}
    instance = _instance()
    deliveries, unmatched = discover(settings.landing_dir, SOURCES.values())
    for item in unmatched:
        echo(f"  ! {item.path.name}: {item.reason} (recorded in load_audit as rejected)")
    if not deliveries and not unmatched:  # a landing folder not mounted looks like this too
        echo(f"  ! no files in {settings.landing_dir}: the tables hold what earlier runs staged")
    blocking = False
    for number, spec in enumerate(SOURCES.values(), start=1):
        periods = sorted({d.period for d in deliveries if d.source == spec.name})
        if spec.period_kind == "date":
            instance.add_dynamic_partitions(dynamic_name(spec), periods)
        valid = partitions_for(spec).get_partition_keys(dynamic_partitions_store=instance)
        for period in [p for p in periods if p not in valid]:
            summary.failures.append(f"{spec.name} {period}: period outside 2021–2030, not loaded")
        periods = [p for p in periods if p in valid]
        if not periods:
            echo(f"[ingest {number}/{len(SOURCES)}] {spec.name}: no files")
            continue
        # one run over the range (the asset's backfill policy), as a backfill would do it
        step_started = time.perf_counter()
        echo(
            f"[ingest {number}/{len(SOURCES)}] {spec.name}: {len(periods)} period(s) "
            f"{periods[0]} … {periods[-1]}"
        )
        result = dg.materialize(
            ALL_ASSETS,
            selection=[staging_key(spec.name)],
            instance=instance,
            resources=resources,
            run_config=QUIET,
            tags={
                "dagster/asset_partition_range_start": periods[0],
                "dagster/asset_partition_range_end": periods[-1],
            },
            raise_on_error=False,
        )
        mark = "ok" if result.success else "FAILED"
        echo(f"    {spec.name}: {mark} ({time.perf_counter() - step_started:.1f} s)")
        for kind, message in _failure_messages(result):
            summary.failures.append(message)
            blocking = blocking or kind != "rejected_file"
    if blocking:
        echo("! ingest failed (not a rejected file): nothing was rebuilt or published")
    else:
        _model_and_publish(resources, instance, summary, echo)
    _count(resource, summary)
    summary.seconds = time.perf_counter() - started
    return summary


def _model_and_publish(resources, instance, summary: RunSummary, echo) -> None:
    step_started = time.perf_counter()
    echo(f"[model] building {len(TABLE_NAMES)} tables and publishing …")
    result = dg.materialize(
        ALL_ASSETS,
        selection=[LANDING_INVENTORY, *TABLE_NAMES, "reporting_db", "yearly_report"],
        instance=instance,
        resources=resources,
        run_config=QUIET,
        raise_on_error=False,
    )
    for _, message in _failure_messages(result):
        summary.failures.append(message)
    evaluations = result.get_asset_check_evaluations()
    failed = [e.check_name for e in evaluations if not e.passed]
    echo(f"[checks] {len(evaluations) - len(failed)} passed, {len(failed)} failed")
    summary.failed_checks = failed
    for name in failed:
        echo(f"  ! check {name} did not pass (details in its metadata in the Dagster UI)")
    if result.success:
        summary.published = str(resources["danvan"].paths.reporting_db)
    status = "done" if result.success else "FAILED"
    echo(f"[model] {status} ({time.perf_counter() - step_started:.1f} s)")


def _count(resource: DanvanResource, summary: RunSummary) -> None:
    for path in sorted(resource.paths.root.glob("audit/*/*.json")):
        for record in json.loads(path.read_text("utf-8")):
            summary.files[record["status"]] = summary.files.get(record["status"], 0) + 1
            if record["status"] == "loaded":
                summary.rows_loaded += record["rows_loaded"]
                summary.rows_quarantined += record["rows_quarantined"]
                summary.rows_duplicate += record["rows_duplicate"]


def format_summary(summary: RunSummary) -> str:
    files = ", ".join(f"{n} {status}" for status, n in sorted(summary.files.items())) or "none"
    lines = [
        f"files: {files}",
        f"rows: {summary.rows_loaded:,} loaded, {summary.rows_quarantined:,} quarantined, "
        f"{summary.rows_duplicate:,} duplicates dropped",
        f"published: {summary.published or 'nothing (see errors above)'}",
        f"time: {summary.seconds:.1f} s",
    ]
    if summary.failed_checks:
        lines.append("failed checks: " + ", ".join(summary.failed_checks))
    if summary.failures:
        lines.append("errors:")
        lines.extend(f"  - {f}" for f in summary.failures)
    return "\n".join(lines)
