"""Several periods of a source, one after another or in worker processes, and what a failure of
the machine (not of a file) looks like to the user."""

from __future__ import annotations

import errno
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from schemas.landing import Delivery
from schemas.spec import SourceSpec
from warehouse.ingest.context import IngestContext
from warehouse.ingest.outcomes import PartitionOutcome
from warehouse.ingest.partition import ingest_partition
from warehouse.ingest.settings import whole_number_setting
from warehouse.paths import DataPaths, free_bytes

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
    the default, 1, ingests in this process: polars already keeps most of the cores busy, and
    each worker holds a month of its own in memory. `progress` hears how far a file read in
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
