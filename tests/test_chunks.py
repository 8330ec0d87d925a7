"""A file larger than IngestContext.whole_file_bytes is read in chunks: it must stage,
quarantine and audit exactly what reading it whole does, while no chunk holds more rows than
IngestContext.chunk_rows — duplicates, key conflicts and totals rows straddling chunks."""

import dataclasses
import datetime as dt
import json
import os

import polars as pl
import pytest

from schemas.landing import discover
from schemas.reading import FileRejected
from schemas.registry import SOURCES
from tests.helpers import (
    TEST_KEY,
    dossier_in_month,
    ingest_every_partition,
    run_danvan,
    write_csv,
)
from warehouse.ingest import IngestContext, ingest_periods, one_file
from warehouse.ingest.one_file import earlier_repeats
from warehouse.paths import DataPaths


@pytest.fixture
def chunk_sizes(monkeypatch):
    """The number of data rows of every chunk of a CSV file handled, in order (an XLSX sheet
    is always read whole)."""
    sizes = []
    real = one_file._FileIngest.add

    def add(self, table):
        if self.delivery.path.suffix == ".csv":
            sizes.append(table.frame.height)
        return real(self, table)

    monkeypatch.setattr(one_file._FileIngest, "add", add)
    return sizes


def _ingest_every_partition(landing, data, chunk_rows: dict[str, int] | None):
    """Every source × period of `landing`; `chunk_rows` per source (None: files whole)."""
    return ingest_every_partition(landing, data, chunk_rows)[0]


def _same_results(one, two, source: str, period: str) -> None:
    first, second = DataPaths(one), DataPaths(two)
    for where in (first.staging, first.quarantine):
        name = where(source, period).relative_to(one)
        left, right = pl.read_parquet(one / name), pl.read_parquet(two / name)
        assert left.equals(right), f"{name} differs"
    audits = [json.loads(p.audit(source, period).read_text()) for p in (first, second)]
    assert audits[0] == audits[1], f"audit of {source} {period} differs"


def _rows_straddling_chunks() -> list[dict]:
    """With chunks of 3 rows (the first chunk: the header and 2), every file-wide rule has
    its two rows in different chunks."""
    blank = {name: "" for name in dossier_in_month("X", "01")}
    return [
        dossier_in_month("A", "01"),  # row 2, chunk 1
        dossier_in_month("B", "01"),  # row 3: replaced by row 6 (same code, other content)
        dossier_in_month("A", "01"),  # row 4, chunk 2: exact duplicate of row 2
        dossier_in_month("C", "01", received_at="31/02/2024"),  # row 5: no such date
        dossier_in_month("B", "01", status_code="4"),  # row 6: kept for code B
        blank,  # row 7, chunk 3: a blank row, not data
        dossier_in_month("D", "01"),  # row 8
        dossier_in_month("A", "01"),  # row 9: duplicate again
        dossier_in_month("C", "01", received_at="31/02/2024"),  # row 10, chunk 4: duplicate
    ]


def test_rules_that_span_the_file_work_across_chunks(tmp_path, chunk_sizes):
    landing = tmp_path / "landing"
    write_csv(landing / "dossiers/ho_so_2024-01.csv", _rows_straddling_chunks())
    (whole,) = _ingest_every_partition(landing, tmp_path / "whole", None)
    (chunked,) = _ingest_every_partition(landing, tmp_path / "chunked", {"dossiers": 3})
    assert chunk_sizes[0] == 8 and chunk_sizes[1:] == [2, 3, 2, 1]  # whole, then 4 chunks
    _same_results(tmp_path / "whole", tmp_path / "chunked", "dossiers", "2024-01")
    (record,) = chunked.files
    assert (record.rows_read, record.rows_duplicate) == (8, 3)
    assert (record.rows_loaded, record.rows_quarantined) == (3, 2)
    staged = pl.read_parquet(DataPaths(tmp_path / "chunked").staging("dossiers", "2024-01"))
    assert staged.select("dossier_code", "row_number").rows() == [("A", 2), ("B", 6), ("D", 8)]
    held = pl.read_parquet(DataPaths(tmp_path / "chunked").quarantine("dossiers", "2024-01"))
    assert held["row_number"].to_list() == [3, 5]
    assert "row 6 kept" in held["reason"][0]
    assert whole.rows_loaded == chunked.rows_loaded
    assert not list((tmp_path / "chunked/tmp").glob("*"))  # the parts are gone


def test_the_demo_landing_chunked_gives_what_it_gives_whole(demo, tmp_path, chunk_sizes):
    """Every injected defect of the calibrated demo (encodings, title rows, totals rows,
    duplicates, conflicts, bad cells) in files cut into chunks."""
    settings, _ = demo
    small = {source: 15_000 if source == "dossiers" else 50 for source in SOURCES}
    outcomes = _ingest_every_partition(settings.landing_dir, tmp_path, small)
    assert max(chunk_sizes) <= 15_000 and len(chunk_sizes) > 2 * len(outcomes)
    first_data, mine = DataPaths(settings.data_dir), DataPaths(tmp_path)
    for outcome in outcomes:
        source, period = outcome.source, outcome.period
        for where in (first_data.staging, first_data.quarantine):
            expected = pl.read_parquet(where(source, period))
            got = pl.read_parquet(tmp_path / where(source, period).relative_to(settings.data_dir))
            assert got.equals(expected), f"{source} {period}"
        # the audit too: counts, encodings, totals reconciled, messages (not the load time)
        audits = [json.loads(d.audit(source, period).read_text()) for d in (first_data, mine)]
        for record in (*audits[0], *audits[1]):
            record.pop("loaded_at")
        assert audits[0] == audits[1], f"audit of {source} {period}"
    assert all(f.conserved for o in outcomes for f in o.files if f.status == "loaded")
    assert any(f.totals_reconciled is False for o in outcomes for f in o.files)


