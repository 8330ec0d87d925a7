"""Status digits as the exporting system numbers them (SOURCES.md §1): the portal's 1–10 by
default, a configured mapping for a system that numbers its own way, or labels only; an
unmapped digit is quarantined, never guessed."""

import os

import duckdb
import pytest

from schemas.status_codes import StatusCodesError, status_digits
from tests.helpers import dossier, run_danvan, write_csv
from warehouse.paths import DataPaths


def test_the_portal_codes_by_default(monkeypatch):
    monkeypatch.delenv("DANVAN_STATUS_CODES", raising=False)
    assert status_digits() == {str(code): code for code in range(1, 11)}


def test_a_mapping_file_and_labels_only(tmp_path, monkeypatch):
    mapping = tmp_path / "codes.csv"
    mapping.write_text("code,status_code\n0,2\n5,10\n12,9\n", encoding="utf-8")
    monkeypatch.setenv("DANVAN_STATUS_CODES", str(mapping))
    assert status_digits() == {"0": 2, "5": 10, "12": 9}
    monkeypatch.setenv("DANVAN_STATUS_CODES", "labels")
    assert status_digits() == {}


@pytest.mark.parametrize(
    "text, message",
    [
        ("code,status\n5,10\n", "must name the columns code,status_code"),
        ("code,status_code\n5,11\n", "line 2: expected a digit code and a portal status 1–10"),
        ("code,status_code\nx,1\n", "line 2"),
    ],
)
def test_a_broken_mapping_names_file_and_line(tmp_path, monkeypatch, text, message):
    mapping = tmp_path / "codes.csv"
    mapping.write_text(text, encoding="utf-8")
    monkeypatch.setenv("DANVAN_STATUS_CODES", str(mapping))
    with pytest.raises(StatusCodesError, match=message):
        status_digits()


@pytest.mark.slow
def test_a_system_that_numbers_its_own_way_loads_through_its_mapping(tmp_path):
    landing, data = tmp_path / "landing", tmp_path / "data"
    rows = [
        dossier(dossier_code="A", status_code="5"),  # this system: 5 = result returned
        dossier(dossier_code="B", status_code="15"),  # a digit the mapping does not know
        dossier(dossier_code="C", status_code="Đang xử lý", finished_at=""),  # a label
    ]
    write_csv(landing / "dossiers/ho_so_2024-01.csv", rows)
    mapping = tmp_path / "codes.csv"
    mapping.write_text("code,status_code\n4,4\n5,10\n", encoding="utf-8")
    env = {**os.environ, "DANVAN_PII_KEY": "k", "DANVAN_STATUS_CODES": str(mapping)}
    run_danvan(landing, data, env=env)
    con = duckdb.connect(str(DataPaths(data).reporting_db), read_only=True)
    try:
        statuses = con.sql("select dossier_code, status_code from fact_dossier order by 1")
        assert statuses.fetchall() == [("A", 10), ("C", 4)]
        (reason,) = con.sql("select reason from quarantine").fetchall()[0]
        assert "Trạng thái" in reason and "is not one of" in reason
    finally:
        con.close()
