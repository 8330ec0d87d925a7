"""What the rules need besides the file: the PII key, reference data, the landing root."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from schemas.units import district_lookup
from warehouse import reference
from warehouse.ingest.settings import whole_number_setting
from warehouse.ingest.version import CODE_VERSION


@dataclass(frozen=True)
class IngestContext:
    """What the rules need besides the file: keys, reference data, the landing root."""

    pii_key: bytes
    landing: Path
    units: pl.DataFrame  # code, valid_from, valid_to (reference.unit_intervals)
    district_lookup: dict[str, str]  # typed district name key → GSO code
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
        return hashlib.sha256((CODE_VERSION + key).encode()).hexdigest()[:16]

    @classmethod
    def standard(cls, pii_key: bytes, landing: Path, loaded_at: dt.datetime | None = None):
        units = reference.admin_units()
        districts = (
            units.filter(
                (pl.col("level") == "district") & (pl.col("parent_code") == reference.PROVINCE_CODE)
            )
            .select("code", "name")
            .unique()
        )
        return cls(
            pii_key=pii_key,
            landing=landing,
            units=reference.unit_intervals(),
            district_lookup=district_lookup(districts, reference.PROVINCE_CODE),
            **({"loaded_at": loaded_at} if loaded_at else {}),
        )
