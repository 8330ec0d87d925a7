"""One source × period: every slot's newest readable delivery wins whole; its staged rows,
quarantined rows and audit records replace the period's files together."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import polars as pl

from schemas.landing import Delivery
from schemas.spec import SourceSpec
from warehouse.atomic import process_gone, replacing, write_atomic_text
from warehouse.files import file_hashes
from warehouse.ingest.context import IngestContext
from warehouse.ingest.one_file import FileResult, ingest_file
from warehouse.ingest.outcomes import QUARANTINE_SCHEMA, FileOutcome, PartitionOutcome, audit_text
from warehouse.paths import DataPaths


def _sink(frames: list[pl.LazyFrame], temporary: Path) -> None:
    # lz4: half the time of zstd for files only the pipeline reads back
    pl.concat(frames, how="vertical_relaxed").sink_parquet(
        temporary, statistics=True, compression="lz4"
    )


def _spill_folder(paths: DataPaths, source: str, period: str) -> Path:
    """Where the parts of a file read in several chunks wait until the partition is written;
    folders left by a killed run (its pid no longer lives) are removed."""
    root = paths.root / "tmp"
    for stale in root.glob("ingest.*"):
        if process_gone(stale.name.split(".")[1]):
            shutil.rmtree(stale, ignore_errors=True)
    return root / f"ingest.{os.getpid()}.{source}.{period}"


def ingest_partition(
    spec: SourceSpec,
    period: str,
    deliveries: Iterable[Delivery],
    context: IngestContext,
    paths: DataPaths,
    reuse: bool = True,
    progress: Callable[[str], None] | None = None,
) -> PartitionOutcome:
    """Ingest every slot of one period: the newest readable delivery of a slot wins whole.
    When the period's files, the code and the key are those of the last ingest, its staged
    rows are reused instead of reading the files again (an incremental run)."""
    mine = [d for d in deliveries if d.source == spec.name and d.period == period]
    hashed = file_hashes(mine, paths.audit(spec.name, period), context.landing)
    shas = {path: sha for path, (sha, _) in hashed.items()}
    if reuse:
        previous = _reusable(spec, period, mine, hashed, context, paths)
        if previous is not None:
            return previous
    spill = _spill_folder(paths, spec.name, period)
    staging, quarantine = paths.staging(spec.name, period), paths.quarantine(spec.name, period)
    audit = paths.audit(spec.name, period)
    try:  # the spill goes whatever happens (a full disk half-way through a file included)
        files, goods, quarantines, totals = _ingest_slots(
            spec, mine, shas, context, spill, progress
        )
        _keep_first_load_times(files, audit)
        stats = {d.path.relative_to(context.landing).as_posix(): hashed[d.path][1] for d in mine}
        for record in files:
            record.ingest_version = context.version
            record.stat = stats[record.source_file]
        # all three written before any replaces its file: a write that fails (a full disk)
        # leaves the period's staging, quarantine and audit together as they were
        with replacing(staging) as rows, replacing(quarantine) as held, replacing(audit) as log:
            _sink(goods, rows)
            _sink(quarantines, held)
            log.write_text(audit_text(files), encoding="utf-8")
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    sample = pl.read_parquet(quarantine, columns=["reason"], n_rows=5)["reason"].to_list()
    loaded = [f for f in files if f.status == "loaded"]
    return PartitionOutcome(
        source=spec.name,
        period=period,
        files=files,
        rows_loaded=sum(f.rows_loaded for f in loaded),
        rows_quarantined=sum(f.rows_quarantined for f in loaded),
        quarantine_sample=sample,
        totals=pl.concat(totals, how="diagonal_relaxed") if totals else None,
    )


def _ingest_slots(spec, mine, shas, context, spill, progress):
    """Each slot's newest readable delivery wins; the others are recorded as superseded.
    Returns the file outcomes and the winners' staged rows, quarantined rows and totals."""
    files: list[FileOutcome] = []
    goods: list[pl.LazyFrame] = [spec.empty_staging().lazy()]
    quarantines: list[pl.LazyFrame] = [pl.DataFrame(schema=QUARANTINE_SCHEMA).lazy()]
    totals: list[pl.DataFrame] = []
    for slot in sorted({d.slot for d in mine}):
        newest_first = sorted(
            (d for d in mine if d.slot == slot), key=lambda d: d.order, reverse=True
        )
        # a re-delivery with the same bytes as an earlier file changes nothing: the earliest
        # copy of each content stands for it, so its rows keep their source and export time
        candidates = list(
            dict.fromkeys(
                next(x for x in reversed(newest_first) if shas[x.path] == shas[d.path])
                for d in newest_first
            )
        )
        winner = None
        for delivery in candidates:
            if winner is not None:
                break
            before = delivery.path.stat()
            spill_to = spill / str(len(files))
            result = ingest_file(spec, delivery, context, shas[delivery.path], spill_to, progress)
            after = delivery.path.stat()
            if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns):
                # someone was still writing it: nothing of it is used, the next run retries
                result = FileResult(result.outcome)
                result.outcome.status = "rejected"
                result.outcome.message = "the file changed while it was being read; retry later"
                result.outcome.reason_code = "file_changed"
            files.append(result.outcome)
            if result.outcome.status == "loaded":
                winner = result.outcome.source_file
                goods.append(result.good)
                quarantines.append(result.quarantine)
                totals.append(result.totals)
        read = {f.source_file for f in files}
        for delivery in newest_first:
            name = delivery.path.relative_to(context.landing).as_posix()
            if name not in read:
                files.append(_superseded(spec, delivery, shas[delivery.path], context, winner))
    return files, goods, quarantines, totals


