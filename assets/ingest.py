"""One partitioned staging asset per source, built from its SourceSpec (one generic path): each
period's rows are ingested, materialised with its own numbers, then judged by the source's
checks (assets/staging_checks.py), one result per period."""

import json
import os
import time
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import polars as pl

from assets.metadata import column_schema, preview
from assets.names import OWNERS, staging_key
from assets.partition_checks import check_outputs, evaluations
from assets.partitions import partitions_for
from assets.progress import report
from assets.resources import DanvanResource
from assets.staging_checks import REASON_COLUMNS, Thresholds, check_specs, judge, reasons
from assets.staging_checks import check_names as check_names
from schemas.registry import SOURCES
from schemas.spec import SourceSpec
from warehouse.ingest import (
    FileOutcome,
    IngestContext,
    PartitionOutcome,
    check_ingest_settings,
    ingest_periods,
)
from warehouse.ingest.recount import recount
from warehouse.paths import DataPaths
from warehouse.redelivery import compare
from warehouse.settings import MissingKeyError, pii_key


def _as_staged(paths: DataPaths, spec: SourceSpec, period: str) -> PartitionOutcome | None:
    """A period of a range run that was not read (no files in the landing folder now): its
    outcome as last staged, so its checks judge the rows it holds; None if never staged."""
    audit = paths.audit(spec.name, period)
    if not (audit.exists() and paths.staging(spec.name, period).exists()):
        return None
    files = [FileOutcome(**r) for r in json.loads(audit.read_text(encoding="utf-8"))]
    loaded = [f for f in files if f.status == "loaded"]
    return PartitionOutcome(
        source=spec.name,
        period=period,
        files=files,
        rows_loaded=sum(f.rows_loaded for f in loaded),
        rows_quarantined=sum(f.rows_quarantined for f in loaded),
        quarantine_sample=[],
        reused=True,
    )


@contextmanager
def _staged_before(paths: DataPaths, spec: SourceSpec, periods: list[str]):
    """The staged file of each period as it is before this ingest replaces it: the file held
    open (the ingest swaps a new file in by rename; the old content stays readable through the
    descriptor) and read by its /proc path. Opening it leaves its times alone (a link would
    change its ctime, and the build would take the period as changed)."""
    held: dict[str, int] = {}
    try:
        for period in periods:
            current = paths.staging(spec.name, period)
            if current.exists() and Path("/proc/self/fd").is_dir():
                held[period] = os.open(current, os.O_RDONLY)
        yield {period: Path(f"/proc/self/fd/{fd}") for period, fd in held.items()}
    finally:
        for fd in held.values():
            os.close(fd)


def _files_table(files: list[FileOutcome]) -> dg.TableMetadataValue:
    columns = [
        ("file", "string"),
        ("status", "string"),
        ("read", "int"),
        ("loaded", "int"),
        ("quarantined", "int"),
        ("duplicates", "int"),
        ("message", "string"),
    ]
    records = [
        {
            "file": f.source_file,
            "status": f.status,
            "read": f.rows_read,
            "loaded": f.rows_loaded,
            "quarantined": f.rows_quarantined,
            "duplicates": f.rows_duplicate,
            "message": f.message,
        }
        for f in files
    ]
    return dg.MetadataValue.table(
        records=[dg.TableRecord(r) for r in records],
        schema=dg.TableSchema(columns=[dg.TableColumn(n, t) for n, t in columns]),
    )


def _period_metadata(paths, spec, outcome: PartitionOutcome | None, read_now: bool) -> dict:
    if outcome is None:
        return {"ingest": "no files in the landing folder and nothing staged for this period"}
    loaded = [f for f in outcome.files if f.status == "loaded"]
    rows_read = sum(f.rows_read for f in loaded)
    staging_file = paths.staging(spec.name, outcome.period)
    # the preview shows 5 rows: only those are read (a month of dossiers is 700k)
    staged = pl.scan_parquet(staging_file).head(5).collect()
    if not read_now:
        how = "no files in the landing folder now: the rows staged earlier stand"
    elif outcome.reused:
        how = "files unchanged since the last ingest: its rows stand"
    else:
        how = "read now"
    return {
        "ingest": how,
        "dagster/row_count": outcome.rows_loaded,
        "rows_read": rows_read,
        "rows_loaded": outcome.rows_loaded,
        "rows_quarantined": outcome.rows_quarantined,
        "rows_duplicate": sum(f.rows_duplicate for f in loaded),
        "quarantine_rate": round(outcome.rows_quarantined / rows_read, 6) if rows_read else 0.0,
        "files_rejected": len(outcome.rejected),
        "files": _files_table(outcome.files),
        "quarantine_reasons": dg.MetadataValue.table(
            records=[dg.TableRecord(r) for r in reasons(paths, spec, outcome.period).to_dicts()],
            schema=dg.TableSchema(columns=[dg.TableColumn(n, t) for n, t in REASON_COLUMNS]),
        ),
        "preview": preview(staged),
    }


