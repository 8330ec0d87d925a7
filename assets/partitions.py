"""Partitions from the data actually present: each source's partitions are the periods for which
a file has arrived (dynamic partitions, added by the landing sensor and by `danvan run`), not a
fixed calendar, so a complete load shows every partition filled."""

from __future__ import annotations

import datetime as dt
import functools
import time

import dagster as dg

from schemas.spec import SourceSpec, period_bounds

# the national roll-up (assets/national.py) is partitioned by calendar month × province
MONTHLY = dg.MonthlyPartitionsDefinition(start_date="2021-01", fmt="%Y-%m", end_offset=1)


def dynamic_name(spec: SourceSpec) -> str:
    return f"{spec.name}_periods"


@functools.cache
def _partitions(name: str) -> dg.DynamicPartitionsDefinition:
    # one object per source: the asset and its checks must share it
    return dg.DynamicPartitionsDefinition(name=name)


def partitions_for(spec: SourceSpec) -> dg.DynamicPartitionsDefinition:
    return _partitions(dynamic_name(spec))


def not_yet_begun(spec: SourceSpec, period: str, today: dt.date | None = None) -> str | None:
    """Why a period named by a file cannot be loaded (it starts after today: a mistyped year),
    or None. The current, still open period can be delivered."""
    today = today or dt.date.today()
    bounds = period_bounds(spec.period_kind, period)
    start = bounds[0] if bounds else dt.date.fromisoformat(period)
    if start > today:
        return f"period {period} has not begun yet (today is {today.isoformat()}): not loaded"
    return None


def missing_keys(spec: SourceSpec, periods, instance: dg.DagsterInstance) -> list[str]:
    """The periods not yet partitions of the source, oldest first (the order they get)."""
    known = set(instance.get_dynamic_partitions(dynamic_name(spec)))
    return sorted(set(periods) - known)


def add_missing_partitions(
    spec: SourceSpec, periods, instance: dg.DagsterInstance, attempts: int = 5
) -> None:
    """Make the periods partitions of the source. A second `danvan run` started at the same
    moment may add the same keys in between: on that clash the keys are read again and only
    those still missing are added."""
    from sqlalchemy.exc import IntegrityError

    for attempt in range(attempts):
        missing = missing_keys(spec, periods, instance)
        if not missing:
            return
        try:
            instance.add_dynamic_partitions(dynamic_name(spec), missing)
            return
        except IntegrityError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


def key_ranges(spec: SourceSpec, periods, instance: dg.DagsterInstance) -> list[tuple[str, str]]:
    """The periods as ranges of consecutive partition keys (dynamic keys keep the order they
    were added in: a period that arrived late sits after the others), one run per range."""
    wanted = set(periods)
    ranges: list[list[str]] = []
    previous_wanted = False
    for key in instance.get_dynamic_partitions(dynamic_name(spec)):
        if key in wanted:
            if previous_wanted:
                ranges[-1][1] = key
            else:
                ranges.append([key, key])
        previous_wanted = key in wanted
    return [(start, end) for start, end in ranges]
