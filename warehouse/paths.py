"""Every path under the data directory, derived from the one DANVAN_DATA_DIR setting."""

import shutil
from dataclasses import dataclass
from pathlib import Path


def free_bytes(folder: Path) -> int:
    """Free bytes on the disk of `folder`, or of its nearest existing parent (not made yet)."""
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    return shutil.disk_usage(existing).free


@dataclass(frozen=True)
class DataPaths:
    root: Path

    def staging(self, source: str, period: str) -> Path:
        return self.root / "staging" / source / f"{period}.parquet"

    def quarantine(self, source: str, period: str) -> Path:
        return self.root / "quarantine" / source / f"{period}.parquet"

    def audit(self, source: str, period: str) -> Path:
        return self.root / "audit" / source / f"{period}.json"

    def staging_glob(self, source: str) -> Path:
        return self.root / "staging" / source / "*.parquet"

    @property
    def quarantine_glob(self) -> Path:
        return self.root / "quarantine" / "*" / "*.parquet"

    @property
    def audit_glob(self) -> Path:
        return self.root / "audit" / "*" / "*.json"

    @property
    def unmatched_audit(self) -> Path:
        """Audit records of the landing files no source claims (warehouse/inventory.py)."""
        return self.root / "audit" / "_landing" / "unmatched.json"

    def reference(self, name: str) -> Path:
        """A reference file the province supplied in the landing folder, as last staged."""
        return self.root / "reference" / name

    @property
    def build_db(self) -> Path:
        return self.root / "build.duckdb"

    @property
    def reporting_db(self) -> Path:
        return self.root / "reporting.duckdb"

    @property
    def exports(self) -> Path:
        return self.root / "exports"
