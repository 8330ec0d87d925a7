"""Tiny fixtures written into tmp_path: dossier and catalogue files with chosen cells."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from pipelines.bench import run_command
from pipelines.postgres import INSTALL_HINT, server_binaries
from schemas.dossiers import SPEC as DOSSIERS
from schemas.landing import discover
from schemas.registry import SOURCES
from schemas.spec import SourceSpec
from warehouse.ingest import IngestContext, PartitionOutcome, ingest_partition
from warehouse.paths import DataPaths

TEST_KEY = b"test-key"


def bin_path(name: str) -> str:
    """A console script of the virtualenv the tests run in."""
    return str(Path(sys.executable).parent / name)


def run_danvan(landing: Path, data: Path, env: dict | None = None, timeout: int = 300):
    """`danvan run` as a subprocess, its output captured as text."""
    command = run_command(landing, data)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)


def dossier(**cells: str) -> dict[str, str]:
    """A valid provincial dossier received in January 2024; cells override by column name."""
    row = {
        "dossier_code": "H1",
        "procedure_code": "1.001612",
        "agency_code": "H36.60.02",
        "admin_unit_code": "60",
        "level": "Tỉnh",
        "channel": "2",
        "received_at": "05/01/2024 08:00",
        "due_at": "10/01/2024 17:00",
        "finished_at": "09/01/2024 10:00",
        "status_code": "10",
        "applicant_name": "Nguyễn Văn Thử",
        "applicant_key": "060123456789",
        "applicant_phone": "0912345678",
    }
    row.update(cells)
    return row


def dossier_in_month(code: str, month: str, **cells: str) -> dict[str, str]:
    """A valid dossier received, due and finished within `month` (MM) of 2024."""
    dates = {
        "received_at": f"05/{month}/2024 08:00",
        "due_at": f"10/{month}/2024 17:00",
        "finished_at": f"09/{month}/2024 10:00",
    }
    return dossier(dossier_code=code, **{**dates, **cells})


def procedure(**cells: str) -> dict[str, str]:
    row = {
        "procedure_code": "1.001612",
        "procedure_name": "Cấp phiếu lý lịch tư pháp",
        "field": "Lý lịch tư pháp",
        "levels": "Tỉnh",
        "online_level": "Toàn trình",
        "full_online_eligible": "x",
        "has_fee": "x",
        "decision_date": "02/01/2024",
        "legal_effective_date": "15/01/2024",
        "published_at": "04/01/2024",
        "components_complete": "x",
        "status": "Đang áp dụng",
    }
    row.update(cells)
    return row


def frame(rows: list[dict[str, str]], spec: SourceSpec = DOSSIERS) -> pl.DataFrame:
    """Rows as a text frame with the spec's Vietnamese headers, in spec column order."""
    names = [c.name for c in spec.columns if any(c.name in r for r in rows)]
    headers = {c.name: c.header for c in spec.columns}
    data = {headers[n]: [r.get(n) for r in rows] for n in names}
    return pl.DataFrame(data, schema={headers[n]: pl.String for n in names})


def write_csv(
    path: Path, rows: list[dict[str, str]], spec: SourceSpec = DOSSIERS, sep: str = ","
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame(rows, spec).write_csv(path, separator=sep)
    return path


def ingest(landing: Path, data: Path, source: str, period: str) -> PartitionOutcome:
    deliveries, _ = discover(landing, SOURCES.values())
    context = IngestContext.standard(TEST_KEY, landing, dt.datetime(2025, 1, 1))
    return ingest_partition(SOURCES[source], period, deliveries, context, DataPaths(data))


def ingest_every_partition(landing: Path, data: Path, chunk_rows: dict[str, int] | None = None):
    """Every source × period of `landing`, loaded at a fixed time: (outcomes, unmatched files).
    `chunk_rows` per source reads every file of that source in chunks of that many rows."""
    deliveries, unmatched = discover(landing, SOURCES.values())
    context = IngestContext.standard(TEST_KEY, landing, dt.datetime(2026, 1, 1))
    outcomes = []
    for source, period in sorted({(d.source, d.period) for d in deliveries}):
        changes = {"whole_file_bytes": 0, "chunk_rows": chunk_rows[source]} if chunk_rows else {}
        mine = dataclasses.replace(context, **changes)
        outcomes.append(
            ingest_partition(SOURCES[source], period, deliveries, mine, DataPaths(data))
        )
    return outcomes, unmatched


def staged(data: Path, source: str, period: str) -> pl.DataFrame:
    return pl.read_parquet(DataPaths(data).staging(source, period))


def quarantined(data: Path, source: str, period: str) -> pl.DataFrame:
    return pl.read_parquet(DataPaths(data).quarantine(source, period))


def require_postgres() -> None:
    """Skip where no PostgreSQL server is installed, except in CI (.ci/run installs it and
    sets DANVAN_REQUIRE_POSTGRES=1, so a missing server fails there instead of hiding)."""
    if server_binaries() is None:
        if os.environ.get("DANVAN_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"DANVAN_REQUIRE_POSTGRES=1 but {INSTALL_HINT}")
        pytest.skip(INSTALL_HINT)


def event_log_text(instance) -> list[str]:
    """Every message and event payload of every run in a Dagster instance, as text, for scans
    that nothing personal reached Dagster's event log."""
    events = []
    for run in instance.get_runs():
        for record in instance.all_logs(run.run_id):
            events.append(record.user_message or "")
            if record.dagster_event is not None:
                events.append(json.dumps(str(record.dagster_event.event_specific_data)))
    return events


# how long stopping the UI may take: Dagster gives the webserver and then the daemon 60 s each
# to stop before it kills them (dagster/_cli/dev.py), then stops the code servers; on a loaded
# machine a daemon busy with its first evaluation uses that time
STOP_SECONDS = 300
