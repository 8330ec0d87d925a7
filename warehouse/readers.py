"""The storage format of the warehouse files: one every DuckDB 1.x tool reads.

DuckDB 2 writes storage version 69 by default, which the DuckDB 1.x CLI, the engines inside
Evidence and Observable and the 1.x JDBC/ODBC drivers refuse to open. build.duckdb is therefore
created in `STORAGE_VERSION`, the oldest format that keeps everything the warehouse holds
(tables and their types, COMMENTs, macros): DuckDB 1.0 and every later version read it, and the
published file — a copy of the build — is in that format too, without a second write of every
table at each publish. (A file keeps the format it was created in; an older build.duckdb in a
newer format is converted once, with COPY FROM DATABASE.)
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from warehouse.exports import sql_path

STORAGE_VERSION = "v1.0.0"  # header storage number 64: read by DuckDB 1.0 … 1.5 and 2.x
STORAGE_NUMBER = 64
# types a 1.x reader cannot decode: a column of one makes it refuse the whole file
UNREADABLE_BY_1X = ("TIMESTAMPTZ_NS", "VARIANT")


def storage_number(path: Path) -> int:
    """The storage number in a DuckDB file's header (64–68 for the 1.x formats)."""
    with path.open("rb") as file:
        header = file.read(13)
    if len(header) < 13 or header[8:12] != b"DUCK":
        raise ValueError(f"{path} is not a DuckDB database file")
    return header[12]


def convert_if_newer(database: Path, memory_limit: str, temp_dir: Path) -> bool:
    """Rewrite `database` in STORAGE_VERSION when an older release of the project created it
    in a newer format; says whether it did."""
    if not database.exists() or storage_number(database) <= STORAGE_NUMBER:
        return False
    converted = database.with_name(f".{database.name}.{os.getpid()}.converting")
    converted.unlink(missing_ok=True)
    temp_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"memory_limit": memory_limit, "temp_directory": str(temp_dir)})
    try:
        con.execute(f"attach {sql_path(database)} as old")
        con.execute("checkpoint old")  # a killed run's WAL goes into the copy too
        con.execute(f"attach {sql_path(converted)} as new (storage_version '{STORAGE_VERSION}')")
        con.execute("copy from database old to new")
        con.execute("detach new")
        con.execute("detach old")
    except BaseException:
        converted.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    os.replace(converted, database)
    return True


def check_readable(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Raise if a DuckDB 1.x tool could not open the database file `path` that `con` has open
    (its format, or a column type 1.x does not know)."""
    number = storage_number(path)
    if number > STORAGE_NUMBER:
        raise ValueError(
            f"{path} has storage number {number}: DuckDB 1.x reads {STORAGE_NUMBER} "
            f"({STORAGE_VERSION}); it was not created by the pipeline's connection"
        )
    unreadable = con.sql(
        "select table_name || '.' || column_name || ' ' || data_type from duckdb_columns() "
        "where schema_name = 'main' and not internal and ("
        + " or ".join(f"data_type like '%{kind}%'" for kind in UNREADABLE_BY_1X)
        + ")"
    ).fetchall()
    if unreadable:
        raise ValueError(
            "DuckDB 1.x cannot read these columns, so it could not open the published file "
            "at all: " + ", ".join(c for (c,) in unreadable) + " (cast them in their SQL)"
        )
