"""What one ingest tells: a record per file (a row of load_audit) and a summary per period."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import polars as pl


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
    reason_code: str = ""  # why a file was rejected (schemas/reasons.py); "" when loaded
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


def audit_text(files: list[FileOutcome]) -> str:
    return json.dumps([asdict(f) for f in files], ensure_ascii=False, indent=1)


QUARANTINE_SCHEMA = {
    "source": pl.String,
    "source_file": pl.String,
    "period": pl.String,
    "row_number": pl.Int64,
    "columns": pl.String,
    "reason": pl.String,
    "reason_code": pl.String,  # the first reason's (schemas/reasons.py)
    "raw": pl.String,
}
