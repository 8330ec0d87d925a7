"""The ingest's settings from the environment (docs/settings.md), checked before a run starts."""

from __future__ import annotations

import os

INGEST_SETTINGS = {  # environment variable → default (docs/settings.md)
    "DANVAN_INGEST_WORKERS": 1,
    "DANVAN_INGEST_CHUNK_ROWS": 250_000,
    "DANVAN_INGEST_WHOLE_FILE_MB": 256,
}


def whole_number_setting(name: str) -> int:
    """One of INGEST_SETTINGS: a whole number ≥ 1, or a ValueError that names it."""
    text = os.environ.get(name, str(INGEST_SETTINGS[name])).strip()
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{name} must be a whole number ≥ 1, got {text!r}")
    return int(text)


def check_ingest_settings() -> None:
    """Raise before a run starts, not half-way through it: the numbers above, the province
    served (DANVAN_PROVINCE, DANVAN_LEGACY_PROVINCE) and the status codes of the exports."""
    from schemas.status_codes import status_digits
    from warehouse.reference import scope

    for name in INGEST_SETTINGS:
        whole_number_setting(name)
    scope()
    status_digits()
