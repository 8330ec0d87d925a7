"""When the machine fails a run (a full disk), the error names the period, the cause and the
free space; what was published stands; the run leaves no half file, spill folder or log row."""

import dataclasses
import datetime as dt
import errno
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.runner import run_pipeline
from schemas.landing import discover
from schemas.registry import SOURCES
from tests.helpers import TEST_KEY, dossier_in_month, write_csv
from warehouse import build, exports
from warehouse.ingest import IngestContext, StorageFailed, ingest_periods
from warehouse.paths import DataPaths
from warehouse.settings import Settings

FULL = OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def disk_full_after(monkeypatch):
    """disk_full_after(n): the Parquet writes and the text written to temporary files after
    the first n write a few bytes of their file, then fail as a full disk does."""

    def arm(writes_that_fit: int) -> None:
        count = {"writes": 0}
        writers = [(pl.DataFrame, "write_parquet"), (pl.LazyFrame, "sink_parquet")]
        writers.append((Path, "write_text"))
        for cls, name in writers:
            real = getattr(cls, name)

            def write(self, path, *args, _real=real, **kwargs):
                target = self if isinstance(self, Path) else Path(path)
                if isinstance(self, Path) and not target.name.endswith(".tmp"):
                    return _real(self, path, *args, **kwargs)
                count["writes"] += 1
                if count["writes"] > writes_that_fit:
                    target.write_bytes(b"PAR1")
                    raise FULL
                return _real(self, path, *args, **kwargs)

            monkeypatch.setattr(cls, name, write)

    return arm


def _ingest(landing: Path, data: Path, chunk_rows: int | None = None) -> list:
    deliveries, _ = discover(landing, SOURCES.values())
    context = IngestContext.standard(TEST_KEY, landing, dt.datetime(2026, 1, 1))
    if chunk_rows:
        context = dataclasses.replace(context, whole_file_bytes=0, chunk_rows=chunk_rows)
    return list(
        ingest_periods(SOURCES["dossiers"], ["2024-01"], deliveries, context, DataPaths(data))
    )


def _litter(data: Path) -> list[str]:
    """Temporary files and spill folders left under the data folder."""
    found = [p for p in data.rglob("*") if p.name.endswith(".tmp")]
    found += list((data / "tmp").glob("ingest.*")) if (data / "tmp").exists() else []
    return [str(p.relative_to(data)) for p in found]


def _month(landing: Path, rows: int) -> None:
    codes = [dossier_in_month(f"H{i}", "01") for i in range(rows)]
    write_csv(landing / "dossiers/ho_so_2024-01.csv", codes)


def test_a_full_disk_while_a_file_is_read_in_chunks_is_named_and_leaves_no_spill(
    tmp_path, disk_full_after
):
    _month(tmp_path / "landing", 10)
    disk_full_after(2)  # the third part of the file's chunks does not fit
    with pytest.raises(StorageFailed) as failed:
        _ingest(tmp_path / "landing", tmp_path / "data", chunk_rows=2)
    message = str(failed.value)
    assert message.startswith("dossiers 2024-01: [Errno 28] No space left on device")
    assert f"writing under {tmp_path / 'data'}:" in message and "MiB free there now" in message
    assert _litter(tmp_path / "data") == []
    paths = DataPaths(tmp_path / "data")
    assert not paths.audit("dossiers", "2024-01").exists()  # nothing recorded as rejected
    assert not paths.staging("dossiers", "2024-01").exists()


@pytest.mark.parametrize(
    "writes_that_fit", [0, 1, 2], ids=["staging fails", "quarantine fails", "audit fails"]
)
def test_a_full_disk_while_staging_keeps_the_period_as_it_was(
    tmp_path, disk_full_after, writes_that_fit
):
    landing, data = tmp_path / "landing", tmp_path / "data"
    _month(landing, 3)
    _ingest(landing, data)
    paths = DataPaths(data)
    written = [p("dossiers", "2024-01") for p in (paths.staging, paths.quarantine, paths.audit)]
    before = {p: p.read_bytes() for p in written}
    _month(landing, 5)  # a re-delivery with more rows
    disk_full_after(writes_that_fit)
    with pytest.raises(StorageFailed, match="No space left on device"):
        _ingest(landing, data)
    # staging, quarantine and audit stay together: none is replaced unless all were written
    assert {p: p.read_bytes() for p in written} == before
    assert _litter(data) == []


def test_run_names_a_full_disk_during_ingest(tmp_path, disk_full_after):
    _month(tmp_path / "landing", 3)
    disk_full_after(0)
    summary = run_pipeline(Settings.from_env(tmp_path / "landing", tmp_path / "data"), echo=print)
    assert summary.published is None
    (failure,) = summary.failures
    assert failure.startswith("staging_dossiers: ")
    assert "StorageFailed: dossiers 2024-01: [Errno 28] No space left on device" in failure


def _publishes(database: Path) -> list[str]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return [r[0] for r in con.sql("select run_id from publish_log order by rowid").fetchall()]
    finally:
        con.close()


def _half_a_copy(source, target):
    Path(target).write_bytes(Path(source).read_bytes()[:4096])
    raise FULL


def _half_an_export(con, table, target, previous, fingerprints):
    target.mkdir(parents=True)
    (target / "2024-01.parquet").write_bytes(b"PAR1")
    raise FULL


@pytest.mark.parametrize(
    "failing",
    [(build.shutil, "copyfile", _half_a_copy), (exports, "_export_by_period", _half_an_export)],
    ids=["database copy", "Parquet export"],
)
@pytest.mark.slow
def test_a_full_disk_while_publishing_keeps_the_last_publish(tmp_path, monkeypatch, failing):
    settings = Settings.from_env(tmp_path / "landing", tmp_path / "data")
    _month(settings.landing_dir, 3)
    assert run_pipeline(settings, echo=lambda _: None).ok
    data = settings.data_dir
    published = _publishes(data / "reporting.duckdb")
    versions = sorted((data / "exports_versions").iterdir())
    write_csv(settings.landing_dir / "dossiers/ho_so_2024-02.csv", [dossier_in_month("K", "02")])
    monkeypatch.setattr(*failing)
    summary = run_pipeline(settings, echo=lambda _: None)
    assert summary.published is None
    assert any(
        f.startswith("reporting_db: ") and "No space left on device" in f for f in summary.failures
    ), summary.failures
    assert _publishes(data / "reporting.duckdb") == published  # the last publish stands
    assert _publishes(data / "build.duckdb") == published  # the failed one is not logged
    assert sorted((data / "exports_versions").iterdir()) == versions
    assert (data / "exports").resolve() == versions[-1]
    assert _litter(data) == []

    monkeypatch.undo()
    monkeypatch.setenv("DANVAN_PII_KEY", "test-key")
    assert run_pipeline(settings, echo=lambda _: None).ok
    assert len(_publishes(data / "reporting.duckdb")) == 2
    # the folder holds the months' Parquet files and nothing else
    assert sorted(p.name for p in (data / "exports/fact_dossier").iterdir()) == [
        "2024-01.parquet",
        "2024-02.parquet",
    ]
