"""Weights, thresholds and rating bands of the Decision 766 service index, from a YAML file."""

import os
from pathlib import Path

import polars as pl
import yaml

DEFAULT_CONFIG = Path(__file__).parent / "service_index_766.yaml"


def config_path() -> Path:
    return Path(os.environ.get("DANVAN_INDEX_766_CONFIG") or DEFAULT_CONFIG)


def load(path: Path | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(indicators, bands) frames; raises ValueError naming the file when it is inconsistent."""
    path = path or config_path()
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    groups = {int(k): v for k, v in config["groups"].items()}
    indicators = pl.DataFrame(
        [
            {
                "indicator_code": item["code"],
                "group_no": int(item["group"]),
                "group_name_vi": groups[int(item["group"])]["name_vi"],
                "group_name_en": groups[int(item["group"])]["name_en"],
                "points_max": float(item["points"]),
                "threshold": float(item["threshold"]),
                "confirmed": bool(item.get("confirmed", False)),
                "name_vi": item["name_vi"],
                "name_en": item["name_en"],
            }
            for item in config["indicators"]
        ]
    )
    if (indicators["threshold"] <= 0).any():
        raise ValueError(f"{path}: every threshold must be > 0")
    bands = pl.DataFrame(
        [
            {"min_total": float(b["min"]), "rating": b["label"], "confirmed": bool(b["confirmed"])}
            for b in config["bands"]
        ]
    )
    return indicators, bands
