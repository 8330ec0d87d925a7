"""Publication: the finished build becomes reporting.duckdb, swapped in atomically."""

import dagster as dg

from assets.model import BUILD_POOL, PUBLISHED_FRESHNESS
from pipelines.resources import DanvanResource
from warehouse.tables import TABLE_NAMES


@dg.asset(
    name="reporting_db",
    description=(
        "reporting.duckdb — the warehouse analysts open read-only. A copy of the finished "
        "build, swapped in with an atomic rename: open connections keep the previous publish."
    ),
    group_name="publish",
    kinds={"duckdb"},
    deps=list(TABLE_NAMES),
    pool=BUILD_POOL,
    freshness_policy=PUBLISHED_FRESHNESS,
)
def reporting_db(context: dg.AssetExecutionContext, danvan: DanvanResource) -> dg.MaterializeResult:
    target = danvan.warehouse.publish(context.run_id)
    context.log.info(f"published {target}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(target)),
            "tables": len(TABLE_NAMES) + 1,
            "size_bytes": target.stat().st_size,
        }
    )
