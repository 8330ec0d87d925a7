"""The one generic ingest path: landed files of a source × period → staging + quarantine + audit.

For each file: read (schemas.reading) → drop exact duplicates → parse every column in bulk →
validate with the source's pandera model → period and admin-unit rules → quarantine the failing
rows with their reasons → hash ID numbers → resolve duplicate keys (last row wins) → stage.
A file larger than `IngestContext.whole_file_bytes` goes through the same steps chunk by chunk.
Rows read = rows loaded + rows quarantined + duplicate rows, for every file.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl

from schemas.landing import Delivery
from schemas.reading import ROW, FileRejected, read_tables
from schemas.spec import SourceSpec
from schemas.text import clean_text_frame
from schemas.units import district_lookup
from warehouse import reference
from warehouse.paths import DataPaths, free_bytes
from warehouse.pii import hmac_columns
from warehouse.rules import (
    column_sums,
    future_failures,
    key_conflicts,
    parse_failures,
    period_failures,
    reconcile_totals,
    schema_failures,
    typed_cells,
    unit_failures,
)


def _code_version() -> str:
    """A fingerprint of everything that decides what a file's staged rows are."""
    root = Path(__file__).resolve().parents[1]
    files = sorted(
        [*(root / "schemas").glob("*.py"), *(root / "warehouse/reference").glob("*.csv")]
    )
    names = ("ingest.py", "rules.py", "pii.py", "reference.py")
    files += [root / "warehouse" / name for name in names]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()


CODE_VERSION = _code_version()


INGEST_SETTINGS = {  # environment variable → default (README "Settings")
    "DANVAN_INGEST_WORKERS": 1,
    "DANVAN_INGEST_CHUNK_ROWS": 250_000,
    "DANVAN_INGEST_WHOLE_FILE_MB": 256,
}


def whole_number_setting(name: str) -> int:
    """One of INGEST_SETTINGS: a whole number ≥ 1, or a ValueError that names it."""
    text = os.environ.get(name, str(INGEST_SETTINGS[name])).strip()
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{name} must be a whole number ≥ 1, got {text!r}")
    return int(text)


def check_ingest_settings() -> None:
    """Raise before a run starts, not half-way through it."""
    for name in INGEST_SETTINGS:
        whole_number_setting(name)


@dataclass(frozen=True)
class IngestContext:
    """What the rules need besides the file: keys, reference data, the landing root."""

    pii_key: bytes
    landing: Path
    units: pl.DataFrame  # code, valid_from, valid_to (reference.unit_intervals)
    district_lookup: dict[str, str]  # typed district name key → GSO code
    loaded_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    # A file up to `whole_file_bytes` (a province's month: ≈ 750k rows, 190 MB) is read and
    # checked whole, the fastest way; a larger one (a national roll-up) in chunks of
    # `chunk_rows`, so memory follows the chunk, not the file (measured in README Performance).
    chunk_rows: int = field(
        default_factory=lambda: whole_number_setting("DANVAN_INGEST_CHUNK_ROWS")
    )
    whole_file_bytes: int = field(
        default_factory=lambda: whole_number_setting("DANVAN_INGEST_WHOLE_FILE_MB") * 2**20
    )

    @property
    def version(self) -> str:
        """Changes when the ingest code, the reference data or the PII key change: staged rows
        of unchanged files are reused only when it has not."""
        key = hashlib.sha256(b"danvan-key-fingerprint" + self.pii_key).hexdigest()
        return hashlib.sha256((CODE_VERSION + key).encode()).hexdigest()[:16]

    @classmethod
    def standard(cls, pii_key: bytes, landing: Path, loaded_at: dt.datetime | None = None):
        units = reference.admin_units()
        districts = units.filter(pl.col("level") == "district").select("code", "name").unique()
        return cls(
            pii_key=pii_key,
            landing=landing,
            units=reference.unit_intervals(),
            district_lookup=district_lookup(districts, reference.PROVINCE_CODE),
            **({"loaded_at": loaded_at} if loaded_at else {}),
        )


