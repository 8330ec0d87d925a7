"""Check results of a partitioned asset, one per partition, each attached to the materialisation
it judges. A range run (a backfill, `danvan run`) materialises several partitions in one step;
a plain AssetCheckResult there would have no partition, so each result is an
AssetCheckEvaluation naming its partition and its target materialisation. They are yielded
after the asset's output: a result yielded before would judge the previous materialisation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import dagster as dg
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData,  # not exported at the top level
)


def check_outputs(context: dg.AssetExecutionContext) -> Iterator[dg.Output]:
    """The (empty) output each selected check has: Dagster requires one per check step."""
    for key in sorted(context.selected_asset_check_keys, key=lambda k: k.name):
        name = context.assets_def.get_output_name_for_asset_check_key(key)
        yield dg.Output(None, output_name=name)


def _targets(context: dg.AssetExecutionContext, partitions: list[str]) -> dict[str, object]:
    """This run's materialisation of each partition (stored once the output was yielded)."""
    records = context.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=context.asset_key, asset_partitions=partitions),
        limit=len(partitions) * 2 + 10,
    ).records
    found = {}
    for record in records:  # newest first
        partition = record.partition_key
        if record.run_id == context.run_id and partition not in found:
            found[partition] = AssetCheckEvaluationTargetMaterializationData(
                storage_id=record.storage_id, run_id=record.run_id, timestamp=record.timestamp
            )
    return found


def evaluations(
    context: dg.AssetExecutionContext, results: Iterable[tuple[str, str, object]]
) -> Iterator[dg.AssetCheckEvaluation]:
    """(partition, check name, verdict) → an evaluation of that partition's materialisation.
    A verdict has passed, severity, metadata and description."""
    results = list(results)
    targets = _targets(context, sorted({partition for partition, _, _ in results}))
    blocking = {
        key.name: context.assets_def.get_spec_for_check_key(key).blocking
        for key in context.selected_asset_check_keys
    }
    for partition, name, verdict in results:
        if name not in blocking:
            continue  # the check was not selected for this run
        yield dg.AssetCheckEvaluation(
            asset_key=context.asset_key,
            check_name=name,
            partition=partition,
            passed=verdict.passed,
            severity=verdict.severity,
            metadata=verdict.metadata,
            description=verdict.description,
            target_materialization_data=targets.get(partition),
            blocking=blocking[name],  # not derived from the spec for an evaluation
        )
