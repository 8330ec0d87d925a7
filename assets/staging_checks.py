"""The checks of a staging asset, judged per period: what a monitor reads at a glance — counts
as numbers (they plot), reasons grouped with their counts and row numbers as a table, and a
description that names the file when a check fails."""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg
import polars as pl

from assets.names import staging_key
from schemas.spec import SourceSpec
from warehouse.ingest import FileOutcome, PartitionOutcome
from warehouse.paths import DataPaths
from warehouse.redelivery import Difference

ERROR, WARN = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN
# a failed run says why by these (readable, quarantine_rate): the rest of the warehouse is still
# built and published; a failed conservation check stops the publish (the rows are not whole)
PUBLISH_ANYWAY = ("readable", "quarantine_rate")


RULES = ("readable", "conservation", "quarantine_rate", "totals_reconciled", "redelivery")


def check_names(source: str) -> dict[str, str]:
    return {rule: f"{staging_key(source)}_{rule}" for rule in RULES}


DESCRIPTIONS = {
    "readable": "Blocking. Every delivery of the period can be read and has the required columns; "
    "a rejected file is named with its reason (the period's other files, or its earlier "
    "delivery, stand).",
    "conservation": "Blocking. Rows read = rows loaded + quarantined + duplicates, per file, "
    "re-counted from the Parquet files written.",
    "quarantine_rate": "Share of a file's rows quarantined: a warning above "
    "`quarantine_warn_rate` (5 %), a blocking failure above `quarantine_fail_rate` (50 %) — a "
    "period that is mostly quarantined would otherwise be silently lost. The reasons are "
    "listed with their counts and row numbers.",
    "totals_reconciled": "Warning. Each file's 'Tổng cộng' row equals the sum of its data rows.",
    "redelivery": "Warning. A new delivery of the period removed or changed more than "
    "`redelivery_warn_rate` (1 %) of the rows staged before it: the period, the files and the "
    "difference are named.",
}


def check_specs(spec: SourceSpec, partitions_def) -> list[dg.AssetCheckSpec]:
    names = check_names(spec.name)
    blocking = {"readable", "conservation", "quarantine_rate"}
    rules = [r for r in names if r != "totals_reconciled" or spec.totals_columns]
    return [
        dg.AssetCheckSpec(
            names[rule],
            asset=staging_key(spec.name),
            blocking=rule in blocking,
            description=DESCRIPTIONS[rule],
            partitions_def=partitions_def,
        )
        for rule in rules
    ]


@dataclass(frozen=True)
class Verdict:
    """One check's result on one period."""

    rule: str
    passed: bool
    severity: dg.AssetCheckSeverity
    metadata: dict
    description: str

    @property
    def blocks(self) -> bool:
        return not self.passed and self.severity == ERROR


@dataclass(frozen=True)
class Thresholds:
    quarantine_warn: float
    quarantine_fail: float
    redelivery_warn: float


def _table(records: list[dict], columns: list[tuple[str, str]]) -> dg.TableMetadataValue:
    return dg.MetadataValue.table(
        records=[dg.TableRecord(r) for r in records],
        schema=dg.TableSchema(columns=[dg.TableColumn(n, t) for n, t in columns]),
    )


def reasons(paths: DataPaths, spec: SourceSpec, period: str, limit: int = 10) -> pl.DataFrame:
    """The period's quarantine reasons, most frequent first: file, reason, rows, the first row
    numbers. Quoted cell values are masked: a reason names the column and the rule, never a
    cell (it may hold personal data)."""
    path = paths.quarantine(spec.name, period)
    if not path.exists():
        return pl.DataFrame(
            schema={"file": pl.String, "reason": pl.String, "rows": pl.Int64}
        ).with_columns(row_numbers=pl.lit(None, pl.String))
    return (
        pl.scan_parquet(path)
        .select(
            pl.col("source_file").alias("file"),
            pl.col("reason").str.replace_all(r"'[^']*'", "'…'"),
            "row_number",
        )
        .group_by("file", "reason")
        .agg(
            pl.len().cast(pl.Int64).alias("rows"),
            pl.col("row_number").sort().head(5).cast(pl.String).str.join(", ").alias("first"),
        )
        .sort(["rows", "file", "reason"], descending=[True, False, False])
        .head(limit)
        .with_columns(
            row_numbers=pl.when(pl.col("rows") > 5)
            .then(pl.col("first") + ", …")
            .otherwise(pl.col("first"))
        )
        .drop("first")
        .collect()
    )


REASON_COLUMNS = [
    ("file", "string"),
    ("reason", "string"),
    ("rows", "int"),
    ("row_numbers", "string"),
]


def top_reasons(found: pl.DataFrame, file: str, count: int = 3) -> str:
    mine = found.filter(pl.col("file") == file).head(count).select("reason", "rows")
    return "; ".join(f"{rows:,} × {reason}" for reason, rows in mine.rows())


