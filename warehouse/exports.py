"""Parquet exports for BI tools: every published table in a new version folder, swapped in
with a symlink so readers never see half an export.

Each file is typed as its table (DATE, BIGINT, DECIMAL — HUGEINT sums as BIGINT, which Parquet
has) and carries the table's and columns' descriptions in its key-value metadata. The large
tables are one file per period, and a period whose rows are those of the previous export is
hard-linked instead of written again: a run that changed one month writes one month.
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


def write_version(
    con: duckdb.DuckDBPyConnection,
    paths: DataPaths,
    run_id: str,
    periods: dict[str, dict[str, str]] | None = None,
) -> Path:
    """One Parquet file per published table, in a new version folder; the large tables
    one file per period (a folder named after the table, holding nothing but those files).
    `periods`: period_fingerprints(con), when the caller has them already."""
    link = paths.exports
    previous = link.resolve() if link.is_symlink() and link.resolve().is_dir() else None
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    folder = paths.root / "exports_versions" / f"{stamp}_{run_id[:8]}"
    folder.mkdir(parents=True, exist_ok=True)
    tables = con.sql(
        "select table_name from duckdb_tables() where schema_name = 'main' and not temporary"
    ).fetchall()
    periods = periods if periods is not None else period_fingerprints(con)
    try:
        for (table,) in tables:
            if table in EXPORTED_BY_PERIOD:
                _export_by_period(con, table, folder / table, previous, periods[table])
            else:
                _copy(con, table, *_metadata(con, table), "true", folder / f"{table}.parquet")
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
FINGERPRINT_KEY = "rows_fingerprint"  # Parquet key-value metadata of a period's file
# Parquet has no 128-bit integer: DuckDB would write HUGEINT sums as floating point
EXPORTED_AS = {"HUGEINT": "BIGINT", "UHUGEINT": "BIGINT"}


def period_fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """ROWS_FINGERPRINT of each period's rows, for each table exported by period."""
    return {
        table: {
            str(period): fingerprint
            for period, fingerprint in con.sql(
                f"select {column}, {ROWS_FINGERPRINT} from {table} t group by 1"
            ).fetchall()
        }
        for table, column in EXPORTED_BY_PERIOD.items()
    }


def table_fingerprints(periods: dict[str, dict[str, str]]) -> dict[str, str]:
    """A table's ROWS_FINGERPRINT from those of its periods: the row-hash sums and the counts
    of the periods add up to the table's."""
    found = {}
    for table, by_period in periods.items():
        parts = [value.split(":") for value in by_period.values()]
        sums = [int(total) for total, _ in parts if total]
        found[table] = f"{sum(sums) if sums else ''}:{sum(int(count) for _, count in parts)}"
    return found


def _metadata(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str, dict[str, str]]:
    """The select list typed for Parquet, and the key-value metadata describing the table."""
    columns = con.sql(
        "select column_name, data_type, comment from duckdb_columns() "
        "where schema_name = 'main' and table_name = ? order by column_index",
        params=[table],
    ).fetchall()
    (comment,) = con.sql(
        "select comment from duckdb_tables() where schema_name = 'main' and table_name = ?",
        params=[table],
    ).fetchall()[0]
    select = ", ".join(
        f'cast("{name}" as {EXPORTED_AS[kind]}) as "{name}"' if kind in EXPORTED_AS else f'"{name}"'
        for name, kind, _ in columns
    )
    described = {name: text or "" for name, _, text in columns}
    metadata = {
        "table": table,
        "description": comment or "",
        "column_descriptions": json.dumps(described, ensure_ascii=False),
    }
    return select, metadata


def _kv(metadata: dict[str, str]) -> str:
    def text(value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    return "{" + ", ".join(f"{text(k)}: {text(v)}" for k, v in metadata.items()) + "}"


def _copy(con, table: str, select: str, metadata: dict[str, str], where: str, path: Path) -> None:
    con.execute(
        f"copy (select {select} from {table} where {where}) to {sql_path(path)} "
        f"(format parquet, kv_metadata {_kv(metadata)})"
    )


def _previous_fingerprints(con, earlier: Path | None) -> dict[str, str]:
    """File name → the fingerprint written into it, in the previous export of the table."""
    if earlier is None or not any(earlier.glob("*.parquet")):
        return {}
    files = sql_path(earlier / "*.parquet")
    rows = con.sql(
        f"select file_name, decode(value) from parquet_kv_metadata({files}) "
        f"where decode(key) = '{FINGERPRINT_KEY}'"
    ).fetchall()
    return {Path(name).name: value for name, value in rows}


def _export_by_period(
    con, table: str, target: Path, previous: Path | None, fingerprints: dict[str, str]
) -> None:
    """One file per period. A period whose rows hash as in the previous export is hard-linked
    from it instead of written again, so a run that changed one month writes one month. Each
    file carries its ROWS_FINGERPRINT in its own metadata, so the folder holds only Parquet."""
    target.mkdir(parents=True)
    earlier = previous / table if previous else None
    before = _previous_fingerprints(con, earlier)
    select, metadata = _metadata(con, table)
    column = EXPORTED_BY_PERIOD[table]
    written = []
    for period, fingerprint in sorted(fingerprints.items()):
        name = f"{period}.parquet"
        if before.get(name) == fingerprint:
            os.link(earlier / name, target / name)
        else:
            written.append((period, fingerprint, target / name))

    def write(period: str, fingerprint: str, path: Path) -> None:
        value = "null" if period == "None" else "'" + period.replace("'", "''") + "'"
        cursor = con.cursor()  # one per thread: a connection runs one statement at a time
        try:
            where = f"{column} is not distinct from {value}"
            described = {**metadata, FINGERPRINT_KEY: fingerprint}
            _copy(cursor, table, select, described, where, path)
        finally:
            cursor.close()

    # two periods at a time: one copy leaves a core idle part of the time
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda job: write(*job), written))


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
