"""What a period's new ingest changed in its staged rows: rows removed, changed and added against
the rows staged before it, so a re-delivery that silently drops or rewrites rows is flagged."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from schemas.spec import META_COLUMNS, SourceSpec


@dataclass(frozen=True)
class Difference:
    rows_before: int
    rows_after: int
    removed: int  # rows staged before that are gone
    changed: int  # rows still there (same key) with other values
    added: int
    files_before: tuple[str, ...]
    files_after: tuple[str, ...]

    @property
    def share(self) -> float:
        """Removed and changed rows as a share of the rows staged before."""
        return (self.removed + self.changed) / self.rows_before if self.rows_before else 0.0

    def describe(self, source: str, period: str) -> str:
        after = ", ".join(self.files_after) or "no file"
        before = ", ".join(self.files_before) or "no file"
        same = " (the same files, read again by a new ingest version)" if after == before else ""
        return (
            f"{source} {period}: {after} replaces {before}{same}: {self.removed:,} of "
            f"{self.rows_before:,} staged rows removed, {self.changed:,} changed, "
            f"{self.added:,} added ({self.share:.1%} removed or changed)"
        )


def _identity(spec: SourceSpec) -> list[str]:
    """The columns that name a row across deliveries: the source's key and the file-name parts
    (e.g. the organisation of a welfare file); none when the source has no key."""
    return [*spec.key, *spec.name_columns.values()] if spec.key else []


def _fingerprints(path: Path, spec: SourceSpec) -> pl.LazyFrame:
    frame = pl.scan_parquet(path)
    values = [c for c in frame.collect_schema().names() if c not in META_COLUMNS]
    identity = _identity(spec)
    return frame.select(
        *identity,
        pl.struct(values).hash(seed=0).alias("row_hash"),
    )


def _files(path: Path) -> tuple[str, ...]:
    found = pl.scan_parquet(path).select(pl.col("source_file").unique()).collect()
    return tuple(sorted(found["source_file"].to_list()))


def compare(before: Path, after: Path, spec: SourceSpec) -> Difference:
    """Rows of the staged file `before` against `after`. With a key, a row is removed when its
    key is gone and changed when its values differ; without one, rows are matched by content
    (a changed row counts as one removed and one added)."""
    old, new = _fingerprints(before, spec), _fingerprints(after, spec)
    identity = _identity(spec)
    if identity:
        joined = old.join(new, on=identity, how="full", suffix="_new", nulls_equal=True)
        counts = joined.select(
            rows_before=pl.col("row_hash").is_not_null().sum(),
            rows_after=pl.col("row_hash_new").is_not_null().sum(),
            removed=(pl.col("row_hash").is_not_null() & pl.col("row_hash_new").is_null()).sum(),
            changed=(pl.col("row_hash") != pl.col("row_hash_new")).sum(),
            added=(pl.col("row_hash").is_null() & pl.col("row_hash_new").is_not_null()).sum(),
        ).collect()
    else:
        # a multiset of row contents: k copies before and j after leave |k - j| unmatched
        tally = (
            old.group_by("row_hash")
            .len("before")
            .join(new.group_by("row_hash").len("after"), on="row_hash", how="full", coalesce=True)
            .with_columns(pl.col("before", "after").fill_null(0))
        )
        counts = tally.select(
            rows_before=pl.col("before").sum(),
            rows_after=pl.col("after").sum(),
            removed=(pl.col("before") - pl.col("after")).clip(lower_bound=0).sum(),
            changed=pl.lit(0),
            added=(pl.col("after") - pl.col("before")).clip(lower_bound=0).sum(),
        ).collect()
    row = counts.row(0, named=True)
    return Difference(
        **{k: int(v or 0) for k, v in row.items()},
        files_before=_files(before),
        files_after=_files(after),
    )
