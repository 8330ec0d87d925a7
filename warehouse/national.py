"""A national roll-up: every province's exports ingested by the one generic ingest path, each
province × period on its own (docs/scale-out.md), then one writer rolling them up.

Layout, all derived from the two folder settings:
- landing: `<DANVAN_NATIONAL_LANDING_DIR>/<province code>/<source folder>/<file>` — a province's
  folder is laid out as a province's own landing folder;
- staging, quarantine, audit: `<DANVAN_DATA_DIR>/national/province=<code>/…`, the paths of a
  province's own data folder (DataPaths), so a hive-partitioned glob reads them all;
- the roll-up: `<DANVAN_DATA_DIR>/national/national.duckdb`, replaced atomically.
"""

from __future__ import annotations

import os
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from schemas.landing import discover
from schemas.spec import SourceSpec
from warehouse.atomic import replacing
from warehouse.build import SQL_DIR
from warehouse.ingest import IngestContext, PartitionOutcome, ingest_periods
from warehouse.paths import DataPaths
from warehouse.reference import REFERENCE_DIR

PROVINCES_CSV = REFERENCE_DIR / "provinces_2025.csv"
LANDING_SETTING = "DANVAN_NATIONAL_LANDING_DIR"
DEFAULT_LANDING = "data/national_landing"
ROLLUP_SQL = SQL_DIR / "national" / "national_dossier_monthly.sql"


def provinces() -> pl.DataFrame:
    """The 34 provinces since 2025-07-01: code, name (reference/README.md)."""
    return pl.read_csv(PROVINCES_CSV, infer_schema=False)


def province_codes() -> list[str]:
    return provinces()["code"].to_list()


def national_landing() -> Path:
    return Path(os.environ.get(LANDING_SETTING) or DEFAULT_LANDING)


@dataclass(frozen=True)
class NationalFolders:
    landing: Path  # one folder per province code
    data: Path  # DANVAN_DATA_DIR

    @property
    def root(self) -> Path:
        return self.data / "national"

    def province_landing(self, code: str) -> Path:
        return self.landing / code

    def province_data(self, code: str) -> DataPaths:
        return DataPaths(self.root / f"province={code}")

    def staging_glob(self, source: str) -> Path:
        return self.root / "province=*" / "staging" / source / "*.parquet"

    @property
    def rollup_db(self) -> Path:
        return self.root / "national.duckdb"


def ingest_province(
    spec: SourceSpec,
    code: str,
    periods: list[str],
    folders: NationalFolders,
    pii_key: bytes,
    progress: Callable[[str], None] | None = None,
) -> Iterator[PartitionOutcome]:
    """The periods of one source of one province, exactly as a province's own pipeline ingests
    them (reading, rules, quarantine, newest delivery wins, unchanged periods reused)."""
    landing = folders.province_landing(code)
    deliveries, _ = discover(landing, [spec])
    context = IngestContext.standard(pii_key, landing)
    yield from ingest_periods(
        spec, periods, deliveries, context, folders.province_data(code), progress=progress
    )


def build_rollup(folders: NationalFolders, memory_limit: str = "2GB") -> dict[str, int]:
    """national.duckdb from every province's staged dossiers: written beside, then swapped in,
    so readers keep the previous roll-up until it is whole. Returns row counts."""
    staging = folders.staging_glob("dossiers")
    if not list(folders.root.glob("province=*/staging/dossiers/*.parquet")):
        raise FileNotFoundError(f"no province has staged dossiers yet ({staging})")
    sql = string.Template(ROLLUP_SQL.read_text(encoding="utf-8")).substitute(
        staging=_quoted(staging),
        quarantine=_quoted(folders.root / "province=*" / "quarantine" / "dossiers" / "*.parquet"),
        provinces=_quoted(PROVINCES_CSV),
    )
    with replacing(folders.rollup_db) as building:
        con = duckdb.connect(str(building))
        try:
            con.execute(f"set memory_limit = '{memory_limit}'")
            con.execute(sql)
            con.execute("checkpoint")
            (rows,) = con.execute("select count(*) from national_dossier_monthly").fetchall()[0]
            (dossiers,) = con.execute(
                "select sum(dossiers) from national_dossier_monthly"
            ).fetchall()[0]
        finally:
            con.close()
    return {"rows": rows, "dossiers": int(dossiers or 0)}


def _quoted(path: Path) -> str:
    """A path inside a SQL string literal."""
    return str(path).replace("'", "''")