def judge(
    spec: SourceSpec,
    outcome: PartitionOutcome,
    broken: list[str],
    difference: Difference | None,
    paths: DataPaths,
    limits: Thresholds,
) -> list[Verdict]:
    """Every check of the source on one period's outcome (as just ingested, or as last
    staged when its files had not changed)."""
    files = outcome.files
    loaded = [f for f in files if f.status == "loaded"]
    where = f"{spec.name} {outcome.period}"
    verdicts = [
        _readable(files, where),
        _conservation(loaded, broken, where),
        _quarantine_rate(loaded, reasons(paths, spec, outcome.period), limits, where),
        _redelivery(difference, outcome, limits, where, spec.name),
    ]
    if spec.totals_columns:
        verdicts.append(_totals(files, where))
    return verdicts


def _readable(files: list[FileOutcome], where: str) -> Verdict:
    rejected = [f for f in files if f.status == "rejected"]
    return Verdict(
        "readable",
        not rejected,
        ERROR,
        {
            "files": len(files),
            "files_loaded": sum(f.status == "loaded" for f in files),
            "files_rejected": len(rejected),
            "rejected": _table(
                [{"file": f.source_file, "reason": f.message} for f in rejected],
                [("file", "string"), ("reason", "string")],
            ),
        },
        "; ".join(f"{where}: {f.source_file}: {f.message}" for f in rejected)
        or f"{where}: {len(files)} file(s), none rejected",
    )


def _conservation(loaded: list[FileOutcome], broken: list[str], where: str) -> Verdict:
    return Verdict(
        "conservation",
        not broken,
        ERROR,
        {
            "rows_read": sum(f.rows_read for f in loaded),
            "rows_loaded": sum(f.rows_loaded for f in loaded),
            "rows_quarantined": sum(f.rows_quarantined for f in loaded),
            "rows_duplicate": sum(f.rows_duplicate for f in loaded),
            "files_not_conserved": len(broken),
            "violations": _table([{"problem": b} for b in broken], [("problem", "string")]),
        },
        "; ".join(f"{where}: {b}" for b in broken)
        or f"{where}: rows read = loaded + quarantined + duplicates in every file",
    )


def _quarantine_rate(
    loaded: list[FileOutcome], found: pl.DataFrame, limits: Thresholds, where: str
) -> Verdict:
    rates = {f.source_file: f.rows_quarantined / f.rows_read for f in loaded if f.rows_read}
    worst = max(rates, key=rates.get, default=None)
    rate = rates[worst] if worst else 0.0
    read = sum(f.rows_read for f in loaded)
    held = sum(f.rows_quarantined for f in loaded)
    severity = ERROR if rate > limits.quarantine_fail else WARN
    passed = rate <= limits.quarantine_warn
    if passed:
        description = f"{where}: {held:,} of {read:,} rows quarantined"
    else:
        limit = limits.quarantine_fail if severity == ERROR else limits.quarantine_warn
        file = next(f for f in loaded if f.source_file == worst)
        description = (
            f"{where}: {worst}: {file.rows_quarantined:,} of {file.rows_read:,} rows quarantined "
            f"({rate:.1%}, above {limit:.0%}); top reasons: {top_reasons(found, worst)}"
        )
    return Verdict(
        "quarantine_rate",
        passed,
        severity,
        {
            "quarantine_rate": round(rate, 6),
            "worst_file": worst or "",
            "rows_read": read,
            "rows_quarantined": held,
            "warn_above": limits.quarantine_warn,
            "fail_above": limits.quarantine_fail,
            "reasons": _table(found.to_dicts(), REASON_COLUMNS),
        },
        description,
    )


def _redelivery(
    difference: Difference | None,
    outcome: PartitionOutcome,
    limits: Thresholds,
    where: str,
    source: str,
) -> Verdict:
    if difference is None:
        why = "its files had not changed" if outcome.reused else "nothing was staged before"
        return Verdict(
            "redelivery",
            True,
            WARN,
            {"rows_changed_share": 0.0, "warn_above": limits.redelivery_warn},
            f"{where}: no earlier rows to compare ({why})",
        )
    return Verdict(
        "redelivery",
        difference.share <= limits.redelivery_warn,
        WARN,
        {
            "rows_before": difference.rows_before,
            "rows_after": difference.rows_after,
            "rows_removed": difference.removed,
            "rows_changed": difference.changed,
            "rows_added": difference.added,
            "rows_changed_share": round(difference.share, 6),
            "warn_above": limits.redelivery_warn,
            "files_before": ", ".join(difference.files_before),
            "files_after": ", ".join(difference.files_after),
        },
        difference.describe(source, outcome.period),
    )


def _totals(files: list[FileOutcome], where: str) -> Verdict:
    mismatched = [f for f in files if f.totals_reconciled is False]
    return Verdict(
        "totals_reconciled",
        not mismatched,
        WARN,
        {
            "files_checked": sum(f.totals_reconciled is not None for f in files),
            "files_mismatched": len(mismatched),
            "mismatches": _table(
                [{"file": f.source_file, "difference": f.totals_message} for f in mismatched],
                [("file", "string"), ("difference", "string")],
            ),
        },
        "; ".join(f"{where}: {f.source_file}: {f.totals_message}" for f in mismatched)
        or f"{where}: totals rows agree",
    )
