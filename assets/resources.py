"""Dagster resources: where the landing and data folders are (from settings, not asset bodies)."""

from pathlib import Path

import dagster as dg

from schemas.landing import Delivery, Unmatched, discover
from schemas.registry import SOURCES
from warehouse.build import Warehouse
from warehouse.paths import DataPaths


class DanvanResource(dg.ConfigurableResource):
    """Landing folder (read) and data folder (staging, quarantine, build and reporting files)."""

    landing_dir: str
    data_dir: str
    quarantine_warn_rate: float = 0.05  # a file's share of rows quarantined: a warning above
    quarantine_fail_rate: float = 0.5  # and a blocking failure above (the period is mostly lost)
    redelivery_warn_rate: float = 0.01  # share of a period's rows a new delivery removed or changed
    min_file_age_seconds: float = 30.0  # the sensor leaves younger files for the next tick
    index_766_config: str = ""  # empty: DANVAN_INDEX_766_CONFIG, else the project's YAML
    rebuild: bool = False  # every table rebuilt whole, even when its inputs did not change

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir)

    @property
    def paths(self) -> DataPaths:
        return DataPaths(Path(self.data_dir))

    @property
    def warehouse(self) -> Warehouse:
        config = Path(self.index_766_config) if self.index_766_config else None
        return Warehouse(self.paths, config, rebuild=self.rebuild)

    def discover(self) -> tuple[list[Delivery], list[Unmatched]]:
        return discover(self.landing, SOURCES.values())
