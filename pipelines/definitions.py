"""The Dagster code location: every asset, check and resource of the project."""

import dagster as dg

from assets.ingest import STAGING_ASSETS
from assets.model import TABLE_ASSETS
from assets.publish import reporting_db, yearly_report
from assets.quality import published_table_suites
from pipelines.resources import DanvanResource
from pipelines.schedules import nightly_refresh, refresh_warehouse
from pipelines.sensors import landing_sensor
from pipelines.settings import Settings

ALL_ASSETS = [*STAGING_ASSETS, *TABLE_ASSETS, reporting_db, yearly_report, published_table_suites]


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=ALL_ASSETS,
        jobs=[refresh_warehouse],
        schedules=[nightly_refresh],
        sensors=[landing_sensor],
        # a run's steps in the run's own process, as `danvan run` does: a process per step
        # starts Python and loads these definitions again, ≈ 3.5 s a step on 2 cores (the
        # nightly refresh of the demo with nothing new: 87 s → 4–5 s), and the steps that
        # write build.duckdb run one at a time anyway (pool `build_duckdb`)
        executor=dg.in_process_executor,
        resources={
            "danvan": DanvanResource(
                landing_dir=str(settings.landing_dir), data_dir=str(settings.data_dir)
            )
        },
    )


defs = build_definitions(Settings.from_env())
