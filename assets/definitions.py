"""The Dagster code location: every asset, check and resource of the project."""

import dagster as dg

from assets.ingest import STAGING_ASSETS
from assets.landing import landing_inventory
from assets.model import TABLE_ASSETS
from assets.publish import reporting_db, yearly_report
from assets.quality import published_table_suites
from assets.resources import DanvanResource
from assets.schedules import nightly_refresh, refresh_warehouse
from assets.sensors import landing_sensor
from warehouse.settings import Settings

ALL_ASSETS = [
    *STAGING_ASSETS,
    landing_inventory,
    *TABLE_ASSETS,
    reporting_db,
    yearly_report,
    published_table_suites,
]


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=ALL_ASSETS,
        jobs=[refresh_warehouse],
        schedules=[nightly_refresh],
        sensors=[landing_sensor],
        # a run's steps in the run's own process, as `danvan run` does: a process per step
        # would start Python and load these definitions again for each step, and the steps
        # that write build.duckdb run one at a time anyway (pool `build_duckdb`)
        executor=dg.in_process_executor,
        resources={
            "danvan": DanvanResource(
                landing_dir=str(settings.landing_dir), data_dir=str(settings.data_dir)
            )
        },
    )


defs = build_definitions(Settings.from_env())
