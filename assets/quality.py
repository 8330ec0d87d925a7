"""Great Expectations suites (warehouse/expectations.py) as asset checks on the published
tables. The publish validates them on the build it copies and records the results in the
published table `check_results` (warehouse/check_results.py), so the published file carries
the checks of the rows it holds; these checks report those results, without a second run."""

import time

import dagster as dg
import duckdb

from assets.automation import CHECK_AFTER_PUBLISH
from assets.progress import report
from assets.resources import DanvanResource
from warehouse.check_results import gx_check_name, gx_page, published_suites
from warehouse.expectations import SAMPLE_ROWS, SUITES


def check_name(table: str) -> str:
    return gx_check_name(table)


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
        found = published_suites(con)
    finally:
        con.close()
    passed = sum(bool(found.get(t, {}).get("passed")) for t in tables)
    report(
        context,
        f"published_table_suites: {passed} of {len(tables)} Great Expectations suites passed "
        "(validated by the publish on the rows it published; "
        f"{time.perf_counter() - started:.1f} s)",
    )
    for table in tables:
        result = found.get(table)
        if result is None:
            yield dg.AssetCheckResult(
                asset_key=table,
                check_name=check_name(table),
                passed=False,
                severity=dg.AssetCheckSeverity.ERROR,
                description="no result in the published check_results: publish again",
            )
            continue
        expectations = result["expectations"]
        seen = _rows_seen(expectations)
        yield dg.AssetCheckResult(
            asset_key=table,
            check_name=check_name(table),
            passed=bool(result["passed"]),
            severity=dg.AssetCheckSeverity.ERROR,
            description=f"{table}: {result['message']}",
            metadata={
                "expectations": len(expectations),
                "expectations_failed": sum(not e["success"] for e in expectations),
                **seen,
                "results": dg.MetadataValue.table(
                    records=[dg.TableRecord(_record(e)) for e in expectations],
                    schema=dg.TableSchema(
                        columns=[dg.TableColumn(name, kind) for name, kind in RESULT_COLUMNS]
                    ),
                ),
                "report": dg.MetadataValue.path(str(gx_page(danvan.paths))),
                "validated_at": str(result["checked_at"]),
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
        "unexpected": int(expectation["unexpected_count"] or 0),
        "on": expectation.get("on", ""),
    }


def _rows_seen(expectations: list[dict]) -> dict:
    """How many rows the suite saw: the table's (its row count) and the sample's (the rest)."""
    counted = [e["rows_seen"] for e in expectations if "rows_seen" in e]
    if not counted:  # a result recorded before the suites said what they saw
        return {}
    table = next(
        e["rows_seen"]
        for e in expectations
        if e["expectation"] == "expect_table_row_count_to_be_between"
    )
    validated = min(counted)
    return {"rows_in_table": table, "rows_validated": validated, "sampled": validated < table}
