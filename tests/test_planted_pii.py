"""Personal data planted where people type it by mistake — every free-text column of every
source, a row that lost a cell, a CSV line that cannot be parsed, a signature footer — then a
whole run through Dagster, and a scan of everything the run wrote: the published file, the
build, staging, quarantine, audit JSON, exports, the report, Dagster's event log and the run's
output. None of the planted values is found anywhere (SOURCES.md "Personal data")."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines.runner import run_pipeline
from schemas.registry import SOURCES
from tests.helpers import dossier, dossier_in_month, event_log_text, procedure, write_csv
from tests.test_sources import activity, event, item, model
from warehouse.settings import Settings

NAME, PHONE, ID_NUMBER = "Trần Thị Mận", "0987 654 321", "079188001234"
NEEDLES = (NAME, "Thị Mận", PHONE, PHONE.replace(" ", ""), ID_NUMBER, "Lê Văn Khế", "0903111222")
PLANT = f"{NAME} ĐT {PHONE} CCCD {ID_NUMBER}"

# text columns that hold codes or unit names: checked against a pattern or the reference, so a
# name typed there is quarantined (and scrubbed in `raw`), never staged; every other text column
# is free text and scrubbed (`Column.free_text`)
CODE_COLUMNS = {
    "dossier_code",
    "procedure_code",
    "agency_code",
    "admin_unit_code",
    "feedback_code",
    "levels",
    "decision_number",
    "admin_unit",
    "recognised_level",
}

ROWS = {
    "dossiers": ("dossiers/ho_so_2024-01.csv", dossier),
    "procedures": ("procedures/danh_muc_tthc_2024-12-31.csv", procedure),
    "engagement": ("engagement/tiep_dan_doi_thoai_2024-Q1.csv", event),
    "feedback": ("feedback/pakn_2024-01.csv", item),
    "welfare": ("welfare/an_sinh_HND_2024-Q1.csv", activity),
    "models": ("models/dan_van_kheo_2024.csv", model),
}


def test_every_text_column_is_free_text_or_a_checked_code():
    for spec in SOURCES.values():
        for column in spec.columns:
            if column.kind == "text":
                assert column.free_text != (column.name in CODE_COLUMNS), (spec.name, column)


def _planted_row(spec, make):
    """A valid row whose free-text columns also hold a name, a phone and an ID number."""
    base = make()
    planted = {c: f"{base.get(c) or 'Ghi chú'} - {PLANT}" for c in spec.free_text_columns}
    return make(**planted)


def _landing(landing: Path) -> None:
    for name, (path, make) in ROWS.items():
        spec = SOURCES[name]
        write_csv(landing / path, [_planted_row(spec, make)], spec)
    # a row that lost its first cell: the applicant's name stands where a code should be
    shifted = dossier(dossier_code="H2", applicant_name="Lê Văn Khế", applicant_phone="0903111222")
    values = list(shifted.values())
    lost = dict(zip(shifted, [*values[1:], ""], strict=True))
    lost["admin_unit_code"] = "Lê Văn Khế"
    write_csv(landing / "dossiers/ho_so_2024-02.csv", [lost])
    # a line with one cell too many, and a signature footer under a table
    text = (landing / "dossiers/ho_so_2024-01.csv").read_text(encoding="utf-8")
    header = text.splitlines()[0]
    broken = f"{header}\nX,1.001612,{NAME},H60.02,60,{PHONE},{ID_NUMBER},a,b,c,d,e,f,g,h,i\n"
    (landing / "dossiers/ho_so_2024-03.csv").write_text(broken, encoding="utf-8")
    # files that once stopped every publish: a hand-renamed stamp, a name in legacy bytes, an
    # archive renamed .csv
    valid = (landing / "dossiers/ho_so_2024-01.csv").read_bytes()
    (landing / "dossiers/ho_so_2024-05__20241345250000.csv").write_bytes(valid)
    (landing / os.fsdecode(b"dossiers/h\xf4_s\xd5_2024-05.csv")).write_bytes(valid)
    (landing / "dossiers/ho_so_2024-06.csv").write_bytes(gzip.compress(valid))
    footer = landing / "dossiers/ho_so_2024-04.csv"
    write_csv(footer, [dossier_in_month("F1", "04")])
    with footer.open("a", encoding="utf-8") as handle:
        handle.write(f"Người lập biểu,,,\n{NAME} - ĐT: {PHONE},,,\n")


def _database_text(path: Path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.sql(
            "select schema_name, table_name from duckdb_tables() where not internal"
        ).fetchall()
        return "\n".join(str(con.sql(f'select * from "{s}"."{t}"').fetchall()) for s, t in tables)
    finally:
        con.close()


def _written_text(data: Path) -> dict[str, str]:
    texts = {}
    for path in data.rglob("*"):
        if not path.is_file() or path.suffix in (".wal", ".lock"):
            continue
        if path.suffix == ".duckdb":
            texts[str(path)] = _database_text(path)
        elif path.suffix == ".parquet":
            texts[str(path)] = str(pl.read_parquet(path).rows())
        else:
            texts[str(path)] = path.read_text(encoding="utf-8", errors="replace")
    return texts


@pytest.mark.slow
def test_planted_personal_data_is_nowhere_the_run_writes(tmp_path, monkeypatch, capfd):
    landing, data = tmp_path / "landing", tmp_path / "data"
    _landing(landing)
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    instance = dg.DagsterInstance.get()
    lines: list[str] = []
    summary = run_pipeline(Settings.from_env(landing, data), lines.append, instance=instance)
    captured = capfd.readouterr()
    assert summary.published, lines  # the odd files did not stop the publish
    audit = _database_text(data / "reporting.duckdb")
    for code in ("file_bad_csv", "name_bad_stamp", "name_bad_encoding", "file_compressed"):
        assert code in audit  # each odd file is listed in load_audit, rejected alone
    events = event_log_text(instance)
    places = {
        **_written_text(data),
        "dagster events": "\n".join(events),
        "run output": "\n".join([*lines, captured.out, captured.err]),
    }
    assert len(events) > 50
    found = {(where, n) for where, text in places.items() for n in NEEDLES if n in text}
    assert not found
    # the free text itself is kept, the personal part replaced by markers
    staged = _database_text(data / "reporting.duckdb")
    assert "Quỹ Vì người nghèo - [tên đã ẩn] ĐT [số đã ẩn] CCCD [số đã ẩn]" in staged
