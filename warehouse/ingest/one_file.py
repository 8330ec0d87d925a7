"""One landed file → its staged rows, quarantined rows and audit record.

Read (schemas.reading) → drop exact duplicates → parse every column in bulk → validate with the
source's pandera model → period and admin-unit rules → quarantine the failing rows with their
reasons → hash ID numbers → resolve duplicate keys (last row wins) → stage. A file larger than
`IngestContext.whole_file_bytes` goes through the same steps chunk by chunk.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from schemas.common import SCIENTIFIC
from schemas.landing import Delivery
from schemas.parsers import month_first, swap_day_month
from schemas.reading import ROW, FileRejected, read_tables
from schemas.spec import SourceSpec
from schemas.text import clean_text_frame
from warehouse.ingest.clock import trusted_export_time
from warehouse.ingest.context import IngestContext
from warehouse.ingest.outcomes import QUARANTINE_SCHEMA, FileOutcome
from warehouse.ingest.rules import (
    calendar_failures,
    cell_failures,
    column_sums,
    excel_error_failures,
    future_failures,
    key_conflicts,
    level_failures,
    parse_failures,
    period_failures,
    reconcile_totals,
    schema_failures,
    typed_cells,
    unit_failures,
)
from warehouse.ingest.scrub import scrub_columns, scrub_text
from warehouse.pii import hmac_columns

_HASHES = ("__h1", "__h2")


def earlier_repeats(seen: pl.DataFrame, chunk: pl.DataFrame) -> pl.DataFrame:
    """The hash pairs of `seen` (the earlier rows of a file) that stand in `chunk` too. The
    earlier rows are streamed past a set of the chunk's first hashes (`is_in`), then the few
    that pass are joined on both, instead of joining every earlier row on both hashes."""
    first = chunk.get_column(_HASHES[0]).implode()
    candidates = seen.filter(pl.col(_HASHES[0]).is_in(first))
    return candidates.join(chunk, on=list(_HASHES), how="semi")


class _Parts:
    """A file's output rows: kept in memory while the file is one chunk, written to `spill` as
    Parquet parts once a second chunk comes, so memory follows the chunk, not the file."""

    def __init__(self, spill: Path, name: str, empty: pl.DataFrame):
        self.spill, self.name, self.empty = spill, name, empty
        self.held: list[pl.DataFrame] = []
        self.files: list[Path] = []

    def add(self, frame: pl.DataFrame) -> None:
        self.held.append(frame)
        if len(self.held) + len(self.files) < 2:
            return
        self.spill.mkdir(parents=True, exist_ok=True)
        for held in self.held:
            part = self.spill / f"{self.name}.{len(self.files):05d}.parquet"
            held.write_parquet(part, compression="lz4")
            self.files.append(part)
        self.held = []

    def lazy(self) -> pl.LazyFrame:
        parts = [*(pl.scan_parquet(f) for f in self.files), *(f.lazy() for f in self.held)]
        return pl.concat(parts) if parts else self.empty.lazy()


@dataclass
@dataclass
class FileResult:
    outcome: FileOutcome
    good: pl.LazyFrame | None = None
    quarantine: pl.LazyFrame | None = None
    totals: pl.DataFrame | None = None


class _FileIngest:
    """One file read chunk by chunk. Every rule is row by row except three, which span the
    file: exact duplicates (a 128-bit hash of each earlier row is kept: 16 bytes a row),
    duplicate keys (judged at the end over the staged rows' keys) and the totals row."""

    def __init__(self, spec, delivery, context, source_file: str, spill: Path, chunk_rows):
        self.spec, self.delivery, self.context = spec, delivery, context
        self.source_file, self.chunk_rows, self.spill = source_file, chunk_rows, spill
        self.good = _Parts(spill, "good", spec.empty_staging())
        self.quarantine = _Parts(spill, "quarantine", pl.DataFrame(schema=QUARANTINE_SCHEMA))
        self.seen = pl.DataFrame(schema=dict.fromkeys(_HASHES, pl.UInt64))
        self.sums: list[pl.DataFrame] = []
        self.totals: list[pl.DataFrame] = []
        self.rows_read = self.rows_duplicate = self.rows_good = self.rows_held = 0
        self.chunks = 0
        self.last_cleaned: pl.DataFrame | None = None  # the file's cells when it was one chunk
        self.month_first: bool | None = None  # the file's slashed dates are m/d/yyyy
        self.ids_lost = 0  # ID numbers Excel turned into scientific notation

    def add(self, table) -> None:
        spec, context, delivery = self.spec, self.context, self.delivery
        rows = table.frame.height
        self.chunks += 1
        self.rows_read += rows
        self.totals.append(table.totals)
        compared = [c.name for c in spec.columns if c.kind != "ignore"]  # STT differs in copies
        cleaned = scrub_columns(_cleaned(spec, table.frame), spec.free_text_columns, context.places)
        cleaned = self._day_month_order(cleaned)
        table.frame = None  # the raw cells are not needed again: their memory goes back now
        if spec.totals_columns:
            self.sums.append(column_sums(spec, cleaned))
        self.ids_lost += _scientific_ids(spec, cleaned)
        cleaned = self._drop_duplicates(cleaned, compared, table.more_may_follow)
        self.rows_duplicate += rows - cleaned.height

        typed = typed_cells(spec, cleaned).with_columns(
            pl.lit(None, c.dtype).alias(c.name)
            for c in spec.unknown_when_absent(table.missing_optional)
        )
        if spec.derive is not None:
            typed = spec.derive(typed, context, delivery.period)
        # one reason per cell: an Excel error, else what its parser said, else pandera's verdict
        errors = pl.concat(
            [cell_failures(spec, table.cell_problems), excel_error_failures(spec, cleaned)]
        )
        parse = parse_failures(spec, cleaned, typed).join(errors, on=["row", "column"], how="anti")
        schema = schema_failures(spec, typed).join(
            pl.concat([errors, parse]), on=["row", "column"], how="anti"
        )
        failures = pl.concat(
            [
                errors,
                parse,
                schema,
                period_failures(spec, typed, delivery.period),
                future_failures(spec, typed, trusted_export_time(delivery)),
                calendar_failures(spec, typed),
                unit_failures(spec, typed, context.units),
                level_failures(spec, typed),
            ]
        )
        good = typed.join(failures.select(pl.col("row").alias(ROW)).unique(), on=ROW, how="anti")
        quarantine = self._quarantine_rows(failures, cleaned)
        self.quarantine.add(quarantine)
        self.good.add(self._staged(good))
        self.rows_good += good.height
        self.rows_held += quarantine.height
        self.last_cleaned = cleaned if self.chunks == 1 else None

    def _day_month_order(self, cleaned: pl.DataFrame) -> pl.DataFrame:
        """Slashed dates as d/m/yyyy, unless the file's first chunk shows they are m/d/yyyy."""
        dates = [c.name for c in self.spec.columns if c.kind in ("date", "datetime")]
        if self.month_first is None:
            self.month_first = month_first(cleaned, dates)
        if not self.month_first:
            return cleaned
        return cleaned.with_columns(swap_day_month(pl.col(c)) for c in dates)

    def _drop_duplicates(self, cleaned: pl.DataFrame, compared: list[str], more: bool):
        """Rows whose cells repeat an earlier row of the file, in this chunk or an earlier one
        (two 64-bit hashes with different seeds: a false match ≈ rows² / 2¹²⁹). A file read in
        one piece needs no hashes."""
        if not (more or self.seen.height):
            return cleaned.unique(subset=compared, keep="first", maintain_order=True)
        cells = cleaned.select(compared)
        fresh = (  # the position of each row's first copy, found on its hashes alone
            pl.DataFrame([cells.hash_rows(seed=1), cells.hash_rows(seed=7)], schema=_HASHES)
            .with_row_index("__at")
            .unique(subset=list(_HASHES), keep="first", maintain_order=True)
        )
        if self.seen.height:
            repeats = earlier_repeats(self.seen, fresh.select(_HASHES))
            fresh = fresh.join(repeats, on=list(_HASHES), how="anti", maintain_order="left")
        self.seen = pl.concat([self.seen, fresh.select(_HASHES)])
        if fresh.height == cleaned.height:
            return cleaned
        return cleaned.select(pl.all().gather(fresh.get_column("__at")))

    def _quarantine_rows(self, failures: pl.DataFrame, cleaned: pl.DataFrame) -> pl.DataFrame:
        """One row per failing file row: its columns, its reasons and its masked cells."""
        reasons = (
            failures.sort("row")
            .group_by("row", maintain_order=True)
            .agg(
                pl.col("column")
                .filter(pl.col("column") != "")
                .unique(maintain_order=True)
                .str.join(", ")
                .alias("columns"),
                pl.col("reason").unique(maintain_order=True).str.join("; ").alias("reason"),
                pl.col("reason_code").first(),
            )
        )
        held = cleaned.join(reasons.select(pl.col("row").alias(ROW)), on=ROW, how="semi")
        return reasons.join(
            _masked_raw(self.spec, held, self.context), left_on="row", right_on=ROW
        ).select(
            pl.lit(self.spec.name).alias("source"),
            pl.lit(self.source_file).alias("source_file"),
            pl.lit(self.delivery.period).alias("period"),
            pl.col("row").alias("row_number"),
            "columns",
            "reason",
            "reason_code",
            "raw",
        )

    def _staged(self, good: pl.DataFrame) -> pl.DataFrame:
        spec, delivery = self.spec, self.delivery
        good = hmac_columns(good, spec.hashed_columns, self.context.pii_key)
        from_name = dict(delivery.groups)
        return good.with_columns(
            *(
                pl.lit(from_name.get(group)).alias(column)
                for group, column in spec.name_columns.items()
            ),
            pl.lit(delivery.period).alias("period"),
            pl.lit(self.source_file).alias("source_file"),
            pl.col(ROW).alias("row_number"),
            pl.lit(delivery.exported_at).cast(pl.Datetime("us")).alias("exported_at"),
        ).select(list(self.spec.staging_schema()))

    def _cells_of(self, rows: pl.DataFrame) -> pl.DataFrame:
        """The cleaned cells of some rows: kept when the file was one chunk, else read again."""
        if self.last_cleaned is not None:
            return self.last_cleaned.join(rows, on=ROW, how="semi")
        tables = read_tables(self.delivery.path, self.spec, self.chunk_rows, self.spill)
        return pl.concat(
            _cleaned(self.spec, table.frame.join(rows, on=ROW, how="semi")) for table in tables
        )

    def finish(self, outcome: FileOutcome) -> FileResult:
        """The rules that span the file, then the outcome's counts."""
        spec, notes = self.spec, []
        outcome.rows_read, outcome.rows_duplicate = self.rows_read, self.rows_duplicate
        totals = pl.concat(self.totals)
        outcome.totals_rows = totals.height
        if spec.totals_columns and totals.height:
            outcome.totals_reconciled, outcome.totals_message = reconcile_totals(
                spec, pl.concat(self.sums), totals
            )
            if not outcome.totals_reconciled:
                notes.append(outcome.totals_message)
        good, quarantine = self.good.lazy(), self.quarantine.lazy()
        conflicts = key_conflicts(spec, good)
        if conflicts.height:
            rows = conflicts.select(pl.col("row").alias(ROW))
            held = self._quarantine_rows(conflicts, self._cells_of(rows))
            good = good.join(rows.rename({ROW: "row_number"}).lazy(), on="row_number", how="anti")
            quarantine = pl.concat([quarantine, held.lazy()]).sort("row_number")
        outcome.rows_loaded = self.rows_good - conflicts.height
        outcome.rows_quarantined = self.rows_held + conflicts.height
        if outcome.rows_quarantined:
            notes.append(f"{outcome.rows_quarantined} row(s) quarantined")
        if self.month_first:
            notes.append(
                "dates read as month/day/year (a US-locale export: a day above 12 stands second)"
            )
        if self.ids_lost:
            notes.append(
                f"{self.ids_lost} ID number(s) in scientific notation (Excel lost "
                "their digits): applicant unknown"
            )
        outcome.message = "; ".join(notes)
        totals = totals.with_columns(pl.lit(self.source_file).alias("source_file"))
        return FileResult(outcome, good, quarantine, totals)


def _cleaned(spec: SourceSpec, raw: pl.DataFrame) -> pl.DataFrame:
    """Every cell NFC, trimmed, blank → null: what duplicates are judged on, parsers read."""
    return clean_text_frame(
        raw, [c.name for c in spec.columns], [c.name for c in spec.columns if c.is_textual]
    )


def _scientific_ids(spec: SourceSpec, cleaned: pl.DataFrame) -> int:
    """How many ID cells Excel turned into scientific notation (their digits are lost)."""
    if not spec.hashed_columns:
        return 0
    counts = (pl.col(c).str.contains(SCIENTIFIC).sum() for c in spec.hashed_columns)
    return int(cleaned.select(pl.sum_horizontal(*counts)).item())


def _masked_raw(spec: SourceSpec, cleaned: pl.DataFrame, context: IngestContext) -> pl.DataFrame:
    """Cell texts as JSON for the quarantine: names and phones left out, ID numbers hashed,
    and every other cell scrubbed (a row that lost a cell has a name where a code should be)."""
    kept = [c.name for c in spec.kept_columns]
    ids = [c for c in spec.columns if c.name in spec.hashed_columns]
    cleaned = cleaned.select(ROW, *kept).with_columns(c.parse(pl.col(c.name)) for c in ids)
    cleaned = hmac_columns(cleaned, spec.hashed_columns, context.pii_key)
    others = [c for c in kept if c not in spec.hashed_columns]
    cleaned = scrub_columns(cleaned, others, context.places)
    return cleaned.select(ROW, pl.struct(kept).struct.json_encode().alias("raw"))


def _rejected(outcome: FileOutcome, spill: Path, message: str, code: str) -> FileResult:
    shutil.rmtree(spill, ignore_errors=True)
    outcome.status, outcome.message, outcome.reason_code = "rejected", message, code
    return FileResult(outcome)


PROGRESS_EVERY_SECONDS = 5.0


def ingest_file(
    spec: SourceSpec,
    delivery: Delivery,
    context: IngestContext,
    sha256: str,
    spill: Path,
    progress: Callable[[str], None] | None = None,
) -> FileResult:
    """One file, whole or chunk by chunk (see IngestContext.chunk_rows); the parts of a file
    of several chunks wait under `spill` until the partition is written. A file read in chunks
    tells `progress` how far it is, every PROGRESS_EVERY_SECONDS."""
    source_file = delivery.path.relative_to(context.landing).as_posix()
    outcome = FileOutcome(
        source=spec.name,
        source_file=source_file,
        sha256=sha256,
        period=delivery.period,
        status="loaded",
        loaded_at=context.loaded_at.isoformat(sep=" "),
        exported_at=delivery.exported_at.isoformat(sep=" "),
    )
    chunk_rows = (
        None if delivery.path.stat().st_size <= context.whole_file_bytes else context.chunk_rows
    )
    ingest = _FileIngest(spec, delivery, context, source_file, spill, chunk_rows)
    started = reported = time.perf_counter()
    try:
        for table in read_tables(delivery.path, spec, chunk_rows, spill):
            if ingest.chunks == 0:
                outcome.encoding = table.encoding
                unknown = table.unknown_headers
            ingest.add(table)
            now = time.perf_counter()
            if progress and now - reported >= PROGRESS_EVERY_SECONDS:
                progress(
                    f"{spec.name} {delivery.period}: {source_file}: "
                    f"{ingest.rows_read:,} rows read so far ({now - started:.1f} s)"
                )
                reported = now
        result = ingest.finish(outcome)
    except FileRejected as rejected:
        return _rejected(outcome, spill, rejected.message, rejected.code)
    except OSError as error:
        if Path(error.filename or "") != delivery.path:
            raise  # the machine (a full disk), not the file: StorageFailed names it
        message = f"the file cannot be read ({error.strerror or type(error).__name__})"
        return _rejected(outcome, spill, message, "file_unreadable")
    except (Exception, pl.exceptions.PanicException) as error:
        # a reader failing on bytes nobody foresaw: this file is rejected, the run goes on
        message = (
            f"the file could not be read ({type(error).__name__}): open it, save it again as "
            ".xlsx or CSV UTF-8 and deliver it again"
        )
        return _rejected(outcome, spill, message, "file_unexpected")
    if unknown:
        shown = (scrub_text(h, context.places)[:60] for h in unknown[:20])
        extra = "ignored extra columns: " + ", ".join(shown)
        outcome.message = "; ".join(m for m in (extra, outcome.message) if m)
    return result
