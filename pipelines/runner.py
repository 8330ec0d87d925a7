"""`danvan run`: materialise every asset for every period in the landing folder, in-process.

Each source is one run over its range of periods (as a backfill runs it); a bad delivery is
rejected alone and the other periods still load. The landing inventory, the model and the
publish run last; they are skipped only when a partition failed for a reason other than a
rejected file (e.g. conservation).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import dagster as dg

from assets.definitions import ALL_ASSETS
from assets.names import LANDING_INVENTORY, staging_key
from assets.partitions import add_missing_partitions, key_ranges, not_yet_begun
from assets.progress import PROGRESS
from assets.resources import DanvanResource
from assets.staging_checks import PUBLISH_ANYWAY
from schemas.landing import discover
from schemas.registry import SOURCES
from warehouse.settings import Settings
from warehouse.tables import TABLE_NAMES

# the run prints its own lines (and the checks that failed): Dagster's console shows errors only
# (a failure's traceback is in the run's logs in the Dagster UI)
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass(frozen=True)
class FailedCheck:
    name: str
    partition: str | None
    severity: str  # ERROR or WARN
    blocking: bool  # failed blocking at ERROR: the run fails (exit 1)
    description: str

    def __str__(self) -> str:
        return f"{self.name}[{self.partition}]" if self.partition else self.name


@dataclass
class RunSummary:
    files: dict[str, int] = field(default_factory=dict)  # status → count
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    failures: list[str] = field(default_factory=list)
    failed_checks: list[FailedCheck] = field(default_factory=list)
    published: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures and self.published is not None


def _failure_messages(result: dg.ExecuteInProcessResult) -> list[tuple[str, str]]:
    """(kind, message) of each failed step, the message naming file and reason. A step failed
    by its blocking checks is told by the checks (`_failed_checks`), not here."""
    found = []
    for event in result.get_step_failure_events():
        data = event.step_failure_data
        kind = "error"
        if data.user_failure_data is not None:
            meta = data.user_failure_data.metadata or {}
            kind = getattr(meta.get("kind"), "value", "error")
            message = data.user_failure_data.description or ""
        elif data.error is not None and data.error.cls_name == "DagsterAssetCheckFailedError":
            continue
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


def _failed_checks(result: dg.ExecuteInProcessResult) -> list[FailedCheck]:
    return [
        FailedCheck(
            e.check_name,
            e.partition,
            e.severity.value,
            bool(e.blocking) and e.severity == dg.AssetCheckSeverity.ERROR,
            e.description or "",
        )
        for e in result.get_asset_check_evaluations()
        if not e.passed
    ]


def _stops_publish(check: FailedCheck) -> bool:
    """A failed blocking check whose data must not be published (the rows of a period are not
    whole); a rejected file or a mostly quarantined period is named and the rest published."""
    return check.blocking and not any(check.name.endswith(f"_{r}") for r in PUBLISH_ANYWAY)


def run_pipeline(
    settings: Settings,
    echo: Callable[[str], None] = print,
    rebuild: bool = False,
    instance: dg.DagsterInstance | None = None,
) -> RunSummary:
    """`rebuild`: every table rebuilt whole, even where its inputs did not change. `instance`:
    where the runs are recorded (the one `make ui` shows); none: a throw-away instance."""
    with _progress_to(echo):
        return _run(settings, echo, rebuild, instance or dg.DagsterInstance.ephemeral())


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


def _run(settings: Settings, echo, rebuild: bool, instance: dg.DagsterInstance) -> RunSummary:
    started = time.perf_counter()
    summary = RunSummary()
    resource = DanvanResource(
        landing_dir=str(settings.landing_dir), data_dir=str(settings.data_dir), rebuild=rebuild
    )
    resources = {"danvan": resource}
    deliveries, unmatched = discover(settings.landing_dir, SOURCES.values())
    for item in unmatched:
        echo(f"  ! {item.name}: {item.reason} (recorded in load_audit as rejected)")
    if not deliveries and not unmatched:  # a landing folder not mounted looks like this too
        echo(f"  ! no files in {settings.landing_dir}: the tables hold what earlier runs staged")
    blocking = False
    for number, spec in enumerate(SOURCES.values(), start=1):
        periods = []
        for period in sorted({d.period for d in deliveries if d.source == spec.name}):
            reason = not_yet_begun(spec, period)
            if reason:
                summary.failures.append(f"{spec.name}: {reason}")
            else:
                periods.append(period)
        if not periods:
            echo(f"[ingest {number}/{len(SOURCES)}] {spec.name}: no files")
            continue
        add_missing_partitions(spec, periods, instance)
        step_started = time.perf_counter()
        echo(
            f"[ingest {number}/{len(SOURCES)}] {spec.name}: {len(periods)} period(s) "
            f"{periods[0]} … {periods[-1]}"
        )
        success = True
        # one run per range of partitions (the asset's backfill policy), as a backfill does it
        for first, last in key_ranges(spec, periods, instance):
            result = dg.materialize(
                ALL_ASSETS,
                selection=[staging_key(spec.name)],
                instance=instance,
                resources=resources,
                run_config=QUIET,
                tags={
                    "dagster/asset_partition_range_start": first,
                    "dagster/asset_partition_range_end": last,
                },
                raise_on_error=False,
            )
            success = success and result.success
            for kind, message in _failure_messages(result):
                summary.failures.append(message)
                blocking = blocking or kind != "rejected_file"
            for check in _failed_checks(result):
                echo(f"  ! check {check} did not pass: {check.description}")
                summary.failed_checks.append(check)
                if check.blocking:
                    summary.failures.append(check.description)
                    blocking = blocking or _stops_publish(check)
        mark = "ok" if success else "FAILED"
        echo(f"    {spec.name}: {mark} ({time.perf_counter() - step_started:.1f} s)")
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
    failed = _failed_checks(result)
    echo(f"[checks] {len(evaluations) - len(failed)} passed, {len(failed)} failed")
    summary.failed_checks.extend(failed)
    for check in failed:
        if check.blocking:
            summary.failures.append(check.description)
        echo(f"  ! check {check} did not pass: {check.description}")
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
        lines.append("failed checks: " + ", ".join(str(c) for c in summary.failed_checks))
    if summary.failures:
        lines.append("errors:")
        lines.extend(f"  - {f}" for f in summary.failures)
    return "\n".join(lines)
