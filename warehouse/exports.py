"""Parquet exports for BI tools: every published table in a new version folder, swapped in
with a symlink so readers never see half an export.

The large tables are one file per period, and a period whose rows are those of the previous
export is hard-linked instead of written again: a run that changed one month writes one month.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from warehouse.paths import DataPaths


def sql_path(path: Path) -> str:
    return "'" + path.as_posix().replace("'", "''") + "'"


def write_version(con: duckdb.DuckDBPyConnection, paths: DataPaths, run_id: str) -> Path:
    """One Parquet file per published table, in a new version folder; the large tables
    one file per period (a folder named after the table)."""
    link = paths.exports
    previous = link.resolve() if link.is_symlink() and link.resolve().is_dir() else None
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    folder = paths.root / "exports_versions" / f"{stamp}_{run_id[:8]}"
    folder.mkdir(parents=True, exist_ok=True)
    tables = con.sql(
        "select table_name from duckdb_tables() where schema_name = 'main' and not temporary"
    ).fetchall()
    try:
        for (table,) in tables:
            column = EXPORTED_BY_PERIOD.get(table)
            if column is None:
                target = sql_path(folder / f"{table}.parquet")
                con.execute(f"copy {table} to {target} (format parquet)")
            else:
                _export_by_period(con, table, column, folder / table, previous)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # half an export is never linked
        raise
    for written in folder.rglob("*"):
        if written.is_file():
            # read-only: a month's file is shared (hard-linked) with the next versions, so a
            # tool writing into one must not change what another version shows
            written.chmod(0o444)
    return folder


# the row count and the sum of DuckDB's 64-bit row hashes of relation `t`: the same rows give the
# same value whatever their order, other rows another one (but for a chance collision)
ROWS_FINGERPRINT = "coalesce(cast(sum(hash(t)) as varchar), '') || ':' || count(*)"
EXPORTED_BY_PERIOD = {"fact_dossier": "period"}  # table → column: one Parquet file per value
MANIFEST = "_fingerprints.json"


def _export_by_period(con, table: str, column: str, target: Path, previous: Path | None) -> None:
    """One file per period. A period whose rows hash as in the previous export is hard-linked
    from it instead of written again, so a run that changed one month writes one month.
    (ROWS_FINGERPRINT of each period's rows.)"""
    target.mkdir(parents=True)
    fingerprints = {
        period: fingerprint
        for period, fingerprint in con.sql(
            f"select {column}, {ROWS_FINGERPRINT} from {table} t group by 1"
        ).fetchall()
    }
    earlier = previous / table if previous else None
    before = {}
    if earlier is not None and (earlier / MANIFEST).exists():
        before = json.loads((earlier / MANIFEST).read_text(encoding="utf-8"))
    written = []
    for period, fingerprint in sorted(fingerprints.items(), key=lambda item: str(item[0])):
        name = f"{period}.parquet"
        if before.get(str(period)) == fingerprint and (earlier / name).exists():
            os.link(earlier / name, target / name)
        else:
            written.append((period, target / name))

    def write(period, path: Path) -> None:
        value = "null" if period is None else "'" + str(period).replace("'", "''") + "'"
        cursor = con.cursor()  # one per thread: a connection runs one statement at a time
        try:
            cursor.execute(
                f"copy (select * from {table} where {column} is not distinct from {value}) "
                f"to {sql_path(path)} (format parquet)"
            )
        finally:
            cursor.close()

    # two periods at a time: one copy leaves a core idle part of the time
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda job: write(*job), written))
    manifest = {str(period): fingerprint for period, fingerprint in fingerprints.items()}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def published_fingerprints(con: duckdb.DuckDBPyConnection, paths: DataPaths) -> dict[str, str]:
    """ROWS_FINGERPRINT of each table exported by period, for the published database `con`
    reads, added up from the manifest of the export published with it — the version folder
    named after the run of its last publish_log row (the last appended: a clock set back
    does not make an older publish look newer): the periods' row-hash sums and counts are the
    table's, so the GX step need not hash every row of fact_dossier again. A
    table whose manifest is not found is left out (the caller hashes it)."""
    try:
        runs = con.sql("select run_id from publish_log order by rowid desc limit 1").fetchall()
    except duckdb.CatalogException:
        return {}
    folders = list((paths.root / "exports_versions").glob(f"*_{runs[0][0][:8]}")) if runs else []
    if len(folders) != 1:
        return {}  # the version folder is gone (or two share a run prefix): no guess
    found = {}
    for table in EXPORTED_BY_PERIOD:
        try:
            periods = json.loads((folders[0] / table / MANIFEST).read_text(encoding="utf-8"))
            sums, counts = zip(*(v.split(":") for v in periods.values()), strict=True)
            found[table] = f"{sum(map(int, sums))}:{sum(map(int, counts))}"
        except (OSError, ValueError, AttributeError):
            continue  # missing, damaged or empty: hashed by the caller
    return found


def swap_link(link: Path, folder: Path, keep: int = 2) -> None:
    """Point `link` at `folder` atomically (a symlink replaced with os.replace); keep the
    previous versions a reader may still be reading."""
    temporary = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(folder.relative_to(link.parent), target_is_directory=True)
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # an exports folder from an older layout
    os.replace(temporary, link)
    versions = sorted(folder.parent.iterdir())
    for old in versions[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
