"""The landing-folder sensor: a new or changed file (by content hash) triggers a run of exactly
its source × period, once the file has stopped changing."""

from __future__ import annotations

import hashlib
import json
import time

import dagster as dg

from assets.names import LANDING_INVENTORY, STAGING_KEYS, staging_key
from assets.partitions import dynamic_name, partitions_for
from assets.resources import DanvanResource
from schemas.registry import SOURCES
from warehouse.files import sha256_of


def _valid_periods(spec, instance) -> set[str]:
    return set(partitions_for(spec).get_partition_keys(dynamic_partitions_store=instance))


def _inventory_digest(danvan: DanvanResource, unmatched) -> str:
    """Changes when a file that fits no source comes or goes, or a reference file changes."""
    reference = sorted(
        [p.name, p.stat().st_size, p.stat().st_mtime_ns]
        for p in (danvan.landing / "reference").glob("*")
        if p.is_file()
    )
    names = sorted(u.path.relative_to(danvan.landing).as_posix() for u in unmatched)
    return _digest([names, reference])


def _digest(inventory: list) -> str:
    return hashlib.sha256(json.dumps(inventory).encode()).hexdigest()[:16]


NOTHING_BESIDE_DELIVERIES = _digest([[], []])  # no stray files, no reference files


@dg.sensor(
    name="landing_sensor",
    description="Watches the landing folder; launches the ingest of each new or changed file's "
    "source and period once the file is stable; warns about files that fit no source.",
    asset_selection=[*STAGING_KEYS, LANDING_INVENTORY],
    minimum_interval_seconds=60,
)
def landing_sensor(context: dg.SensorEvaluationContext, danvan: DanvanResource):
    cursor = json.loads(context.cursor) if context.cursor else {}
    seen: dict[str, list] = cursor.get("seen", {})  # file → [size, mtime, sha or None]
    requested: dict[str, str] = cursor.get("requested", {})  # file → sha last launched
    warned: list[str] = cursor.get("warned", [])
    deliveries, unmatched = danvan.discover()
    for item in unmatched:
        name = item.path.relative_to(danvan.landing).as_posix()
        if name not in warned:
            context.log.warning(f"{name}: {item.reason}; not loaded (listed in load_audit)")
            warned.append(name)
    now = time.time()
    changed: dict[tuple[str, str], list[str]] = {}
    waiting = []
    for delivery in deliveries:
        name = delivery.path.relative_to(danvan.landing).as_posix()
        stat = delivery.path.stat()
        previous = seen.get(name)
        if previous is None or previous[:2] != [stat.st_size, stat.st_mtime]:
            seen[name] = [stat.st_size, stat.st_mtime, None]  # new or still being copied
            waiting.append(name)
            continue
        if now - stat.st_mtime < danvan.min_file_age_seconds:
            waiting.append(name)
            continue
        sha = previous[2] or sha256_of(delivery.path)
        seen[name][2] = sha
        if requested.get(name) == sha:
            continue  # the same content again: nothing to do
        requested[name] = sha
        changed.setdefault((delivery.source, delivery.period), []).append(sha)
    run_requests, new_snapshots = [], {}
    inventory = _inventory_digest(danvan, unmatched)
    if cursor.get("inventory", NOTHING_BESIDE_DELIVERIES) != inventory:
        run_requests.append(
            dg.RunRequest(
                run_key=f"{LANDING_INVENTORY}:{inventory}",
                asset_selection=[dg.AssetKey(LANDING_INVENTORY)],
            )
        )
    for (source, period), shas in sorted(changed.items()):
        spec = SOURCES[source]
        if spec.period_kind == "date":
            new_snapshots.setdefault(dynamic_name(spec), []).append(period)
        elif period not in _valid_periods(spec, context.instance):
            context.log.warning(f"{source} {period}: period outside the supported range, skipped")
            continue
        digest = hashlib.sha256("".join(sorted(shas)).encode()).hexdigest()[:16]
        run_requests.append(
            dg.RunRequest(
                run_key=f"{source}:{period}:{digest}",
                asset_selection=[dg.AssetKey(staging_key(source))],
                partition_key=period,
                tags={"danvan/source": source, "danvan/period": period},
            )
        )
    if waiting:
        context.log.info(
            f"waiting for {len(waiting)} file(s) to be stable: {', '.join(waiting[:5])}"
        )
    new_cursor = json.dumps(
        {"seen": seen, "requested": requested, "warned": warned, "inventory": inventory}
    )
    return dg.SensorResult(
        run_requests=run_requests,
        dynamic_partitions_requests=[
            dg.AddDynamicPartitionsRequest(name, sorted(set(keys)))
            for name, keys in new_snapshots.items()
        ],
        cursor=new_cursor,
        skip_reason=None if run_requests else "no new or changed stable file",
    )
