"""(unit, working day) pairs for events, drawn without replacement so that no two calibrated
events share a natural key."""

import numpy as np
import polars as pl

from pipelines.generate.territory import binh_thuan
from warehouse.calendar import calendar
from warehouse.reference import admin_units


def unit_days(level: str, year: int) -> pl.DataFrame:
    """Every (code, date) with the unit in force on that working day of the year."""
    gso_level = {"Tỉnh": "province", "Huyện": "district", "Xã": "commune"}[level]
    units = admin_units().filter(
        (pl.col("level") == gso_level) & pl.col("code").is_in(binh_thuan())
    )
    days = (
        calendar()
        .filter(pl.col("is_working_day") & (pl.col("date").dt.year() == year))
        .select("date")
    )
    return (
        units.join(days, how="cross")
        .filter(
            (pl.col("valid_from").is_null() | (pl.col("date") >= pl.col("valid_from")))
            & (pl.col("valid_to").is_null() | (pl.col("date") <= pl.col("valid_to")))
        )
        .select("code", "date")
        .unique()
        .sort("code", "date")
    )


def draw(rng: np.random.Generator, pairs: pl.DataFrame, n: int) -> pl.DataFrame:
    return pairs[np.sort(rng.choice(pairs.height, n, replace=False))]


def monthly(rng: np.random.Generator, pairs: pl.DataFrame, codes: list[str]) -> pl.DataFrame:
    """One working day per unit and month (a unit's monthly reception day)."""
    picked = pairs.filter(pl.col("code").is_in(codes)).with_columns(month=pl.col("date").dt.month())
    picked = picked.with_columns(r=pl.Series(rng.random(picked.height)))
    return (
        picked.sort("r")
        .unique(["code", "month"], keep="first")
        .drop("r", "month")
        .sort("code", "date")
    )
