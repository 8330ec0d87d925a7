"""One partitioned staging asset per source, built from its SourceSpec (one generic path)."""

import time

import dagster as dg
import polars as pl

from assets.metadata import column_schema, preview
from assets.names import OWNERS, staging_key
from assets.partitions import partitions_for
from assets.progress import report
from assets.resources import DanvanResource
from schemas.registry import SOURCES
from schemas.spec import SourceSpec
from warehouse.ingest import (
    IngestContext,
    PartitionOutcome,
    check_ingest_settings,
    ingest_periods,
)
from warehouse.settings import MissingKeyError, pii_key


def check_names(source: str) -> dict[str, str]:
    return {
        rule: f"{staging_key(source)}_{rule}"
        for rule in ("readable", "conservation", "quarantine_rate", "totals_reconciled")
    }


def _check_specs(spec: SourceSpec, key: str) -> list[dg.AssetCheckSpec]:
    names = check_names(spec.name)
    checks = [
        dg.AssetCheckSpec(
            names["readable"],
            asset=key,
            blocking=True,
            description="Every delivery can be read and has the required columns.",
        ),
        dg.AssetCheckSpec(
            names["conservation"],
            asset=key,
            blocking=True,
            description="Rows read = rows loaded + quarantined + duplicates, per file.",
        ),
        dg.AssetCheckSpec(
            names["quarantine_rate"],
            asset=key,
            description="Share of rows quarantined per file stays under the threshold.",
        ),
    ]
    if spec.totals_columns:
        checks.append(
            dg.AssetCheckSpec(
                names["totals_reconciled"],
                asset=key,
                description="Each file's 'Tổng cộng' row equals the sum of its data rows.",
            )
        )
    return checks


def _files_table(files: list) -> dg.MarkdownMetadataValue:
    lines = [
        "| file | status | read | loaded | quarantined | duplicates | message |",
        "|---" * 7 + "|",
    ]
    for f in files:
        lines.append(
            f"| {f.source_file} | {f.status} | {f.rows_read} | {f.rows_loaded} | "
            f"{f.rows_quarantined} | {f.rows_duplicate} | {f.message.replace('|', '/')} |"
        )
    return dg.MetadataValue.md("\n".join(lines))


def _conservation(resource: DanvanResource, spec: SourceSpec, outcome: PartitionOutcome):
    """Re-count what was written: staged + quarantined rows per file against rows read."""
    # the one column it needs, not whole staging files
    staged = pl.read_parquet(
        resource.paths.staging(spec.name, outcome.period), columns=["source_file"]
    )
    quarantined = pl.read_parquet(
        resource.paths.quarantine(spec.name, outcome.period), columns=["source_file"]
    )
    counts = {
        name: frame.group_by("source_file").len().rows_by_key("source_file", unique=True)
        for name, frame in (("loaded", staged), ("quarantined", quarantined))
    }
    broken = []
    for f in outcome.files:
        if f.status != "loaded":
            continue
        loaded = counts["loaded"].get(f.source_file, (0,))[0]
        held = counts["quarantined"].get(f.source_file, (0,))[0]
        if f.rows_read != loaded + held + f.rows_duplicate:
            broken.append(
                f"{f.source_file}: read {f.rows_read} ≠ loaded {loaded} + quarantined {held} "
                f"+ duplicates {f.rows_duplicate}"
            )
    return broken


def _check_results(spec, danvan, outcomes, files, rejected, broken):
    names = check_names(spec.name)
    yield dg.AssetCheckResult(
        check_name=names["readable"],
        passed=not rejected,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "rejected_files": dg.MetadataValue.json(
                [{"file": f.source_file, "reason": f.message} for f in rejected]
            ),
        },
    )
    yield dg.AssetCheckResult(
        check_name=names["conservation"],
        passed=not broken,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"violations": dg.MetadataValue.json(broken), "files": _files_table(files)},
    )
    rates = {
        f.source_file: round(f.rows_quarantined / f.rows_read, 4)
        for f in files
        if f.status == "loaded" and f.rows_read
    }
    yield dg.AssetCheckResult(
        check_name=names["quarantine_rate"],
        passed=max(rates.values(), default=0.0) <= danvan.quarantine_warn_rate,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "rate_by_file": dg.MetadataValue.json(rates),
            "threshold": danvan.quarantine_warn_rate,
            "sample_reasons": dg.MetadataValue.json(
                [reason for o in outcomes for reason in o.quarantine_sample][:10]
            ),
        },
    )
    if spec.totals_columns:
        mismatched = [f for f in files if f.totals_reconciled is False]
        yield dg.AssetCheckResult(
            check_name=names["totals_reconciled"],
            passed=not mismatched,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "mismatches": dg.MetadataValue.json(
                    {f.source_file: f.totals_message for f in mismatched}
                ),
                "files_checked": sum(f.totals_reconciled is not None for f in files),
            },
        )


