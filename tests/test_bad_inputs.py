"""Every case of the bad-input corpus (tests/bad_inputs.py): the expected outcome, a message
that names the file (and the row and column for row problems), conservation, and the other
files of the landing folder still loading."""

from pathlib import Path

import polars as pl
import pytest

from schemas import reading
from tests.bad_inputs import CASES
from tests.helpers import dossier, ingest_every_partition, write_csv
from warehouse.paths import DataPaths


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert {c.outcome for c in CASES} == {"accepted", "quarantined", "rejected", "unmatched"}


def _ingest_all(landing: Path, data: Path):
    outcomes, unmatched = ingest_every_partition(landing, data)
    return [f for o in outcomes for f in o.files], unmatched


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_input(tmp_path, case):
    landing, data = tmp_path / "landing", tmp_path / "data"
    write_csv(
        landing / "dossiers/ho_so_2024-02.csv",
        [
            dossier(
                dossier_code="OTHER",
                received_at="05/02/2024",
                due_at="10/02/2024",
                finished_at="09/02/2024",
            )
        ],
    )
    path = landing / case.path
    path.parent.mkdir(parents=True, exist_ok=True)
    case.write(path)
    files, unmatched = _ingest_all(landing, data)
    by_file = {f.source_file: f for f in files}
    other = by_file["dossiers/ho_so_2024-02.csv"]
    assert (other.status, other.rows_loaded) == ("loaded", 1)  # the rest of the landing loads
    assert all(f.conserved for f in files if f.status == "loaded")
    if case.outcome == "unmatched":
        reasons = [u.reason for u in unmatched if u.path == path]
        assert reasons and case.fragment in reasons[0]
        assert case.path not in by_file
        return
    record = by_file[case.path]
    if case.outcome == "rejected":
        assert record.status == "rejected" and case.fragment in record.message
        assert record.rows_loaded == 0
        return
    assert record.status == "loaded", record.message
    if case.outcome == "accepted":
        assert (record.rows_loaded, record.rows_quarantined) == (case.rows, 0)
        assert case.fragment in record.message + record.totals_message
        return
    held = pl.read_parquet(DataPaths(data).quarantine(record.source, record.period)).filter(
        pl.col("source_file") == case.path
    )
    assert held.height == case.rows == record.rows_quarantined
    assert case.fragment in held["reason"][0]
    assert case.column in held["columns"][0].split(", ")
    assert held["row_number"][0] >= 2


def test_a_file_that_changes_while_it_is_read_is_not_used(tmp_path, monkeypatch):
    landing, data = tmp_path / "landing", tmp_path / "data"
    path = write_csv(landing / "dossiers/ho_so_2024-01.csv", [dossier()])
    real = reading.read_tables

    def read_and_append(target, spec, chunk_rows, scratch):
        yield from real(target, spec, chunk_rows, scratch)
        with target.open("a", encoding="utf-8") as handle:  # the copy goes on meanwhile
            handle.write("more,bytes\n")

    monkeypatch.setattr("warehouse.ingest.one_file.read_tables", read_and_append)
    (record,), _ = _ingest_all(landing, data)
    assert record.status == "rejected" and "changed while it was being read" in record.message
    assert pl.read_parquet(DataPaths(data).staging("dossiers", "2024-01")).height == 0
    assert path.exists()
