"""Publication: the finished build becomes reporting.duckdb, swapped in atomically."""

import time

import dagster as dg
import duckdb

from assets.automation import AFTER_UPSTREAM
from assets.model import BUILD_POOL, PUBLISHED_FRESHNESS
from assets.names import OWNERS
from assets.progress import report
from assets.resources import DanvanResource
from warehouse.tables import TABLE_NAMES


@dg.asset(
    name="reporting_db",
    description=(
        "reporting.duckdb — the warehouse analysts open read-only. A copy of the finished "
        "build, swapped in with an atomic rename: open connections keep the previous publish."
    ),
    group_name="publish",
    owners=OWNERS,
    kinds={"duckdb"},
    deps=list(TABLE_NAMES),
    pool=BUILD_POOL,
    freshness_policy=PUBLISHED_FRESHNESS,
    automation_condition=AFTER_UPSTREAM,
)
def reporting_db(context: dg.AssetExecutionContext, danvan: DanvanResource) -> dg.MaterializeResult:
    started = time.perf_counter()
    target = danvan.warehouse.publish(context.run_id)
    con = duckdb.connect(str(target), read_only=True)
    try:
        tables = con.sql(
            "select table_name from duckdb_tables() where schema_name = 'main' order by 1"
        ).fetchall()
        counts = [(t, con.sql(f"select count(*) from {t}").fetchall()[0][0]) for (t,) in tables]
    finally:
        con.close()
    listing = dg.MetadataValue.table(
        records=[dg.TableRecord({"table": t, "rows": n}) for t, n in counts],
        schema=dg.TableSchema(columns=[dg.TableColumn("table"), dg.TableColumn("rows", "int")]),
    )
    report(
        context,
        f"reporting_db: published {target} and its Parquet exports, {len(counts)} tables "
        f"({time.perf_counter() - started:.1f} s)",
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(target)),
            "tables": len(counts),
            "dagster/row_count": sum(n for _, n in counts),
            "size_bytes": target.stat().st_size,
            "published_tables": listing,
        }
    )


@dg.asset(
    name="yearly_report",
    description=(
        "Báo cáo năm — the leadership's yearly report: one self-contained HTML file (charts "
        "embedded, no internet needed), Vietnamese with an English toggle, for the latest year "
        "with data (mart_source_coverage). Written to <data>/reports/bao_cao_<year>.html."
    ),
    group_name="publish",
    owners=OWNERS,
    kinds={"html"},
    deps=["reporting_db"],
    automation_condition=AFTER_UPSTREAM,
)
def yearly_report(
    context: dg.AssetExecutionContext, danvan: DanvanResource
) -> dg.MaterializeResult:
    from warehouse.coverage import latest_year_with_data
    from warehouse.report import write

    started = time.perf_counter()
    con = duckdb.connect(str(danvan.paths.reporting_db), read_only=True)
    try:
        year = latest_year_with_data(con)
    finally:
        con.close()
    if year is None:
        report(context, "yearly_report: no year has data yet, no report written")
        return dg.MaterializeResult(metadata={"year": None})
    path = write(
        danvan.paths.reporting_db, year, danvan.paths.root / "reports" / f"bao_cao_{year}.html"
    )
    report(context, f"yearly_report: wrote {path} ({time.perf_counter() - started:.1f} s)")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "year": year,
            "bytes": path.stat().st_size,
        }
    )
