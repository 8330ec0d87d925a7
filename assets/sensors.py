"""The landing-folder sensor: a new or changed file (by content hash) triggers a run of exactly
its source × period, once the file has stopped changing.

Its cursor stays small: it holds only the files whose period's load audit does not yet record
them as they are now (new, still being copied, launched and not yet ingested, or touched
without a change), and the unmatched files already warned about. What it notices is also told
where a monitor looks: an observation on the staging asset for a file waiting to be stable, on
`landing_inventory` for a file no source claims."""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict

import dagster as dg

from assets.names import LANDING_INVENTORY, STAGING_KEYS, staging_key
from assets.partitions import dynamic_name, missing_keys, not_yet_begun
from assets.resources import DanvanResource
from schemas.landing import Delivery
from schemas.registry import SOURCES
from warehouse.files import sha256_of, stat_key


def _inventory_digest(danvan: DanvanResource, unmatched) -> str:
    """Changes when a file that fits no source comes or goes, or a reference file changes."""
    reference = sorted(
        [p.name, p.stat().st_size, p.stat().st_mtime_ns]
        for p in (danvan.landing / "reference").glob("*")
        if p.is_file()
    )
    names = sorted(u.name for u in unmatched)
    return _digest([names, reference])


def _digest(inventory: list) -> str:
    return hashlib.sha256(json.dumps(inventory).encode()).hexdigest()[:16]


NOTHING_BESIDE_DELIVERIES = _digest([[], []])  # no stray files, no reference files


def _audited(danvan: DanvanResource, source: str, period: str) -> dict[str, tuple]:
    """file → (sha256, stat) as the period's last ingest recorded it."""
    audit = danvan.paths.audit(source, period)
    if not audit.exists():
        return {}
    return {
        r["source_file"]: (r["sha256"], r.get("stat") or [])
        for r in json.loads(audit.read_text(encoding="utf-8"))
    }


def _staged_periods(danvan: DanvanResource, source: str) -> set[str]:
    return {p.stem for p in danvan.paths.staging_glob(source).parent.glob("*.parquet")}


def _observation(key: str, text: str, **metadata) -> dg.AssetObservation:
    return dg.AssetObservation(
        asset_key=key, description=text, metadata={"warning": text, **metadata}
    )


@dg.sensor(
    name="landing_sensor",
    description="Watches the landing folder; launches the ingest of each new or changed file's "
    "source and period once the file is stable; adds each period that arrives as a partition; "
    "warns (as asset observations) about files waiting to be stable and files that fit no "
    "source.",
    asset_selection=[*STAGING_KEYS, LANDING_INVENTORY],
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def landing_sensor(context: dg.SensorEvaluationContext, danvan: DanvanResource):
    cursor = json.loads(context.cursor) if context.cursor else {}
    # file → [size, mtime_ns, sha256 once stable, sha256 of the content launched]
    tracked: dict[str, list] = cursor.get("files", {})
    warned: list[str] = cursor.get("warned", [])
    deliveries, unmatched = danvan.discover()
    events: list[dg.AssetObservation] = []
    still_unmatched = []
    for item in unmatched:
        name = item.name
        still_unmatched.append(name)
        if name not in warned:
            text = f"{name}: {item.reason}; not loaded (listed in load_audit)"
            context.log.warning(text)
            events.append(_observation(LANDING_INVENTORY, text, file=name))
    by_period: dict[tuple[str, str], list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        reason = not_yet_begun(SOURCES[delivery.source], delivery.period)
        name = delivery.path.relative_to(danvan.landing).as_posix()
        if reason is None:
            by_period[(delivery.source, delivery.period)].append(delivery)
            continue
        still_unmatched.append(name)
        if name not in warned:
            text = f"{name}: {reason}"
            context.log.warning(text)
            events.append(_observation(staging_key(delivery.source), text, file=name))
    now = time.time()
    changed: dict[tuple[str, str], list[str]] = {}
    waiting: list[str] = []
    kept: dict[str, list] = {}
    for (source, period), mine in sorted(by_period.items()):
        audited = _audited(danvan, source, period)
        for delivery in mine:
            name = delivery.path.relative_to(danvan.landing).as_posix()
            stat = stat_key(delivery.path)
            if name in audited and list(audited[name][1]) == stat:
                continue  # ingested as it is now: nothing to remember
            entry = tracked.get(name)
            if entry is None or entry[:2] != stat[:2]:
                # new, or still being copied (the content launched before, if any, is kept)
                kept[name] = [*stat[:2], None, entry[3] if entry else None]
                waiting.append(name)
                if entry is None:
                    text = f"{name}: waiting until it stops changing before it is ingested"
                    events.append(_observation(staging_key(source), text, file=name, period=period))
                continue
            kept[name] = entry
            if now - stat[1] / 1e9 < danvan.min_file_age_seconds:
                waiting.append(name)
                continue
            entry[2] = entry[2] or sha256_of(delivery.path)
            if entry[2] in (entry[3], audited.get(name, ("",))[0]):
                continue  # launched already, or the same bytes as ingested (touched)
            entry[3] = entry[2]
            changed.setdefault((source, period), []).append(entry[2])
    run_requests = []
    inventory = _inventory_digest(danvan, unmatched)
    if cursor.get("inventory", NOTHING_BESIDE_DELIVERIES) != inventory:
        run_requests.append(
            dg.RunRequest(
                run_key=f"{LANDING_INVENTORY}:{inventory}",
                asset_selection=[dg.AssetKey(LANDING_INVENTORY)],
            )
        )
    for (source, period), shas in sorted(changed.items()):
        digest = hashlib.sha256("".join(sorted(shas)).encode()).hexdigest()[:16]
        run_requests.append(
            dg.RunRequest(
                run_key=f"{source}:{period}:{digest}",
                asset_selection=[dg.AssetKey(staging_key(source))],
                partition_key=period,
                tags={"danvan/source": source, "danvan/period": period},
            )
        )
    new_partitions = []
    for source, spec in SOURCES.items():
        present = {p for s, p in changed if s == source} | _staged_periods(danvan, source)
        keys = missing_keys(spec, present, context.instance)
        if keys:
            new_partitions.append(dg.AddDynamicPartitionsRequest(dynamic_name(spec), keys))
    if waiting:
        context.log.info(
            f"waiting for {len(waiting)} file(s) to be stable: {', '.join(waiting[:5])}"
        )
    skip = None
    if not run_requests:
        skip = "no new or changed stable file"
        if waiting:
            skip = f"waiting for {len(waiting)} file(s) to be stable"
    return dg.SensorResult(
        run_requests=run_requests,
        dynamic_partitions_requests=new_partitions,
        asset_events=events,
        cursor=json.dumps(
            {"files": kept, "warned": sorted(set(still_unmatched)), "inventory": inventory},
            separators=(",", ":"),
        ),
        skip_reason=skip,
    )
