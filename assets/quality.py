"""Great Expectations suites (warehouse/expectations.py) as asset checks on the published
tables: they read reporting.duckdb after the publish, report every expectation in the check's
metadata and write an HTML validation page to <data>/gx/index.html."""

import time

import dagster as dg
import duckdb

from assets.automation import CHECK_AFTER_PUBLISH
from assets.progress import report
from assets.resources import DanvanResource
from warehouse.expectations import SAMPLE_ROWS, SUITES, validate_published, write_report
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
            "grain unique, values in range and in their allowed sets, row count bounds. Tables "
            f"above {SAMPLE_ROWS:,} rows are validated on an even sample (every k-th row; "
            "`sampled` and `rows_validated` say so), the row count on the whole table.",
            automation_condition=CHECK_AFTER_PUBLISH,
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
        seen = (
            f"a sample of {result.rows_validated:,} of {result.rows_in_table:,} rows"
            if result.sampled
            else f"all {result.rows_in_table:,} rows"
        )
        failed = ", ".join(f"{e['expectation']}({e['columns']})" for e in result.failed)
        yield dg.AssetCheckResult(
            asset_key=result.table,
            check_name=check_name(result.table),
            passed=result.success,
            severity=dg.AssetCheckSeverity.ERROR,
            description=f"{result.table}: {len(result.failed)} of {len(result.expectations)} "
            f"expectations failed on {seen}: {failed}"
            if result.failed
            else f"{result.table}: {len(result.expectations)} expectations met on {seen}",
            metadata={
                "expectations": len(result.expectations),
                "expectations_failed": len(result.failed),
                "rows_in_table": result.rows_in_table,
                "rows_validated": result.rows_validated,
                "sampled": result.sampled,
                "results": dg.MetadataValue.table(
                    records=[dg.TableRecord(_record(e)) for e in result.expectations],
                    schema=dg.TableSchema(
                        columns=[dg.TableColumn(name, kind) for name, kind in RESULT_COLUMNS]
                    ),
                ),
                "report": dg.MetadataValue.path(str(page)),
                # the same rows as when validated give the same result: not validated again
                "validated": "earlier, on the same rows"
                if result.table in reused
                else "in this run",
            },
        )


RESULT_COLUMNS = [
    ("expectation", "string"),
    ("columns", "string"),
    ("success", "bool"),
    ("observed", "string"),
    ("unexpected", "int"),
    ("on", "string"),
]


def _record(expectation: dict) -> dict:
    return {
        "expectation": expectation["expectation"],
        "columns": expectation["columns"],
        "success": expectation["success"],
        "observed": expectation["observed"],
        "unexpected": int(expectation["unexpected_count"]),
        "on": expectation.get("on", ""),
    }