def _ingest(context, danvan: DanvanResource, spec: SourceSpec):
    """Ingest the run's periods: their outcomes, and for each period staged before and read
    again, what the new delivery changed in its rows."""
    deliveries, _ = danvan.discover()
    present = {d.period for d in deliveries if d.source == spec.name}
    try:
        ingest_key = pii_key()
        check_ingest_settings()
    except (MissingKeyError, ValueError) as error:
        raise dg.Failure(description=str(error)) from None
    ingest_context = IngestContext.standard(ingest_key, danvan.landing)
    paths, keys = danvan.paths, context.partition_keys
    # a range run leaves periods without files as they are
    periods = [p for p in keys if len(keys) == 1 or p in present]
    outcomes: dict[str, PartitionOutcome] = {}
    differences = {}
    started = time.perf_counter()
    with _staged_before(paths, spec, periods) as before:
        for outcome in ingest_periods(
            spec,
            periods,
            deliveries,
            ingest_context,
            paths,
            progress=lambda message: report(context, message),
        ):
            period = outcome.period
            outcomes[period] = outcome
            if period in before and not outcome.reused:
                after = paths.staging(spec.name, period)
                differences[period] = compare(before[period], after, spec)
            how = "unchanged, " if outcome.reused else ""
            rejected = f", {len(outcome.rejected)} rejected" if outcome.rejected else ""
            report(
                context,
                f"{spec.name} {period}: {how}{outcome.rows_loaded:,} rows staged, "
                f"{outcome.rows_quarantined:,} quarantined from {len(outcome.files)} "
                f"file(s){rejected} ({time.perf_counter() - started:.1f} s)",
            )
            started = time.perf_counter()
    return outcomes, differences


def _verdicts(context, danvan: DanvanResource, spec: SourceSpec, judged: dict, differences):
    """(period, check name, verdict) of every check on every period that holds rows."""
    limits = Thresholds(
        danvan.quarantine_warn_rate, danvan.quarantine_fail_rate, danvan.redelivery_warn_rate
    )
    names = check_names(spec.name)
    for period, outcome in judged.items():
        if outcome is None:
            continue  # nothing staged, nothing to judge: its checks show as skipped
        broken = recount(danvan.paths, spec.name, outcome)
        for verdict in judge(spec, outcome, broken, differences.get(period), danvan.paths, limits):
            if not verdict.passed:
                context.log.warning(f"check {names[verdict.rule]}: {verdict.description}")
            yield period, names[verdict.rule], verdict


def make_staging_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    key = staging_key(spec.name)
    partitions = partitions_for(spec)

    @dg.asset(
        name=key,
        description=(
            f"{spec.title}. Files in `<landing>/{spec.folder}/` named `{spec.file_pattern}`, "
            "read, validated with pandera and split into staged rows and quarantined rows "
            "(with reasons); the newest delivery of a period replaces older ones. One "
            "partition per period for which a file arrived."
        ),
        group_name=spec.name,
        owners=OWNERS,
        kinds={"polars", "parquet"},
        partitions_def=partitions,
        # a backfill of a range of periods runs as one run (`--partition-range` needs it)
        backfill_policy=dg.BackfillPolicy.single_run(),
        check_specs=check_specs(spec, partitions),
    )
    def staging(context: dg.AssetExecutionContext, danvan: DanvanResource):
        keys = context.partition_keys
        outcomes, differences = _ingest(context, danvan, spec)
        judged = {
            p: outcomes[p] if p in outcomes else _as_staged(danvan.paths, spec, p) for p in keys
        }
        for period in keys:
            metadata = _period_metadata(danvan.paths, spec, judged[period], period in outcomes)
            context.add_asset_metadata(metadata, partition_key=period)
        schema = [(n, str(t), None) for n, t in spec.staging_schema().items()]
        yield dg.MaterializeResult(metadata={"dagster/column_schema": column_schema(schema)})
        # the results after the output, each on its period's materialisation
        yield from check_outputs(context)
        yield from evaluations(context, _verdicts(context, danvan, spec, judged, differences))

    return staging


STAGING_ASSETS = [make_staging_asset(spec) for spec in SOURCES.values()]