@dataclass
class FileOutcome:
    """One row of load_audit."""

    source: str
    source_file: str
    sha256: str
    period: str
    status: str  # loaded / superseded / rejected
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    message: str = ""
    loaded_at: str = ""
    exported_at: str = ""
    encoding: str = ""
    totals_rows: int = 0
    totals_reconciled: bool | None = None  # None: the file has no totals row to check
    totals_message: str = ""
    ingest_version: str = ""  # code + reference data + key fingerprint that produced the rows
    stat: list[int] = field(default_factory=list)  # size, mtime, ctime, inode when hashed

    @property
    def conserved(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_quarantined + self.rows_duplicate


@dataclass
class PartitionOutcome:
    source: str
    period: str
    files: list[FileOutcome]
    rows_loaded: int
    rows_quarantined: int
    quarantine_sample: list[str]  # a few reasons, no raw values (they may hold personal data)
    totals: pl.DataFrame | None = None  # totals rows, kept for reconciliation
    reused: bool = False  # the files had not changed: the last ingest's rows stand

    @property
    def rejected(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == "rejected"]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def stat_key(path: Path) -> list[int]:
    """What changes when a file is rewritten, renamed over or touched."""
    info = path.stat()
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def file_hashes(deliveries: list[Delivery], previous_audit: Path, landing: Path) -> dict:
    """sha256 of each file, read once; a file whose size, times and inode are those recorded
    by the last ingest keeps its recorded hash instead of being read again (an unchanged
    landing of 10M dossier rows: 3.7 s of hashing → none)."""
    known = {}
    if previous_audit.exists():
        for record in json.loads(previous_audit.read_text(encoding="utf-8")):
            if record.get("stat"):
                known[(record["source_file"], tuple(record["stat"]))] = record["sha256"]
    hashes = {}
    for delivery in deliveries:
        stat = stat_key(delivery.path)
        name = delivery.path.relative_to(landing).as_posix()
        hashes[delivery.path] = (known.get((name, tuple(stat))) or sha256_of(delivery.path), stat)
    return hashes


# ---------------------------------------------------------------- one file

_HASHES = ("__h1", "__h2")


def earlier_repeats(seen: pl.DataFrame, chunk: pl.DataFrame) -> pl.DataFrame:
    """The hash pairs of `seen` (the earlier rows of a file) that stand in `chunk` too. The
    earlier rows are streamed past a set of the chunk's first hashes (`is_in`), then the few
    that pass are joined on both: a 6M-row file 1.5 s → 0.5 s, 24M rows 25 s → 4 s, against a
    join on both hashes over every earlier row (and building a table of the earlier rows for
    each chunk, the first version, was 12 s of a 6M-row file's 37 s)."""
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
class _FileResult:
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

    def add(self, table) -> None:
        spec, context, delivery = self.spec, self.context, self.delivery
        rows = table.frame.height
        self.chunks += 1
        self.rows_read += rows
        self.totals.append(table.totals)
        compared = [c.name for c in spec.columns if c.kind != "ignore"]  # STT differs in copies
        cleaned = _cleaned(spec, table.frame)
        table.frame = None  # the raw cells are not needed again: their memory goes back now
        if spec.totals_columns:
            self.sums.append(column_sums(spec, cleaned))
        cleaned = self._drop_duplicates(cleaned, compared, table.more_may_follow)
        self.rows_duplicate += rows - cleaned.height

        typed = typed_cells(spec, cleaned)
        if spec.derive is not None:
            typed = spec.derive(typed, context, delivery.period)
        parse = parse_failures(spec, cleaned, typed)
        schema = schema_failures(spec, typed).join(parse, on=["row", "column"], how="anti")
        failures = pl.concat(
            [
                parse,
                schema,
                period_failures(spec, typed, delivery.period),
                future_failures(spec, typed, delivery.exported_at),
                unit_failures(spec, typed, context.units),
            ]
        )
        good = typed.join(failures.select(pl.col("row").alias(ROW)).unique(), on=ROW, how="anti")
        quarantine = self._quarantine_rows(failures, cleaned)
        self.quarantine.add(quarantine)
        self.good.add(self._staged(good))
        self.rows_good += good.height
        self.rows_held += quarantine.height
        self.last_cleaned = cleaned if self.chunks == 1 else None

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
            )
        )
        held = cleaned.join(reasons.select(pl.col("row").alias(ROW)), on=ROW, how="semi")
        return reasons.join(
            _masked_raw(self.spec, held, self.context.pii_key), left_on="row", right_on=ROW
        ).select(
            pl.lit(self.spec.name).alias("source"),
            pl.lit(self.source_file).alias("source_file"),
            pl.lit(self.delivery.period).alias("period"),
            pl.col("row").alias("row_number"),
            "columns",
            "reason",
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

    def finish(self, outcome: FileOutcome) -> _FileResult:
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
        outcome.message = "; ".join(notes)
        totals = totals.with_columns(pl.lit(self.source_file).alias("source_file"))
        return _FileResult(outcome, good, quarantine, totals)


def _cleaned(spec: SourceSpec, raw: pl.DataFrame) -> pl.DataFrame:
    """Every cell NFC, trimmed, blank → null: what duplicates are judged on, parsers read."""
    return clean_text_frame(
        raw, [c.name for c in spec.columns], [c.name for c in spec.columns if c.is_textual]
    )


def _masked_raw(spec: SourceSpec, cleaned: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """Cell texts as JSON for the quarantine: names and phones left out, ID numbers hashed."""
    kept = [c.name for c in spec.kept_columns]
    cleaned = hmac_columns(cleaned.select(ROW, *kept), spec.hashed_columns, key)
    return cleaned.select(ROW, pl.struct(kept).struct.json_encode().alias("raw"))


PROGRESS_EVERY_SECONDS = 5.0


def ingest_file(
    spec: SourceSpec,
    delivery: Delivery,
    context: IngestContext,
    sha256: str,
    spill: Path,
    progress: Callable[[str], None] | None = None,
) -> _FileResult:
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
    except FileRejected as rejected:
        shutil.rmtree(spill, ignore_errors=True)
        outcome.status, outcome.message = "rejected", rejected.message
        return _FileResult(outcome)
    result = ingest.finish(outcome)
    if unknown:
        extra = "ignored extra columns: " + ", ".join(unknown[:20])
        outcome.message = "; ".join(m for m in (extra, outcome.message) if m)
    return result


# ---------------------------------------------------------------- one partition


def _process_gone(pid: str) -> bool:
    """Whether `pid`, taken from a file name of ours, is a process that no longer lives."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # a live process of another user
    return False


def _clear_stale_temporaries(target: Path) -> None:
    """Temporary files of a run that was killed (its pid no longer lives) are removed."""
    for stale in target.parent.glob(f".{target.name}.*.tmp"):
        if _process_gone(stale.name.rsplit(".", 2)[-2]):
            stale.unlink(missing_ok=True)


@contextmanager
def _replacing(target: Path) -> Iterator[Path]:
    """A temporary beside `target` that replaces it once written; removed if writing fails
    (a full disk), so a failed write leaves neither a half file nor litter."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _clear_stale_temporaries(target)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


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
        if _process_gone(stale.name.split(".")[1]):
            shutil.rmtree(stale, ignore_errors=True)
    return root / f"ingest.{os.getpid()}.{source}.{period}"


def write_atomic_text(text: str, target: Path) -> None:
    with _replacing(target) as temporary:
        temporary.write_text(text, encoding="utf-8")


def _audit_text(files: list[FileOutcome]) -> str:
    return json.dumps([asdict(f) for f in files], ensure_ascii=False, indent=1)


QUARANTINE_SCHEMA = {
    "source": pl.String,
    "source_file": pl.String,
    "period": pl.String,
    "row_number": pl.Int64,
    "columns": pl.String,
    "reason": pl.String,
    "raw": pl.String,
}


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
        with _replacing(staging) as rows, _replacing(quarantine) as held, _replacing(audit) as log:
            _sink(goods, rows)
            _sink(quarantines, held)
            log.write_text(_audit_text(files), encoding="utf-8")
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
                result = _FileResult(result.outcome)
                result.outcome.status = "rejected"
                result.outcome.message = "the file changed while it was being read; retry later"
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
        write_atomic_text(_audit_text(files), audit)
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


PARALLEL_FROM_BYTES = 64 * 2**20


def ingest_periods(
    spec: SourceSpec,
    periods: list[str],
    deliveries: list[Delivery],
    context: IngestContext,
    paths: DataPaths,
    progress: Callable[[str], None] | None = None,
) -> Iterator[PartitionOutcome]:
    """Several periods of a source, each outcome yielded as soon as its period is done (so a
    long ingest shows progress), in the order of `periods`; optionally in parallel processes
    (periods write separate files, so they need no lock). DANVAN_INGEST_WORKERS sets how many;
    the default, 1, ingests in this process: polars already keeps most of the cores busy, and on
    2 cores two workers measured only 8 % faster (6 months of the 10M-row files: 19.1 s →
    17.7 s), each holding a month of its own in memory. `progress` hears how far a file read in
    chunks is (in this process only: a worker's lines would have to cross processes)."""
    mine = [d for d in deliveries if d.source == spec.name]
    workers = min(whole_number_setting("DANVAN_INGEST_WORKERS"), len(periods))
    size = sum(d.path.stat().st_size for d in mine if d.period in periods)
    if workers <= 1 or size < PARALLEL_FROM_BYTES:  # starting workers costs about a second
        for period in periods:
            with _storage_explained(spec, period, paths):
                outcome = ingest_partition(spec, period, mine, context, paths, progress=progress)
            yield outcome
        return
    # spawn, not fork: forking a process that runs polars' thread pool can deadlock
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        jobs = [pool.submit(ingest_partition, spec, p, mine, context, paths) for p in periods]
        for period, job in zip(periods, jobs, strict=True):
            with _storage_explained(spec, period, paths):
                outcome = job.result()
            yield outcome


class StorageFailed(RuntimeError):
    """The machine, not a landed file, failed an ingest (a full disk, a folder not writable):
    no file is recorded as rejected for it, and the period's earlier staged rows stand."""


@contextmanager
def _storage_explained(spec: SourceSpec, period: str, paths: DataPaths) -> Iterator[None]:
    try:
        yield
    except OSError as error:
        raise StorageFailed(
            f"{spec.name} {period}: {describe_os_error(error, paths.root)}; nothing of this "
            "period was staged (its earlier staged rows, if any, stand)"
        ) from error


def describe_os_error(error: OSError, folder: Path) -> str:
    """The error as the OS says it, and for a full disk how much is free where it writes."""
    text = str(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        text += f" (writing under {folder}: {free_bytes(folder) / 2**20:,.1f} MiB free there now)"
    return text
