"""How the exporting system numbers dossier statuses.

The one-stop systems sync with the national portal in its codes 1–10 (SOURCES.md §1), and a
digit is read as such by default. A system that numbers its statuses its own way (one uses 0–19,
with 5 = returned) is configured with `DANVAN_STATUS_CODES`: the path of a CSV with the columns
`code,status_code` (that system's digit → the portal's code), or `labels` to read the status
labels only. A digit the configuration does not map is quarantined, never guessed.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

PORTAL_CODES = range(1, 11)
LABELS_ONLY = "labels"


class StatusCodesError(ValueError):
    """The status-code configuration cannot be used (names the file and the line)."""


def status_digits() -> dict[str, int]:
    """Digit text → portal status code, as configured (see the module's docstring)."""
    setting = os.environ.get("DANVAN_STATUS_CODES", "").strip()
    if not setting:
        return {str(code): code for code in PORTAL_CODES}
    if setting == LABELS_ONLY:
        return {}
    return _read_mapping(Path(setting))


def _read_mapping(path: Path) -> dict[str, int]:
    if not path.is_file():
        raise StatusCodesError(f"DANVAN_STATUS_CODES: {path} is not a file")
    mapping: dict[str, int] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.DictReader(handle)
        if not {"code", "status_code"} <= set(rows.fieldnames or ()):
            raise StatusCodesError(f"{path}: the header must name the columns code,status_code")
        for line, row in enumerate(rows, start=2):
            code, target = (row["code"] or "").strip(), (row["status_code"] or "").strip()
            if not code.isdigit() or not target.isdigit() or int(target) not in PORTAL_CODES:
                raise StatusCodesError(
                    f"{path}, line {line}: expected a digit code and a portal status 1–10"
                )
            mapping[str(int(code))] = int(target)
    return mapping
