"""One asset per warehouse table (warehouse/tables.py), each running its own SQL file in
build.duckdb; all of them share the `build_duckdb` pool so only one writes at a time. The
table's checks (warehouse/checks.py) run on the same connection right after the build."""

import datetime as dt
import time

import dagster as dg

from assets.automation import AFTER_UPSTREAM
from assets.charts import extra_metadata
from assets.metadata import column_schema, preview
from assets.names import OWNERS, upstream_keys
from assets.progress import report
from assets.resources import DanvanResource
from warehouse.build import table_sql
from warehouse.checks import checks_for
from warehouse.tables import TABLE_NAMES, TABLES, Table

BUILD_POOL = "build_duckdb"
# the nightly refresh publishes every day: a table older than that is stale in the UI
PUBLISHED_FRESHNESS = dg.FreshnessPolicy.time_window(
    fail_window=dt.timedelta(hours=50), warn_window=dt.timedelta(hours=26)
)


def table_metadata(con, table: str) -> dict:
    rows = con.sql(f"select count(*) from {table}").fetchall()[0][0]
    columns = con.sql(
        "select column_name, data_type, comment from duckdb_columns() "
        "where table_name = ? and schema_name = 'main' order by column_index",
        params=[table],
    ).fetchall()
    return {
        "dagster/row_count": rows,
        "dagster/column_schema": column_schema(columns),
        "dagster/table_name": table,
        "preview": preview(con.sql(f"select * from {table} limit 5").pl()),
        **extra_metadata(con, table),
    }


def _judge(con, table: Table) -> list[dg.AssetCheckResult]:
    """Each check of the table: the rows breaking its rule. `violations` counts rows of the
    table (a check that reports groups, e.g. one line per unit and day, says how many rows
    each stands for), `groups` the lines of the sample."""
    results = []
    for check in checks_for(table.name):
        found = con.sql(check.violations_sql).pl()
        rows = int(found[check.rows_column].sum()) if check.rows_column else found.height
        severity = dg.AssetCheckSeverity.ERROR if check.blocking else dg.AssetCheckSeverity.WARN
        results.append(
            dg.AssetCheckResult(
                check_name=check.name,
                passed=found.height == 0,
                severity=severity,
                description=f"{table.name}: {rows:,} row(s) break the rule"
                + (f" ({found.height:,} group(s))" if check.rows_column else "")
                + f": {check.description}"
                if found.height
                else check.description,
                metadata={
                    "violations": rows,
                    "groups": found.height,
                    "sample": preview(found, rows=10),
                },
            )
        )
    return results


def make_table_asset(table: Table) -> dg.AssetsDefinition:
    @dg.asset(
        name=table.name,
        description=table.description,
        group_name=table.group,
        owners=OWNERS,
        kinds={"duckdb", "sql"},
        deps=upstream_keys(table.reads, TABLE_NAMES),
        pool=BUILD_POOL,
        freshness_policy=PUBLISHED_FRESHNESS,
        automation_condition=AFTER_UPSTREAM,
        check_specs=[
            dg.AssetCheckSpec(
                c.name, asset=table.name, description=c.description, blocking=c.blocking
            )
            for c in checks_for(table.name)
        ],
    )
    def build(context: dg.AssetExecutionContext, danvan: DanvanResource):
        warehouse = danvan.warehouse
        started = time.perf_counter()
        with warehouse.connect(needs=table_sql(table.name)) as con:
            done = warehouse.run(con, table.name)
            metadata = table_metadata(con, table.name)
            checking = time.perf_counter()
            judged = _judge(con, table)
        now = time.perf_counter()
        seconds, checks = round(now - started, 2), round(now - checking, 2)
        # the checks' share is said apart: what limits a run (the bench's step table) shows it
        of_which = f"; checks {checks} s" if checks_for(table.name) else ""
        report(
            context,
            f"{table.name}: {done}, {metadata['dagster/row_count']:,} rows ({seconds} s{of_which})",
        )
        # the checks after the output: each judges this materialisation, and a failed blocking
        # one fails the step once it is recorded (what follows in the run does not run)
        yield dg.MaterializeResult(metadata={**metadata, "seconds": seconds, "build": done})
        yield from judged

    return build


TABLE_ASSETS = [make_table_asset(t) for t in TABLES]