def make_staging_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    key = staging_key(spec.name)

    @dg.asset(
        name=key,
        description=(
            f"{spec.title}. Files in `<landing>/{spec.folder}/` named `{spec.file_pattern}`, "
            "read, validated with pandera and split into staged rows and quarantined rows "
            "(with reasons); the newest delivery of a period replaces older ones."
        ),
        group_name=spec.name,
        owners=OWNERS,
        kinds={"polars", "parquet"},
        partitions_def=partitions_for(spec),
        # a backfill of a range of periods runs as one run (`--partition-range` needs it)
        backfill_policy=dg.BackfillPolicy.single_run(),
        check_specs=_check_specs(spec, key),
    )
    def staging(context: dg.AssetExecutionContext, danvan: DanvanResource):
        deliveries, _ = danvan.discover()
        present = {d.period for d in deliveries if d.source == spec.name}
        try:
            key = pii_key()
            check_ingest_settings()
        except (MissingKeyError, ValueError) as error:
            raise dg.Failure(description=str(error)) from None
        ingest_context = IngestContext.standard(key, danvan.landing)
        keys = context.partition_keys
        outcomes: list[PartitionOutcome] = []
        # a range run leaves periods without files as they are
        periods = [p for p in keys if len(keys) == 1 or p in present]
        started = time.perf_counter()
        for outcome in ingest_periods(
            spec,
            periods,
            deliveries,
            ingest_context,
            danvan.paths,
            progress=lambda message: report(context, message),
        ):
            outcomes.append(outcome)
            how = "unchanged, " if outcome.reused else ""
            rejected = f", {len(outcome.rejected)} rejected" if outcome.rejected else ""
            report(
                context,
                f"{spec.name} {outcome.period}: {how}{outcome.rows_loaded:,} rows staged, "
                f"{outcome.rows_quarantined:,} quarantined from {len(outcome.files)} file(s)"
                f"{rejected} ({time.perf_counter() - started:.1f} s)",
            )
            started = time.perf_counter()
        files = [f for o in outcomes for f in o.files]
        rejected = [f for f in files if f.status == "rejected"]
        broken = [problem for o in outcomes for problem in _conservation(danvan, spec, o)]
        yield from _check_results(spec, danvan, outcomes, files, rejected, broken)
        if rejected or broken:
            problems = [f"{f.period}: {f.source_file}: {f.message}" for f in rejected] + broken
            raise dg.Failure(
                description=f"{spec.name}: " + " | ".join(problems),
                metadata={"kind": "rejected_file" if not broken else "conservation"},
            )
        last = outcomes[-1].period if outcomes else keys[-1]
        # the preview shows 5 rows: only those are read (a month of dossiers is 700k)
        staging_file = danvan.paths.staging(spec.name, last)
        staged = pl.scan_parquet(staging_file).head(5).collect() if outcomes else None
        yield dg.MaterializeResult(
            metadata={
                "dagster/row_count": sum(o.rows_loaded for o in outcomes),
                "rows_quarantined": sum(o.rows_quarantined for o in outcomes),
                "periods_ingested": dg.MetadataValue.json([o.period for o in outcomes]),
                "files": _files_table(files),
                "dagster/column_schema": column_schema(
                    [(n, str(t), None) for n, t in spec.staging_schema().items()]
                ),
                "preview": preview(staged) if staged is not None else "no files in the range",
            }
        )

    return staging


STAGING_ASSETS = [make_staging_asset(spec) for spec in SOURCES.values()]
