"""Every case of the bad-input corpus (tests/bad_inputs.py): the expected outcome, a message
that names the file (and the row and column for row problems), conservation, and the other
files of the landing folder still loading."""

import json
from pathlib import Path

import polars as pl
import pytest

from schemas import reading
from schemas.reasons import REASONS
from tests.bad_inputs import CASES
from tests.helpers import dossier, dossier_in_month, ingest_every_partition, write_csv
from warehouse.inventory import record_landing
from warehouse.paths import DataPaths


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 90
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
    _nothing_personal_written(data)
    if case.outcome == "unmatched":
        found = [u for u in unmatched if u.path == path]
        assert found and case.fragment in found[0].reason
        assert case.code in ("", found[0].code)
        assert case.path not in by_file
        record_landing(landing, DataPaths(data))  # the file is listed in load_audit
        listed = json.loads(DataPaths(data).unmatched_audit.read_text(encoding="utf-8"))
        assert [r["reason_code"] for r in listed] == [found[0].code]
        return
    record = by_file[case.path]
    if case.outcome == "rejected":
        assert record.status == "rejected" and case.fragment in record.message
        assert record.rows_loaded == 0
        assert record.reason_code == (case.code or record.reason_code) != ""
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
    assert held["row_number"][0] == case.row if case.row else held["row_number"][0] >= 2
    assert held["reason_code"][0] in REASONS and case.code in ("", held["reason_code"][0])


def _nothing_personal_written(data: Path) -> None:
    """The corpus's name, phone and ID number (tests.helpers.dossier) are in no file the
    ingest wrote: staging, quarantine (reasons and masked raw cells) and audit records."""
    for written in data.rglob("*"):
        if written.is_file():
            content = (
                str(pl.read_parquet(written).rows())
                if written.suffix == ".parquet"
                else written.read_text(encoding="utf-8", errors="replace")
            )
            found = [v for v in PERSONAL if v in content]
            assert not found, (written, found)


PERSONAL = ("Nguyễn Văn Thử", "0912345678", "060123456789", "60123456789")


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


def test_one_id_number_written_the_ways_excel_mangles_it_is_one_key(tmp_path):
    landing, data = tmp_path / "landing", tmp_path / "data"
    ways = ["060123456789", "60123456789", "'060123456789", "060 123 456 789", "60123456789.0"]
    rows = [dossier(dossier_code=f"H{i}", applicant_key=key) for i, key in enumerate(ways)]
    rows.append(dossier(dossier_code="S", applicant_key="6.01235E+10"))
    write_csv(landing / "dossiers/ho_so_2024-01.csv", rows)
    _ingest_all(landing, data)
    keys = pl.read_parquet(DataPaths(data).staging("dossiers", "2024-01"))["applicant_key"]
    assert keys.head(5).n_unique() == 1 and keys[0] is not None
    assert keys[5] is None  # scientific notation lost the digits: no key, not a wrong one


def test_a_file_the_pipeline_may_not_read_is_rejected_alone(tmp_path, monkeypatch):
    landing, data = tmp_path / "landing", tmp_path / "data"
    write_csv(landing / "dossiers/ho_so_2024-02.csv", [dossier_in_month("OK", "02")])
    locked = write_csv(landing / "dossiers/ho_so_2024-01.csv", [dossier()])
    real_open = Path.open

    def refuse(self, *args, **kwargs):  # as chmod 000 does for any account but root
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    files, unmatched = _ingest_all(landing, data)
    assert [(f.source_file, f.status) for f in files] == [("dossiers/ho_so_2024-02.csv", "loaded")]
    (item,) = unmatched
    assert item.code == "file_unreadable" and "permissions" in item.reason
    record_landing(landing, DataPaths(data))
    (listed,) = json.loads(DataPaths(data).unmatched_audit.read_text(encoding="utf-8"))
    assert (listed["status"], listed["reason_code"]) == ("rejected", "file_unreadable")


@pytest.mark.parametrize(
    "failure", [ValueError("a cell"), pl.exceptions.PanicException("index out of bounds")]
)
def test_a_reader_failing_on_one_file_rejects_that_file_alone(tmp_path, monkeypatch, failure):
    landing, data = tmp_path / "landing", tmp_path / "data"
    write_csv(landing / "dossiers/ho_so_2024-02.csv", [dossier_in_month("OK", "02")])
    odd = write_csv(landing / "dossiers/ho_so_2024-01.csv", [dossier()])
    real = reading.read_tables

    def failing_on_one(path, spec, chunk_rows, scratch):
        if path == odd:
            raise failure
        yield from real(path, spec, chunk_rows, scratch)

    monkeypatch.setattr("warehouse.ingest.one_file.read_tables", failing_on_one)
    files, _ = _ingest_all(landing, data)
    by_file = {f.source_file: f for f in files}
    assert by_file["dossiers/ho_so_2024-02.csv"].status == "loaded"
    rejected = by_file["dossiers/ho_so_2024-01.csv"]
    assert (rejected.status, rejected.reason_code) == ("rejected", "file_unexpected")
    assert type(failure).__name__ in rejected.message and "a cell" not in rejected.message
