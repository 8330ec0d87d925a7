"""Great Expectations suites (warehouse/expectations.py) as asset checks on the published
tables: they read reporting.duckdb after the publish, report every expectation in the check's
metadata and write an HTML validation page to <data>/gx/index.html."""

import time

import dagster as dg
import duckdb

from assets.progress import report
from assets.resources import DanvanResource
from warehouse.expectations import SUITES, validate_published, write_report
from warehouse.exports import published_fingerprints

RECORD = "results.json"  # the last result of each suite, with what it was computed on


def check_name(table: str) -> str:
    return f"{table}_gx_suite"


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            check_name(table),
            asset=table,
            additional_deps=["reporting_db"],
            description=f"Great Expectations suite on the published {table}: keys not null, "
            "grain unique, values in range and in their allowed sets, row count bounds.",
        )
        for table in SUITES
    ],
    can_subset=True,
)
def published_table_suites(context: dg.AssetCheckExecutionContext, danvan: DanvanResource):
    started = time.perf_counter()
    selected = {key.name for key in context.selected_asset_check_keys}
    tables = [t for t in SUITES if check_name(t) in selected]
    con = duckdb.connect(str(danvan.paths.reporting_db), read_only=True)
    try:
        contents = published_fingerprints(con, danvan.paths)
        record = danvan.paths.root / "gx" / RECORD
        results, reused = validate_published(con, tables, record, contents)
    finally:
        con.close()
    page = write_report(results, danvan.paths.root / "gx" / "index.html")
    passed = sum(result.success for result in results)
    report(
        context,
        f"published_table_suites: {passed} of {len(results)} Great Expectations suites passed "
        f"({len(reused)} on content unchanged since validated; "
        f"{time.perf_counter() - started:.1f} s)",
    )
    for result in results:
        yield dg.AssetCheckResult(
            asset_key=result.table,
            check_name=check_name(result.table),
            passed=result.success,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "expectations": len(result.expectations),
                "failed": dg.MetadataValue.json(result.failed),
                "results": dg.MetadataValue.json(result.expectations),
                "report": dg.MetadataValue.path(str(page)),
                # the same rows as when validated give the same result: not validated again
                "validated": "earlier, on the same rows"
                if result.table in reused
                else "in this run",
            },
        )
