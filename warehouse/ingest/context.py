"""What the rules need besides the file: the PII key, reference data, the landing root."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from schemas.units import name_lookup
from warehouse import reference
from warehouse.ingest.scrub import place_keys
from warehouse.ingest.settings import whole_number_setting
from warehouse.ingest.version import CODE_VERSION


@dataclass(frozen=True)
class IngestContext:
    """What the rules need besides the file: keys, reference data, the landing root."""

    pii_key: bytes
    landing: Path
    units: pl.DataFrame  # code, valid_from, valid_to (reference.unit_intervals)
    unit_names: pl.DataFrame  # key, code, valid_from, valid_to (schemas.units.name_lookup)
    places: frozenset[str] = frozenset()  # place-name keys: not personal names (scrub.py)
    loaded_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    # A file up to `whole_file_bytes` (a province's month: ≈ 750k rows, 190 MB) is read and
    # checked whole, the fastest way; a larger one (a national roll-up) in chunks of
    # `chunk_rows`, so memory follows the chunk, not the file (docs/performance.md).
    chunk_rows: int = field(
        default_factory=lambda: whole_number_setting("DANVAN_INGEST_CHUNK_ROWS")
    )
    whole_file_bytes: int = field(
        default_factory=lambda: whole_number_setting("DANVAN_INGEST_WHOLE_FILE_MB") * 2**20
    )

    @property
    def version(self) -> str:
        """Changes when the ingest code, the reference data or the PII key change: staged rows
        of unchanged files are reused only when it has not."""
        key = hashlib.sha256(b"danvan-key-fingerprint" + self.pii_key).hexdigest()
        scope = repr(reference.scope())  # the units and names a row may use
        return hashlib.sha256((CODE_VERSION + key + scope).encode()).hexdigest()[:16]

    @classmethod
    def standard(cls, pii_key: bytes, landing: Path, loaded_at: dt.datetime | None = None):
        return cls(
            pii_key=pii_key,
            landing=landing,
            units=reference.unit_intervals(),
            unit_names=name_lookup(reference.admin_units(), reference.scope().legacy_province),
            places=place_keys(reference.admin_units().get_column("name").to_list()),
            **({"loaded_at": loaded_at} if loaded_at else {}),
        )
