"""The build database (one writer at a time) and its atomic publication.

`build.duckdb` is only ever opened by the pipeline, under an exclusive file lock so that two
processes wait for each other instead of failing on DuckDB's own lock. Analysts open
`reporting.duckdb`, a finished copy swapped in with `os.replace`: a connection held open during
a run keeps reading the previous file and never sees half a build.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import glob as glob_module
import json
import os
import re
import shutil
import string
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import duckdb
import polars as pl

from schemas.registry import SOURCES
from warehouse import (
    agencies,
    calendar,
    exports,
    incremental,
    index_766,
    lookups,
    readers,
    reference,
)
from warehouse.check_results import evaluate
from warehouse.ingest.outcomes import QUARANTINE_SCHEMA
from warehouse.paths import DataPaths

SQL_DIR = Path(__file__).parent / "sql"
# Written by the publish, not built as tables: the log of publishes and the checks' results.
PUBLISH_TABLES = ("publish_log", "check_results")


def memory_limit() -> str:
    """The memory limit of a DuckDB connection of the pipeline (it spills to disk beyond)."""
    return os.environ.get("DANVAN_DUCKDB_MEMORY", "2GB")


def render_sql(name: str, **values: str) -> str:
    return string.Template((SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")).substitute(values)


def _rows_sql(name: str, relation: str) -> str:
    """The select of a by-period table's rows (`<name>_rows.sql`) from `relation`."""
    return render_sql(f"{name}_rows", rows=relation)


def table_sql(name: str) -> str:
    """The whole SQL of a table's build; a table updated by period selects its rows from all
    of its staging here."""
    table = incremental.INCREMENTAL.get(name)
    if table is None:
        return render_sql(name)
    return render_sql(name, **{f"{name}_rows": _rows_sql(name, f"stg_{table.source}")})


# Registered for a build, never published: the staging views and the reference tables.
STAGING_VIEWS = (*(f"stg_{source}" for source in SOURCES), "stg_quarantine")
REFERENCE_TABLES = {
    "stg_audit": lambda w: _audit_frame(w.paths),
    "ref_admin_units": lambda w: reference.admin_units(),
    "ref_admin_unit_changes": lambda w: reference.admin_unit_changes(),
    "ref_levels": lambda w: reference.levels(),
    "ref_scope": lambda w: reference.scope_frame(),
    "ref_agencies": lambda w: agencies.agencies(w.paths.reference("agencies.csv")),
    "ref_calendar": lambda w: calendar.calendar(),
    "ref_lookups": lambda w: lookups.lookups_frame(),
    "ref_quarantine_reasons": lambda w: lookups.reasons_frame(),
    "ref_766_indicators": lambda w: index_766.load(w.index_766_config).indicators,
    "ref_766_groups": lambda w: index_766.load(w.index_766_config).groups,
    "ref_766_bands": lambda w: index_766.load(w.index_766_config).bands,
}


# text that names tables without reading them: string literals (the COMMENTs) and comments
_NOT_CODE = re.compile(r"'(?:[^']|'')*'|--[^\n]*")


def sql_reads(sql: str) -> list[str]:
    """The tables, staging views and reference tables that `sql` names outside its string
    literals and comments: a table's lineage is read from its SQL, never written down beside
    it (and a COMMENT may name the tables it joins with)."""
    code = _NOT_CODE.sub(" ", sql)
    names = [p.stem for p in sorted(SQL_DIR.glob("*.sql")) if not p.stem.endswith("_rows")]
    names += [*STAGING_VIEWS, *REFERENCE_TABLES]
    return [n for n in names if re.search(rf"\b{n}\b", code)]