def test_a_ragged_row_rejects_a_chunked_file(tmp_path):
    landing, data = tmp_path / "landing", tmp_path / "data"
    path = write_csv(landing / "dossiers/ho_so_2024-01.csv", [dossier_in_month("A", "01")] * 9)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("B" + ",x" * 40 + "\n")  # more cells than the header, in the last chunk
    (outcome,) = _ingest_every_partition(landing, data, {"dossiers": 3})
    (record,) = outcome.files
    assert record.status == "rejected" and "more cells than the header" in record.message
    assert pl.read_parquet(DataPaths(data).staging("dossiers", "2024-01")).height == 0


def test_a_file_rejected_after_some_chunks_leaves_nothing(tmp_path, monkeypatch):
    landing, data = tmp_path / "landing", tmp_path / "data"
    rows = [dossier_in_month(f"A{i}", "01") for i in range(9)]
    write_csv(landing / "dossiers/ho_so_2024-01.csv", rows)
    real, parts = one_file.read_tables, []

    def broken_after_three_chunks(path, spec, chunk_rows, scratch):
        for number, table in enumerate(real(path, spec, chunk_rows, scratch)):
            if number == 3:
                parts.extend((data / "tmp").glob("*/*/*.parquet"))
                raise FileRejected(
                    path, "cannot be read as CSV: the disk went away", "file_bad_csv"
                )
            yield table

    monkeypatch.setattr(one_file, "read_tables", broken_after_three_chunks)
    (outcome,) = _ingest_every_partition(landing, data, {"dossiers": 3})
    (record,) = outcome.files
    assert record.status == "rejected" and "disk went away" in record.message
    assert len(parts) == 6  # good and quarantine parts of chunks 1-3 had been written
    assert pl.read_parquet(DataPaths(data).staging("dossiers", "2024-01")).height == 0
    assert not list((data / "tmp").glob("*"))


def test_parts_left_by_a_killed_run_are_removed(tmp_path):
    landing, data = tmp_path / "landing", tmp_path / "data"
    write_csv(landing / "dossiers/ho_so_2024-01.csv", [dossier_in_month("A", "01")])
    dead = data / "tmp" / "ingest.999999999.dossiers.2024-01"
    alive = data / "tmp" / f"ingest.{os.getppid()}.dossiers.2024-02"
    for folder in (dead, alive):
        folder.mkdir(parents=True)
        (folder / "good.00000.parquet").write_bytes(b"x")
    _ingest_every_partition(landing, data, {"dossiers": 3})
    assert not dead.exists() and alive.exists()


def test_a_file_read_in_chunks_reports_how_far_it_is(tmp_path, monkeypatch):
    landing, data = tmp_path / "landing", tmp_path / "data"
    rows = [dossier_in_month(f"A{i}", "01") for i in range(9)]
    write_csv(landing / "dossiers/ho_so_2024-01.csv", rows)
    monkeypatch.setattr(one_file, "PROGRESS_EVERY_SECONDS", 0.0)
    deliveries, _ = discover(landing, SOURCES.values())
    context = IngestContext.standard(TEST_KEY, landing, dt.datetime(2026, 1, 1))
    chunked = dataclasses.replace(context, whole_file_bytes=0, chunk_rows=3)
    heard = []
    periods = ingest_periods(
        SOURCES["dossiers"], ["2024-01"], deliveries, chunked, DataPaths(data), heard.append
    )
    (outcome,) = list(periods)
    assert outcome.rows_loaded == 9
    assert [m.split(" rows read")[0] for m in heard] == [
        f"dossiers 2024-01: dossiers/ho_so_2024-01.csv: {n}" for n in (2, 5, 8, 9)
    ]


def test_the_chunk_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DANVAN_INGEST_WHOLE_FILE_MB", "64")
    monkeypatch.setenv("DANVAN_INGEST_CHUNK_ROWS", "100000")
    context = IngestContext.standard(TEST_KEY, tmp_path)
    assert (context.whole_file_bytes, context.chunk_rows) == (64 * 2**20, 100_000)


@pytest.mark.parametrize(
    "name, value",
    [("DANVAN_INGEST_CHUNK_ROWS", "25k"), ("DANVAN_INGEST_WHOLE_FILE_MB", "0")],
)
def test_a_bad_setting_stops_the_run_before_it_starts(tmp_path, name, value):
    (tmp_path / "landing").mkdir()
    env = {**os.environ, "DANVAN_PII_KEY": "test-key", name: value}
    done = run_danvan(tmp_path / "landing", tmp_path / "data", env, timeout=120)
    assert done.returncode == 2
    assert f"{name} must be a whole number ≥ 1, got {value!r}" in done.stderr
    assert not (tmp_path / "data").exists()


def test_an_earlier_row_repeats_only_when_both_of_its_hashes_match():
    """The probe narrows the earlier rows on the first hash, then needs the second too: a row
    sharing one 64-bit hash with an earlier one by chance is not a duplicate."""
    hashes = {"__h1": pl.UInt64, "__h2": pl.UInt64}
    seen = pl.DataFrame({"__h1": [1, 1, 5, 8], "__h2": [2, 9, 6, 8]}, schema=hashes)
    chunk = pl.DataFrame({"__h1": [1, 5, 7, 8], "__h2": [2, 7, 6, 8]}, schema=hashes)
    assert sorted(earlier_repeats(seen, chunk).rows()) == [(1, 2), (8, 8)]
    assert earlier_repeats(seen.clear(), chunk).height == 0