def _reusable(spec, period, mine, hashed, context, paths) -> PartitionOutcome | None:
    audit = paths.audit(spec.name, period)
    staging, quarantine = paths.staging(spec.name, period), paths.quarantine(spec.name, period)
    if not (audit.exists() and staging.exists() and quarantine.exists()):
        return None
    records = json.loads(audit.read_text(encoding="utf-8"))
    if any(r.get("ingest_version") != context.version for r in records):
        return None
    names = {d.path.relative_to(context.landing).as_posix(): d.path for d in mine}
    current = {(name, hashed[path][0]) for name, path in names.items()}
    if {(r["source_file"], r["sha256"]) for r in records} != current:
        return None
    files = [FileOutcome(**r) for r in records]
    stats = {name: hashed[path][1] for name, path in names.items()}
    if any(f.stat != stats[f.source_file] for f in files):
        # same bytes, new size/times/inode (touched, copied back, re-linked): record them, or
        # every later run would read and hash these files again
        for record in files:
            record.stat = stats[record.source_file]
        write_atomic_text(audit_text(files), audit)
    held = pl.read_parquet(quarantine, columns=["reason"])
    return PartitionOutcome(
        source=spec.name,
        period=period,
        files=files,
        rows_loaded=sum(f.rows_loaded for f in files if f.status == "loaded"),
        rows_quarantined=held.height,
        quarantine_sample=held["reason"].head(5).to_list(),
        reused=True,
    )


def _keep_first_load_times(files: list[FileOutcome], previous_audit: Path) -> None:
    """The same bytes loaded again keep the time they were first loaded, so that re-running on
    an unchanged landing folder publishes identical tables."""
    if not previous_audit.exists():
        return
    earlier = {
        (r["source_file"], r["sha256"], r["status"]): r["loaded_at"]
        for r in json.loads(previous_audit.read_text(encoding="utf-8"))
    }
    for record in files:
        record.loaded_at = earlier.get(
            (record.source_file, record.sha256, record.status), record.loaded_at
        )


def _superseded(spec, delivery, sha, context, winner) -> FileOutcome:
    return FileOutcome(
        source=spec.name,
        source_file=delivery.path.relative_to(context.landing).as_posix(),
        sha256=sha,
        period=delivery.period,
        status="superseded",
        message=f"not used: {winner or 'no readable delivery'} stands for this period",
        loaded_at=context.loaded_at.isoformat(sep=" "),
        exported_at=delivery.exported_at.isoformat(sep=" "),
    )
