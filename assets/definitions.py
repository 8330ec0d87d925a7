"""The Dagster code location: every asset, check and resource of the project."""

import os

import dagster as dg

from assets.alerts import alert_sensor
from assets.automation import automation_sensor
from assets.ingest import STAGING_ASSETS
from assets.landing import landing_inventory
from assets.model import TABLE_ASSETS
from assets.publish import reporting_db, yearly_report
from assets.quality import published_table_suites
from assets.resources import DanvanResource
from assets.retention import prune_nightly, prune_run_history
from assets.schedules import nightly_refresh, refresh_warehouse
from assets.sensors import landing_sensor
from warehouse.settings import DEFAULTS

ALL_ASSETS = [
    *STAGING_ASSETS,
    landing_inventory,
    *TABLE_ASSETS,
    reporting_db,
    yearly_report,
    published_table_suites,
]


def _folder(name: str) -> str | dg.EnvVar:
    """A folder setting as a Dagster EnvVar when the environment sets it (resolved when a run
    starts, and shown by name in the UI), else its default."""
    return dg.EnvVar(name) if os.environ.get(name) else DEFAULTS[name]


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=dg.with_source_code_references(ALL_ASSETS),
        jobs=[refresh_warehouse, prune_run_history],
        schedules=[nightly_refresh, prune_nightly],
        # all on by default: a toggle in the UI (or `dagster sensor stop …`) turns one off
        sensors=[landing_sensor, automation_sensor, alert_sensor],
        # a run's steps in the run's own process, as `danvan run` does: a process per step
        # would start Python and load these definitions again for each step, and the steps
        # that write build.duckdb run one at a time anyway (pool `build_duckdb`)
        executor=dg.in_process_executor,
        resources={
            "danvan": DanvanResource(
                landing_dir=_folder("DANVAN_LANDING_DIR"), data_dir=_folder("DANVAN_DATA_DIR")
            )
        },
    )
