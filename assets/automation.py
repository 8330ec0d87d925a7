"""Declarative automation: the tables, the publish, the report and the published tables' suites
follow new staging by themselves (no hand-run refresh), unless a blocking check upstream failed
on data that must not be published. The sensor that evaluates the conditions runs by default."""

import dagster as dg

from assets.names import staging_key
from assets.staging_checks import PUBLISH_ANYWAY
from schemas.registry import SOURCES

AC = dg.AutomationCondition

# a rejected file or a mostly quarantined period fails a blocking check of its staging asset
# and the run that ingested it, but the rest of the warehouse is still built and published
# (as `danvan run` does); every other failed blocking check holds what follows it
_PUBLISH_ANYWAY = dg.AssetSelection.checks(
    *(
        dg.AssetCheckKey(dg.AssetKey(staging_key(source)), f"{staging_key(source)}_{rule}")
        for source in SOURCES
        for rule in PUBLISH_ANYWAY
    )
)
_UPSTREAM_BLOCKED = AC.any_deps_match(
    AC.any_checks_match(AC.check_failed(), blocking_only=True).ignore(_PUBLISH_ANYWAY)
).with_label("a blocking check upstream failed (other than a rejected file or a lost period)")

AFTER_UPSTREAM = (
    AC.any_deps_updated().since_last_handled()
    & ~AC.any_deps_in_progress()
    & ~AC.in_progress()
    & ~_UPSTREAM_BLOCKED
).with_label("rebuilt when what it reads changed, unless a blocking check upstream failed")

# a published table's suite runs when the publish (or the table) changed
CHECK_AFTER_PUBLISH = (
    AC.any_deps_updated().since_last_handled() & ~AC.any_deps_in_progress()
).with_label("run after each publish")

automation_sensor = dg.AutomationConditionSensorDefinition(
    "automation",
    target=dg.AssetSelection.all(include_sources=False),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Evaluates the automation conditions of the tables, the publish, the report "
    "and the suites every 30 s: what new staging changed is rebuilt and published.",
)
