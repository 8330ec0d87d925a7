"""Conservation re-counted from what was written: per loaded file, rows read = rows staged +
rows quarantined + duplicate rows. The province pipeline and the national roll-up share it."""

import polars as pl

from warehouse.ingest.outcomes import PartitionOutcome
from warehouse.paths import DataPaths


def recount(paths: DataPaths, source: str, outcome: PartitionOutcome) -> list[str]:
    """One message per file whose written rows do not add up to the rows it read."""
    # the one column it needs, not whole staging files
    written = {
        name: pl.read_parquet(path, columns=["source_file"])
        .group_by("source_file")
        .len()
        .rows_by_key("source_file", unique=True)
        for name, path in (
            ("staged", paths.staging(source, outcome.period)),
            ("held", paths.quarantine(source, outcome.period)),
        )
    }
    broken = []
    for f in outcome.files:
        if f.status != "loaded":
            continue
        staged = written["staged"].get(f.source_file, (0,))[0]
        held = written["held"].get(f.source_file, (0,))[0]
        if f.rows_read != staged + held + f.rows_duplicate:
            broken.append(
                f"{f.source_file}: read {f.rows_read} ≠ loaded {staged} + quarantined {held} "
                f"+ duplicates {f.rows_duplicate}"
            )
    return broken
