"""The nightly refresh: rebuild every table from staging and publish."""

import dagster as dg

from assets.names import LANDING_INVENTORY
from warehouse.tables import TABLE_NAMES

refresh_warehouse = dg.define_asset_job(
    name="refresh_warehouse",
    selection=dg.AssetSelection.assets(
        LANDING_INVENTORY, *TABLE_NAMES, "reporting_db", "yearly_report"
    ),
    description="Rebuild every table of build.duckdb from staging, run the checks, publish.",
)

nightly_refresh = dg.ScheduleDefinition(
    name="nightly_refresh",
    job=refresh_warehouse,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Ho_Chi_Minh",
    description="Every night at 02:00 (Vietnam time) every table is rebuilt where its inputs "
    "changed, checked and published — a safety net beside the automation, which rebuilds "
    "after each ingest.",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
