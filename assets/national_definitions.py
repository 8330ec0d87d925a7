"""The national roll-up's code location (docs/scale-out.md): its own Definitions, loaded beside
or instead of the province's (`pipelines.national_definitions`)."""

import os

import dagster as dg

from assets.national import NATIONAL_STAGING_ASSETS, NationalResource, national_dossier_monthly
from assets.retention import prune_nightly, prune_run_history
from warehouse.national import DEFAULT_LANDING, LANDING_SETTING
from warehouse.settings import DEFAULTS


def _folder(name: str, default: str) -> str | dg.EnvVar:
    """A folder setting as an EnvVar when set (resolved when a run starts), else its default."""
    return dg.EnvVar(name) if os.environ.get(name) else default


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=dg.with_source_code_references([*NATIONAL_STAGING_ASSETS, national_dossier_monthly]),
        jobs=[prune_run_history],
        schedules=[prune_nightly],
        # as in the province's location: a run's steps in its own process
        executor=dg.in_process_executor,
        resources={
            "national": NationalResource(
                landing_dir=_folder(LANDING_SETTING, DEFAULT_LANDING),
                data_dir=_folder("DANVAN_DATA_DIR", DEFAULTS["DANVAN_DATA_DIR"]),
            )
        },
    )