class Warehouse:
    def __init__(
        self,
        paths: DataPaths,
        index_766_config: Path | None = None,
        rebuild: bool = False,
    ):
        self.paths = paths
        self.index_766_config = index_766_config
        self.rebuild = rebuild  # rebuild every table whole, changed inputs or not

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One writer at a time across processes; released when the file closes, even on
        SIGKILL, so a killed run leaves no stale lock."""
        self.paths.root.mkdir(parents=True, exist_ok=True)
        with (self.paths.root / "build.duckdb.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    @contextmanager
    def _open(self, needs: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        # a bounded memory: DuckDB spills the large joins (months × dossiers) to disk instead
        readers.convert_if_newer(self.paths.build_db, memory_limit(), self.paths.root / "tmp")
        con = duckdb.connect(
            str(self.paths.build_db),
            # a new file in the format DuckDB 1.x reads: the published copy is one too
            config={
                "memory_limit": memory_limit(),
                "storage_compatibility_version": readers.STORAGE_VERSION,
            },
        )
        try:
            self._register_sources(con, needs)
            yield con
            con.execute("checkpoint")
        finally:
            con.close()

    @contextmanager
    def connect(self, needs: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """Read-write connection to build.duckdb with the staging views and reference tables
        registered: those named in the SQL text `needs`, or all of them."""
        with self._exclusive(), self._open(needs) as con:
            yield con

    def _register_sources(self, con: duckdb.DuckDBPyConnection, needs: str | None) -> None:
        """Temporary views over staging parquet and reference data: never published. Each
        costs a little (22 table steps a run), so a step registers only what its SQL names."""

        def wanted(name: str) -> bool:
            return needs is None or re.search(rf"\b{name}\b", needs) is not None

        for name, spec in SOURCES.items():
            if wanted(f"stg_{name}"):
                glob = self.paths.staging_glob(name)
                _view_or_empty(con, f"stg_{name}", glob, spec.empty_staging())
        if wanted("stg_quarantine"):
            _view_or_empty(
                con,
                "stg_quarantine",
                self.paths.quarantine_glob,
                pl.DataFrame(schema=QUARANTINE_SCHEMA),
            )
        for name, frame in REFERENCE_TABLES.items():
            if wanted(name):
                _temp_table(con, name, frame(self))

    def run(self, con: duckdb.DuckDBPyConnection, name: str) -> str:
        """Build one table from its model file (with its comments); says what was done."""
        sql = table_sql(name)
        inputs = [n for n in sql_reads(sql) if n != name]
        table = incremental.INCREMENTAL.get(name)
        if table is None:
            return incremental.build_whole(con, name, sql, inputs, force=self.rebuild)
        rows = partial(_rows_sql, name)
        dims = [n for n in inputs if n not in STAGING_VIEWS]
        return incremental.build(con, table, self.paths, sql, rows, dims, force=self.rebuild)

    def publish(self, run_id: str) -> Path:
        """Record the publish, evaluate every check on the build (check_results), export
        every table to Parquet, copy build.duckdb and swap both in atomically — all under the
        one writer lock, so they come from the same build."""
        target = self.paths.reporting_db
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        with self._exclusive():
            for stale in self.paths.root.glob(f".{target.name}.*.tmp"):
                stale.unlink()  # left by a publish that was killed: no publisher is running now
            folder = None
            try:
                with self._open(needs="") as con:  # reads published tables only
                    readers.check_readable(con, self.paths.build_db)
                    con.execute(render_sql("publish_log"))
                    con.execute(
                        "insert into publish_log values (?, ?)",
                        [run_id, dt.datetime.now().replace(microsecond=0)],
                    )
                    periods = exports.period_fingerprints(con)
                    contents = exports.table_fingerprints(periods)
                    _replace_table(con, "check_results", evaluate(con, self.paths, contents))
                    folder = exports.write_version(con, self.paths, run_id, periods)
                shutil.copyfile(self.paths.build_db, temporary)
                _drop_pipeline_state(temporary)
                os.chmod(temporary, 0o444)  # analysts read; only the pipeline replaces
                os.replace(temporary, target)
            except BaseException:
                # e.g. a full disk: the last publish stands as it was, and what this one
                # wrote goes (a copy of the database would hold gigabytes of a full disk)
                temporary.unlink(missing_ok=True)
                if folder is not None:
                    shutil.rmtree(folder, ignore_errors=True)
                self._forget_publish(run_id)
                raise
            exports.swap_link(self.paths.exports, folder)
        return target

    def _forget_publish(self, run_id: str) -> None:
        """A publish that failed is not logged as one (best effort: the caller raises the
        error that made it fail, which says more than a second one would)."""
        try:
            with self._open(needs="") as con:
                con.execute("delete from publish_log where run_id = ?", [run_id])
        except duckdb.Error:
            pass


def _drop_pipeline_state(database: Path) -> None:
    """Analysts get the tables, not the pipeline's own bookkeeping (warehouse/incremental.py)."""
    con = duckdb.connect(str(database))
    try:
        con.execute("drop schema if exists pipeline cascade")
        con.execute("checkpoint")
    finally:
        con.close()


def _replace_table(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """(Re)create `name` by its SQL file (columns and COMMENTs) and fill it with `frame`."""
    con.execute(render_sql(name))
    con.register(f"_{name}_frame", frame)
    try:
        con.execute(f"insert into {name} by name select * from _{name}_frame")
    finally:
        con.unregister(f"_{name}_frame")


AUDIT_SCHEMA = {
    "source": pl.String,
    "source_file": pl.String,
    "sha256": pl.String,
    "period": pl.String,
    "status": pl.String,
    "rows_read": pl.Int64,
    "rows_loaded": pl.Int64,
    "rows_quarantined": pl.Int64,
    "rows_duplicate": pl.Int64,
    "message": pl.String,
    "reason_code": pl.String,
    "loaded_at": pl.String,
    "exported_at": pl.String,
    "encoding": pl.String,
    "totals_rows": pl.Int64,
    "totals_reconciled": pl.Boolean,
    "totals_message": pl.String,
    "ingest_version": pl.String,
}


def _temp_table(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    con.register(f"_{name}_frame", frame)
    con.execute(f"create or replace temp table {name} as select * from _{name}_frame")
    con.unregister(f"_{name}_frame")


def _view_or_empty(con, name: str, glob: Path, empty: pl.DataFrame) -> None:
    if glob_module.glob(str(glob)):
        con.execute(
            f"create or replace temp view {name} as "
            f"select * from read_parquet({exports.sql_path(glob)}, union_by_name = true)"
        )
    else:
        _temp_table(con, name, empty)


def _audit_frame(paths: DataPaths) -> pl.DataFrame:
    """Audit records of every ingested partition and of the landing files no source claims
    (written by warehouse/inventory.py)."""
    records = []
    for path in sorted(paths.root.glob("audit/*/*.json")):
        records.extend(json.loads(path.read_text(encoding="utf-8")))
    return pl.DataFrame(records, schema=AUDIT_SCHEMA)
