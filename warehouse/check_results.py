"""`check_results`: every check's result on the very rows being published, published with them.

The publish evaluates, on build.duckdb just before copying it, every table check
(warehouse/checks.py) and every Great Expectations suite (warehouse/expectations.py), and writes
the results into the table `check_results` — so the published file carries the checks of the
data it holds, never those of an earlier or later build. The Dagster asset checks report the
same results: the table checks run again when their table is built (a blocking one stops the
build before anything is published), and the GX asset check reads the suites' results from the
published `check_results` instead of validating a second time.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import polars as pl

from warehouse.checks import TABLE_CHECKS
from warehouse.expectations import SUITES, SuiteResult, validate_published, write_report
from warehouse.paths import DataPaths

SAMPLE_ROWS = 10  # violating rows kept in `details`: enough to find the rest by SQL
SCHEMA = {
    "check_name": pl.String,
    "asset": pl.String,
    "kind": pl.String,
    "passed": pl.Boolean,
    "severity": pl.String,
    "blocking": pl.Boolean,
    "violations": pl.Int64,
    "message": pl.String,
    "description": pl.String,
    "details": pl.String,
    "checked_at": pl.Datetime("us"),
}
TABLE_CHECK, GX_SUITE = "table_check", "gx_suite"


def gx_check_name(table: str) -> str:
    return f"{table}_gx_suite"


def gx_record(paths: DataPaths) -> Path:
    """The last result of each suite with the rows it was computed on (reused while unchanged)."""
    return paths.root / "gx" / "results.json"


def gx_page(paths: DataPaths) -> Path:
    """The self-contained HTML page of the suites' results."""
    return paths.root / "gx" / "index.html"


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _violations_message(rows: int, groups: int, grouped: str | None) -> str:
    """As the asset check says it: rows of the table, and the query's lines when it groups."""
    if rows == 0:
        return "no violations"
    return f"{rows:,} row(s) break the rule" + (f" ({groups:,} group(s))" if grouped else "")


def table_check_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    rows = []
    for check in TABLE_CHECKS:
        violations = con.sql(check.violations_sql).pl()
        # sorted: the same violations give the same sample whatever order the query found them
        sample = violations.cast(pl.String).sort(violations.columns).head(SAMPLE_ROWS).to_dicts()
        # rows of the table, not lines of the query (one line may stand for many rows)
        found = int(violations[check.rows_column].sum()) if check.rows_column else violations.height
        rows.append(
            {
                "check_name": check.name,
                "asset": check.table,
                "kind": TABLE_CHECK,
                "passed": found == 0,
                "severity": "ERROR" if check.blocking else "WARN",
                "blocking": check.blocking,
                "violations": found,
                "message": _violations_message(found, violations.height, check.rows_column),
                "description": check.description,
                "details": json.dumps(sample, ensure_ascii=False) if found else None,
                "checked_at": _now(),
            }
        )
    return rows


def _suite_message(result: SuiteResult) -> str:
    total, failed = len(result.expectations), result.failed
    seen = (
        f" on a sample of {result.rows_validated:,} of {result.rows_in_table:,} rows (the row "
        "count on the whole table)"
        if result.sampled
        else ""
    )
    if not failed:
        return f"{total} expectations met{seen}"
    named = "; ".join(
        f"{e['expectation']}({e['columns']})"
        + (f" {e['unexpected_count']:,} rows" if e["unexpected_count"] else "")
        for e in failed
    )
    return f"{len(failed)} of {total} expectations failed{seen}: {named}"


def suite_rows(results: list[SuiteResult]) -> list[dict]:
    return [
        {
            "check_name": gx_check_name(result.table),
            "asset": result.table,
            "kind": GX_SUITE,
            "passed": result.success,
            "severity": "ERROR",
            "blocking": False,
            "violations": len(result.failed),
            "message": _suite_message(result),
            "description": "Great Expectations suite: keys not null, grain unique, values in "
            "range and in their allowed sets, row count bounds.",
            "details": json.dumps(result.expectations, ensure_ascii=False),
            # a result taken from the record was computed on these same rows, at that time
            "checked_at": dt.datetime.fromisoformat(result.checked_at)
            if result.checked_at
            else _now(),
        }
        for result in results
    ]


def evaluate(
    con: duckdb.DuckDBPyConnection, paths: DataPaths, contents: dict[str, str] | None = None
) -> pl.DataFrame:
    """Every check's result on the build `con`, as the rows of check_results; writes the GX
    page too. `contents`: tables' row fingerprints already known (not hashed again)."""
    results, _ = validate_published(con, list(SUITES), gx_record(paths), contents)
    write_report(results, gx_page(paths))
    return pl.DataFrame(table_check_rows(con) + suite_rows(results), schema=SCHEMA)


def published_suites(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """The GX suites' rows of a published file's check_results, by table (none before this
    table existed)."""
    try:
        rows = con.sql(
            "select asset, passed, message, details, checked_at from check_results where kind = ?",
            params=[GX_SUITE],
        ).fetchall()
    except duckdb.CatalogException:
        return {}
    return {
        asset: {
            "passed": passed,
            "message": message,
            "expectations": json.loads(details or "[]"),
            "checked_at": checked_at,
        }
        for asset, passed, message, details, checked_at in rows
    }
