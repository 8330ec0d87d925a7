"""Partitions that match how each source's files arrive (SourceSpec.period_kind)."""

import dagster as dg

from schemas.spec import SourceSpec

FIRST_YEAR, LAST_YEAR = 2021, 2030

MONTHLY = dg.MonthlyPartitionsDefinition(start_date="2021-01", fmt="%Y-%m", end_offset=1)
QUARTERLY = dg.StaticPartitionsDefinition(
    [f"{y}-Q{q}" for y in range(FIRST_YEAR, LAST_YEAR + 1) for q in range(1, 5)]
)
YEARLY = dg.StaticPartitionsDefinition([str(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)])


def dynamic_name(spec: SourceSpec) -> str:
    return f"{spec.name}_snapshots"


def partitions_for(spec: SourceSpec) -> dg.PartitionsDefinition:
    if spec.period_kind == "month":
        return MONTHLY
    if spec.period_kind == "quarter":
        return QUARTERLY
    if spec.period_kind == "year":
        return YEARLY
    # snapshot dates are whatever the offices send: partitions appear as files arrive
    return dg.DynamicPartitionsDefinition(name=dynamic_name(spec))
