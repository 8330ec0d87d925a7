"""fact_dossier follows its staging period by period instead of being rebuilt whole.

A dossier code can sit in several monthly files (the latest export wins), so a changed period
touches more than its own rows: every code that was, or now is, in a changed period is taken
out and rebuilt from all staging rows of those codes — the rows a full build would keep.
Which staging files the table reflects is kept in `pipeline.build_state` of build.duckdb and
written in the same transaction as the table: a killed update leaves the old table and state
or the new ones. Other SQL, other dimension rows, a first build, or more than half of the
periods changed: the table is rebuilt whole (the old one dropped first, so that the file does
not keep the space of both).

Every other table is built whole by its SQL (`build_whole`), and left as it is when its SQL,
the rows of what it reads and its own rows are those recorded at its last build.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.exports import ROWS_FINGERPRINT
from warehouse.files import stat_key
from warehouse.paths import DataPaths

MODEL = "__model__"  # the state row holding the fingerprint of the SQL and the dimensions
INPUTS = "__inputs__"  # the state row of a table built whole: its inputs and its own rows
REBUILT = "rebuilt whole"  # what a build says when it replaced the whole table
UNCHANGED = "unchanged"


@dataclass(frozen=True)
class PeriodTable:
    name: str
    source: str  # staging source, read through the stg_<source> view
    key: str  # one row per key in the table


INCREMENTAL = {
    "fact_dossier": PeriodTable("fact_dossier", "dossiers", "dossier_code"),
}


def staging_fingerprints(paths: DataPaths, source: str) -> dict[str, str]:
    """Period → size, times and inode of its staging file (rewritten whenever re-ingested)."""
    folder = paths.staging_glob(source).parent
    return {p.stem: ":".join(map(str, stat_key(p))) for p in sorted(folder.glob("*.parquet"))}


def _model_fingerprint(con: duckdb.DuckDBPyConnection, sql: str, dims: list[str]) -> str:
    """The SQL, this module's own logic and the rows of the tables joined in (`dims`): a change
    to any of them and the rows already in the table may no longer be what a full build gives."""
    digest = hashlib.sha256(sql.encode() + Path(__file__).read_bytes())
    for dim in dims:
        digest.update(f"{dim}:{_rows_fingerprint(con, dim)}".encode())
    return digest.hexdigest()


def build(
    con: duckdb.DuckDBPyConnection,
    table: PeriodTable,
    paths: DataPaths,
    full_sql: str,
    rows_sql: Callable[[str], str],
    dims: list[str],
    force: bool = False,
) -> str:
    """Bring `table` up to date with its staging (`force`: rebuilt whole); says what was done.
    `dims`: the tables its SQL joins in."""
    _state_table(con)
    now = staging_fingerprints(paths, table.source)
    exists = con.sql(
        "select count(*) from duckdb_tables() where schema_name = 'main' and table_name = ?",
        params=[table.name],
    ).fetchall()[0][0]
    model = _model_fingerprint(con, full_sql, dims)
    before = dict(
        con.execute(
            "select part, fingerprint from pipeline.build_state where table_name = ?",
            [table.name],
        ).fetchall()
    )
    previous_model = before.pop(MODEL, None)
    changed = sorted(p for p in set(now) | set(before) if now.get(p) != before.get(p))
    whole = force or not exists or model != previous_model or 2 * len(changed) > max(len(now), 1)
    if whole and exists:
        # the old table goes first, and a checkpoint frees its blocks for the new one: a
        # `create or replace` keeps both until it commits and leaves the file twice the size
        # for good (and every publish after it copies the file whole). A run
        # killed in between finds no table and state, and builds it whole.
        con.execute(f"drop table {table.name}")
        con.execute("delete from pipeline.build_state where table_name = ?", [table.name])
        con.execute("checkpoint")
    con.execute("begin transaction")
    try:
        if whole:
            con.execute(full_sql)
            done = REBUILT
        elif changed:
            replaced = _update(con, table, changed, rows_sql)
            done = f"{len(changed)} period(s) changed: {replaced:,} rows replaced"
        else:
            done = UNCHANGED
        con.execute("delete from pipeline.build_state where table_name = ?", [table.name])
        con.executemany(
            "insert into pipeline.build_state values (?, ?, ?)",
            [(table.name, MODEL, model), *((table.name, p, f) for p, f in now.items())],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return done


def _update(con, table: PeriodTable, changed: list[str], rows_sql) -> int:
    key, staging = table.key, f"stg_{table.source}"
    con.execute(
        "create or replace temp table _changed_periods as select unnest(?::varchar[]) as period",
        [changed],
    )
    con.execute(
        f"""create or replace temp table _changed_keys as
        select {key} from {table.name} where period in (select period from _changed_periods)
        union
        select {key} from {staging} where period in (select period from _changed_periods)"""
    )
    # which staging periods hold those keys, read on the key column alone; then whole rows
    # from those periods only
    con.execute(
        f"""create or replace temp table _key_periods as
        select distinct period from {staging} where {key} in (select {key} from _changed_keys)"""
    )
    con.execute(
        f"""create or replace temp table _changed_rows as
        select * from {staging} where period in (select period from _key_periods)
            and {key} in (select {key} from _changed_keys)"""
    )
    replaced = con.execute(
        f"delete from {table.name} where {key} in (select {key} from _changed_keys)"
    ).fetchall()[0][0]
    con.execute(f"insert into {table.name} by name {rows_sql('_changed_rows')}")
    for temporary in ("_changed_rows", "_key_periods", "_changed_keys", "_changed_periods"):
        con.execute(f"drop table {temporary}")
    return replaced


def build_whole(
    con: duckdb.DuckDBPyConnection, name: str, sql: str, inputs: list[str], force: bool = False
) -> str:
    """A table built whole by its SQL — unless the SQL, the rows of everything it reads and its
    own rows are those recorded when it was last built: then the same SQL would give the same
    rows, and it is left as it is. Its own rows are compared too, so a table changed by hand is
    rebuilt."""
    _state_table(con)
    before = con.execute(
        "select fingerprint from pipeline.build_state where table_name = ? and part = ?",
        [name, INPUTS],
    ).fetchall()
    read = _inputs_fingerprint(con, sql, inputs)
    if (
        not force
        and before
        and read is not None
        and before[0][0] == f"{read}|{_rows_fingerprint(con, name)}"
    ):
        return UNCHANGED
    con.execute("begin transaction")
    try:
        con.execute(sql)
        con.execute("delete from pipeline.build_state where table_name = ?", [name])
        if read is not None:
            con.execute(
                "insert into pipeline.build_state values (?, ?, ?)",
                [name, INPUTS, f"{read}|{_rows_fingerprint(con, name)}"],
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return REBUILT


def _state_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists pipeline")
    con.execute(
        "create table if not exists pipeline.build_state "
        "(table_name varchar, part varchar, fingerprint varchar)"
    )


def _inputs_fingerprint(con, sql: str, inputs: list[str]) -> str | None:
    """The SQL, the DuckDB version and the rows of every input; None if one cannot be read."""
    digest = hashlib.sha256(sql.encode() + duckdb.__version__.encode())
    for name in inputs:
        rows = _rows_fingerprint(con, name)
        if rows is None:
            return None
        digest.update(f"{name}:{rows}".encode())
    return digest.hexdigest()


def _rows_fingerprint(con, name: str) -> str | None:
    if name in INCREMENTAL:  # its build state says which staging rows it holds: no 10M-row scan
        state = con.execute(
            "select part, fingerprint from pipeline.build_state where table_name = ? order by 1",
            [name],
        ).fetchall()
        return hashlib.sha256(repr(state).encode()).hexdigest() if state else None
    try:
        return con.sql(f"select {ROWS_FINGERPRINT} from {name} t").fetchall()[0][0]
    except duckdb.CatalogException:
        return None
